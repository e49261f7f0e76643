/**
 * What one file says about the database, before names are resolved across files and through naming
 * strategies. FileFacts are what the cache stores (keyed by the file's git blob SHA), so nothing here
 * may depend on configuration or on other files.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { SourceLocation } from '../location.js';
import type { CodeContext, Confidence, Reference, ReferenceKind } from './reference.js';
import type { ExportedConstant } from './names.js';

export type OrmName = 'prisma' | 'drizzle' | 'typeorm' | 'sequelize' | 'mikro-orm';

export interface FieldDeclaration {
  /** Property / field name in code (`emailAddress`). */
  name: string;
  /** Explicit database column name (`@map("email")`, `@Column({ name })`, `field: 'email'`, drizzle `text('email')`); absent when derived by the naming strategy. */
  column?: string;
  /** Selected on every read by default (false for `select: false`, relations, `@ignore`). */
  selected: boolean;
  /** Written on create by default (false for generated/read-only fields). */
  written: boolean;
  /** Part of the model but not a column of this table (relation fields, virtual attributes). */
  virtual?: boolean;
  /**
   * The foreign key of a many-to-one relation whose column the ORM derives (TypeORM `@ManyToOne` without
   * `@JoinColumn({ name })`): naming strategies build it from `name` and the referenced column's property name.
   */
  joinColumn?: { referencedColumn: string };
  location: SourceLocation;
  snippet: string;
}

export interface ModelDeclaration {
  orm: OrmName;
  /** Name code uses for the model: class / export / Prisma model / sequelize model name. */
  name: string;
  /** Explicit table name; absent when derived by the naming strategy from `name`. */
  table?: string;
  schema?: string;
  fields: FieldDeclaration[];
  /** ORM options that add columns or change naming (`paranoid`, `timestamps`, `underscored`, drizzle `casing`). */
  options?: Record<string, string | boolean>;
  /** For TS models, whether and under which name it is exported (`export const users = pgTable…`). */
  exportedAs?: string[];
  /** A class the model extends, by local name (resolved like a usage's symbol): its declared fields are inherited. */
  extends?: string;
  /** A base class that declares fields for the models extending it, but is no table itself (TypeORM abstract entities). */
  abstract?: boolean;
  location: SourceLocation;
  snippet: string;
}

/** A local name bound by an import: `import { users as u } from './schema'` → { local: 'u', imported: 'users', from: './schema' }. */
export interface ImportBinding {
  local: string;
  /** `default`, `*` (namespace), or the exported name. */
  imported: string;
  /** The module specifier as written. */
  from: string;
}

/**
 * A use of a model that can only be resolved with the declarations of other files:
 * `db.select().from(users)`, `prisma.user.findMany({ select: { email: true } })`, `repo.find({ select: ['email'] })`.
 */
export interface ModelUsage {
  orm: OrmName;
  /** How the model is named here: a local identifier (resolved through imports) or an ORM model name (Prisma delegates). */
  model: { symbol: string } | { modelName: string };
  /** Explicit fields used (property names in code). */
  fields: { name: string; kind: ReferenceKind; location: SourceLocation; snippet: string }[];
  /**
   * Table-level effect: `read` of every selected field (no narrowing `select`), `insert` (writes every written
   * field or `insertFields`), `delete`, or `none` when only the explicit fields matter.
   */
  effect: 'read-all' | 'insert' | 'delete' | 'none';
  /** For `insert` with explicit data: the fields given. */
  insertFields?: string[];
  /** The ORM also writes the model's `written` fields that `insertFields` leaves out (Prisma sends client-side defaults). */
  insertIncludesDefaults?: boolean;
  confidence: Confidence;
  location: SourceLocation;
  snippet: string;
}

/** A `// rollsafe-ignore rule -- reason` comment in code: it silences references on its own line and the next. */
export interface CodeSuppression {
  line: number;
  scope: 'next' | 'file';
  rules: string[];
  reason: string | null;
}

/**
 * A query-builder instance a file exports (`export const db = knex(config)`), or a class whose instances are
 * (`export class Database extends Kysely<DB> {}`), so that other files' uses of it count.
 */
export interface InstanceExport {
  /** The extractor that knows the library: `knex`, `kysely`. */
  library: string;
  /** Export names: `db`, `default`, and `*` for CommonJS `module.exports = …`. */
  exportedAs: string[];
}

/**
 * References made through a name imported from another file (`import { db } from './db'; db('users')…`). They
 * hold only if that import is an instance of `library` (an InstanceExport of the imported file), which `link` decides.
 */
export interface ConditionalReferences {
  library: string;
  /** The local name in this file. */
  symbol: string;
  references: Reference[];
  /**
   * When the import is not an instance of `library`: `drop` (default) the references, or `keep` them as they
   * are (raw SQL on a client of unknown origin stays `likely`), or keep them when the file's package (or the
   * workspace root) depends on `library` (`dependency`: a chain recognised by the library's method names and
   * argument shapes on a receiver the file cannot trace, `ctx.db.selectFrom('users')`).
   */
  otherwise?: 'drop' | 'keep' | 'dependency';
  /** The references to use instead when the import is an instance (raw SQL on a pool exported by the app's `db.ts`: `certain`). */
  asInstance?: Reference[];
}

export interface FileFacts {
  path: string;
  context: CodeContext;
  /** References already in database names (raw SQL, knex/kysely strings). */
  references: Reference[];
  models: ModelDeclaration[];
  usages: ModelUsage[];
  imports: ImportBinding[];
  diagnostics: Diagnostic[];
  /** Present when the file has suppression comments. */
  suppressions?: CodeSuppression[];
  /** ORM options this file sets for the whole project (Sequelize `new Sequelize(…, { define: { underscored: true } })`); configured options win. */
  ormDefaults?: Partial<Record<OrmName, Record<string, string | boolean>>>;
  instanceExports?: InstanceExport[];
  /** Exported constants that look like database names (`export const TABLE = 'users'`), for other files' imports of them (link). */
  constants?: Record<string, ExportedConstant>;
  /** For a `package.json`: the packages it depends on (all kinds of dependencies). */
  dependencies?: string[];
  /** Names of models this file uses as the join model of a many-to-many association (Sequelize `through`). */
  throughModels?: string[];
  conditionalReferences?: ConditionalReferences[];
}
