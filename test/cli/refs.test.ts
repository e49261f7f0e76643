import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTarget } from '../../src/cli/commands/refs.js';
import { run } from '../../src/cli/main.js';

let repo: string;
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const git = (...args: string[]): string => execFileSync('git', args, { cwd: repo, env: gitEnv, encoding: 'utf8' }).trim();

async function rollsafe(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    cwd: repo,
    env: {},
    stdout: { write: (t: string) => void (stdout += t) },
    stderr: { write: (t: string) => void (stderr += t) },
  });
  return { code, stdout, stderr };
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'rollsafe-refs-'));
  cpSync(fileURLToPath(new URL('../../fixtures/apps/raw-pg/', import.meta.url)), repo, { recursive: true });
  // The cache goes to node_modules/.cache when there is a node_modules, so it leaves with the temp folder.
  mkdirSync(join(repo, 'node_modules'));
  git('init', '-q');
  git('add', '.');
  git('commit', '-q', '-m', 'app');
  writeFileSync(join(repo, 'src/users.ts'), "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const all = () => pool.query('SELECT email FROM users ORDER BY email');\n");
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('rollsafe refs', () => {
  it('lists the references to a column in the working tree, one line each', async () => {
    const { code, stdout, stderr } = await rollsafe('refs', 'users.email');
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines.slice(0, -2).map((l) => l.split(/\s{2,}/).slice(0, 5).join(' | '))).toEqual([
      'scripts/seed.ts:3:31 | insert | certain | explicit | script',
      'src/accounts.ts:14:38 | read | certain | explicit | app',
      'src/users.ts:3:45 | read | certain | explicit | app',
      'src/users.ts:3:71 | read | certain | explicit | app',
      'test/users.test.ts:4:45 | read | certain | explicit | test',
    ]);
    expect(lines[lines.length - 1]).toMatch(/^5 references to users\.email in 4 files \(working tree: \d+ files, \d+ parsed, \d+ cached, \d+ ms\)$/);
    // The snippet is the source line.
    expect(lines[2]).toContain("pool.query('SELECT email FROM users ORDER BY email')");
  });

  it('does not count a migration folder as live code', async () => {
    const { stdout } = await rollsafe('refs', 'accounts.email');
    expect(stdout).not.toContain('migrations/');
    expect(stdout).toContain('src/accounts.ts:6:13');
  });

  it('reads an older release with --ref, without a checkout', async () => {
    const { code, stdout } = await rollsafe('refs', 'users.email', '--ref', 'HEAD', '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { target: unknown; source: string; references: { location: { path: string; line: number } }[] };
    expect(report.target).toEqual({ table: 'users', column: 'email' });
    expect(report.source).toMatch(/^HEAD \([0-9a-f]{7}\)$/);
    expect(report.references.map((r) => `${r.location.path}:${r.location.line}`)).toEqual([
      'scripts/seed.ts:3',
      'src/accounts.ts:14',
      'src/users.ts:7',
      'src/users.ts:15',
      'src/users.ts:26',
      'src/users.ts:26',
      'src/users.ts:33',
      'test/users.test.ts:4',
    ]);
  });

  it('lists table-level references for a table and says when there are none', async () => {
    const audit = await rollsafe('refs', 'audit_log');
    expect(audit.stdout.split('\n').filter((l) => l.startsWith('src/')).map((l) => l.split(/\s{2,}/).slice(0, 2).join(' '))).toEqual([
      'src/orders.ts:26:34 insert (table)',
      'src/orders.ts:26:45 write',
      'src/orders.ts:26:55 write',
    ]);
    const none = await rollsafe('refs', 'invoices.total');
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^No references to invoices\.total \(working tree: /);
  });

  it('exits 2 with one clear line on usage errors', async () => {
    for (const argv of [['refs'], ['refs', 'a', 'b'], ['refs', 'a.b.c.d'], ['refs', 'users', '--format', 'xml'], ['refs', 'users', '--bogus']]) {
      const { code, stderr, stdout } = await rollsafe(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stdout).toBe('');
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    const bad = await rollsafe('refs', 'users', '--ref', 'no-such-branch');
    expect(bad).toEqual({ code: 2, stdout: '', stderr: 'rollsafe: refs: git ref "no-such-branch" does not exist in this repository\n' });
  });

  it('is listed in the help', async () => {
    expect((await rollsafe('--help')).stdout).toMatch(/^\s+refs\s+List where the code uses a table or column/m);
  });
});

describe('parseTarget', () => {
  it('reads table, table.column, schema.table.column and quoted names', () => {
    expect(parseTarget('users')).toEqual({ table: 'users', exact: false });
    expect(parseTarget('users.email')).toEqual({ table: 'users', column: 'email', exact: false });
    expect(parseTarget('billing.invoices.total')).toEqual({ schema: 'billing', table: 'invoices', column: 'total', exact: false });
    expect(parseTarget('"User"."e.mail"')).toEqual({ table: 'User', column: 'e.mail', exact: true });
    expect(() => parseTarget('users.')).toThrow();
    expect(() => parseTarget('"open')).toThrow();
  });
});
