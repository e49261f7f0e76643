/**
 * The project index behind the rules, as an editor's long-lived ESLint server uses it: migrations that
 * change between lints, unsaved model files, projects that cannot be indexed, a worker that is too slow.
 */
import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, expect, it } from 'vitest';
import plugin from '../../src/eslint/index.js';
import { SyncWorker, WorkerCallError } from '../../src/eslint/sync-worker.js';
import type { TestRepo } from '../support/git-repo.js';
import { readText, shopRepo } from './project.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));
function repo(options?: { pending?: boolean }): TestRepo {
  const r = shopRepo(options);
  repos.push(r);
  return r;
}

const config = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...plugin.configs.recommended];
const pg = (sql: string): string => `import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query('${sql}');\n`;

function lint(r: TestRepo, path: string, text: string, settings?: Record<string, unknown>): string[] {
  const linter = new Linter({ cwd: r.root });
  const configs = settings ? [...config, { settings: { rollsafe: settings } }] : config;
  return linter.verify(text, configs, join(r.root, path)).map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`);
}

describe('migrations that change while the server runs', () => {
  it('sees a new migration, an edited one and a deleted one on the next lint', async () => {
    const r = repo({ pending: false });
    const code = pg('SELECT email FROM customers');
    expect(lint(r, 'src/check.ts', code)).toEqual([]);

    r.write({ 'db/migrations/004_drop_email.sql': 'ALTER TABLE customers DROP COLUMN email;\n' });
    expect(lint(r, 'src/check.ts', code)).toEqual([
      expect.stringMatching(/^3:43 rollsafe\/no-dropped-column Column customers\.email is dropped by pending migration db\/migrations\/004_drop_email\.sql:1;/),
    ]);

    // Edited in place (same size, other column): files are stat-checked at most every 250 ms, folders always.
    r.write({ 'db/migrations/004_drop_email.sql': 'ALTER TABLE customers DROP COLUMN name\n;\n' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(lint(r, 'src/check.ts', code)).toEqual([]);
    expect(lint(r, 'src/check.ts', pg('SELECT name FROM customers'))).toEqual([expect.stringMatching(/customers\.name is dropped by pending migration db\/migrations\/004_drop_email\.sql:1/)]);

    r.write({ 'db/migrations/004_drop_email.sql': null });
    expect(lint(r, 'src/check.ts', pg('SELECT name FROM customers'))).toEqual([]);
  });

  it('with HEAD as the base, committed migrations are deployed: what they dropped is unknown, not pending', () => {
    const r = repo();
    r.git('add', '-A');
    r.git('-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '-q', '-m', 'release 2');
    expect(lint(r, 'src/check.ts', pg('SELECT nickname FROM customers'), { base: 'HEAD' })).toEqual([
      expect.stringMatching(/rollsafe\/no-unknown-column Column customers\.nickname does not exist/),
    ]);
    expect(lint(r, 'src/check.ts', pg('SELECT nickname FROM customers'))).toEqual([expect.stringMatching(/rollsafe\/no-dropped-column .*pending migration/)]);
  });
});

describe('the code the rules link against', () => {
  it('is the editor text of the other files once ESLint has linted them', () => {
    const r = repo();
    const usage = readText(r, 'src/api/profile.ts');
    expect(lint(r, 'src/api/profile.ts', usage)).toEqual([expect.stringMatching(/7:41 rollsafe\/no-dropped-column Column customers\.name is renamed to full_name/)]);
    // The model is edited (unsaved): its field now maps to the new column.
    const model = readText(r, 'src/db/schema.ts').replace("name: text('name')", "name: text('full_name')").replace("  nickname: text('nickname'),\n", '');
    expect(lint(r, 'src/db/schema.ts', model)).toEqual([]);
    expect(lint(r, 'src/api/profile.ts', usage)).toEqual([]);
  });
});

describe('a project that cannot be indexed', () => {
  it('says why once per file, then recovers as soon as the config is fixed', () => {
    const r = repo();
    r.write({ 'rollsafe.config.json': '{ "migrations": ["db/migrations"], "bse": "base" }\n' });
    const problems = lint(r, 'src/check.ts', pg('SELECT nickname FROM customers'));
    expect(problems).toEqual(['1:1 rollsafe/no-dropped-column rollsafe could not index this project: rollsafe.config.json: unknown key "bse"; did you mean "base"?']);
    expect(lint(r, 'db/migrations/004_drop_nickname.sql', readText(r, 'db/migrations/004_drop_nickname.sql'))).toEqual([
      '1:1 rollsafe/valid-migration rollsafe could not index this project: rollsafe.config.json: unknown key "bse"; did you mean "base"?',
    ]);

    r.write({ 'rollsafe.config.json': '{ "migrations": ["db/migrations"], "base": "base" }\n' });
    expect(lint(r, 'src/check.ts', pg('SELECT nickname FROM customers'))).toEqual([expect.stringMatching(/customers\.nickname is dropped by pending migration/)]);
  });

  it('names a base ref that does not exist, and how to get it', () => {
    const r = repo();
    expect(lint(r, 'src/check.ts', pg('SELECT nickname FROM customers'), { base: 'origin/release' })).toEqual([
      '1:1 rollsafe/no-dropped-column rollsafe could not index this project: git ref "origin/release" does not exist in this repository (base from settings) (check the name, or fetch it (git fetch origin release))',
    ]);
  });
});

describe('the worker', () => {
  it('gives up on a call that takes too long, and the next call starts afresh', () => {
    const r = repo();
    const worker = new SyncWorker();
    try {
      expect(() => worker.call({ kind: 'migrations', root: r.root, settings: {}, env: {} }, 1)).toThrow(WorkerCallError);
      const reply = worker.call({ kind: 'migrations', root: r.root, settings: {}, env: {} });
      expect('error' in reply ? reply.error : reply.newPaths).toEqual([
        'db/migrations/004_drop_nickname.sql',
        'db/migrations/005_rename_name.sql',
        'db/migrations/006_drop_carts.sql',
        'db/migrations/007_email_index.sql',
        'db/migrations/008_rename_vendors.sql',
      ]);
    } finally {
      worker.terminate();
    }
  });
});
