import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeFile } from '../../src/sql/normalize.js';
import { loadParser } from '../../src/sql/parser.js';
import { parseSqlFile } from '../../src/sql/statements.js';
import type { Change, ChangeKind, ChangeOf } from '../../src/sql/types.js';

beforeAll(() => loadParser());

function changes(sql: string, searchPath?: string[]): Change[] {
  const file = parseSqlFile('m.sql', sql);
  expect(file.diagnostics).toEqual([]);
  const result = normalizeFile(file, searchPath ? { searchPath } : {});
  expect(result.diagnostics).toEqual([]);
  return result.changes;
}

function one<K extends ChangeKind>(sql: string, kind: K): ChangeOf<K> {
  const all = changes(sql);
  expect(all.map((c) => c.kind)).toEqual([kind]);
  return all[0] as ChangeOf<K>;
}

const at = (c: Change) => [c.location.line, c.location.column, c.location.endLine, c.location.endColumn];

describe('tables', () => {
  it('create-table: columns, types as format_type prints them, serial, identity, generated, constraints', () => {
    const c = one(
      `CREATE TABLE IF NOT EXISTS billing.invoices (
  id serial PRIMARY KEY,
  code varchar(20) NOT NULL DEFAULT 'x',
  amount numeric(10,2)[],
  at timestamp with time zone DEFAULT now() NOT NULL,
  n int GENERATED ALWAYS AS IDENTITY,
  twice int GENERATED ALWAYS AS ((n + 1) * 2) STORED,
  "Mixed" "Money",
  UNIQUE (code, amount),
  CHECK (n > 0)
)`,
      'create-table',
    );
    expect(c.table).toEqual({ schema: 'billing', name: 'invoices' });
    expect(c.ifNotExists).toBe(true);
    expect(c.columns.map((col) => [col.name, col.type.name, col.type.display, col.notNull])).toEqual([
      ['id', 'int4', 'integer', true],
      ['code', 'varchar', 'character varying(20)', true],
      ['amount', 'numeric', 'numeric(10,2)[]', false],
      ['at', 'timestamptz', 'timestamp with time zone', true],
      ['n', 'int4', 'integer', true],
      ['twice', 'int4', 'integer', false],
      ['Mixed', 'Money', '"Money"', false],
    ]);
    expect(c.columns[0]).toMatchObject({ type: { serial: 'serial' }, default: { text: "nextval('billing.invoices_id_seq'::regclass)", volatility: 'volatile' } });
    expect(c.columns[0]!.constraints).toEqual([{ type: 'primary-key', columns: ['id'], notValid: false }]);
    expect(c.columns[1]!.default).toEqual({ text: "'x'", volatility: 'immutable' });
    expect(c.columns[3]!.default).toEqual({ text: 'now()', volatility: 'stable' });
    expect(c.columns[4]!.identity).toBe('always');
    // The parentheses of `AS (…)` are syntax, not part of the expression.
    expect(c.columns[5]!.generated).toEqual({ expression: '(n + 1) * 2', stored: true });
    // An unqualified user type resolves in the first schema of the search_path.
    expect(c.columns[6]!.type.schema).toBe('public');
    expect(c.constraints).toEqual([
      { type: 'unique', columns: ['code', 'amount'], notValid: false },
      { type: 'check', columns: ['n'], notValid: false, expression: 'n > 0' },
    ]);
  });

  it('create-table: partitions, LIKE, INHERITS, persistence; CREATE TABLE AS', () => {
    const all = changes(
      'CREATE TABLE p (a int) PARTITION BY RANGE (a);\nCREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (2);\nCREATE UNLOGGED TABLE c (LIKE p) INHERITS (base);\nCREATE TABLE q (x, y) AS SELECT 1, 2;',
    ) as ChangeOf<'create-table'>[];
    expect(all.map((c) => [c.table.name, c.partitioned, c.partitionOf?.name, c.like.map((l) => l.name), c.inherits.map((l) => l.name), c.persistence, c.asQuery])).toEqual([
      ['p', true, undefined, [], [], 'permanent', false],
      ['p1', false, 'p', [], [], 'permanent', false],
      ['c', false, undefined, ['p'], ['base'], 'unlogged', false],
      ['q', false, undefined, [], [], 'permanent', true],
    ]);
    expect(all[3]!.columns.map((c) => c.name)).toEqual(['x', 'y']);
  });

  it('drop-table: one change per table', () => {
    const all = changes('DROP TABLE IF EXISTS a, s.b CASCADE;') as ChangeOf<'drop-table'>[];
    expect(all.map((c) => [c.kind, c.table, c.ifExists, c.cascade])).toEqual([
      ['drop-table', { schema: 'public', name: 'a' }, true, true],
      ['drop-table', { schema: 's', name: 'b' }, true, true],
    ]);
  });

  it('rename-table and set-table-schema', () => {
    expect(one('ALTER TABLE s.users RENAME TO people', 'rename-table')).toMatchObject({ table: { schema: 's', name: 'users' }, newName: 'people' });
    expect(one('ALTER TABLE users SET SCHEMA archive', 'set-table-schema')).toMatchObject({ table: { schema: 'public', name: 'users' }, newSchema: 'archive' });
  });
});

describe('ALTER TABLE sub-commands', () => {
  const sql = '-- Ünïcödé ✓ comment\nALTER TABLE "Üsers" ADD COLUMN née text DEFAULT \'é\', DROP COLUMN IF EXISTS straße CASCADE,\n  ALTER COLUMN größe TYPE bigint USING größe::bigint, ALTER COLUMN x SET NOT NULL;';

  it('locates each sub-command exactly, on lines with non-ASCII text', () => {
    const all = changes(sql);
    expect(all.map((c) => c.kind)).toEqual(['add-column', 'drop-column', 'alter-column-type', 'set-not-null']);
    expect(all.map(at)).toEqual([
      [2, 21, 2, 52],
      [2, 54, 2, 90],
      [3, 3, 3, 53],
      [3, 55, 3, 82],
    ]);
    const file = parseSqlFile('m.sql', sql);
    const text = (c: Change) => file.text.slice(file.source.offsetOf(c.location.line, c.location.column), file.source.offsetOf(c.location.endLine, c.location.endColumn));
    expect(all.map(text)).toEqual(["ADD COLUMN née text DEFAULT 'é'", 'DROP COLUMN IF EXISTS straße CASCADE', 'ALTER COLUMN größe TYPE bigint USING größe::bigint', 'ALTER COLUMN x SET NOT NULL']);
    // Every change points back at the whole statement.
    expect(new Set(all.map((c) => c.statement.location.line))).toEqual(new Set([2]));
    expect(all[0]!.statement).toMatchObject({ index: 0, type: 'AlterTableStmt' });
  });

  it('keeps quoted names case-sensitive and folds unquoted ones', () => {
    const c = one('ALTER TABLE "Üsers" ADD COLUMN NÉE Text', 'add-column');
    expect(c.table).toEqual({ schema: 'public', name: 'Üsers' });
    // Postgres folds only ASCII letters.
    expect(c.column.name).toBe('nÉe');
  });

  it('a single sub-command is located at the statement', () => {
    const c = one('ALTER TABLE t DROP COLUMN a', 'drop-column');
    expect(at(c)).toEqual([1, 1, 1, 28]);
  });

  it('add-column with default volatility, inline constraints and IF NOT EXISTS', () => {
    const c = one("ALTER TABLE t ADD COLUMN IF NOT EXISTS token uuid DEFAULT gen_random_uuid() NOT NULL REFERENCES other (id) UNIQUE", 'add-column');
    expect(c.ifNotExists).toBe(true);
    expect(c.column).toMatchObject({ name: 'token', notNull: true, default: { text: 'gen_random_uuid()', volatility: 'volatile' } });
    expect(c.column.constraints).toEqual([
      { type: 'foreign-key', columns: ['token'], notValid: false, references: { table: { schema: 'public', name: 'other' }, columns: ['id'] } },
      { type: 'unique', columns: ['token'], notValid: false },
    ]);
  });

  it('drop-column and rename-column', () => {
    expect(one('ALTER TABLE t DROP COLUMN a', 'drop-column')).toMatchObject({ column: 'a', ifExists: false, cascade: false });
    expect(one('ALTER TABLE t RENAME COLUMN a TO b', 'rename-column')).toMatchObject({ column: 'a', newName: 'b' });
  });

  it('alter-column-type with USING and COLLATE', () => {
    const c = one('ALTER TABLE t ALTER COLUMN a TYPE varchar(10) COLLATE "C" USING (a || \'x\')', 'alter-column-type');
    expect(c).toMatchObject({ column: 'a', type: { name: 'varchar', modifiers: [10], display: 'character varying(10)' }, using: "a || 'x'", collation: 'C' });
  });

  it('set-not-null, drop-not-null, set-default, drop-default', () => {
    const all = changes('ALTER TABLE t ALTER a SET NOT NULL, ALTER a DROP NOT NULL, ALTER a SET DEFAULT clock_timestamp(), ALTER a DROP DEFAULT');
    expect(all.map((c) => c.kind)).toEqual(['set-not-null', 'drop-not-null', 'set-default', 'drop-default']);
    expect((all[2] as ChangeOf<'set-default'>).default).toEqual({ text: 'clock_timestamp()', volatility: 'volatile' });
  });

  it('set-identity (ADD and SET GENERATED) and drop-identity', () => {
    const all = changes('ALTER TABLE t ALTER id ADD GENERATED BY DEFAULT AS IDENTITY, ALTER id SET GENERATED ALWAYS, ALTER id DROP IDENTITY IF EXISTS');
    expect(all.map((c) => [c.kind, (c as ChangeOf<'set-identity'>).identity])).toEqual([
      ['set-identity', 'by-default'],
      ['set-identity', 'always'],
      ['drop-identity', undefined],
    ]);
  });

  it('add-constraint NOT VALID, validate-constraint, drop-constraint, rename-constraint', () => {
    const add = one('ALTER TABLE t ADD CONSTRAINT t_a_fk FOREIGN KEY (a) REFERENCES s.u (id) NOT VALID', 'add-constraint');
    expect(add.constraint).toEqual({ name: 't_a_fk', type: 'foreign-key', columns: ['a'], notValid: true, references: { table: { schema: 's', name: 'u' }, columns: ['id'] } });
    expect(one('ALTER TABLE t ADD CONSTRAINT pk PRIMARY KEY USING INDEX t_idx', 'add-constraint').constraint).toMatchObject({ type: 'primary-key', usingIndex: 't_idx' });
    expect(one('ALTER TABLE t VALIDATE CONSTRAINT t_a_fk', 'validate-constraint').name).toBe('t_a_fk');
    expect(one('ALTER TABLE t DROP CONSTRAINT IF EXISTS c CASCADE', 'drop-constraint')).toMatchObject({ name: 'c', ifExists: true, cascade: true });
    expect(one('ALTER TABLE t RENAME CONSTRAINT c TO d', 'rename-constraint')).toMatchObject({ name: 'c', newName: 'd' });
  });

  it('attach-partition and detach-partition', () => {
    expect(one("ALTER TABLE p ATTACH PARTITION p2 FOR VALUES IN (1)", 'attach-partition')).toMatchObject({ table: { name: 'p' }, partition: { name: 'p2' } });
    expect(one('ALTER TABLE p DETACH PARTITION p3 CONCURRENTLY', 'detach-partition')).toMatchObject({ partition: { name: 'p3' }, concurrently: true, finalize: false });
  });

  it('alter-table-other says what it does and whether it rewrites', () => {
    const all = changes('ALTER TABLE t SET LOGGED, SET TABLESPACE fast, OWNER TO bob') as ChangeOf<'alter-table-other'>[];
    expect(all.map((c) => [c.kind, c.action, c.rewrites])).toEqual([
      ['alter-table-other', 'SET LOGGED', true],
      ['alter-table-other', 'SET TABLESPACE', true],
      ['alter-table-other', 'OWNER TO', false],
    ]);
  });
});

describe('indexes', () => {
  it('create-index with CONCURRENTLY, expressions, INCLUDE, WHERE, ONLY', () => {
    const c = one('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON ONLY s.t USING gin (a, lower(b), (c + 1)) INCLUDE (d) WHERE e > 0', 'create-index');
    expect(c).toMatchObject({
      index: { schema: 's', name: 'ix' },
      table: { schema: 's', name: 't' },
      columns: ['a', null, null],
      nameParts: ['a', 'lower', 'expr'],
      include: ['d'],
      unique: true,
      concurrently: true,
      ifNotExists: true,
      method: 'gin',
      where: 'e > 0',
      only: true,
    });
    const unnamed = one('CREATE INDEX ON t (a)', 'create-index');
    expect(unnamed.index).toBeUndefined();
    expect(unnamed.only).toBe(false);
  });

  it('drop-index, rename-index, reindex', () => {
    expect(changes('DROP INDEX CONCURRENTLY IF EXISTS a, s.b').map((c) => (c as ChangeOf<'drop-index'>).index)).toEqual([
      { schema: 'public', name: 'a' },
      { schema: 's', name: 'b' },
    ]);
    expect(one('ALTER INDEX i RENAME TO j', 'rename-index')).toMatchObject({ index: { name: 'i' }, newName: 'j' });
    expect(one('REINDEX INDEX CONCURRENTLY i', 'reindex')).toMatchObject({ target: 'index', name: { name: 'i' }, concurrently: true });
    expect(one('REINDEX DATABASE d', 'reindex')).toMatchObject({ target: 'database', name: null });
  });
});

describe('views', () => {
  it('create-view: output columns from aliases, column names, FigureColname; reads from query-refs', () => {
    const c = one('CREATE OR REPLACE VIEW v AS SELECT u.id, u.email AS mail, count(*), 1 + 1, o.total::text FROM users u JOIN orders o ON o.user_id = u.id', 'create-view');
    expect(c.columns).toEqual(['id', 'mail', 'count', '?column?', 'total']);
    expect(c.orReplace).toBe(true);
    expect(c.reads).toEqual(
      expect.arrayContaining([
        { table: { schema: 'public', name: 'users' }, column: 'id' },
        { table: { schema: 'public', name: 'users' }, column: 'email' },
        { table: { schema: 'public', name: 'orders' }, column: 'user_id' },
        { table: { schema: 'public', name: 'orders' }, column: 'total' },
      ]),
    );
  });

  it('create-view: an explicit column list wins; `*` is kept as a marker per table for apply()', () => {
    expect(one('CREATE VIEW v (a, b) AS SELECT x, y FROM t', 'create-view').columns).toEqual(['a', 'b']);
    expect(one('CREATE VIEW v AS SELECT t.*, u.name FROM t JOIN s.u u ON true', 'create-view').columns).toEqual(['public.t.*', 'name']);
  });

  it('materialized views: create, refresh, drop, rename', () => {
    expect(one('CREATE MATERIALIZED VIEW mv AS SELECT a FROM t WITH NO DATA', 'create-view')).toMatchObject({ materialized: true, withData: false, columns: ['a'] });
    expect(one('REFRESH MATERIALIZED VIEW CONCURRENTLY mv', 'refresh-materialized-view')).toMatchObject({ concurrently: true, withData: true });
    expect(one('DROP MATERIALIZED VIEW IF EXISTS mv', 'drop-view')).toMatchObject({ materialized: true, ifExists: true });
    expect(one('ALTER MATERIALIZED VIEW mv RENAME TO mw', 'rename-view')).toMatchObject({ materialized: true, newName: 'mw' });
    expect(one('ALTER VIEW v RENAME TO w', 'rename-view')).toMatchObject({ materialized: false, view: { name: 'v' } });
    expect(one('DROP VIEW v CASCADE', 'drop-view')).toMatchObject({ materialized: false, cascade: true });
  });
});

describe('types', () => {
  it('create-enum, add-enum-value BEFORE/AFTER, rename-enum-value', () => {
    expect(one("CREATE TYPE s.mood AS ENUM ('a', 'b')", 'create-enum')).toMatchObject({ type: { schema: 's', name: 'mood' }, values: ['a', 'b'] });
    expect(one("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'c' BEFORE 'b'", 'add-enum-value')).toMatchObject({ value: 'c', before: 'b', ifNotExists: true });
    expect(one("ALTER TYPE mood ADD VALUE 'd' AFTER 'a'", 'add-enum-value')).toMatchObject({ value: 'd', after: 'a' });
    expect(one("ALTER TYPE mood RENAME VALUE 'a' TO 'z'", 'rename-enum-value')).toMatchObject({ value: 'a', newValue: 'z' });
  });

  it('create-domain, add-domain-constraint, drop-type, rename-type', () => {
    expect(one('CREATE DOMAIN pos AS int NOT NULL CHECK (VALUE > 0)', 'create-domain')).toMatchObject({ baseType: { name: 'int4' }, checks: ['VALUE > 0'], notNull: true });
    expect(one('ALTER DOMAIN pos ADD CONSTRAINT c CHECK (VALUE <> 5)', 'add-domain-constraint').constraint).toMatchObject({ name: 'c', type: 'check', expression: 'VALUE <> 5' });
    expect(one('DROP DOMAIN IF EXISTS pos', 'drop-type')).toMatchObject({ domain: true, ifExists: true });
    expect(one('DROP TYPE mood CASCADE', 'drop-type')).toMatchObject({ domain: false, cascade: true });
    expect(one('ALTER TYPE mood RENAME TO feeling', 'rename-type')).toMatchObject({ type: { name: 'mood' }, newName: 'feeling' });
  });
});

describe('schemas, sequences, extensions, functions, triggers', () => {
  it('schemas', () => {
    expect(one('CREATE SCHEMA IF NOT EXISTS "Billing"', 'create-schema')).toMatchObject({ schema: 'Billing', ifNotExists: true });
    expect(one('DROP SCHEMA old CASCADE', 'drop-schema')).toMatchObject({ schema: 'old', cascade: true });
    expect(one('ALTER SCHEMA a RENAME TO b', 'rename-schema')).toMatchObject({ schema: 'a', newName: 'b' });
  });

  it('sequences and extensions', () => {
    expect(one('CREATE SEQUENCE IF NOT EXISTS s.seq', 'create-sequence')).toMatchObject({ sequence: { schema: 's', name: 'seq' }, ifNotExists: true });
    expect(one('DROP SEQUENCE IF EXISTS seq', 'drop-sequence')).toMatchObject({ ifExists: true });
    expect(one('CREATE EXTENSION IF NOT EXISTS "uuid-ossp"', 'create-extension')).toMatchObject({ name: 'uuid-ossp', ifNotExists: true });
  });

  it('create-function and create-trigger', () => {
    expect(one("CREATE OR REPLACE FUNCTION s.f() RETURNS int LANGUAGE sql AS 'select 1'", 'create-function')).toMatchObject({ function: { schema: 's', name: 'f' }, language: 'sql', orReplace: true });
    expect(one('CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION s.f()', 'create-trigger')).toMatchObject({ name: 'tr', table: { name: 't' }, function: { schema: 's', name: 'f' } });
  });
});

describe('session and transactions', () => {
  it('set-setting: SET, SET LOCAL, RESET, set_config()', () => {
    const all = changes("SET lock_timeout = '5s';\nSET LOCAL statement_timeout TO 1000;\nRESET lock_timeout;\nSELECT set_config('idle_in_transaction_session_timeout', '1min', false);") as ChangeOf<'set-setting'>[];
    expect(all.map((c) => [c.kind, c.name, c.value, c.local])).toEqual([
      ['set-setting', 'lock_timeout', '5s', false],
      ['set-setting', 'statement_timeout', '1000', true],
      ['set-setting', 'lock_timeout', null, false],
      ['set-setting', 'idle_in_transaction_session_timeout', '1min', false],
    ]);
  });

  it('search_path: SET, set_config, SET LOCAL until the transaction ends, RESET', () => {
    const all = changes(
      "CREATE TABLE a (x int);\nSET search_path TO app, public;\nCREATE TABLE b (x int);\nBEGIN;\nSET LOCAL search_path = \"Audit\";\nCREATE TABLE c (x int);\nCOMMIT;\nCREATE TABLE d (x int);\nSELECT set_config('search_path', 'rpt, \"Mixed\"', false);\nCREATE TABLE e (x int);\nRESET search_path;\nCREATE TABLE f (x int);",
    ).filter((c): c is ChangeOf<'create-table'> => c.kind === 'create-table');
    expect(all.map((c) => `${c.table.schema}.${c.table.name}`)).toEqual(['public.a', 'app.b', 'Audit.c', 'app.d', 'rpt.e', 'public.f']);
    expect(all[1]!.statement.searchPath).toEqual(['app', 'public']);
    expect(all[0]!.statement.searchPath).toBeUndefined();
  });

  it('starts from the search_path given in options', () => {
    expect((changes('DROP TABLE t', ['tenant']) [0] as ChangeOf<'drop-table'>).table.schema).toBe('tenant');
  });

  it('transaction control', () => {
    const all = changes('BEGIN; SAVEPOINT a; RELEASE SAVEPOINT a; ROLLBACK TO SAVEPOINT a; COMMIT; START TRANSACTION; ROLLBACK; PREPARE TRANSACTION \'x\'; COMMIT PREPARED \'x\'; ROLLBACK PREPARED \'x\'') as ChangeOf<'transaction'>[];
    expect(all.map((c) => c.action)).toEqual(['begin', 'savepoint', 'release', 'rollback-to', 'commit', 'begin', 'rollback', 'prepare', 'commit-prepared', 'rollback-prepared']);
  });
});

describe('maintenance and data', () => {
  it('truncate, vacuum, analyze, cluster, lock-table', () => {
    expect(one('TRUNCATE a, b CASCADE', 'truncate')).toMatchObject({ tables: [{ name: 'a' }, { name: 'b' }], cascade: true });
    expect(one('VACUUM FULL ANALYZE t', 'vacuum')).toMatchObject({ tables: [{ name: 't' }], full: true, analyze: true });
    expect(one('ANALYZE t', 'analyze')).toMatchObject({ tables: [{ name: 't' }] });
    expect(one('CLUSTER t USING i', 'cluster')).toMatchObject({ table: { name: 't' }, index: 'i' });
    expect(one('LOCK TABLE t IN SHARE ROW EXCLUSIVE MODE', 'lock-table')).toMatchObject({ mode: 'SHARE ROW EXCLUSIVE' });
    expect(one('LOCK t', 'lock-table').mode).toBe('ACCESS EXCLUSIVE');
  });

  it('dml: backfills with their target, WHERE and reads', () => {
    const update = one('UPDATE users SET name = email WHERE name IS NULL', 'dml');
    expect(update).toMatchObject({ op: 'update', table: { name: 'users' }, hasWhere: true });
    expect(update.reads).toEqual(expect.arrayContaining([{ table: { schema: 'public', name: 'users' }, column: 'email' }]));
    expect(one('INSERT INTO s.t (a) SELECT x FROM u', 'dml')).toMatchObject({ op: 'insert', table: { schema: 's', name: 't' }, hasWhere: false });
    expect(one('DELETE FROM t', 'dml')).toMatchObject({ op: 'delete', hasWhere: false });
    expect(one('SELECT 1', 'dml').op).toBe('select');
    expect(one('MERGE INTO t USING u ON t.id = u.id WHEN MATCHED THEN DELETE', 'dml').op).toBe('merge');
    expect(one('COPY t (a) FROM STDIN', 'dml').op).toBe('copy');
  });

  it('other: what is not modelled still becomes a change', () => {
    expect(one('GRANT SELECT ON t TO bob', 'other').description).toBe('GRANT TABLE');
    expect(one('CREATE POLICY p ON t USING (true)', 'other')).toMatchObject({ description: 'CREATE POLICY', table: { name: 't' } });
    expect(one("COMMENT ON COLUMN t.a IS 'x'", 'other').description).toBe('COMMENT COLUMN');
  });
});

it('covers the whole Change vocabulary', () => {
  const kinds: ChangeKind[] = [
    'create-table', 'drop-table', 'rename-table', 'set-table-schema', 'add-column', 'drop-column', 'rename-column', 'alter-column-type',
    'set-not-null', 'drop-not-null', 'set-default', 'drop-default', 'set-identity', 'drop-identity', 'add-constraint', 'drop-constraint',
    'validate-constraint', 'rename-constraint', 'create-index', 'drop-index', 'rename-index', 'reindex', 'create-view', 'drop-view',
    'rename-view', 'refresh-materialized-view', 'create-enum', 'add-enum-value', 'rename-enum-value', 'create-domain',
    'add-domain-constraint', 'drop-type', 'rename-type', 'create-schema', 'drop-schema', 'rename-schema', 'create-sequence',
    'drop-sequence', 'create-extension', 'create-function', 'create-trigger', 'set-setting', 'transaction', 'truncate', 'vacuum',
    'analyze', 'cluster', 'lock-table', 'attach-partition', 'detach-partition', 'alter-table-other', 'dml', 'other',
  ];
  const corpus = `CREATE TABLE t (a int); DROP TABLE t; ALTER TABLE t RENAME TO u; ALTER TABLE t SET SCHEMA s;
ALTER TABLE t ADD COLUMN a int, DROP COLUMN b, ALTER a TYPE int, ALTER a SET NOT NULL, ALTER a DROP NOT NULL, ALTER a SET DEFAULT 1,
  ALTER a DROP DEFAULT, ALTER a ADD GENERATED ALWAYS AS IDENTITY, ALTER a DROP IDENTITY, ADD CHECK (a > 0), DROP CONSTRAINT c,
  VALIDATE CONSTRAINT c, SET UNLOGGED;
ALTER TABLE t ATTACH PARTITION p FOR VALUES IN (1); ALTER TABLE t DETACH PARTITION q;
ALTER TABLE t RENAME a TO b; ALTER TABLE t RENAME CONSTRAINT c TO d; CREATE INDEX ON t (a); DROP INDEX i; ALTER INDEX i RENAME TO j;
REINDEX TABLE t; CREATE VIEW v AS SELECT 1; DROP VIEW v; ALTER VIEW v RENAME TO w; REFRESH MATERIALIZED VIEW m;
CREATE TYPE e AS ENUM ('a'); ALTER TYPE e ADD VALUE 'b'; ALTER TYPE e RENAME VALUE 'a' TO 'c'; CREATE DOMAIN d AS int;
ALTER DOMAIN d ADD CHECK (VALUE > 0); DROP TYPE e; ALTER TYPE e RENAME TO f; CREATE SCHEMA s; DROP SCHEMA s; ALTER SCHEMA s RENAME TO r;
CREATE SEQUENCE q; DROP SEQUENCE q; CREATE EXTENSION x; CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1';
CREATE TRIGGER tr AFTER INSERT ON t EXECUTE FUNCTION f(); SET x.y = 1; BEGIN; TRUNCATE t; VACUUM t; ANALYZE t; CLUSTER t; LOCK t;
UPDATE t SET a = 1; GRANT SELECT ON t TO PUBLIC;`;
  expect(new Set(changes(corpus).map((c) => c.kind))).toEqual(new Set(kinds));
});
