/**
 * Files that are missing or cannot be read: each becomes a diagnostic (or, for a file named on the command
 * line, a usage error), and the finding elsewhere is still reported.
 * chmod 000 does not stop root, and tests may run as root: then the CLI runs as `nobody` on a repository
 * given to nobody, where the permissions apply. Where that is impossible the test says so and skips. Those
 * runs are child processes; the others run the CLI in-process.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollsafe } from '../support/cli.js';
import { findingKeys, giveToNobody, isRoot, NOBODY, parseJson, runCli, type SpawnOptions, scratch } from './support.js';

const { repo, keep } = scratch();

const expected = ['dropped-column-in-use db/migrations/002_drop_state.sql:1'];

/** How to run the CLI so that chmod 000 means unreadable: as ourselves, or as nobody when we are root. */
function unprivileged(root: string): SpawnOptions | string {
  if (!isRoot) return {};
  const home = mkdtempSync(join(tmpdir(), 'rollsafe-nobody-home-'));
  keep(home);
  giveToNobody(root);
  giveToNobody(home);
  try {
    execFileSync(process.execPath, ['-e', 'process.exit(0)'], { uid: NOBODY, gid: NOBODY, stdio: 'ignore' });
  } catch (error) {
    return `running as root, and cannot switch to uid ${NOBODY} to make chmod 000 effective (${error instanceof Error ? error.message : String(error)})`;
  }
  return { uid: NOBODY, gid: NOBODY, env: { HOME: home } };
}

describe('missing and unreadable files', () => {
  it('an unreadable migration (chmod 000) is a file-unreadable diagnostic; the other migrations are checked', async (ctx) => {
    const r = repo({ 'db/migrations/000_setup.sql': 'CREATE TABLE setup (id int);\n' });
    const as = unprivileged(r.root);
    if (typeof as === 'string') return ctx.skip(as);
    chmodSync(join(r.root, 'db/migrations/000_setup.sql'), 0o000);
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json'], as);
    expect(run.stderr).toBe('');
    const out = parseJson(run.stdout);
    expect(findingKeys(out).filter((f) => f.startsWith('dropped-column'))).toEqual(expected);
    expect(out.diagnostics.map((d) => [d.code, d.path])).toContainEqual(['file-unreadable', 'db/migrations/000_setup.sql']);
  });

  it('an unreadable code file is a diagnostic, not a crash; the running release is still read from git', async (ctx) => {
    const r = repo({}, { 'src/secret.ts': "import { Pool } from 'pg';\nexport const q = (p: Pool) => p.query('SELECT state FROM jobs');\n" });
    const as = unprivileged(r.root);
    if (typeof as === 'string') return ctx.skip(as);
    chmodSync(join(r.root, 'src/secret.ts'), 0o000);
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json'], as);
    expect(run.stderr).not.toMatch(/Error:|at .*\.js:\d+/);
    expect(run.code).toBe(1);
    const out = parseJson(run.stdout);
    expect(findingKeys(out).filter((f) => f.startsWith('dropped-column'))).toEqual(expected);
    expect(out.diagnostics.some((d) => d.path === 'src/secret.ts')).toBe(true);
  });

  it('an unreadable migrations folder (chmod 000) given with --migrations is a usage error that says so (not "does not exist")', async (ctx) => {
    const r = repo({ 'db/post/001_later.sql': 'SELECT 1;\n' });
    const as = unprivileged(r.root);
    if (typeof as === 'string') return ctx.skip(as);
    chmodSync(join(r.root, 'db/post'), 0o000);
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json', '--migrations', 'db/migrations', '--migrations', 'db/post'], as);
    chmodSync(join(r.root, 'db/post'), 0o755);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rollsafe: The migrations folder "db/post" cannot be read (check its permissions).\n');
  });

  it('a read-only node_modules (a read-only checkout): the cache and the compiled TS config go to the temp folder', async (ctx) => {
    const r = repo({ 'node_modules/.keep': '', 'rollsafe.config.ts': "export default { migrations: ['db/migrations'] };\n" });
    const as = unprivileged(r.root);
    if (typeof as === 'string') return ctx.skip(as);
    const tmp = mkdtempSync(join(tmpdir(), 'rollsafe-ro-tmp-'));
    keep(tmp);
    if (isRoot) giveToNobody(tmp);
    chmodSync(join(r.root, 'node_modules'), 0o555);
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json'], { ...as, env: { ...as.env, TMPDIR: tmp } });
    chmodSync(join(r.root, 'node_modules'), 0o755);
    expect(run.stderr).toBe('');
    expect(findingKeys(parseJson(run.stdout)).filter((f) => f.startsWith('dropped-column'))).toEqual(expected);
    expect(existsSync(join(r.root, 'node_modules/.cache'))).toBe(false);
    // The per-user folder (rollsafe-cache-<uid>), one repository's cache in it.
    const bases = readdirSync(tmp).filter((n) => /^rollsafe-cache(-\d+)?$/.test(n));
    expect(bases).toHaveLength(1);
    expect(readdirSync(join(tmp, bases[0]!)).length).toBe(1);
  });

  it('a dangling symlink among the migrations and the code is skipped', async () => {
    const r = repo();
    symlinkSync('does-not-exist.sql', join(r.root, 'db/migrations/003_ghost.sql'));
    symlinkSync('../nowhere.ts', join(r.root, 'src/ghost.ts'));
    const run = await rollsafe(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(findingKeys(parseJson(run.stdout)).filter((f) => f.startsWith('dropped-column'))).toEqual(expected);
  });

  it('a migration named on the command line that does not exist is a usage error (exit 2) naming it', async () => {
    const r = repo();
    const run = await rollsafe(r.root, ['check', 'db/migrations/404_missing.sql']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/404_missing\.sql/);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('a migration deleted from the worktree but still at the base is simply gone', async () => {
    const r = repo();
    rmSync(join(r.root, 'db/migrations/001_jobs.sql'));
    const run = await rollsafe(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(readFileSync(join(r.root, 'db/migrations/002_drop_state.sql'), 'utf8')).toContain('DROP COLUMN');
    // Without the table's creation the drop is a schema conflict; nothing crashes.
    expect(parseJson(run.stdout).diagnostics.map((d) => d.code)).toContain('schema-conflict');
  });

  it('a FIFO named like a migration is not read (reading it would block forever)', async () => {
    const r = repo();
    try {
      execFileSync('mkfifo', [join(r.root, 'db/migrations/003_pipe.sql')]);
    } catch {
      mkdirSync(join(r.root, 'db/migrations/003_pipe.sql'));
    }
    const run = await rollsafe(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(findingKeys(parseJson(run.stdout)).filter((f) => f.startsWith('dropped-column'))).toEqual(expected);
  });
});
