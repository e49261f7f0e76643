/**
 * Every file of the repository is read through one function that refuses what is not a regular file, refuses
 * a symbolic link whose target leaves the repository, and stops after a bounded number of bytes whatever
 * `stat` says; and writes never go through a link. The links here are real: committed symlinks to
 * `/dev/zero` (endless), `/proc/self/pagemap` (a "regular" file whose size says 0), a secret outside the
 * repository, and `/` and `/proc` inside the tree a migration walk visits. Each run must end on its own (not
 * killed for memory), say which file it refused, and still report the finding of the incident repository.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverMigrationSets, worktreeFiles, type RepoFiles } from '../../src/migrations/index.js';
import { readRepoFile, writeFileNoFollow } from '../../src/safe-fs.js';
import { incidentRepo, parseJson, runCli } from '../faults/support.js';
import type { TestRepo } from '../support/git-repo.js';

const SECRET = 'ghp_SECRET_TOKEN_a8f3e1d9c7b5';
const repos: TestRepo[] = [];
const dirs: string[] = [];
afterAll(() => {
  for (const r of repos) r.remove();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function repo(): TestRepo {
  const r = incidentRepo({}, {}, 'rollsafe-links-');
  repos.push(r);
  return r;
}

function outsideFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollsafe-outside-'));
  dirs.push(dir);
  const file = join(dir, 'token.txt');
  writeFileSync(file, text);
  return file;
}

const hasProcPagemap = existsSync('/proc/self/pagemap');
const dropped = (stdout: string): string[] => parseJson(stdout).findings.filter((f) => f.rule === 'dropped-column-in-use').map((f) => f.location.path);

describe('reads are bounded and stay in the repository', () => {
  it('rollsafe.config.json → /dev/zero: exit 2 with one line naming the file, not a read without end', async () => {
    const r = repo();
    symlinkSync('/dev/zero', join(r.root, 'rollsafe.config.json'));
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^rollsafe: rollsafe\.config\.json: The file is a symbolic link to a location outside the repository/);
  }, 60_000);

  it('package.json → /dev/zero: exit 2 with one line naming it', async () => {
    const r = repo();
    symlinkSync('/dev/zero', join(r.root, 'package.json'));
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rollsafe: package\.json: The file is a symbolic link to a location outside the repository/);
  }, 60_000);

  it('the baseline → /dev/zero: a baseline-invalid diagnostic, and the run goes on with its finding', async () => {
    const r = repo();
    symlinkSync('/dev/zero', join(r.root, 'rollsafe-baseline.json'));
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    const out = parseJson(run.stdout);
    expect(out.diagnostics.find((d) => d.code === 'baseline-invalid')).toMatchObject({ path: 'rollsafe-baseline.json', severity: 'error' });
    expect(dropped(run.stdout)).toEqual(['db/migrations/002_drop_state.sql']);
  }, 60_000);

  it.skipIf(!hasProcPagemap)('a migration → /proc/self/pagemap (size 0, endless): refused with its path; the others are checked', async () => {
    const r = repo();
    symlinkSync('/proc/self/pagemap', join(r.root, 'db/migrations/003_pagemap.sql'));
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(run.signal).toBeNull();
    const out = parseJson(run.stdout);
    expect(out.diagnostics.find((d) => d.path === 'db/migrations/003_pagemap.sql')).toMatchObject({ code: 'file-unreadable', severity: 'error' });
    expect(dropped(run.stdout)).toEqual(['db/migrations/002_drop_state.sql']);
  }, 60_000);

  it('a migration and a baseline linked to a secret outside the repository: the secret appears in no output of any format', async () => {
    const r = repo();
    const secret = outsideFile(`${SECRET} ;\nALTER TABLE jobs DROP COLUMN kind;\n`);
    symlinkSync(secret, join(r.root, 'db/migrations/003_secret.sql'));
    symlinkSync(secret, join(r.root, 'rollsafe-baseline.json'));
    symlinkSync(secret, join(r.root, 'src/leak.ts'));
    for (const format of ['json', 'pretty', 'github', 'junit', 'gitlab', 'sarif']) {
      const run = await runCli(r.root, ['check', '--base', 'base', '--format', format], { env: { GITHUB_ACTIONS: 'true' } });
      expect(run.code, format).toBe(1);
      expect(run.stdout + run.stderr, format).not.toContain('ghp_');
      expect(run.stdout, format).toContain('003_secret.sql');
    }
    const out = parseJson((await runCli(r.root, ['check', '--base', 'base', '--format', 'json'])).stdout);
    expect(out.diagnostics.find((d) => d.path === 'db/migrations/003_secret.sql')?.message).toMatch(/outside the repository/);
    // What the file would have done (drop `kind`) is not seen either: it was not read.
    expect(out.findings.every((f) => f.location.path !== 'db/migrations/003_secret.sql')).toBe(true);
  }, 180_000);

  it('links to / and /proc where migrations are looked for are not walked: the run ends, not killed', async () => {
    const r = repo();
    symlinkSync('/', join(r.root, 'sysroot'));
    symlinkSync('/proc', join(r.root, 'db/proc'));
    symlinkSync('/', join(r.root, 'db/migrations/everything'));
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    expect(dropped(run.stdout)).toEqual(['db/migrations/002_drop_state.sql']);
  }, 60_000);

  it('discovery never lists a folder through a link that leaves the repository', async () => {
    const r = repo();
    symlinkSync('/', join(r.root, 'sysroot'));
    symlinkSync('/proc', join(r.root, 'db/proc'));
    const outside = mkdtempSync(join(tmpdir(), 'rollsafe-outside-'));
    dirs.push(outside);
    mkdirSync(join(outside, 'migrations'));
    writeFileSync(join(outside, 'migrations/1_other.sql'), 'CREATE TABLE other (id int);\n');
    symlinkSync(outside, join(r.root, 'vendor-db'));
    const listed: string[] = [];
    const files = worktreeFiles(r.root);
    const spy: RepoFiles = { ...files, list: async (dir) => { const entries = await files.list(dir); if (entries) listed.push(dir); return entries; } };
    const { sets } = await discoverMigrationSets(r.root, { repo: spy });
    expect(sets.map((s) => s.dir)).toEqual(['db/migrations']);
    expect(listed.filter((d) => /^(sysroot|db\/proc|vendor-db)(\/|$)/.test(d))).toEqual([]);
  });

  it('readRepoFile caps what it reads whatever stat says, and names no target', () => {
    const r = repo();
    symlinkSync('/dev/zero', join(r.root, 'zero.sql'));
    expect(readRepoFile(r.root, 'zero.sql', { maxBytes: 1024 })).toMatchObject({ ok: false, reason: 'outside' });
    // Named by the user (no repository to stay in): still not a regular file.
    expect(readRepoFile(null, '/dev/zero', { maxBytes: 1024 })).toMatchObject({ ok: false, reason: 'not-a-file', message: expect.stringMatching(/a device/) });
    // A FIFO inside the repository: refused without blocking on open.
    execFileSync('mkfifo', [join(r.root, 'pipe.sql')]);
    expect(readRepoFile(r.root, 'pipe.sql', { maxBytes: 1024 })).toMatchObject({ ok: false, reason: 'not-a-file', message: expect.stringMatching(/a FIFO/) });
    if (hasProcPagemap) {
      // Inside the repository's reach only when the root is /: read it as a file named by the user (root null).
      expect(readRepoFile(null, '/proc/self/pagemap', { maxBytes: 4096 })).toMatchObject({ ok: false, reason: 'too-large' });
    }
    const secret = outsideFile(SECRET);
    symlinkSync(secret, join(r.root, 'token.sql'));
    const refused = readRepoFile(r.root, 'token.sql', { maxBytes: 1024 });
    expect(refused).toMatchObject({ ok: false, reason: 'outside' });
    expect(JSON.stringify(refused)).not.toContain(secret);
    // A link inside the repository is read (unless links are refused, as for code files).
    symlinkSync('db/migrations/001_jobs.sql', join(r.root, 'inside.sql'));
    expect(readRepoFile(r.root, 'inside.sql', { maxBytes: 1024 }).ok).toBe(true);
    expect(readRepoFile(r.root, 'inside.sql', { maxBytes: 1024, noLinks: true })).toMatchObject({ ok: false, reason: 'not-a-file' });
  });
});

describe('writes never follow a link', () => {
  it('--update-baseline with the baseline a link to an outside file: that file is unchanged, exit 2 with one line', async () => {
    const r = repo();
    const outside = outsideFile(`${SECRET}\n`);
    symlinkSync(outside, join(r.root, 'rollsafe-baseline.json'));
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json', '--update-baseline']);
    expect(readFileSync(outside, 'utf8')).toBe(`${SECRET}\n`);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/--update-baseline: cannot write rollsafe-baseline\.json: it is a symbolic link/);
    expect(run.stdout + run.stderr).not.toContain('ghp_');
  }, 60_000);

  it('writeFileNoFollow replaces a regular file through a temp file and refuses a link, a folder, a linked folder', () => {
    const r = repo();
    const outside = outsideFile('keep');
    writeFileNoFollow(join(r.root, 'plain.json'), 'new');
    expect(readFileSync(join(r.root, 'plain.json'), 'utf8')).toBe('new');
    symlinkSync(outside, join(r.root, 'link.json'));
    expect(() => writeFileNoFollow(join(r.root, 'link.json'), 'x')).toThrow(/symbolic link/);
    expect(() => writeFileNoFollow(join(r.root, 'db'), 'x')).toThrow(/a folder/);
    symlinkSync(join(outside, '..'), join(r.root, 'out'));
    expect(() => writeFileNoFollow(join(r.root, 'out/new.json'), 'x', { within: r.root })).toThrow(/outside the repository/);
    expect(readFileSync(outside, 'utf8')).toBe('keep');
    expect(existsSync(join(outside, '..', 'new.json'))).toBe(false);
  });
});
