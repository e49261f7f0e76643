/**
 * The git states CI and laptops are really in: a shallow clone without the base, a base that does not exist,
 * a detached HEAD, a worktree with uncommitted and untracked files.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollsafe } from '../support/cli.js';
import { findingKeys, parseJson, scratch } from './support.js';

const { repo, keep } = scratch();

const expected = ['dropped-column-in-use db/migrations/002_drop_state.sql:1'];

describe('shallow clone', () => {
  /** The incident committed on a branch, cloned with --depth 1 (as actions/checkout does by default). */
  function shallowClone(): { clone: string; base: string } {
    const r = repo();
    r.git('branch', 'release');
    r.commit('drop state');
    const base = r.git('rev-parse', 'base').trim();
    const parent = mkdtempSync(join(tmpdir(), 'rollsafe-shallow-'));
    keep(parent);
    const clone = join(parent, 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', '--branch', 'main', `file://${r.root}`, clone], { stdio: 'ignore' });
    expect(execFileSync('git', ['rev-parse', '--is-shallow-repository'], { cwd: clone, encoding: 'utf8' }).trim()).toBe('true');
    return { clone, base };
  }

  it('the base commit is not in the clone: exit 2, the message says shallow, the hint says how to fetch it', async () => {
    const { clone, base } = shallowClone();
    const run = await rollsafe(clone, ['check', '--base', base]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`git ref "${base}" is not in this shallow clone`);
    expect(run.stderr).toContain(`hint: fetch it first (git fetch --no-tags --depth=1 origin ${base}), or set fetch-depth: 0 in actions/checkout`);
    expect(run.stdout).toBe('');
  });

  it('the CI target branch was not fetched: exit 2 naming where the base came from', async () => {
    const { clone } = shallowClone();
    const run = await rollsafe(clone, ['check'], { GITHUB_BASE_REF: 'release' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('git ref "origin/release" is not in this shallow clone (base from GITHUB_BASE_REF)');
    expect(run.stderr).toContain('hint: fetch it first (git fetch --no-tags --depth=1 origin +refs/heads/release:refs/remotes/origin/release)');
  });

  it('the hint works in the single-branch clone it is given for (git fetch --deepen would not create origin/release)', async () => {
    const { clone } = shallowClone();
    expect(execFileSync('git', ['config', '--get-all', 'remote.origin.fetch'], { cwd: clone, encoding: 'utf8' }).trim()).toBe('+refs/heads/main:refs/remotes/origin/main');
    const first = await rollsafe(clone, ['check'], { GITHUB_BASE_REF: 'release' });
    const hint = /hint: fetch it first \((git fetch [^)]*)\)/.exec(first.stderr)?.[1];
    expect(hint).toBeDefined();
    // The deepen the old hint gave leaves origin/release missing.
    execFileSync('git', ['fetch', '-q', '--deepen=50', 'origin'], { cwd: clone, stdio: 'ignore' });
    expect((await rollsafe(clone, ['check'], { GITHUB_BASE_REF: 'release' })).code).toBe(2);
    execFileSync('sh', ['-c', hint!], { cwd: clone, stdio: 'ignore' });
    const run = await rollsafe(clone, ['check', '--format', 'json'], { GITHUB_BASE_REF: 'release' });
    expect(findingKeys(parseJson(run.stdout)).filter((f) => f.startsWith('dropped-column'))).toEqual(expected);
  });

  it('after deepening the clone, the same run finds the problem', async () => {
    const { clone, base } = shallowClone();
    execFileSync('git', ['fetch', '-q', '--unshallow', 'origin'], { cwd: clone, stdio: 'ignore' });
    const run = await rollsafe(clone, ['check', '--base', base, '--format', 'json']);
    expect(findingKeys(parseJson(run.stdout)).filter((f) => f.startsWith('dropped-column'))).toEqual(expected);
  });
});

describe('a base ref that does not exist', () => {
  it('exit 2, one message naming it and where it came from, a hint, no stack trace', async () => {
    const r = repo();
    for (const [args, from] of [
      [['check', '--base', 'origin/no-such-branch'], '--base'],
      [['check', '--base', 'HEAD~40'], '--base'],
    ] as const) {
      const run = await rollsafe(r.root, [...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`does not exist in this repository (base from ${from})`);
      expect(run.stderr).toContain('hint:');
      expect(run.stderr).not.toMatch(/at .*\.[jt]s:\d+/);
    }
    writeFileSync(join(r.root, 'rollsafe.config.json'), JSON.stringify({ base: 'v9.9.9' }));
    const fromConfig = await rollsafe(r.root, ['check']);
    expect(fromConfig.code).toBe(2);
    expect(fromConfig.stderr).toContain('git ref "v9.9.9" does not exist in this repository (base from config)');
  });

  it('a ref that looks like an option is not passed to git as one', async () => {
    const r = repo();
    const run = await rollsafe(r.root, ['check', '--base=--output=/tmp/rollsafe-pwned']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('does not exist');
  });
});

describe('detached HEAD', () => {
  it('checking out a commit (as CI does for pull requests) changes nothing', async () => {
    const r = repo();
    r.commit('drop state');
    r.git('checkout', '-q', '--detach', 'HEAD');
    expect(r.git('rev-parse', '--abbrev-ref', 'HEAD').trim()).toBe('HEAD');
    const run = await rollsafe(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(findingKeys(parseJson(run.stdout)).filter((f) => f.startsWith('dropped-column'))).toEqual(expected);
  });
});

describe('a worktree with uncommitted and untracked files', () => {
  it('the worktree as it is on disk: an untracked migration is new, a modified file is read as modified, a staged deletion is gone', async () => {
    const r = repo({ 'src/other.ts': "import { Pool } from 'pg';\nexport const k = (p: Pool) => p.query('SELECT kind FROM jobs');\n" });
    // Untracked: the new migration (incidentRepo leaves it so) and a new code file that reads the dropped column too.
    r.write({ 'src/untracked.ts': "import { Pool } from 'pg';\nexport const u = (p: Pool) => p.query('SELECT state FROM jobs');\n" });
    // Uncommitted modification: the poller stops reading state (but the running release, at base, still does).
    r.write({ 'src/poller.ts': "import { Pool } from 'pg';\nexport const poll = (p: Pool) => p.query('SELECT id FROM jobs');\n" });
    // Staged deletion.
    r.git('rm', '-q', 'src/other.ts');
    const status = r.git('status', '--porcelain');
    const run = await rollsafe(r.root, ['check', '--base', 'base', '--format', 'json']);
    const out = parseJson(run.stdout);
    const finding = out.findings.find((f) => f.rule === 'dropped-column-in-use')!;
    const worktreeRefs = finding.references.filter((ref) => ref.source === 'worktree').map((ref) => ref.path);
    expect(worktreeRefs).toEqual(['src/untracked.ts']);
    expect(finding.references.filter((ref) => ref.source !== 'worktree').map((ref) => ref.path)).toContain('src/poller.ts');
    // rollsafe read the worktree without touching the index or the files.
    expect(r.git('status', '--porcelain')).toBe(status);
  });
});
