/**
 * rollsafe installed as a user installs it: `npm pack` of this checkout (its `prepack` builds a clean dist),
 * the tarball installed from the registry's point of view into a new TypeScript project with ESLint 9 or 10
 * and typescript-eslint, `npx rollsafe init --yes`, then `npx eslint .`. The ESLint configuration is the one
 * docs/eslint.md shows (read out of the doc), and init is what writes rollsafe into it.
 *
 * Needs the npm registry (or npm's cache): the dependencies are installed once per run, one project per
 * ESLint major, in parallel.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typescriptEslintConfigs } from '../support/doc-snippets.js';
import { TestRepo } from '../support/git-repo.js';
import { pendingMigrations, SHOP } from '../eslint/project.js';

const checkout = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'rollsafe-install-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The environment of a user's shell: no CI target branch, no npm settings inherited from `npm test`. */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(npm_|GITHUB_|CI_MERGE_REQUEST_)/i.test(key)));

function run(cwd: string, command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function runAsync(cwd: string, command: string, args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, output }));
  });
}

interface Packed {
  tarball: string;
  files: string[];
}

/** `npm pack` of a copy of this checkout (tracked and new files), so that prepack's clean build runs there. */
function pack(): Packed {
  const source = join(work, 'rollsafe');
  const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: checkout, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of listed) {
    mkdirSync(dirname(join(source, file)), { recursive: true });
    try {
      cpSync(join(checkout, file), join(source, file));
    } catch {
      // deleted in the worktree but still tracked
    }
  }
  symlinkSync(join(checkout, 'node_modules'), join(source, 'node_modules'), 'dir');
  const result = run(source, 'npm', ['pack', '--json', '--pack-destination', work]);
  expect(result.status, result.stderr).toBe(0);
  const [info] = JSON.parse(result.stdout.slice(result.stdout.search(/^\[/m))) as { filename: string; files: { path: string }[] }[];
  return { tarball: join(work, info!.filename), files: info!.files.map((f) => f.path) };
}

/** A TypeScript project: the shop fixture (raw SQL through pg, Drizzle models), with its migrations pending. */
function project(name: string, eslintConfig: string): TestRepo {
  const repo = new TestRepo(`rollsafe-install-${name}-`);
  cpSync(SHOP, repo.root, { recursive: true, filter: (src) => !src.startsWith(join(SHOP, 'pending')) && !/rollsafe\.config\.json$|eslint\.config\.js$/.test(src) });
  repo.write({
    '.gitignore': 'node_modules/\n',
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', strict: true, noEmit: true }, include: ['src'] }, null, 2),
    'eslint.config.js': eslintConfig,
  });
  return repo;
}

/** The doc's configuration as a TypeScript project has it before rollsafe: the same lines without rollsafe's. */
const withoutRollsafe = (config: string): string =>
  config
    .split('\n')
    .filter((l) => !l.includes('rollsafe'))
    .join('\n');

interface EslintMessage {
  ruleId: string | null;
  severity: number;
  line: number;
  column: number;
  message: string;
  fatal?: boolean;
}

function eslint(repo: TestRepo): { status: number | null; found: string[]; unparsed: string[]; stderr: string } {
  const result = run(repo.root, 'npx', ['eslint', '--format', 'json', '.']);
  let files: { filePath: string; messages: EslintMessage[] }[] = [];
  try {
    files = JSON.parse(result.stdout) as typeof files;
  } catch {
    // a crash prints no JSON: the status and stderr say why
  }
  const messages = files.flatMap((f) => f.messages.map((m) => ({ ...m, file: relative(repo.root, f.filePath) })));
  return {
    status: result.status,
    stderr: result.stderr,
    found: messages.map((m) => `${m.file}:${m.line}:${m.column} ${m.ruleId}`),
    unparsed: messages.filter((m) => m.fatal === true || m.ruleId === null).map((m) => `${m.file}:${m.line} ${m.message}`),
  };
}

const configs = typescriptEslintConfigs();
const configNamed = (callee: string): string => configs.find((c) => c.includes(`export default ${callee}(`))!;
/** One doc configuration per ESLint major; test/eslint/cli.test.ts runs both on the ESLint of this checkout. */
const majors = [
  { eslint: 9, config: 'tseslint.config' },
  { eslint: 10, config: 'defineConfig' },
];

let packed: Packed;
const projects = new Map<number, TestRepo>();
const installs = new Map<number, { status: number | null; output: string }>();

beforeAll(async () => {
  packed = pack();
  await Promise.all(
    majors.map(async ({ eslint: major, config }) => {
      const repo = project(`eslint${major}`, withoutRollsafe(configNamed(config)));
      projects.set(major, repo);
      repo.write({ 'package.json': JSON.stringify({ name: `shop-eslint${major}`, private: true, type: 'module' }, null, 2) });
      repo.commit('the application, deployed');
      installs.set(
        major,
        await runAsync(repo.root, 'npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--save-dev', packed.tarball, `eslint@^${major}`, 'typescript-eslint@^8', 'typescript@^5', '@types/node@^20']),
      );
    }),
  );
}, 600_000);
afterAll(() => projects.forEach((r) => r.remove()));

describe('the package', () => {
  it('has a LICENSE, no source maps, and the files its Markdown links to', () => {
    expect(packed.files).toContain('LICENSE');
    expect(packed.files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(packed.files).toContain('dist/src/eslint/index.js');
    const inPackage = new Set(packed.files);
    const dangling: string[] = [];
    for (const doc of packed.files.filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(work, 'rollsafe', doc), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z+.-]*:/i.test(target!) || target!.startsWith('#')) continue; // absolute URLs, anchors
        const path = posix.normalize(posix.join(posix.dirname(doc), target!.split('#')[0]!));
        if (!inPackage.has(path) && !packed.files.some((f) => f.startsWith(`${path}/`))) dangling.push(`${doc} -> ${target}`);
      }
    }
    expect(dangling).toEqual([]);
    expect(readFileSync(join(checkout, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) rollsafe contributors\n/);
    expect((JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as { license: string }).license).toBe('MIT');
  });
});

describe.each(majors)('installed next to ESLint $eslint and typescript-eslint', ({ eslint: major, config }) => {
  it(`npx rollsafe init --yes writes the ${config}(…) configuration of docs/eslint.md; npx eslint . reports code and migrations, no parse error`, () => {
    const install = installs.get(major)!;
    expect(install.status, install.output).toBe(0);
    const repo = projects.get(major)!;
    const installed = JSON.parse(readFileSync(join(repo.root, 'node_modules', 'eslint', 'package.json'), 'utf8')) as { version: string };
    expect(installed.version.split('.')[0]).toBe(String(major));

    // Before rollsafe: the TypeScript project lints clean.
    const before = eslint(repo);
    expect(before.stderr).toBe('');
    expect(before).toMatchObject({ status: 0, found: [], unparsed: [] });

    const init = run(repo.root, 'npx', ['rollsafe', 'init', '--yes']);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toContain('Edited eslint.config.js');
    expect(readFileSync(join(repo.root, 'eslint.config.js'), 'utf8')).toBe(configNamed(config));

    repo.write(pendingMigrations());
    const after = eslint(repo);
    expect(after.stderr).toBe('');
    expect(after.unparsed).toEqual([]);
    expect(after.status).toBe(1);
    expect(after.found).toEqual(
      expect.arrayContaining([
        'src/carts.ts:10:68 rollsafe/no-dropped-column',
        'src/db/schema.ts:6:3 rollsafe/no-dropped-column',
        'src/search.ts:7:86 rollsafe/no-unknown-column',
        'db/migrations/004_drop_nickname.sql:1:1 rollsafe/dropped-column-in-use',
        'db/migrations/006_drop_carts.sql:1:1 rollsafe/dropped-table-in-use',
        'db/migrations/007_email_index.sql:2:1 rollsafe/require-concurrent-index',
      ]),
    );
    expect(after.found.filter((f) => !f.includes(' rollsafe/'))).toEqual([]);
  }, 300_000);
});

describe('a TypeScript project whose ESLint config lints JavaScript only', () => {
  it('stays clean after npx rollsafe init --yes: the config is left alone and the TypeScript lines are printed', () => {
    const install = installs.get(10)!;
    expect(install.status, install.output).toBe(0);
    const repo = project('js-only', "export default [\n  { rules: { 'no-console': 'warn' } },\n];\n");
    try {
      repo.write({ 'package.json': readFileSync(join(projects.get(10)!.root, 'package.json'), 'utf8') });
      symlinkSync(join(projects.get(10)!.root, 'node_modules'), join(repo.root, 'node_modules'), 'dir');
      repo.commit('the application, deployed');
      expect(eslint(repo)).toMatchObject({ status: 0, unparsed: [] });

      const init = run(repo.root, 'npx', ['rollsafe', 'init', '--yes']);
      expect(init.status, init.stderr).toBe(0);
      expect(init.stdout).toContain("ESLint (eslint.config.js): not edited. It has no parser for this project's TypeScript files");
      expect(init.stdout).toContain('export default defineConfig(');
      expect(readFileSync(join(repo.root, 'eslint.config.js'), 'utf8')).toBe("export default [\n  { rules: { 'no-console': 'warn' } },\n];\n");
      repo.write(pendingMigrations());
      expect(eslint(repo)).toMatchObject({ status: 0, unparsed: [] });
    } finally {
      repo.remove();
    }
  }, 120_000);
});
