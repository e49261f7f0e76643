#!/usr/bin/env node
// `npm run demo`: replays the outage rollsafe exists for, in a throwaway git repository.
// Release 1 runs a worker that reads jobs.state; release 2 drops that column while adding jobs.status.
// rollsafe is asked whether release 2's migration is safe while release 1 is still running.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures', 'demo');
const bin = join(here, '..', 'bin', 'rollsafe.js');
const bold = (s) => (process.stdout.isTTY && !process.env.NO_COLOR ? `\x1b[1m${s}\x1b[0m` : s);

if (!existsSync(join(here, '..', 'dist', 'src', 'cli', 'bin.js'))) {
  console.error('rollsafe is not built yet: run `npm run build` first.');
  process.exit(2);
}

const repo = mkdtempSync(join(tmpdir(), 'rollsafe-demo-'));
const git = (...args) =>
  execFileSync('git', ['-c', 'user.name=rollsafe demo', '-c', 'user.email=demo@rollsafe.invalid', '-c', 'commit.gpgsign=false', ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
const release = (name) => cpSync(join(fixtures, name), repo, { recursive: true });
const check = (title) => {
  console.log(`\n${bold(`$ rollsafe check --base release-1`)}   ${title}\n`);
  return spawnSync(process.execPath, [bin, 'check', '--base', 'release-1'], { cwd: repo, stdio: 'inherit' }).status;
};

let ok;
try {
  git('init', '-q', '-b', 'main');
  release('release-1');
  git('add', '-A');
  git('commit', '-q', '-m', 'Release 1: jobs worker polls jobs.state');
  git('tag', 'release-1');

  console.log(bold('Release 1 is in production: its worker polls jobs and reads jobs.state every second.'));
  console.log('Release 2 drops jobs.state, adds jobs.status, and ships code that uses status, all at once.');
  git('checkout', '-q', '-b', 'release-2');
  release('release-2');
  git('add', '-A');
  git('commit', '-q', '-m', 'Release 2: replace jobs.state by jobs.status');
  const unsafe = check('(release 2 as written)');

  console.log(bold('\nThe same change, expand/contract: add status and keep it in sync; drop state in a later release.'));
  git('checkout', '-q', '-b', 'release-2-safe', 'release-1');
  release('release-2-safe');
  git('add', '-A');
  git('commit', '-q', '-m', 'Release 2 (safe): add jobs.status next to jobs.state');
  const safe = check('(release 2, expand/contract)');

  ok = unsafe === 1 && safe === 0;
  console.log(
    ok
      ? bold('\nrollsafe flagged the unsafe release (exit 1) and passed the expand/contract one (exit 0).')
      : `\nUnexpected exit codes: unsafe release ${unsafe} (expected 1), safe release ${safe} (expected 0).`,
  );
} finally {
  rmSync(repo, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
