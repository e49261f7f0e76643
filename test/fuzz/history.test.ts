/**
 * The history generator of the Postgres differential test, without Postgres: many more histories, checked
 * against what the generator knows (PGlite confirms it on a sample in schema-vs-postgres.test.ts). The analysis
 * never throws, and rollsafe flags exactly the deliberate mistakes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser } from '../../src/sql/parser.js';
import { analyse, migrationAt } from './support/analyse.js';
import { history } from './support/history.js';
import { property } from './support/runs.js';

beforeAll(async () => {
  await loadParser();
});

describe('generated histories, model only', () => {
  it('every rule runs on them, and schema conflicts are exactly the mistakes', () => {
    property(
      history({ maxSteps: 60 }),
      (migrations) => {
        if (migrations.length === 0) return;
        const texts = migrations.map((m) => m.text);
        // The last migration is the new one: every rule runs on it, against the schema the others built.
        const result = analyse({ history: texts.slice(0, -1), sql: texts.slice(-1) });
        const mistakes = migrations.flatMap((m, i) => m.statements.flatMap((s, line) => (s.mistake ? [`${migrationAt(i, m.text).path}:${line + 1} ${s.sql}`] : [])));
        const statementAt = (path: string, line: number): string => migrations[texts.findIndex((t, i) => migrationAt(i, t).path === path)]?.statements[line - 1]?.sql ?? '?';
        const flagged = result.diagnostics.filter((d) => d.code === 'schema-conflict' && d.severity === 'warning').map((d) => `${d.location.path}:${d.location.line} ${statementAt(d.location.path, d.location.line)}`);
        expect([...new Set(flagged)]).toEqual(mistakes);
        expect(result.diagnostics.filter((d) => d.code !== 'schema-conflict')).toEqual([]);
      },
      { seed: 401, sample: 60, full: 15_000 },
    );
  });
});
