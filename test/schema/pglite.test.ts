/**
 * The schema model against Postgres itself: each fixture history runs in PGlite and is replayed by rollsafe;
 * the catalog and the model must agree column for column.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverMigrationSets } from '../../src/migrations/index.js';
import type { Migration } from '../../src/migrations/migration.js';
import { replay } from '../../src/schema/replay.js';
import { normalizeFile } from '../../src/sql/normalize.js';
import { loadParser } from '../../src/sql/parser.js';
import { parseSqlFile } from '../../src/sql/statements.js';
import { FUNCTION_VOLATILITY } from '../../src/sql/volatility.js';
import { modelSnapshot, PostgresHarness, readHistory } from '../support/pglite.js';

const root = resolve(import.meta.dirname, '../..');
const historiesDir = join(root, 'fixtures/histories');
const layoutsDir = join(root, 'fixtures/layouts');

let pg: PostgresHarness;
// Every migration set the discovery API finds in the layout fixtures (one per tool, plus broken ones).
const layoutSets = (await discoverMigrationSets(layoutsDir)).sets;

beforeAll(async () => {
  const [{ uuid_ossp }, { pgcrypto }] = await Promise.all([import('@electric-sql/pglite/contrib/uuid_ossp'), import('@electric-sql/pglite/contrib/pgcrypto'), loadParser()]);
  pg = await PostgresHarness.start({ extensions: { uuid_ossp, pgcrypto } });
});

afterAll(async () => {
  await pg?.close();
});

function migrationOf(path: string, sql: string, order: number): Migration {
  return {
    path,
    layout: 'sql',
    set: 'fixtures',
    order,
    version: String(order),
    name: path,
    language: 'sql',
    text: sql,
    sql,
    transaction: 'none',
    transactionReason: 'test',
    phase: 'pre-deploy',
  };
}

/** Replay with rollsafe, run in Postgres, and compare. */
async function compare(history: { path: string; sql: string }[]): Promise<void> {
  const replayed = replay(
    history.map((m, i) => {
      const file = parseSqlFile(m.path, m.sql);
      return { migration: migrationOf(m.path, m.sql, i), changes: normalizeFile(file).changes };
    }),
  );
  await pg.reset();
  const errors = await pg.run(history);
  // Postgres rejects exactly the statements where rollsafe reports a conflict (none, for a valid history).
  const conflicts = replayed.diagnostics.filter((d) => d.code === 'schema-conflict' && d.severity === 'warning');
  const rejected = errors.map((e) => `${e.path}:${e.line} ${e.message}`);
  const flagged = errors.filter((e) => conflicts.some((d) => d.location.path === e.path && d.location.line >= e.line && d.location.line <= e.endLine));
  expect(flagged.map((e) => `${e.path}:${e.line} ${e.message}`), 'statements Postgres rejected that rollsafe accepted').toEqual(rejected);
  const unexpected = conflicts.filter((d) => !errors.some((e) => d.location.path === e.path && d.location.line >= e.line && d.location.line <= e.endLine));
  expect(unexpected.map((d) => `${d.location.path}:${d.location.line} ${d.message}`), 'conflicts rollsafe reported that Postgres accepted').toEqual([]);
  const actual = await pg.snapshot();
  const model = modelSnapshot(replayed.final);
  expect(model.columns).toEqual(actual.columns);
  expect(model.enums).toEqual(actual.enums);
  expect(model.views).toEqual(actual.views);
  expect(model.indexes).toEqual(actual.indexes);
}

describe('replayed schema = Postgres catalog', () => {
  const histories = readdirSync(historiesDir).sort();

  it.each(histories)('history %s', async (name) => {
    await compare(readHistory(root, join(historiesDir, name)));
  });

  it.each(layoutSets.map((set) => [set.dir, set] as const))('layout set %s', async (_dir, set) => {
    // Only what the tool runs: `sql` blanks down sections and the like.
    const history = set.migrations.filter((m) => m.sql !== undefined).map((m) => ({ path: m.path, sql: m.sql! }));
    await compare(history);
  });
});

describe('what Postgres rejects', () => {
  it('is a schema-conflict diagnostic at the statement, and the schema stays as Postgres leaves it', async () => {
    const history = [
      { path: 'm/1.sql', sql: 'CREATE TABLE users (id int PRIMARY KEY, email text);\n' },
      { path: 'm/2.sql', sql: 'ALTER TABLE users DROP COLUMN name;\nALTER TABLE users ADD COLUMN email text;\nCREATE TABLE users (id int);\nALTER TABLE users RENAME COLUMN email TO id;\nALTER TABLE users ADD COLUMN ok boolean;\n' },
    ];
    await pg.reset();
    const errors = await pg.run(history);
    const replayed = replay(history.map((m, i) => ({ migration: migrationOf(m.path, m.sql, i), changes: normalizeFile(parseSqlFile(m.path, m.sql)).changes })));
    // Postgres rejects exactly the statements rollsafe flags, on the same lines.
    expect(errors.map((e) => e.statement)).toEqual(['ALTER TABLE users DROP COLUMN name', 'ALTER TABLE users ADD COLUMN email text', 'CREATE TABLE users (id int)', 'ALTER TABLE users RENAME COLUMN email TO id']);
    expect(replayed.diagnostics.map((d) => [d.code, d.severity, d.location.path, d.location.line])).toEqual([
      ['schema-conflict', 'warning', 'm/2.sql', 1],
      ['schema-conflict', 'warning', 'm/2.sql', 2],
      ['schema-conflict', 'warning', 'm/2.sql', 3],
      ['schema-conflict', 'warning', 'm/2.sql', 4],
    ]);
    expect(replayed.diagnostics[0]!.message).toContain('column "name" of relation "users" does not exist');
    expect(modelSnapshot(replayed.final)).toEqual(await pg.snapshot());
  });
});

describe('volatility table', () => {
  it('matches pg_proc.provolatile (worst over overloads)', async () => {
    await pg.reset();
    await pg.pglite.exec('create extension if not exists "uuid-ossp"; create extension if not exists pgcrypto;');
    const names = Object.keys(FUNCTION_VOLATILITY);
    const { rows } = await pg.pglite.query<{ proname: string; v: string }>(
      `select proname, max(case provolatile when 'v' then 2 when 's' then 1 else 0 end)::text as v from pg_proc where proname = any($1) group by proname`,
      [names],
    );
    const actual = Object.fromEntries(rows.map((r) => [r.proname, ['immutable', 'stable', 'volatile'][Number(r.v)]]));
    expect(actual).toEqual(FUNCTION_VOLATILITY);
  });
});
