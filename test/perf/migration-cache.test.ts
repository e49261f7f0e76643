/** The Changes of migrations that are not new come from a cache keyed by their text: same findings, no parse. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { runCheck } from '../../src/engine/check.js';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, env: gitEnv, stdio: 'ignore' });
}
function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('migration cache', () => {
  it('reads old migrations from the cache, and again when their text changes', async () => {
    const root = temp('rollsafe-migcache-');
    const cacheDir = temp('rollsafe-migcache-dir-');
    git(root, 'init', '-q');
    write(root, {
      'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text, nickname text);\n',
      'src/users.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query('SELECT nickname FROM users');\n",
    });
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'base');
    git(root, 'branch', 'base');
    write(root, { 'db/migrations/002_drop.sql': 'ALTER TABLE users DROP COLUMN nickname;\n' });
    const check = async (): Promise<string[]> => {
      const result = await runCheck({ root, config: {}, rules, env: {}, base: 'base', cacheDir });
      return result.findings.map((f) => f.rule).sort();
    };
    const cold = await check();
    expect(cold).toContain('dropped-column-in-use');
    const [file] = readdirSync(cacheDir).filter((n) => n.startsWith('migrations-'));
    const cachePath = join(cacheDir, file!);
    const entries = Object.values((JSON.parse(readFileSync(cachePath, 'utf8')) as { entries: Record<string, { kind: string }[]> }).entries);
    // Only the migration that is not new is cached.
    expect(entries.map((changes) => changes.map((c) => c.kind))).toEqual([['create-table']]);
    expect(await check()).toEqual(cold);

    // Proof that the second run used the cache: doctored (emptied) entries leave the table undeclared.
    const data = JSON.parse(readFileSync(cachePath, 'utf8')) as { entries: Record<string, unknown[]> };
    for (const key of Object.keys(data.entries)) data.entries[key] = [];
    writeFileSync(cachePath, JSON.stringify(data));
    // The schema snapshots (test/engine/schema-snapshot.test.ts) sit above this cache: without them the run
    // replays the history from the cached Changes, which is what this test is about.
    for (const name of readdirSync(cacheDir)) if (name.startsWith('schema-')) rmSync(join(cacheDir, name));
    const doctored = await runCheck({ root, config: {}, rules, env: {}, base: 'base', cacheDir });
    expect(doctored.diagnostics.filter((d) => d.location.path === 'db/migrations/002_drop.sql').length).toBeGreaterThan(0);

    // Another text is another key: the migration is parsed again and the doctored entry dropped.
    write(root, { 'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text, nickname text); -- same table\n' });
    expect(await check()).toEqual(cold);
    const after = Object.values((JSON.parse(readFileSync(cachePath, 'utf8')) as { entries: Record<string, { columns?: { name: string }[] }[]> }).entries);
    expect(after.flatMap((changes) => changes.flatMap((c) => (c.columns ?? []).map((col) => col.name)))).toContain('nickname');
    const clean = await runCheck({ root, config: {}, rules, env: {}, base: 'base', cacheDir });
    expect(clean.diagnostics.filter((d) => d.location.path === 'db/migrations/002_drop.sql')).toEqual([]);
  });
});
