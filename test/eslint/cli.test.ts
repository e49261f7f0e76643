/**
 * The real `eslint` CLI on the shop fixture, with the fixture's own flat config importing the plugin as a
 * user would (`rollsafe/eslint-plugin`, resolved to the built dist/ through a linked node_modules).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { typescriptEslintConfigs } from '../support/doc-snippets.js';
import type { TestRepo } from '../support/git-repo.js';
import { shopRepo } from './project.js';

const ROOT = join(import.meta.dirname, '..', '..');
const ESLINT = join(ROOT, 'node_modules', '.bin', 'eslint');
let repo: TestRepo;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'eslint', 'index.js'))) {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
  }
  repo = shopRepo();
  mkdirSync(join(repo.root, 'node_modules'));
  symlinkSync(ROOT, join(repo.root, 'node_modules', 'rollsafe'), 'dir');
  for (const name of ['typescript-eslint', 'eslint']) symlinkSync(join(ROOT, 'node_modules', name), join(repo.root, 'node_modules', name), 'dir');
}, 120_000);
afterAll(() => repo?.remove());

interface EslintResult {
  filePath: string;
  messages: { ruleId: string | null; line: number; column: number; severity: number; message: string }[];
}

it('reports code and migrations with the recommended flat config, and exits 1', () => {
  const run = spawnSync(ESLINT, ['--format', 'json', '.'], { cwd: repo.root, encoding: 'utf8', env: { ...process.env, GITHUB_BASE_REF: '' } });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(1);
  const results = JSON.parse(run.stdout) as EslintResult[];
  const found = results.flatMap((r) => r.messages.map((m) => `${relative(repo.root, r.filePath)}:${m.line}:${m.column} ${m.ruleId}`));
  expect(found.filter((f) => f.startsWith('src/'))).toEqual([
    'src/api/profile.ts:7:41 rollsafe/no-dropped-column',
    'src/carts.ts:6:75 rollsafe/no-dropped-table',
    'src/carts.ts:8:89 rollsafe/no-dropped-table',
    'src/carts.ts:10:68 rollsafe/no-dropped-column',
    'src/carts.ts:12:64 rollsafe/no-dropped-column',
    'src/db/schema.ts:6:3 rollsafe/no-dropped-column',
    'src/db/schema.ts:7:3 rollsafe/no-dropped-column',
    'src/search.ts:7:86 rollsafe/no-unknown-column',
    'src/search.ts:9:63 rollsafe/no-unknown-column',
  ]);
  expect(found).toEqual(
    expect.arrayContaining([
      'db/migrations/004_drop_nickname.sql:1:1 rollsafe/dropped-column-in-use',
      'db/migrations/005_rename_name.sql:1:1 rollsafe/renamed-column-in-use',
      'db/migrations/006_drop_carts.sql:1:1 rollsafe/dropped-table-in-use',
      'db/migrations/007_email_index.sql:2:1 rollsafe/require-concurrent-index',
      'db/migrations/008_rename_vendors.sql:1:1 rollsafe/renamed-table-in-use',
    ]),
  );
  // Deployed migrations and the disabled statement stay quiet.
  expect(found.filter((f) => /00[123]_|007_email_index\.sql:5:.*require-concurrent-index/.test(f))).toEqual([]);
}, 120_000);

describe('the TypeScript configurations of docs/eslint.md', () => {
  const configs = typescriptEslintConfigs();

  it('are there: defineConfig and tseslint.config', () => {
    expect(configs.map((c) => /export default (\w+(?:\.\w+)?)\(/.exec(c)?.[1])).toEqual(['defineConfig', 'tseslint.config']);
  });

  it.each(configs.map((c) => [/export default (\S+)\(/.exec(c)![1]!, c]))('run as written (%s): no config error, no parse error, the findings on code and migrations', (_name, config) => {
    writeFileSync(join(repo.root, 'eslint.config.js'), config);
    const run = spawnSync(ESLINT, ['--format', 'json', '.'], { cwd: repo.root, encoding: 'utf8', env: { ...process.env, GITHUB_BASE_REF: '' } });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const results = JSON.parse(run.stdout) as EslintResult[];
    const messages = results.flatMap((r) => r.messages.map((m) => ({ ...m, file: relative(repo.root, r.filePath) })));
    // A parse error is a message without a rule id (`fatal`); none on `.ts` (typescript-eslint's parser) or `.sql`.
    expect(messages.filter((m) => m.ruleId === null && m.severity === 2)).toEqual([]);
    const found = messages.map((m) => `${m.file}:${m.line}:${m.column} ${m.ruleId}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'src/carts.ts:10:68 rollsafe/no-dropped-column',
        'src/search.ts:7:86 rollsafe/no-unknown-column',
        'db/migrations/004_drop_nickname.sql:1:1 rollsafe/dropped-column-in-use',
        'db/migrations/007_email_index.sql:2:1 rollsafe/require-concurrent-index',
      ]),
    );
    // The `.sql` files get rollsafe's rules only: typescript-eslint's rules (no `files` in its recommended
    // config) find nothing in the SQL language's tree.
    expect(messages.filter((m) => m.file.endsWith('.sql') && !m.ruleId?.startsWith('rollsafe/'))).toEqual([]);
  }, 120_000);
});
