/**
 * Fault tests run the real CLI (the build) in a child process, so that a crash, a signal or a missing binary
 * is seen as a user sees it; and they build small repositories with a known finding to check that the run
 * still reports it.
 */
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, expect } from 'vitest';
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
  findings: { rule: string; location: { path: string; line: number }; references: { path: string; source: string }[] }[];
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

const pgQuery = (i: number): string => `import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q${i} = () => pool.query(\`SELECT id, kind FROM jobs WHERE id = \${${i}}\`);\n`;

/** The incident, with node_modules (so the cache lives in the repository) and some code to cache. */
export function cachedRepo(files = 40): TestRepo {
  const code = Object.fromEntries(Array.from({ length: files }, (_, i) => [`src/q/${i}.ts`, pgQuery(i)]));
  return incidentRepo({ 'node_modules/.keep': '', ...code });
}

export function cacheFiles(root: string): string[] {
  const dir = join(root, 'node_modules/.cache/rollsafe');
  const out: string[] = [];
  const walk = (d: string): void => {
    if (!existsSync(d)) return;
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.push(full);
    }
  };
  walk(dir);
  return out;
}

/**
 * Every cache file of the current cache version is whole JSON, and no temporary file is left. Files of another
 * version are left alone by design (removed after an hour); one appears when the build changes during a test.
 */
export function expectWholeCache(root: string): void {
  const files = cacheFiles(root);
  expect(files.length).toBeGreaterThan(0);
  const versions = [...new Set(files.map((f) => /\/(code-[^/]+)\//.exec(f)?.[1]).filter((v): v is string => v !== undefined))];
  const current = versions.sort((a, b) => statSync(join(root, 'node_modules/.cache/rollsafe', b)).mtimeMs - statSync(join(root, 'node_modules/.cache/rollsafe', a)).mtimeMs)[0];
  for (const file of files) {
    expect(file, 'no temporary file left').not.toMatch(/\.tmp$/);
    const version = /\/(code-[^/]+)\//.exec(file)?.[1];
    if (version !== undefined && version !== current) continue;
    expect(() => JSON.parse(readFileSync(file, 'utf8')), relative(root, file)).not.toThrow();
  }
}

/** `check --base base --format json`. */
export const checkArgs = ['check', '--base', 'base', '--format', 'json'];

/**
 * The repositories and folders one test file makes, removed after it: `repo` is an incident repository,
 * `tempDir` a new folder, `keep` a folder made otherwise.
 */
export function scratch(): { repo: typeof incidentRepo; tempDir: (prefix: string) => string; keep: (dir: string) => string } {
  const repos: TestRepo[] = [];
  const dirs: string[] = [];
  afterAll(() => {
    for (const r of repos) r.remove();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const keep = (dir: string): string => {
    dirs.push(dir);
    return dir;
  };
  return {
    repo: (...args) => {
      const r = incidentRepo(...args);
      repos.push(r);
      return r;
    },
    tempDir: (prefix) => keep(mkdtempSync(join(tmpdir(), prefix))),
    keep,
  };
}
