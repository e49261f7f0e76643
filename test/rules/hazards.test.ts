/**
 * `rollsafe check` on fixtures/hazards: every lock and type-choice rule fires, and the pretty report shows
 * each finding with its lock and its safe SQL.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { runCheck } from '../../src/engine/check.js';
import type { CheckResult } from '../../src/engine/result.js';
import { painter } from '../../src/report/color.js';
import { formatPretty } from '../../src/report/pretty.js';

const fixture = join(import.meta.dirname, '..', '..', 'fixtures', 'hazards');
const ours = rules.filter((r) => r.family === 'lock' || r.family === 'type-choice');
let root: string;
let result: CheckResult;
let output: string;

beforeAll(async () => {
  // A copy outside any git repository: no base ref, the new migrations are the files passed.
  root = mkdtempSync(join(tmpdir(), 'rollsafe-hazards-'));
  cpSync(fixture, root, { recursive: true });
  result = await runCheck({
    root,
    // Every rule at its full severity: the fixtures are about the rules, not the default preset.
    config: { migrations: [{ dir: 'db/migrations', layout: 'sql' }, { dir: 'flyway', layout: 'flyway' }], pgVersion: 18, preset: 'strict' },
    rules: [...ours, ...rules.filter((r) => r.family === 'meta')],
    env: {},
    files: ['db/migrations/0002_locks.sql', 'db/migrations/0003_transaction.sql', 'flyway/V2__explicit_transaction.sql'],
  });
  output = formatPretty(result, { chalk: painter(0) });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('rollsafe check on fixtures/hazards', () => {
  it('reads the migrations without diagnostics', () => {
    expect(result.diagnostics.map((d) => d.message)).toEqual([]);
    expect(result.newMigrations).toHaveLength(3);
  });

  for (const rule of ours) {
    it(`${rule.id} fires, with its lock and safe SQL in the report`, () => {
      const findings = result.findings.filter((f) => f.rule === rule.id);
      // A timeout rule on a statement that has its own lock finding is printed as a note of it.
      const asNotes = result.findings.flatMap((f) => (f.notes ?? []).filter((n) => n.rule === rule.id));
      for (const note of asNotes) expect(output).toContain(note.message);
      expect(findings.length + asNotes.length, `no ${rule.id} finding`).toBeGreaterThan(0);
      for (const f of findings) {
        expect(output).toContain(f.message);
        if (f.lock) expect(output).toContain(`Lock: ${f.lock.mode} on ${f.lock.table}, blocks ${f.lock.blocks}`);
        for (const step of f.fix?.steps ?? []) if (step.sql) expect(output).toContain(step.sql.split('\n')[0]);
      }
      if (findings.length > 0 && rule.family === 'lock' && !['ban-drop-database', 'concurrently-in-transaction', 'enum-value-in-transaction', 'unclosed-transaction', 'nested-transaction', 'transaction-in-wrapped-migration', 'prefer-robust-statements'].includes(rule.id)) {
        expect(findings.some((f) => f.lock), `${rule.id} names no lock`).toBe(true);
      }
    });
  }

  it('prints a summary line counting the problems', () => {
    expect(output).toMatch(/✖ \d+ errors?, \d+ warnings? in 3 migrations/);
  });
});
