/**
 * Signal over noise (issue 13) through `rollsafe check` on real git repositories made here: what an ordinary
 * PR prints. Code the PR does not touch, other databases' migrations, moved migration folders, recently
 * created tables, diagnostics about old files, Sequelize join models, extractors where their library is not.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { extractFile } from '../../src/code/extract-file.js';
import { mikroOrmExtractor } from '../../src/code/extractors/mikro-orm.js';
import { checkJson, rollsafe } from '../support/cli.js';
import { TestRepo } from '../support/git-repo.js';

const DAY = 86400;
const T0 = 1_700_000_000;
const repos: TestRepo[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
});

/** A repository (with node_modules, so its cache stays inside it) whose commits carry the dates the test gives. */
function dated(): TestRepo {
  const r = new TestRepo('rollsafe-noise-');
  repos.push(r);
  mkdirSync(join(r.root, 'node_modules'));
  return r;
}

const pgCode = (sql: string) => `import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query(${JSON.stringify(sql)});\n`;

describe('unknown-column-reference only where the PR changed the code or its table', () => {
  const repo = dated().commitAt(T0, {
    'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE TABLE notes (id bigint PRIMARY KEY, body text);\n',
    'src/old.ts': pgCode('SELECT nickname FROM users'),
    'src/system.ts': pgCode('SELECT ctid, xmin, tableoid, email FROM users'),
  });
  repo.gitAt(T0, 'tag', 'base');

  it('is silent about old code on a table the PR does not change, and never reports system columns', async () => {
    repo.commitAt(T0 + DAY, { 'db/migrations/002_notes.sql': 'ALTER TABLE notes ADD COLUMN title text;\n' });
    const { json } = await checkJson(repo.root, ['--base', 'base']);
    expect(json.findings.filter((f) => f.rule === 'unknown-column-reference')).toEqual([]);
  });

  it('reports the same reference once the PR edits the file', async () => {
    repo.write({ 'src/old.ts': `${pgCode('SELECT nickname FROM users')}// touched\n` });
    const { json } = await checkJson(repo.root, ['--base', 'base']);
    const unknown = json.findings.filter((f) => f.rule === 'unknown-column-reference');
    expect(unknown.map((f) => `${f.location.path} ${f.target?.column}`)).toEqual(['src/old.ts nickname']);
  });

  it('reports old code when the PR changes the table it reads', async () => {
    repo.write({ 'src/old.ts': pgCode('SELECT nickname FROM users'), 'db/migrations/003_users.sql': 'ALTER TABLE users ADD COLUMN name text;\n' });
    const { json } = await checkJson(repo.root, ['--base', 'base']);
    expect(json.findings.filter((f) => f.rule === 'unknown-column-reference').map((f) => f.target?.column)).toEqual(['nickname']);
    repo.write({ 'db/migrations/003_users.sql': null });
  });
});

describe('migrations of another database', () => {
  const clickhouse = 'CREATE TABLE events (id UUID, at DateTime) ENGINE = MergeTree ORDER BY at;\n';
  const repo = dated().commitAt(T0, {
    'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
    'clickhouse/migrations/0001_events.up.sql': clickhouse,
    'clickhouse/migrations/0001_events.down.sql': 'DROP TABLE events;\n',
    'analytics/migrations/001_events.sql': clickhouse,
  });
  repo.gitAt(T0, 'tag', 'base');
  repo.commitAt(T0 + DAY, {
    'clickhouse/migrations/0002_drop.up.sql': 'ALTER TABLE events ON CLUSTER default DROP COLUMN at;\n',
    'clickhouse/migrations/0002_drop.down.sql': 'ALTER TABLE events ON CLUSTER default ADD COLUMN at DateTime;\n',
    'analytics/migrations/002_more.sql': 'ALTER TABLE events ADD COLUMN n UInt32;\n',
  });

  it('skips a folder named after another database, and one whose SQL has ENGINE =, with one info line each', async () => {
    const { code, json } = await checkJson(repo.root, ['--base', 'base']);
    expect(code).toBe(0);
    expect(json.findings).toEqual([]);
    expect(json.diagnostics.map((d) => `${d.path} ${d.severity} ${d.code}`)).toEqual([
      'analytics/migrations info migrations-other-dialect',
      'clickhouse/migrations info migrations-other-dialect',
    ]);
    expect(json.diagnostics[0]!.message).toContain('ENGINE = MergeTree');
    expect(json.diagnostics[1]!.message).toContain('ClickHouse');
  });

  it('reads a folder the configuration says is Postgres, whatever its name', async () => {
    repo.write({ 'rollsafe.config.json': JSON.stringify({ migrations: [{ dir: 'clickhouse/migrations', dialect: 'postgres' }] }) });
    const { json } = await checkJson(repo.root, ['--base', 'base']);
    expect(json.diagnostics.some((d) => d.code === 'sql-syntax')).toBe(true);
    repo.write({ 'rollsafe.config.json': JSON.stringify({ migrations: [{ dir: 'db/migrations' }, { dir: 'clickhouse/migrations', dialect: 'clickhouse' }] }) });
    const skipped = await checkJson(repo.root, ['--base', 'base']);
    expect(skipped.json.diagnostics.map((d) => d.code)).toEqual(['migrations-other-dialect']);
    repo.write({ 'rollsafe.config.json': null });
  });
});

describe('history knows when a table was created', () => {
  const repo = dated().commitAt(T0, { 'db/migrations/001_old.sql': 'CREATE TABLE old_things (id bigint PRIMARY KEY, n int);\n' });
  repo.commitAt(T0 + 100 * DAY, { 'db/migrations/002_recent.sql': 'CREATE TABLE recent_things (id bigint PRIMARY KEY, n int);\n' });
  repo.gitAt(T0 + 100 * DAY, 'tag', 'base');
  repo.commitAt(T0 + 103 * DAY, {
    'db/migrations/003_indexes.sql': 'CREATE INDEX old_n ON old_things (n);\nCREATE INDEX recent_n ON recent_things (n);\nCREATE TABLE fresh (id bigint PRIMARY KEY, n int);\nCREATE INDEX fresh_n ON fresh (n);\n',
  });

  it('a table created 3 days before is a warning that says so; an old one an error; one created in the change is silent', async () => {
    const { code, json } = await checkJson(repo.root, ['--base', 'base']);
    expect(code).toBe(1);
    const index = json.findings.filter((f) => f.rule === 'require-concurrent-index');
    expect(index.map((f) => `${f.target?.table} ${f.severity}`)).toEqual(['old_things error', 'recent_things warning']);
    expect(index[1]!.message).toContain('created 3 days ago (db/migrations/002_recent.sql)');
  });

  it('largeTables keeps the error; smallTables makes it info', async () => {
    repo.write({ 'rollsafe.config.json': JSON.stringify({ largeTables: ['recent_things'], smallTables: ['old_things'] }) });
    const { json } = await checkJson(repo.root, ['--base', 'base']);
    expect(json.findings.filter((f) => f.rule === 'require-concurrent-index').map((f) => `${f.target?.table} ${f.severity}`)).toEqual([
      'old_things info',
      'recent_things error',
    ]);
    repo.write({ 'rollsafe.config.json': null });
  });
});

describe('moved migration folders', () => {
  it('a migration only moved to another folder is not new', async () => {
    const repo = dated().commitAt(T0, {
      'db/postgresql/migrations/01_init/migration.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, name varchar(20));\n',
      'db/postgresql/migrations/migration_lock.toml': 'provider = "postgresql"\n',
    });
    repo.gitAt(T0, 'tag', 'base');
    repo.gitAt(T0, 'mv', 'db/postgresql/migrations', 'prisma');
    repo.commitAt(T0 + DAY, { 'prisma/02_index/migration.sql': 'CREATE INDEX users_name ON users (name);\n' });
    const { json } = await checkJson(repo.root, ['--base', 'base', '--migrations', 'prisma']);
    expect(json.summary.newMigrations).toEqual(['prisma/02_index/migration.sql']);
  });
});

describe('diagnostics about files the change does not touch', () => {
  const repo = dated().commitAt(T0, {
    'drizzle/0000_init.sql': 'CREATE TABLE a (id bigint PRIMARY KEY);\n',
    'drizzle/0001_orphan.sql': 'CREATE TABLE b (id bigint PRIMARY KEY);\n',
    'drizzle/meta/_journal.json': JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1, tag: '0000_init', breakpoints: true }] }),
  });
  repo.gitAt(T0, 'tag', 'base');
  repo.commitAt(T0 + DAY, {
    'drizzle/0002_c.sql': 'CREATE TABLE c (id bigint PRIMARY KEY);\n',
    'drizzle/meta/_journal.json': JSON.stringify({
      version: '7',
      dialect: 'postgresql',
      entries: [
        { idx: 0, version: '7', when: 1, tag: '0000_init', breakpoints: true },
        { idx: 1, version: '7', when: 2, tag: '0002_c', breakpoints: true },
      ],
    }),
  });

  it('are said with --verbose, and only counted otherwise', async () => {
    const quiet = await checkJson(repo.root, ['--base', 'base']);
    expect(quiet.json.diagnostics.filter((d) => d.path === 'drizzle/0001_orphan.sql')).toEqual([]);
    expect(quiet.stderr).toMatch(/1 diagnostic about files this change does not touch not shown \(--verbose shows them\)/);
    const verbose = await checkJson(repo.root, ['--base', 'base', '--verbose']);
    expect(verbose.json.diagnostics.filter((d) => d.path === 'drizzle/0001_orphan.sql').map((d) => d.code)).toEqual(['migration-not-in-journal']);
  });
});

describe('Sequelize many-to-many join models', () => {
  it('a belongsToMany through model has no implied id', async () => {
    const model = (name: string, table: string, body: string) =>
      `import { Table, Column, Model, BelongsToMany, ForeignKey, DataType } from 'sequelize-typescript';\n${body.includes('GroupUser') && name !== 'GroupUser' ? "import GroupUser from './GroupUser';\nimport User from './User';\n" : ''}@Table({ tableName: '${table}' })\nexport default class ${name} extends Model {\n${body}\n}\n`;
    const repo = dated().commitAt(T0, {
      'db/migrations/001.sql':
        'CREATE TABLE users (id uuid PRIMARY KEY, "createdAt" timestamptz, "updatedAt" timestamptz);\nCREATE TABLE groups (id uuid PRIMARY KEY, "createdAt" timestamptz, "updatedAt" timestamptz);\nCREATE TABLE group_users ("userId" uuid, "groupId" uuid, "createdAt" timestamptz, "updatedAt" timestamptz, PRIMARY KEY ("userId", "groupId"));\n',
    });
    repo.gitAt(T0, 'tag', 'base');
    repo.commitAt(T0 + DAY, {
      'src/models/User.ts': model('User', 'users', ''),
      'src/models/Group.ts': model('Group', 'groups', '  @BelongsToMany(() => User, () => GroupUser)\n  users: User[];'),
      'src/models/GroupUser.ts': model('GroupUser', 'group_users', '  @ForeignKey(() => User)\n  @Column(DataType.UUID)\n  userId: string;\n\n  @Column(DataType.UUID)\n  groupId: string;'),
      'db/migrations/002.sql': 'ALTER TABLE group_users ADD COLUMN role text;\n',
    });
    const { json } = await checkJson(repo.root, ['--base', 'base']);
    expect(json.findings.filter((f) => f.rule === 'unknown-column-reference')).toEqual([]);
    // Without the association the model has Sequelize's implied id, which the table lacks.
    repo.write({ 'src/models/Group.ts': model('Group', 'groups', '') });
    const without = await checkJson(repo.root, ['--base', 'base']);
    expect(without.json.findings.filter((f) => f.rule === 'unknown-column-reference').map((f) => `${f.target?.table}.${f.target?.column}`)).toEqual(['group_users.id']);
  });
});

describe('the MikroORM extractor', () => {
  it('runs only where MikroORM is imported', () => {
    expect(mikroOrmExtractor.wants("import { EntityManager } from 'typeorm';\nexport const f = (em: EntityManager) => em.find(User);\n", 'src/a.ts')).toBe(false);
    expect(mikroOrmExtractor.wants("import { EntityManager } from '@mikro-orm/postgresql';\n", 'src/a.ts')).toBe(true);
  });

  it('does not recurse forever on a member assigned from itself', () => {
    const text = [
      "import { EntityManager } from '@mikro-orm/postgresql';",
      'export class Store {',
      '  constructor(em) { this.em = em; }',
      '  fork() { this.em = this.em.fork(); return this.em.find(User, {}); }',
      '}',
    ].join('\n');
    const facts = extractFile('src/store.js', text, 'app', [mikroOrmExtractor]);
    expect(facts.diagnostics).toEqual([]);
  });
});

describe('presets through the CLI', () => {
  it('an ordinary column addition prints nothing by default and the lock_timeout warning with the strict preset', async () => {
    const repo = dated().commitAt(T0, { 'db/migrations/001.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n' });
    repo.gitAt(T0, 'tag', 'base');
    repo.commitAt(T0 + 100 * DAY, { 'db/migrations/002.sql': 'ALTER TABLE users ADD COLUMN nickname varchar(50);\n' });
    const plain = await checkJson(repo.root, ['--base', 'base']);
    expect(plain.json.findings).toEqual([]);
    repo.write({ 'rollsafe.config.json': JSON.stringify({ preset: 'strict' }) });
    const strict = await checkJson(repo.root, ['--base', 'base']);
    expect(strict.json.findings.map((f) => f.rule).sort()).toEqual(['prefer-text-over-varchar', 'require-lock-timeout']);
    const printed = await rollsafe(repo.root, ['check', '--base', 'base', '--print-config']);
    expect(JSON.parse(printed.stdout).preset).toBe('strict');
  });
});
