/**
 * A repository's git configuration never makes rollsafe run a program. Each configuration key that makes git
 * start a program is set — in `.git/config`, and again in files it includes (`include.path`, `includeIf`) — to
 * a script that leaves a marker named after the key. Then `check --base`, `check --staged`, `refs`,
 * `refs --ref` (the built CLI) and the ESLint plugin (real ESLint, with a base ref) all run, and must still
 * work; afterwards, for each key, no marker. Where plain git can be made to consult the key, the test then
 * runs that git command as a control: its marker appears, so the trap is real.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from '../../src/eslint/index.js';
import { incidentRepo, parseJson, runCli, type CliProcess } from '../faults/support.js';
import type { TestRepo } from '../support/git-repo.js';

let r: TestRepo;
const repos: TestRepo[] = [];
let outside: string;
let markers: string;
/** The markers left while rollsafe ran (before any control command). */
let ranDuringRollsafe: string[] = [];
const runs: Record<string, CliProcess> = {};
let eslintMessages: string[] = [];

/** An executable script, outside the repository, that leaves the marker `name` and fails. */
function trap(name: string): string {
  const path = join(outside, 'traps', name);
  writeFileSync(path, `#!/bin/sh\necho "$0 $*" >> ${JSON.stringify(join(markers, name))}\nexit 1\n`);
  chmodSync(path, 0o755);
  return path;
}

function ran(): string[] {
  return existsSync(markers) ? readdirSync(markers).sort() : [];
}

/** Plain git in `repo`, as a person would run it: no override, the repository's configuration applies. */
function plainGit(repo: TestRepo, args: string[], input = ''): void {
  // No askpass program of the environment either: the repository's core.askPass is what is tested.
  const { GIT_ASKPASS: _askpass, SSH_ASKPASS: _sshAskpass, ...env } = process.env;
  try {
    execFileSync('git', args, { cwd: repo.root, input, stdio: ['pipe', 'ignore', 'ignore'], env: { ...env, GIT_TERMINAL_PROMPT: '0' }, timeout: 20_000 });
  } catch {
    // The traps exit 1: the command may fail; the marker is what counts.
  }
}

const HOOKS = ['pre-commit', 'post-index-change', 'reference-transaction', 'post-checkout', 'fsmonitor-watchman', 'pre-auto-gc', 'post-rewrite', 'sendemail-validate', 'pre-push'];

/** Every key, the value the repository gives it, and a plain git command that consults it (when there is one). */
interface Key {
  key: string;
  set: (repo: TestRepo) => void;
  control?: (repo: TestRepo) => void;
  /** Why there is no control: git never consults this key from a repository's configuration, or not without a terminal. */
  noControl?: string;
}

const config = (repo: TestRepo, key: string, value: string): void => void repo.git('config', '--add', key, value);

const KEYS: Key[] = [
  { key: 'core.fsmonitor', set: (g) => config(g, 'core.fsmonitor', trap('core.fsmonitor')), control: (g) => plainGit(g, ['status']) },
  {
    key: 'core.hooksPath',
    set: (g) => {
      const dir = join(outside, 'hooks');
      mkdirSync(dir, { recursive: true });
      for (const hook of HOOKS) {
        writeFileSync(join(dir, hook), `#!/bin/sh\necho "$0" >> ${JSON.stringify(join(markers, 'core.hooksPath'))}\nexit 1\n`);
        chmodSync(join(dir, hook), 0o755);
      }
      config(g, 'core.hooksPath', dir);
    },
    control: (g) => plainGit(g, ['hook', 'run', 'pre-commit']),
  },
  {
    key: 'hooks in .git/hooks',
    set: (g) => {
      for (const hook of HOOKS) {
        writeFileSync(join(g.root, '.git', 'hooks', hook), `#!/bin/sh\necho "$0" >> ${JSON.stringify(join(markers, 'hooks in .git_hooks'))}\nexit 1\n`);
        chmodSync(join(g.root, '.git', 'hooks', hook), 0o755);
      }
    },
    control: (g) => plainGit(g, ['hook', 'run', 'pre-commit']),
  },
  {
    key: 'core.pager',
    set: (g) => {
      config(g, 'core.pager', trap('core.pager'));
      for (const command of ['ls-files', 'ls-tree', 'diff', 'cat-file', 'rev-parse', 'rev-list', 'config', 'remote']) config(g, `pager.${command}`, trap('core.pager'));
    },
    noControl: 'git pages only to a terminal, and git run by rollsafe writes to a pipe (and gets --no-pager and core.pager=cat)',
  },
  { key: 'diff.external', set: (g) => config(g, 'diff.external', trap('diff.external')), control: (g) => plainGit(g, ['diff']) },
  { key: 'diff.evil.command', set: (g) => config(g, 'diff.evil.command', trap('diff.evil.command')), control: (g) => plainGit(g, ['diff']) },
  { key: 'diff.evil.textconv', set: (g) => config(g, 'diff.evil.textconv', trap('diff.evil.textconv')), control: (g) => plainGit(g, ['diff', 'base', '--', 'src']) },
  { key: 'filter.evil.clean', set: (g) => config(g, 'filter.evil.clean', trap('filter.evil.clean')), control: (g) => plainGit(g, ['hash-object', '--path=src/poller.ts', 'src/poller.ts']) },
  { key: 'filter.evil.smudge', set: (g) => config(g, 'filter.evil.smudge', trap('filter.evil.smudge')), control: (g) => plainGit(g, ['cat-file', '--filters', 'base:src/poller.ts']) },
  { key: 'filter.evilp.process', set: (g) => config(g, 'filter.evilp.process', trap('filter.evilp.process')), control: (g) => plainGit(g, ['cat-file', '--filters', 'base:db/migrations/001_jobs.sql']) },
  {
    key: 'credential.helper',
    set: (g) => config(g, 'credential.helper', trap('credential.helper')),
    control: (g) => plainGit(g, ['credential', 'fill'], 'protocol=https\nhost=example.invalid\n\n'),
  },
  {
    key: 'core.askPass',
    set: (g) => config(g, 'core.askPass', trap('core.askPass')),
    control: (g) => plainGit(g, ['credential', 'fill'], 'protocol=https\nhost=example.invalid\n\n'),
  },
  { key: 'core.sshCommand', set: (g) => config(g, 'core.sshCommand', trap('core.sshCommand')), control: (g) => plainGit(g, ['ls-remote', 'ssh://example.invalid/repo.git']) },
  {
    key: 'protocol.<name>.allow (ext:: remote)',
    set: (g) => {
      config(g, 'protocol.allow', 'always');
      config(g, 'protocol.ext.allow', 'always');
      config(g, 'remote.evil.url', `ext::${trap('protocol.ext')} %S`);
      config(g, 'remote.evil.promisor', 'true');
    },
    control: (g) => plainGit(g, ['ls-remote', 'evil']),
  },
  { key: 'uploadpack.packObjectsHook', set: (g) => config(g, 'uploadpack.packObjectsHook', trap('uploadpack.packObjectsHook')), noControl: 'git reads it only from system, global and command-line configuration, never from a repository' },
  { key: 'core.alternateRefsCommand', set: (g) => config(g, 'core.alternateRefsCommand', trap('core.alternateRefsCommand')), noControl: 'git runs it only when fetching into or pushing to a repository with alternates' },
  {
    key: 'include.path',
    set: (g) => {
      // Relative to .git/config: a file of the working tree (a pull request can commit it).
      writeFileSync(join(g.root, 'hostile.gitconfig'), `[core]\n\tfsmonitor = ${trap('include.path')}\n`);
      config(g, 'include.path', '../hostile.gitconfig');
    },
    control: (g) => plainGit(g, ['status']),
  },
  {
    key: 'includeIf',
    set: (g) => {
      writeFileSync(join(outside, 'conditional.gitconfig'), `[core]\n\tfsmonitor = ${trap('includeIf')}\n`);
      config(g, 'includeIf.onbranch:main.path', join(outside, 'conditional.gitconfig'));
    },
    control: (g) => plainGit(g, ['status']),
  },
];

/** The incident repository, with attributes naming the hostile drivers, a working tree that differs, and `keys` set. */
function hostileRepo(keys: readonly Key[]): TestRepo {
  const repo = incidentRepo({}, {}, 'rollsafe-gitconfig-repo-');
  repos.push(repo);
  repo.write({ '.gitattributes': '*.ts diff=evil filter=evil\n*.sql diff=evil filter=evilp\n' });
  // The working tree differs from the index and from the base, so that a diff or a status has work to do.
  repo.write({ 'src/poller.ts': `${execFileSync('git', ['show', 'base:src/poller.ts'], { cwd: repo.root, encoding: 'utf8' })}// edited\n` });
  // Staged before the keys are set (git add would run the clean filter): check --staged has it to check.
  repo.git('add', 'db/migrations/002_drop_state.sql');
  for (const k of keys) k.set(repo);
  return repo;
}

const markerOf = (key: string): string => key.replace(/\//g, '_').replace(/ \(.*\)$/, '').replace('protocol.<name>.allow', 'protocol.ext');

beforeAll(async () => {
  outside = mkdtempSync(join(tmpdir(), 'rollsafe-gitconfig-'));
  markers = join(outside, 'markers');
  mkdirSync(markers);
  mkdirSync(join(outside, 'traps'));
  r = hostileRepo(KEYS);
  expect(ran()).toEqual([]);

  runs.base = await runCli(r.root, ['check', '--base', 'base', '--format', 'json']);
  runs.refs = await runCli(r.root, ['refs', 'jobs.state']);
  runs.refsAtBase = await runCli(r.root, ['refs', 'jobs.state', '--ref', 'base']);
  runs.staged = await runCli(r.root, ['check', '--staged', '--format', 'json']);
  const linter = new Linter({ cwd: r.root });
  const configs = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...plugin.configs.recommended, { settings: { rollsafe: { base: 'base' } } }];
  const text = "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query('SELECT id, state FROM jobs');\n";
  eslintMessages = linter.verify(text, configs, join(r.root, 'src/poller.ts')).map((m) => `${m.ruleId} ${m.message}`);
  ranDuringRollsafe = ran();
}, 120_000);

afterAll(() => {
  for (const repo of repos) repo.remove();
  if (outside) rmSync(outside, { recursive: true, force: true });
});

describe('a repository whose git configuration names programs', () => {
  it('every command still works', () => {
    expect(runs.base!.code).toBe(1);
    expect(parseJson(runs.base!.stdout).findings.map((f) => f.rule)).toContain('dropped-column-in-use');
    expect(runs.staged!.code).toBe(1);
    expect(parseJson(runs.staged!.stdout).findings.map((f) => f.rule)).toContain('dropped-column-in-use');
    expect(runs.refs!.code).toBe(0);
    expect(runs.refs!.stdout).toMatch(/src\/poller\.ts:3/);
    expect(runs.refsAtBase!.code).toBe(0);
    expect(runs.refsAtBase!.stdout).toMatch(/src\/poller\.ts:3/);
    expect(eslintMessages).toEqual([expect.stringMatching(/^rollsafe\/no-dropped-column Column jobs\.state is dropped by pending migration db\/migrations\/002_drop_state\.sql:1/)]);
    for (const run of Object.values(runs)) expect(run.stderr).toBe('');
  });

  it.each(KEYS.map((k) => [k.key, k] as const))('%s: the program it names never runs', (_name, k) => {
    const marker = markerOf(k.key);
    expect(ranDuringRollsafe).not.toContain(marker);
    if (k.control) {
      // In a repository with only this key set, so that no other key decides what plain git runs.
      k.control(hostileRepo([k]));
      expect(ran(), 'control: plain git runs the program, so the trap is real').toContain(marker);
    } else {
      expect(k.noControl).toBeTruthy();
    }
  });

  it('no program at all ran while rollsafe did', () => {
    expect(ranDuringRollsafe).toEqual([]);
  });
});

describe('a repository whose core.worktree points out of it', () => {
  it('is not read: rollsafe neither scans that folder nor loads a configuration from it', async () => {
    const elsewhere = join(outside, 'elsewhere');
    mkdirSync(join(elsewhere, 'src'), { recursive: true });
    writeFileSync(join(elsewhere, 'rollsafe.config.mjs'), `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(join(markers, 'core.worktree'))}, 'ran');\nexport default {};\n`);
    const g = incidentRepo({}, {}, 'rollsafe-gitconfig-worktree-');
    repos.push(g);
    // Control: plain git takes the other folder for the working tree.
    g.git('config', 'core.worktree', elsewhere);
    expect(execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: g.root, encoding: 'utf8' }).trim()).toBe(elsewhere);
    const run = await runCli(g.root, ['check', '--base', 'base']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`is outside its repository's working tree (${elsewhere}: core.worktree or GIT_WORK_TREE points elsewhere)`);
    const refs = await runCli(g.root, ['refs', 'jobs']);
    expect(refs.stderr).toBe('');
    expect(refs.stdout).toMatch(/src\/poller\.ts:3/);
    expect(ran()).not.toContain('core.worktree');
  });
});
