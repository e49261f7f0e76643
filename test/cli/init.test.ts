/**
 * `rollsafe init` on fixture repositories of each kind, non-interactively; then `rollsafe check` in the
 * result. test/cli/pre-commit.test.ts commits through the hook init installs.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import { afterAll, describe, expect, it } from 'vitest';
import { detectProject, ESLINT_TS_SNIPPET, planInit, type InitOptions, type InitPlan } from '../../src/cli/commands/init.js';
import { run } from '../../src/cli/main.js';
import { checkJson, rollsafe } from '../support/cli.js';
import { codeBlocks, typescriptEslintConfigs } from '../support/doc-snippets.js';
import { TestRepo } from '../support/git-repo.js';

const checkout = join(import.meta.dirname, '..', '..');
const fixtures = join(checkout, 'fixtures', 'init');
const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

function fromFixture(kind: string): TestRepo {
  const repo = new TestRepo(`rollsafe-init-${kind}-`);
  repos.push(repo);
  cpSync(join(fixtures, kind), repo.root, { recursive: true });
  repo.commit('the application');
  return repo;
}

const indentLines = (text: string): string => text.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n');
const read = (repo: TestRepo, path: string): string => readFileSync(join(repo.root, path), 'utf8');
const json = (repo: TestRepo, path: string): Record<string, unknown> => JSON.parse(read(repo, path)) as Record<string, unknown>;

/** After init: commit, add a safe migration, and `rollsafe check` passes and sees it as new. */
async function checkPassesWith(repo: TestRepo, migration: string, sql: string, more: Record<string, string> = {}): Promise<void> {
  repo.commit('rollsafe init').tag('before-new-migration');
  repo.write({ [migration]: sql, ...more });
  const { code, json: result } = await checkJson(repo.root, ['--base', 'before-new-migration']);
  expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
  expect(code).toBe(0);
  expect(result.summary.newMigrations).toEqual([migration]);
}

/** A second run changes nothing. */
async function secondRunIsANoOp(repo: TestRepo, argv: string[] = []): Promise<void> {
  const before = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo.root, encoding: 'utf8' });
  const again = await rollsafe(repo.root, ['init', '--yes', ...argv]);
  expect(again.code).toBe(0);
  expect(again.stdout).toContain('Nothing to write: rollsafe is set up here.');
  expect(execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: repo.root, encoding: 'utf8' })).toBe(before);
}

describe('rollsafe init --yes', () => {
  it('plain SQL + husky + lint-staged (npm): config, a lint-staged entry in package.json, a GitHub workflow', async () => {
    const repo = fromFixture('sql-husky');
    const originalPkg = read(repo, 'package.json');
    const init = await rollsafe(repo.root, ['init', '--yes']);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/Migrations: +db\/migrations \(sql\)/);
    expect(init.stdout).toMatch(/ORM \/ SQL: +raw SQL \(pg\)/);
    expect(init.stdout).toMatch(/Package manager: +npm/);
    expect(init.stdout).toContain('npm install --save-dev rollsafe');

    expect(json(repo, 'rollsafe.config.json')).toEqual({ migrations: [{ dir: 'db/migrations', layout: 'sql' }], deployModel: 'before-deploy' });
    const pkg = json(repo, 'package.json');
    expect(pkg['lint-staged']).toEqual({ '*.ts': 'prettier --write', 'db/migrations/**/*.sql': 'npx rollsafe check --staged' });
    expect(pkg.devDependencies).toEqual(JSON.parse(originalPkg).devDependencies);
    expect(read(repo, 'package.json').split('\n')[1]).toBe('  "name": "invoices-api",'); // indentation kept
    expect(read(repo, '.husky/pre-commit')).toBe('npx lint-staged\n'); // husky already runs lint-staged
    const workflow = read(repo, '.github/workflows/rollsafe.yml');
    expect(workflow).toContain('pull_request:');
    expect(workflow).toContain('security-events: write');
    expect(workflow).toContain('uses: rollsafe/rollsafe@v0');
    expect(existsSync(join(repo.root, '.gitlab-ci.yml'))).toBe(false);

    await secondRunIsANoOp(repo);
    await checkPassesWith(repo, 'db/migrations/003_invoice_notes.sql', 'ALTER TABLE invoices ADD COLUMN notes text;\n');
  });

  it('Prisma + lefthook (pnpm): a lefthook command, the ESLint config left alone: it cannot parse the project\'s TypeScript', async () => {
    const repo = fromFixture('prisma-lefthook');
    const init = await rollsafe(repo.root, ['init', '--yes']);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/ORM \/ SQL: +prisma/);
    expect(init.stdout).toMatch(/Package manager: +pnpm/);

    expect(json(repo, 'rollsafe.config.json')).toEqual({ migrations: [{ dir: 'prisma/migrations', layout: 'prisma' }], deployModel: 'before-deploy' });
    expect(read(repo, 'lefthook.yml')).toBe(
      [
        'pre-commit:',
        '  parallel: true',
        '  commands:',
        '    rollsafe:',
        '      glob: "prisma/migrations/**/*.sql"',
        '      run: pnpm exec rollsafe check --staged',
        '    lint:',
        '      glob: "*.{js,ts}"',
        '      run: pnpm exec eslint {staged_files}',
        '',
      ].join('\n'),
    );
    // The config lints JavaScript only (no TypeScript parser) and src/bookings.ts is TypeScript: rollsafe's
    // code config would make ESLint read it with its JavaScript parser, a parse error where `eslint .` was clean.
    expect(read(repo, 'eslint.config.js')).toBe(readFileSync(join(fixtures, 'prisma-lefthook', 'eslint.config.js'), 'utf8'));
    expect(init.stdout).toContain('ESLint (eslint.config.js): not edited. It has no parser for this project\'s TypeScript files');
    expect(init.stdout).toContain(indentLines(ESLINT_TS_SNIPPET));
    expect(read(repo, '.github/workflows/rollsafe.yml')).toContain('uses: rollsafe/rollsafe@v0');
    expect(init.stdout).not.toContain('--save-dev rollsafe'); // already a devDependency

    await secondRunIsANoOp(repo);
    await checkPassesWith(repo, 'prisma/migrations/20240402090000_booking_notes/migration.sql', 'ALTER TABLE "bookings" ADD COLUMN "notes" TEXT;\n');
  });

  it('Drizzle + GitLab CI (yarn): a merge-request job appended to .gitlab-ci.yml, no GitHub workflow', async () => {
    const repo = fromFixture('drizzle-gitlab');
    const originalCi = read(repo, '.gitlab-ci.yml');
    const init = await rollsafe(repo.root, ['init', '--yes']);
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/ORM \/ SQL: +drizzle, raw SQL \(postgres\.js\)/);
    expect(init.stdout).toMatch(/CI: +GitLab CI/);
    expect(init.stdout).toContain('rollsafe init --git-hook'); // no hook manager: told how

    expect(json(repo, 'rollsafe.config.json')).toEqual({ migrations: [{ dir: 'drizzle', layout: 'drizzle' }], deployModel: 'before-deploy' });
    const ci = read(repo, '.gitlab-ci.yml');
    expect(ci.startsWith(originalCi)).toBe(true);
    const job = ci.slice(originalCi.length);
    expect(job).toMatch(/^\nrollsafe:\n {2}stage: verify\n/);
    expect(job).toContain('    - corepack enable\n    - yarn install\n');
    expect(job).toContain('    - yarn rollsafe check --base "origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME" --format gitlab > gl-code-quality-report.json || true\n');
    expect(job).toContain('      codequality: gl-code-quality-report.json\n');
    expect(existsSync(join(repo.root, '.github'))).toBe(false);
    expect(existsSync(join(repo.root, '.git', 'hooks', 'pre-commit'))).toBe(false);

    await secondRunIsANoOp(repo);
    const journal = json(repo, 'drizzle/meta/_journal.json') as { entries: unknown[] };
    journal.entries.push({ idx: 2, version: '7', when: 1717200000000, tag: '0002_product_stock', breakpoints: true });
    await checkPassesWith(repo, 'drizzle/0002_product_stock.sql', 'ALTER TABLE "products" ADD COLUMN "stock" integer;\n', { 'drizzle/meta/_journal.json': JSON.stringify(journal, null, 2) });
  });

  it('nothing but SQL: with --config-format ts, a config rollsafe loads', async () => {
    const repo = fromFixture('none');
    const init = await rollsafe(repo.root, ['init', '--yes', '--config-format', 'ts']);
    expect(init.code).toBe(0);
    expect(read(repo, 'rollsafe.config.ts')).toContain("import type { RollsafeConfig } from 'rollsafe';");
    expect(existsSync(join(repo.root, 'rollsafe.config.json'))).toBe(false);
    const printed = await rollsafe(repo.root, ['check', '--print-config']);
    expect(printed.code).toBe(0);
    expect((JSON.parse(printed.stdout) as { migrations: unknown }).migrations).toEqual([{ dir: 'migrations', layout: 'sql' }]);
    expect(existsSync(join(repo.root, '.git', 'hooks', 'pre-commit'))).toBe(false);
  });
});

describe('rollsafe init asks first', () => {
  const interactive = async (cwd: string, answer: string | null, argv: string[] = []): Promise<{ code: number; stdout: string; asked: string[] }> => {
    let stdout = '';
    const asked: string[] = [];
    const code = await run(['init', ...argv], {
      cwd,
      env: {},
      stdout: { write: (t: string) => void (stdout += t) },
      stderr: { write: () => undefined },
      ...(answer === null ? {} : { prompt: async (q: string) => (asked.push(q), answer) }),
    });
    return { code, stdout, asked };
  };

  it('shows what it will write, writes nothing on "n" or --dry-run, and writes on "y"', async () => {
    const repo = fromFixture('none');
    const no = await interactive(repo.root, 'n');
    expect(no.asked).toEqual(['\nWrite 2 files? [y/N] ']);
    expect(no.stdout).toContain('Create rollsafe.config.json (rollsafe configuration):');
    expect(no.stdout).toContain('Create .github/workflows/rollsafe.yml');
    expect(no.stdout).toContain('Nothing written.');
    expect(existsSync(join(repo.root, 'rollsafe.config.json'))).toBe(false);
    const dry = await interactive(repo.root, null, ['--dry-run']);
    expect(dry.stdout).toContain('Dry run: nothing written.');
    expect(existsSync(join(repo.root, 'rollsafe.config.json'))).toBe(false);
    const yes = await interactive(repo.root, 'y');
    expect(yes.code).toBe(0);
    expect(existsSync(join(repo.root, 'rollsafe.config.json'))).toBe(true);
  });

  it('refuses to guess without a terminal or --yes', async () => {
    const repo = fromFixture('none');
    const result = await rollsafe(repo.root, ['init']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pass --yes');
    expect(existsSync(join(repo.root, 'rollsafe.config.json'))).toBe(false);
  });

  it('never replaces an existing file', async () => {
    const repo = fromFixture('none');
    repo.write({ '.github/workflows/rollsafe.yml': 'name: mine\n', 'rollsafe.config.mjs': 'export default {};\n' });
    const result = await rollsafe(repo.root, ['init', '--yes']);
    expect(result.stdout).toContain('.github/workflows/rollsafe.yml exists and is left as it is.');
    expect(result.stdout).toContain('Configuration: rollsafe.config.mjs is already there.');
    expect(read(repo, '.github/workflows/rollsafe.yml')).toBe('name: mine\n');
    expect(existsSync(join(repo.root, 'rollsafe.config.json'))).toBe(false);
  });
});

describe('hook set-ups init adapts to', () => {
  const plan = async (files: Record<string, string>, options: Partial<InitOptions> = {}) => {
    const repo = new TestRepo('rollsafe-init-plan-');
    repos.push(repo);
    repo.write({ 'db/migrations/001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY);\n', ...files });
    return planInit(await detectProject(repo.root), { configFormat: 'json', gitHook: false, ...options });
  };
  const write = (p: InitPlan, path: string) => p.writes.find((w) => w.path === path);

  it('husky without lint-staged: appends the check to .husky/pre-commit', async () => {
    const p = await plan({ 'package.json': '{ "devDependencies": { "husky": "^9.0.0" } }', '.husky/pre-commit': 'npm test' });
    expect(write(p, '.husky/pre-commit')).toMatchObject({ kind: 'edit', content: 'npm test\nnpx rollsafe check --staged\n', executable: true });
  });

  it('lint-staged in .lintstagedrc.json: adds the glob there, as an extra command when the glob is taken', async () => {
    const p = await plan({ 'package.json': '{ "devDependencies": { "lint-staged": "^15.0.0" } }', '.lintstagedrc.json': '{\n    "db/migrations/**/*.sql": "sqlfluff lint"\n}\n' });
    expect(write(p, '.lintstagedrc.json')!.content).toBe('{\n    "db/migrations/**/*.sql": [\n        "sqlfluff lint",\n        "npx rollsafe check --staged"\n    ]\n}\n');
    expect(p.notes.join('\n')).toContain('make sure one calls it');
  });

  it('lint-staged configured in JavaScript, or lefthook with jobs: prints the lines instead of editing', async () => {
    const js = await plan({ 'package.json': '{ "devDependencies": { "husky": "^9.0.0", "lint-staged": "^15.0.0" } }', '.husky/pre-commit': 'npx lint-staged\n', 'lint-staged.config.js': 'export default {};\n' });
    expect(write(js, 'lint-staged.config.js')).toBeUndefined();
    expect(js.notes.join('\n')).toContain('"db/migrations/**/*.sql": "npx rollsafe check --staged"');
    const jobs = await plan({ 'lefthook.yml': 'pre-commit:\n  jobs:\n    - run: npm test\n' });
    expect(write(jobs, 'lefthook.yml')).toBeUndefined();
    expect(jobs.notes.join('\n')).toContain('Add to the pre-commit commands of lefthook.yml');
  });

  it('lefthook without a pre-commit hook: appends one', async () => {
    const p = await plan({ 'lefthook.yml': 'pre-push:\n  commands:\n    test:\n      run: npm test\n' });
    expect(write(p, 'lefthook.yml')!.content).toBe(
      'pre-push:\n  commands:\n    test:\n      run: npm test\n\npre-commit:\n  commands:\n    rollsafe:\n      glob: "db/migrations/**/*.sql"\n      run: npx rollsafe check --staged\n',
    );
  });

  it('the pre-commit framework: points at the shipped hook', async () => {
    const p = await plan({ '.pre-commit-config.yaml': 'repos: []\n' });
    expect(p.notes.join('\n')).toContain('.pre-commit-config.yaml');
    expect(p.writes.map((w) => w.path).sort()).toEqual(['.github/workflows/rollsafe.yml', 'rollsafe.config.json']);
  });

  it('--config-format mjs', async () => {
    const p = await plan({}, { configFormat: 'mjs' });
    expect(write(p, 'rollsafe.config.mjs')!.content).toMatch(/^\/\*\* @type \{import\('rollsafe'\)\.RollsafeConfig\} \*\/\nexport default \{\n {2}"migrations"/);
  });
});

describe('the ESLint config init edits', () => {
  const plan = async (files: Record<string, string>) => {
    const repo = new TestRepo('rollsafe-init-eslint-');
    repos.push(repo);
    repo.write({ 'db/migrations/001_a.sql': 'CREATE TABLE a (id bigint PRIMARY KEY);\n', ...files });
    return planInit(await detectProject(repo.root), { configFormat: 'json', gitHook: false });
  };
  const eslintEdit = (p: InitPlan) => p.writes.find((w) => w.path.startsWith('eslint.config.'))?.content;
  const deps = (extra: Record<string, string> = {}) => JSON.stringify({ type: 'module', devDependencies: { eslint: '^9.0.0', rollsafe: '^0.1.0', ...extra } });
  const valid = (code: string) => ts.transpileModule(code, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext } }).diagnostics ?? [];

  it('prints the TypeScript configuration docs/eslint.md and the Editor recipe of docs/integrations.md show', () => {
    expect(typescriptEslintConfigs()).toContain(`${ESLINT_TS_SNIPPET}\n`);
    expect(codeBlocks('integrations.md').map((b) => b.code)).toContain(`${ESLINT_TS_SNIPPET}\n`);
  });

  it('a JavaScript project with a plain array: the entry after the last one, a comma added when it had none', async () => {
    const p = await plan({ 'package.json': deps(), 'src/db.js': 'export const q = 1;\n', 'eslint.config.js': "export default [\n  { rules: { 'no-console': 'warn' } }\n];\n" });
    const edited = eslintEdit(p)!;
    expect(edited).toBe("import rollsafe from 'rollsafe/eslint-plugin';\n\nexport default [\n  { rules: { 'no-console': 'warn' } },\n  ...rollsafe.configs.recommended,\n];\n");
    expect(valid(edited)).toEqual([]);
  });

  it('a TypeScript project with typescript-eslint: defineConfig(…) and tseslint.config(…) get the entry', async () => {
    for (const config of typescriptEslintConfigs()) {
      const before = config.split('\n').filter((l) => !l.includes('rollsafe')).join('\n');
      const p = await plan({ 'package.json': deps({ 'typescript-eslint': '^8.0.0', typescript: '^5.0.0' }), 'src/db.ts': 'export const q: number = 1;\n', 'eslint.config.js': before });
      expect(eslintEdit(p)).toBe(config);
    }
    const noComma = await plan({ 'package.json': deps({ typescript: '^5.0.0' }), 'eslint.config.mjs': "import tseslint from 'typescript-eslint';\n\nexport default tseslint.config(\n  tseslint.configs.recommended\n);\n" });
    expect(eslintEdit(noComma)).toBe("import tseslint from 'typescript-eslint';\nimport rollsafe from 'rollsafe/eslint-plugin';\n\nexport default tseslint.config(\n  tseslint.configs.recommended,\n  ...rollsafe.configs.recommended,\n);\n");
    expect(valid(eslintEdit(noComma)!)).toEqual([]);
  });

  it('a TypeScript project whose config has no TypeScript parser, or JSX files it cannot parse: not edited, the lines printed', async () => {
    const jsOnly = "export default [\n  { rules: { 'no-console': 'warn' } },\n];\n";
    // TypeScript shows in any of: a .ts file, tsconfig.json, `typescript` installed.
    for (const files of [{ 'src/db.ts': 'export const q: number = 1;\n' }, { 'tsconfig.json': '{}' }, { 'package.json': deps({ typescript: '^5.0.0' }) }] as Record<string, string>[]) {
      const p = await plan({ 'package.json': deps(), 'eslint.config.js': jsOnly, ...files });
      expect(eslintEdit(p)).toBeUndefined();
      expect(p.notes.join('\n')).toContain("ESLint (eslint.config.js): not edited. It has no parser for this project's TypeScript files");
      expect(p.notes.join('\n')).toContain('npm install --save-dev typescript-eslint');
    }
    const jsx = await plan({ 'package.json': deps(), 'src/App.jsx': 'export const App = () => <div />;\n', 'eslint.config.js': jsOnly });
    expect(eslintEdit(jsx)).toBeUndefined();
    expect(jsx.notes.join('\n')).toContain("no parser for this project's JSX files");
    const react = await plan({ 'package.json': deps(), 'src/App.jsx': 'export const App = () => <div />;\n', 'eslint.config.js': "import react from 'eslint-plugin-react';\n\nexport default [\n  react.configs.flat.recommended,\n];\n" });
    expect(eslintEdit(react)).toContain('...rollsafe.configs.recommended,');
  });

  it('a shape it does not know (a variable, a comment after the last entry): the lines printed', async () => {
    const variable = await plan({ 'package.json': deps(), 'eslint.config.js': 'const config = [];\nexport default config;\n' });
    expect(eslintEdit(variable)).toBeUndefined();
    expect(variable.notes.join('\n')).toContain('ESLint (flat config, eslint.config.js): add the plugin');
    const comment = await plan({ 'package.json': deps(), 'eslint.config.js': 'export default [\n  {} // mine\n];\n' });
    expect(eslintEdit(comment)).toBeUndefined();
  });
});
