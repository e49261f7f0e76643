/**
 * An incomplete schema model must not silence a code-aware rule: a migration that drops or renames a table or
 * column the replayed history never created (made outside the migrations, or in history rollsafe cannot read)
 * is still checked against the live code by name, and the gap in the history is reported beside the finding.
 * Real git repositories, the CLI run in-process.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checkJson } from '../support/cli.js';
import { TestRepo, type Files } from '../support/git-repo.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

const CODE_AWARE = new Set(['dropped-column-in-use', 'dropped-table-in-use', 'renamed-column-in-use', 'renamed-table-in-use']);

/** Base release committed and tagged `base`; `head` written on top, uncommitted. */
function scenario(base: Files, head: Files): TestRepo {
  const r = new TestRepo('rollsafe-incomplete-');
  repos.push(r);
  r.commit('base', base).tag('base');
  r.write(head);
  return r;
}

const pkg = JSON.stringify({ name: 'app', dependencies: { pg: '8.0.0' } });
const code = (...queries: string[]): string =>
  `import { Pool } from 'pg';\nconst pool = new Pool();\n${queries.map((q, i) => `export const q${i} = () => pool.query('${q}');\n`).join('')}`;

describe('a drop or rename of something the history never created', () => {
  const base: Files = {
    'package.json': pkg,
    // Only `users` is created by the migrations; accounts, sessions and old_things came from elsewhere.
    'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
    'src/queries.ts': code('SELECT id, legacy FROM accounts', 'SELECT token FROM sessions', 'SELECT a FROM old_things', 'SELECT id FROM users'),
  };

  it('still checks the running release and the new code by name, and reports the gap too', async () => {
    const r = scenario(base, {
      'db/migrations/002_contract.sql': [
        'ALTER TABLE accounts DROP COLUMN legacy;',
        'DROP TABLE sessions;',
        'ALTER TABLE old_things RENAME TO new_things;',
        'ALTER TABLE accounts RENAME COLUMN id TO account_id;',
        '',
      ].join('\n'),
    });
    const { code: exit, json } = await checkJson(r.root, ['--base', 'base']);
    expect(exit).toBe(1);
    const found = json.findings
      .filter((f) => CODE_AWARE.has(f.rule))
      .map((f) => [f.rule, f.migration?.line, f.target?.table, f.target?.column ?? null, [...new Set(f.references.map((x) => x.source))].sort().join('+')]);
    expect(found).toEqual([
      ['dropped-column-in-use', 1, 'accounts', 'legacy', 'base+worktree'],
      ['dropped-table-in-use', 2, 'sessions', null, 'base+worktree'],
      ['renamed-table-in-use', 3, 'old_things', null, 'base+worktree'],
      ['renamed-column-in-use', 4, 'accounts', 'id', 'base+worktree'],
    ]);
    // …and the history's gap is said as well, on the same lines.
    const conflicts = json.diagnostics.filter((d) => d.code === 'schema-conflict').map((d) => [d.line, d.message]);
    expect(conflicts.map(([line]) => line)).toEqual([1, 2, 3, 4]);
    expect(conflicts[0]![1]).toContain('relation "accounts" does not exist');
  });

  it('stays silent when the running release no longer uses the unknown table (expand/contract done)', async () => {
    const r = scenario(
      { ...base, 'src/queries.ts': code('SELECT id FROM users') },
      { 'db/migrations/002_contract.sql': 'DROP TABLE sessions;\nALTER TABLE accounts DROP COLUMN legacy;\n' },
    );
    const { json } = await checkJson(r.root, ['--base', 'base']);
    expect(json.findings.filter((f) => CODE_AWARE.has(f.rule))).toEqual([]);
    expect(json.diagnostics.filter((d) => d.code === 'schema-conflict').length).toBe(2);
  });

  it('still treats a table created by a new migration as new: the old release cannot have used it', async () => {
    const r = scenario(
      { ...base, 'src/queries.ts': code('SELECT id FROM scratch') },
      { 'db/migrations/002_scratch.sql': 'CREATE TABLE scratch (id bigint);\n', 'db/migrations/003_drop.sql': 'DROP TABLE scratch;\n' },
    );
    const { json } = await checkJson(r.root, ['--base', 'base']);
    const dropped = json.findings.filter((f) => f.rule === 'dropped-table-in-use');
    // Only the new code's own use counts; the base's `scratch` was another object of the same name.
    expect(dropped.map((f) => [...new Set(f.references.map((x) => x.source))])).toEqual([['worktree']]);
  });
});

describe('a TS/JS migration whose drop sits under a run-time check', () => {
  it('takes the drop in the else branch as happening and checks the code against it', async () => {
    const knexPkg = JSON.stringify({ name: 'app', dependencies: { knex: '3.1.0', pg: '8.11.0' } });
    const r = scenario(
      {
        'package.json': knexPkg,
        'migrations/20240101000000_users.js':
          "exports.up = (knex) => knex.schema.createTable('users', (t) => {\n  t.increments('id');\n  t.text('legacy');\n});\nexports.down = (knex) => knex.schema.dropTable('users');\n",
        'src/queries.ts': code('SELECT id, legacy FROM users'),
      },
      {
        'migrations/20240201000000_drop_legacy.js': [
          'exports.up = async (knex) => {',
          "  if (!(await knex.schema.hasColumn('users', 'legacy'))) {",
          "    await knex.schema.alterTable('users', (t) => t.text('note'));",
          '  } else {',
          "    await knex.schema.alterTable('users', (t) => t.dropColumn('legacy'));",
          '  }',
          '};',
          'exports.down = async () => {};',
          '',
        ].join('\n'),
      },
    );
    const { code: exit, json } = await checkJson(r.root, ['--base', 'base']);
    const dropped = json.findings.filter((f) => f.rule === 'dropped-column-in-use');
    expect(dropped.map((f) => [f.target?.column, f.migration?.line, [...new Set(f.references.map((x) => x.source))].sort().join('+')])).toEqual([['legacy', 5, 'base+worktree']]);
    expect(json.diagnostics.filter((d) => d.code === 'unanalysed-statement')).toEqual([]);
    expect(exit).toBe(1);
  });
});
