/**
 * Which files each recommended config applies to, as ESLint computes it for the TypeScript configuration of
 * docs/eslint.md: typescript-eslint's parser never gets a `.sql` file, the SQL language never gets a `.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ESLint, type Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, expect, it } from 'vitest';
import plugin from '../../src/eslint/index.js';

const cwd = mkdtempSync(join(tmpdir(), 'rollsafe-eslint-configs-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const eslint = new ESLint({ cwd, overrideConfigFile: true, overrideConfig: [...(tseslint.configs.recommended as Linter.Config[]), ...plugin.configs.recommended] });

interface Computed {
  language?: unknown;
  languageOptions?: { parser?: unknown };
  rules?: Record<string, unknown>;
}
const computed = async (file: string): Promise<Computed | undefined> => (await eslint.calculateConfigForFile(join(cwd, file))) as Computed | undefined;

it('a .sql file: the rollsafe/sql language and the migration rules, no code rule', async () => {
  const sql = (await computed('db/migrations/001_a.sql'))!;
  expect(sql.language).toBe(plugin.languages.sql);
  expect(sql.rules).toHaveProperty('rollsafe/require-concurrent-index');
  expect(sql.rules).not.toHaveProperty('rollsafe/no-dropped-column');
});

it.each(['src/a.ts', 'src/a.tsx', 'src/a.mts', 'src/a.cts'])('%s: JavaScript with typescript-eslint\'s parser and the code rules, no migration rule', async (file) => {
  const ts = (await computed(file))!;
  expect(ts.language).not.toBe(plugin.languages.sql);
  expect((ts.language as { fileType?: string; visitorKeys?: Record<string, unknown> }).visitorKeys).toHaveProperty('Program'); // ESLint's JavaScript language
  expect(ts.languageOptions?.parser).toBe(tseslint.parser);
  expect(ts.rules).toHaveProperty('rollsafe/no-dropped-column');
  expect(ts.rules).not.toHaveProperty('rollsafe/require-concurrent-index');
});

it('a file of neither kind is not linted because of rollsafe', async () => {
  expect(await eslint.isPathIgnored(join(cwd, 'README.md'))).toBe(true);
  expect(await computed('README.md')).toBeUndefined();
});
