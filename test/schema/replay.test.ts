import { beforeAll, describe, expect, it } from 'vitest';
import type { Migration } from '../../src/migrations/migration.js';
import { emptySchema } from '../../src/schema/model.js';
import { replay } from '../../src/schema/replay.js';
import { normalizeFile } from '../../src/sql/normalize.js';
import { loadParser } from '../../src/sql/parser.js';
import { parseSqlFile } from '../../src/sql/statements.js';

beforeAll(() => loadParser());

function migration(path: string, sql: string, order = 0): Migration {
  return { path, layout: 'sql', set: 'db', order, version: String(order), name: path, language: 'sql', text: sql, sql, transaction: 'none', transactionReason: 'test', phase: 'pre-deploy' };
}

function history(files: [string, string][]) {
  return files.map(([path, sql], i) => ({ migration: migration(path, sql, i), changes: normalizeFile(parseSqlFile(path, sql)).changes }));
}

const columnsOf = (schema: typeof emptySchema, key: string) => schema.tables.get(key)?.columns.map((c) => c.name);

describe('replay', () => {
  it('gives the schema before and after each migration and each change', () => {
    const result = replay(history([
      ['1.sql', 'CREATE TABLE t (a int);'],
      ['2.sql', 'ALTER TABLE t ADD COLUMN b int;\nALTER TABLE t RENAME COLUMN a TO c;'],
    ]));
    expect(result.diagnostics).toEqual([]);
    const [first, second] = result.migrations;
    expect(first!.before).toBe(emptySchema);
    expect(second!.before).toBe(first!.after);
    expect(columnsOf(second!.before, 'public.t')).toEqual(['a']);
    expect(second!.steps.map((s) => [s.change.kind, columnsOf(s.before, 'public.t'), columnsOf(s.after, 'public.t')])).toEqual([
      ['add-column', ['a'], ['a', 'b']],
      ['rename-column', ['a', 'b'], ['c', 'b']],
    ]);
    expect(result.final).toBe(second!.after);
    expect(result.final.tables.get('public.t')!.columns[0]!.renamedFrom).toEqual({ name: 'a', by: '2.sql' });
  });

  it('starts from a given schema', () => {
    const start = replay(history([['0.sql', 'CREATE TABLE base (id int);']])).final;
    const result = replay(history([['1.sql', 'ALTER TABLE base ADD COLUMN x int;']]), start);
    expect(result.diagnostics).toEqual([]);
    expect(columnsOf(result.final, 'public.base')).toEqual(['id', 'x']);
  });

  it('turns what Postgres rejects into a schema-conflict warning at the sub-command, and goes on', () => {
    const result = replay(history([
      ['1.sql', 'CREATE TABLE t (a int);'],
      ['2.sql', 'ALTER TABLE t ADD COLUMN b int,\n  DROP COLUMN missing;\nALTER TABLE t ADD COLUMN c int;'],
    ]));
    expect(result.diagnostics).toMatchObject([
      { code: 'schema-conflict', severity: 'warning', message: 'Postgres would reject this: column "missing" of relation "t" does not exist', location: { path: '2.sql', line: 2, column: 3 } },
    ]);
    expect(columnsOf(result.final, 'public.t')).toEqual(['a', 'b', 'c']);
  });

  it('a ROLLBACK undoes the changes since BEGIN; ROLLBACK TO undoes those since the savepoint', () => {
    const result = replay(history([
      ['1.sql', 'CREATE TABLE t (a int);\nBEGIN;\nALTER TABLE t ADD COLUMN gone int;\nDROP TABLE t;\nROLLBACK;'],
      ['2.sql', 'BEGIN;\nALTER TABLE t ADD COLUMN kept int;\nSAVEPOINT sp;\nALTER TABLE t ADD COLUMN undone int;\nROLLBACK TO SAVEPOINT sp;\nALTER TABLE t ADD COLUMN kept2 int;\nCOMMIT;'],
    ]));
    expect(result.diagnostics).toEqual([]);
    expect(columnsOf(result.migrations[0]!.after, 'public.t')).toEqual(['a']);
    expect(columnsOf(result.final, 'public.t')).toEqual(['a', 'kept', 'kept2']);
  });

  it('does not apply DDL from function bodies; DO block conflicts are only informational', () => {
    const result = replay(history([
      ['1.sql', 'CREATE TABLE t (a int);\nCREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN DROP TABLE t; END $$;\nDO $$ BEGIN IF NOT EXISTS (SELECT 1) THEN CREATE TABLE t (a int); END IF; END $$;'],
    ]));
    expect(result.final.tables.has('public.t')).toBe(true);
    expect(result.diagnostics.map((d) => [d.code, d.severity, d.location.line])).toEqual([['schema-conflict', 'info', 3]]);
  });

  it('steps carry names resolved through the search_path', () => {
    const result = replay(history([
      ['1.sql', 'CREATE SCHEMA app;\nCREATE TABLE shared (id int);'],
      ['2.sql', 'SET search_path TO app, public;\nALTER TABLE shared ADD COLUMN x int;\nCREATE TABLE own (id int);'],
    ]));
    expect(result.diagnostics).toEqual([]);
    const steps = result.migrations[1]!.steps;
    expect(steps[1]!.change).toMatchObject({ kind: 'add-column', table: { schema: 'public', name: 'shared' } });
    expect(steps[2]!.change).toMatchObject({ kind: 'create-table', table: { schema: 'app', name: 'own' } });
    expect(columnsOf(result.final, 'public.shared')).toEqual(['id', 'x']);
  });
});
