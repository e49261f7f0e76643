/**
 * The closed vocabulary of schema changes that rules read. `normalize()` turns parsed statements
 * (and TS/JS migration builders) into these; rules never walk raw DDL ASTs.
 */
import type { SourceLocation } from '../location.js';

/** A schema-qualified object name. Unquoted identifiers are folded to lower case; quoted ones keep their case. */
export interface QualifiedName {
  schema: string;
  name: string;
}

export interface TypeRef {
  /** Canonical Postgres type name as in pg_type (`int4`, `varchar`, `timestamptz`, `text`, `numeric`, or a user type). */
  name: string;
  /** Schema for user-defined types; absent for built-ins (pg_catalog). */
  schema?: string;
  /** Type modifiers: `varchar(20)` → [20], `numeric(10,2)` → [10, 2]. */
  modifiers: number[];
  /** Array dimensions (`int[]` → 1). */
  arrayDims: number;
  /** `serial`, `bigserial`, `smallserial` when declared that way (name is then the underlying int type). */
  serial?: 'smallserial' | 'serial' | 'bigserial';
  /** As Postgres' format_type prints it: `integer`, `character varying(20)`, `timestamp with time zone`. */
  display: string;
}

export type Volatility = 'immutable' | 'stable' | 'volatile';

export interface Expression {
  /** The expression's source text. */
  text: string;
  /** Worst volatility of the functions it calls (unknown functions count as volatile). */
  volatility: Volatility;
}

export type ConstraintType = 'primary-key' | 'unique' | 'foreign-key' | 'check' | 'exclusion' | 'not-null';

export interface ConstraintSpec {
  /** Explicit name, or absent when Postgres would generate one. */
  name?: string;
  type: ConstraintType;
  columns: string[];
  notValid: boolean;
  /** `ADD CONSTRAINT … PRIMARY KEY/UNIQUE USING INDEX idx`. */
  usingIndex?: string;
  /** `UNIQUE NULLS NOT DISTINCT` (Postgres 15+): NULLs count as equal. */
  nullsNotDistinct?: boolean;
  /** `INCLUDE (…)` columns of a unique or primary key constraint's index. */
  include?: string[];
  references?: { table: QualifiedName; columns: string[] };
  /** CHECK expression text. */
  expression?: string;
}

export interface ColumnSpec {
  name: string;
  type: TypeRef;
  notNull: boolean;
  default?: Expression;
  identity?: 'always' | 'by-default';
  /** `GENERATED ALWAYS AS (expr) STORED|VIRTUAL`. */
  generated?: { expression: string; stored: boolean };
  /** Inline column constraints other than NOT NULL/DEFAULT (PRIMARY KEY, UNIQUE, REFERENCES, CHECK). */
  constraints: ConstraintSpec[];
  collation?: string;
}

/** A table (and optionally column) read by a view's query or a function body. */
export interface ColumnRead {
  table: QualifiedName;
  /** Absent when the whole row is read (`SELECT *`, `t.*`) or only the table is referenced. */
  column?: string;
}

export type TransactionAction = 'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollback-to' | 'prepare' | 'commit-prepared' | 'rollback-prepared';

export type LockMode =
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE';

/** Where a Change came from. */
export interface StatementInfo {
  /** 0-based index of the statement in its migration. */
  index: number;
  /** libpg-query node type (`AlterTableStmt`), or a builder call name for TS/JS migrations (`knex.schema.alterTable`). */
  type: string;
  /** Source text of the whole statement. */
  text: string;
  location: SourceLocation;
  /** Set when the statement came from inside a `DO` block or function body. */
  nestedIn?: 'do-block' | 'function-body';
  /**
   * The search_path in force, when it names more than one schema. Unqualified names in the Change carry its
   * first schema; an object found only in a later one is resolved there when the schema is replayed.
   */
  searchPath?: string[];
  /** Identifiers of the statement longer than 63 bytes, as written: Postgres truncates them (the AST already holds the cut names). */
  longIdentifiers?: string[];
}

interface ChangeBase {
  /** The precise place: the ALTER TABLE sub-command, or the statement when it has a single action. */
  location: SourceLocation;
  statement: StatementInfo;
}

export type Change = ChangeBase &
  (
    | {
        kind: 'create-table';
        table: QualifiedName;
        columns: ColumnSpec[];
        constraints: ConstraintSpec[];
        ifNotExists: boolean;
        partitioned: boolean;
        partitionOf?: QualifiedName;
        inherits: QualifiedName[];
        /** CREATE TABLE … AS / SELECT INTO: columns are unknown unless listed. */
        asQuery: boolean;
        /** `LIKE other` sources: columns copied from them. */
        like: QualifiedName[];
        persistence: 'permanent' | 'unlogged' | 'temporary';
      }
    | { kind: 'drop-table'; table: QualifiedName; ifExists: boolean; cascade: boolean }
    | { kind: 'rename-table'; table: QualifiedName; newName: string }
    | { kind: 'set-table-schema'; table: QualifiedName; newSchema: string }
    | { kind: 'add-column'; table: QualifiedName; column: ColumnSpec; ifNotExists: boolean }
    | { kind: 'drop-column'; table: QualifiedName; column: string; ifExists: boolean; cascade: boolean }
    | { kind: 'rename-column'; table: QualifiedName; column: string; newName: string }
    | { kind: 'alter-column-type'; table: QualifiedName; column: string; type: TypeRef; using?: string; collation?: string }
    | { kind: 'set-not-null'; table: QualifiedName; column: string }
    | { kind: 'drop-not-null'; table: QualifiedName; column: string }
    | { kind: 'set-default'; table: QualifiedName; column: string; default: Expression }
    | { kind: 'drop-default'; table: QualifiedName; column: string }
    | { kind: 'set-identity'; table: QualifiedName; column: string; identity: 'always' | 'by-default' }
    | { kind: 'drop-identity'; table: QualifiedName; column: string }
    | { kind: 'add-constraint'; table: QualifiedName; constraint: ConstraintSpec }
    | { kind: 'drop-constraint'; table: QualifiedName; name: string; ifExists: boolean; cascade: boolean }
    | { kind: 'validate-constraint'; table: QualifiedName; name: string }
    | { kind: 'rename-constraint'; table: QualifiedName; name: string; newName: string }
    | {
        kind: 'create-index';
        index?: QualifiedName;
        table: QualifiedName;
        /** Indexed columns; expressions appear as `null`. */
        columns: (string | null)[];
        include: string[];
        unique: boolean;
        concurrently: boolean;
        ifNotExists: boolean;
        method: string;
        where?: string;
        /** `CREATE INDEX ON ONLY parent` (partitioned tables). */
        only: boolean;
        /**
         * The names Postgres builds an unnamed index's name from, one per key column: the column name, or for
         * an expression its function name (`lower`) or `expr`. Absent when not known.
         */
        nameParts?: string[];
      }
    | { kind: 'drop-index'; index: QualifiedName; concurrently: boolean; ifExists: boolean; cascade: boolean }
    | { kind: 'rename-index'; index: QualifiedName; newName: string }
    | { kind: 'reindex'; target: 'index' | 'table' | 'schema' | 'database' | 'system'; name: QualifiedName | null; concurrently: boolean }
    | {
        kind: 'create-view';
        view: QualifiedName;
        materialized: boolean;
        orReplace: boolean;
        /** Output column names, in order. */
        columns: string[];
        reads: ColumnRead[];
        withData: boolean;
      }
    | { kind: 'drop-view'; view: QualifiedName; materialized: boolean; ifExists: boolean; cascade: boolean }
    | { kind: 'rename-view'; view: QualifiedName; materialized: boolean; newName: string }
    | { kind: 'refresh-materialized-view'; view: QualifiedName; concurrently: boolean; withData: boolean }
    | { kind: 'create-enum'; type: QualifiedName; values: string[] }
    | { kind: 'add-enum-value'; type: QualifiedName; value: string; ifNotExists: boolean; before?: string; after?: string }
    | { kind: 'rename-enum-value'; type: QualifiedName; value: string; newValue: string }
    | { kind: 'create-domain'; type: QualifiedName; baseType: TypeRef; checks: string[]; notNull: boolean }
    | { kind: 'add-domain-constraint'; type: QualifiedName; constraint: ConstraintSpec }
    | { kind: 'drop-type'; type: QualifiedName; ifExists: boolean; cascade: boolean; domain: boolean }
    | { kind: 'rename-type'; type: QualifiedName; newName: string }
    | { kind: 'create-schema'; schema: string; ifNotExists: boolean }
    | { kind: 'drop-schema'; schema: string; ifExists: boolean; cascade: boolean }
    | { kind: 'rename-schema'; schema: string; newName: string }
    | { kind: 'create-sequence'; sequence: QualifiedName; ifNotExists: boolean }
    | { kind: 'drop-sequence'; sequence: QualifiedName; ifExists: boolean }
    | { kind: 'create-extension'; name: string; ifNotExists: boolean }
    | { kind: 'create-function'; function: QualifiedName; language: string; orReplace: boolean; reads: ColumnRead[] }
    | { kind: 'create-trigger'; name: string; table: QualifiedName; function: QualifiedName }
    | {
        kind: 'set-setting';
        name: string;
        /** `null` for `SET x TO DEFAULT` / `RESET x`. */
        value: string | null;
        local: boolean;
      }
    | { kind: 'transaction'; action: TransactionAction }
    | { kind: 'truncate'; tables: QualifiedName[]; cascade: boolean }
    | { kind: 'vacuum'; tables: QualifiedName[]; full: boolean; analyze: boolean }
    | { kind: 'analyze'; tables: QualifiedName[] }
    | { kind: 'cluster'; table: QualifiedName | null; index?: string }
    | { kind: 'lock-table'; tables: QualifiedName[]; mode: LockMode }
    | { kind: 'attach-partition'; table: QualifiedName; partition: QualifiedName }
    | { kind: 'detach-partition'; table: QualifiedName; partition: QualifiedName; concurrently: boolean; finalize: boolean }
    | {
        /** ALTER TABLE actions that rewrite or lock without changing the modelled schema (SET LOGGED, SET TABLESPACE, SET ACCESS METHOD…). */
        kind: 'alter-table-other';
        table: QualifiedName;
        action: string;
        rewrites: boolean;
      }
    | {
        /** Data changes inside a migration (backfills). */
        kind: 'dml';
        op: 'insert' | 'update' | 'delete' | 'select' | 'merge' | 'copy';
        table?: QualifiedName;
        hasWhere: boolean;
        reads: ColumnRead[];
        /** Target columns assigned, one list per assignment list (INSERT's column list, UPDATE SET, each MERGE action). */
        assignments: string[][];
      }
    | {
        /** Anything parsed but not modelled (GRANT, COMMENT, CREATE POLICY…). `description` names it for people. */
        kind: 'other';
        description: string;
        table?: QualifiedName;
      }
  );

export type ChangeKind = Change['kind'];
export type ChangeOf<K extends ChangeKind> = Extract<Change, { kind: K }>;
