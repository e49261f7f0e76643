/**
 * Fault tests run the real CLI (the build) in a child process, so that a crash, a signal or a missing binary
 * is seen as a user sees it; and they build small repositories with a known finding to check that the run
 * still reports it.
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { binPath, ensureBuilt } from '../support/built.js';
import { TestRepo, type Files } from '../support/git-repo.js';

export interface CliProcess {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  env?: Record<string, string | undefined>;
  /** Run as this user (tests running as root drop to `nobody` so that file permissions apply). */
  uid?: number;
  gid?: number;
  /** Node options before the script (`--require`, `--import`). */
  nodeArgs?: string[];
  /** Called once the process has started (to send it a signal). */
  onSpawn?: (pid: number) => void;
}

/** Runs `bin/rollsafe.js` with `args` in `cwd`. The environment is minimal unless `env` adds to it. */
export function runCli(cwd: string, args: string[], options: SpawnOptions = {}): Promise<CliProcess> {
  ensureBuilt();
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries({ PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, NO_COLOR: '1', ...options.env })) if (v !== undefined) env[k] = v;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), binPath, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.uid !== undefined ? { uid: options.uid } : {}),
      ...(options.gid !== undefined ? { gid: options.gid } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('spawn', () => options.onSpawn?.(child.pid!));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const pg = (sql: string): string => `import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query(\`${sql}\`);\n`;

/**
 * The incident in miniature: the running release (tag `base`) polls `jobs.state`; the new migration, left
 * uncommitted, drops it. `check --base base` must report `dropped-column-in-use` at 002_drop_state.sql.
 */
export function incidentRepo(extraBase: Files = {}, extraHead: Files = {}, prefix = 'rollsafe-fault-'): TestRepo {
  const repo = new TestRepo(prefix);
  repo.commit('base', {
    'db/migrations/001_jobs.sql': 'CREATE TABLE jobs (id bigint PRIMARY KEY, state text NOT NULL, kind text);\n',
    'src/poller.ts': pg("SELECT id, state FROM jobs WHERE state = 'queued'"),
    ...extraBase,
  });
  repo.tag('base');
  repo.write({ 'db/migrations/002_drop_state.sql': 'ALTER TABLE jobs DROP COLUMN state;\n', ...extraHead });
  return repo;
}

export interface CheckOutput {
  findings: { rule: string; location: { path: string; line: number } }[];
  diagnostics: { code: string; path: string; line: number; severity: string; message: string }[];
}

export function parseJson(stdout: string): CheckOutput {
  return JSON.parse(stdout) as CheckOutput;
}

/** `rule path:line` of each finding. */
export function findingKeys(out: CheckOutput): string[] {
  return out.findings.map((f) => `${f.rule} ${f.location.path}:${f.location.line}`).sort();
}

export const isRoot = process.getuid?.() === 0;
export const NOBODY = 65534;

/** Gives a tree to `nobody` (and makes it reachable), so a test running as root can run the CLI as nobody. */
export function giveToNobody(root: string): void {
  const visit = (path: string): void => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) return;
    chownSync(path, NOBODY, NOBODY);
    if (stat.isDirectory()) {
      chmodSync(path, 0o755);
      for (const name of readdirSync(path)) visit(join(path, name));
    }
  };
  visit(root);
}
