/**
 * The static reader, one migration at a time: how `up` is followed (helpers, loops, branches, promise
 * chains, compiled output), how each tool's builder calls become Changes, and where raw SQL Changes point.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { LayoutName, Migration } from '../../src/migrations/migration.js';
import { loadParser } from '../../src/sql/parser.js';
import { readScriptMigration } from '../../src/sql/script-migrations/index.js';
import type { Change } from '../../src/sql/types.js';

beforeAll(() => loadParser());

function read(layout: LayoutName, text: string, path = 'migrations/1_m.ts') {
  const migration: Migration = {
    path,
    layout,
    set: 'migrations',
    order: 0,
    version: '1',
    name: 'm',
    language: 'ts',
    text,
    transaction: 'none',
    transactionReason: 'test',
    phase: 'pre-deploy',
  };
  return readScriptMigration(migration);
}

/** One line per Change: `kind table[.column] …`. */
function brief(c: Change): string {
  switch (c.kind) {
    case 'create-table':
      return `create-table ${c.table.name}(${c.columns.map((col) => `${col.name} ${col.type.display}${col.notNull ? ' not null' : ''}${col.default ? ` default ${col.default.text}` : ''}`).join(', ')})`;
    case 'add-column':
      return `add-column ${c.table.name}.${c.column.name} ${c.column.type.display}${c.column.notNull ? ' not null' : ''}${c.column.default ? ` default ${c.column.default.text}` : ''}`;
    case 'drop-column':
    case 'set-not-null':
    case 'drop-not-null':
    case 'drop-default':
      return `${c.kind} ${c.table.name}.${c.column}`;
    case 'set-default':
      return `set-default ${c.table.name}.${c.column} ${c.default.text}`;
    case 'alter-column-type':
      return `alter-column-type ${c.table.name}.${c.column} ${c.type.display}`;
    case 'rename-column':
      return `rename-column ${c.table.name}.${c.column} ${c.newName}`;
    case 'drop-table':
      return `drop-table ${c.table.name}`;
    case 'rename-table':
      return `rename-table ${c.table.name} ${c.newName}`;
    case 'create-index':
      return `create-index ${c.index?.name ?? '?'} on ${c.table.name}(${c.columns.join(', ')})${c.unique ? ' unique' : ''}${c.concurrently ? ' concurrently' : ''}`;
    case 'add-constraint':
      return `add-constraint ${c.constraint.name ?? '?'} ${c.constraint.type} on ${c.table.name}(${c.constraint.columns.join(', ')})`;
    case 'create-enum':
      return `create-enum ${c.type.name}(${c.values.join(', ')})`;
    case 'add-enum-value':
      return `add-enum-value ${c.type.name} ${c.value}`;
    case 'transaction':
      return `transaction ${c.action}`;
    case 'dml':
      return `dml ${c.op} ${c.table?.name ?? '?'}${c.hasWhere ? ' where' : ''}`;
    default:
      return c.kind;
  }
}

const kinds = (text: string, layout: LayoutName = 'knex') => read(layout, text).changes.map(brief);

describe('following up', () => {
  it('reads up only, in order, through awaits, Promise.all and old-style .then chains', () => {
    const text = `exports.up = function (knex, Promise) {
  return knex.schema.createTable('a', (t) => { t.increments(); })
    .then(() => Promise.all([knex.schema.createTable('b', (t) => { t.text('x'); }), knex.raw('CREATE TABLE c (id int)')]))
    .then(function () { return knex.schema.renameTable('c', 'd'); });
};
exports.down = function (knex) { return knex.schema.dropTable('a'); };
`;
    expect(kinds(text)).toEqual([
      'create-table a(id integer not null default nextval(\'a_id_seq\'::regclass))',
      'create-table b(x text)',
      'create-table c(id integer)',
      'rename-table c d',
    ]);
  });

  it('inlines helper functions of the file with their arguments, and resolves constants', () => {
    const text = `import type { Knex } from 'knex';
const TABLES = { users: 'users', orders: 'orders' } as const;
const COLUMN = 'deleted_' + 'at';
function softDelete(knex: Knex, table: string) {
  return knex.schema.alterTable(table, (t) => {
    t.timestamp(COLUMN);
  });
}
export async function up(knex: Knex): Promise<void> {
  await softDelete(knex, TABLES.users);
  await softDelete(knex, TABLES.orders);
}
`;
    expect(kinds(text)).toEqual(['add-column users.deleted_at timestamp with time zone', 'add-column orders.deleted_at timestamp with time zone']);
  });

  it('unrolls loops over lists of the file; a loop over a run-time list is one unanalysed call, with its line', () => {
    const text = `const OLD = ['a', 'b'];
export async function up(knex) {
  for (const table of OLD) {
    await knex.schema.dropTable(table);
  }
  ['c'].forEach((t) => knex.schema.dropTable(t));
  const rows = await knex('tables').select('name');
  for (const row of rows) {
    await knex.schema.dropTable(row.name);
  }
}
`;
    const result = read('knex', text);
    expect(result.changes.map(brief)).toEqual(['drop-table a', 'drop-table b', 'drop-table c']);
    expect(result.diagnostics.map((d) => [d.code, d.location.line, d.message])).toEqual([
      ['unanalysed-statement', 9, 'rollsafe cannot read this knex.schema.dropTable call statically: it runs in a loop over `rows`, known only at run time. Its schema changes are not checked.'],
    ]);
    expect(result.calls).toEqual({ analysed: 3, unanalysed: 1 });
  });

  it('follows straight-line reassignments of a variable', () => {
    const text = `module.exports = {
  up: async (queryInterface) => {
    let table, constraint;
    table = 'a';
    constraint = 'a_fk';
    await queryInterface.sequelize.query(\`ALTER TABLE "\${table}" DROP CONSTRAINT "\${constraint}"\`);
    table = 'b';
    constraint += '_old';
    await queryInterface.sequelize.query(\`ALTER TABLE "\${table}" DROP CONSTRAINT "\${constraint}"\`);
    if (Math.random() > 0.5) table = 'c';
    await queryInterface.removeColumn(table, 'x');
  },
};
`;
    const result = read('sequelize', text);
    expect(result.changes.map((c) => (c.kind === 'drop-constraint' ? `${c.table.name}.${c.name}` : c.kind))).toEqual(['a.a_fk', 'b.a_fk_old']);
    expect(result.diagnostics.map((d) => d.location.line)).toEqual([11]);
  });

  it('stops at a return that surely runs, not at one behind a run-time condition', () => {
    const text = `const NAMES = ['revisions_document_fkey', 'document_foreign_idx'];
module.exports = {
  up: async (queryInterface) => {
    if (await queryInterface.tableExists('done')) return;
    for (const name of NAMES) {
      try {
        await queryInterface.sequelize.query(\`ALTER TABLE revisions DROP CONSTRAINT "\${name}"\`);
        return;
      } catch (err) {
        console.error(err);
      }
    }
    await queryInterface.dropTable('never');
  },
};
`;
    expect(kinds(text, 'sequelize')).toEqual(['drop-constraint']);
  });

  it('reads both branches of a run-time condition: what either creates may exist, a guarded drop happens', () => {
    const text = `export async function up(knex) {
  if (!(await knex.schema.hasColumn('users', 'plan'))) {
    await knex.schema.alterTable('users', (t) => t.text('plan'));
  } else {
    await knex.schema.alterTable('users', (t) => t.text('tier'));
  }
  if (await knex.schema.hasColumn('users', 'legacy')) {
    await knex.schema.alterTable('users', (t) => t.dropColumn('legacy'));
  }
  if ((await knex.raw('select 1 from pg_tables where tablename = ?', ['old'])).rows.length) await knex.schema.renameTable('old', 'archive');
  else await knex.schema.createTable('archive', (t) => t.increments('id'));
  if (false) await knex.schema.dropTable('never');
}
`;
    const result = read('knex', text);
    expect(result.changes.map(brief)).toEqual(['add-column users.plan text', 'add-column users.tier text', 'drop-column users.legacy', 'rename-table old archive', "create-table archive(id integer not null default nextval('archive_id_seq'::regclass))"]);
    expect(result.diagnostics).toEqual([]);
  });

  it('reports a function of another file handed the tool object, and names from the environment', () => {
    const text = `import { addAudit } from './helpers';
export async function up(knex) {
  await addAudit(knex, 'users');
  await knex.schema.dropTable(process.env.OLD_TABLE);
}
`;
    const result = read('knex', text);
    expect(result.changes).toEqual([]);
    expect(result.diagnostics.map((d) => [d.location.line, d.message.replace(/.*statically: /, '')])).toEqual([
      [3, "it hands `knex` to `addAudit`, which is not defined in this file. Its schema changes are not checked."],
      [4, 'the table name is `process.env.OLD_TABLE`, read from the environment at run time. Its schema changes are not checked.'],
    ]);
  });

  it('reads migrations written for several databases as run on Postgres', () => {
    const text = `const compat = { mysql: config.db.type === 'mysql' || config.db.type === 'mariadb', pg: config.db.type !== 'sqlite' };
exports.up = async (knex) => {
  switch (config.db.type) {
    case 'mysql':
      await knex.raw('ALTER TABLE pages MODIFY content LONGTEXT');
      break;
    case 'postgres':
    case 'sqlite':
      await knex.raw('ALTER TABLE pages ALTER COLUMN content TYPE text');
      break;
    default:
      await knex.raw('nonsense');
  }
  if (compat.mysql) await knex.raw('ALTER TABLE pages ENGINE = InnoDB');
  if (compat.pg) await knex.schema.alterTable('pages', (t) => t.dropColumn('legacy'));
};
`;
    const result = read('knex', text);
    expect(result.changes.map(brief)).toEqual(['alter-column-type pages.content text', 'drop-column pages.legacy']);
    expect(result.diagnostics).toEqual([]);
  });

  it('follows long builder chains', () => {
    const tables = Array.from({ length: 40 }, (_, i) => `.createTable('t${i}', (t) => { t.increments(); })`).join('\n    ');
    const result = read('knex', `exports.up = (knex) => knex.schema\n    ${tables};\n`);
    expect(result.changes.filter((c) => c.kind === 'create-table')).toHaveLength(40);
  });

  it("reads tsc's CommonJS output (__awaiter with a generator)", () => {
    const text = `"use strict";
var __awaiter = (this && this.__awaiter) || function (thisArg, _arguments, P, generator) { return new P(function () {}); };
Object.defineProperty(exports, "__esModule", { value: true });
exports.down = exports.up = void 0;
function up(knex) {
    return __awaiter(this, void 0, void 0, function* () {
        yield knex.schema.alterTable('users', (t) => { t.dropColumn('legacy'); });
    });
}
exports.up = up;
`;
    expect(kinds(text)).toEqual(['drop-column users.legacy']);
  });

  it('finds no up: a warning, not a guess', () => {
    const result = read('knex', 'export const seed = async (knex) => { await knex.schema.dropTable("x"); };\n');
    expect(result.changes).toEqual([]);
    expect(result.diagnostics.map((d) => d.code)).toEqual(['migration-no-up']);
  });
});

describe('raw SQL', () => {
  it('points into the string, across escapes and template parts, with constants written in', () => {
    const text = `const TABLE = 'users';
export async function up(knex) {
  await knex.raw("ALTER TABLE \\"weird\\" DROP COLUMN a");
  await knex.raw(\`ALTER TABLE \${TABLE}
    ADD COLUMN b int\`);
}
`;
    const result = read('knex', text);
    expect(result.changes.map(brief)).toEqual(['drop-column weird.a', 'add-column users.b integer']);
    const [drop, add] = result.changes;
    expect([drop!.statement.location.line, drop!.statement.location.column]).toEqual([3, 19]);
    expect(drop!.statement.text).toBe('ALTER TABLE "weird" DROP COLUMN a');
    expect([add!.location.line, add!.location.column, add!.location.endLine]).toEqual([4, 19, 5]);
    expect(add!.statement.type).toBe('AlterTableStmt');
  });

  it('fills Knex bindings (?? names, ? values); a placeholder standing for a name is unanalysable', () => {
    const text = `export async function up(knex) {
  await knex.raw('ALTER TABLE ?? DROP COLUMN ??', ['users', 'legacy']);
  await knex.raw('UPDATE users SET plan = ? WHERE plan IS NULL', ['free']);
  await knex.raw(\`DROP TABLE "\${process.env.T}"\`);
  await knex.raw(\`UPDATE users SET plan = \${process.env.PLAN}\`);
}
`;
    const result = read('knex', text);
    expect(result.changes.map(brief)).toEqual(['drop-column users.legacy', 'dml update users where', 'dml update users']);
    expect(result.diagnostics.map((d) => [d.location.line, d.message.replace(/.*statically: /, '')])).toEqual([
      [4, 'a name in its SQL comes from `${process.env.T}`, known only at run time. Its schema changes are not checked.'],
    ]);
  });

  it('reports SQL Postgres cannot parse at its place in the file', () => {
    const result = read('typeorm', `export class A1 { async up(queryRunner) {\n  await queryRunner.query('ALTER TABLE users DROP COLUM x');\n} }\n`);
    expect(result.diagnostics.map((d) => [d.code, d.location.line])).toEqual([['sql-syntax', 2]]);
    expect(result.calls).toEqual({ analysed: 0, unanalysed: 1 });
  });
});

describe('Knex builder', () => {
  it('compiles columns the way the Postgres dialect does', () => {
    const text = `exports.up = (knex) => knex.schema.createTable('t', (t) => {
  t.bigIncrements();
  t.string('code', 20).notNullable().unique();
  t.decimal('price');
  t.enu('status', ['new', 'done']);
  t.enu('kind', ['a', 'b'], { useNative: true, enumName: 'kind_t' });
  t.uuid('ref').index();
  t.timestamps(true, true);
});
`;
    expect(kinds(text)).toEqual([
      'create-enum kind_t(a, b)',
      "create-table t(id bigint not null default nextval('t_id_seq'::regclass), code character varying(20) not null, price numeric(8,2), status text, kind kind_t, ref uuid, created_at timestamp with time zone not null default CURRENT_TIMESTAMP, updated_at timestamp with time zone not null default CURRENT_TIMESTAMP)",
      'add-constraint t_code_unique unique on t(code)',
      'create-index t_ref_index on t(ref)',
    ]);
  });

  it('.alter() drops the default and NOT NULL, changes the type, then sets them again', () => {
    const text = `exports.up = (knex) => knex.schema.alterTable('t', (t) => {
  t.integer('n').notNullable().defaultTo(0).alter();
  t.setNullable('m');
  t.dropForeign('owner_id');
});
`;
    expect(kinds(text)).toEqual([
      'drop-default t.n',
      'drop-not-null t.n',
      'alter-column-type t.n integer',
      "set-default t.n '0'",
      'set-not-null t.n',
      'drop-not-null t.m',
      'drop-constraint',
    ]);
  });
});

describe('Kysely builder', () => {
  it('runs only executed builders; types and sql fragments as written; value holes as parameters', () => {
    const text = `import { Kysely, sql } from 'kysely';
export async function up(db: Kysely<any>) {
  db.schema.dropTable('never_executed');
  await db.schema.createTable('t')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('owner_id', 'integer', (c) => c.references('owners.id').onDelete('cascade').notNull())
    .addColumn('at', sql\`timestamp(3)\`, (c) => c.defaultTo(sql\`now()\`))
    .execute();
  await db.schema.createIndex('t_owner').on('t').column('owner_id').unique().using('btree').execute();
  await db.schema.createType('mood').asEnum(['ok', 'sad']).execute();
  await sql\`UPDATE \${sql.table('t')} SET \${sql.ref('at')} = \${new Date()}\`.execute(db);
}
`;
    expect(kinds(text, 'kysely')).toEqual([
      "create-table t(id bigint not null default nextval('t_id_seq'::regclass), owner_id integer not null, at timestamp(3) without time zone default now())",
      'create-index t_owner on t(owner_id) unique',
      'create-enum mood(ok, sad)',
      'dml update t',
    ]);
  });
});

describe('TypeORM QueryRunner API', () => {
  it('creates tables as PostgresQueryRunner does: NOT NULL unless nullable, SERIAL, strategy names', () => {
    const text = `import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
export class Init1700000000000 implements MigrationInterface {
  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(new Table({
      name: 'post',
      columns: [
        { name: 'id', type: 'int', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        { name: 'title', type: 'varchar', length: '120' },
        { name: 'state', type: 'enum', enum: ['draft', 'live'], isNullable: true, default: "'draft'" },
      ],
      indices: [{ columnNames: ['title'] }],
    }), true);
    await this.helper(queryRunner);
  }
  private async helper(queryRunner: QueryRunner) {
    await queryRunner.commitTransaction();
    await queryRunner.createIndex('post', new TableIndex({ name: 'post_state', columnNames: ['state'], isConcurrent: true }));
    await queryRunner.startTransaction();
  }
  public async down(queryRunner: QueryRunner): Promise<void> { await queryRunner.dropTable('post'); }
}
`;
    const result = read('typeorm', text);
    expect(result.changes.map(brief)).toEqual([
      'create-enum post_state_enum(draft, live)',
      "create-table post(id integer not null default nextval('post_id_seq'::regclass), title character varying(120) not null, state post_state_enum default 'draft')",
      'create-index IDX_e28aa0c4114146bfb1567bfa9a on post(title)',
      'transaction commit',
      'create-index post_state on post(state) concurrently',
      'transaction begin',
    ]);
    // DefaultNamingStrategy: 'PK_' + sha1('post_id')[0..27], 'IDX_' + sha1('post_title')[0..26].
    const table = result.changes[1]!;
    expect(table.kind === 'create-table' ? table.constraints.map((c) => [c.type, c.name]) : []).toEqual([['primary-key', 'PK_be5fda3aac270b134ff9c21cdee']]);
  });

  it('changeColumn recreates the column when the old definition differs in type (the data is lost)', () => {
    const text = `export class A1700000000000 {
  async up(queryRunner) {
    await queryRunner.changeColumn('t', new TableColumn({ name: 'n', type: 'int' }), new TableColumn({ name: 'n', type: 'varchar', isNullable: true }));
  }
}
`;
    expect(kinds(text, 'typeorm')).toEqual(['drop-column t.n', 'add-column t.n character varying']);
  });
});

describe('node-pg-migrate', () => {
  it('compiles pgm calls with shorthands, default names and options', () => {
    const text = `exports.shorthands = { createdAt: { type: 'timestamp', notNull: true, default: 'epoch' } };
exports.up = (pgm) => {
  pgm.createTable({ schema: 'app', name: 'items' }, {
    id: 'id',
    owner: { type: 'int', references: { schema: 'app', name: 'owners' }, onDelete: 'CASCADE' },
    created: 'createdAt',
  });
  pgm.createIndex({ schema: 'app', name: 'items' }, ['owner', 'created'], { unique: true });
  pgm.createType('mood', ['ok', 'sad']);
  pgm.addTypeValue('mood', 'meh', { after: 'ok' });
  pgm.alterColumn({ schema: 'app', name: 'items' }, 'created', { type: 'timestamptz', using: 'created AT TIME ZONE \\'UTC\\'', default: null });
  pgm.sql('UPDATE app.items SET owner = {owner}', { owner: 1 });
};
`;
    expect(kinds(text, 'node-pg-migrate')).toEqual([
      "create-table items(id integer not null default nextval('app.items_id_seq'::regclass), owner integer, created timestamp without time zone not null default 'epoch')",
      'create-index items_owner_created_unique_index on items(owner, created) unique',
      'create-enum mood(ok, sad)',
      'add-enum-value mood meh',
      'drop-default items.created',
      'alter-column-type items.created timestamp with time zone',
      'dml update items',
    ]);
  });
});

describe('Sequelize queryInterface', () => {
  it('maps data types as the Postgres dialect does, and reads umzug-style ({ context }) migrations', () => {
    const text = `const { DataTypes } = require('sequelize');
module.exports = {
  up: async ({ context: queryInterface }) => {
    await queryInterface.createTable('Users', {
      id: { type: DataTypes.BIGINT, autoIncrement: true, primaryKey: true },
      firstName: { type: DataTypes.STRING(20), allowNull: false },
      bio: DataTypes.TEXT,
      born: DataTypes.DATEONLY,
      seen: { type: DataTypes.DATE, defaultValue: DataTypes.NOW },
      tags: DataTypes.ARRAY(DataTypes.STRING),
      price: DataTypes.DECIMAL(10, 2),
      role: { type: DataTypes.ENUM('admin', 'user'), defaultValue: 'user' },
    });
    await queryInterface.addIndex('Users', ['firstName']);
  },
};
`;
    expect(kinds(text, 'sequelize')).toEqual([
      'create-enum enum_Users_role(admin, user)',
      'create-table Users(id bigint not null default nextval(\'"Users_id_seq"\'::regclass), firstName character varying(20) not null, bio text, born date, seen timestamp with time zone, tags character varying(255)[], price numeric(10,2), role "enum_Users_role" default \'user\')',
      'create-index users_first_name on Users(firstName)',
    ]);
  });
});

describe('MikroORM', () => {
  it('reads this.addSql SQL and reports query builders', () => {
    const text = `import { Migration } from '@mikro-orm/migrations';
export class Migration20240101000000 extends Migration {
  async up(): Promise<void> {
    this.addSql('alter table "a" add column "b" int null; alter table "a" drop column "c";');
    this.addSql(this.getKnex().schema.dropTable('a').toQuery());
  }
}
`;
    const result = read('mikro-orm', text);
    expect(result.changes.map(brief)).toEqual(['add-column a.b integer', 'drop-column a.c']);
    expect(result.diagnostics.map((d) => [d.code, d.location.line])).toEqual([['unanalysed-statement', 5]]);
    expect(result.calls).toEqual({ analysed: 1, unanalysed: 1 });
  });
});
