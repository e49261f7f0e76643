/**
 * SQL migrations rollsafe was never shown: generated from a grammar of the DDL it models, mutated from the
 * fixtures byte by byte, or plain noise. The whole analysis (parse → normalize → replay → every rule) must
 * return findings and diagnostics that point inside the file, never throw, and one bad statement must never
 * hide the findings of the others.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostic.js';
import type { Finding } from '../../src/engine/types.js';
import type { SourceLocation } from '../../src/location.js';
import { decodeMigrationFile } from '../../src/migrations/decode.js';
import { loadParser, parseSql } from '../../src/sql/parser.js';
import { parseSqlFile } from '../../src/sql/statements.js';
import { analyse, migrationAt, type Analysis } from './support/analyse.js';
import { migrationText, statement } from './support/ddl.js';
import { FUZZ, property } from './support/runs.js';

const root = join(import.meta.dirname, '..', '..');

/** Every SQL fixture, read as bytes (the corpus the mutations start from). */
function sqlFixtures(): { path: string; bytes: Buffer }[] {
  const out: { path: string; bytes: Buffer }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.sql')) out.push({ path: relative(root, full), bytes: readFileSync(full) });
    }
  };
  walk(join(root, 'fixtures'));
  return out;
}

const corpus = sqlFixtures();
const hazardsHistory = readFileSync(join(root, 'fixtures/hazards/db/migrations/0001_init.sql'), 'utf8');
/** Migrations with known findings, each with the history that gives them their schema. */
const withFindings: { history: string[]; sql: string; transaction?: 'wrapped' }[] = [
  { history: [hazardsHistory], sql: readFileSync(join(root, 'fixtures/hazards/db/migrations/0002_locks.sql'), 'utf8') },
  { history: [hazardsHistory], sql: readFileSync(join(root, 'fixtures/hazards/db/migrations/0003_transaction.sql'), 'utf8') },
  { history: [readFileSync(join(root, 'fixtures/hazards/flyway/V1__init.sql'), 'utf8')], sql: readFileSync(join(root, 'fixtures/hazards/flyway/V2__explicit_transaction.sql'), 'utf8'), transaction: 'wrapped' },
];

beforeAll(async () => {
  await loadParser();
});

function within(location: SourceLocation, lineCounts: ReadonlyMap<string, number>): void {
  const lines = lineCounts.get(location.path);
  expect(lines, `location in a file of the set: ${location.path}`).toBeDefined();
  if (lines === undefined) return;
  expect(location.line).toBeGreaterThanOrEqual(1);
  expect(location.line).toBeLessThanOrEqual(lines);
  expect(location.column).toBeGreaterThanOrEqual(1);
  expect(location.endLine).toBeGreaterThanOrEqual(location.line);
  expect(location.endLine).toBeLessThanOrEqual(lines);
  if (location.endLine === location.line) expect(location.endColumn).toBeGreaterThanOrEqual(location.column);
}

/** The analysis of the migrations, checked for what every result must satisfy. */
function analysed(history: string[], sql: string[], transaction?: 'wrapped'): Analysis {
  const result = analyse({ history, sql, ...(transaction ? { transaction } : {}) });
  const lineCounts = new Map([...history, ...sql].map((text, i) => [migrationAt(i, text).path, text.split('\n').length]));
  for (const f of result.findings) {
    within(f.location, lineCounts);
    expect(f.message.length).toBeGreaterThan(0);
  }
  for (const d of result.diagnostics) within(d.location, lineCounts);
  return result;
}

describe('generated migrations', () => {
  it('statements from the DDL grammar: findings and diagnostics inside the files, never a throw', () => {
    property(
      fc.tuple(fc.array(migrationText, { maxLength: 3 }), fc.array(migrationText, { minLength: 1, maxLength: 2 })),
      ([history, sql]) => void analysed(history, sql),
      { seed: 101, sample: 150, full: 20_000 },
    );
  });

  it('the same statements, in a transaction-wrapped migration and for old Postgres versions', () => {
    property(
      fc.tuple(migrationText, fc.constantFrom(10, 11, 12, 14, 18), fc.constantFrom('wrapped' as const, 'none' as const)),
      ([sql, pgVersion, transaction]) => void analyse({ history: ['CREATE TABLE users (id int PRIMARY KEY, email text, a int, b int);\nCREATE TYPE mood AS ENUM (\'happy\');\n'], sql: [sql], pgVersion, transaction }),
      { seed: 102, sample: 60, full: 10_000 },
    );
  });
});

/** Byte-level damage to a fixture file. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.constantFrom([0], [0xff], [0xc3], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xef, 0xbb, 0xbf], [0x27], [0x22], [0x24, 0x24], [0x2f, 0x2a], [0x2d, 0x2d], [0x3b], [0x0d], [0x1b, 0x5b, 0x33, 0x31, 0x6d], [0xe2, 0x80, 0xae], [0x5c]) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 200 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Buffer, m: Mutation): Buffer {
  const at = bytes.length === 0 ? 0 : m.at % (bytes.length + 1);
  switch (m.kind) {
    case 'truncate':
      return bytes.subarray(0, at);
    case 'flip': {
      if (bytes.length === 0) return bytes;
      const copy = Buffer.from(bytes);
      copy[at % bytes.length]! ^= m.mask;
      return copy;
    }
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.bytes), bytes.subarray(at)]);
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
    case 'duplicate':
      return Buffer.concat([bytes.subarray(0, at + m.length), bytes.subarray(at)]);
  }
}

describe('mutated fixtures', () => {
  it('truncations, byte flips, stray quotes and comment openers, NUL and invalid UTF-8: decoded, analysed, never a throw', () => {
    property(
      fc.tuple(fc.nat({ max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 })),
      ([index, mutations]) => {
        let bytes = corpus[index]!.bytes;
        for (const m of mutations) bytes = mutate(bytes, m);
        const decoded = decodeMigrationFile('db/migrations/0001_m.sql', bytes);
        if (!decoded.ok) {
          expect(decoded.diagnostic.code).toBe('file-binary');
          return;
        }
        analysed([], [decoded.text]);
      },
      { seed: 103, sample: 150, full: 25_000 },
    );
  });

  it('text no decoder produces (NUL past the binary sniff, lone surrogates, control characters): never a throw', () => {
    const noise = fc.string({ unit: fc.oneof(fc.constantFrom('\u0000', '\ud800', '\udfff', '\u202e', '\u001b', '\r', '\u2028', '\ufeff', '$', "'", ';', '"', '/*', '*/', '--', '\n', 'E\'\\', 'U&"'), fc.constantFrom(...'ALTER TABLE users DROP COLUMN email;'.split(' '))), maxLength: 60 });
    property(
      fc.tuple(fc.nat({ max: withFindings.length - 1 }), noise, fc.nat()),
      ([index, inserted, at]) => {
        const { history, sql } = withFindings[index]!;
        const cut = at % (sql.length + 1);
        analysed(history, [sql.slice(0, cut) + inserted + sql.slice(cut)]);
      },
      { seed: 104, sample: 80, full: 10_000 },
    );
  });
});

/** Tokens that never make a statement Postgres accepts in this order, and never open a literal or comment. */
const garbageToken = fc.constantFrom('SELEC', 'FRM', 'ALTER', 'TABLE', 'users', '(', ')', ',', '+', '1', "'s'", '"q"', '$$b$$', '::', 'DROP', 'COLUMN', 'WHERE', '=', '*', 'CREATE', 'INDEX', 'ON', '@', '#', '%', '?', '[', ']', 'ADD', 'NOT', 'NULL', 'USING', '.', 'x', "'\u001b[2J'", '"\u0001q"', '/* \u001b]0;t\u0007 */', '\u0000', '\u202e', '\u001b', '31m', '0x', '$1a', '""');
const garbage = fc
  .array(garbageToken, { minLength: 1, maxLength: 8 })
  .map((tokens) => tokens.join(' '))
  .filter((text) => {
    try {
      parseSql(`${text};`);
      return false;
    } catch {
      return true;
    }
  });

/** Text before the migration: non-ASCII characters shift byte offsets away from string offsets. */
const prefix = fc.constantFrom('', '-- Straße, 😀, ü\n', "COMMENT ON TABLE users IS 'naïve ☃';\n");

/** Line starts between two statements (or before the first / after the last), where a new line can go. */
function statementGaps(text: string): number[] {
  const file = parseSqlFile('m.sql', text);
  const gaps = [0];
  const statements = file.statements;
  for (let i = 0; i < statements.length; i++) {
    const from = statements[i]!.end;
    const to = i + 1 < statements.length ? statements[i + 1]!.start : text.length;
    const newline = text.indexOf('\n', from);
    if (newline >= 0 && newline < to) gaps.push(newline + 1);
  }
  return gaps.filter((g) => g <= text.length);
}

function key(item: { location: SourceLocation }, label: string, insertedLine: number): string {
  const { line, column } = item.location;
  return `${label} ${line >= insertedLine ? line + 1 : line}:${column}`;
}

const findingKey = (f: Finding, insertedLine: number): string => key(f, f.rule, insertedLine);
const diagnosticKey = (d: Diagnostic, insertedLine: number): string => key(d, d.code, insertedLine);

function assertNothingHidden(history: string[], sql: string, bad: string, gapIndex: number, transaction?: 'wrapped'): void {
  const gaps = statementGaps(sql);
  const at = gaps[gapIndex % gaps.length]!;
  const mutated = `${sql.slice(0, at)}${bad};\n${sql.slice(at)}`;
  const insertedLine = sql.slice(0, at).split('\n').length;
  const before = analyse({ history, sql: [sql], ...(transaction ? { transaction } : {}) });
  const after = analysed(history, [mutated], transaction);
  const newPath = migrationAt(history.length, sql).path;
  const mine = <T extends { location: SourceLocation }>(items: T[]): T[] => items.filter((i) => i.location.path === newPath);
  expect(mine(after.findings).map((f) => findingKey(f, Infinity)).sort()).toEqual(mine(before.findings).map((f) => findingKey(f, insertedLine)).sort());
  const afterDiagnostics = mine(after.diagnostics).map((d) => diagnosticKey(d, Infinity));
  for (const d of mine(before.diagnostics)) expect(afterDiagnostics).toContain(diagnosticKey(d, insertedLine));
  expect(mine(after.diagnostics).filter((d) => d.code === 'sql-syntax' && d.location.line === insertedLine)).toHaveLength(1);
}

describe('one bad statement never hides the others', () => {
  it('garbage between the statements of fixtures with known findings: the same findings, one more diagnostic', () => {
    for (const { history, sql, transaction } of withFindings) expect(analyse({ history, sql: [sql], ...(transaction ? { transaction } : {}) }).findings.length).toBeGreaterThan(0);
    property(
      fc.tuple(fc.nat({ max: withFindings.length - 1 }), garbage, fc.nat(), prefix),
      ([index, bad, gap, before]) => {
        const { history, sql, transaction } = withFindings[index]!;
        assertNothingHidden(history, before + sql, bad, gap, transaction);
      },
      { seed: 105, sample: 40, full: 8_000 },
    );
  });

  it('garbage between generated statements', () => {
    const generated = fc.array(statement, { minLength: 1, maxLength: 8 }).map((s) => `${s.join(';\n')};\n`);
    property(
      fc.tuple(generated, garbage, fc.nat(), prefix),
      ([sql, bad, gap, before]) => assertNothingHidden(['CREATE TABLE users (id int PRIMARY KEY, email text, a int, b int);\nCREATE TABLE orders (id bigint);\n'], before + sql, bad, gap),
      { seed: 106, sample: 60, full: 12_000 },
    );
  });
});

describe('huge migrations', () => {
  const statements = FUZZ ? 100_000 : 10_000;

  it(`${statements.toLocaleString('en')} DDL statements in one file (a schema dump): analysed, nothing lost`, () => {
    const lines: string[] = [];
    for (let i = 0; i < statements; i += 4) {
      lines.push(`CREATE TABLE t${i} (id bigint PRIMARY KEY, v text)`, `ALTER TABLE t${i} ADD COLUMN c int`, `CREATE INDEX ON t${i} (v)`, `COMMENT ON TABLE t${i} IS 'x'`);
    }
    const sql = `${lines.join(';\n')};\n`;
    const result = analysed([], [sql]);
    expect(result.diagnostics).toEqual([]);
    expect(result.schema.tables.size).toBe(statements / 4);
    expect(result.schema.indexes.size).toBe(statements / 2);
    // The same dump deployed, then one statement on an existing table: found, with no noise from the dump.
    const after = analyse({ history: [sql], sql: ['CREATE INDEX t8_c_idx ON t8 (c);\n'] });
    expect(after.findings.map((f) => f.rule)).toContain('require-concurrent-index');
  });

  it(`${statements.toLocaleString('en')} statements with a bad one every thousand: each bad one a diagnostic, the rest read`, () => {
    const lines = Array.from({ length: statements }, (_, i) => (i % 1000 === 500 ? 'SELEC oops' : `INSERT INTO t (a) VALUES (${i})`));
    const result = analysed(['CREATE TABLE t (a int);\n'], [`${lines.join(';\n')};\nDROP TABLE t;\n`]);
    expect(result.diagnostics.filter((d) => d.code === 'sql-syntax').map((d) => d.location.line)).toEqual(Array.from({ length: statements / 1000 }, (_, k) => k * 1000 + 501));
    expect(result.findings.map((f) => f.rule)).toContain('ban-drop-table');
  });

  it(`a ${FUZZ ? 10 : 2} MB file: one literal, and many statements`, () => {
    const mb = FUZZ ? 10 : 2;
    const literal = (size: number): string => `INSERT INTO t (v) VALUES ('${'x'.repeat(size)}');\nALTER TABLE t DROP COLUMN v;\n`;
    const rules = (sql: string): string[] => analysed(['CREATE TABLE t (v text);\n'], [sql]).findings.map((f) => `${f.rule} ${f.location.line}`);
    // The size of a literal changes nothing.
    expect(rules(literal(mb * 1024 * 1024))).toEqual(rules(literal(1)));
    expect(rules(literal(1)).length).toBeGreaterThan(0);
    const row = "INSERT INTO t (v) VALUES ('a fairly ordinary row of seed data');\n";
    const many = row.repeat(Math.ceil((mb * 1024 * 1024) / row.length));
    expect(analysed(['CREATE TABLE t (v text);\n'], [many]).diagnostics).toEqual([]);
  });

  it('a file over the size limit is skipped with a diagnostic by discovery, not read', async () => {
    const { discoverMigrationSets } = await import('../../src/migrations/index.js');
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'rollsafe-fuzz-big-'));
    try {
      mkdirSync(join(dir, 'db/migrations'), { recursive: true });
      writeFileSync(join(dir, 'db/migrations/001_big.sql'), `-- ${'x'.repeat(10 * 1024 * 1024)}\n`);
      writeFileSync(join(dir, 'db/migrations/002_ok.sql'), 'CREATE TABLE t (a int);\n');
      const found = await discoverMigrationSets(dir, { dirs: ['db/migrations'] });
      expect(found.diagnostics.map((d) => [d.code, d.location.path])).toEqual([['file-too-large', 'db/migrations/001_big.sql']]);
      expect(found.sets[0]!.migrations.map((m) => m.path)).toEqual(['db/migrations/002_ok.sql']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
