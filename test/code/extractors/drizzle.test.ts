import { describe, expect, it } from 'vitest';
import { extractFile } from '../../../src/code/extract-file.js';
import { drizzleExtractor, drizzleNaming } from '../../../src/code/extractors/drizzle.js';
import { toCamelCase, toSnakeCase } from '../../../src/code/extractors/drizzle/casing.js';
import type { FileFacts, ModelDeclaration } from '../../../src/code/facts.js';
import type { Reference } from '../../../src/code/reference.js';
import { linkFacts, type OrmConfig } from '../../../src/code/link.js';
import { loadParser } from '../../../src/sql/parser.js';
import { fixtureReferences, formatReferences, loadFixture, migrationColumns, referencesIn } from '../../support/extract.js';

const extractors = [drizzleExtractor];
const basicRun = fixtureReferences('apps/drizzle/basic', extractors);
const basic = formatReferences(basicRun.references);

/** The basic app's schema plus the given sources, extracted and linked; schema declarations left out. */
function withBasicSchema(sources: Record<string, string>, orm: OrmConfig = {}): string[] {
  const schema = loadFixture('apps/drizzle/basic').get('src/db/schema.ts')!;
  const facts = [extractFile('src/db/schema.ts', schema, 'app', extractors)];
  for (const [path, text] of Object.entries(sources)) facts.push(extractFile(path, text, 'app', extractors));
  return formatReferences(linkFacts(facts, extractors, orm)).filter((line) => !line.endsWith(`src/db/schema.ts:${line.slice(line.lastIndexOf(':') + 1)}`));
}

/** Table-level effects of a file's usages, `symbol effect line`, for what link does not turn into references (read-all). */
function effects(facts: readonly FileFacts[], path: string): string[] {
  return facts
    .filter((f) => f.path === path)
    .flatMap((f) => f.usages)
    .filter((u) => u.effect !== 'none')
    .map((u) => `${'symbol' in u.model ? u.model.symbol : u.model.modelName} ${u.effect} ${u.location.line}`);
}

describe('drizzle table declarations', () => {
  it('declares every column with its explicit name, through shared spreads, pgSchema tables and multi-line builders', () => {
    expect(referencesIn(basic, 'src/db/schema.ts')).toEqual([
      'users.created_at model certain implicit src/db/schema.ts:8',
      'posts.created_at model certain implicit src/db/schema.ts:8',
      'users.updated_at model certain implicit src/db/schema.ts:9',
      'posts.updated_at model certain implicit src/db/schema.ts:9',
      'users.id model certain implicit src/db/schema.ts:15',
      'users.email_address model certain implicit src/db/schema.ts:16',
      'users.display_name model certain implicit src/db/schema.ts:17',
      'users.role model certain implicit src/db/schema.ts:18',
      'posts.id model certain implicit src/db/schema.ts:25',
      'posts.author_id model certain implicit src/db/schema.ts:26',
      'posts.title model certain implicit src/db/schema.ts:29',
      'posts.body model certain implicit src/db/schema.ts:30',
      'posts.published model certain implicit src/db/schema.ts:31',
      'posts.search_text model certain implicit src/db/schema.ts:32',
      'billing.invoices.id model certain implicit src/db/schema.ts:40',
      'billing.invoices.user_id model certain implicit src/db/schema.ts:41',
      'billing.invoices.email model certain implicit src/db/schema.ts:44',
      'billing.invoices.amount_cents model certain implicit src/db/schema.ts:45',
      'billing.invoices.meta model certain implicit src/db/schema.ts:46',
    ]);
  });

  it('declares exactly the columns the drizzle-kit migrations create, with and without casing', async () => {
    await loadParser();
    const declared = (refs: readonly Reference[]) => refs.filter((r) => r.kind === 'model').map((r) => `${r.schema ?? 'public'}.${r.table}.${r.column}`).sort();
    expect(declared(basicRun.references)).toEqual(migrationColumns('apps/drizzle/basic', ['drizzle/0000_init_users_posts.sql', 'drizzle/0001_billing_invoices.sql']));
    const casing = fixtureReferences('apps/drizzle/casing', extractors, { drizzle: { casing: 'snake_case' } }).references;
    expect(declared(casing)).toEqual(migrationColumns('apps/drizzle/casing', ['drizzle/0000_accounts_sessions.sql']));
  });

  it('records the export name, the exact field location, and which columns an INSERT lists', () => {
    const schema = basicRun.facts.find((f) => f.path === 'src/db/schema.ts')!;
    expect(schema.models.map((m) => [m.name, m.table, m.schema, m.exportedAs])).toEqual([
      ['users', 'users', undefined, ['users']],
      ['posts', 'posts', undefined, ['posts']],
      ['invoices', 'invoices', 'billing', ['invoices']],
    ]);
    const posts = schema.models.find((m) => m.name === 'posts')!;
    expect(posts.fields.filter((f) => !f.written).map((f) => f.name)).toEqual(['id', 'searchText']);
    expect(posts.fields.find((f) => f.name === 'title')!.location).toEqual({ path: 'src/db/schema.ts', line: 29, column: 3, endLine: 29, endColumn: 8 });
    expect(schema.usages).toEqual([]);
  });

  it('reads non-exported tables, `export { … as … }`, RLS-enabled tables and inline pgSchema(…).table', () => {
    const facts = extractFile(
      'src/tables.ts',
      `import { pgSchema, pgTable as table, text } from 'drizzle-orm/pg-core';
const events = table('events', { kind: text('event_kind') }).enableRLS();
const audit = pgSchema('audit').table('entries', { note: text() });
const helpers = { x: 1 };
export { events as auditEvents };
`,
      'app',
      extractors,
    );
    expect(facts.models.map((m) => [m.name, m.schema ?? '', m.table, m.exportedAs ?? [], m.fields.map((f) => `${f.name}:${f.column ?? ''}`)])).toEqual([
      ['events', '', 'events', ['auditEvents'], ['kind:event_kind']],
      ['audit', 'audit', 'entries', [], ['note:']],
    ]);
  });
});

describe('drizzle query usages', () => {
  it('finds select fields, where, orderBy, insert values, update set and delete', () => {
    expect(referencesIn(basic, 'src/users/repository.ts')).toEqual([
      'users.created_at read certain explicit src/users/repository.ts:6',
      'users.email_address read certain explicit src/users/repository.ts:11',
      'users.display_name read certain explicit src/users/repository.ts:11',
      'users.role read certain explicit src/users/repository.ts:13',
      'users insert(id,email_address,display_name,role,created_at,updated_at) certain implicit src/users/repository.ts:17',
      'users.email_address write certain explicit src/users/repository.ts:17',
      'users.display_name write certain explicit src/users/repository.ts:17',
      'users.display_name write certain explicit src/users/repository.ts:21',
      'users.updated_at write certain explicit src/users/repository.ts:21',
      'users.id read certain explicit src/users/repository.ts:21',
      'users.id read certain explicit src/users/repository.ts:21',
      'users delete certain explicit src/users/repository.ts:25',
      'users.id read certain explicit src/users/repository.ts:25',
    ]);
  });

  it('reads every column for select() without fields, joins of it, and returning() without fields', () => {
    expect(effects(basicRun.facts, 'src/users/repository.ts')).toEqual(['users read-all 6', 'users insert 17', 'users read-all 17', 'users delete 25']);
    // The join call encloses the from() call, so it comes first.
    expect(effects(basicRun.facts, 'src/posts/feed.ts')).toEqual(['posts read-all 16', 'users read-all 20', 'posts read-all 20']);
  });

  it('follows relational queries (columns, callback where), joins, alias() and namespace imports', () => {
    expect(referencesIn(basic, 'src/posts/feed.ts')).toEqual([
      'posts.id read certain explicit src/posts/feed.ts:9',
      'posts.title read certain explicit src/posts/feed.ts:9',
      'posts.published read certain explicit src/posts/feed.ts:10',
      'posts.author_id read certain explicit src/posts/feed.ts:20',
      'users.id read certain explicit src/posts/feed.ts:20',
      'users.display_name read certain explicit src/posts/feed.ts:26',
      // Through `import * as schema`: resolved by the table's unique name, hence likely.
      'billing.invoices.email read likely explicit src/posts/feed.ts:30',
    ]);
  });

  it('reads onConflictDoUpdate targets and set keys', () => {
    expect(referencesIn(basic, 'src/billing.ts')).toEqual([
      'billing.invoices insert(id,user_id,email,amount_cents,meta) certain implicit src/billing.ts:7',
      'billing.invoices.user_id write certain explicit src/billing.ts:8',
      'billing.invoices.email write certain explicit src/billing.ts:8',
      'billing.invoices.amount_cents write certain explicit src/billing.ts:8',
      'billing.invoices.id read certain explicit src/billing.ts:9',
      'billing.invoices.amount_cents write certain explicit src/billing.ts:9',
      'billing.invoices.id read certain explicit src/billing.ts:13',
      'billing.invoices.email read certain explicit src/billing.ts:13',
      'billing.invoices.amount_cents read certain explicit src/billing.ts:13',
    ]);
  });

  it('marks tests and scripts, and resolves tables imported into files that never import drizzle-orm', () => {
    expect(referencesIn(basic, 'test/repository.test.ts')).toEqual(['users delete certain explicit test test/repository.test.ts:7']);
    expect(referencesIn(basic, 'scripts/publish-all.ts')).toEqual([
      'posts.published write certain explicit script scripts/publish-all.ts:5',
      'posts.published read certain explicit script scripts/publish-all.ts:5',
    ]);
  });

  it('leaves generated-always columns out of an INSERT', () => {
    expect(withBasicSchema({ 'src/p.ts': "import { posts } from './db/schema.js';\nexport const add = (db: DB) => db.insert(posts).values({ authorId: 1, title: 't' });\n" })).toEqual([
      'posts insert(author_id,title,body,published,created_at,updated_at) certain implicit src/p.ts:2',
      'posts.author_id write certain explicit src/p.ts:2',
      'posts.title write certain explicit src/p.ts:2',
    ]);
  });

  it('has references only where the app queries', () => {
    const files = new Set(basic.map((line) => line.slice(line.lastIndexOf(' ') + 1, line.lastIndexOf(':'))));
    expect([...files].sort()).toEqual(['scripts/publish-all.ts', 'src/api/users.ts', 'src/billing.ts', 'src/db/schema.ts', 'src/posts/feed.ts', 'src/users/repository.ts', 'test/repository.test.ts']);
  });
});

describe('drizzle precision traps', () => {
  it('a key shared with another table resolves to its own table', () => {
    expect(withBasicSchema({ 'src/e.ts': "import { eq } from 'drizzle-orm';\nimport { invoices, users } from './db/schema.js';\nexport const a = eq(invoices.email, 'x');\nexport const b = eq(users.email, 'x');\n" })).toEqual([
      'billing.invoices.email read certain explicit src/e.ts:3',
      'users.email_address read certain explicit src/e.ts:4',
    ]);
  });

  it('an API response and users.email on plain values reference nothing', () => {
    expect(referencesIn(basic, 'src/api/users.ts')).toEqual([
      'users.id read certain explicit src/api/users.ts:21',
      'users.email_address read certain explicit src/api/users.ts:21',
    ]);
  });

  it('users.email on a plain object named users, in a file that uses Drizzle, references nothing', () => {
    expect(referencesIn(basic, 'src/traps.ts')).toEqual([]);
    expect(
      withBasicSchema({
        'src/shadow.ts': `import { eq } from 'drizzle-orm';
import { users } from './db/schema.js';
export function f(users: { email: string }) { return users.email; }
export function g() { const users = { email: 'x' }; return users.email; }
export const h = [{ email: 'x' }].map((users) => users.email);
export const i = eq(users.email, 'x');
`,
      }),
    ).toEqual(['users.email_address read certain explicit src/shadow.ts:6']);
  });

  it('a same-named import from a module that is not a schema, in a file without Drizzle, references nothing', () => {
    expect(withBasicSchema({ 'src/mail.ts': "import { users } from './fixtures/people.js';\nexport const to = users.email;\nexport const list = Array.from(users);\n" })).toEqual([]);
  });

  it('identifiers in comments and strings reference nothing', () => {
    expect(
      withBasicSchema({ 'src/c.ts': "import { db } from './db/index.js';\n// db.select().from(users).where(eq(users.email, x))\nexport const s = 'db.delete(users)';\nexport const t = `users.email`;\n" }),
    ).toEqual([]);
  });

  it('the database object is never taken for a table', () => {
    expect(withBasicSchema({ 'src/d.ts': "import { db } from './db/schema.js';\nexport const a = db.query.users.findMany({ columns: { email: true } });\n" })).toEqual([
      'users.email_address read likely explicit src/d.ts:2',
    ]);
  });
});

describe('drizzle naming and casing', () => {
  it('splits words the way Drizzle does', () => {
    expect(['createdAt', 'externalID', 'HTMLParser', 'user2fa', 'already_snake'].map(toSnakeCase)).toEqual(['created_at', 'external_id', 'html_parser', 'user2fa', 'already_snake']);
    expect(['created_at', 'full_name', 'user_ID', 'plain'].map(toCamelCase)).toEqual(['createdAt', 'fullName', 'userID', 'plain']);
  });

  it('names unnamed columns by the configured casing, and keeps explicit names', () => {
    const snake = formatReferences(fixtureReferences('apps/drizzle/casing', extractors, { drizzle: { casing: 'snake_case' } }).references);
    expect(referencesIn(snake, 'src/db/schema.ts')).toEqual([
      'accounts.id model certain implicit src/db/schema.ts:5',
      'accounts.full_name model certain implicit src/db/schema.ts:6',
      'accounts.external_ref model certain implicit src/db/schema.ts:7',
      'accounts.is_active model certain implicit src/db/schema.ts:8',
      'accounts.created_at model certain implicit src/db/schema.ts:9',
      'app_sessions.token model certain implicit src/db/schema.ts:15',
      'app_sessions.account_id model certain implicit src/db/schema.ts:16',
      'app_sessions.expires_at model certain implicit src/db/schema.ts:17',
    ]);
    expect(referencesIn(snake, 'src/accounts.ts')).toEqual([
      'accounts.id read certain explicit src/accounts.ts:6',
      'accounts.full_name read certain explicit src/accounts.ts:6',
      'accounts.is_active read certain explicit src/accounts.ts:6',
      'app_sessions insert(token,account_id,expires_at) certain implicit src/accounts.ts:10',
      'app_sessions.token write certain explicit src/accounts.ts:10',
      'app_sessions.account_id write certain explicit src/accounts.ts:10',
      'app_sessions.expires_at write certain explicit src/accounts.ts:10',
      'app_sessions.token read certain explicit src/accounts.ts:15',
      'app_sessions.expires_at read certain explicit src/accounts.ts:15',
      'app_sessions.account_id read certain explicit src/accounts.ts:16',
    ]);
    const asWritten = formatReferences(fixtureReferences('apps/drizzle/casing', extractors).references);
    expect(referencesIn(asWritten, 'src/db/schema.ts').slice(0, 5)).toEqual([
      'accounts.id model certain implicit src/db/schema.ts:5',
      'accounts.fullName model certain implicit src/db/schema.ts:6',
      'accounts.external_ref model certain implicit src/db/schema.ts:7',
      'accounts.isActive model certain implicit src/db/schema.ts:8',
      'accounts.createdAt model certain implicit src/db/schema.ts:9',
    ]);
  });

  it('takes the casing of a drizzle() call in the tables’ own file over the option', () => {
    const facts = [
      extractFile(
        'src/db.ts',
        "import { drizzle } from 'drizzle-orm/node-postgres';\nimport { pgTable, text } from 'drizzle-orm/pg-core';\nexport const notes = pgTable('notes', { bodyText: text() });\nexport const db = drizzle(process.env.URL!, { casing: 'snake_case' });\n",
        'app',
        extractors,
      ),
    ];
    expect(formatReferences(linkFacts(facts, extractors, { drizzle: { casing: 'camelCase' } }))).toEqual(['notes.body_text model certain implicit src/db.ts:3']);
  });

  it('applies casing only through the naming function', () => {
    const model: ModelDeclaration = { orm: 'drizzle', name: 'accounts', table: 'accounts', fields: [], location: { path: 'a', line: 1, column: 1, endLine: 1, endColumn: 1 }, snippet: '' };
    const field = { name: 'fullName', selected: true, written: true, location: model.location, snippet: '' };
    expect(drizzleNaming.column(field, model, { casing: 'snake_case' })).toBe('full_name');
    expect(drizzleNaming.column(field, model, { casing: 'camelCase' })).toBe('fullName');
    expect(drizzleNaming.column({ ...field, name: 'full_name' }, model, { casing: 'camelCase' })).toBe('fullName');
    expect(drizzleNaming.column(field, model, { casing: 'kebab' })).toBe('fullName');
    expect(drizzleNaming.column(field, model, {})).toBe('fullName');
  });
});
