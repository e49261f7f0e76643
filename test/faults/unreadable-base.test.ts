/**
 * A file the base ref lists but git cannot give (its blob deleted from the object store, or left out of a
 * partial clone) is a diagnostic naming it, not a silent gap in the live references; under CI it fails the
 * run. In a partial clone rollsafe never makes git fetch: not even a remote that would run a program on
 * contact is contacted. And a ref that names a tree or a blob, or a bare repository, is said for what it is.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestRepo } from '../support/git-repo.js';
import { incidentRepo, parseJson, runCli } from './support.js';

const repos: TestRepo[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

/** The incident, except that the new code no longer reads jobs.state: only the base's poller.ts does. */
function repo(): TestRepo {
  const r = incidentRepo({}, { 'src/poller.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query(`SELECT id FROM jobs`);\n" });
  repos.push(r);
  return r;
}

const gitIn = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

describe('a base blob missing from the object store', () => {
  it('is a diagnostic naming the file, not counted as scanned; under CI an error (exit 1); intact, the finding is back', async () => {
    const r = repo();
    const sha = r.git('rev-parse', 'base:src/poller.ts').trim();
    const loose = join(r.root, '.git', 'objects', sha.slice(0, 2), sha.slice(2));
    const kept = join(tempDir('rollsafe-object-'), 'object');
    renameSync(loose, kept);

    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(run.code).toBe(0);
    const out = parseJson(run.stdout);
    expect(out.findings.map((f) => f.rule)).not.toContain('dropped-column-in-use');
    expect(out.diagnostics).toEqual([
      expect.objectContaining({ code: 'git-blob-missing', path: 'src/poller.ts', severity: 'warning', message: expect.stringContaining(`src/poller.ts at base (`) as string }),
    ]);
    // The worktree's poller.ts was scanned; the base's was not.
    expect((JSON.parse(run.stdout) as { summary: { codeFiles: number } }).summary.codeFiles).toBe(1);

    const ci = await runCli(r.root, ['check', '--base', 'base', '--format', 'json'], { env: { CI: 'true' } });
    expect(ci.code).toBe(1);
    expect(parseJson(ci.stdout).diagnostics).toEqual([expect.objectContaining({ code: 'git-blob-missing', path: 'src/poller.ts', severity: 'error' })]);
    const pretty = await runCli(r.root, ['check', '--base', 'base'], { env: { CI: 'true' } });
    expect(pretty.code).toBe(1);
    expect(pretty.stdout).toMatch(/src\/poller\.ts at base \([0-9a-f]{7}\) is not in the local repository/);
    // The summary counts it as the error it is.
    expect(pretty.stdout).toMatch(/✖ 1 error \(an input that could not be checked: git-blob-missing\) \(checked 1 new migration of 2 migrations, 1 code file;/);

    // The blob back: nothing of the failed runs was remembered in place of its content.
    renameSync(kept, loose);
    const intact = await runCli(r.root, ['check', '--base', 'base', '--format', 'json'], { env: { CI: 'true' } });
    expect(intact.code).toBe(1);
    expect(parseJson(intact.stdout).findings.map((f) => f.rule)).toContain('dropped-column-in-use');
    expect(parseJson(intact.stdout).diagnostics).toEqual([]);
  });

  it('refs --ref names it too, and does not count it', async () => {
    const r = repo();
    const sha = r.git('rev-parse', 'base:src/poller.ts').trim();
    rmSync(join(r.root, '.git', 'objects', sha.slice(0, 2), sha.slice(2)));
    const run = await runCli(r.root, ['refs', 'jobs.state', '--ref', 'base']);
    expect(run.stdout).toMatch(/^No references to jobs\.state \(base \([0-9a-f]{7}\): 0 files, 0 parsed, 0 cached, 1 unreadable, \d+ ms\)$/m);
    expect(run.stderr).toMatch(/src\/poller\.ts:1:1 +warning +src\/poller\.ts at base \([0-9a-f]{7}\) is not in the local repository/);
  });
});

describe('a blobless partial clone', () => {
  /**
   * The incident's repository as a remote serving partial clones, cloned with --filter=blob:none at a commit
   * after the base: the base's poller.ts is not in the clone. Then the clone's remote is pointed at a program
   * (an ext:: URL, allowed by the clone's config): a fetch would run it and leave a marker.
   */
  function partialClone(): { clone: string; marker: string } {
    const r = repo();
    r.commit('new code');
    r.git('config', 'uploadpack.allowFilter', 'true');
    const parent = tempDir('rollsafe-partial-');
    const clone = join(parent, 'clone');
    execFileSync('git', ['clone', '-q', '--filter=blob:none', `file://${r.root}`, clone], { stdio: 'ignore' });
    execFileSync('git', ['fetch', '-q', 'origin', 'refs/tags/base:refs/tags/base'], { cwd: clone, stdio: 'ignore' });
    const marker = join(parent, 'fetched');
    const program = join(parent, 'remote.sh');
    writeFileSync(program, `#!/bin/sh\necho "$*" >> ${JSON.stringify(marker)}\nexit 1\n`);
    chmodSync(program, 0o755);
    gitIn(clone, 'config', 'protocol.ext.allow', 'always');
    gitIn(clone, 'config', 'remote.origin.url', `ext::${program} %S`);
    // The new migration, uncommitted, as in the incident.
    writeFileSync(join(clone, 'db/migrations/002_drop_state.sql'), 'ALTER TABLE jobs DROP COLUMN state;\n');
    return { clone, marker };
  }

  const objectFiles = (clone: string): string[] => readdirSync(join(clone, '.git', 'objects'), { recursive: true }).map(String).sort();

  it('the control: plain git would fetch the missing blob from the remote (and so run its program)', () => {
    const { clone, marker } = partialClone();
    try {
      execFileSync('git', ['cat-file', '-p', 'base:src/poller.ts'], { cwd: clone, stdio: 'ignore' });
    } catch {
      // the remote "program" fails
    }
    expect(existsSync(marker)).toBe(true);
  });

  it('check --base and refs --ref name the files they could not read, fetch nothing and write nothing into .git', async () => {
    const { clone, marker } = partialClone();
    const before = objectFiles(clone);
    const trace = join(clone, '..', 'trace');
    const run = await runCli(clone, ['check', '--base', 'base', '--format', 'json'], { env: { GIT_TRACE: trace } });
    expect(run.code).toBe(0);
    expect(parseJson(run.stdout).diagnostics).toEqual([expect.objectContaining({ code: 'git-blob-missing', path: 'src/poller.ts' })]);
    const refs = await runCli(clone, ['refs', 'jobs', '--ref', 'base'], { env: { GIT_TRACE: trace } });
    expect(refs.stdout).toContain('1 unreadable');
    const ci = await runCli(clone, ['check', '--base', 'base'], { env: { CI: 'true', GIT_TRACE: trace } });
    expect(ci.code).toBe(1);
    expect(ci.stdout).toContain('src/poller.ts at base');

    expect(existsSync(marker)).toBe(false);
    const commands = readFileSync(trace, 'utf8');
    expect(commands).toContain('trace: built-in: git');
    expect(commands).not.toMatch(/\bfetch\b/);
    expect(objectFiles(clone)).toEqual(before);
  });
});

describe('a base that is not a commit, a repository without a working tree', () => {
  it('a tree or blob id as --base says what it is (exit 2)', async () => {
    const r = repo();
    const tree = r.git('rev-parse', 'base^{tree}').trim();
    const blob = r.git('rev-parse', 'base:src/poller.ts').trim();
    const treeRun = await runCli(r.root, ['check', '--base', tree]);
    expect(treeRun.code).toBe(2);
    expect(treeRun.stderr).toContain(`git ref "${tree}" is a tree, not a commit (base from --base)`);
    const blobRun = await runCli(r.root, ['check', '--base', blob]);
    expect(blobRun.code).toBe(2);
    expect(blobRun.stderr).toContain(`git ref "${blob}" is a blob, not a commit`);
    expect(blobRun.stderr).not.toContain('does not exist');
  });

  it('a bare repository says it is bare (exit 2), not "not a git repository"', async () => {
    const r = repo();
    const bare = join(tempDir('rollsafe-bare-'), 'repo.git');
    execFileSync('git', ['clone', '-q', '--bare', r.root, bare], { stdio: 'ignore' });
    const run = await runCli(bare, ['check', '--base', 'base']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bare} is a bare git repository (it has no working tree)`);
    expect(run.stderr).not.toContain('not a git repository');
  });
});
