/**
 * No git binary on PATH (a slim CI image, a container): the real CLI with PATH pointing at an empty folder.
 * What needs git fails with one clear line (exit 2); what does not (files named on the command line) works.
 * And a git that fails in a way rollsafe does not know is one line too, never a stack trace.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRepo } from '../support/git-repo.js';
import { findingKeys, incidentRepo, parseJson, runCli } from './support.js';

let r: TestRepo;
let emptyPath: string;
beforeAll(() => {
  r = incidentRepo();
  emptyPath = mkdtempSync(join(tmpdir(), 'rollsafe-no-git-'));
});
afterAll(() => {
  r.remove();
  rmSync(emptyPath, { recursive: true, force: true });
});

const noGit = (): { env: Record<string, string> } => ({ env: { PATH: emptyPath } });

describe('git missing from PATH', () => {
  it('--base needs git: exit 2, "git is not installed or not on PATH", no stack trace', async () => {
    const run = await runCli(r.root, ['check', '--base', 'base'], noGit());
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rollsafe: --base needs git: git is not installed or not on PATH (install git, or run rollsafe where `git --version` works)\n');
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(run.stdout).toBe('');
  });

  it('the CI base branch needs git too: exit 2, not a silent pass', async () => {
    const run = await runCli(r.root, ['check'], { env: { PATH: emptyPath, GITHUB_BASE_REF: 'main' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/git is not installed or not on PATH/);
  });

  it('with nothing named, the run says that git is missing and that nothing was new (exit 0, but not silently)', async () => {
    const run = await runCli(r.root, ['check'], noGit());
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(
      'rollsafe: not checked: git is not installed or not on PATH (install git, or run rollsafe where `git --version` works): without git no migration is new (no base ref, no staged files)\n' +
        '  hint: run rollsafe in a clone of the repository, or name the migrations to check: rollsafe check <file>…\n',
    );
    expect(run.stdout).toMatch(/checked 0 new migrations/);
  });

  it('migrations named on the command line are checked against the worktree code without git', async () => {
    const run = await runCli(r.root, ['check', 'db/migrations/002_drop_state.sql', '--format', 'json'], noGit());
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(run.code).toBe(1);
    expect(findingKeys(parseJson(run.stdout)).filter((f) => f.startsWith('dropped-column'))).toEqual(['dropped-column-in-use db/migrations/002_drop_state.sql:1']);
  });
});

describe('a git that fails', () => {
  it('an unexpected git error: exit 2, git\'s own message on one line, no stack trace', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'rollsafe-bad-git-'));
    try {
      writeFileSync(join(bin, 'git'), '#!/bin/sh\necho "fatal: index file corrupt" >&2\nexit 128\n');
      chmodSync(join(bin, 'git'), 0o755);
      const run = await runCli(r.root, ['check', '--base', 'base'], { env: { PATH: bin } });
      expect(run.code).toBe(2);
      expect(run.stderr).toBe('rollsafe: git rev-parse --show-toplevel: index file corrupt\n');
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
