/**
 * The hook of .pre-commit-hooks.yaml through the real pre-commit framework: scripts/pre-commit-e2e.sh, which
 * CI runs as it is. It needs pre-commit: `PRE_COMMIT=<path>`, `pre-commit` on the PATH, or the module in
 * python3 (`pip install pre-commit`); without one the test is skipped and says so. The script installs the
 * hook from a git clone of this checkout's HEAD, so commit before running it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { codeBlocks } from '../support/doc-snippets.js';

const checkout = join(import.meta.dirname, '..', '..');

/** The pre-commit to run, or why there is none. */
function findPreCommit(): { command: string } | { missing: string } {
  const works = (command: string, args: string[]): boolean => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
  if (process.env.PRE_COMMIT) return works(process.env.PRE_COMMIT, ['--version']) ? { command: process.env.PRE_COMMIT } : { missing: `PRE_COMMIT=${process.env.PRE_COMMIT} does not run` };
  if (works('pre-commit', ['--version'])) return { command: 'pre-commit' };
  if (!works('python3', ['--version'])) return { missing: 'python3 is not installed' };
  if (works('python3', ['-m', 'pre_commit', '--version'])) return { command: 'python3 -m pre_commit' };
  return { missing: 'pre-commit is not installed (pip install pre-commit, or set PRE_COMMIT; CI runs scripts/pre-commit-e2e.sh, which installs it)' };
}

it('pre-commit installs the rollsafe hook from git; it blocks a commit staging an unsafe migration and lets a safe one through', (ctx) => {
  const found = findPreCommit();
  if ('missing' in found) return ctx.skip(found.missing);
  const env: Record<string, string | undefined> = { ...process.env };
  // `python3 -m pre_commit` means pip works here: the script installs pre-commit into its own virtualenv.
  if (found.command.includes(' ')) delete env.PRE_COMMIT;
  else env.PRE_COMMIT = found.command;
  for (const key of Object.keys(env)) if (/^(npm_|GITHUB_|CI_MERGE_REQUEST_)/i.test(key)) delete env[key];
  const run = spawnSync('bash', [join(checkout, 'scripts', 'pre-commit-e2e.sh')], { cwd: checkout, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${run.stdout}\n${run.stderr}`;
  expect(run.status, output).toBe(0);
  expect(output).toMatch(/rollsafe\.+Failed/);
  expect(output).toContain('require-concurrent-index');
  expect(output).toMatch(/rollsafe\.+Passed/);
  expect(output).toContain('OK: pre-commit installed rollsafe');
}, 900_000);

it('the script runs the recipe of docs/integrations.md, with this checkout as the repository', () => {
  const recipe = codeBlocks('integrations.md').find((b) => b.lang === 'yaml' && b.code.includes('- id: rollsafe'))!.code;
  expect(recipe).toContain('repo: https://github.com/rollsafe/rollsafe\n');
  const script = readFileSync(join(checkout, 'scripts', 'pre-commit-e2e.sh'), 'utf8');
  const config = /cat > \.pre-commit-config\.yaml <<YAML\n([\s\S]*?)^YAML$/m.exec(script)![1]!;
  expect(config).toBe(recipe.replace(/repo: .*/, 'repo: $tmp/rollsafe').replace(/rev: .*/, 'rev: $rev'));
});
