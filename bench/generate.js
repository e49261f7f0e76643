// Synthetic projects for the benchmark: real git repositories in a temp folder, with application code that
// touches the database through seven clients (raw pg, Prisma, Drizzle, TypeORM, Knex, Kysely, Sequelize),
// plain SQL migrations, and a `base` branch (the release still running) that differs from HEAD in N files.
// Everything is generated from a seed, so two runs build byte-identical projects.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

export const ORMS = ['pg', 'prisma', 'drizzle', 'typeorm', 'knex', 'kysely', 'sequelize'];

/** mulberry32: small, fast, good enough to vary names and sizes. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOUNS = [
  'account', 'invoice', 'order', 'payment', 'customer', 'product', 'shipment', 'ticket', 'project', 'task',
  'comment', 'review', 'coupon', 'refund', 'session', 'device', 'address', 'warehouse', 'supplier', 'contract',
  'lead', 'campaign', 'subscription', 'plan', 'report', 'document', 'folder', 'team', 'member', 'role',
  'permission', 'webhook', 'event', 'notification', 'message', 'thread', 'channel', 'article', 'category', 'tag',
];
const QUALIFIERS = ['', 'archived', 'pending', 'daily', 'billing', 'audit', 'partner', 'internal'];
const COLUMN_POOL = [
  'email', 'status', 'title', 'amount_cents', 'description', 'external_ref', 'owner_id', 'archived_at', 'score',
  'label', 'notes', 'locale', 'priority', 'sku', 'quantity', 'currency', 'due_on', 'region', 'source', 'phone',
  'country_code', 'display_name', 'starts_at', 'ends_at', 'retries', 'checksum', 'payload', 'version_tag',
];
const COLUMN_TYPES = {
  email: 'text', status: 'text', title: 'text', amount_cents: 'bigint', description: 'text', external_ref: 'text',
  owner_id: 'bigint', archived_at: 'timestamptz', score: 'integer', label: 'text', notes: 'text', locale: 'text',
  priority: 'integer', sku: 'text', quantity: 'integer', currency: 'text', due_on: 'date', region: 'text',
  source: 'text', phone: 'text', country_code: 'text', display_name: 'text', starts_at: 'timestamptz',
  ends_at: 'timestamptz', retries: 'integer', checksum: 'text', payload: 'jsonb', version_tag: 'text',
};

const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
const pascal = (s) => camel(s).replace(/^[a-z]/, (c) => c.toUpperCase());
const pick = (rand, list) => list[Math.floor(rand() * list.length)];

/** Tables: names, columns, and which ORM declares a model for them (knex, kysely, pg use table names only). */
function makeTables(count, rand) {
  const owners = ['prisma', 'drizzle', 'typeorm', 'sequelize', null];
  const tables = [];
  const seen = new Set();
  for (let i = 0; tables.length < count; i++) {
    const noun = NOUNS[i % NOUNS.length];
    const qualifier = QUALIFIERS[Math.floor(i / NOUNS.length) % QUALIFIERS.length];
    let name = qualifier ? `${qualifier}_${noun}s` : `${noun}s`;
    if (seen.has(name)) name = `${name}_${i}`;
    seen.add(name);
    const columns = ['id', 'created_at', 'updated_at'];
    const extra = 5 + Math.floor(rand() * 5);
    const pool = [...COLUMN_POOL];
    for (let c = 0; c < extra; c++) columns.push(pool.splice(Math.floor(rand() * pool.length), 1)[0]);
    tables.push({ name, columns, owner: owners[tables.length % owners.length], model: pascal(name.replace(/s$/, '')) });
  }
  return tables;
}

function columnType(column) {
  if (column === 'id') return 'bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY';
  if (column === 'created_at') return 'timestamptz NOT NULL DEFAULT now()';
  if (column === 'updated_at') return 'timestamptz';
  return COLUMN_TYPES[column] ?? 'text';
}

// ---------------------------------------------------------------------------------------------------------
// SQL migrations

/** A migration history: one CREATE TABLE per table, then the changes a long-lived schema accumulates. */
function makeMigrations(tables, count, rand) {
  const migrations = [];
  let statements = 0;
  const add = (name, sqlStatements) => {
    statements += sqlStatements.length;
    migrations.push({ name: `${String(migrations.length + 1).padStart(5, '0')}_${name}.sql`, sql: sqlStatements.join('\n\n') + '\n' });
  };
  for (const table of tables) {
    if (migrations.length >= count) break;
    const cols = table.columns.map((c) => `  ${c} ${columnType(c)}`).join(',\n');
    add(`create_${table.name}`, [
      `-- ${table.model}: created with its first columns.\nCREATE TABLE ${table.name} (\n${cols}\n);`,
      `CREATE INDEX ${table.name}_created_at_idx ON ${table.name} (created_at);`,
      `COMMENT ON TABLE ${table.name} IS 'The ${table.model.toLowerCase()} records';`,
    ]);
  }
  let n = 0;
  while (migrations.length < count) {
    const table = tables[Math.floor(rand() * tables.length)];
    const kind = n++ % 8;
    const extra = `extra_${n}`;
    if (kind === 0) {
      add(`add_${extra}_to_${table.name}`, [
        `SET lock_timeout = '2s';`,
        `ALTER TABLE ${table.name} ADD COLUMN ${extra} text;`,
        `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${table.name}_${extra}_idx ON ${table.name} (${extra});`,
      ]);
    } else if (kind === 1) {
      add(`backfill_${table.name}_${n}`, [
        `UPDATE ${table.name} SET updated_at = created_at WHERE updated_at IS NULL;`,
        `ALTER TABLE ${table.name} ADD COLUMN ${extra} integer DEFAULT 0;`,
      ]);
    } else if (kind === 2) {
      add(`check_${table.name}_${n}`, [
        `ALTER TABLE ${table.name} ADD COLUMN ${extra} integer;`,
        `ALTER TABLE ${table.name} ADD CONSTRAINT ${table.name}_${extra}_positive CHECK (${extra} >= 0) NOT VALID;`,
        `ALTER TABLE ${table.name} VALIDATE CONSTRAINT ${table.name}_${extra}_positive;`,
      ]);
    } else if (kind === 3) {
      // A hazard rollsafe and squawk both report.
      add(`index_${table.name}_${n}`, [`ALTER TABLE ${table.name} ADD COLUMN ${extra} text;`, `CREATE INDEX ${table.name}_${extra}_idx ON ${table.name} (${extra});`]);
    } else if (kind === 4) {
      add(`view_${table.name}_${n}`, [
        `CREATE OR REPLACE VIEW ${table.name}_recent_${n} AS\n  SELECT id, created_at\n    FROM ${table.name}\n   WHERE created_at > now() - interval '30 days';`,
      ]);
    } else if (kind === 5) {
      add(`function_${table.name}_${n}`, [
        `CREATE OR REPLACE FUNCTION touch_${table.name}_${n}() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n$$;`,
        `CREATE TRIGGER ${table.name}_touch_${n} BEFORE UPDATE ON ${table.name} FOR EACH ROW EXECUTE FUNCTION touch_${table.name}_${n}();`,
      ]);
    } else if (kind === 6) {
      add(`type_${table.name}_${n}`, [`ALTER TABLE ${table.name} ADD COLUMN ${extra} varchar(40);`, `ALTER TABLE ${table.name} ALTER COLUMN ${extra} TYPE text;`]);
    } else {
      add(`seed_${table.name}_${n}`, [
        `BEGIN;`,
        `INSERT INTO ${table.name} (created_at) VALUES (now());`,
        `ALTER TABLE ${table.name} ADD COLUMN ${extra} boolean NOT NULL DEFAULT false;`,
        `COMMIT;`,
      ]);
    }
  }
  return { migrations, statements };
}

// ---------------------------------------------------------------------------------------------------------
// Application code

/** Plain code with nothing to do with the database: the bulk of any monorepo. */
function filler(rand, index, bytes) {
  const parts = [];
  let size = 0;
  let k = 0;
  while (size < bytes) {
    const id = `${index}_${k++}`;
    const n = 3 + Math.floor(rand() * 90);
    const variant = Math.floor(rand() * 4);
    let chunk;
    if (variant === 0) {
      chunk = `export function formatEntry${id}(input: { label: string; count: number }): string {\n  const parts: string[] = [];\n  for (let i = 0; i < input.count; i++) {\n    if (i % ${n} === 0) parts.push(\`\${input.label}-\${i}\`);\n    else parts.push(String(i * ${n}));\n  }\n  return parts.join(', ');\n}\n`;
    } else if (variant === 1) {
      chunk = `export const settings${id} = {\n  retries: ${n},\n  backoffMs: ${n * 100},\n  label: 'item ${id}',\n  enabled: ${n % 2 === 0},\n  thresholds: [${n}, ${n * 2}, ${n * 3}],\n} as const;\n`;
    } else if (variant === 2) {
      chunk = `export class Cache${id}<T> {\n  private readonly entries = new Map<string, { value: T; at: number }>();\n  get(key: string, now = Date.now()): T | undefined {\n    const hit = this.entries.get(key);\n    if (!hit || now - hit.at > ${n * 1000}) return undefined;\n    return hit.value;\n  }\n  set(key: string, value: T): void {\n    this.entries.set(key, { value, at: Date.now() });\n  }\n}\n`;
    } else {
      chunk = `export async function retry${id}<T>(task: () => Promise<T>, attempts = ${n % 7 + 1}): Promise<T> {\n  let last: unknown;\n  for (let attempt = 0; attempt < attempts; attempt++) {\n    try {\n      return await task();\n    } catch (error) {\n      last = error;\n      await new Promise((r) => setTimeout(r, ${n} * attempt));\n    }\n  }\n  throw last;\n}\n`;
    }
    parts.push(chunk);
    size += chunk.length;
  }
  return parts.join('\n');
}

function component(rand, index) {
  const name = `Widget${index}`;
  return `import { useState } from 'react';\n\nexport function ${name}(props: { title: string; items: string[] }) {\n  const [open, setOpen] = useState(false);\n  return (\n    <section className="widget-${index}">\n      <h2 onClick={() => setOpen(!open)}>{props.title}</h2>\n      {open && (\n        <ul>\n          {props.items.map((item) => (\n            <li key={item}>{item}</li>\n          ))}\n        </ul>\n      )}\n    </section>\n  );\n}\n`;
}

const rel = (from, to) => {
  let r = posix.relative(posix.dirname(from), to);
  if (!r.startsWith('.')) r = `./${r}`;
  return r;
};

/** Shared database package: clients, Drizzle tables, TypeORM entities, Sequelize models. */
function dbPackage(tables) {
  const files = new Map();
  files.set('packages/db/src/pg.ts', `import { Pool } from 'pg';\n\nexport const pool = new Pool({ connectionString: process.env.DATABASE_URL });\n`);
  files.set('packages/db/src/knex.ts', `import knex from 'knex';\n\nexport const knexDb = knex({ client: 'pg', connection: process.env.DATABASE_URL });\n`);
  files.set(
    'packages/db/src/kysely.ts',
    `import { Kysely, PostgresDialect } from 'kysely';\nimport pg from 'pg';\n\n// eslint-disable-next-line @typescript-eslint/no-explicit-any\nexport const kdb = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool() }) });\n`,
  );
  files.set('packages/db/src/prisma.ts', `import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n`);
  files.set('packages/db/src/drizzle.ts', `import { drizzle } from 'drizzle-orm/node-postgres';\n\nexport const ddb = drizzle(process.env.DATABASE_URL!);\n`);
  files.set(
    'packages/db/src/sequelize.ts',
    `import { Sequelize } from 'sequelize';\n\nexport const sequelize = new Sequelize(process.env.DATABASE_URL ?? '', { dialect: 'postgres' });\n`,
  );
  const entityImports = [];
  const prisma = ['generator client {\n  provider = "prisma-client-js"\n}\n', 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n'];
  for (const t of tables) {
    if (t.owner === 'drizzle') {
      const cols = t.columns
        .map((c) => {
          const type = COLUMN_TYPES[c] === 'bigint' ? 'bigint' : COLUMN_TYPES[c] === 'integer' ? 'integer' : COLUMN_TYPES[c] === 'jsonb' ? 'jsonb' : 'text';
          if (c === 'id') return `  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),`;
          if (c === 'created_at' || c === 'updated_at') return `  ${camel(c)}: timestamp('${c}', { withTimezone: true }),`;
          return type === 'bigint' ? `  ${camel(c)}: bigint('${c}', { mode: 'number' }),` : `  ${camel(c)}: ${type}('${c}'),`;
        })
        .join('\n');
      files.set(
        `packages/db/src/schema/${t.name}.ts`,
        `import { bigint, integer, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';\n\nexport const ${camel(t.name)} = pgTable('${t.name}', {\n${cols}\n});\n`,
      );
    } else if (t.owner === 'typeorm') {
      const cols = t.columns
        .map((c) => (c === 'id' ? `  @PrimaryGeneratedColumn()\n  id!: number;\n` : `  @Column({ name: '${c}', nullable: true })\n  ${camel(c)}!: string;\n`))
        .join('\n');
      files.set(`packages/db/src/entities/${t.name}.entity.ts`, `import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';\n\n@Entity('${t.name}')\nexport class ${t.model} {\n${cols}}\n`);
      entityImports.push(t);
    } else if (t.owner === 'sequelize') {
      const attrs = t.columns
        .filter((c) => c !== 'id' && c !== 'created_at' && c !== 'updated_at')
        .map((c) => `    ${camel(c)}: { type: DataTypes.STRING, field: '${c}' },`)
        .join('\n');
      files.set(
        `packages/db/src/models/${t.name}.model.ts`,
        `import { DataTypes, Model } from 'sequelize';\nimport { sequelize } from '../sequelize';\n\nexport class ${t.model} extends Model {}\n\n${t.model}.init(\n  {\n${attrs}\n  },\n  { sequelize, tableName: '${t.name}', underscored: true },\n);\n`,
      );
    } else if (t.owner === 'prisma') {
      const fields = t.columns
        .map((c) => {
          if (c === 'id') return '  id        BigInt   @id @default(autoincrement())';
          const type = COLUMN_TYPES[c] === 'bigint' ? 'BigInt' : COLUMN_TYPES[c] === 'integer' ? 'Int' : c.endsWith('_at') ? 'DateTime' : 'String';
          return `  ${camel(c)} ${type}? @map("${c}")`;
        })
        .join('\n');
      prisma.push(`model ${t.model} {\n${fields}\n\n  @@map("${t.name}")\n}\n`);
    }
  }
  files.set(
    'packages/db/src/data-source.ts',
    `import { DataSource } from 'typeorm';\n${entityImports.map((t) => `import { ${t.model} } from './entities/${t.name}.entity';`).join('\n')}\n\nexport const AppDataSource = new DataSource({\n  type: 'postgres',\n  url: process.env.DATABASE_URL,\n  entities: [${entityImports.map((t) => t.model).join(', ')}],\n});\n`,
  );
  files.set('prisma/schema.prisma', prisma.join('\n'));
  return files;
}

/** One file that touches the database through `orm`: a handful of functions on one table. */
function dbFile(path, orm, table, rand, index, pinned) {
  const cols = table.columns.filter((c) => c !== 'id');
  const a = pinned ?? pick(rand, cols);
  const b = pick(rand, cols);
  const db = (file) => rel(path, `packages/db/src/${file}`);
  const fn = `${camel(table.name)}${index}`;
  switch (orm) {
    case 'pg':
      return `import { pool } from '${db('pg')}';\n\nexport async function find${fn}(id: number) {\n  const { rows } = await pool.query('SELECT id, ${a}, ${b} FROM ${table.name} WHERE id = $1', [id]);\n  return rows[0];\n}\n\nexport async function list${fn}(since: Date) {\n  const text = \`\n    SELECT t.id, t.${a}\n      FROM ${table.name} t\n     WHERE t.created_at > $1\n     ORDER BY t.created_at DESC\`;\n  return pool.query(text, [since]);\n}\n\nexport async function touch${fn}(id: number) {\n  await pool.query('UPDATE ${table.name} SET updated_at = now() WHERE id = $1', [id]);\n}\n`;
    case 'knex':
      return `import { knexDb } from '${db('knex')}';\n\nexport function find${fn}(id: number) {\n  return knexDb('${table.name}').where({ id }).first();\n}\n\nexport function list${fn}() {\n  return knexDb('${table.name}').select('id', '${a}', '${b}').orderBy('created_at', 'desc');\n}\n\nexport async function set${fn}(id: number, value: string) {\n  await knexDb('${table.name}').where('id', id).update({ ${a}: value });\n}\n`;
    case 'kysely':
      return `import { kdb } from '${db('kysely')}';\n\nexport function find${fn}(id: number) {\n  return kdb.selectFrom('${table.name}').where('id', '=', id).select(['id', '${a}', '${b}']).executeTakeFirst();\n}\n\nexport function recent${fn}() {\n  return kdb.selectFrom('${table.name}').selectAll().orderBy('created_at', 'desc').limit(20).execute();\n}\n\nexport async function set${fn}(id: number, value: string) {\n  await kdb.updateTable('${table.name}').set({ ${a}: value }).where('id', '=', id).execute();\n}\n`;
    case 'prisma': {
      const model = table.model.charAt(0).toLowerCase() + table.model.slice(1);
      return `import { prisma } from '${db('prisma')}';\n\nexport function find${fn}(id: bigint) {\n  return prisma.${model}.findUnique({ where: { id }, select: { id: true, ${camel(a)}: true } });\n}\n\nexport function list${fn}() {\n  return prisma.${model}.findMany({ orderBy: { createdAt: 'desc' }, take: 50 });\n}\n\nexport function set${fn}(id: bigint, value: string) {\n  return prisma.${model}.update({ where: { id }, data: { ${camel(b)}: value } });\n}\n`;
    }
    case 'drizzle': {
      const t = camel(table.name);
      return `import { desc, eq } from 'drizzle-orm';\nimport { ddb } from '${db('drizzle')}';\nimport { ${t} } from '${db(`schema/${table.name}`)}';\n\nexport function list${fn}() {\n  return ddb.select().from(${t}).orderBy(desc(${t}.createdAt));\n}\n\nexport function pick${fn}(id: number) {\n  return ddb.select({ id: ${t}.id, value: ${t}.${camel(a)} }).from(${t}).where(eq(${t}.id, id));\n}\n`;
    }
    case 'typeorm':
      return `import { AppDataSource } from '${db('data-source')}';\nimport { ${table.model} } from '${db(`entities/${table.name}.entity`)}';\n\nexport function find${fn}(id: number) {\n  return AppDataSource.getRepository(${table.model}).findOne({ where: { id } });\n}\n\nexport function pick${fn}() {\n  return AppDataSource.getRepository(${table.model})\n    .createQueryBuilder('x')\n    .select(['x.id', 'x.${camel(a)}'])\n    .where('x.${camel(b)} IS NOT NULL')\n    .getMany();\n}\n`;
    case 'sequelize':
      return `import { ${table.model} } from '${db(`models/${table.name}.model`)}';\n\nexport function list${fn}() {\n  return ${table.model}.findAll({ attributes: ['id', '${camel(a)}'], order: [['createdAt', 'DESC']] });\n}\n\nexport function set${fn}(id: number, value: string) {\n  return ${table.model}.update({ ${camel(b)}: value }, { where: { id } });\n}\n`;
    default:
      throw new Error(`unknown ORM ${orm}`);
  }
}

/**
 * The application files (path → text). `dbShare` of them touch the database, ORMs taken in turn; the rest is
 * plain code, a few of which name a table in a string (an API route, a metrics label).
 */
function makeCode(options, tables, rand, dropped) {
  const files = dbPackage(tables);
  const perPackage = 250;
  const target = options.files;
  const avgBytes = options.bytes / options.files;
  const dirs = ['components', 'lib', 'services', 'api', 'hooks', 'utils', 'features/checkout', 'features/admin', 'test'];
  const byOwner = new Map(ORMS.map((o) => [o, tables.filter((t) => (o === 'pg' || o === 'knex' || o === 'kysely' ? true : t.owner === o))]));
  let i = 0;
  let dbFiles = 0;
  const dbPaths = [];
  while (files.size < target) {
    const pkg = `packages/app-${String(Math.floor(i / perPackage)).padStart(2, '0')}`;
    const dir = dirs[i % dirs.length];
    const touchesDb = rand() < options.dbShare;
    const kind = rand();
    const ext = dir === 'components' && kind < 0.6 ? '.tsx' : kind < 0.1 ? '.js' : '.ts';
    const test = dir === 'test' ? '.test' : '';
    const path = `${pkg}/src/${dir}/file-${i}${test}${ext}`;
    // Sizes spread from a fifth to twice the average, like real files.
    const size = Math.round(avgBytes * (0.2 + rand() * 1.6));
    let text;
    if (touchesDb && ext !== '.tsx') {
      const orm = ORMS[dbFiles++ % ORMS.length];
      // The first raw-SQL file reads the column the new migration drops: the check has a code-aware finding.
      const first = orm === 'pg' && dbFiles === 1;
      const table = first ? dropped.table : pick(rand, byOwner.get(orm));
      text = dbFile(path, orm, table, rand, i, first ? dropped.column : undefined);
      dbPaths.push(path);
    } else if (ext === '.tsx') {
      text = component(rand, i);
    } else if (rand() < 0.03) {
      text = `export const ROUTES_${i} = { list: '/api/${tables[i % tables.length].name}', label: '${tables[i % tables.length].name}' };\n`;
    } else text = '';
    if (ext === '.js') text = text.replace(/: (string|number|bigint|Date)\b/g, '').replace(/<T>|: T\b|: Promise<T>|: \(\) => Promise<T>/g, '');
    const body = ext === '.js' ? '' : filler(rand, i, Math.max(0, size - text.length));
    files.set(path, text + (body ? `\n${body}` : ''));
    i++;
  }
  return { files, dbFiles, dbPaths };
}

// ---------------------------------------------------------------------------------------------------------
// The repository

function git(root, args) {
  return execFileSync('git', ['-c', 'user.name=rollsafe bench', '-c', 'user.email=bench@rollsafe.invalid', '-c', 'commit.gpgsign=false', '-c', 'core.autocrlf=false', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  }).toString('utf8');
}

function writeAll(root, files) {
  const made = new Set();
  for (const [path, text] of files) {
    const abs = join(root, path);
    const dir = dirname(abs);
    if (!made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      made.add(dir);
    }
    writeFileSync(abs, text);
  }
}

/**
 * Generates a project under `root` (an empty folder) and commits it twice: `base` (the release still running)
 * and HEAD (N code files changed, plus the new migrations). Returns what was made, for files/s and statements/s.
 *
 * options: files (code files), bytes (total code size), dbShare, tables, migrations, newMigrations,
 * changedFiles (code files that differ between base and HEAD), sqlOnly (no code at all), seed.
 */
export function generateProject(root, options) {
  const o = { files: 0, bytes: 0, dbShare: 0.25, tables: 150, migrations: 300, newMigrations: 1, changedFiles: 20, sqlOnly: false, seed: 1, ...options };
  const rand = random(o.seed);
  const tables = makeTables(o.tables, rand);
  const { migrations, statements } = makeMigrations(tables, o.migrations, rand);
  // The new migrations: drop a column the code reads (a code-aware finding) and a blocking index build.
  const used = tables.find((t) => t.owner === null) ?? tables[0];
  const dropped = used.columns.find((c) => c !== 'id' && c !== 'created_at' && c !== 'updated_at');
  const code = o.sqlOnly ? { files: new Map(), dbFiles: 0, dbPaths: [] } : makeCode(o, tables, rand, { table: used, column: dropped });
  const fresh = [];
  for (let k = 0; k < o.newMigrations; k++) {
    const name = `${String(migrations.length + k + 1).padStart(5, '0')}_release_${k}.sql`;
    fresh.push({ name, sql: k === 0 ? `ALTER TABLE ${used.name} DROP COLUMN ${dropped};\n\nCREATE INDEX ${used.name}_updated_idx ON ${used.name} (updated_at);\n` : `ALTER TABLE ${used.name} ADD COLUMN release_${k} text;\n` });
  }

  mkdirSync(join(root, 'node_modules'), { recursive: true });
  const common = new Map([
    ['package.json', JSON.stringify({ name: 'bench-app', private: true, workspaces: ['packages/*'] }, null, 2) + '\n'],
    ['.gitignore', 'node_modules/\n'],
    ['README.md', '# generated by rollsafe bench\n'],
  ]);
  git(root, ['init', '-q', '-b', 'main']);
  // SQL-only lint checks every migration as new: its base is a commit from before the first one.
  if (o.sqlOnly) {
    writeAll(root, common);
    git(root, ['add', '-A']);
    git(root, ['commit', '-q', '-m', 'empty']);
    git(root, ['branch', 'base']);
  }
  const codePaths = [...code.files.keys()].filter((p) => p.startsWith('packages/app-'));
  const changed = codePaths.filter((_, k) => k % Math.max(1, Math.floor(codePaths.length / Math.max(1, o.changedFiles))) === 0).slice(0, o.changedFiles);
  const baseFiles = new Map([...common, ...code.files]);
  for (const m of migrations) baseFiles.set(`db/migrations/${m.name}`, m.sql);
  // The running release has an older version of the changed files.
  for (const p of changed) baseFiles.set(p, `${code.files.get(p)}\nexport const releasedBefore = true;\n`);
  if (!o.sqlOnly) {
    writeAll(root, baseFiles);
    git(root, ['add', '-A']);
    git(root, ['commit', '-q', '-m', 'base release']);
    git(root, ['branch', 'base']);
    for (const p of changed) writeFileSync(join(root, p), code.files.get(p));
  } else {
    writeAll(root, baseFiles);
  }
  writeAll(root, new Map(fresh.map((m) => [`db/migrations/${m.name}`, m.sql])));
  git(root, ['add', '-A']);
  git(root, ['commit', '-q', '-m', 'new release']);

  let codeBytes = 0;
  for (const text of code.files.values()) codeBytes += Buffer.byteLength(text);
  const allMigrations = [...migrations, ...fresh];
  let sqlBytes = 0;
  for (const m of allMigrations) sqlBytes += Buffer.byteLength(m.sql);
  return {
    root,
    codeFiles: code.files.size,
    codeBytes,
    dbFiles: code.dbFiles,
    tables: tables.length,
    migrations: allMigrations.length,
    migrationPaths: allMigrations.map((m) => `db/migrations/${m.name}`),
    statements: statements + fresh.reduce((n, m) => n + m.sql.split(';').length - 1, 0),
    sqlBytes,
    changedFiles: changed.length,
    codePaths,
    dbPaths: code.dbPaths,
    dropped: `${used.name}.${dropped}`,
    sampleColumn: `${used.name}.${used.columns[used.columns.length - 1]}`,
  };
}
