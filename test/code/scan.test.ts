import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheKey, FactsCache } from '../../src/code/cache.js';
import { emptyFacts } from '../../src/code/extract-file.js';
import type { Extractor } from '../../src/code/extractor.js';
import { rawSql } from '../../src/code/extractors/raw-sql.js';
import { codeContext, FileSelection, isGeneratedClient } from '../../src/code/files.js';
import { Glob, GlobList } from '../../src/code/glob.js';
import type { ExtractorManifest } from '../../src/code/extractors/manifest.js';
import { knownNameTest, quotedNames, scanRef, scanWorktree, type ScanOptions } from '../../src/code/scan.js';
import { GitError } from '../../src/git.js';

const temps: string[] = [];
function temp(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: gitEnv, encoding: 'utf8' }).trim();
}

/** An extractor that wants files containing `PROBE` and records what it was given. */
function probe(): Extractor & { seen: string[] } {
  const seen: string[] = [];
  return {
    name: 'probe',
    seen,
    wants: (text) => text.includes('PROBE'),
    extract(input, facts) {
      seen.push(input.path);
      facts.references.push({
        table: 'probed',
        kind: 'read',
        confidence: 'certain',
        implicit: false,
        context: input.context,
        location: { path: input.path, line: 1, column: 1, endLine: 1, endColumn: 1 },
        extractor: 'probe',
        snippet: '',
      });
    },
  };
}

describe('file selection', () => {
  it('knows where code runs: tests, scripts, the app', () => {
    const cases: Record<string, string> = {
      'src/users.ts': 'app',
      'src/users.test.ts': 'test',
      'src/users.spec.tsx': 'test',
      'src/__tests__/users.ts': 'test',
      'test/helpers.ts': 'test',
      'packages/api/tests/db.ts': 'test',
      'e2e/login.ts': 'test',
      'cypress/support/commands.js': 'test',
      'vitest.config.ts': 'test',
      'scripts/backfill.ts': 'script',
      'prisma/seed.ts': 'script',
      'db/seeds/users.js': 'script',
      'bin/cli.mjs': 'script',
      'src/testing-library.ts': 'app',
      'src/contest/entries.ts': 'app',
    };
    expect(Object.fromEntries(Object.keys(cases).map((p) => [p, codeContext(p)]))).toEqual(cases);
  });

  it('skips dependencies, build output, declarations, generated clients, migrations and excluded files', () => {
    const prismaLike: Extractor = { name: 'p', extraExtensions: ['.prisma'], wants: () => true, extract: () => undefined };
    const selection = new FileSelection({ extractors: [prismaLike], migrationDirs: ['db/migrations', './supabase/migrations/'], exclude: ['legacy', '**/*.fixture.ts'] });
    const cases: Record<string, string | null> = {
      'src/a.ts': null,
      'src/a.mts': null,
      'src/a.cjs': null,
      'prisma/schema.prisma': null,
      'README.md': 'extension',
      'src/types.d.ts': 'declaration',
      'src/types.d.mts': 'declaration',
      'node_modules/pg/lib/client.js': 'skipped-dir',
      'packages/web/.next/server/page.js': 'skipped-dir',
      'dist/index.js': 'skipped-dir',
      'node_modules/.prisma/client/index.js': 'skipped-dir',
      'src/generated/prisma/client.ts': 'generated',
      'public/vendor.min.js': 'generated',
      'db/migrations/001_init.ts': 'migration',
      'supabase/migrations/20240101_x.ts': 'migration',
      'db/migrations-helper.ts': null,
      'legacy/old.ts': 'excluded',
      'src/legacy/old.ts': 'excluded',
      'src/users.fixture.ts': 'excluded',
    };
    expect(Object.fromEntries(Object.keys(cases).map((p) => [p, selection.skipReason(p)]))).toEqual(cases);
    expect(selection.wantsDir('db/migrations')).toBe(false);
    expect(selection.wantsDir('src')).toBe(true);
    const only = new FileSelection({ extractors: [], migrationDirs: [], include: ['src/**'] });
    expect([only.skipReason('src/a.ts'), only.skipReason('lib/a.ts')]).toEqual([null, 'not-included']);
  });

  it('matches globs the way config authors expect', () => {
    expect(new Glob('src/**/*.ts').matches('src/a/b/c.ts')).toBe(true);
    expect(new Glob('src/**/*.ts').matches('src/c.ts')).toBe(true);
    expect(new Glob('src/*.ts').matches('src/a/c.ts')).toBe(false);
    expect(new Glob('*.{ts,js}').matches('deep/x.js')).toBe(true);
    expect(new Glob('/scripts').matches('scripts/x.ts')).toBe(true);
    expect(new Glob('/scripts').matches('app/scripts/x.ts')).toBe(false);
    expect(new Glob('file?.ts').matches('file1.ts')).toBe(true);
    expect(new Glob('[ab].ts').matches('c.ts')).toBe(false);
    expect(new Glob('a.ts').matches('xa.ts')).toBe(false);
    expect(new GlobList([]).matches('anything')).toBe(false);
  });

  it('recognises generated clients only where they are generated', () => {
    expect(isGeneratedClient('src/generated/db.ts', '/* eslint-disable */\n// @generated by kysely-codegen\n')).toBe(true);
    expect(isGeneratedClient('src/db.ts', '// @generated by kysely-codegen\n')).toBe(false);
    expect(isGeneratedClient('src/generated/schema.ts', "import { pgTable } from 'drizzle-orm/pg-core';\n")).toBe(false);
  });

  it('tests known names only inside string literals', () => {
    const test = knownNameTest(['users', 'line_items']);
    expect(test("db('users')")).toBe(true);
    expect(test('knex("public.line_items")')).toBe(true);
    expect(test("from('users as u')")).toBe(true);
    expect(test("t('users.email')")).toBe(true);
    expect(test('const users = await listUsers();')).toBe(false);
    expect(test("t('superusers')")).toBe(false);
    expect(knownNameTest([])("'users'")).toBe(false);
  });
});

describe('scanWorktree', () => {
  it('parses only the files some extractor wants, or that name a known table in a string', async () => {
    const root = temp('rollsafe-scan-');
    write(root, {
      'src/a.ts': 'export const PROBE = 1;\n',
      'src/b.ts': 'export const nothing = 2;\n',
      'src/c.ts': "export const t = db('invoices');\n",
      'src/d.test.ts': 'export const PROBE = 3;\n',
      'migrations/001.ts': 'export const PROBE = 4;\n',
      'node_modules/x/index.js': 'export const PROBE = 5;\n',
      'src/big.ts': `// PROBE\n${'x'.repeat(2000)}\n`,
      'src/binary.ts': 'PROBE\0\0\0',
    });
    const first = probe();
    const options: ScanOptions = { extractors: [first], migrationDirs: ['migrations'], cacheDir: false, maxFileBytes: 1000 };
    const plain = await scanWorktree(root, options);
    expect(first.seen.sort()).toEqual(['src/a.ts', 'src/d.test.ts']);
    expect(plain.stats).toMatchObject({ files: 6, parsed: 2, cached: 0, skipped: 4 });
    expect(plain.references.map((r) => `${r.location.path} ${r.context}`)).toEqual(['src/a.ts app', 'src/d.test.ts test']);

    const second = probe();
    await scanWorktree(root, { ...options, extractors: [second], knownNames: ['invoices'] });
    expect(second.seen.sort()).toEqual(['src/a.ts', 'src/c.ts', 'src/d.test.ts']);
  });

  it('reads git\'s view of a repository: ignored files are not code', async () => {
    const root = temp('rollsafe-scan-git-');
    git(root, 'init', '-q');
    write(root, { '.gitignore': 'tmp/\n', 'src/a.ts': 'PROBE\n', 'tmp/b.ts': 'PROBE\n', 'untracked.ts': 'PROBE\n' });
    git(root, 'add', '.gitignore', 'src/a.ts');
    git(root, 'commit', '-q', '-m', 'one');
    const p = probe();
    await scanWorktree(root, { extractors: [p], migrationDirs: [], cacheDir: false });
    expect(p.seen.sort()).toEqual(['src/a.ts', 'untracked.ts']);
  });
});

describe('facts cache', () => {
  it('hits on unchanged files, misses on changed ones, and survives a corrupt pack', async () => {
    const root = temp('rollsafe-cache-');
    const cacheDir = temp('rollsafe-cache-dir-');
    write(root, { 'src/a.ts': 'PROBE a\n', 'src/b.ts': 'PROBE b\n', 'src/c.ts': 'nothing\n' });
    const run = async (): Promise<{ seen: string[]; stats: unknown }> => {
      const p = probe();
      const result = await scanWorktree(root, { extractors: [p], migrationDirs: [], cacheDir });
      expect(result.references.map((r) => r.location.path).sort()).toEqual(['src/a.ts', 'src/b.ts']);
      return { seen: p.seen.sort(), stats: result.stats };
    };
    expect((await run()).seen).toEqual(['src/a.ts', 'src/b.ts']);
    expect(await run()).toMatchObject({ seen: [], stats: { parsed: 0, cached: 2 } });
    writeFileSync(join(root, 'src/b.ts'), 'PROBE b changed\n');
    expect(await run()).toMatchObject({ seen: ['src/b.ts'], stats: { parsed: 1, cached: 1 } });

    const [versionDir] = readdirSync(cacheDir);
    const pack = join(cacheDir, versionDir!, 'worktree.json');
    expect(JSON.parse(readFileSync(pack, 'utf8')).format).toBe(2);
    writeFileSync(pack, '{"format":1,"ver');
    expect((await run()).seen).toEqual(['src/a.ts', 'src/b.ts']);
    expect(JSON.parse(readFileSync(pack, 'utf8')).format).toBe(2);

    // One bad entry costs only that file.
    const data = JSON.parse(readFileSync(pack, 'utf8')) as { entries: Record<string, unknown> };
    const badKey = Object.keys(data.entries).find((k) => k.endsWith(':src/a.ts'))!;
    data.entries[badKey] = { path: 'src/a.ts', references: 'oops' };
    writeFileSync(pack, JSON.stringify(data));
    expect((await run()).seen).toEqual(['src/a.ts']);
    expect(readdirSync(join(cacheDir, versionDir!)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps the pack whole when writers race', async () => {
    const root = temp('rollsafe-race-');
    const cacheDir = temp('rollsafe-race-dir-');
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) files[`src/f${i}.ts`] = `PROBE ${i}\n`;
    write(root, files);
    const results = await Promise.all([1, 2, 3, 4].map(() => scanWorktree(root, { extractors: [probe()], migrationDirs: [], cacheDir })));
    for (const r of results) expect(r.references).toHaveLength(40);
    // Several cache objects writing the same pack at once, as separate processes would.
    const writers = [0, 1, 2].map((n) => {
      const cache = new FactsCache({ root, cacheDir, extractors: [probe()] }, 'worktree');
      for (let i = 0; i < 200; i++) cache.set(cacheKey(`x${n}/${i}.ts`, 'app', `${n}${i}`.padEnd(40, '0'), false), emptyFacts(`x${n}/${i}.ts`, 'app'));
      return cache;
    });
    expect(writers.map((w) => w.save())).toEqual([true, true, true]);
    const [versionDir] = readdirSync(cacheDir);
    const names = readdirSync(join(cacheDir, versionDir!));
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const pack = JSON.parse(readFileSync(join(cacheDir, versionDir!, 'worktree.json'), 'utf8')) as { entries: Record<string, unknown> };
    expect(Object.keys(pack.entries)).toHaveLength(200);
    const again = probe();
    const warm = await scanWorktree(root, { extractors: [again], migrationDirs: [], cacheDir });
    expect(warm.references).toHaveLength(40);
  });

  it('does not write into a repository without node_modules, and can be turned off', () => {
    const root = temp('rollsafe-nomodules-');
    const cache = new FactsCache({ root, extractors: [] }, 'worktree');
    expect(cache.dir?.startsWith(tmpdir())).toBe(true);
    expect(existsSync(join(root, 'node_modules'))).toBe(false);
    expect(new FactsCache({ root, cacheDir: false, extractors: [] }, 'worktree').dir).toBeNull();
    mkdirSync(join(root, 'node_modules'));
    expect(new FactsCache({ root, extractors: [] }, 'worktree').dir?.startsWith(join(root, 'node_modules', '.cache', 'rollsafe'))).toBe(true);
  });
});

describe('scanRef', () => {
  let repo: string;
  let first: string;
  const sqlFile = (column: string): string => `import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query('SELECT ${column} FROM users');\n`;

  beforeAll(() => {
    repo = temp('rollsafe-ref-');
    git(repo, 'init', '-q');
    write(repo, { 'src/users.ts': sqlFile('email'), 'app/web/page.ts': sqlFile('name'), 'db/migrations/001.ts': sqlFile('plan') });
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'one');
    first = git(repo, 'rev-parse', 'HEAD');
    write(repo, { 'src/users.ts': sqlFile('mail') });
    git(repo, 'commit', '-q', '-am', 'two');
    // Uncommitted work that a ref scan must neither see nor touch.
    write(repo, { 'src/users.ts': sqlFile('nickname'), 'src/new.ts': sqlFile('avatar') });
  });

  const columns = (refs: { column?: string }[]): string[] => refs.flatMap((r) => (r.column ? [r.column] : [])).sort();

  it('reads an older commit from the object database, leaving the worktree alone', async () => {
    const status = git(repo, 'status', '--porcelain');
    const options: ScanOptions = { extractors: [rawSql], migrationDirs: ['db/migrations'], cacheDir: false };
    const old = await scanRef(repo, 'HEAD~1', options);
    expect(old.source).toBe(`HEAD~1 (${first.slice(0, 7)})`);
    expect(columns(old.references)).toEqual(['email', 'name']);
    expect(old.diagnostics).toEqual([]);
    expect(columns((await scanRef(repo, 'HEAD', options)).references)).toEqual(['mail', 'name']);
    expect(columns((await scanWorktree(repo, options)).references)).toEqual(['avatar', 'name', 'nickname']);
    expect(git(repo, 'status', '--porcelain')).toBe(status);
    expect(readFileSync(join(repo, 'src/users.ts'), 'utf8')).toBe(sqlFile('nickname'));
  });

  it('scans a subfolder of the repository with paths relative to it', async () => {
    const result = await scanRef(join(repo, 'app'), first, { extractors: [rawSql], migrationDirs: [], cacheDir: false });
    expect(result.references.map((r) => r.location.path)).toEqual(['web/page.ts', 'web/page.ts']);
  });

  it('shares cache keys between the worktree and refs (git blob hashes)', async () => {
    const cacheDir = temp('rollsafe-ref-cache-');
    const options: ScanOptions = { extractors: [rawSql], migrationDirs: ['db/migrations'], cacheDir };
    const tree = await scanRef(repo, 'HEAD', options);
    expect(tree.stats).toMatchObject({ parsed: 2, cached: 0 });
    // The worktree's page.ts is the same blob as HEAD's: a cold worktree pack is seeded from the ref's.
    const work = await scanWorktree(repo, options);
    expect(work.stats).toMatchObject({ parsed: 2, cached: 1 });
  });

  it('turns a blob missing from the repository into a diagnostic', async () => {
    const tree = git(repo, 'write-tree');
    const listing = `${git(repo, 'ls-tree', tree)}\n100644 blob ${'1'.repeat(40)}\tghost.ts\n`;
    const broken = execFileSync('git', ['mktree', '--missing'], { cwd: repo, env: gitEnv, input: listing, encoding: 'utf8' }).trim();
    const commit = execFileSync('git', ['commit-tree', broken, '-m', 'broken'], { cwd: repo, env: gitEnv, encoding: 'utf8' }).trim();
    const result = await scanRef(repo, commit, { extractors: [rawSql], migrationDirs: [], cacheDir: false });
    expect(result.diagnostics.map((d) => [d.code, d.location.path])).toEqual([['git-blob-missing', 'ghost.ts']]);
    expect(result.references.length).toBeGreaterThan(0);
  });

  it('refuses an unknown ref with a GitError', async () => {
    await expect(scanRef(repo, 'no-such-ref', { extractors: [rawSql], migrationDirs: [], cacheDir: false })).rejects.toBeInstanceOf(GitError);
  });
});

describe('quoted names (the known-names verdict the cache keeps)', () => {
  it('names a plain identifier exactly when knownNameTest finds it', () => {
    const piece = fc.constantFrom("'", '"', '`', '.', '-', ' ', ' as ', 'AS', 'users', 'Users', 'x', 'a-b', '$', '_1', '(', ',', '\n');
    const name = fc.constantFrom('users', 'x', 'a', 'b', 'as', 'USERS', '_1', '$');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), name, (pieces, n) => {
        const text = pieces.join('');
        return knownNameTest([n])(text) === quotedNames(text).includes(n.toLowerCase());
      }),
      { numRuns: 3000 },
    );
  });

  it('reads the shapes the prefilter accepts', () => {
    expect(quotedNames("db('users'); t(\"public.line_items\"); f(`orders as o`); g('users.email'); h('a.b.c')").sort()).toEqual(
      ['b', 'email', 'line_items', 'orders', 'public', 'users'].sort(),
    );
    expect(quotedNames("const users = 1; t('superusers x')")).toEqual([]);
  });
});

describe('warm scans', () => {
  /** Files dated a minute ago, so their stat can be trusted (a file changed within two seconds is hashed again). */
  function writeOld(root: string, files: Record<string, string>): void {
    write(root, files);
    const past = new Date(Date.now() - 60_000);
    for (const path of Object.keys(files)) utimesSync(join(root, path), past, past);
  }

  /** A manifest over `extractors` that counts how often they are loaded. */
  function counted(extractors: Extractor[]): ExtractorManifest & { loads: number } {
    const manifest = {
      names: extractors.map((e) => e.name),
      extraExtensions: [],
      loads: 0,
      load: () => {
        manifest.loads++;
        return Promise.resolve(extractors);
      },
    };
    return manifest;
  }

  it('reads only the files whose stat changed', async () => {
    const root = temp('rollsafe-stat-');
    const cacheDir = temp('rollsafe-stat-cache-');
    writeOld(root, { 'src/a.ts': 'PROBE a\n', 'src/b.ts': 'PROBE b\n', 'src/c.ts': 'nothing here\n' });
    const run = async (): Promise<{ seen: string[]; bytes: number; paths: string[] }> => {
      const p = probe();
      const result = await scanWorktree(root, { extractors: [p], migrationDirs: [], cacheDir });
      return { seen: p.seen.sort(), bytes: result.stats.bytes, paths: result.references.map((r) => r.location.path).sort() };
    };
    expect(await run()).toEqual({ seen: ['src/a.ts', 'src/b.ts'], bytes: 8 + 8 + 13, paths: ['src/a.ts', 'src/b.ts'] });
    expect(await run()).toEqual({ seen: [], bytes: 0, paths: ['src/a.ts', 'src/b.ts'] });
    // Same size, other content, old mtime: the ctime still moved, so the file is read again.
    writeOld(root, { 'src/b.ts': 'PROBE B\n' });
    expect(await run()).toEqual({ seen: ['src/b.ts'], bytes: 8, paths: ['src/a.ts', 'src/b.ts'] });
    // An unwanted file that starts to use the database is read and parsed.
    writeOld(root, { 'src/c.ts': 'PROBE c now\n' });
    expect(await run()).toEqual({ seen: ['src/c.ts'], bytes: 12, paths: ['src/a.ts', 'src/b.ts', 'src/c.ts'] });
    expect(await run()).toMatchObject({ seen: [], bytes: 0 });
  });

  it('does not trust the stat of a file changed just now', async () => {
    const root = temp('rollsafe-racy-');
    const cacheDir = temp('rollsafe-racy-cache-');
    write(root, { 'src/a.ts': 'PROBE a\n' });
    const bytes = async (): Promise<number> => (await scanWorktree(root, { extractors: [probe()], migrationDirs: [], cacheDir })).stats.bytes;
    expect(await bytes()).toBe(8);
    expect(await bytes()).toBe(8);
  });

  it('decides again on known names without reading the files that do not mention them', async () => {
    const root = temp('rollsafe-names-');
    const cacheDir = temp('rollsafe-names-cache-');
    writeOld(root, { 'src/a.ts': "export const x = db('invoices');\n", 'src/b.ts': "export const y = db('orders');\n", 'src/c.ts': 'export const z = 1;\n' });
    const run = async (knownNames: string[]): Promise<{ seen: string[]; bytes: number }> => {
      const p = probe();
      const result = await scanWorktree(root, { extractors: [p], migrationDirs: [], cacheDir, knownNames });
      return { seen: p.seen.sort(), bytes: result.stats.bytes };
    };
    expect((await run(['invoices'])).seen).toEqual(['src/a.ts']);
    // Another name set: only the file that names `orders` is read (to be parsed); the verdicts of the others are cached.
    expect(await run(['orders'])).toEqual({ seen: ['src/b.ts'], bytes: 31 });
    expect(await run(['invoices', 'orders'])).toEqual({ seen: [], bytes: 0 });
    expect(await run(['Payments'])).toEqual({ seen: [], bytes: 0 });
  });

  it('answers an unchanged source from its memo without loading the extractors', async () => {
    const root = temp('rollsafe-memo-');
    const cacheDir = temp('rollsafe-memo-cache-');
    writeOld(root, { 'src/a.ts': 'PROBE a\n// rollsafe-ignore dropped-column-in-use -- kept\n', 'src/b.ts': 'nothing\n' });
    const run = async (): Promise<{ loads: number; result: Awaited<ReturnType<typeof scanWorktree>> }> => {
      const manifest = counted([probe()]);
      const result = await scanWorktree(root, { extractors: manifest, migrationDirs: [], cacheDir, keepFacts: false });
      return { loads: manifest.loads, result };
    };
    const cold = await run();
    expect(cold.loads).toBe(1);
    expect(cold.result.files).toEqual([]);
    expect(cold.result.references.map((r) => r.location.path)).toEqual(['src/a.ts']);
    expect([...cold.result.suppressions.keys()]).toEqual(['src/a.ts']);
    const warm = await run();
    expect(warm.loads).toBe(0);
    expect(warm.result.references).toEqual(cold.result.references);
    expect(warm.result.suppressions).toEqual(cold.result.suppressions);
    expect(warm.result.stats).toMatchObject({ files: 2, parsed: 0, cached: 1, skipped: 1, bytes: 0 });
    // Other options (known names) are another memo.
    const manifest = counted([probe()]);
    await scanWorktree(root, { extractors: manifest, migrationDirs: [], cacheDir, keepFacts: false, knownNames: ['users'] });
    expect(manifest.loads).toBe(1);
    // A changed file: the memo does not answer; the unchanged file comes from the facts cache.
    writeOld(root, { 'src/b.ts': 'PROBE b\n' });
    const changed = await run();
    expect(changed.loads).toBe(1);
    expect(changed.result.references.map((r) => r.location.path)).toEqual(['src/a.ts', 'src/b.ts']);
    expect(changed.result.stats).toMatchObject({ parsed: 1, cached: 1 });
    // A damaged memo is no memo: the source is scanned again (from the facts cache).
    const [versionDir] = readdirSync(cacheDir);
    const memos = readdirSync(join(cacheDir, versionDir!)).filter((n) => n.startsWith('memo-worktree-'));
    expect(memos.length).toBeGreaterThan(0);
    for (const name of memos) {
      const file = join(cacheDir, versionDir!, name);
      const memo = JSON.parse(readFileSync(file, 'utf8')) as { value: { references: unknown[] } };
      memo.value.references = [{ table: 'x' }, 42];
      writeFileSync(file, JSON.stringify(memo));
    }
    const repaired = await run();
    expect(repaired.loads).toBe(1);
    expect(repaired.result.references).toEqual(changed.result.references);
  });
});
