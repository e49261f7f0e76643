/**
 * Silent green: each way a run can check nothing says on stderr what was not checked and why, and fails
 * (exit 2) under --fail-on-unchecked, the config's failOnUnchecked, or by default under CI without a base.
 * Real repositories and clones made by each test.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rollsafe } from '../support/cli.js';
import { TestRepo } from '../support/git-repo.js';

const cleanup: string[] = [];
afterAll(() => cleanup.forEach((d) => rmSync(d, { recursive: true, force: true })));

const pg = (sql: string): string => `import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query(\`${sql}\`);\n`;
const FILES = {
  'db/migrations/001_jobs.sql': 'CREATE TABLE jobs (id bigint PRIMARY KEY, state text NOT NULL, kind text);\n',
  'src/poller.ts': pg("SELECT id, state FROM jobs WHERE state = 'queued'"),
};
const DROP = { 'db/migrations/002_drop_state.sql': 'ALTER TABLE jobs DROP COLUMN state;\n' };
/** No CI variables from the machine running the tests. */
const LOCAL = { CI: undefined };
const CI = { CI: 'true' };

function repo(): TestRepo {
  const r = new TestRepo('rollsafe-unchecked-');
  cleanup.push(r.root);
  return r;
}

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollsafe-unchecked-plain-'));
  cleanup.push(dir);
  return dir;
}

describe('not a git repository', () => {
  it('says so, passes locally, fails under CI and under --fail-on-unchecked', async () => {
    const dir = folder();
    for (const [path, text] of Object.entries({ ...FILES, ...DROP })) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const local = await rollsafe(dir, ['check'], LOCAL);
    expect(local.code).toBe(0);
    expect(local.stderr).toContain(`rollsafe: not checked: ${dir} is not a git repository: without git no migration is new`);
    expect(local.stderr).toContain('hint: run rollsafe in a clone of the repository, or name the migrations to check');
    expect((await rollsafe(dir, ['check', '--fail-on-unchecked'], LOCAL)).code).toBe(2);
    const ci = await rollsafe(dir, ['check'], CI);
    expect(ci.code).toBe(2);
    expect(ci.stdout).toBe('');
    expect(ci.stderr).toContain('exit 2: nothing could be checked');
    // Named migrations are checked without git: nothing to report as unchecked.
    const named = await rollsafe(dir, ['check', 'db/migrations/002_drop_state.sql'], CI);
    expect(named.code).toBe(1);
    expect(named.stderr).not.toContain('not checked');
  }, 180_000);
});

describe('no migration folder found', () => {
  it('says so; fails under --fail-on-unchecked and the config key, not by default', async () => {
    const r = repo();
    r.commit('code only', { 'src/poller.ts': FILES['src/poller.ts'] });
    const local = await rollsafe(r.root, ['check', '--base', 'HEAD'], LOCAL);
    expect(local.code).toBe(0);
    expect(local.stderr).toContain(`rollsafe: not checked: no migration folder found under ${r.root}`);
    expect(local.stderr).toContain('pass --migrations <dir>');
    expect((await rollsafe(r.root, ['check', '--base', 'HEAD', '--fail-on-unchecked'], LOCAL)).code).toBe(2);
    r.write({ 'rollsafe.config.json': JSON.stringify({ failOnUnchecked: true }) });
    expect((await rollsafe(r.root, ['check', '--base', 'HEAD'], LOCAL)).code).toBe(2);
  }, 180_000);
});

describe('no base ref resolvable', () => {
  it('a push or merge-queue run with no base (no --base, no CI target branch, no origin/HEAD) fails under CI', async () => {
    const r = repo();
    r.commit('base', FILES).commit('drop', DROP);
    const ci = await rollsafe(r.root, ['check'], CI);
    expect(ci.code).toBe(2);
    expect(ci.stderr).toContain('rollsafe: not checked: no base ref to compare with: none of --base');
    expect(ci.stderr).toContain('hint: fetch the branch of the release still running and name it');
    // Locally the staged migrations are checked (none here): a note, exit 0; the config can turn CI's default off.
    const local = await rollsafe(r.root, ['check'], LOCAL);
    expect(local.code).toBe(0);
    expect(local.stderr).toContain('only migrations staged for commit were checked');
    expect((await rollsafe(r.root, ['check', '--staged'], LOCAL)).stderr).toBe('');
    // A hook asks for the staged migrations, also when the pre-commit framework runs in CI: not a failure.
    const hookInCi = await rollsafe(r.root, ['check', '--staged'], CI);
    expect([hookInCi.code, hookInCi.stderr]).toEqual([0, '']);
    r.write({ 'rollsafe.config.json': JSON.stringify({ failOnUnchecked: false }) });
    const optedOut = await rollsafe(r.root, ['check'], CI);
    expect(optedOut.code).toBe(0);
    expect(optedOut.stderr).toContain('not checked');
  }, 180_000);

  it('under CI, origin/HEAD that is the checked-out commit (a push to main) checks nothing: exit 2', async () => {
    const upstream = repo();
    upstream.commit('base', FILES).commit('drop', DROP);
    const parent = folder();
    const clone = join(parent, 'clone');
    execFileSync('git', ['clone', '-q', upstream.root, clone]);
    const run = await rollsafe(clone, ['check'], CI);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('the base ref origin/HEAD is the commit checked out: nothing can be new');
    expect((await rollsafe(clone, ['check', '--base', 'HEAD~1'], CI)).code).toBe(1);
    // The pre-commit framework running its hooks in CI asks for the staged migrations: not a failure.
    expect((await rollsafe(clone, ['check', '--staged'], CI)).code).toBe(0);
  }, 180_000);
});

describe('a shallow clone without history', () => {
  /** As actions/checkout makes it: init, a remote without a refspec, one commit of one branch. */
  function actionsCheckout(upstream: TestRepo): string {
    const dir = join(folder(), 'work');
    mkdirSync(dir);
    const g = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    g('init', '-q');
    g('remote', 'add', 'origin', `file://${upstream.root}`);
    g('config', '--unset-all', 'remote.origin.fetch');
    g('fetch', '-q', '--no-tags', '--depth=1', 'origin', '+refs/heads/feature:refs/remotes/origin/feature');
    g('checkout', '-q', '--detach', 'origin/feature');
    return dir;
  }

  it('says it is shallow, fails under CI, and its hint (run as printed) makes the next run find the problem', async () => {
    const upstream = repo();
    upstream.commit('base', FILES);
    upstream.git('checkout', '-q', '-b', 'feature');
    upstream.commit('drop', DROP);
    const work = actionsCheckout(upstream);
    const run = await rollsafe(work, ['check'], CI);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no base ref to compare with: this is a shallow clone');
    const hint = /e\.g\. (git fetch .*?) then rollsafe check --base (\S+)/.exec(run.stderr);
    expect(hint?.[1]).toBe('git fetch --no-tags --depth=1 origin +refs/heads/main:refs/remotes/origin/main');
    execFileSync('sh', ['-c', hint![1]!], { cwd: work, stdio: 'ignore' });
    const fixed = await rollsafe(work, ['check', '--base', hint![2]!, '--format', 'json'], CI);
    expect(fixed.code, fixed.stderr).toBe(1);
    expect(fixed.stdout).toContain('dropped-column-in-use');
  }, 180_000);
});
