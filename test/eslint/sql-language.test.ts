/**
 * The `rollsafe/sql` language: its tree and directives on their own, then the migration rules through
 * RuleTester and through ESLint's Linter with the recommended config (eslint-disable comments in SQL).
 */
import { join } from 'node:path';
import { Linter, RuleTester } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';
import plugin, { sqlLanguage, type SqlSourceCode } from '../../src/eslint/index.js';
import { TestRepo } from '../support/git-repo.js';
import { readText, shopRepo } from './project.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

function sourceOf(text: string, path = 'db/migrations/x.sql'): SqlSourceCode {
  const parsed = sqlLanguage.parse({ path, body: text });
  return sqlLanguage.createSourceCode({ path, body: text }, parsed);
}

describe('the tree', () => {
  it('has the statements and comments with 1-based locations and string ranges', () => {
    const text = "-- add the index\nCREATE INDEX a_idx ON a (x);\n/* two\n   lines */ ALTER TABLE a ADD COLUMN é text;\n";
    const source = sourceOf(text);
    expect(source.ast.statements.map((s) => [s.statementType, s.loc.start.line, s.loc.start.column, text.slice(...s.range)])).toEqual([
      ['IndexStmt', 2, 1, 'CREATE INDEX a_idx ON a (x)'],
      ['AlterTableStmt', 4, 13, 'ALTER TABLE a ADD COLUMN é text'],
    ]);
    expect(source.ast.comments.map((c) => [c.block, c.value, c.loc.start.line, c.loc.end.line])).toEqual([
      [false, ' add the index', 1, 1],
      [true, ' two\n   lines ', 3, 4],
    ]);
    expect(source.getText(source.ast.statements[1])).toBe('ALTER TABLE a ADD COLUMN é text');
    expect(source.getIndexFromLoc(source.getLocFromIndex(text.indexOf('é')))).toBe(text.indexOf('é'));
  });

  it('visits the file, then each statement and comment, entering and leaving', () => {
    const source = sourceOf('SELECT 1; -- done\nSELECT 2;');
    const steps = [...source.traverse()].map((s) => `${s.phase === 1 ? '>' : '<'}${s.target.type}`);
    expect(steps).toEqual(['>SqlFile', '>Statement', '<Statement', '>Statement', '<Statement', '>Comment', '<Comment', '<SqlFile']);
  });

  it('keeps a file Postgres cannot parse: the good statements stay, the bad one is left out', () => {
    const source = sourceOf('CREATE TABLE a (id int);\nALTER TABLE a DROP COLUMN;\nCREATE TABLE b (id int);\n');
    expect(source.ast.statements.map((s) => s.loc.start.line)).toEqual([1, 3]);
  });

  it('reads eslint directives in SQL comments, with their justification', () => {
    const source = sourceOf(
      [
        '-- eslint-disable-next-line rollsafe/require-concurrent-index -- tiny table',
        'CREATE INDEX a_idx ON a (x);',
        '/* eslint-disable rollsafe/require-lock-timeout, rollsafe/ban-drop-table */',
        '-- eslint-enable',
        '-- eslint-disable-line',
        '-- not eslint-disable, a sentence',
        '/* eslint-disable-line rollsafe/x',
        '   over two lines */',
      ].join('\n'),
    );
    const { directives, problems } = source.getDisableDirectives();
    expect(directives.map((d) => [d.type, d.value, d.justification, d.node.loc.start.line])).toEqual([
      ['disable-next-line', 'rollsafe/require-concurrent-index', 'tiny table', 1],
      ['disable', 'rollsafe/require-lock-timeout, rollsafe/ban-drop-table', '', 3],
      ['enable', '', '', 4],
      ['disable-line', '', '', 5],
    ]);
    expect(problems.map((p) => [p.message, p.loc.start.line])).toEqual([['eslint-disable-line comment should not span multiple lines.', 7]]);
  });

  it('has no language options and ignores the ones other configs set for every file', () => {
    expect(() => sqlLanguage.validateLanguageOptions({})).not.toThrow();
    // typescript-eslint's `base` config has no `files`: its options reach `.sql` files too.
    expect(() => sqlLanguage.validateLanguageOptions({ parser: {}, sourceType: 'module' })).not.toThrow();
  });
});

const repo = shopRepo();
afterAll(() => repo.remove());
const migration = (name: string): string => join(repo.root, 'db', 'migrations', name);

const tester = new RuleTester({ plugins: { rollsafe: plugin }, language: 'rollsafe/sql' });

tester.run('require-concurrent-index', plugin.rules['require-concurrent-index'], {
  valid: [
    // The editor's unsaved text is what is checked, not the file on disk.
    { code: 'CREATE INDEX CONCURRENTLY customers_email_idx ON customers (email);\n', filename: migration('007_email_index.sql') },
    // Deployed already (at the base ref): nothing to say, as in `rollsafe check`.
    { code: 'CREATE INDEX customers_email_idx ON customers (email);\n', filename: migration('001_initial.sql') },
    // Not a migration.
    { code: 'CREATE INDEX customers_email_idx ON customers (email);\n', filename: join(repo.root, 'queries', 'adhoc.sql') },
  ],
  invalid: [
    {
      code: 'SELECT 1;\n\nCREATE INDEX customers_email_idx\n  ON customers (email);\n',
      filename: migration('007_email_index.sql'),
      errors: [{ message: /^CREATE INDEX on customers without CONCURRENTLY takes a SHARE lock/, line: 3, column: 1, endLine: 4, endColumn: 23 }],
    },
  ],
});

tester.run('dropped-column-in-use', plugin.rules['dropped-column-in-use'], {
  valid: [{ code: 'ALTER TABLE customers ADD COLUMN phone text;\n', filename: migration('004_drop_nickname.sql') }],
  invalid: [
    {
      code: readText(repo, 'db/migrations/004_drop_nickname.sql'),
      filename: migration('004_drop_nickname.sql'),
      errors: [
        {
          // The running release (tag base) and the new code both still read it; the message says where.
          message: /^Column customers\.nickname is dropped while the release still running \(base base\) and the new code still use it .* Used at src\/carts\.ts:10 \(base\), src\/db\/schema\.ts:6 \(base\), src\/carts\.ts:10 and 1 more\.$/,
          line: 1,
          column: 1,
        },
      ],
    },
  ],
});

tester.run('valid-migration', plugin.rules['valid-migration'], {
  valid: [{ code: 'ALTER TABLE customers ADD COLUMN phone text;\n', filename: migration('007_email_index.sql') }],
  invalid: [
    {
      code: 'ALTER TABLE customers ADD COLUMN phone text;\nALTER TABLE customers DROP COLUMN;\n',
      filename: migration('007_email_index.sql'),
      errors: [{ message: /syntax error/, line: 2 }],
    },
    {
      code: 'ALTER TABLE customers DROP COLUMN loyalty_points;\n',
      filename: migration('007_email_index.sql'),
      errors: [{ message: /^Postgres would reject this: .*loyalty_points/, line: 1 }],
    },
  ],
});

describe('eslint-disable comments in migrations', () => {
  const linter = new Linter({ cwd: repo.root });
  const config = [...plugin.configs.recommended, { linterOptions: { reportUnusedDisableDirectives: 'error' as const } }];
  const lint = (text: string): string[] =>
    linter.verify(text, config, migration('007_email_index.sql')).map((m) => `${m.line}:${m.column} ${m.ruleId ?? 'eslint'} ${m.ruleId ? '' : m.message}`.trim());

  it('silence the statement below, and only that rule', () => {
    const problems = lint(readText(repo, 'db/migrations/007_email_index.sql'));
    expect(problems).toContain('2:1 rollsafe/require-concurrent-index');
    expect(problems.filter((p) => p.includes('require-concurrent-index'))).toEqual(['2:1 rollsafe/require-concurrent-index']);
    const other = lint('-- eslint-disable-next-line rollsafe/ban-drop-table -- not this one\nCREATE INDEX customers_name_idx ON customers (full_name);\n');
    expect(other).toContain('2:1 rollsafe/require-concurrent-index');
  });

  it('are reported when they silence nothing', () => {
    const problems = lint('-- eslint-disable-next-line rollsafe/require-concurrent-index -- tiny table\nCREATE INDEX CONCURRENTLY customers_email_idx ON customers (email);\n');
    expect(problems).toEqual([expect.stringMatching(/^1:1 eslint Unused eslint-disable directive \(no problems were reported from 'rollsafe\/require-concurrent-index'\)/)]);
  });

  it('rollsafe-ignore comments keep working in the editor', () => {
    const statement = 'CREATE INDEX customers_email_idx ON customers (email);\n';
    expect(lint(statement)).toContain('1:1 rollsafe/require-concurrent-index');
    const problems = lint(`-- rollsafe-ignore require-concurrent-index -- tiny table\n${statement}`);
    expect(problems.filter((p) => p.includes('require-concurrent-index'))).toEqual([]);
  });
});

describe('unsaved text read by its layout', () => {
  // dbmate runs only the `-- migrate:up` sections: the down section is not checked, and a file without an up section is refused.
  const dbmate = new TestRepo('rollsafe-eslint-dbmate-');
  afterAll(() => dbmate.remove());
  dbmate.commit('base', { 'db/migrations/20240101000000_init.sql': '-- migrate:up\nCREATE TABLE notes (id bigint PRIMARY KEY, body text);\n\n-- migrate:down\nDROP TABLE notes;\n' }).tag('base');
  dbmate.write({ 'db/migrations/20240201000000_index.sql': '-- migrate:up\nSELECT 1;\n\n-- migrate:down\nSELECT 1;\n' });
  const file = join(dbmate.root, 'db', 'migrations', '20240201000000_index.sql');
  const linter = new Linter({ cwd: dbmate.root });
  const lint = (text: string): string[] =>
    linter.verify(text, [...plugin.configs.recommended, { settings: { rollsafe: { base: 'base' } } }], file).map((m) => `${m.line} ${m.ruleId} ${m.message}`);

  it('checks the up section only', () => {
    const index = 'CREATE INDEX notes_body_idx ON notes (body);';
    expect(lint(`-- migrate:up\nSELECT 1;\n\n-- migrate:down\n${index}\n`).filter((p) => p.includes('require-concurrent-index'))).toEqual([]);
    expect(lint(`-- migrate:up\n${index}\n\n-- migrate:down\nSELECT 1;\n`).filter((p) => p.includes('require-concurrent-index'))).toEqual([
      expect.stringMatching(/^2 rollsafe\/require-concurrent-index /),
    ]);
  });

  it('reports what the layout refuses', () => {
    expect(lint('CREATE TABLE tags (id bigint PRIMARY KEY);\n').filter((p) => p.includes('valid-migration'))).toEqual([
      expect.stringMatching(/rollsafe\/valid-migration The file has no `-- migrate:up` line; dbmate refuses to run it\./),
    ]);
  });
});
