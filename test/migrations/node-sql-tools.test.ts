/**
 * SQL-file migration tools of the Node ecosystem: graphile-migrate (`migrations/committed/`, hash chain),
 * postgres-migrations (numbered files, consecutive ids) and db-migrate's `sqls/` variant. Each detected from the
 * repository alone, ordered as the tool orders, with the tool's transaction behaviour.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverMigrationSets } from '../../src/migrations/index.js';
import { brief, files, only } from './helpers.js';
import { tempProject } from './temp-project.js';

const projects: { remove(): void }[] = [];
afterAll(() => projects.forEach((p) => p.remove()));

async function discover(tree: Record<string, string>) {
  const project = tempProject(tree);
  projects.push(project);
  return discoverMigrationSets(project.root);
}

/** A committed graphile-migrate file, hashed as `graphile-migrate commit` does (sha1 of previous + body). */
function committed(body: string, previous: string | null): { text: string; hash: string } {
  const hash = `sha1:${createHash('sha1').update(`${`${previous ?? ''}\n${body.trim()}`.trim()}\n`).digest('hex')}`;
  return { text: `--! Previous: ${previous ?? '-'}\n--! Hash: ${hash}\n\n${body.trim()}\n`, hash };
}

describe('graphile-migrate', () => {
  const first = committed('create table users (id serial primary key, name text);\ncreate table posts (id serial primary key);', null);
  const second = committed('alter table users drop column name;', first.hash);
  const third = committed('--! no-transaction\ncreate index concurrently users_id on users (id);', second.hash);

  it('reads migrations/committed in number order, each in its own transaction unless --! no-transaction', async () => {
    const { sets, diagnostics } = await discover({
      'migrations/committed/000001.sql': first.text,
      'migrations/committed/000002-drop-name.sql': second.text,
      'migrations/committed/000003-index.sql': third.text,
      'migrations/current.sql': '-- work in progress\nalter table posts add column title text;\n',
    });
    const set = only(sets);
    expect(set).toMatchObject({ dir: 'migrations/committed', layout: 'graphile-migrate' });
    expect(files(set)).toEqual(['000001.sql', '000002-drop-name.sql', '000003-index.sql']);
    expect(set.migrations.map((m) => [m.version, m.name])).toEqual([
      ['000001', '000001'],
      ['000002', 'drop-name'],
      ['000003', 'index'],
    ]);
    expect(set.migrations.map((m) => [m.transaction, m.transactionScope])).toEqual([
      ['wrapped', 'migration'],
      ['wrapped', 'migration'],
      ['none', undefined],
    ]);
    expect(set.migrations[2]!.transactionReason).toContain('no-transaction');
    expect(diagnostics).toEqual([]);
  });

  it('reports an edited committed migration and a broken chain, as graphile-migrate refuses them', async () => {
    const edited = second.text.replace('drop column name', 'drop column name cascade');
    const orphan = committed('alter table posts add column body text;', 'sha1:0000');
    const { diagnostics } = await discover({
      'migrations/committed/000001.sql': first.text,
      'migrations/committed/000002.sql': edited,
      'migrations/committed/000003.sql': orphan.text,
    });
    expect(diagnostics.map(brief).sort()).toEqual([
      'graphile-migrate-chain migrations/committed/000003.sql:1:1',
      'graphile-migrate-hash migrations/committed/000002.sql:1:1',
    ]);
  });

  it('leaves a committed/ folder without graphile headers to the plain SQL layout', async () => {
    const { sets } = await discover({ 'db/committed/001_a.sql': 'create table a (id int);\n', 'db/committed/002_b.sql': 'create table b (id int);\n' });
    expect(sets.map((s) => s.layout)).toEqual(['sql']);
  });
});

describe('postgres-migrations', () => {
  const pkg = JSON.stringify({ name: 'app', dependencies: { 'postgres-migrations': '^5.3.0', pg: '^8.0.0' } });

  it('is recognised by the dependency, orders by integer id, wraps each file unless it opts out', async () => {
    const { sets, diagnostics } = await discover({
      'package.json': pkg,
      'migrations/1_create-users.sql': 'CREATE TABLE users (id serial PRIMARY KEY);\nCREATE TABLE posts (id serial);\n',
      'migrations/2_add-email.sql': 'ALTER TABLE users ADD COLUMN email text;\n',
      'migrations/10_index.sql': '-- postgres-migrations disable-transaction\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n',
      'migrations/3_x.sql': 'SELECT 1;\n',
      'migrations/4_x.sql': 'SELECT 1;\n',
      'migrations/5_x.sql': 'SELECT 1;\n',
      'migrations/6_x.sql': 'SELECT 1;\n',
      'migrations/7_x.sql': 'SELECT 1;\n',
      'migrations/8_x.sql': 'SELECT 1;\n',
      'migrations/9_x.sql': 'SELECT 1;\n',
    });
    const set = only(sets);
    expect(set.layout).toBe('postgres-migrations');
    expect(files(set).slice(0, 3)).toEqual(['1_create-users.sql', '2_add-email.sql', '3_x.sql']);
    expect(files(set).at(-1)).toBe('10_index.sql');
    expect(set.migrations[0]).toMatchObject({ transaction: 'wrapped', transactionScope: 'migration', name: 'create-users' });
    expect(set.migrations.at(-1)).toMatchObject({ transaction: 'none' });
    expect(diagnostics).toEqual([]);
  });

  it('refuses ids that skip, as the tool does', async () => {
    const { sets, diagnostics } = await discover({
      'package.json': pkg,
      'db/1_a.sql': 'CREATE TABLE a (id int);\n',
      'db/3_c.sql': 'CREATE TABLE c (id int);\n',
    });
    expect(only(sets).layout).toBe('postgres-migrations');
    expect(diagnostics.map(brief)).toEqual(['migration-sequence db/3_c.sql:1:1']);
    expect(diagnostics[0]!.severity).toBe('error');
  });

  it('without the dependency or the marker, a numbered folder stays a plain SQL history', async () => {
    const { sets } = await discover({ 'migrations/1_a.sql': 'CREATE TABLE a (id int);\n', 'migrations/2_b.sql': 'CREATE TABLE b (id int);\n' });
    expect(only(sets).layout).toBe('sql');
  });
});

describe('db-migrate sql-file variant', () => {
  const wrapper = (name: string): string =>
    `'use strict';\nvar fs = require('fs');\nvar path = require('path');\nexports.up = function (db) {\n  var filePath = path.join(__dirname, 'sqls', '${name}-up.sql');\n  return new Promise(function (resolve, reject) {\n    fs.readFile(filePath, { encoding: 'utf-8' }, function (err, data) { if (err) return reject(err); resolve(data); });\n  }).then(function (data) { return db.runSql(data); });\n};\n`;

  it('reads migrations/sqls/*-up.sql in file-name order, each between BEGIN and COMMIT', async () => {
    const { sets, diagnostics } = await discover({
      'package.json': JSON.stringify({ dependencies: { 'db-migrate': '^0.11.0', 'db-migrate-pg': '^1.0.0' } }),
      'migrations/20200101000000-init.js': wrapper('20200101000000-init'),
      'migrations/20200201000000-drop-legacy.js': wrapper('20200201000000-drop-legacy'),
      'migrations/sqls/20200101000000-init-up.sql': 'CREATE TABLE users (id serial PRIMARY KEY, legacy text);\n',
      'migrations/sqls/20200101000000-init-down.sql': 'DROP TABLE users;\n',
      'migrations/sqls/20200201000000-drop-legacy-up.sql': 'ALTER TABLE users DROP COLUMN legacy;\n',
      'migrations/sqls/20200201000000-drop-legacy-down.sql': 'ALTER TABLE users ADD COLUMN legacy text;\n',
    });
    const set = only(sets);
    expect(set).toMatchObject({ dir: 'migrations/sqls', layout: 'db-migrate-sql' });
    expect(files(set)).toEqual(['20200101000000-init-up.sql', '20200201000000-drop-legacy-up.sql']);
    expect(set.migrations.map((m) => [m.name, m.transaction, m.transactionScope])).toEqual([
      ['init', 'wrapped', 'migration'],
      ['drop-legacy', 'wrapped', 'migration'],
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('knows `--non-transactional` in the package scripts', async () => {
    const { sets } = await discover({
      'package.json': JSON.stringify({ scripts: { migrate: 'db-migrate up --non-transactional' } }),
      'migrations/sqls/20200101000000-a-up.sql': 'CREATE INDEX CONCURRENTLY a_i ON a (x);\n',
    });
    const set = only(sets);
    expect(set.migrations[0]).toMatchObject({ transaction: 'none' });
    expect(set.migrations[0]!.transactionReason).toContain('package.json');
  });
});
