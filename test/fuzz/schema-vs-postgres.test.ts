/**
 * Postgres is the oracle: random migration histories (tables, columns, types, defaults, NOT NULL, views, enums,
 * schemas, indexes, renames, drops, rolled-back transactions, and deliberate mistakes) run in PGlite and are
 * replayed by rollsafe. The catalogs must agree, and Postgres must reject exactly the statements rollsafe flags.
 * PGlite cases are slow: few in `npm test`, a few hundred in `npm run fuzz`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMigration } from '../../src/schema/history.js';
import { replay } from '../../src/schema/replay.js';
import { loadParser } from '../../src/sql/parser.js';
import { modelSnapshot, PostgresHarness } from '../support/pglite.js';
import { migrationAt } from './support/analyse.js';
import { history, type GeneratedMigration, type GeneratedStatement } from './support/history.js';
import { asyncProperty, FUZZ } from './support/runs.js';

let pg: PostgresHarness;

beforeAll(async () => {
  await loadParser();
  pg = await PostgresHarness.start();
}, 120_000);

afterAll(async () => {
  await pg?.close();
});

/** Runs the history both ways and compares. Each generated statement is one line. */
export async function compareWithPostgres(migrations: GeneratedMigration[]): Promise<void> {
  const files = migrations.map((m, i) => ({ path: migrationAt(i, m.text).path, sql: m.text }));
  await pg.reset();
  const errors = await pg.run(files);
  const read = files.map((f, i) => readMigration(migrationAt(i, f.sql)));
  const replayed = replay(read.map((r) => ({ migration: r.migration, changes: r.changes })));
  expect(read.flatMap((r) => r.diagnostics).map((d) => `${d.location.path}:${d.location.line} ${d.message}`), 'parse diagnostics').toEqual([]);

  const at = (path: string, line: number): string => `${path}:${line} ${migrations[files.findIndex((f) => f.path === path)]!.statements[line - 1]?.sql}`;
  const mistakes = files.flatMap((f, i) => migrations[i]!.statements.flatMap((s, line) => (s.mistake ? [at(f.path, line + 1)] : [])));
  const rejected = errors.map((e) => at(e.path, e.line));
  expect(rejected, `the generator's mistakes are what Postgres rejects (${errors.map((e) => e.message).join('; ')})`).toEqual(mistakes);
  const flagged = replayed.diagnostics.filter((d) => d.code === 'schema-conflict' && d.severity === 'warning').map((d) => at(d.location.path, d.location.line));
  expect([...new Set(flagged)], `rollsafe flags exactly what Postgres rejects (${errors.map((e) => e.message).join('; ')})`).toEqual(rejected);

  const actual = await pg.snapshot();
  const model = modelSnapshot(replayed.final);
  expect(model.columns).toEqual(actual.columns);
  expect(model.enums).toEqual(actual.enums);
  expect(model.views).toEqual(actual.views);
  expect(model.indexes).toEqual(actual.indexes);
}

describe('replayed model = Postgres catalog on random histories', () => {
  it('histories with mistakes: the same catalog, and rollsafe flags exactly what Postgres rejects', async () => {
    await asyncProperty(history({ maxSteps: FUZZ ? 45 : 30 }), compareWithPostgres, { seed: 201, sample: 12, full: 500 });
  });
});

/** A literal history: `!` before a statement marks a mistake (Postgres rejects it). */
function literal(...files: string[][]): GeneratedMigration[] {
  return files.map((lines) => {
    const statements: GeneratedStatement[] = lines.map((l) => ({ sql: l.replace(/^!/, ''), mistake: l.startsWith('!') }));
    return { statements, text: statements.map((st) => `${st.sql};\n`).join('') };
  });
}

/** Failures the fuzzer found, shrunk, kept as they were (each was fixed where it lived). */
describe('regressions', () => {
  it.each([
    ['a view reading a column its table does not have (seed 1792174518)', literal(['CREATE TABLE "T1 x" ("C2 x" serial PRIMARY KEY)', '!CREATE VIEW bad3 AS SELECT nope FROM "T1 x"', 'CREATE SCHEMA "S4 x"'])],
    ['a partition of a table that is not partitioned', literal(['CREATE TABLE t (a int)', '!CREATE TABLE t_1 PARTITION OF t FOR VALUES IN (1)', 'ALTER TABLE t ADD COLUMN b int'])],
    ['a default naming a renamed enum label (seed 1611835458)', literal(['CREATE TYPE "E1 x" AS ENUM (\'a\')', 'CREATE TABLE t2 (c3 text[] NOT NULL PRIMARY KEY, "C6 x" "E1 x" DEFAULT \'a\')', 'ALTER TYPE "E1 x" RENAME VALUE \'a\' TO \'r7\''])],
  ])('%s', async (_name, migrations) => {
    await compareWithPostgres(migrations);
  });
});
