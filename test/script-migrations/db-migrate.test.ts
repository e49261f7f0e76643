/**
 * db-migrate's JS migrations (`exports.up = function (db, cb) { db.runSql(…) }` and the driver's builder calls):
 * detected, read statically into Changes as db-migrate-pg writes them, and checked end to end on a real git
 * repository (the running release still reads the column a new migration removes).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Migration } from '../../src/migrations/migration.js';
import { discoverMigrationSets } from '../../src/migrations/index.js';
import { loadParser } from '../../src/sql/parser.js';
import { readScriptMigration } from '../../src/sql/script-migrations/index.js';
import { checkJson } from '../support/cli.js';
import { TestRepo } from '../support/git-repo.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));
beforeAll(() => loadParser());

function read(text: string) {
  const migration: Migration = {
    path: 'migrations/20200101000000-m.js',
    layout: 'db-migrate',
    set: 'migrations',
    order: 0,
    version: '20200101000000',
    name: 'm',
    language: 'ts',
    text,
    transaction: 'wrapped',
    transactionReason: 'test',
    phase: 'pre-deploy',
  };
  return readScriptMigration(migration);
}

const init = `'use strict';

exports.up = function (db, callback) {
  db.createTable('users', {
    id: { type: 'int', primaryKey: true, autoIncrement: true },
    email: { type: 'string', length: 255, notNull: true, unique: true },
    legacy_flag: 'boolean',
    created_at: { type: 'timestamptz', defaultValue: { special: 'CURRENT_TIMESTAMP' } },
  }, callback);
};

exports.down = function (db, callback) {
  db.dropTable('users', callback);
};
`;

describe('reading db-migrate migrations', () => {
  it('turns the driver calls into the SQL db-migrate-pg sends', () => {
    const result = read(`'use strict';
exports.up = async function (db) {
  await db.addColumn('users', 'plan', { type: 'string', notNull: true, defaultValue: 'free' });
  await db.renameColumn('users', 'name', 'full_name');
  await db.removeColumn('users', 'legacy_flag');
  await db.addIndex('users', 'users_plan', ['plan'], true);
  await db.renameTable('sessions', 'user_sessions');
  await db.dropTable('audit', { ifExists: true });
  await db.runSql('ALTER TABLE users ADD COLUMN tier text');
  const rows = await db.all('SELECT id FROM users');
};
`);
    expect(result.diagnostics).toEqual([]);
    expect(result.changes.map((c) => c.kind)).toEqual(['add-column', 'rename-column', 'drop-column', 'create-index', 'rename-table', 'drop-table', 'add-column']);
    expect(result.calls).toEqual({ analysed: 7, unanalysed: 0 });
    const plan = result.changes[0]!;
    expect(plan.kind === 'add-column' && [plan.column.type.display, plan.column.notNull, plan.column.default?.text]).toEqual(['character varying', true, "'free'"]);
  });

  it('reads createTable as CREATE TABLE with SERIAL keys and timestamptz', () => {
    const result = read(init);
    expect(result.diagnostics).toEqual([]);
    const create = result.changes[0]!;
    expect(create.kind).toBe('create-table');
    if (create.kind !== 'create-table') return;
    expect(create.columns.map((c) => [c.name, c.type.display, c.notNull])).toEqual([
      ['id', 'integer', true],
      ['email', 'character varying(255)', true],
      ['legacy_flag', 'boolean', false],
      ['created_at', 'timestamp with time zone', false],
    ]);
  });

  it('reports a call it cannot read instead of guessing', () => {
    const result = read(`exports.up = function (db) {\n  return db.removeColumn(process.env.TABLE, 'x');\n};\n`);
    expect(result.changes).toEqual([]);
    expect(result.diagnostics.map((d) => [d.code, d.location.line])).toEqual([['unanalysed-statement', 2]]);
  });
});

describe('db-migrate end to end', () => {
  it('detects the folder, wraps each migration, and flags a removed column the running release still reads', async () => {
    const r = new TestRepo('rollsafe-db-migrate-');
    repos.push(r);
    r.commit('base', {
      'package.json': JSON.stringify({ name: 'app', dependencies: { 'db-migrate': '0.11.14', 'db-migrate-pg': '1.5.2', pg: '8.11.0' } }),
      'migrations/20200101000000-init.js': init,
      'migrations/20200201000000-sessions.js': "'use strict';\nexports.up = function (db, cb) {\n  db.runSql(`CREATE TABLE sessions (id serial PRIMARY KEY, token text NOT NULL)`, cb);\n};\nexports.down = function (db, cb) { db.dropTable('sessions', cb); };\n",
      'src/users.js': "const { Pool } = require('pg');\nconst pool = new Pool();\nexports.flagged = () => pool.query('SELECT id, legacy_flag FROM users WHERE email = $1', ['a']);\n",
    }).tag('base');
    r.write({
      'migrations/20200301000000-drop-flag.js': "'use strict';\nexports.up = function (db, cb) {\n  db.removeColumn('users', 'legacy_flag', cb);\n};\nexports.down = function (db, cb) { db.addColumn('users', 'legacy_flag', 'boolean', cb); };\n",
    });
    const { sets } = await discoverMigrationSets(r.root);
    expect(sets.map((s) => [s.dir, s.layout, s.migrations.length])).toEqual([['migrations', 'db-migrate', 3]]);
    expect(sets[0]!.migrations.map((m) => [m.transaction, m.transactionScope])).toEqual([
      ['wrapped', 'migration'],
      ['wrapped', 'migration'],
      ['wrapped', 'migration'],
    ]);
    const { code, json } = await checkJson(r.root, ['--base', 'base']);
    expect(json.summary.newMigrations).toEqual(['migrations/20200301000000-drop-flag.js']);
    const dropped = json.findings.filter((f) => f.rule === 'dropped-column-in-use');
    expect(dropped.map((f) => [f.target?.table, f.target?.column, f.location.line, [...new Set(f.references.map((x) => x.source))].sort().join('+')])).toEqual([
      ['users', 'legacy_flag', 3, 'base+worktree'],
    ]);
    expect(json.diagnostics.filter((d) => d.code === 'schema-conflict' || d.code === 'unanalysed-statement')).toEqual([]);
    expect(code).toBe(1);
  });
});
