/**
 * The cache of a repository without a writable node_modules lives in the shared temp folder, where another
 * local user may have been first. rollsafe uses `$TMPDIR/rollsafe-cache-<uid>/<hash>` only when both folders
 * are real folders owned by the current user that group and others cannot write to (created 0700); else it
 * uses no shared cache, and the compiled TS config goes to a fresh private folder. A compiled config planted
 * there is never imported: the marker it would write never appears.
 */
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { incidentRepo, parseJson, runCli } from '../faults/support.js';
import type { TestRepo } from '../support/git-repo.js';

const CONFIG = "export default { migrations: ['db/migrations'] };\n";
const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;
const uid = process.getuid?.();

const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const c of cleanups) c();
});

interface Planted {
  r: TestRepo;
  tmp: string;
  base: string;
  dir: string;
  planted: string;
  marker: string;
}

/** A repository with a TS config and no node_modules, and its temp cache folder planted with a config that writes a marker. */
function planted(): Planted {
  const r = incidentRepo({ 'rollsafe.config.ts': CONFIG }, {}, 'rollsafe-tmpcache-');
  const tmp = mkdtempSync(join(tmpdir(), 'rollsafe-shared-tmp-'));
  cleanups.push(() => r.remove(), () => rmSync(tmp, { recursive: true, force: true }));
  const base = join(tmp, `rollsafe-cache-${uid}`);
  const dir = join(base, createHash('sha1').update(realpathSync(r.root)).digest('hex').slice(0, 12));
  mkdirSync(dir, { recursive: true });
  const marker = join(tmp, 'PWNED');
  const planted = join(dir, `config-${createHash('sha1').update(CONFIG).digest('hex').slice(0, 12)}.mjs`);
  writeFileSync(planted, `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport default { migrations: ['db/migrations'] };\n`);
  return { r, tmp, base, dir, planted, marker };
}

async function check(p: Planted): Promise<void> {
  const before = readFileSync(p.planted, 'utf8');
  const run = await runCli(p.r.root, ['check', '--base', 'base', '--format', 'json'], { env: { TMPDIR: p.tmp } });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(1);
  // The config still loads (compiled into a private folder of this run) and the finding is reported.
  expect(parseJson(run.stdout).findings.map((f) => f.rule)).toContain('dropped-column-in-use');
  expect(existsSync(p.marker)).toBe(false);
  // Nothing was written into the folder that is not ours either.
  expect(readFileSync(p.planted, 'utf8')).toBe(before);
  // The private folder made for this run's compiled config is gone once the config is loaded.
  expect(readdirSync(p.tmp).filter((n) => n.startsWith('rollsafe-') && join(p.tmp, n) !== p.base)).toEqual([]);
}

describe.skipIf(uid === undefined)('the temp-folder cache is private to its user', () => {
  it.skipIf(!isRoot)('a per-user folder owned by another user (nobody): a planted compiled config is never imported', async () => {
    const p = planted();
    for (const path of [p.base, p.dir, p.planted]) chownSync(path, NOBODY, NOBODY);
    chmodSync(p.base, 0o700);
    chmodSync(p.dir, 0o700);
    await check(p);
  }, 60_000);

  it('a per-user folder of ours left writable by everyone (0777): not used, the planted config not imported', async () => {
    const p = planted();
    chmodSync(p.base, 0o777);
    await check(p);
  }, 60_000);

  it('the repository folder below it writable by the group (0770): not used either', async () => {
    const p = planted();
    chmodSync(p.base, 0o700);
    chmodSync(p.dir, 0o770);
    await check(p);
  }, 60_000);

  it('a fresh temp folder: the cache is created 0700, owned by the user, and used', async () => {
    const r = incidentRepo({ 'rollsafe.config.ts': CONFIG }, {}, 'rollsafe-tmpcache-');
    const tmp = mkdtempSync(join(tmpdir(), 'rollsafe-shared-tmp-'));
    cleanups.push(() => r.remove(), () => rmSync(tmp, { recursive: true, force: true }));
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json'], { env: { TMPDIR: tmp } });
    expect(run.code).toBe(1);
    const base = join(tmp, `rollsafe-cache-${uid}`);
    const dir = join(base, createHash('sha1').update(realpathSync(r.root)).digest('hex').slice(0, 12));
    for (const d of [base, dir]) {
      const info = statSync(d);
      expect(info.mode & 0o777).toBe(0o700);
      expect(info.uid).toBe(uid);
    }
    expect(existsSync(join(dir, `config-${createHash('sha1').update(CONFIG).digest('hex').slice(0, 12)}.mjs`))).toBe(true);
  }, 60_000);
});
