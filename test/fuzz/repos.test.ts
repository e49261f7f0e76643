/**
 * Generated git repositories: random histories (commits, merges, a detached HEAD, the base tag moved),
 * random working-tree states (staged, unstaged, deleted, renamed files), odd file names (LF, ESC, quotes,
 * leading dashes, spaces, non-UTF-8 bytes), and a configuration that names a program for some of the keys
 * that make git run one. `check --base`, `check --staged`, `refs` and `refs --ref` run in-process on each:
 * none throws, every exit code is 0, 1 or 2 (2 with a short message, never a stack trace), no program of
 * the configuration runs, and a second run (from the cache) prints exactly what the first did.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { asyncProperty } from './support/runs.js';

/** File names a pull request can commit: printable, and not. Non-UTF-8 names are written as bytes. */
const NAMES: readonly (string | Buffer)[] = [
  'src/plain.ts',
  'src/sp ace.ts',
  'src/line\nfeed.ts',
  'src/esc\u001b[31m.ts',
  'src/quote".ts',
  "src/apos'.ts",
  'src/-dash.ts',
  '--base.ts',
  '-c.ts',
  'src/ü.ts',
  'src/tab\t.ts',
  Buffer.from([0x73, 0x72, 0x63, 0x2f, 0x66, 0xff, 0xfe, 0x2e, 0x74, 0x73]), // src/f\xff\xfe.ts
];

const CODE: readonly string[] = [
  "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query(`SELECT id, state FROM jobs WHERE state = 'queued'`);\n",
  "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query('SELECT id FROM jobs');\n",
  'export const broken = (;\n',
  '\u0000\u0001binary',
];

const SQL: readonly string[] = [
  'ALTER TABLE jobs DROP COLUMN state;\n',
  'ALTER TABLE jobs ADD COLUMN note text;\n',
  'CREATE TABLE extra (id bigint PRIMARY KEY);\n',
  'ALTER TABLE ;\n',
  'ALTER TABLE jobs RENAME COLUMN kind TO sort;\n',
];

/** Keys that make git run a program (see test/security/git-config.test.ts); each case sets some. */
const KEYS: readonly string[] = ['core.fsmonitor', 'core.pager', 'pager.ls-files', 'diff.external', 'diff.evil.command', 'diff.evil.textconv', 'filter.evil.clean', 'filter.evil.smudge', 'filter.evil.process', 'credential.helper', 'core.askPass', 'core.sshCommand'];

type Op =
  | { op: 'write'; name: number; code: number }
  | { op: 'migration'; n: number; sql: number }
  | { op: 'delete'; name: number }
  | { op: 'rename'; from: number; to: number }
  | { op: 'stage' }
  | { op: 'commit' }
  | { op: 'tag' }
  | { op: 'detach' }
  | { op: 'merge'; name: number; code: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('write' as const), name: fc.nat(NAMES.length - 1), code: fc.nat(CODE.length - 1) }),
  fc.record({ op: fc.constant('migration' as const), n: fc.integer({ min: 2, max: 6 }), sql: fc.nat(SQL.length - 1) }),
  fc.record({ op: fc.constant('delete' as const), name: fc.nat(NAMES.length - 1) }),
  fc.record({ op: fc.constant('rename' as const), from: fc.nat(NAMES.length - 1), to: fc.nat(NAMES.length - 1) }),
  fc.constant({ op: 'stage' as const }),
  fc.constant({ op: 'commit' as const }),
  fc.constant({ op: 'tag' as const }),
  fc.constant({ op: 'detach' as const }),
  fc.record({ op: fc.constant('merge' as const), name: fc.nat(NAMES.length - 1), code: fc.nat(CODE.length - 1) }),
);

const repoCase = fc.record({ ops: fc.array(op, { maxLength: 12 }), keys: fc.subarray([...KEYS]), ci: fc.boolean() });

let work: string;
let traps: string;
let markers: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'rollsafe-fuzz-repos-'));
  markers = join(work, 'markers');
  traps = join(work, 'trap.sh');
  mkdirSync(markers);
  writeFileSync(traps, `#!/bin/sh\necho "$0 $*" >> ${JSON.stringify(join(markers, 'ran'))}\nexit 1\n`);
  chmodSync(traps, 0o755);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const pathOf = (root: string, name: string | Buffer): string | Buffer => (typeof name === 'string' ? join(root, name) : Buffer.concat([Buffer.from(`${root}/`), name]));

function build(root: string, ops: readonly Op[]): void {
  let merges = 0;
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=fuzz', '-c', 'user.email=fuzz@rollsafe.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: root, stdio: 'ignore' });
  };
  const write = (name: string | Buffer, text: string): void => {
    const path = pathOf(root, name);
    mkdirSync(join(root, typeof name === 'string' && name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : 'src'), { recursive: true });
    writeFileSync(path, text);
  };
  git('init', '-q', '-b', 'main');
  // A node_modules folder keeps the cache inside the case's folder.
  mkdirSync(join(root, 'node_modules'));
  write('db/migrations/001_jobs.sql', 'CREATE TABLE jobs (id bigint PRIMARY KEY, state text NOT NULL, kind text);\n');
  write('src/poller.ts', CODE[0]!);
  git('add', '-A');
  git('commit', '-q', '-m', 'base');
  git('tag', 'base');
  for (const o of ops) {
    switch (o.op) {
      case 'write':
        write(NAMES[o.name]!, CODE[o.code]!);
        break;
      case 'migration':
        write(`db/migrations/00${o.n}_step.sql`, SQL[o.sql]!);
        break;
      case 'delete':
        rmSync(pathOf(root, NAMES[o.name]!), { force: true });
        break;
      case 'rename': {
        const from = pathOf(root, NAMES[o.from]!);
        if (existsSync(from) && o.from !== o.to) renameSync(from, pathOf(root, NAMES[o.to]!));
        break;
      }
      case 'stage':
        git('add', '-A');
        break;
      case 'commit':
        git('add', '-A');
        git('commit', '-q', '--allow-empty', '-m', 'step');
        break;
      case 'tag':
        git('tag', '-f', 'base');
        break;
      case 'detach':
        git('checkout', '-q', '--detach');
        break;
      case 'merge': {
        // A side branch with one commit, merged back; the working tree's changes are committed first.
        git('add', '-A');
        git('commit', '-q', '--allow-empty', '-m', 'before merge');
        const side = `side-${++merges}`;
        git('branch', side);
        git('checkout', '-q', side);
        write(NAMES[o.name]!, CODE[o.code]!);
        git('add', '-A');
        git('commit', '-q', '--allow-empty', '-m', 'side');
        git('checkout', '-q', '-');
        write(`src/main-${merges}.ts`, CODE[1]!);
        git('add', '-A');
        git('commit', '-q', '-m', 'main side');
        git('merge', '-q', '--no-edit', '-X', 'theirs', side);
        break;
      }
    }
  }
}

/** The hostile configuration, set last: the test's own git commands above must not run the traps. */
function configure(root: string, keys: readonly string[]): void {
  if (keys.some((k) => k.startsWith('diff.evil') || k.startsWith('filter.evil'))) writeFileSync(join(root, '.gitattributes'), '* diff=evil filter=evil\n');
  for (const key of keys) execFileSync('git', ['config', '--add', key, traps], { cwd: root, stdio: 'ignore' });
}

async function rollsafe(root: string, argv: string[], ci: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const env: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...(ci ? { CI: 'true' } : {}) };
  const code = await run(argv, { cwd: root, env, stdout: { write: (t: string) => void (stdout += t) }, stderr: { write: (t: string) => void (stderr += t) } });
  return { code, stdout, stderr };
}

const COMMANDS: readonly string[][] = [
  ['check', '--base', 'base', '--format', 'json'],
  ['check', '--staged', '--format', 'json'],
  ['refs', 'jobs.state', '--format', 'json'],
  ['refs', 'jobs.state', '--ref', 'base', '--format', 'json'],
];

describe('generated repositories', () => {
  it('no crash, no program run, exit 0/1/2, the same output twice', async () => {
    let n = 0;
    await asyncProperty(
      repoCase,
      async ({ ops, keys, ci }) => {
        const root = join(work, `case-${++n}`);
        mkdirSync(root);
        try {
          build(root, ops);
          configure(root, keys);
          for (const argv of COMMANDS) {
            const first = await rollsafe(root, argv, ci);
            expect([0, 1, 2], `${argv.join(' ')}: ${first.stderr}`).toContain(first.code);
            expect(first.stderr).not.toMatch(/\n\s+at /);
            if (first.code === 2) expect(first.stderr.trimEnd().split('\n').length).toBeLessThanOrEqual(2);
            const again = await rollsafe(root, argv, ci);
            // refs prints how long the scan took, and what it read and what came from the cache: the rest must match.
            const stable = (text: string): string => text.replace(/"(ms|cached|parsed|bytes|skipped)": \d+/g, '"$1": 0');
            expect(stable(again.stdout)).toBe(stable(first.stdout));
            expect(again.code).toBe(first.code);
          }
          expect(readdirSync(markers)).toEqual([]);
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      },
      { seed: 1501, sample: 1, full: 200 },
    );
  }, 600_000);
});
