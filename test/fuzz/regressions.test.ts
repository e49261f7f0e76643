/**
 * Fixes for failures the fuzzers found, checked without Postgres (the PGlite cases are in
 * schema-vs-postgres.test.ts): each one fails on the code before its fix.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser } from '../../src/sql/parser.js';
import { analyse } from './support/analyse.js';

beforeAll(async () => {
  await loadParser();
});

const conflicts = (history: string, sql: string): string[] =>
  analyse({ history: [history], sql: [sql] })
    .diagnostics.filter((d) => d.code === 'schema-conflict')
    .map((d) => `${d.location.line}: ${d.message}`);

describe('a view reading a column its table does not have (seed 1792174518)', () => {
  const history = 'CREATE TABLE t1 (a int, b int, arr int[]);\nCREATE TABLE t2 (k int, c int);\nCREATE TABLE made AS SELECT 1 AS x;\n';

  it('is a schema conflict', () => {
    expect(conflicts(history, 'CREATE VIEW v AS SELECT nope FROM t1;\nCREATE VIEW w AS SELECT t1.a, t2.nope FROM t1 JOIN t2 ON t2.k = t1.a;\n')).toEqual([
      '1: Postgres would reject this: column "nope" does not exist',
      '2: Postgres would reject this: column "nope" does not exist',
    ]);
  });

  it('but not a bare name of a join, a system column, a function alias, or a table whose columns are unknown', () => {
    const sql = [
      'CREATE VIEW v1 AS SELECT a, c FROM t1 JOIN t2 ON t2.k = t1.a',
      'CREATE VIEW v2 AS SELECT ctid, xmin, a FROM t1',
      'CREATE VIEW v3 AS SELECT e FROM t1, unnest(t1.arr) e',
      'CREATE VIEW v4 AS SELECT a FROM t1 WHERE b IN (SELECT c FROM t2 WHERE k = a)',
      'CREATE VIEW v5 AS SELECT x FROM made',
      'CREATE VIEW v6 AS SELECT a AS z FROM t1 ORDER BY z',
    ].join(';\n');
    expect(conflicts(history, `${sql};\n`)).toEqual([]);
  });
});

describe('a default naming an enum label that is renamed (seed 1611835458)', () => {
  it('follows the label, as Postgres stores the value and not its text', () => {
    const history = `CREATE TYPE mood AS ENUM ('a', 'b');\nCREATE TABLE t (m mood DEFAULT 'a', n mood DEFAULT 'b'::mood, l mood[] DEFAULT '{a}');\n`;
    const result = analyse({ history: [history], sql: ["ALTER TYPE mood RENAME VALUE 'a' TO 'it''s';\nALTER TYPE mood RENAME VALUE 'b' TO 'c';\n"] });
    const table = result.schema.tables.get('public.t')!;
    expect(table.columns.map((c) => c.default?.text)).toEqual(["'it''s'", "'c'::mood", "'{a}'"]);
  });
});

describe('a partition of a table that is not partitioned', () => {
  it('is a schema conflict (Postgres: "t" is not partitioned), and the table is not created', () => {
    const result = analyse({ history: ['CREATE TABLE t (a int);\n'], sql: ["CREATE TABLE t_1 PARTITION OF t FOR VALUES IN (1);\nALTER TABLE t ADD COLUMN b int;\n"] });
    expect(result.diagnostics.map((d) => `${d.location.line}: ${d.message}`)).toEqual(['1: Postgres would reject this: table "t" is not partitioned']);
    expect(result.schema.tables.has('public.t_1')).toBe(false);
  });
});

describe('control characters and NUL in a migration (found by the terminal-escape test)', () => {
  const ESC = '\u001b';
  it('an ESC in a comment, a string or an identifier no longer makes the file one unparsable statement', () => {
    const sql = `-- ${ESC}[31m red\nALTER TABLE t DROP COLUMN a;\nUPDATE t SET b = '${ESC}[2J';\nALTER TABLE t DROP COLUMN "c${ESC}d";\nSELEC ${ESC} broken;\nDROP TABLE t;\n`;
    const result = analyse({ history: [`CREATE TABLE t (a int, b text, "c${ESC}d" int);\n`], sql: [sql] });
    expect(result.diagnostics.map((d) => `${d.code} ${d.location.line}`)).toEqual(['sql-syntax 5']);
    expect(result.findings.filter((f) => f.rule === 'ban-drop-table').map((f) => f.location.line)).toEqual([6]);
  });

  it('a control character on its own, where Postgres rejects it, is still a syntax error (seed 1051594566)', () => {
    const result = analyse({ history: ['CREATE TABLE t (a int);\n'], sql: [`ALTER TABLE t ADD COLUMN b int;\n${ESC};\nDROP TABLE t;\n`] });
    expect(result.diagnostics.map((d) => `${d.code} ${d.location.line}`)).toEqual(['sql-syntax 2']);
    expect(result.findings.filter((f) => f.rule === 'ban-drop-table').map((f) => f.location.line)).toEqual([3]);
  });

  it('a NUL byte does not end the file for the parser: the statements after it are still read', () => {
    const sql = `ALTER TABLE t ADD COLUMN x int; -- \u0000\nDROP TABLE t;\n`;
    const result = analyse({ history: ['CREATE TABLE t (a int);\n'], sql: [sql] });
    expect(result.findings.filter((f) => f.rule === 'ban-drop-table').map((f) => f.location.line)).toEqual([2]);
  });
});

describe('a syntax error after non-ASCII text (found by the terminal-escape test)', () => {
  it('is located at its token (libpg-query\'s cursor counts characters, not bytes)', () => {
    const sql = "COMMENT ON TABLE t IS 'Straße 😀 ☃ naïve';\nALTER TABLE t DROP COLUMN a;\nSELEC 1;\n";
    const result = analyse({ history: ['CREATE TABLE t (a int, b int);\n'], sql: [sql] });
    expect(result.diagnostics.map((d) => `${d.code} ${d.location.line}:${d.location.column}`)).toEqual(['sql-syntax 3:1']);
  });
});

describe('a token the scanner cannot read (31m, 0x, "", an unterminated string)', () => {
  it('costs its own statement only: the statements before and after it are still read', () => {
    for (const junk of ['SELECT 1 + 31m', 'SELECT 0x', 'SELECT ""', "SELECT 'unterminated"]) {
      const sql = `COMMENT ON TABLE t IS 'Straße 😀';\nALTER TABLE t DROP COLUMN a;\n${junk};\nDROP TABLE t;\n`;
      const result = analyse({ history: ['CREATE TABLE t (a int, b int);\n'], sql: [sql] });
      expect(result.diagnostics.map((d) => `${d.code} ${d.location.line}`), junk).toEqual(['sql-syntax 3']);
      // An unterminated string runs to the end of the file, for Postgres as for rollsafe.
      expect(result.findings.filter((f) => f.rule === 'ban-drop-table').map((f) => f.location.line), junk).toEqual(junk.includes("'") ? [] : [4]);
      expect(result.findings.filter((f) => f.rule === 'require-lock-timeout' || f.rule === 'prefer-robust-statements').length, junk).toBeGreaterThan(0);
    }
  });
});

describe('a 10 MB run of letters in one statement (found by the 10 MB fuzz case)', () => {
  it('is normalized: the long-identifier check no longer overflows the regular expression stack', () => {
    const started = performance.now();
    const result = analyse({ history: ['CREATE TABLE t (a text);\n'], sql: [`COMMENT ON TABLE t IS '${'x'.repeat(10 * 1024 * 1024)}';\nDROP TABLE t;\n`] });
    expect(result.findings.filter((f) => f.rule === 'ban-drop-table').map((f) => f.location.line)).toEqual([2]);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});
