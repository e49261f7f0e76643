/**
 * What the application code uses of the database. Extractors produce References; rules weigh them.
 */
import type { SourceLocation } from '../location.js';

/**
 * - `certain`: a declaration (ORM model field) or SQL that parsed and resolved to a table;
 * - `likely`: a builder string (`knex('users').select('email')`) or SQL that only partly parsed;
 * - `weak`: a bare string equal to a column name near a table reference (information only, never an error).
 */
export type Confidence = 'certain' | 'likely' | 'weak';

/**
 * - `read`: SELECT list, WHERE, JOIN, ORDER BY, RETURNING, an ORM `select`/`where`;
 * - `write`: a column assigned by INSERT or UPDATE, an ORM `data` key;
 * - `insert`: a row created in the table (table-level; see `insertColumns`);
 * - `delete`: rows deleted from the table (table-level);
 * - `model`: an ORM model field the client selects on every read and writes on create (implicit);
 * - `declare`: a model field the ORM does not select by default (`select: false`, Prisma `@ignore`):
 *   only harmful if written.
 */
export type ReferenceKind = 'read' | 'write' | 'insert' | 'delete' | 'model' | 'declare';

/** Where the code lives: application code, tests, or scripts (seeds, one-off tools). */
export type CodeContext = 'app' | 'test' | 'script';

export interface Reference {
  /** Database table name (after `@@map`, `@Entity('…')`, naming strategies). */
  table: string;
  /** Schema when the code names one (`"billing"."invoices"`, Prisma `@@schema`). */
  schema?: string;
  /** Database column name; absent for table-level references. */
  column?: string;
  kind: ReferenceKind;
  /**
   * For `insert`: the columns the insert writes. Absent when not knowable (positional `INSERT … VALUES`,
   * `INSERT … SELECT *`): such an insert writes every column the code's model knows, by position.
   * For ORM creates, the model's writable fields.
   */
  insertColumns?: string[];
  confidence: Confidence;
  /** True when the code does not name the column itself (`SELECT *`, a model field the ORM selects). */
  implicit: boolean;
  /**
   * An unqualified column in SQL over several tables (`SELECT email FROM users JOIN accounts …`): attributed to
   * every candidate table (confidence `likely`), though at most one of them has it. A table without the column
   * is not an "unknown column" finding.
   */
  ambiguous?: boolean;
  /**
   * Read from SQL that did not parse, by a lexical scan: enough to warn that a dropped column may still be
   * used, not to say that a column the scan saw does not exist.
   */
  lexical?: boolean;
  context: CodeContext;
  location: SourceLocation;
  /** The extractor that found it: `raw-sql`, `prisma`, `drizzle`, `typeorm`, `kysely`, `knex`, `sequelize`. */
  extractor: string;
  /** The source line, trimmed and capped, so reports can show it without re-reading the file. */
  snippet: string;
  /** How the code names it when that differs from the database name, e.g. `User.emailAddress (prisma field)`. */
  via?: string;
}
