/**
 * action/check.sh, the script of the GitHub Action, run against fake event payloads (see harness.ts): which
 * rollsafe it runs for whom, which base each event checks against, and how `args` is split.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestRepo } from '../support/git-repo.js';
import { repoRoot } from '../support/built.js';
import { ActionSandbox, actionVersion, recorder } from './harness.js';

const cleanup: { remove(): void }[] = [];
afterAll(() => cleanup.forEach((c) => c.remove()));

function sandbox(): ActionSandbox {
  const s = new ActionSandbox();
  cleanup.push(s);
  return s;
}

function repo(prefix = 'rollsafe-action-repo-'): TestRepo {
  const r = new TestRepo(prefix);
  cleanup.push(r);
  return r;
}

const pg = (sql: string): string => `import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query(\`${sql}\`);\n`;
const BASE_FILES = {
  'db/migrations/001_jobs.sql': 'CREATE TABLE jobs (id bigint PRIMARY KEY, state text NOT NULL, kind text);\n',
  'src/poller.ts': pg("SELECT id, state FROM jobs WHERE state = 'queued'"),
};
const DROP = { 'db/migrations/002_drop_state.sql': 'ALTER TABLE jobs DROP COLUMN state;\n' };

/**
 * A checkout of a pull request from the fork `mallory/app`: its package.json names a `file:` rollsafe, and its
 * node_modules holds a rollsafe (what `npm ci` in an earlier step would have linked) — both the fork's code.
 */
function forkCheckout(): TestRepo {
  const r = repo('rollsafe-action-fork-');
  const forkBin = recorder('FORK node_modules rollsafe');
  r.write({
    ...BASE_FILES,
    'package.json': JSON.stringify({ name: 'app', devDependencies: { rollsafe: 'file:./evil' } }),
    'evil/package.json': JSON.stringify({ name: 'rollsafe', version: actionVersion, bin: { rollsafe: 'bin.sh' } }),
    'evil/bin.sh': recorder('FORK file: rollsafe'),
    'node_modules/.bin/rollsafe': forkBin,
    'node_modules/rollsafe/package.json': JSON.stringify({ name: 'rollsafe', version: actionVersion }),
  });
  chmodSync(join(r.root, 'node_modules/.bin/rollsafe'), 0o755);
  chmodSync(join(r.root, 'evil/bin.sh'), 0o755);
  r.commit('fork');
  return r;
}

const prPayload = (headRepo: string | null) => ({
  pull_request: { number: 7, head: { repo: headRepo === null ? null : { full_name: headRepo } }, base: { ref: 'main' } },
  repository: { full_name: 'owner/app', default_branch: 'main' },
});

describe('who wrote the code decides which rollsafe runs', () => {
  it("a fork PR whose package.json names a file: rollsafe runs the action's pinned rollsafe, never the fork's", () => {
    const s = sandbox();
    const fork = forkCheckout();
    const run = s.run(fork.root, { event: 'pull_request', payload: prPayload('mallory/app') });
    expect(run.status).toBe(0);
    expect(run.log.filter((l) => l.startsWith('FORK'))).toEqual([]);
    expect(run.log.filter((l) => l.startsWith('npx'))).toEqual([]);
    // Installed from outside the checkout (the fork's .npmrc and node_modules play no part), at the action's version.
    const installs = run.log.filter((l) => l.startsWith('npm '));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toContain(`rollsafe@${actionVersion}`);
    expect(installs[0]).not.toContain(`cwd=${fork.root}`);
    const runs = run.log.filter((l) => l.startsWith(`pinned rollsafe@${actionVersion}`));
    expect(runs).toHaveLength(2); // the SARIF run and the readable one
    for (const line of runs) {
      expect(line).toContain(`cwd=${fork.root}`);
      expect(line).toContain('no-code-config=1'); // the fork's JS/TS config is not executed either
    }
    expect(run.outputs.fork).toBe('true');
    expect(run.outputs['exit-code']).toBe('0');
  }, 180_000);

  it('a fork whose head repository was deleted (head.repo null) is treated as a fork', () => {
    const s = sandbox();
    const fork = forkCheckout();
    const run = s.run(fork.root, { event: 'pull_request_target', payload: prPayload(null) });
    expect(run.log.filter((l) => l.startsWith('FORK'))).toEqual([]);
    expect(run.log.some((l) => l.startsWith(`pinned rollsafe@${actionVersion}`))).toBe(true);
    expect(run.outputs.fork).toBe('true');
  }, 180_000);

  it('the version input for a fork is still installed outside the checkout, and a file: version is refused', () => {
    const s = sandbox();
    const fork = forkCheckout();
    const pinned = s.run(fork.root, { event: 'pull_request', payload: prPayload('mallory/app'), inputs: { version: '0.1.x' } });
    expect(pinned.log.some((l) => l.startsWith('pinned rollsafe@0.1.x'))).toBe(true);
    expect(pinned.log.filter((l) => l.startsWith('FORK'))).toEqual([]);
    const refused = s.run(fork.root, { event: 'pull_request', payload: prPayload('mallory/app'), inputs: { version: 'file:./evil' } });
    expect(refused.outputs['exit-code']).toBe('2');
    expect(refused.stdout).toContain('::error title=rollsafe action::the version input must be an npm version or range');
    expect(refused.log).toEqual([]);
  }, 180_000);

  it("trust-pull-requests lets a fork run the project's own rollsafe (and so the test sees the fork's binary when it runs)", () => {
    const s = sandbox();
    const fork = forkCheckout();
    const run = s.run(fork.root, { event: 'pull_request', payload: prPayload('mallory/app'), inputs: { trust: 'true' } });
    expect(run.log.filter((l) => l.startsWith('FORK node_modules rollsafe'))).toHaveLength(2);
    expect(run.log.filter((l) => l.startsWith('npm') || l.startsWith('pinned'))).toEqual([]);
    expect(run.log.every((l) => l.endsWith('no-code-config='))).toBe(true);
  }, 180_000);

  it("a pull request from the repository itself runs the project's installed rollsafe", () => {
    const s = sandbox();
    const own = forkCheckout();
    const run = s.run(own.root, { event: 'pull_request', payload: prPayload('owner/app') });
    expect(run.outputs.fork).toBe('false');
    expect(run.log.filter((l) => l.startsWith('FORK node_modules rollsafe'))).toHaveLength(2);
  }, 180_000);

  it("without an installed rollsafe, a trusted run installs the registry version package.json names, else the action's", () => {
    const s = sandbox();
    const r = repo();
    r.commit('app', { ...BASE_FILES, 'package.json': JSON.stringify({ devDependencies: { rollsafe: '^0.1.0' } }) });
    expect(s.run(r.root, { event: 'push', payload: {} }).log.some((l) => l.startsWith('pinned rollsafe@^0.1.0'))).toBe(true);
    r.commit('git dependency', { 'package.json': JSON.stringify({ devDependencies: { rollsafe: 'github:someone/rollsafe' } }) });
    expect(s.run(r.root, { event: 'push', payload: {} }).log.some((l) => l.startsWith(`pinned rollsafe@${actionVersion} `))).toBe(true);
  }, 180_000);
});

describe('args', () => {
  it('quoted arguments survive as one argument each, and nothing is expanded', () => {
    const s = sandbox();
    const r = repo();
    r.commit('app', BASE_FILES);
    const run = s.run(r.root, {
      event: 'push',
      payload: {},
      inputs: { args: `--migrations "db/my migrations" --config 'conf/roll safe.json' a\\ b $HOME \`id\` --pg-version 16` },
    });
    const readable = run.log.filter((l) => l.startsWith('pinned') && !l.includes('[sarif]'));
    expect(readable).toHaveLength(1);
    expect(readable[0]).toContain('[check] [--migrations] [db/my migrations] [--config] [conf/roll safe.json] [a b] [$HOME] [`id`] [--pg-version] [16] cwd=');
  }, 180_000);

  it('an unmatched quote is an error (exit-code 2), and rollsafe does not run', () => {
    const s = sandbox();
    const r = repo();
    r.commit('app', BASE_FILES);
    const run = s.run(r.root, { event: 'push', payload: {}, inputs: { args: '--migrations "db/migrations' } });
    expect(run.outputs['exit-code']).toBe('2');
    expect(run.stdout).toContain('unmatched quote');
    expect(run.log.filter((l) => l.startsWith('pinned'))).toEqual([]);
  }, 180_000);
});

/**
 * The upstream repository (`origin`, served over file:// so that shallow clones work, and answering wants of
 * any commit as GitHub does) and a clone made as actions/checkout makes it: one commit, one branch.
 */
function upstreamAndCheckout(branch = 'main'): { origin: TestRepo; checkout: string; baseSha: string } {
  const origin = repo('rollsafe-action-origin-');
  origin.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
  origin.commit('release 1', BASE_FILES);
  const baseSha = origin.git('rev-parse', 'HEAD').trim();
  if (branch !== 'main') origin.git('checkout', '-q', '-b', branch);
  origin.commit('drop state', DROP);
  const checkout = join(origin.root, '..', `${origin.root.split('/').pop()}-checkout`);
  execFileSync('git', ['clone', '-q', '--depth=1', '--single-branch', '--branch', branch, `file://${origin.root}`, checkout]);
  cleanup.push({ remove: () => execFileSync('rm', ['-rf', checkout]) });
  return { origin, checkout, baseSha };
}

describe('every event checks against a real base', () => {
  it('push: against the commit before the push, fetched into the shallow checkout', () => {
    const s = sandbox();
    const { checkout, baseSha } = upstreamAndCheckout();
    const run = s.run(checkout, { event: 'push', payload: { before: baseSha, repository: { default_branch: 'main' } }, rollsafe: 'real', env: { GITHUB_REF_NAME: 'main' } });
    expect(run.stdout).toContain('dropped-column-in-use');
    expect(run.stdout).toContain(`base ${baseSha}`);
    expect(run.outputs['exit-code']).toBe('1');
  }, 180_000);

  it('push of a new branch (before is all zeros): against the default branch', () => {
    const s = sandbox();
    const { checkout } = upstreamAndCheckout('feature');
    const run = s.run(checkout, {
      event: 'push',
      payload: { before: '0'.repeat(40), repository: { default_branch: 'main' } },
      rollsafe: 'real',
      env: { GITHUB_REF_NAME: 'feature' },
    });
    expect(run.stdout).toContain('dropped-column-in-use');
    expect(run.stdout).toContain('base origin/main');
    expect(run.outputs['exit-code']).toBe('1');
  }, 180_000);

  it('merge_group: against the merge queue base_sha', () => {
    const s = sandbox();
    const { checkout, baseSha } = upstreamAndCheckout();
    const run = s.run(checkout, { event: 'merge_group', payload: { merge_group: { base_sha: baseSha, head_sha: 'x', base_ref: 'refs/heads/main' } }, rollsafe: 'real' });
    expect(run.stdout).toContain('dropped-column-in-use');
    expect(run.stdout).toContain(`base ${baseSha}`);
    expect(run.outputs['exit-code']).toBe('1');
  }, 180_000);

  it('pull_request: against origin/<base branch>, fetched when the checkout lacks it; the job summary gets the report', () => {
    const s = sandbox();
    const { checkout } = upstreamAndCheckout('feature');
    const run = s.run(checkout, { event: 'pull_request', payload: prPayload('owner/app'), rollsafe: 'real', env: { GITHUB_BASE_REF: 'main' } });
    expect(run.stdout).toContain('dropped-column-in-use');
    expect(run.outputs['exit-code']).toBe('1');
    expect(run.outputs['sarif-ok']).toBe('true');
    expect(run.summary).toContain('dropped-column-in-use');
    expect(run.outputs['summary-file']).toBeTruthy();
  }, 180_000);

  it('a push with no base to compare with (the first push of the default branch) fails under CI instead of passing', () => {
    const s = sandbox();
    const { checkout } = upstreamAndCheckout();
    const run = s.run(checkout, { event: 'push', payload: { before: '0'.repeat(40), repository: { default_branch: 'main' } }, rollsafe: 'real', env: { GITHUB_REF_NAME: 'main' } });
    expect(run.stderr).toContain('not checked');
    expect(run.outputs['exit-code']).toBe('2');
  }, 180_000);
});

describe('action.yml', () => {
  it('runs this script, pins every action by full commit SHA with a version comment, and lets a failed SARIF upload pass', () => {
    const yml = readFileSync(join(repoRoot, 'action.yml'), 'utf8');
    expect(yml).toContain('run: bash "$GITHUB_ACTION_PATH/action/check.sh"');
    const uses = [...yml.matchAll(/^\s*(?:-\s+)?uses:\s*(\S+)(.*)$/gm)];
    expect(uses.map((m) => m[1]!.split('@')[0])).toEqual(['actions/setup-node', 'github/codeql-action/upload-sarif']);
    for (const m of uses) {
      expect(m[1]).toMatch(/@[0-9a-f]{40}$/);
      expect(m[2]).toMatch(/^ # v\d+\.\d+\.\d+$/);
    }
    expect(uses[1]![2]).toMatch(/# v4\./); // codeql-action v3 is deprecated
    // The upload step: skipped for forks, and a repository without code scanning does not fail the job.
    const upload = yml.slice(yml.lastIndexOf('\n    - ', yml.indexOf('upload-sarif@')), yml.indexOf('category: rollsafe'));
    expect(upload).toContain('continue-on-error: true');
    expect(upload).toContain("steps.check.outputs.fork != 'true'");
    // Only rollsafe's exit code fails the job.
    expect(yml).toMatch(/- if: always\(\) && steps\.check\.outputs\.exit-code != '0'[\s\S]*exit "\$\{CODE:-2\}"\s*$/);
  }, 180_000);
});
