/**
 * Issue 12 §1, §2, §6: query builders reached through receivers no import traces (class properties, `ctx.db`,
 * wrappers), names that live in constants (in the file and imported), and the same code in plain JavaScript.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFile } from '../../../src/code/extract-file.js';
import { extractors } from '../../../src/code/extractors/index.js';
import { linkFacts } from '../../../src/code/link.js';
import { loadParser } from '../../../src/sql/parser.js';
import { formatReferences } from '../../support/extract.js';

beforeAll(() => loadParser());

function linked(files: Record<string, string>, from: readonly string[] = ['knex', 'kysely']) {
  const facts = Object.entries(files).map(([path, text]) => extractFile(path, text, 'app', extractors));
  return linkFacts(facts, extractors).filter((r) => from.includes(r.extractor));
}

function refsOf(files: Record<string, string>): string[] {
  return formatReferences(linked(files));
}

const KNEX_PACKAGE = JSON.stringify({ name: 'app', dependencies: { knex: '^3.1.0', pg: '^8' } });
const KYSELY_PACKAGE = JSON.stringify({ name: 'app', dependencies: { kysely: '^0.27.0' } });

describe('§1 receivers the file cannot trace', () => {
  const store = `import type { Db } from '../db';

const TABLE = 'user_tokens';

export class UserTokenStore {
  private db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  get(secret: string) {
    return this.db(TABLE).select('label', 'expires_at').where({ secret }).first();
  }

  list() {
    return this.db.select(['secret', 'label']).from(TABLE).orderBy('created_at');
  }
}
`;
  const dbModule = `import type { Knex } from 'knex';\nexport type Db = Knex;\n`;

  it('reads a knex store whose instance comes through a type alias, when the package depends on knex', () => {
    const refs = linked({ 'package.json': KNEX_PACKAGE, 'src/db.ts': dbModule, 'src/stores/user-token-store.ts': store });
    expect(formatReferences(refs)).toEqual([
      'user_tokens.label read likely explicit src/stores/user-token-store.ts:13',
      'user_tokens.expires_at read likely explicit src/stores/user-token-store.ts:13',
      'user_tokens.secret read likely explicit src/stores/user-token-store.ts:13',
      'user_tokens.secret read likely explicit src/stores/user-token-store.ts:17',
      'user_tokens.label read likely explicit src/stores/user-token-store.ts:17',
      'user_tokens.created_at read likely explicit src/stores/user-token-store.ts:17',
    ]);
    // How it was recognised is said on each reference.
    expect(refs.every((r) => r.via?.includes('receiver not traced') && r.via.includes('depends on knex'))).toBe(true);
  });

  it('reads nothing of the same code when no package.json depends on knex', () => {
    expect(refsOf({ 'package.json': JSON.stringify({ dependencies: { dexie: '^4' } }), 'src/db.ts': dbModule, 'src/stores/user-token-store.ts': store })).toEqual([]);
    expect(refsOf({ 'src/db.ts': dbModule, 'src/stores/user-token-store.ts': store })).toEqual([]);
  });

  it('takes the nearest package.json of a workspace package, or the workspace root', () => {
    const files = {
      'package.json': JSON.stringify({ private: true, workspaces: ['packages/*'] }),
      'packages/api/package.json': KNEX_PACKAGE,
      'packages/api/src/store.ts': `export const get = (ctx) => ctx.db('accounts').where({ handle: 'x' }).first();\n`,
      'packages/web/package.json': JSON.stringify({ dependencies: { dexie: '^4' } }),
      'packages/web/src/store.ts': `export const get = (ctx) => ctx.db('friends').where({ age: 3 }).first();\n`,
    };
    // `first()` without columns reads every column.
    expect(refsOf(files)).toEqual(['accounts read likely implicit packages/api/src/store.ts:1', 'accounts.handle read likely explicit packages/api/src/store.ts:1']);
    expect(refsOf({ ...files, 'package.json': KNEX_PACKAGE })).toEqual([
      'accounts read likely implicit packages/api/src/store.ts:1',
      'accounts.handle read likely explicit packages/api/src/store.ts:1',
      // The root depends on knex: every package's knex-shaped chains count.
      'friends read likely implicit packages/web/src/store.ts:1',
      'friends.age read likely explicit packages/web/src/store.ts:1',
    ]);
  });

  it('reads a package.json that does not parse as depending on nothing, without failing', () => {
    const facts = extractFile('package.json', '{ "dependencies": { "knex": ', 'app', extractors);
    expect(facts.dependencies).toBeUndefined();
    expect(facts.diagnostics).toEqual([]);
    expect(refsOf({ 'package.json': '{ "dependencies": { "knex": ', 'src/db.ts': dbModule, 'src/stores/user-token-store.ts': store })).toEqual([]);
  });

  it('reads kysely chains on ctx.db, this.database.db and a DI container', () => {
    const code = `export class AccountService {
  constructor(private readonly database: { db: any }) {}
  state(did: string) {
    return this.database.db.selectFrom('account_state').select(['did', 'active']).where('did', '=', did).executeTakeFirst();
  }
}
export async function handler(ctx: any, did: string) {
  await ctx.db.insertInto('account').values({ did, handle: 'h' }).onConflict((oc) => oc.column('did').doNothing()).execute();
  const db = container.resolve('db');
  return db.updateTable('account').set({ handle: 'x' }).where('did', '=', did).execute();
}
`;
    expect(refsOf({ 'package.json': KYSELY_PACKAGE, 'src/account.ts': code })).toEqual([
      'account_state.did read likely explicit src/account.ts:4',
      'account_state.active read likely explicit src/account.ts:4',
      'account_state.did read likely explicit src/account.ts:4',
      'account insert(did,handle) likely explicit src/account.ts:8',
      'account.did write likely explicit src/account.ts:8',
      'account.handle write likely explicit src/account.ts:8',
      'account.did read likely explicit src/account.ts:8',
      'account.handle write likely explicit src/account.ts:10',
      'account.did read likely explicit src/account.ts:10',
    ]);
    expect(refsOf({ 'package.json': KNEX_PACKAGE, 'src/account.ts': code })).toEqual([]);
  });

  it('counts a chain on an import of a wrapper module by its shape', () => {
    const files = {
      'package.json': KYSELY_PACKAGE,
      'src/db.ts': `import { createDb } from './create';\nexport const db = createDb(process.env.DATABASE_URL);\n`,
      'src/users.ts': `import { db } from './db';\nexport const byEmail = (email: string) => db.selectFrom('users').select('id').where('email', '=', email).execute();\n`,
    };
    expect(refsOf(files)).toEqual(['users.id read likely explicit src/users.ts:2', 'users.email read likely explicit src/users.ts:2']);
  });

  it('traps: same-named methods of other libraries, and chains without the argument shapes, give nothing', () => {
    const code = `export async function f(db: any, cy: any, $: any, t: any, arr: any[], cache: any) {
  await db.table('friends').where('age').above(30);
  cy.get('users').first().click();
  $('users').select();
  t('users.title').toUpperCase();
  arr.select('x');
  await cache('sessions').get('x');
  await db.selectFrom(someSubquery).select('x').execute();
  await db.collection('users').find({ email: 1 });
  await db.from('users');
  await db.query('users').where(1).first();
}
`;
    // The dexie chain `db.table('friends').where('age')` has Knex's names and shapes: only a knex dependency lets it count.
    expect(refsOf({ 'package.json': JSON.stringify({ dependencies: { dexie: '^4', kysely: '^0.27' } }), 'src/f.ts': code })).toEqual([]);
  });
});

describe('§1 raw SQL (pg, slonik) through class properties and local re-exports', () => {
  it('reads SQL given to an untyped pool on this, a slonik pool on a context, and slonik tags of a re-exported sql', () => {
    const files = {
      'package.json': JSON.stringify({ dependencies: { slonik: '^37', pg: '^8' } }),
      'src/db.ts': `import { createPool, sql } from 'slonik';\nexport { sql };\nexport const pool = await createPool('');\n`,
      'src/a.ts': `export class A {\n  constructor(private pool: any) {}\n  q() { return this.pool.query('SELECT email FROM users WHERE id = $1', [1]); }\n}\n`,
      'src/b.ts': `import { sql } from 'slonik';\nexport class B {\n  constructor(private ctx: any) {}\n  q() { return this.ctx.pool.any(sql.type(Row)\`SELECT handle FROM accounts\`); }\n}\n`,
      'src/c.ts': `import { sql } from './db';\nexport const q = (conn: any) => conn.one(sql.unsafe\`SELECT name FROM pets\`);\nexport const r = (conn: any) => conn.one(sql.typeAlias('pet')\`SELECT species FROM pets\`);\n`,
      'src/d.ts': `import { html } from 'lit';\nexport const v = html.unsafe\`SELECT nothing FROM here\`;\n`,
    };
    expect(formatReferences(linked(files, ['raw-sql']))).toEqual([
      'users.email read likely explicit src/a.ts:3',
      'users read likely explicit src/a.ts:3',
      'users.id read likely explicit src/a.ts:3',
      'accounts.handle read certain explicit src/b.ts:4',
      'accounts read certain explicit src/b.ts:4',
      'pets.name read likely explicit src/c.ts:2',
      'pets read likely explicit src/c.ts:2',
      'pets.species read likely explicit src/c.ts:3',
      'pets read likely explicit src/c.ts:3',
    ]);
  });
});

describe('§2 names in constants', () => {
  it('resolves string constants, arrays with spreads, object keys and row objects built by helpers', () => {
    const code = `import type { Knex } from 'knex';
const TABLE = 'users';
const BASE = ['id', 'email'];
const COLUMNS = [...BASE, 'username', 'seen_at'];
const T = { events: 'events' } as const;
const toRow = (u: any) => ({ username: u.name, email: u.email.toLowerCase() });
function audit(u: any) {
  return { ...toRow(u), created_by: u.by };
}
export class UserStore {
  constructor(private db: Knex) {}
  all() { return this.db(TABLE).select(COLUMNS); }
  add(u: any) { return this.db(TABLE).insert(toRow(u)).returning(['id']); }
  log(u: any) { return this.db(T.events).insert(audit(u)); }
  many(us: any[]) { return this.db(TABLE).insert(us.map(this.toRow)).onConflict(['email']).merge(); }
  byIds(ids: number[]) { return this.db.from(\`\${TABLE}\`).whereIn('id', ids).groupBy(BASE[0] ?? 'id').orderBy('seen_at'); }
  toRow(u: any) { return { username: u.name }; }
}
`;
    expect(refsOf({ 'src/user-store.ts': code })).toEqual([
      // The keys of a row built by a helper are placed where the helper names them.
      'users.username write likely explicit src/user-store.ts:6',
      'events.username write likely explicit src/user-store.ts:6',
      'users.email write likely explicit src/user-store.ts:6',
      'events.email write likely explicit src/user-store.ts:6',
      'events.created_by write likely explicit src/user-store.ts:8',
      'users.id read likely explicit src/user-store.ts:12',
      'users.email read likely explicit src/user-store.ts:12',
      'users.username read likely explicit src/user-store.ts:12',
      'users.seen_at read likely explicit src/user-store.ts:12',
      'users insert(username,email) likely explicit src/user-store.ts:13',
      'users.id read likely explicit src/user-store.ts:13',
      'events insert(username,email,created_by) likely explicit src/user-store.ts:14',
      'users insert(username) likely explicit src/user-store.ts:15',
      'users.email read likely explicit src/user-store.ts:15',
      'users read likely implicit src/user-store.ts:16',
      'users.id read likely explicit src/user-store.ts:16',
      'users.seen_at read likely explicit src/user-store.ts:16',
      'users.username write likely explicit src/user-store.ts:17',
    ]);
  });

  it('resolves constants imported from another file at link time (named, namespace, CommonJS), and drops what is no constant', () => {
    const files = {
      'src/tables.ts': `export const USERS = 'users';\nexport const USER_COLUMNS = ['id', 'email'];\nexport const TABLES = { tokens: 'user_tokens' };\n`,
      'src/legacy/tables.js': `module.exports = { EVENTS: 'events' };\nexports.EVENT_COLUMNS = ['kind'];\n`,
      'src/schema.ts': `export const users = pgTable('users', {});\n`,
      'src/repo.ts': `import type { Knex } from 'knex';
import { USERS, USER_COLUMNS, TABLES } from './tables';
import * as T from './tables';
import { users } from './schema';
const legacy = require('./legacy/tables');
export const repo = (db: Knex) => ({
  a: () => db(USERS).select(USER_COLUMNS),
  b: () => db(TABLES.tokens).where('secret', 1),
  c: () => db(T.USERS).insert({ email: 'x' }),
  d: () => db(legacy.EVENTS).select(legacy.EVENT_COLUMNS),
  e: () => db(users).select('nothing'),
});
`,
    };
    expect(refsOf(files)).toEqual([
      'users.id read likely explicit src/repo.ts:7',
      'users.email read likely explicit src/repo.ts:7',
      'user_tokens read likely implicit src/repo.ts:8',
      'user_tokens.secret read likely explicit src/repo.ts:8',
      'users insert(email) likely explicit src/repo.ts:9',
      'users.email write likely explicit src/repo.ts:9',
      'events.kind read likely explicit src/repo.ts:10',
    ]);
  });

  it('reads kysely names from constants too', () => {
    const code = `import { Kysely } from 'kysely';
const db = new Kysely<any>({} as any);
const TABLE = 'pets';
const COLS = ['name', 'species'] as const;
export const q = () => db.selectFrom(TABLE).select([...COLS, 'id']).orderBy('name').groupBy(COLS).execute();
`;
    expect(refsOf({ 'src/q.ts': code })).toEqual([
      'pets.name read likely explicit src/q.ts:5',
      'pets.species read likely explicit src/q.ts:5',
      'pets.id read likely explicit src/q.ts:5',
      'pets.name read likely explicit src/q.ts:5', // orderBy
      'pets.name read likely explicit src/q.ts:5', // groupBy(COLS)
      'pets.species read likely explicit src/q.ts:5',
    ]);
  });
});

describe('§6 JavaScript code is code', () => {
  it('reads CommonJS knex and kysely in .js, .cjs and .mjs files', () => {
    const files = {
      'package.json': JSON.stringify({ type: 'commonjs', dependencies: { knex: '^3', kysely: '^0.27' } }),
      'src/db.cjs': `const knex = require('knex')({ client: 'pg' });\nmodule.exports = knex;\n`,
      'src/users.js': `const db = require('./db.cjs');
const TABLE = 'users';
/** @param {string} email */
async function byEmail(email) {
  return db(TABLE).where({ email }).first('id', 'display_name');
}
module.exports = { byEmail };
`,
      'src/k.cjs': `const { Kysely, PostgresDialect } = require('kysely');
const db = new Kysely({ dialect: new PostgresDialect({}) });
exports.pets = () => db.selectFrom('pets').select(['name']).execute();
`,
      'src/store.mjs': `export class Store {
  constructor(knex) { this.knex = knex; }
  get() { return this.knex('sessions').where('sid', 1).select('data'); }
}
`,
    };
    expect(refsOf(files)).toEqual([
      'pets.name read likely explicit src/k.cjs:3',
      'sessions.sid read likely explicit src/store.mjs:3',
      'sessions.data read likely explicit src/store.mjs:3',
      'users.email read likely explicit src/users.js:5',
      'users.id read likely explicit src/users.js:5',
      'users.display_name read likely explicit src/users.js:5',
    ]);
  });
});
