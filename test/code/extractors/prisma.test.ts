import { describe, expect, it } from 'vitest';
import { extractFile } from '../../../src/code/extract-file.js';
import { prismaExtractor, prismaNaming } from '../../../src/code/extractors/prisma.js';
import type { FileFacts, ModelDeclaration } from '../../../src/code/facts.js';
import { linkFacts } from '../../../src/code/link.js';
import { loadParser } from '../../../src/sql/parser.js';
import { fixtureReferences, formatReferences, loadFixture, migrationColumns, referencesIn } from '../../support/extract.js';

const extractors = [prismaExtractor];
const basic = formatReferences(fixtureReferences('apps/prisma/basic', extractors).references);

/** The basic app's schema plus the given sources, extracted and linked. */
function withBasicSchema(sources: Record<string, string>): string[] {
  const schema = loadFixture('apps/prisma/basic').get('prisma/schema.prisma')!;
  const facts = [extractFile('prisma/schema.prisma', schema, 'app', extractors)];
  for (const [path, text] of Object.entries(sources)) facts.push(extractFile(path, text, 'app', extractors));
  return formatReferences(linkFacts(facts, extractors)).filter((line) => !line.includes('prisma/schema.prisma'));
}

function schemaModels(text: string): { facts: FileFacts; models: ModelDeclaration[] } {
  const facts = extractFile('prisma/schema.prisma', text, 'app', extractors);
  return { facts, models: facts.models };
}

describe('prisma schema declarations', () => {
  it('maps every scalar and enum field through @map/@@map/@@schema; @ignore, Unsupported and @@ignore are declared but not selected', () => {
    expect(referencesIn(basic, 'prisma/schema.prisma')).toEqual([
      'public.users.id model certain implicit prisma/schema.prisma:21',
      'public.users.email_address model certain implicit prisma/schema.prisma:22',
      'public.users.display_name model certain implicit prisma/schema.prisma:23',
      'public.users.role model certain implicit prisma/schema.prisma:24',
      'public.users.password_hash model certain implicit prisma/schema.prisma:25',
      'public.users.legacy_token declare certain implicit prisma/schema.prisma:26',
      'public.users.created_at model certain implicit prisma/schema.prisma:27',
      'public.users.updated_at model certain implicit prisma/schema.prisma:28',
      'public.profiles.id model certain implicit prisma/schema.prisma:38',
      'public.profiles.bio model certain implicit prisma/schema.prisma:39',
      'public.profiles.user_id model certain implicit prisma/schema.prisma:40',
      'public.posts.id model certain implicit prisma/schema.prisma:48',
      'public.posts.title model certain implicit prisma/schema.prisma:49',
      'public.posts.body model certain implicit prisma/schema.prisma:50',
      'public.posts.published model certain implicit prisma/schema.prisma:51',
      'public.posts.author_id model certain implicit prisma/schema.prisma:52',
      'public.posts.tags model certain implicit prisma/schema.prisma:54',
      'public.posts.search_vector declare certain implicit prisma/schema.prisma:55',
      'public.posts.created_at model certain implicit prisma/schema.prisma:56',
      'billing.invoices.id model certain implicit prisma/schema.prisma:65',
      'billing.invoices.number model certain implicit prisma/schema.prisma:66',
      'billing.invoices.email model certain implicit prisma/schema.prisma:67',
      'billing.invoices.amount_cents model certain implicit prisma/schema.prisma:68',
      'billing.invoices.user_id model certain implicit prisma/schema.prisma:69',
      'billing.invoices.issued_at model certain implicit prisma/schema.prisma:71',
      'public.audit_log.id declare certain implicit prisma/schema.prisma:78',
      'public.audit_log.payload declare certain implicit prisma/schema.prisma:79',
    ]);
  });

  it('declares exactly the columns the fixture migrations create', async () => {
    await loadParser();
    const { references } = fixtureReferences('apps/prisma/basic', extractors);
    const declared = references.filter((r) => r.kind === 'model' || r.kind === 'declare').map((r) => `${r.schema ?? 'public'}.${r.table}.${r.column}`);
    const migrations = ['prisma/migrations/20240105090000_init/migration.sql', 'prisma/migrations/20240312141500_billing_invoices/migration.sql'];
    expect(declared.sort()).toEqual(migrationColumns('apps/prisma/basic', migrations));
  });

  it('gives each field its exact line and column', () => {
    const { references } = fixtureReferences('apps/prisma/basic', extractors);
    const email = references.find((r) => r.column === 'email_address' && r.kind === 'model')!;
    expect(email.location).toEqual({ path: 'prisma/schema.prisma', line: 22, column: 3, endLine: 22, endColumn: 8 });
    expect(email.snippet).toBe('email        String    @unique @map("email_address")');
    expect(email.via).toBe('User.email (prisma field)');
  });

  it('marks as written on create exactly the fields the query engine sends when data omits them', () => {
    const { models } = schemaModels(`model T {
  a  String   @id @default(cuid())
  b  Int      @default(autoincrement())
  c  String   @default(dbgenerated("gen_random_uuid()")) @db.Uuid
  d  DateTime @updatedAt
  e  String?
  f  String
  g  Boolean  @default(false)
  h  String[]
  i  DateTime @default(now())
}
view V {
  x Int @unique
}`);
    const written = (name: string) => models.find((m) => m.name === name)!.fields.filter((f) => f.written).map((f) => f.name);
    expect(written('T')).toEqual(['a', 'd', 'f', 'g', 'i']);
    expect(written('V')).toEqual([]);
    expect(models.find((m) => m.name === 'V')!.options).toEqual({ view: true });
  });

  it('reads @map(name: "…") and keeps model names as written', () => {
    const { models } = schemaModels('model order_line {\n  id Int @id @map(name: "line_id")\n}\n');
    expect(models[0]).toMatchObject({ name: 'order_line', fields: [{ name: 'id', column: 'line_id' }] });
    expect(models[0]!.table).toBeUndefined();
    expect(prismaNaming.table(models[0]!, {})).toBe('order_line');
  });

  it('turns an unparsable schema into a diagnostic at the bad token', () => {
    const { facts } = schemaModels('model A {\n  id Int @id\n  name String @default(\n}\n');
    expect(facts.models).toEqual([]);
    expect(facts.diagnostics).toHaveLength(1);
    expect(facts.diagnostics[0]).toMatchObject({ code: 'prisma-syntax', severity: 'warning', location: { path: 'prisma/schema.prisma', line: 3 } });
  });

  it('tells relations from enums declared in other files of a multi-file schema', () => {
    const { references } = fixtureReferences('apps/prisma/multi-file', extractors);
    expect(formatReferences(references)).toEqual([
      'accounts.id model certain implicit prisma/schema/account.prisma:3',
      'accounts.handle model certain implicit prisma/schema/account.prisma:4',
      'accounts.role model certain implicit prisma/schema/account.prisma:5',
      'accounts.status model certain implicit prisma/schema/account.prisma:6',
      'accounts.created_at model certain implicit prisma/schema/account.prisma:9',
      'Settings.account_id model certain implicit prisma/schema/account.prisma:15',
      'Settings.theme model certain implicit prisma/schema/account.prisma:17',
      'posts.id model certain implicit prisma/schema/post.prisma:2',
      'posts.account_id model certain implicit prisma/schema/post.prisma:3',
      'posts.kind model certain implicit prisma/schema/post.prisma:5',
      'posts.body model certain implicit prisma/schema/post.prisma:6',
      'posts.kind read certain explicit src/feed.ts:7',
      'posts.body read certain explicit src/feed.ts:8',
      'accounts.status read certain explicit src/feed.ts:13',
      'Settings.account_id read certain explicit src/feed.ts:17',
      'Settings.theme read certain explicit src/feed.ts:17',
    ]);
  });
});

describe('prisma client usages', () => {
  it('finds select, where (through OR), orderBy, data and delete in a service', () => {
    expect(referencesIn(basic, 'src/services/users.ts')).toEqual([
      'public.users.id read certain explicit src/services/users.ts:6',
      'public.users.email_address read certain explicit src/services/users.ts:6',
      'public.users.display_name read certain explicit src/services/users.ts:6',
      'public.users.role read certain explicit src/services/users.ts:8',
      'public.users.email_address read certain explicit src/services/users.ts:9',
      'public.users.display_name read certain explicit src/services/users.ts:9',
      'public.users.created_at read certain explicit src/services/users.ts:11',
      'public.users.id read certain explicit src/services/users.ts:16',
      'public.users insert(email_address,password_hash,id,role,created_at,updated_at) certain implicit src/services/users.ts:20',
      'public.users.email_address write certain explicit src/services/users.ts:21',
      'public.users.password_hash write certain explicit src/services/users.ts:21',
      'public.users.id read certain explicit src/services/users.ts:26',
      'public.users.display_name write certain explicit src/services/users.ts:26',
      'public.users delete certain explicit src/services/users.ts:30',
      'public.users.id read certain explicit src/services/users.ts:30',
      // `author: { email: … }` filters through the relation: it must not become posts.email or users.email_address.
      'public.posts.author_id read certain explicit src/services/users.ts:35',
      'public.posts.published read certain explicit src/services/users.ts:35',
      'public.posts.title read certain explicit src/services/users.ts:36',
      'public.posts.tags read certain explicit src/services/users.ts:36',
    ]);
  });

  it('follows this.prisma, a $transaction client, groupBy and array orderBy', () => {
    expect(referencesIn(basic, 'src/services/billing.ts')).toEqual([
      'public.users.id read certain explicit src/services/billing.ts:8',
      'public.users.email_address read certain explicit src/services/billing.ts:8',
      'billing.invoices insert(user_id,amount_cents,email,issued_at) certain implicit src/services/billing.ts:9',
      'billing.invoices.user_id write certain explicit src/services/billing.ts:9',
      'billing.invoices.amount_cents write certain explicit src/services/billing.ts:9',
      'billing.invoices.email write certain explicit src/services/billing.ts:9',
      'billing.invoices.user_id read certain explicit src/services/billing.ts:14',
      'billing.invoices.amount_cents read certain explicit src/services/billing.ts:14',
      'billing.invoices.email read certain explicit src/services/billing.ts:18',
      'billing.invoices.issued_at read certain explicit src/services/billing.ts:18',
    ]);
  });

  it('reads a client typed PrismaService (NestJS) as certain, ctx.db without a Prisma import as likely', () => {
    expect(referencesIn(basic, 'src/users/users.repository.ts')).toEqual([
      'public.users.role read certain explicit src/users/users.repository.ts:9',
      'public.users.id read certain explicit src/users/users.repository.ts:13',
      'public.users.display_name write certain explicit src/users/users.repository.ts:13',
    ]);
    expect(referencesIn(basic, 'src/server/post-router.ts')).toEqual([
      'public.posts.published read likely explicit src/server/post-router.ts:5',
      'public.posts.created_at read likely explicit src/server/post-router.ts:5',
    ]);
  });

  it('marks tests and scripts, with createMany arrays and upsert create/update', () => {
    expect(referencesIn(basic, 'test/users.test.ts')).toEqual([
      'public.users delete certain explicit test test/users.test.ts:6',
      'public.users.email_address read certain explicit test test/users.test.ts:6',
    ]);
    expect(referencesIn(basic, 'scripts/seed.ts')).toEqual([
      'public.users insert(email_address,password_hash,role,id,created_at,updated_at) certain implicit script scripts/seed.ts:6',
      'public.users.email_address write certain explicit script scripts/seed.ts:8',
      'public.users.password_hash write certain explicit script scripts/seed.ts:8',
      'public.users.role write certain explicit script scripts/seed.ts:8',
      'public.users.email_address write certain explicit script scripts/seed.ts:9',
      'public.users.password_hash write certain explicit script scripts/seed.ts:9',
      'public.posts insert(title,author_id,published,created_at) certain implicit script scripts/seed.ts:12',
      'public.posts.id read certain explicit script scripts/seed.ts:13',
      'public.posts.title write certain explicit script scripts/seed.ts:14',
      'public.posts.author_id write certain explicit script scripts/seed.ts:14',
      'public.posts.title write certain explicit script scripts/seed.ts:15',
    ]);
  });

  it('has nothing else: the client module and the tRPC helper reference nothing', () => {
    const files = new Set(basic.map((line) => line.slice(line.lastIndexOf(' ') + 1, line.lastIndexOf(':'))));
    expect([...files].sort()).toEqual(['prisma/schema.prisma', 'scripts/seed.ts', 'src/server/post-router.ts', 'src/services/billing.ts', 'src/services/users.ts', 'src/users/users.repository.ts', 'test/users.test.ts']);
  });

  it('reads compound unique keys, distinct, and skips fields selected as false', () => {
    const lines = withBasicSchema({
      'src/a.ts': `import { prisma } from './db';
prisma.post.findMany({ distinct: ['authorId'], select: { title: true, body: false } });
prisma.profile.findUnique({ where: { userId_bio: { userId: 'u', bio: 'b' } } });
prisma.user.findFirst({ where: { email: { in: ['a'] } } });
`,
    });
    expect(lines).toEqual([
      'public.posts.author_id read likely explicit src/a.ts:2',
      'public.posts.title read likely explicit src/a.ts:2',
      'public.profiles.user_id read likely explicit src/a.ts:3',
      'public.profiles.bio read likely explicit src/a.ts:3',
      'public.users.email_address read likely explicit src/a.ts:4',
    ]);
  });

  it('follows a client made with $extends', () => {
    const lines = withBasicSchema({
      'src/x.ts': `import { PrismaClient } from '@prisma/client';
const base = new PrismaClient();
export const xprisma = base.$extends({ result: {} });
export const n = () => xprisma.post.count({ where: { published: true } });
`,
    });
    expect(lines).toEqual(['public.posts.published read certain explicit src/x.ts:4']);
  });
});

describe('prisma precision traps', () => {
  it('a field named like a column of another model resolves to its own table', () => {
    const invoices = withBasicSchema({ 'src/i.ts': "import { prisma } from './db';\nprisma.invoice.findMany({ where: { email: 'a@b.c' } });\n" });
    expect(invoices).toEqual(['billing.invoices.email read likely explicit src/i.ts:2']);
    const users = withBasicSchema({ 'src/u.ts': "import { prisma } from './db';\nprisma.user.findMany({ where: { email: 'a@b.c' } });\n" });
    expect(users).toEqual(['public.users.email_address read likely explicit src/u.ts:2']);
  });

  it('an API response object with a column-named key references nothing', () => {
    expect(referencesIn(basic, 'src/api/users.ts')).toEqual([]);
    expect(withBasicSchema({ 'src/r.ts': "import type { User } from '@prisma/client';\nexport const view = (user: User) => ({ email: user.email, displayName: user.displayName });\n" })).toEqual([]);
  });

  it('identifiers in comments and strings reference nothing', () => {
    expect(
      withBasicSchema({
        'src/c.ts': "import { prisma } from './db';\n// prisma.user.findMany({ select: { email: true } })\n/* prisma.user.delete({ where: { id } }) */\nexport const s = 'prisma.user.create({ data: { email } })';\n",
      }),
    ).toEqual([]);
  });

  it('a non-Prisma object with .user.findMany references nothing, even when named db', () => {
    expect(referencesIn(basic, 'src/traps.ts')).toEqual([]);
    const lines = withBasicSchema({
      'src/n.ts': `import { drizzle } from 'drizzle-orm/node-postgres';
import { db as kdb } from 'kysely-app';
const cache = { user: { findMany: async () => [] } };
cache.user.findMany({ where: { email: 'x' } });
const db = drizzle(process.env.URL!);
db.user.findMany({ where: { email: 'x' } });
export async function f(client: ApiClient) { return client.user.findMany({ where: { email: 'x' } }); }
export async function g(store: { user: { delete(a: unknown): void } }) { store.user.delete({ where: { id: 'x' } }); }
kdb.query.user.findMany({ where: { email: 'x' } });
`,
    });
    expect(lines).toEqual([]);
  });

  it('a parameter typed with something else shadows the conventional name', () => {
    expect(withBasicSchema({ 'src/k.ts': "export function f(db: Kysely<DB>) { return db.user.findMany({ where: { email: 'x' } }); }\n" })).toEqual([]);
    expect(withBasicSchema({ 'src/p.ts': "export function f(db: PrismaClient) { return db.user.findMany({ where: { email: 'x' } }); }\n" })).toEqual([
      'public.users.email_address read certain explicit src/p.ts:1',
    ]);
  });

  it('a delegate that names no model references nothing', () => {
    expect(withBasicSchema({ 'src/m.ts': "import { prisma } from './db';\nprisma.customer.findMany({ where: { email: 'x' } });\n" })).toEqual([]);
  });
});

describe('prisma naming', () => {
  const model = (name: string, options?: ModelDeclaration['options']): ModelDeclaration => ({
    orm: 'prisma',
    name,
    fields: [],
    ...(options ? { options } : {}),
    location: { path: 'p', line: 1, column: 1, endLine: 1, endColumn: 1 },
    snippet: '',
  });

  it('matches the delegate name: the model name with a lower-case first letter', () => {
    expect(prismaNaming.matchesModelName!(model('User'), 'user')).toBe(true);
    expect(prismaNaming.matchesModelName!(model('BlogPost'), 'blogPost')).toBe(true);
    expect(prismaNaming.matchesModelName!(model('BlogPost'), 'blogpost')).toBe(false);
    expect(prismaNaming.matchesModelName!(model('User'), 'User')).toBe(false);
    expect(prismaNaming.matchesModelName!(model('users'), 'users')).toBe(true);
    expect(prismaNaming.matchesModelName!(model('AuditLog', { ignored: true }), 'auditLog')).toBe(false);
  });

  it('keeps table and column names as written', () => {
    const m = model('BlogPost');
    expect(prismaNaming.table(m, {})).toBe('BlogPost');
    expect(prismaNaming.column({ name: 'createdAt', selected: true, written: true, location: m.location, snippet: '' }, m, {})).toBe('createdAt');
  });
});
