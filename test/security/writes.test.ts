/**
 * rollsafe writes nothing but its cache and the files it is asked to write. The repository (its .git folder
 * included), a fake HOME and a fake TMPDIR are snapshotted before and after full runs of the real CLI: the only
 * differences allowed are the cache folder (node_modules/.cache/rollsafe, or TMPDIR/rollsafe-cache/ in a
 * repository without node_modules), the baseline that --update-baseline writes, and Node's own compile cache.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentRepo, runCli } from '../faults/support.js';
import type { TestRepo } from '../support/git-repo.js';

type Snapshot = Map<string, string>;

/** Every path under `root` with its kind, size and content hash. */
function snapshot(root: string): Snapshot {
  const out: Snapshot = new Map();
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const path = rel ? `${rel}/${name}` : name;
      const stat = lstatSync(full);
      if (stat.isDirectory()) {
        out.set(`${path}/`, 'dir');
        walk(full, path);
      } else if (stat.isSymbolicLink()) out.set(path, `link ${readlinkSync(full)}`);
      else out.set(path, `file ${stat.size} ${createHash('sha1').update(readFileSync(full)).digest('hex')}`);
    }
  };
  walk(root, '');
  return out;
}

/** Paths added, removed or changed between two snapshots. */
function changes(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const [path, what] of after) if (before.get(path) !== what) out.push(before.has(path) ? `changed ${path}` : `added ${path}`);
  for (const path of before.keys()) if (!after.has(path)) out.push(`removed ${path}`);
  return out.sort();
}

const dirs: string[] = [];
const repos: TestRepo[] = [];
let home: string;
let tmp: string;
beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'rollsafe-home-'));
  tmp = mkdtempSync(join(tmpdir(), 'rollsafe-tmpdir-'));
  mkdirSync(join(home, '.config'));
  dirs.push(home, tmp);
});
afterAll(() => {
  for (const r of repos) r.remove();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({ HOME: home, TMPDIR: tmp, XDG_CACHE_HOME: join(home, '.cache'), XDG_CONFIG_HOME: join(home, '.config') });

/** Runs the CLI and returns what changed where, outside what is allowed. */
async function writesOf(r: TestRepo, args: string[], allowed: RegExp[]): Promise<{ code: number | null; stderr: string; repo: string[]; home: string[]; tmp: string[] }> {
  const before = { repo: snapshot(r.root), home: snapshot(home), tmp: snapshot(tmp) };
  const run = await runCli(r.root, args, { env: env() });
  const keep = (list: string[]): string[] => list.filter((c) => !allowed.some((a) => a.test(c)));
  return {
    code: run.code,
    stderr: run.stderr,
    repo: keep(changes(before.repo, snapshot(r.root)).map((c) => `repo: ${c}`)),
    home: changes(before.home, snapshot(home)),
    tmp: keep(changes(before.tmp, snapshot(tmp)).map((c) => `tmp: ${c}`)),
  };
}

const REPO_CACHE = /^repo: (added|changed|removed) node_modules\/\.cache\/(rollsafe\/.*)?$/;
const TMP_CACHE = /^tmp: (added|changed|removed) rollsafe-cache-\d+\//;
// Node ≥ 22 keeps compiled code for rollsafe's own modules here (module.enableCompileCache()).
const NODE_COMPILE_CACHE = /^tmp: (added|changed|removed) node-compile-cache\//;

describe('rollsafe writes only its cache and what it is asked to write', () => {
  it('a full check (TS config compiled, code of the worktree and the base scanned) in a repository with node_modules', async () => {
    const r = incidentRepo({ 'node_modules/.keep': '', 'rollsafe.config.ts': "export default { migrations: ['db/migrations'] };\n" }, {}, 'rollsafe-writes-');
    repos.push(r);
    for (const args of [['check', '--base', 'base', '--format', 'sarif'], ['refs', 'jobs.state'], ['schema']]) {
      const w = await writesOf(r, args, [REPO_CACHE, TMP_CACHE, NODE_COMPILE_CACHE]);
      expect(w.stderr, args.join(' ')).toBe('');
      expect([w.repo, w.home, w.tmp], args.join(' ')).toEqual([[], [], []]);
    }
    // The cache is where it says it is, and the .git folder was not touched (no index refresh, no lock).
    expect(readdirSync(join(r.root, 'node_modules/.cache/rollsafe')).length).toBeGreaterThan(0);
  });

  it('a repository without node_modules: nothing at all in the repository, the cache in TMPDIR/rollsafe-cache-<uid>', async () => {
    const r = incidentRepo({ 'rollsafe.config.ts': "export default { migrations: ['db/migrations'] };\n" }, {}, 'rollsafe-writes-');
    repos.push(r);
    const w = await writesOf(r, ['check', '--base', 'base', '--format', 'json'], [TMP_CACHE, NODE_COMPILE_CACHE]);
    expect(w.code).toBe(1);
    expect([w.repo, w.home, w.tmp]).toEqual([[], [], []]);
    expect(readdirSync(join(tmp, `rollsafe-cache-${process.getuid!()}`)).length).toBeGreaterThan(0);
  });

  it('--update-baseline writes the baseline file and nothing else', async () => {
    const r = incidentRepo({ 'node_modules/.keep': '' }, {}, 'rollsafe-writes-');
    repos.push(r);
    const w = await writesOf(r, ['check', '--base', 'base', '--update-baseline'], [REPO_CACHE, TMP_CACHE, NODE_COMPILE_CACHE]);
    expect([w.repo, w.home, w.tmp]).toEqual([['repo: added rollsafe-baseline.json'], [], []]);
  });

  it('init --dry-run writes nothing', async () => {
    const r = incidentRepo({ 'package.json': '{ "name": "x" }\n' }, {}, 'rollsafe-writes-');
    repos.push(r);
    const w = await writesOf(r, ['init', '--dry-run'], [TMP_CACHE, NODE_COMPILE_CACHE]);
    expect(w.code).toBe(0);
    expect([w.repo, w.home, w.tmp]).toEqual([[], [], []]);
  });
});
