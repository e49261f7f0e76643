/**
 * Which modules a command loads, seen from a child process running the build (dist/, made by `npm test`'s
 * pretest): the TypeScript compiler (ts-morph, ~9 MB of JavaScript) is the cost to avoid when it is not needed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(repo, 'dist', 'src');
const temps: string[] = [];
let hooks: string;

beforeAll(() => {
  if (!existsSync(join(dist, 'cli', 'bin.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does)');
  const dir = temp('rollsafe-hooks-');
  // Records every module resolved, with its importer, in the file named by ROLLSAFE_LOADED.
  writeFileSync(
    join(dir, 'hooks.mjs'),
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith('file:')) appendFileSync(process.env.ROLLSAFE_LOADED, result.url + ' ' + (context.parentURL ?? '') + '\\n');
  return result;
}
`,
  );
  writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
  hooks = join(dir, 'register.mjs');
});
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

/** Files dated a minute ago (a file changed within two seconds is hashed again, never trusted from its stat). */
function writeOld(root: string, files: Record<string, string>): void {
  const past = new Date(Date.now() - 60_000);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
    utimesSync(join(root, path), past, past);
  }
}

interface Loaded {
  stdout: string;
  /** Module URL → the URLs that imported it. */
  modules: Map<string, string[]>;
}

/** Runs node on `args` in `cwd` and returns what it printed and which modules it loaded. */
function runNode(args: string[], cwd: string): Loaded {
  const log = join(temp('rollsafe-loaded-'), 'loaded.txt');
  writeFileSync(log, '');
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, ['--import', hooks, ...args], { cwd, env: { ...process.env, ROLLSAFE_LOADED: log }, encoding: 'utf8' });
  } catch (error) {
    // `check` exits 1 on findings: its output still counts.
    stdout = (error as { stdout?: string }).stdout ?? '';
  }
  const modules = new Map<string, string[]>();
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    const [url, parent] = line.split(' ');
    if (!url) continue;
    modules.set(url, [...(modules.get(url) ?? []), parent ?? '']);
  }
  return { stdout, modules };
}

const tsMorph = (loaded: Loaded): string[] => [...loaded.modules.keys()].filter((u) => u.includes('/node_modules/ts-morph/'));
const importersOfTsMorph = (loaded: Loaded): string[] =>
  [...new Set([...loaded.modules].filter(([u]) => u.includes('/node_modules/ts-morph/')).flatMap(([, parents]) => parents))].filter((p) => !p.includes('/node_modules/'));
const rel = (url: string): string => fileURLToPath(url).slice(repo.length + 1);

describe('lazy loading', () => {
  it('rollsafe --version loads no command, no parser, no compiler', () => {
    const loaded = runNode([join(repo, 'bin', 'rollsafe.js'), '--version'], repo);
    expect(loaded.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const urls = [...loaded.modules.keys()];
    expect(urls.some((u) => u.includes('/dist/src/cli/main.js'))).toBe(true);
    expect(urls.filter((u) => u.includes('/dist/src/cli/commands/') || u.includes('/node_modules/')).map(rel)).toEqual([]);
  });

  it('a code scan answered from the cache loads neither the extractors nor ts-morph', () => {
    const root = temp('rollsafe-lazy-scan-');
    git(root, 'init', '-q');
    mkdirSync(join(root, 'node_modules'));
    writeOld(root, {
      '.gitignore': 'node_modules/\n',
      'src/users.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query('SELECT email FROM users');\n",
      'src/plain.ts': 'export const nothing = 1;\n',
    });
    const script = join(temp('rollsafe-lazy-script-'), 'scan.mjs');
    writeFileSync(
      script,
      `const { scanWorktree } = await import(${JSON.stringify(pathToFileURL(join(dist, 'code', 'scan.js')).href)});
const { extractorManifest } = await import(${JSON.stringify(pathToFileURL(join(dist, 'code', 'extractors', 'manifest.js')).href)});
const result = await scanWorktree(process.cwd(), { extractors: extractorManifest, migrationDirs: [], keepFacts: false });
console.log(JSON.stringify({ stats: result.stats, columns: result.references.flatMap((r) => (r.column ? [r.column] : [])) }));
`,
    );
    const cold = runNode([script], root);
    // The probe sees ts-morph when a file is parsed: the next assertion can fail.
    expect(tsMorph(cold).length).toBeGreaterThan(0);
    expect(JSON.parse(cold.stdout)).toMatchObject({ stats: { parsed: 1 }, columns: ['email'] });
    const warm = runNode([script], root);
    expect(JSON.parse(warm.stdout)).toMatchObject({ stats: { parsed: 0, bytes: 0 }, columns: ['email'] });
    expect(tsMorph(warm)).toEqual([]);
    expect([...warm.modules.keys()].filter((u) => u.includes('/dist/src/code/extractors/') && !u.endsWith('/manifest.js')).map(rel)).toEqual([]);
  });

  it('rollsafe check on an SQL-only project loads no part of the code stage that parses', () => {
    const root = temp('rollsafe-lazy-sql-');
    git(root, 'init', '-q');
    writeOld(root, { 'README.md': '# sql only\n' });
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'empty');
    git(root, 'branch', 'base');
    writeOld(root, {
      'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n',
      'db/migrations/002_email.sql': 'ALTER TABLE users DROP COLUMN email;\n',
    });
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'migrations');
    const loaded = runNode([join(repo, 'bin', 'rollsafe.js'), 'check', '--base', 'base', '--format', 'json'], root);
    expect(JSON.parse(loaded.stdout).summary).toBeDefined();
    const urls = [...loaded.modules.keys()];
    expect(urls.some((u) => u.includes('/dist/src/code/scan.js'))).toBe(true);
    expect(urls.filter((u) => u.includes('/dist/src/code/extractors/') ? !u.endsWith('/manifest.js') : u.includes('/dist/src/code/extract-file.js')).map(rel)).toEqual([]);
    // Nor does anything else: the TS/JS migration reader loads only for projects that have TS/JS migrations.
    expect(importersOfTsMorph(loaded).map(rel)).toEqual([]);
    expect(tsMorph(loaded)).toEqual([]);
  });
});
