import { beforeAll, describe, expect, it } from 'vitest';
import { apply } from '../../src/schema/apply.js';
import { emptySchema, type Schema } from '../../src/schema/model.js';
import { normalizeFile } from '../../src/sql/normalize.js';
import { loadParser } from '../../src/sql/parser.js';
import { parseSqlFile } from '../../src/sql/statements.js';
import type { Change } from '../../src/sql/types.js';

beforeAll(() => loadParser());

function changesOf(sql: string): Change[] {
  const file = parseSqlFile('m.sql', sql);
  expect(file.diagnostics).toEqual([]);
  return normalizeFile(file).changes;
}

/** Apply every change of `sql`; fails the test on any problem unless `allowProblems`. */
function run(schema: Schema, sql: string, origin = 'm.sql'): { schema: Schema; problems: string[] } {
  let current = schema;
  const problems: string[] = [];
  for (const change of changesOf(sql)) {
    const result = apply(current, change, origin);
    current = result.schema;
    problems.push(...result.problems);
  }
  return { schema: current, problems };
}

function build(sql: string): Schema {
  const { schema, problems } = run(emptySchema, sql, 'base.sql');
  expect(problems).toEqual([]);
  return schema;
}

const columns = (s: Schema, table: string) => s.tables.get(table)?.columns.map((c) => c.name);
const indexNames = (s: Schema) => [...s.indexes.keys()].sort();

describe('apply is pure and shares structure', () => {
  it('returns a new schema, leaves the input untouched, and shares what it did not change', () => {
    const before = build('CREATE TABLE a (id int); CREATE TABLE b (id int);');
    const [change] = changesOf('ALTER TABLE a ADD COLUMN x text');
    const { schema: after, problems } = apply(before, change!, 'm2.sql');
    expect(problems).toEqual([]);
    expect(columns(before, 'public.a')).toEqual(['id']);
    expect(columns(after, 'public.a')).toEqual(['id', 'x']);
    expect(after.tables.get('public.b')).toBe(before.tables.get('public.b'));
    expect(after.views).toBe(before.views);
    expect(after.tables.get('public.a')!.columns[0]).toBe(before.tables.get('public.a')!.columns[0]);
  });

  it('returns the same schema object for a change that models nothing', () => {
    const before = build('CREATE TABLE a (id int);');
    expect(run(before, "GRANT SELECT ON a TO bob; SET lock_timeout = '1s'; UPDATE a SET id = 1;").schema).toBe(before);
  });
});

describe('what Postgres would reject', () => {
  const base = 'CREATE TABLE users (id int PRIMARY KEY, email text, name text); CREATE TABLE other (id int);';

  it.each([
    ['ALTER TABLE users DROP COLUMN missing', 'column "missing" of relation "users" does not exist'],
    ['CREATE TABLE users (id int)', 'relation "users" already exists'],
    ['ALTER TABLE users RENAME TO other', 'relation "other" already exists'],
    ['ALTER TABLE users RENAME COLUMN email TO name', 'column "name" of relation "users" already exists'],
    ['ALTER TABLE users ADD COLUMN email text', 'column "email" of relation "users" already exists'],
    ['ALTER TABLE nope ADD COLUMN x int', 'relation "nope" does not exist'],
    ['DROP TABLE nope', 'table "nope" does not exist'],
    ['ALTER TABLE users ALTER COLUMN id DROP NOT NULL', 'column "id" of relation "users" is in a primary key'],
    ['ALTER TABLE users ADD PRIMARY KEY (email)', 'multiple primary keys for table "users" are not allowed'],
    ['ALTER TABLE users ALTER COLUMN email ADD GENERATED ALWAYS AS IDENTITY', 'column "email" of relation "users" must be declared NOT NULL before identity can be added'],
    ["ALTER TYPE nope ADD VALUE 'x'", 'type "nope" does not exist'],
    ['CREATE SCHEMA public', 'schema "public" already exists'],
    ['CREATE TABLE ghost.t (a int)', 'schema "ghost" does not exist'],
    ['DROP INDEX users_pkey', 'cannot drop index users_pkey because constraint users_pkey on table users requires it'],
  ])('%s', (sql, message) => {
    const before = build(base);
    const { schema, problems } = run(before, sql);
    expect(problems).toEqual([message]);
    // Postgres leaves the schema as it was.
    expect(schema).toBe(before);
  });

  it('IF EXISTS / IF NOT EXISTS turn those into no-ops', () => {
    const before = build(base);
    const { schema, problems } = run(before, 'ALTER TABLE users DROP COLUMN IF EXISTS missing; CREATE TABLE IF NOT EXISTS users (x int); ALTER TABLE users ADD COLUMN IF NOT EXISTS email text; DROP TABLE IF EXISTS nope; CREATE SCHEMA IF NOT EXISTS public;');
    expect(problems).toEqual([]);
    expect(schema).toBe(before);
  });
});

describe('origins', () => {
  it('keeps createdBy and renamedFrom up to date', () => {
    const base = build('CREATE TABLE users (id int, email text);');
    const { schema } = run(base, 'ALTER TABLE users RENAME COLUMN email TO mail; ALTER TABLE users RENAME TO people; ALTER TABLE people ADD COLUMN age int;', 'm2.sql');
    const people = schema.tables.get('public.people')!;
    expect(people.createdBy).toBe('base.sql');
    expect(people.renamedFrom).toEqual({ name: 'users', by: 'm2.sql' });
    expect(people.columns.map((c) => [c.name, c.createdBy, c.renamedFrom])).toEqual([
      ['id', 'base.sql', undefined],
      ['mail', 'base.sql', { name: 'email', by: 'm2.sql' }],
      ['age', 'm2.sql', undefined],
    ]);
  });
});

describe('dependencies', () => {
  const base = `CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE, name text);
CREATE INDEX users_name_idx ON users (name);
CREATE TABLE orders (id int, user_id int REFERENCES users (id), total int CHECK (total > 0));
CREATE VIEW user_emails AS SELECT id, email FROM users;
CREATE VIEW user_emails_2 AS SELECT email FROM user_emails;`;

  it('dropping a column drops its indexes and constraints; a view on it needs CASCADE, which drops views on views', () => {
    const before = build(base);
    const dropName = run(before, 'ALTER TABLE users DROP COLUMN name');
    expect(dropName.problems).toEqual([]);
    expect(indexNames(dropName.schema)).toEqual(['public.users_email_key', 'public.users_pkey']);
    expect(run(before, 'ALTER TABLE users DROP COLUMN email').problems).toEqual([
      'cannot drop column email of table users because other objects depend on it (view user_emails depends on it)',
    ]);
    const cascade = run(before, 'ALTER TABLE users DROP COLUMN email CASCADE').schema;
    expect([...cascade.views.keys()]).toEqual([]);
    expect(cascade.tables.get('public.users')!.constraints.map((c) => c.name)).toEqual(['users_pkey']);
  });

  it('dropping a table drops its indexes; views and foreign keys need CASCADE', () => {
    const before = build(base);
    expect(run(before, 'DROP TABLE users').problems[0]).toContain('cannot drop table users because other objects depend on it');
    const { schema, problems } = run(before, 'DROP TABLE users CASCADE');
    expect(problems).toEqual([]);
    expect(indexNames(schema)).toEqual([]);
    expect(schema.views.size).toBe(0);
    expect(schema.tables.get('public.orders')!.constraints.map((c) => c.type)).toEqual(['check']);
  });

  it('renames follow into indexes, constraints, foreign keys and view reads', () => {
    const { schema } = run(build(base), 'ALTER TABLE users RENAME COLUMN id TO user_id; ALTER TABLE users RENAME TO members;');
    expect(schema.indexes.get('public.users_pkey')).toMatchObject({ table: { name: 'members' }, columns: ['user_id'] });
    expect(schema.tables.get('public.orders')!.constraints.find((c) => c.type === 'foreign-key')!.references).toEqual({ table: { schema: 'public', name: 'members' }, columns: ['user_id'] });
    expect(schema.views.get('public.user_emails')!.reads).toEqual(expect.arrayContaining([{ table: { schema: 'public', name: 'members' }, column: 'user_id' }]));
    // A view keeps its own column names.
    expect(schema.views.get('public.user_emails')!.columns).toEqual(['id', 'email']);
  });

  it('a type change of a column a view reads is rejected', () => {
    expect(run(build(base), 'ALTER TABLE users ALTER COLUMN email TYPE varchar(100)').problems[0]).toContain('cannot alter type of a column used by a view or rule');
  });
});

describe('views', () => {
  it('expands * when the view is created, and renames the view and its readers', () => {
    const before = build('CREATE TABLE t (a int, b int); CREATE VIEW v AS SELECT * FROM t; ALTER TABLE t ADD COLUMN c int; CREATE VIEW w AS SELECT a FROM v;');
    expect(before.views.get('public.v')!.columns).toEqual(['a', 'b']);
    const { schema } = run(before, 'ALTER VIEW v RENAME TO v2');
    expect(schema.views.get('public.v2')!.columns).toEqual(['a', 'b']);
    expect(schema.views.get('public.w')!.reads).toEqual([{ table: { schema: 'public', name: 'v2' } }, { table: { schema: 'public', name: 'v2' }, column: 'a' }]);
  });

  it('CREATE OR REPLACE VIEW may only add columns at the end', () => {
    const before = build('CREATE TABLE t (a int, b int); CREATE VIEW v AS SELECT a FROM t;');
    expect(run(before, 'CREATE OR REPLACE VIEW v AS SELECT a, b FROM t').problems).toEqual([]);
    expect(run(before, 'CREATE OR REPLACE VIEW v AS SELECT b FROM t').problems).toEqual(['cannot change name of view column "a" to "b"']);
  });
});

describe('schemas, types, indexes', () => {
  it('SET SCHEMA moves a table with its indexes', () => {
    const { schema } = run(build('CREATE SCHEMA archive; CREATE TABLE t (id int PRIMARY KEY);'), 'ALTER TABLE t SET SCHEMA archive');
    expect([...schema.tables.keys()]).toEqual(['archive.t']);
    expect(indexNames(schema)).toEqual(['archive.t_pkey']);
  });

  it('enum values: ADD VALUE BEFORE/AFTER, IF NOT EXISTS, RENAME VALUE', () => {
    const { schema, problems } = run(build("CREATE TYPE mood AS ENUM ('sad', 'happy');"), "ALTER TYPE mood ADD VALUE 'ok' BEFORE 'happy'; ALTER TYPE mood ADD VALUE 'ecstatic' AFTER 'happy'; ALTER TYPE mood ADD VALUE IF NOT EXISTS 'sad'; ALTER TYPE mood RENAME VALUE 'sad' TO 'blue';");
    expect(problems).toEqual([]);
    expect(schema.types.get('public.mood')).toMatchObject({ values: ['blue', 'ok', 'happy', 'ecstatic'] });
  });

  it('renaming a type renames it in the columns that use it', () => {
    const { schema } = run(build("CREATE SCHEMA s; CREATE TYPE s.mood AS ENUM ('a'); CREATE TABLE t (m s.mood[]);"), 'ALTER TYPE s.mood RENAME TO feeling');
    expect(schema.tables.get('public.t')!.columns[0]!.type).toMatchObject({ schema: 's', name: 'feeling', display: 's.feeling[]' });
  });

  it('names unnamed indexes and constraints as Postgres does, avoiding names in use', () => {
    const schema = build('CREATE TABLE t (id serial PRIMARY KEY, a int UNIQUE); CREATE INDEX ON t (a); CREATE INDEX ON t (a); ALTER TABLE t RENAME TO u; CREATE TABLE t (id serial PRIMARY KEY);');
    expect(indexNames(schema)).toEqual(['public.t_a_idx', 'public.t_a_idx1', 'public.t_a_key', 'public.t_pkey', 'public.t_pkey1']);
    expect(schema.tables.get('public.t')!.columns[0]!.default!.text).toBe("nextval('t_id_seq1'::regclass)");
    expect([...schema.sequences].sort()).toEqual(['public.t_id_seq', 'public.t_id_seq1']);
  });
});
