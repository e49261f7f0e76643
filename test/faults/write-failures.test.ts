/**
 * Writes that cannot happen, and an order that must not depend on the machine's locale (issue 15, item 10):
 * `--update-baseline` on a read-only checkout, onto a folder, or under a missing folder is a usage error (exit 2,
 * one line, no stack trace); a compiled TS config whose write fails (ENOSPC, simulated in the real CLI by a
 * preloaded module that fails writes to its temp file) leaves no temporary file behind; Drizzle 1.x folders are
 * listed in the same order under cs_CZ (where "ch" sorts after "h") as under C.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../support/built.js';
import { giveToNobody, isRoot, NOBODY, runCli, type SpawnOptions, scratch } from './support.js';

const { repo, tempDir } = scratch();

function expectOneLineUsageError(run: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(run.code).toBe(2);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at |Error:/);
}

describe('--update-baseline that cannot write', () => {
  it('onto a folder: exit 2, one line', async () => {
    const r = repo();
    mkdirSync(join(r.root, 'rollsafe-baseline.json'));
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json', '--update-baseline']);
    expectOneLineUsageError(run, /^rollsafe: --update-baseline: cannot write rollsafe-baseline\.json: it is a folder$/m);
  }, 60_000);

  it('under a folder that does not exist: exit 2, one line', async () => {
    const r = repo({ 'rollsafe.config.json': JSON.stringify({ baseline: 'missing/dir/baseline.json' }) });
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json', '--update-baseline']);
    expectOneLineUsageError(run, /cannot write missing\/dir\/baseline\.json: its folder does not exist/);
  }, 60_000);

  it('in a read-only checkout: exit 2, one line, nothing written', async (ctx) => {
    const r = repo();
    let as: SpawnOptions = {};
    if (isRoot) {
      // chmod does not stop root: the checkout is given to nobody, made read-only, and the CLI runs as nobody.
      try {
        execFileSync(process.execPath, ['-e', 'process.exit(0)'], { uid: NOBODY, gid: NOBODY, stdio: 'ignore' });
      } catch {
        return ctx.skip();
      }
      const home = tempDir('rollsafe-nobody-home-');
      giveToNobody(r.root);
      giveToNobody(home);
      as = { uid: NOBODY, gid: NOBODY, env: { HOME: home } };
    }
    chmodSync(r.root, 0o555);
    try {
      const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json', '--update-baseline'], as);
      expectOneLineUsageError(run, /cannot write rollsafe-baseline\.json: permission denied \(EACCES\)/);
      expect(readdirSync(r.root).filter((n) => n.includes('baseline'))).toEqual([]);
    } finally {
      chmodSync(r.root, 0o755);
    }
  }, 60_000);
});

describe('a compiled config whose write fails', () => {
  it('ENOSPC on every candidate folder: exit 2 with one line, and no .tmp file left anywhere', async () => {
    const r = repo({ 'node_modules/.keep': '', 'rollsafe.config.ts': "export default { migrations: ['db/migrations'] };\n" });
    const tmp = tempDir('rollsafe-enospc-tmp-');
    const preload = join(tempDir('rollsafe-enospc-preload-'), 'enospc.cjs');
    // Every write to a file opened under a name ending in `.tmp` fails as a full disk would.
    writeFileSync(
      preload,
      `const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');
const doomed = new Set();
const openSync = fs.openSync;
fs.openSync = function (path, ...rest) {
  const fd = openSync.call(this, path, ...rest);
  if (String(path).endsWith('.tmp')) doomed.add(fd);
  return fd;
};
const writeSync = fs.writeSync;
fs.writeSync = function (fd, ...rest) {
  if (doomed.has(fd)) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
  return writeSync.call(this, fd, ...rest);
};
syncBuiltinESMExports();
`,
    );
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json'], { nodeArgs: ['--require', preload], env: { TMPDIR: tmp } });
    expectOneLineUsageError(run, /rollsafe\.config\.ts: cannot write its compiled copy \(.*no space left on the device \(ENOSPC\)\)/);
    const leftovers: string[] = [];
    const walk = (dir: string): void => {
      if (!existsSync(dir)) return;
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) walk(join(dir, entry.name));
        else if (entry.name.endsWith('.tmp')) leftovers.push(join(dir, entry.name));
      }
    };
    walk(join(r.root, 'node_modules'));
    walk(tmp);
    expect(leftovers).toEqual([]);
    // The private folder made for this run (the last candidate) is removed too.
    expect(readdirSync(tmp).filter((n) => /^rollsafe-(?!cache)/.test(n))).toEqual([]);
  }, 60_000);
});

describe('Drizzle 1.x folder order does not depend on the locale', () => {
  const script = `
const { discoverMigrationSets } = await import(${JSON.stringify(join(repoRoot, 'dist/src/migrations/index.js'))});
const { sets } = await discoverMigrationSets(process.argv[1]);
console.log(JSON.stringify({ icu: 'ch'.localeCompare('d'), paths: sets.flatMap((s) => s.migrations.map((m) => m.path)) }));
`;
  const order = (root: string, locale: string): { icu: number; paths: string[] } =>
    JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script, root], { env: { ...process.env, LC_ALL: locale, LANG: locale }, encoding: 'utf8' })) as { icu: number; paths: string[] };

  it('cs_CZ (where "ch" sorts after "d") gives the code-unit order, as C does', (ctx) => {
    const root = tempDir('rollsafe-drizzle-locale-');
    const folders = { '20240101000000_ch_table': 'CREATE TABLE a (id int);', '20240101000000_d_column': 'ALTER TABLE a ADD COLUMN b int;', '20240101000000_h_index': 'CREATE INDEX a_b ON a (b);' };
    for (const [folder, sql] of Object.entries(folders)) {
      mkdirSync(join(root, 'drizzle', folder), { recursive: true });
      writeFileSync(join(root, 'drizzle', folder, 'migration.sql'), sql);
      writeFileSync(join(root, 'drizzle', folder, 'snapshot.json'), '{}');
    }
    const czech = order(root, 'cs_CZ.UTF-8');
    // Without Czech collation data in this Node the locale changes nothing, and the test proves nothing.
    if (czech.icu <= 0) return ctx.skip();
    const c = order(root, 'C');
    const expected = Object.keys(folders).map((f) => `drizzle/${f}/migration.sql`);
    expect(c.paths).toEqual(expected);
    expect(czech.paths).toEqual(expected);
  }, 60_000);
});
