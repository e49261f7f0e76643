/**
 * The hook `rollsafe init --git-hook` installs, run by a real `git commit`: it runs this checkout's CLI
 * (`node bin/rollsafe.js`, from the build) and blocks a commit that stages an unsafe migration.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rollsafe } from '../support/cli.js';
import { TestRepo } from '../support/git-repo.js';

const checkout = join(import.meta.dirname, '..', '..');
const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

function fromFixture(kind: string): TestRepo {
  const repo = new TestRepo(`rollsafe-hook-${kind}-`);
  repos.push(repo);
  cpSync(join(checkout, 'fixtures', 'init', kind), repo.root, { recursive: true });
  // Committed long ago: a table created minutes before would be likely small (a warning, not a blocked commit).
  repo.git('add', '-A');
  execFileSync('git', ['-c', 'user.name=rollsafe test', '-c', 'user.email=test@rollsafe.invalid', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'the application'], {
    cwd: repo.root,
    env: { ...process.env, GIT_AUTHOR_DATE: '2020-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2020-01-01T00:00:00Z' },
  });
  return repo;
}

describe('the pre-commit hook', () => {
  const bin = join(checkout, 'bin', 'rollsafe.js');
  beforeAll(() => {
    if (!existsSync(join(checkout, 'dist', 'src', 'cli', 'bin.js'))) execFileSync('npm', ['run', 'build'], { cwd: checkout, stdio: 'ignore' });
  }, 300_000);

  it('init --git-hook installs one that blocks a commit with an unsafe migration and lets a safe one through', async () => {
    const repo = fromFixture('none');
    const init = await rollsafe(repo.root, ['init', '--yes', '--git-hook', '--command', `node ${JSON.stringify(bin)}`]);
    expect(init.code).toBe(0);
    const hook = join(repo.root, '.git', 'hooks', 'pre-commit');
    expect(readFileSync(hook, 'utf8')).toContain(`exec node ${JSON.stringify(bin)} check --staged`);
    expect(statSync(hook).mode & 0o111).not.toBe(0);
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'rollsafe init');

    // The commit runs the hook in a clean CI-free environment: no target branch to compare with.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GITHUB_|CI_|GIT_|FORCE_COLOR|ROLLSAFE_)/.test(k)));
    const commit = (message: string) =>
      spawnSync('git', ['-c', 'user.name=rollsafe test', '-c', 'user.email=test@rollsafe.invalid', '-c', 'commit.gpgsign=false', 'commit', '-m', message], { cwd: repo.root, env, encoding: 'utf8' });

    repo.write({ 'migrations/0002_accounts_email_idx.sql': 'CREATE INDEX accounts_email_idx ON accounts (email);\n' });
    repo.git('add', 'migrations/0002_accounts_email_idx.sql');
    const blocked = commit('index accounts by email');
    expect(blocked.status, blocked.stderr).not.toBe(0);
    expect(blocked.stdout + blocked.stderr).toContain('require-concurrent-index');
    expect(repo.git('log', '--oneline').trim().split('\n')).toHaveLength(2);

    repo.git('rm', '-q', '--cached', 'migrations/0002_accounts_email_idx.sql');
    repo.write({ 'migrations/0002_accounts_email_idx.sql': null, 'migrations/0002_sessions.sql': 'CREATE TABLE sessions (id bigint PRIMARY KEY, account_id bigint NOT NULL);\n' });
    repo.git('add', 'migrations/0002_sessions.sql');
    const passed = commit('sessions');
    expect(passed.status, passed.stdout + passed.stderr).toBe(0);
    expect(repo.git('log', '--oneline').trim().split('\n')).toHaveLength(3);
  });
});
