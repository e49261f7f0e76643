/**
 * The migration cache (Changes of migrations that are not new) is used only by the rollsafe build that wrote
 * it and under the configuration it was read with: another version and another search_path read the history
 * again. Run through the real CLI; "another version" is a copy of this build whose package.json says so.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from '../support/built.js';
import type { TestRepo } from '../support/git-repo.js';
import { checkArgs, incidentRepo, parseJson, runCli } from '../faults/support.js';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

/** A copy of the build (bin, dist, node_modules linked) whose package.json gives another version. */
function otherVersion(version: string): string {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'rollsafe-other-version-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(repoRoot, 'bin'), join(dir, 'bin'), { recursive: true });
  cpSync(join(repoRoot, 'dist'), join(dir, 'dist'), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as Record<string, unknown>;
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, version }));
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

function runBuild(build: string, cwd: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(build, 'bin', 'rollsafe.js'), ...checkArgs], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' } }, (error, stdout) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout }),
    );
  });
}

const cacheDir = (r: TestRepo): string => join(r.root, 'node_modules', '.cache', 'rollsafe');
const migrationCaches = (r: TestRepo): string[] => readdirSync(cacheDir(r)).filter((n) => /^migrations-.*\.json$/.test(n));

/** Empties every cached entry: a run that uses them no longer knows the table 001 creates. */
function doctor(path: string): void {
  const data = JSON.parse(readFileSync(path, 'utf8')) as { entries: Record<string, unknown[]> };
  for (const key of Object.keys(data.entries)) data.entries[key] = [];
  writeFileSync(path, JSON.stringify(data));
  // The schema snapshots (test/engine/schema-snapshot.test.ts) sit above these entries: without them the next
  // run replays the history from the entries, which is what this test is about.
  const dir = join(path, '..');
  for (const name of readdirSync(dir)) if (name.startsWith('schema-')) rmSync(join(dir, name));
}

const on002 = (stdout: string): string[] => parseJson(stdout).diagnostics.filter((d) => d.path === 'db/migrations/002_drop_state.sql').map((d) => d.code);
const rules = (stdout: string): string[] => parseJson(stdout).findings.map((f) => f.rule);

describe('migration cache invalidation', () => {
  it('another rollsafe version and another search_path do not read the entries this one wrote', async () => {
    const r = incidentRepo({ 'node_modules/.keep': '' });
    cleanups.push(() => r.remove());

    const cold = await runCli(r.root, checkArgs);
    expect(cold.code).toBe(1);
    expect(rules(cold.stdout)).toContain('dropped-column-in-use');
    expect(on002(cold.stdout)).toEqual([]);
    const [written] = migrationCaches(r);
    expect(written).toBeDefined();

    // The same build reads its entries: doctored, they leave the table undeclared.
    doctor(join(cacheDir(r), written!));
    const doctored = await runCli(r.root, checkArgs);
    expect(on002(doctored.stdout).length).toBeGreaterThan(0);

    // Another version: its own cache file, the history read again, the same result as the cold run.
    const other = await runBuild(otherVersion('99.0.0-cache-test'), r.root);
    expect(other.code).toBe(1);
    expect(rules(other.stdout)).toEqual(rules(cold.stdout));
    expect(on002(other.stdout)).toEqual([]);
    expect(migrationCaches(r)).toHaveLength(2);

    // Another search_path (configuration): another key, the history read again under it.
    doctor(join(cacheDir(r), written!));
    writeFileSync(join(r.root, 'rollsafe.config.json'), JSON.stringify({ searchPath: ['public', 'app'] }));
    const configured = await runCli(r.root, checkArgs);
    expect(on002(configured.stdout)).toEqual([]);
    expect(rules(configured.stdout)).toContain('dropped-column-in-use');
  }, 120_000);
});
