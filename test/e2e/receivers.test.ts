/**
 * Issue 12 §1, §2, §6 end to end: `rollsafe check` on real git repositories whose code reaches Knex and Kysely
 * through receivers no import traces (a store class given a `Db` type alias, `ctx.db`), with names in constants
 * (local and imported), in TypeScript and in CommonJS JavaScript.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checkJson, type CheckJson } from '../support/cli.js';
import { TestRepo, type Files } from '../support/git-repo.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

function scenario(base: Files, head: Files): TestRepo {
  const r = new TestRepo('rollsafe-receivers-');
  repos.push(r);
  r.commit('base', base).tag('base');
  r.write(head);
  return r;
}

const inUse = (json: CheckJson): string[] =>
  json.findings.filter((f) => f.rule.endsWith('-in-use')).map((f) => `${f.rule} ${f.target?.table}${f.target?.column ? `.${f.target.column}` : ''}`);

const KNEXFILE = `module.exports = { client: 'pg', migrations: { directory: './db/migrations' } };\n`;
const CREATE = `exports.up = async function up(knex) {
  await knex.schema.createTable('user_tokens', (t) => {
    t.increments('id');
    t.string('secret').notNullable();
    t.string('label');
    t.timestamp('seen_at');
  });
};
exports.down = async function down(knex) {
  await knex.schema.dropTable('user_tokens');
};
`;
const DROP_LABEL = `exports.up = async function up(knex) {
  await knex.schema.alterTable('user_tokens', (t) => {
    t.dropColumn('label');
  });
};
exports.down = async function down() {};
`;

describe('knex through a store class, constants and CommonJS', () => {
  const base = (pkg: object, store: Files): Files => ({
    'package.json': JSON.stringify(pkg),
    'knexfile.js': KNEXFILE,
    'db/migrations/20240101000000_tokens.js': CREATE,
    'src/db.ts': `import type { Knex } from 'knex';\nexport type Db = Knex;\n`,
    'src/tables.ts': `export const TOKENS_TABLE = 'user_tokens';\n`,
    ...store,
  });
  const tsStore = {
    'src/token-store.ts': `import type { Db } from './db';
import { TOKENS_TABLE } from './tables';

const COLUMNS = ['id', 'secret', 'label'];

export class TokenStore {
  constructor(private readonly db: Db) {}

  list() {
    return this.db(TOKENS_TABLE).select(COLUMNS);
  }
}
`,
  };
  const jsStore = {
    'src/token-store.js': `const { TOKENS_TABLE } = require('./tables');
const toRow = (token) => ({ secret: token.secret, label: token.label });
class TokenStore {
  constructor(db) {
    this.db = db;
  }
  add(token) {
    return this.db(TOKENS_TABLE).insert(toRow(token)).returning('id');
  }
}
module.exports = { TokenStore };
`,
  };
  const knex = { dependencies: { knex: '^3.1.0', pg: '^8.11.0' } };

  it('flags dropping a column the running release reads through this.db(TABLE).select(COLUMNS)', async () => {
    const r = scenario(base(knex, tsStore), { 'db/migrations/20240201000000_drop_label.js': DROP_LABEL });
    const { code, json } = await checkJson(r.root, ['--base', 'base']);
    expect(inUse(json)).toEqual(['dropped-column-in-use user_tokens.label']);
    expect(code).toBe(1);
    const refs = json.findings.find((f) => f.rule === 'dropped-column-in-use')!.references;
    // The running release (base) and the new code (worktree) both read it.
    expect(refs.map((x) => `${x.source} ${x.path}:${x.line}`).sort()).toEqual(['base src/token-store.ts:10', 'worktree src/token-store.ts:10']);
  });

  it('flags it in plain JavaScript, where the row is built by a helper', async () => {
    const r = scenario(base(knex, jsStore), { 'db/migrations/20240201000000_drop_label.js': DROP_LABEL });
    const { code, json } = await checkJson(r.root, ['--base', 'base']);
    expect(inUse(json)).toEqual(['dropped-column-in-use user_tokens.label']);
    expect(code).toBe(1);
    const refs = json.findings.find((f) => f.rule === 'dropped-column-in-use')!.references;
    expect(refs.map((x) => `${x.source} ${x.path}:${x.line}`).sort()).toEqual(['base src/token-store.js:2', 'worktree src/token-store.js:2']);
  });

  it('stays silent on the expand/contract drop: the running release no longer names the column', async () => {
    const contracted = { 'src/token-store.ts': tsStore['src/token-store.ts'].replace(", 'label'", '') };
    const r = scenario(base(knex, contracted), { 'db/migrations/20240201000000_drop_label.js': DROP_LABEL });
    const { code, json } = await checkJson(r.root, ['--base', 'base']);
    expect(inUse(json)).toEqual([]);
    expect(code).toBe(0);
  });

  it('does not count the chain when no package depends on knex', async () => {
    const r = scenario(base({ dependencies: { pg: '^8.11.0' } }, tsStore), { 'db/migrations/20240201000000_drop_label.js': DROP_LABEL });
    const { json } = await checkJson(r.root, ['--base', 'base']);
    expect(inUse(json)).toEqual([]);
  });
});

describe('kysely on ctx.db', () => {
  const create = `import { type Kysely } from 'kysely';
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable('account').addColumn('did', 'varchar', (col) => col.primaryKey()).addColumn('reset_token', 'varchar').execute();
}
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('account').execute();
}
`;
  const drop = `import { type Kysely } from 'kysely';
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('account').dropColumn('reset_token').execute();
}
export async function down(): Promise<void> {}
`;
  const handler = `export const handler = async (ctx: { db: any }, token: string) =>
  ctx.db.selectFrom('account').select(['did']).where('reset_token', '=', token).executeTakeFirst();
`;

  it('flags dropping a column a handler filters on through ctx.db', async () => {
    const r = scenario(
      {
        'package.json': JSON.stringify({ dependencies: { kysely: '^0.27.0', pg: '^8.11.0' } }),
        'src/db/database.ts': `import { Kysely, PostgresDialect } from 'kysely';\nexport const db = new Kysely<any>({ dialect: new PostgresDialect({} as any) });\n`,
        'src/db/migrations/1704067200000_account.ts': create,
        'src/api/reset.ts': handler,
      },
      { 'src/db/migrations/1704153600000_drop_reset_token.ts': drop },
    );
    const { code, json } = await checkJson(r.root, ['--base', 'base']);
    expect(inUse(json)).toEqual(['dropped-column-in-use account.reset_token']);
    expect(code).toBe(1);
  });
});
