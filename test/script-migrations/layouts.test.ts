/**
 * Discovery of TS/JS migration sets: which tool a folder belongs to (without stealing folders from each
 * other or from the SQL layouts), the order each tool runs its files in, and each tool's transactions.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { discoverMigrationSets } from '../../src/migrations/index.js';
import { tempProject } from '../migrations/temp-project.js';

const cleanups: Array<() => void> = [];
function project(files: Record<string, string>): string {
  const p = tempProject(files);
  cleanups.push(p.remove);
  return p.root;
}
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

const knex = (body = "await knex.schema.createTable('t', (t) => t.increments());") => `exports.up = async (knex) => {\n  ${body}\n};\nexports.down = async () => {};\n`;
const kysely = (body = "await db.schema.createTable('t').addColumn('id', 'serial').execute();") =>
  `import type { Kysely } from 'kysely';\n\nexport async function up(db: Kysely<any>): Promise<void> {\n  ${body}\n}\n`;
const typeorm = (className: string, extra = '') =>
  `import { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${className} implements MigrationInterface {\n${extra}  public async up(queryRunner: QueryRunner): Promise<void> {\n    await queryRunner.query('CREATE TABLE t (id int)');\n  }\n\n  public async down(): Promise<void> {}\n}\n`;
const pgm = (body = "pgm.createTable('t', { id: 'id' });") => `exports.up = (pgm) => {\n  ${body}\n};\n`;
const sequelize = `module.exports = {\n  async up(queryInterface, Sequelize) {\n    await queryInterface.createTable('t', { id: { type: Sequelize.INTEGER } });\n  },\n  async down() {},\n};\n`;
const mikro = (className: string, extra = '') =>
  `import { Migration } from '@mikro-orm/migrations';\n\nexport class ${className} extends Migration {\n${extra}  async up(): Promise<void> {\n    this.addSql('create table "t" ("id" int);');\n  }\n}\n`;

async function sets(root: string) {
  return (await discoverMigrationSets(root)).sets;
}

const names = (set: { migrations: { path: string }[] }): string[] => set.migrations.map((m) => m.path.slice(m.path.lastIndexOf('/') + 1));

describe('detection', () => {
  it('gives each folder to the tool its files are written for', async () => {
    const root = project({
      'db/migrations/20240101000000_a.js': knex(),
      'api/src/db/migrations/1704067200000_a.ts': kysely(),
      'server/src/migrations/1704067200000-A.ts': typeorm('A1704067200000'),
      'pgm/migrations/1704067200000_a.js': pgm(),
      'legacy/migrations/20240101000000-a.js': sequelize,
      'orm/src/migrations/Migration20240101000000.ts': mikro('Migration20240101000000'),
    });
    const found = (await sets(root)).map((s) => [s.dir, s.layout, s.migrations.length]);
    expect(found).toEqual([
      ['api/src/db/migrations', 'kysely', 1],
      ['db/migrations', 'knex', 1],
      ['legacy/migrations', 'sequelize', 1],
      ['orm/src/migrations', 'mikro-orm', 1],
      ['pgm/migrations', 'node-pg-migrate', 1],
      ['server/src/migrations', 'typeorm', 1],
    ]);
  });

  it('leaves SQL folders, seeds, application code and stray scripts alone', async () => {
    const root = project({
      'db/migrations/001_a.sql': 'CREATE TABLE a (id int);',
      'db/migrations/002_b.sql': 'CREATE TABLE b (id int);',
      'db/migrations/run.js': "exports.up = (knex) => knex.raw('select 1');\n",
      'db/seeds/01_users.js': "exports.seed = async (knex) => { await knex('users').insert({ id: 1 }); };\n",
      'src/db.js': "const knex = require('knex')({ client: 'pg' });\nexports.up = () => knex.schema.hasTable('x');\n",
      'src/migrate.ts': "import { Migrator } from 'kysely';\nexport const up = () => new Migrator({} as never);\n",
    });
    expect((await sets(root)).map((s) => [s.dir, s.layout])).toEqual([['db/migrations', 'sql']]);
  });

  it("leaves another database's migrations alone (rollsafe reads Postgres)", async () => {
    const root = project({
      'server/migration/postgres/1-A.ts': typeorm('A1704067200000'),
      'server/migration/sqlite/1-A.ts': typeorm('A1704067200000'),
      'db/migrations-mysql/20240101_a.js': knex(),
    });
    expect((await sets(root)).map((s) => [s.dir, s.layout])).toEqual([['server/migration/postgres', 'typeorm']]);
  });

  it('tells Kysely from Knex though both call db.schema, and reads what the configured layout says', async () => {
    const root = project({
      'migrations/0001_init.ts': kysely(),
      'migrations/0002_more.ts': kysely("await db.schema.alterTable('t').addColumn('x', 'text').execute();"),
    });
    expect((await sets(root)).map((s) => s.layout)).toEqual(['kysely']);
    const forced = await discoverMigrationSets(root, { dirs: ['migrations'], layout: 'knex' });
    expect(forced.sets.map((s) => s.layout)).toEqual(['knex']);
  });
});

describe('order', () => {
  it('Knex and Sequelize: file names by code unit', async () => {
    const root = project({ 'migrations/20240101_b.js': knex(), 'migrations/2024010100_a.js': knex(), 'migrations/20240102_c.js': knex() });
    expect(names((await sets(root))[0]!)).toEqual(['2024010100_a.js', '20240101_b.js', '20240102_c.js']);
    const seq = project({ 'migrations/20240102000000-b.js': sequelize, 'migrations/20240101000000-a.js': sequelize });
    const set = (await sets(seq))[0]!;
    expect([set.layout, ...names(set)]).toEqual(['sequelize', '20240101000000-a.js', '20240102000000-b.js']);
    expect(set.migrations.map((m) => [m.version, m.name])).toEqual([
      ['20240101000000', 'a'],
      ['20240102000000', 'b'],
    ]);
  });

  it('Knex: files named by release run in version order (what their custom migration source does)', async () => {
    const root = project({ 'db/migrations/2.5.108.js': knex(), 'db/migrations/2.5.12.js': knex(), 'db/migrations/2.0.0.js': knex() });
    const set = (await sets(root))[0]!;
    expect(names(set)).toEqual(['2.0.0.js', '2.5.12.js', '2.5.108.js']);
    expect(set.migrations.map((m) => m.version)).toEqual(['2.0.0', '2.5.12', '2.5.108']);
  });

  it('Kysely: names compared with localeCompare (case-insensitive first)', async () => {
    const root = project({ 'migrations/Abd.ts': kysely(), 'migrations/abc.ts': kysely() });
    expect(names((await sets(root))[0]!)).toEqual(['abc.ts', 'Abd.ts']);
  });

  it('TypeORM: the timestamp at the end of the class name, not the file name; a class without one is refused', async () => {
    const root = project({
      'src/migrations/1-First.ts': typeorm('Second1704153600000'),
      'src/migrations/2-Second.ts': typeorm('First1704067200000'),
      'src/migrations/3-Bad.ts': typeorm('NoTimestamp'),
    });
    const { sets: found, diagnostics } = await discoverMigrationSets(root);
    const set = found[0]!;
    expect(names(set)).toEqual(['2-Second.ts', '1-First.ts']);
    expect(set.migrations.map((m) => [m.version, m.name])).toEqual([
      ['1704067200000', 'First'],
      ['1704153600000', 'Second'],
    ]);
    expect(diagnostics.map((d) => [d.code, d.location.path])).toEqual([['migration-version-missing', 'src/migrations/3-Bad.ts']]);
  });

  it('node-pg-migrate: numeric prefixes by value', async () => {
    const root = project({ 'migrations/10_b.js': pgm(), 'migrations/9_a.js': pgm(), 'migrations/100_c.js': pgm() });
    expect(names((await sets(root))[0]!)).toEqual(['9_a.js', '10_b.js', '100_c.js']);
  });

  it('MikroORM: Migration<timestamp>[_name] files by name', async () => {
    const root = project({ 'migrations/Migration20240102000000.ts': mikro('Migration20240102000000'), 'migrations/Migration20240101000000_init.ts': mikro('Migration20240101000000_init') });
    const set = (await sets(root))[0]!;
    expect(set.migrations.map((m) => [m.version, m.name])).toEqual([
      ['20240101000000', 'init'],
      ['20240102000000', 'Migration20240102000000'],
    ]);
  });
});

describe('transactions', () => {
  const facts = async (root: string) => (await sets(root)).flatMap((s) => s.migrations.map((m) => [m.path.slice(m.path.lastIndexOf('/') + 1), m.transaction, m.transactionScope ?? null]));

  it('Knex: one transaction for the pending batch; a file or the knexfile can turn it off', async () => {
    const root = project({
      'db/migrations/1_a.js': knex(),
      'db/migrations/2_b.js': `exports.config = { transaction: false };\n${knex()}`,
      'db/migrations/3_c.ts': `export const config = { transaction: false };\nexport async function up(knex: Knex) {\n  await knex.schema.dropTable('t');\n}\n`,
    });
    expect(await facts(root)).toEqual([
      ['1_a.js', 'wrapped', 'batch'],
      ['2_b.js', 'none', null],
      ['3_c.ts', 'none', null],
    ]);
    const off = project({ 'knexfile.js': 'module.exports = { migrations: { disableTransactions: true } };\n', 'db/migrations/1_a.js': knex() });
    expect(await facts(off)).toEqual([['1_a.js', 'none', null]]);
  });

  it('TypeORM: `all` by default (and refuses per-file overrides), `each` from the data source', async () => {
    const files = { 'src/migrations/1-A.ts': typeorm('A1704067200000'), 'src/migrations/2-B.ts': typeorm('B1704153600000', '  public transaction = false;\n\n') };
    const root = project(files);
    const { sets: found, diagnostics } = await discoverMigrationSets(root);
    expect(found[0]!.migrations.map((m) => [m.transaction, m.transactionScope ?? null])).toEqual([
      ['wrapped', 'batch'],
      ['none', null],
    ]);
    expect(diagnostics.map((d) => [d.code, d.location.path, d.location.line])).toEqual([['migration-transaction-switch', 'src/migrations/2-B.ts', 4]]);
    const each = project({ ...files, 'src/data-source.ts': "export default new DataSource({ type: 'postgres', migrationsTransactionMode: 'each' });\n" });
    expect(await facts(each)).toEqual([
      ['1-A.ts', 'wrapped', 'migration'],
      ['2-B.ts', 'none', null],
    ]);
    expect((await discoverMigrationSets(each)).diagnostics).toEqual([]);
  });

  it('node-pg-migrate: one transaction for the run unless a file calls pgm.noTransaction() in up', async () => {
    const root = project({
      'migrations/1_a.js': pgm(),
      'migrations/2_b.js': pgm("pgm.noTransaction();\n  pgm.createIndex('t', 'id', { concurrently: true });"),
      'migrations/3_c.js': `${pgm()}exports.down = (pgm) => { pgm.noTransaction(); };\n`,
    });
    expect(await facts(root)).toEqual([
      ['1_a.js', 'wrapped', 'batch'],
      ['2_b.js', 'none', null],
      ['3_c.js', 'wrapped', 'batch'],
    ]);
    const separate = project({ 'package.json': '{ "scripts": { "migrate": "node-pg-migrate up --no-single-transaction" } }', 'migrations/1_a.js': pgm() });
    expect(await facts(separate)).toEqual([['1_a.js', 'wrapped', 'migration']]);
  });

  it('Kysely and MikroORM wrap the whole run; Sequelize wraps nothing', async () => {
    const root = project({
      'k/migrations/0001_a.ts': kysely(),
      'm/migrations/Migration20240101000000.ts': mikro('Migration20240101000000'),
      'm/migrations/Migration20240102000000.ts': mikro('Migration20240102000000', '  isTransactional(): boolean {\n    return false;\n  }\n\n'),
      's/migrations/20240101000000-a.js': sequelize,
    });
    expect(await facts(root)).toEqual([
      ['0001_a.ts', 'wrapped', 'batch'],
      ['Migration20240101000000.ts', 'wrapped', 'batch'],
      ['Migration20240102000000.ts', 'none', null],
      ['20240101000000-a.js', 'none', null],
    ]);
  });
});
