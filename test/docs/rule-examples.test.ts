/**
 * Every example in a rule's documentation is run through the engine: `invalid` examples must produce a
 * finding of that rule, `valid` ones must not. Examples with code run the whole pipeline (a git repository,
 * the base ref holding the history and the running release's code, the new migration in the worktree);
 * examples of SQL alone run parse → normalize → replay → evaluate in memory.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { runCheck } from '../../src/engine/check.js';
import type { RuleExample } from '../../src/engine/types.js';
import { TestRepo } from '../support/git-repo.js';
import { lintSql } from '../support/lint-sql.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

/** Findings, and the findings folded into another as its notes (one statement prints one finding per risk). */
async function findingsOf(example: RuleExample): Promise<{ rule: string; message: string }[]> {
  const found = await foundIn(example);
  return found.flatMap((f) => [f, ...(f.notes ?? [])]);
}

async function foundIn(example: RuleExample): Promise<{ rule: string; message: string; notes?: { rule: string; message: string }[] }[]> {
  if (!example.code) {
    return lintSql({
      ...(example.history ? { history: example.history } : {}),
      sql: example.sql,
      ...(example.pgVersion ? { pgVersion: example.pgVersion } : {}),
      ...(example.transaction ? { transaction: example.transaction } : {}),
    });
  }
  const repo = new TestRepo('rollsafe-docs-');
  repos.push(repo);
  repo.commit('history', { 'db/migrations/0001_history.sql': example.history ?? '-- nothing yet\n', ...(example.code ?? {}) }).tag('base');
  repo.write({ 'db/migrations/0002_change.sql': example.sql });
  const result = await runCheck({
    root: repo.root,
    config: { migrations: ['db/migrations'], ...(example.transaction ? { transaction: example.transaction } : {}) },
    rules,
    env: {},
    base: 'base',
    ...(example.pgVersion ? { pgVersion: example.pgVersion } : {}),
  });
  return result.findings;
}

describe('rule documentation examples', () => {
  for (const rule of rules) {
    describe(rule.id, () => {
      rule.docs.examples.invalid.forEach((example, i) => {
        it(`invalid #${i + 1}: ${example.title ?? ''}`, async () => {
          const findings = await findingsOf(example);
          expect(findings.filter((f) => f.rule === rule.id), JSON.stringify(findings, null, 1)).not.toHaveLength(0);
        });
      });
      rule.docs.examples.valid.forEach((example, i) => {
        it(`valid #${i + 1}: ${example.title ?? ''}`, async () => {
          const findings = await findingsOf(example);
          expect(findings.filter((f) => f.rule === rule.id).map((f) => f.message)).toEqual([]);
        });
      });
    });
  }
});
