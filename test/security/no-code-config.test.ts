/**
 * CI on pull requests from strangers sets ROLLSAFE_NO_CODE_CONFIG (action.yml does for forks): then a
 * JS/TS config is refused, not run, and a JSON config still works.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { rollsafe } from '../support/cli.js';
import { TestRepo } from '../support/git-repo.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

function project(files: Record<string, string>): TestRepo {
  const repo = new TestRepo('rollsafe-no-code-config-');
  repos.push(repo);
  return repo.commit('init', { 'db/migrations/001.sql': 'CREATE TABLE t (id bigint);\n', ...files });
}

const trap = "import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('./EXECUTED', import.meta.url), 'yes');\nexport default {};\n";

it('refuses a JS config without running it', async () => {
  const repo = project({ 'rollsafe.config.mjs': trap });
  const run = await rollsafe(repo.root, ['check'], { ROLLSAFE_NO_CODE_CONFIG: '1' });
  expect(run.code).toBe(2);
  expect(run.stderr).toContain('rollsafe.config.mjs is code, and ROLLSAFE_NO_CODE_CONFIG forbids running it');
  expect(existsSync(join(repo.root, 'EXECUTED'))).toBe(false);
});

it('refuses a TS config given with --config too', async () => {
  const repo = project({ 'ci/rollsafe.config.ts': trap });
  const run = await rollsafe(repo.root, ['check', '--config', 'ci/rollsafe.config.ts'], { ROLLSAFE_NO_CODE_CONFIG: '1' });
  expect(run.code).toBe(2);
  expect(existsSync(join(repo.root, 'ci', 'EXECUTED'))).toBe(false);
});

it('still reads a JSON config', async () => {
  const repo = project({ 'rollsafe.config.json': JSON.stringify({ pgVersion: 15 }) });
  const run = await rollsafe(repo.root, ['check', '--print-config'], { ROLLSAFE_NO_CODE_CONFIG: '1' });
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout)).toMatchObject({ pgVersion: 15 });
});

it('runs a JS config when the variable is not set (configs are code by design)', async () => {
  const repo = project({ 'rollsafe.config.mjs': 'export default { pgVersion: 14 };\n' });
  const run = await rollsafe(repo.root, ['check', '--print-config']);
  expect(JSON.parse(run.stdout)).toMatchObject({ pgVersion: 14 });
});
