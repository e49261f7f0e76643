/**
 * The CI recipes of docs/integrations.md, run as written: each block marked `<!-- recipe: name -->` is
 * extracted and executed against a real clone made as that CI makes it (shallow, one branch), with `npx`
 * resolving to this worktree's build. A recipe that stops working fails here, not for the user who pastes it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { binPath, ensureBuilt, repoRoot } from '../support/built.js';
import { TestRepo } from '../support/git-repo.js';
import { ActionSandbox } from './harness.js';

const doc = readFileSync(join(repoRoot, 'docs', 'integrations.md'), 'utf8');
const cleanup: string[] = [];
afterAll(() => cleanup.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The code block after `<!-- recipe: name -->`. */
function recipe(name: string): string {
  const marker = `<!-- recipe: ${name} -->\n`;
  const at = doc.indexOf(marker);
  expect(at, `recipe ${name} in docs/integrations.md`).toBeGreaterThanOrEqual(0);
  const block = /^```\w*\n([\s\S]*?)\n```/.exec(doc.slice(at + marker.length));
  expect(block).not.toBeNull();
  return block![1]!;
}

const pg = (sql: string): string => `import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query(\`${sql}\`);\n`;

/** Upstream: main is the release still running; the branch `feature` drops a column main's code reads. */
function upstream(): TestRepo {
  const r = new TestRepo('rollsafe-recipe-origin-');
  cleanup.push(r.root);
  r.git('config', 'uploadpack.allowAnySHA1InWant', 'true');
  r.commit('release 1', {
    'db/migrations/001_jobs.sql': 'CREATE TABLE jobs (id bigint PRIMARY KEY, state text NOT NULL, kind text);\n',
    'src/poller.ts': pg("SELECT id, state FROM jobs WHERE state = 'queued'"),
  });
  r.git('checkout', '-q', '-b', 'feature');
  r.commit('drop state', { 'db/migrations/002_drop_state.sql': 'ALTER TABLE jobs DROP COLUMN state;\n' });
  return r;
}

/** A checkout of `feature` as CI runners make it: a remote without a wildcard refspec, `depth` commits of one branch. */
function ciCheckout(origin: TestRepo, depth: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollsafe-recipe-work-'));
  cleanup.push(dir);
  const g = (...args: string[]): string => execFileSync('git', args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  g('init', '-q');
  g('remote', 'add', 'origin', `file://${origin.root}`);
  g('config', '--unset-all', 'remote.origin.fetch');
  g('fetch', '-q', '--no-tags', `--depth=${depth}`, 'origin', '+refs/heads/feature:refs/remotes/origin/feature');
  g('checkout', '-q', '--detach', 'origin/feature');
  expect(() => g('rev-parse', '--verify', '--quiet', 'origin/main')).toThrow();
  return dir;
}

/** PATH with an `npx` that runs this worktree's build for `npx rollsafe …`. */
function npxPath(): string {
  ensureBuilt();
  const bin = mkdtempSync(join(tmpdir(), 'rollsafe-recipe-bin-'));
  cleanup.push(bin);
  writeFileSync(join(bin, 'npx'), `#!/usr/bin/env bash\n[ "$1" = rollsafe ] || exit 127\nshift\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(binPath)} "$@"\n`);
  chmodSync(join(bin, 'npx'), 0o755);
  return `${bin}:${process.env.PATH ?? ''}`;
}

/** Runs one shell line as the CI would (`bash -e -c`). */
function sh(cwd: string, line: string, env: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-e', '-c', line], { cwd, env: { HOME: process.env.HOME ?? cwd, NO_COLOR: '1', CI: 'true', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('docs/integrations.md CI recipes, run as written', () => {
  it('GitHub Actions with the action: the workflow runs the action on the events it lists, with its inputs', () => {
    const text = recipe('github-action');
    expect(text).toMatch(/^on:\n {2}pull_request:\n {2}push:\n[\s\S]*\n {2}merge_group:\n/m);
    expect(text).toContain('security-events: write');
    for (const m of text.matchAll(/uses: (actions\/\S+)(.*)/g)) {
      expect(m[1]).toMatch(/@[0-9a-f]{40}$/);
      expect(m[2]).toMatch(/^ # v\d+\.\d+\.\d+$/);
    }
    expect(text).toMatch(/- uses: rollsafe\/rollsafe@v\d+\n\s+with:\n/);
    const inputs: Record<string, string> = {};
    for (const m of text.slice(text.indexOf('with:')).matchAll(/^ {10}([\w-]+): (.*)$/gm)) inputs[m[1]!] = m[2]!;
    expect(inputs).toEqual({ args: '--pg-version 16', comment: 'true' });
    // Every input the recipe uses exists in action.yml.
    const action = readFileSync(join(repoRoot, 'action.yml'), 'utf8');
    for (const name of Object.keys(inputs)) expect(action).toMatch(new RegExp(`^ {2}${name}:\\n`, 'm'));

    const sandbox = new ActionSandbox();
    cleanup.push(sandbox.dir);
    const work = ciCheckout(upstream(), 1);
    const run = sandbox.run(work, {
      event: 'pull_request',
      payload: { pull_request: { number: 3, head: { repo: { full_name: 'owner/app' } } } },
      inputs,
      rollsafe: 'real',
      env: { GITHUB_BASE_REF: 'main' },
    });
    expect(run.outputs['exit-code']).toBe('1');
    expect(run.stdout).toContain('dropped-column-in-use');
    expect(run.summary).toContain('dropped-column-in-use');
  }, 180_000);

  it('GitHub Actions in plain steps: each run line in a shallow checkout, SARIF written, the last step fails', () => {
    const text = recipe('github-steps');
    const action = readFileSync(join(repoRoot, 'action.yml'), 'utf8');
    // The same pinned actions as action.yml, and the upload does not fail a repository without code scanning.
    for (const uses of ['actions/setup-node@', 'github/codeql-action/upload-sarif@']) {
      const pin = (t: string): string => t.slice(t.indexOf(uses)).split('\n')[0]!;
      expect(pin(text)).toBe(pin(action));
    }
    expect(text).toMatch(/upload-sarif@\S+ # v4[^\n]*\n\s+continue-on-error: true/);
    const work = ciCheckout(upstream(), 1);
    const env = { PATH: npxPath(), GITHUB_ACTIONS: 'true', GITHUB_BASE_REF: 'main', ROLLSAFE_NO_GITHUB_ANNOTATIONS: '1' };
    const lines = [...text.matchAll(/^\s+- run: (.*)$/gm)].map((m) => m[1]!).filter((l) => l !== 'npm ci');
    expect(lines).toHaveLength(3);
    const results = lines.map((line) => sh(work, line, env));
    expect(results.map((r) => r.status)).toEqual([0, 0, 1]);
    expect(readFileSync(join(work, 'rollsafe.sarif'), 'utf8')).toContain('"ruleId": "dropped-column-in-use"');
    expect(results[2]!.stdout).toContain('dropped-column-in-use');
  }, 180_000);

  it('GitLab CI: the script in a shallow merge-request checkout writes the Code Quality and JUnit reports, then fails', () => {
    const text = recipe('gitlab');
    expect(text).toMatch(/reports:\n\s+codequality: gl-code-quality-report\.json\n\s+junit: rollsafe-junit\.xml/);
    const script = text.slice(text.indexOf('script:'), text.indexOf('artifacts:'));
    const lines = [...script.matchAll(/^ {4}- (.*)$/gm)].map((m) => m[1]!).filter((l) => l !== 'npm ci');
    expect(lines).toHaveLength(4);
    const work = ciCheckout(upstream(), 20);
    const env = { PATH: npxPath(), GITLAB_CI: 'true', CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main' };
    const results = lines.map((line) => sh(work, line, env));
    expect(results.map((r) => r.status)).toEqual([0, 0, 0, 1]);
    const quality = JSON.parse(readFileSync(join(work, 'gl-code-quality-report.json'), 'utf8')) as { check_name: string }[];
    expect(quality.map((i) => i.check_name)).toContain('rollsafe/dropped-column-in-use');
    expect(readFileSync(join(work, 'rollsafe-junit.xml'), 'utf8')).toMatch(/<failure message="Column jobs\.state is dropped/);
  }, 180_000);

  it('any other CI: the script fetches the base and fails on the finding; without a base to fetch it fails too', () => {
    const text = recipe('plain');
    const work = ciCheckout(upstream(), 1);
    const env = { PATH: npxPath() };
    const run = spawnSync('bash', ['-c', text], { cwd: work, env: { HOME: process.env.HOME ?? work, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('dropped-column-in-use');
    // Outside a repository the same script cannot check anything: exit 2, not a pass.
    const empty = mkdtempSync(join(tmpdir(), 'rollsafe-recipe-empty-'));
    cleanup.push(empty);
    mkdirSync(join(empty, 'db', 'migrations'), { recursive: true });
    writeFileSync(join(empty, 'db', 'migrations', '001.sql'), 'CREATE TABLE t (id int);\n');
    const nothing = spawnSync('bash', ['-c', text], { cwd: empty, env: { HOME: process.env.HOME ?? empty, NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 120_000 });
    expect(nothing.status).toBe(2);
  }, 180_000);
});

describe('rollsafe init writes the CI of the recipes', () => {
  it('the same base fetch in a GitLab job, the same pinned checkout in a GitHub workflow', async () => {
    const { rollsafe } = await import('../support/cli.js');
    const gitlab = new TestRepo('rollsafe-recipe-init-');
    cleanup.push(gitlab.root);
    gitlab.commit('app', { 'package.json': '{"name":"app"}\n', '.gitlab-ci.yml': 'stages: [test]\n', 'db/migrations/001.sql': 'CREATE TABLE t (id int);\n' });
    expect((await rollsafe(gitlab.root, ['init', '--yes'])).code).toBe(0);
    const fetchLine = (text: string): string => /git fetch [^\n]*/.exec(text)![0];
    expect(fetchLine(readFileSync(join(gitlab.root, '.gitlab-ci.yml'), 'utf8'))).toBe(fetchLine(recipe('gitlab')));
    const github = new TestRepo('rollsafe-recipe-init-');
    cleanup.push(github.root);
    github.commit('app', { 'package.json': '{"name":"app"}\n', 'db/migrations/001.sql': 'CREATE TABLE t (id int);\n' });
    expect((await rollsafe(github.root, ['init', '--yes'])).code).toBe(0);
    const checkout = (text: string): string => /uses: actions\/checkout@\S+ # \S+/.exec(text)![0];
    expect(checkout(readFileSync(join(github.root, '.github', 'workflows', 'rollsafe.yml'), 'utf8'))).toBe(checkout(recipe('github-action')));
  }, 180_000);
});
