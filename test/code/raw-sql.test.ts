import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractFile } from '../../src/code/extract-file.js';
import { linkFacts } from '../../src/code/link.js';
import { rawSql } from '../../src/code/extractors/raw-sql.js';
import type { Reference } from '../../src/code/reference.js';
import { scanWorktree } from '../../src/code/scan.js';
import { loadParser } from '../../src/sql/parser.js';

beforeAll(() => loadParser());

/** `[schema.]table[.column] kind[(cols)] confidence [implicit] [context] path:line:column`, sorted by position. */
function format(refs: readonly Reference[]): string[] {
  return [...refs]
    .sort((a, b) => a.location.path.localeCompare(b.location.path) || a.location.line - b.location.line || a.location.column - b.location.column || a.kind.localeCompare(b.kind))
    .map((r) => {
      const name = [r.schema, r.table, r.column].filter((p) => p !== undefined).join('.');
      const kind = r.kind === 'insert' && r.insertColumns ? `insert(${r.insertColumns.join(',')})` : r.kind;
      const flags = [r.implicit ? 'implicit' : '', r.context === 'app' ? '' : r.context].filter(Boolean).join(' ');
      return `${name} ${kind} ${r.confidence}${flags ? ` ${flags}` : ''} ${r.location.path}:${r.location.line}:${r.location.column}`;
    });
}

/** `line:column` of the `nth` occurrence of `needle` in `code`: expectations name the text they point at. */
function at(code: string, needle: string, nth = 1): string {
  let index = -1;
  for (let i = 0; i < nth; i++) {
    index = code.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`"${needle}" occurs fewer than ${nth} times`);
  }
  const before = code.slice(0, index).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}

/** The references of one file, linked alone (so a client imported from a file not given stays `likely`). */
function refsOf(code: string, path = 'src/a.ts'): string[] {
  const facts = extractFile(path, code, 'app', [rawSql]);
  expect(facts.diagnostics.filter((d) => d.code === 'extractor-failed')).toEqual([]);
  return format(linkFacts([facts], [rawSql])).map((line) => line.replace(` ${path}:`, ' '));
}

describe('raw-sql on the raw-pg fixture app', () => {
  it('finds every reference with its exact position, and none of the traps', async () => {
    const root = fileURLToPath(new URL('../../fixtures/apps/raw-pg/', import.meta.url));
    const result = await scanWorktree(root, { extractors: [rawSql], migrationDirs: ['migrations'], cacheDir: false });
    expect(result.diagnostics).toEqual([]);
    expect(format(result.references)).toEqual([
      // Positional insert: no column list, so every column is written by position.
      'users insert certain script scripts/seed.ts:3:31',
      // `u` is an alias of accounts here: the users.email/plan of the same names are not touched.
      'accounts.email read certain src/accounts.ts:6:13',
      'accounts.plan read certain src/accounts.ts:6:22',
      'accounts read certain src/accounts.ts:6:34',
      'accounts.owner_id read certain src/accounts.ts:6:51',
      'accounts.email read certain src/accounts.ts:14:12',
      'users.email read certain src/accounts.ts:14:38',
      'accounts read certain src/accounts.ts:15:12',
      'users read certain src/accounts.ts:16:12',
      'users.id read certain src/accounts.ts:16:27',
      'accounts.owner_id read certain src/accounts.ts:16:38',
      'users.name read certain src/api/profile.ts:16:29',
      'users read certain src/api/profile.ts:16:41',
      'users.id read certain src/api/profile.ts:16:58',
      'orders.id read certain src/orders.ts:8:12',
      'orders.total_cents read certain src/orders.ts:8:18',
      'orders read certain src/orders.ts:9:12',
      'orders.user_id read certain src/orders.ts:10:12',
      // From the nested fragment, spliced into the statement.
      'orders.status read certain src/orders.ts:11:26',
      'orders.status read certain src/orders.ts:20:20',
      // `${db('orders')}`: postgres.js' identifier helper names the table.
      'orders read certain src/orders.ts:20:48',
      'orders.status read certain src/orders.ts:20:67',
      'orders insert(user_id,total_cents) certain src/orders.ts:25:26',
      'orders.user_id write certain src/orders.ts:25:34',
      'orders.total_cents write certain src/orders.ts:25:43',
      'audit_log insert(actor_id,action) certain src/orders.ts:26:34',
      'audit_log.actor_id write certain src/orders.ts:26:45',
      'audit_log.action write certain src/orders.ts:26:55',
      // `sql` comes from the app's own db module, which exports a postgres.js client: `certain`.
      'orders.created_at read certain src/orders.ts:31:21',
      'orders read certain src/orders.ts:31:37',
      // The CTE `users` hides the table: only orders is read.
      'orders.user_id read certain src/reports.ts:20:27',
      'orders.total_cents read certain src/reports.ts:20:40',
      'orders read certain src/reports.ts:20:67',
      'orders.user_id read certain src/reports.ts:20:83',
      'users.id read certain src/users.ts:7:45',
      'users.email read certain src/users.ts:7:49',
      'users.name read certain src/users.ts:7:56',
      'users read certain src/users.ts:7:66',
      'users.id read certain src/users.ts:7:78',
      // A constant holding a multi-line template, passed to query() later.
      'users.id read certain src/users.ts:13:12',
      'users.plan read certain src/users.ts:13:18',
      'users read certain src/users.ts:14:12',
      'users.email read certain src/users.ts:15:12',
      // `{ text }` query config on a typed PoolClient parameter.
      'users write certain src/users.ts:20:38',
      'users.name write certain src/users.ts:20:48',
      'users.id read certain src/users.ts:20:64',
      'users insert(email,plan) certain src/users.ts:26:37',
      'users.email write certain src/users.ts:26:44',
      'users.plan write certain src/users.ts:26:51',
      'users.id read certain src/users.ts:26:89',
      'users read certain implicit src/users.ts:33:29',
      'users read certain src/users.ts:33:36',
      'users delete certain test test/users.test.ts:4:33',
      'users.email read certain test test/users.test.ts:4:45',
    ]);
    // Every location points at the name itself (or at the `*` of an implicit read), in the file as written.
    for (const ref of result.references) {
      const line = readFileSync(join(root, ref.location.path), 'utf8').split('\n')[ref.location.line - 1]!;
      const name = ref.implicit ? '\\*' : (ref.column ?? ref.table);
      expect(line.slice(ref.location.column - 1), `${ref.location.path}:${ref.location.line}:${ref.location.column}`).toMatch(new RegExp(`^(\\w+\\.)?${name}(?!\\w)`, 'i'));
    }
    // Migrations (SQL and JS) are not live code.
    expect(result.files.some((f) => f.path.startsWith('migrations/'))).toBe(false);
  });
});

describe('raw-sql: which strings are SQL', () => {
  it('identifies tags by their import, not their name', () => {
    const slonik = "import { sql } from 'slonik';\nexport const q = sql.type(row)`SELECT email FROM users`;\n";
    expect(refsOf(slonik)).toEqual([`users.email read certain ${at(slonik, 'email')}`, `users read certain ${at(slonik, 'users')}`]);
    // A `sql` tag from a MySQL driver, String.raw, and an unrelated tag are not Postgres.
    expect(refsOf("import { sql } from 'mysql2';\nconst a = sql`SELECT email FROM users`;\n")).toEqual([]);
    expect(refsOf("import pg from 'pg';\nconst a = String.raw`SELECT email FROM users`;\n")).toEqual([]);
    expect(refsOf("import gql from 'graphql-tag';\nconst a = gql`query { users { email } }`;\n")).toEqual([]);
    // drizzle's sql is dialect-neutral: in a file that only speaks MySQL it is not Postgres.
    expect(refsOf("import { sql } from 'drizzle-orm';\nimport { drizzle } from 'drizzle-orm/mysql2';\nconst a = sql`SELECT email FROM users`;\n")).toEqual([]);
    const drizzle = "import { sql } from 'drizzle-orm';\nconst a = sql`SELECT email FROM users`;\n";
    expect(refsOf(drizzle)).toEqual([`users.email read certain ${at(drizzle, 'email')}`, `users read certain ${at(drizzle, 'users')}`]);
  });

  it('ignores another database client next to a Postgres one, and untyped clients in such a file', () => {
    const code = [
      "import { createClient } from '@clickhouse/client';",
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      'export async function f(conn) {',
      "  await conn.query('SELECT email FROM users');",
      "  await pool.query('SELECT name FROM users');",
      '}',
    ].join('\n');
    expect(refsOf(code)).toEqual([`users.name read certain ${at(code, 'name FROM')}`, `users read certain ${at(code, 'users', 2)}`]);
  });

  it('leaves SQL-looking strings alone unless a client runs them', () => {
    expect(refsOf("import { Pool } from 'pg';\nconst help = 'select email from users';\nlog.info('select email from users');\n")).toEqual([]);
    // Non-query statements run through a client say nothing about tables.
    expect(refsOf("import { Pool } from 'pg';\nconst p = new Pool();\np.query('BEGIN');\np.query('SET search_path TO app');\n")).toEqual([]);
  });

  it('reads Prisma raw queries through the client, Prisma.sql and the Unsafe variants', () => {
    const code = [
      "import { PrismaClient, Prisma } from '@prisma/client';",
      'const prisma = new PrismaClient();',
      'await prisma.$queryRaw`SELECT email FROM "User" WHERE id = ${id}`;',
      'await prisma.$executeRawUnsafe(\'DELETE FROM sessions WHERE expires_at < now()\');',
      'const q = Prisma.sql`UPDATE "User" SET name = ${name}`;',
    ].join('\n');
    expect(refsOf(code)).toEqual([
      `User.email read certain ${at(code, 'email')}`,
      `User read certain ${at(code, '"User"')}`,
      `User.id read certain ${at(code, 'id =')}`,
      `sessions delete certain ${at(code, 'sessions')}`,
      `sessions.expires_at read certain ${at(code, 'expires_at')}`,
      `User write certain ${at(code, '"User"', 2)}`,
      `User.name write certain ${at(code, 'name =')}`,
    ]);
  });

  it('follows clients through class members, typed parameters and transactions', () => {
    const code = [
      "import { DataSource } from 'typeorm';",
      "import knexFactory from 'knex';",
      'export class Repo {',
      '  private readonly knex = knexFactory({ client: "pg" });',
      '  constructor(private readonly dataSource: DataSource) {}',
      '  a() { return this.dataSource.query(`SELECT plan FROM accounts`); }',
      '  b() { return this.knex.transaction((trx) => trx.raw("SELECT total FROM invoices")); }',
      '}',
    ].join('\n');
    expect(refsOf(code)).toEqual([
      `accounts.plan read certain ${at(code, 'plan')}`,
      `accounts read certain ${at(code, 'accounts')}`,
      `invoices.total read certain ${at(code, 'total')}`,
      `invoices read certain ${at(code, 'invoices')}`,
    ]);
  });

  it('is certain of SQL on a client imported from a module that exports a Postgres client, likely otherwise', () => {
    const db = "import pg from 'pg';\nexport const pool = new pg.Pool();\nexport function query(text: string) { return text; }\n";
    const app = "import { pool, query } from './db';\nawait pool.query('SELECT email FROM users');\nawait query('SELECT name FROM teams');\n";
    const files = [extractFile('src/db.ts', db, 'app', [rawSql]), extractFile('src/app.ts', app, 'app', [rawSql])];
    expect(format(linkFacts(files, [rawSql]))).toEqual([
      'users.email read certain src/app.ts:2:26',
      'users read certain src/app.ts:2:37',
      'teams.name read likely src/app.ts:3:21',
      'teams read likely src/app.ts:3:31',
    ]);
  });

  it('treats SQL given to an unknown local wrapper as likely, and only when it parses', () => {
    const code = ["import { query } from './db';", "await query('SELECT email FROM users');", "await query('SELECT email FROM');", "await db.query('SELECT id FROM teams');"].join('\n');
    expect(refsOf(code)).toEqual([
      `users.email read likely ${at(code, 'email')}`,
      `users read likely ${at(code, 'users')}`,
      `teams.id read likely ${at(code, 'id FROM')}`,
      `teams read likely ${at(code, 'teams')}`,
    ]);
  });
});

describe('raw-sql: holes, escapes and locations', () => {
  it('maps locations through escapes in string literals', () => {
    const code = "import { Pool } from 'pg';\nconst p = new Pool();\np.query('SELECT \\'it\\'\\'s\\' AS x, email FROM users');\n";
    // The column sits after the escaped quotes: column counts source characters, not SQL characters.
    expect(refsOf(code)).toEqual([`users.email read certain ${at(code, 'email')}`, `users read certain ${at(code, 'users')}`]);
  });

  it('maps locations in multi-line templates, also with CRLF line ends', () => {
    const code = "import postgres from 'postgres';\r\nconst sql = postgres();\r\nawait sql`\r\n  SELECT email\r\n    FROM users\r\n   WHERE id = ${id}`;\r\n";
    // Columns count on the line as an editor shows it (the \r is not a column).
    expect(refsOf(code)).toEqual(['users.email read certain 4:10', 'users read certain 5:10', 'users.id read certain 6:10']);
    expect(at(code.replace(/\r/g, ''), 'email')).toBe('4:10');
  });

  it('uses a name placeholder where a hole names a table or column, and keeps real names from identifier helpers', () => {
    const code = [
      "import { sql } from 'slonik';",
      "import { sql as k } from 'kysely';",
      'const a = sql.unsafe`INSERT INTO ${sql.identifier([\'billing\', \'invoices\'])} (${column}, total) VALUES (${v}, 1)`;',
      "const b = k`SELECT ${k.ref('u.email')} FROM ${k.table('users')} AS u WHERE ${k.ref('u.id')} = ${id}`;",
      'const c = sql.unsafe`SELECT * FROM ${table}`;',
    ].join('\n');
    // Names from helpers point at the string that names them; the `${column}` hole names no column, so the
    // insert's column list is not fully known.
    expect(refsOf(code)).toEqual([
      `billing.invoices insert certain ${at(code, 'billing')}`,
      `billing.invoices.total write certain ${at(code, 'total')}`,
      `users.email read certain ${at(code, 'u.email')}`,
      `users read certain ${at(code, 'users')}`,
      `users.id read certain ${at(code, 'u.id')}`,
    ]);
  });

  it('flags unqualified columns of a multi-table query as ambiguous, attributed to each table', () => {
    const code = "import { Pool } from 'pg';\nconst pool = new Pool();\nawait pool.query('SELECT data_key FROM event_data JOIN website_event USING (event_id)');\n";
    const refs = extractFile('src/a.ts', code, 'app', [rawSql]).references.filter((r) => r.column === 'data_key');
    expect(refs.map((r) => [r.table, r.confidence, r.ambiguous])).toEqual([
      ['event_data', 'likely', true],
      ['website_event', 'likely', true],
    ]);
    expect(extractFile('src/a.ts', code.replace(' JOIN website_event USING (event_id)', ''), 'app', [rawSql]).references.find((r) => r.column === 'data_key')?.ambiguous).toBeUndefined();
  });

  it('reads a local wrapper next to another database\'s wrapper, with `{{name}}` values and optional fragments', () => {
    const code = [
      "import warehouse from '@/lib/clickhouse';",
      "import db from '@/lib/db';",
      'export async function fromPostgres(filter: string) {',
      '  const { rawQuery } = db;',
      '  return rawQuery(`SELECT name FROM teams WHERE id = {{teamId::uuid}} ${filter} ORDER BY name`, {});',
      '}',
      'export async function fromWarehouse() {',
      '  const { rawQuery } = warehouse;',
      '  return rawQuery(`SELECT name FROM teams WHERE id = {teamId:UUID}`, {});',
      '}',
    ].join('\n');
    expect(refsOf(code)).toEqual([
      `teams.name read likely ${at(code, 'name FROM')}`,
      `teams read likely ${at(code, 'teams')}`,
      `teams.id read likely ${at(code, 'id =')}`,
      `teams.name read likely ${at(code, 'name`')}`,
    ]);
  });

  it('keeps a table whose schema is set at run time, without a schema', () => {
    const code = "import type { PoolClient } from 'pg';\nexport const f = (client: PoolClient, schema: string) =>\n  client.query({ text: `\\\ndelete from ${schema}.jobs\nwhere id = $1`, values: [1] });\n";
    expect(rawSql.wants(code, 'src/a.ts')).toBe(true);
    expect(refsOf(code)).toEqual([`jobs delete certain ${at(code, 'jobs')}`, `jobs.id read certain ${at(code, 'id =')}`]);
  });

  it('treats an insert whose column list is a hole as writing unknown columns', () => {
    const code = "import { Pool } from 'pg';\nconst pool = new Pool();\nawait pool.query(`INSERT INTO users (${cols.join(', ')}) VALUES (${vals})`);\n";
    expect(refsOf(code)).toEqual([`users insert certain ${at(code, 'users')}`]);
  });

  it('splices nested fragments and plain-template constants, and reads `+` chains', () => {
    const code = [
      "import { Pool } from 'pg';",
      "import postgres from 'postgres';",
      'const pool = new Pool();',
      'const sql = postgres();',
      "const TABLE = 'teams';",
      'await pool.query(`SELECT name FROM ${TABLE} WHERE id = ${id}`);',
      "await pool.query('SELECT slug ' + 'FROM projects ' + where);",
      'await sql`SELECT id FROM members ${admin && sql`WHERE role = \'admin\'`}`;',
    ].join('\n');
    // The table named by a constant points at the constant's string, where a rename has to happen.
    expect(refsOf(code)).toEqual([
      `teams read certain ${at(code, 'teams')}`,
      `teams.name read certain ${at(code, 'name')}`,
      `teams.id read certain ${at(code, 'id =')}`,
      `projects.slug read certain ${at(code, 'slug')}`,
      `projects read certain ${at(code, 'projects')}`,
      `members.id read certain ${at(code, 'id FROM')}`,
      `members read certain ${at(code, 'members')}`,
      `members.role read certain ${at(code, 'role')}`,
    ]);
  });

  it('understands knex `?`/`??` and pg-promise `${name}` placeholders', () => {
    const code = [
      "import knex from 'knex';",
      "import pgp from 'pg-promise';",
      'const db = knex({});',
      'const pdb = pgp()(url);',
      "await db.raw('SELECT ?? FROM users WHERE email = ?', ['name', email]);",
      "await pdb.oneOrNone('SELECT plan FROM accounts WHERE id = ${id}', { id });",
    ].join('\n');
    // `??` (a column name bound at run time) reads no named column.
    expect(refsOf(code)).toEqual([
      `users read certain ${at(code, 'users')}`,
      `users.email read certain ${at(code, 'email =')}`,
      `accounts.plan read certain ${at(code, 'plan')}`,
      `accounts read certain ${at(code, 'accounts')}`,
      `accounts.id read certain ${at(code, 'id = ${id}')}`,
    ]);
  });

  it('falls back to a lexical scan (likely) for SQL Postgres cannot parse from a known client', () => {
    const code = "import { Pool } from 'pg';\nconst p = new Pool();\np.query('SELECT email FROM users u LIMIT 1, 10');\n";
    expect(refsOf(code)).toEqual([`users.email read likely ${at(code, 'email')}`, `users read likely ${at(code, 'users')}`]);
  });

  it('marks test and script files with their context', () => {
    const facts = extractFile('test/a.test.ts', "import { Pool } from 'pg';\nnew Pool().query('SELECT 1 FROM users');\n", 'test', [rawSql]);
    expect(facts.references.map((r) => [r.table, r.context, r.extractor])).toEqual([['users', 'test', 'raw-sql']]);
  });
});
