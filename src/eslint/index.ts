/**
 * `rollsafe/eslint-plugin`: rollsafe in the editor. Flat config only (ESLint 9 and 10):
 *
 *   import rollsafe from 'rollsafe/eslint-plugin';
 *   export default [...rollsafe.configs.recommended];
 *
 * Code files get `no-dropped-column`, `no-dropped-table` and `no-unknown-column`; `.sql` migrations, read
 * with the `rollsafe/sql` language, get every migration rule of the engine. See docs/eslint.md.
 */
import type { ESLint, Linter, Rule } from 'eslint';
import { loadParser } from '../sql/parser.js';
import { ROLLSAFE_VERSION } from '../version.js';
import { loadScriptReader } from '../schema/history.js';
import { warmUpWorker } from './project.js';
import { codeRules, migrationRules, migrationRuleSeverities } from './rules.js';
import { sqlLanguage } from './sql-language.js';

// ESLint rules are synchronous: the Postgres parser (WASM) and the TS/JS migration reader load once, here
// (ESLint imports plugins as ESM, so a top-level await works).
await Promise.all([loadParser(), loadScriptReader()]);
warmUpWorker();

/** Files the code rules read: the script files the extractors parse. */
export const CODE_FILES = ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'];
/** Files the `rollsafe/sql` language reads; only migrations rollsafe found get findings. */
export const SQL_FILES = ['**/*.sql'];


type Language = NonNullable<ESLint.Plugin['languages']>[string];

const plugin = {
  meta: { name: 'rollsafe', version: ROLLSAFE_VERSION, namespace: 'rollsafe' },
  rules: { ...codeRules, ...migrationRules } as Record<string, Rule.RuleModule>,
  languages: { sql: sqlLanguage as unknown as Language },
  configs: {} as { recommended: Linter.Config[]; 'recommended-code': Linter.Config; 'recommended-sql': Linter.Config },
} satisfies ESLint.Plugin;

const recommendedCode: Linter.Config = {
  name: 'rollsafe/recommended-code',
  files: CODE_FILES,
  plugins: { rollsafe: plugin },
  rules: {
    'rollsafe/no-dropped-column': 'error',
    'rollsafe/no-dropped-table': 'error',
    'rollsafe/no-unknown-column': 'warn',
  },
};

const recommendedSql: Linter.Config = {
  name: 'rollsafe/recommended-sql',
  files: SQL_FILES,
  plugins: { rollsafe: plugin },
  language: 'rollsafe/sql',
  rules: migrationRuleSeverities(),
};

plugin.configs.recommended = [recommendedCode, recommendedSql];
plugin.configs['recommended-code'] = recommendedCode;
plugin.configs['recommended-sql'] = recommendedSql;

export default plugin;
export { sqlLanguage, SqlSourceCode } from './sql-language.js';
export { migrationsCacheKey } from './cache-key.js';
export type { PluginSettings } from './gather.js';
