import { describe, expect, it } from 'vitest';
import { discoverMigrationSets, type Migration } from '../../src/migrations/index.js';
import { files, fixture, only } from './helpers.js';

async function discover(name: string) {
  const result = await discoverMigrationSets(fixture(name));
  return { ...result, set: only(result.sets) };
}

function byName(migrations: Migration[], name: string): Migration {
  return only(migrations.filter((m) => m.name === name));
}

describe('plain SQL folder', () => {
  it('orders files naturally and leaves rollback files out', async () => {
    const { set, diagnostics } = await discover('sql');
    expect(set).toMatchObject({ dir: 'db/migrations', layout: 'sql' });
    expect(files(set)).toEqual([
      '5_baseline.sql',
      '6_create_books.sql',
      '7_index_books_author.sql',
      '8_rename_price.sql',
      '9_add_isbn.sql',
      '10_catalog_view.sql',
      '11_drop_author_created_at.sql',
      '12_books_title_index.sql',
    ]);
    expect(set.migrations.map((m) => m.order)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(byName(set.migrations, 'catalog_view')).toMatchObject({ version: '10', set: 'db/migrations', language: 'sql', phase: 'pre-deploy' });
    expect(diagnostics).toEqual([]);
  });

  it('runs the file as it is, one statement at a time', async () => {
    const { set } = await discover('sql');
    for (const m of set.migrations) {
      expect(m.sql).toBe(m.text);
      expect(m.transaction).toBe('none');
    }
  });
});

describe('Prisma', () => {
  it('reads <timestamp>_<name>/migration.sql in folder order and ignores down.sql', async () => {
    const { set, diagnostics } = await discover('prisma');
    expect(set).toMatchObject({ dir: 'prisma/migrations', layout: 'prisma' });
    expect(files(set, 2)).toEqual([
      '20240105093000_init/migration.sql',
      '20240112141500_add_task/migration.sql',
      '20240120080000_rename_task_title/migration.sql',
      '20240201100000_task_due_index/migration.sql',
      '20240215120000_project_task_count/migration.sql',
      '20240301090000_drop_user_legacy/migration.sql',
    ]);
    expect(set.migrations[1]).toMatchObject({ version: '20240112141500', name: 'add_task' });
    expect(diagnostics).toEqual([]);
  });

  it('knows a multi-statement script runs in one implicit transaction and a lone CONCURRENTLY runs outside', async () => {
    const { set } = await discover('prisma');
    expect(byName(set.migrations, 'init')).toMatchObject({ transaction: 'wrapped', transactionScope: 'implicit' });
    expect(byName(set.migrations, 'init').transactionReason).toMatch(/4 statements as one implicit transaction/);
    const index = byName(set.migrations, 'task_due_index');
    expect(index.transaction).toBe('none');
    expect(index.transactionScope).toBeUndefined();
  });
});

describe('Drizzle', () => {
  it('follows the journal and records where the statement breakpoints are', async () => {
    const { set, diagnostics } = await discover('drizzle');
    expect(set).toMatchObject({ dir: 'drizzle', layout: 'drizzle' });
    expect(files(set)).toEqual(['0000_wide_orders.sql', '0001_silly_falcon.sql', '0002_brave_notes.sql', '0003_revenue_view.sql', '0004_drop_fax.sql']);
    const first = set.migrations[0]!;
    expect(first.statementBreaks).toHaveLength(2);
    for (const at of first.statementBreaks!) expect(first.sql!.slice(at)).toMatch(/^--> statement-breakpoint/);
    expect(set.migrations[3]!.statementBreaks).toBeUndefined();
    expect(diagnostics).toEqual([]);
  });

  it('shares one transaction between all pending migrations', async () => {
    const { set } = await discover('drizzle');
    for (const m of set.migrations) expect(m).toMatchObject({ transaction: 'wrapped', transactionScope: 'batch' });
  });
});

describe('Flyway', () => {
  it('orders versions numerically, repeatables last, and ignores undo scripts', async () => {
    const { set, diagnostics } = await discover('flyway');
    expect(set).toMatchObject({ dir: 'src/main/resources/db/migration', layout: 'flyway' });
    expect(files(set)).toEqual([
      'V1__create_accounts.sql',
      'V1_1__add_account_email.sql',
      'V1.2__create_transfers.sql',
      'V1.9__drop_legacy_code.sql',
      'V1.10__rename_amount.sql',
      'V2__transfers_created_at_index.sql',
      'R__account_balances.sql',
    ]);
    expect(set.migrations.map((m) => m.version)).toEqual(['1', '1.1', '1.2', '1.9', '1.10', '2', '']);
    expect(set.migrations[6]!.repeatable).toBe(true);
    expect(set.migrations[0]!.repeatable).toBeUndefined();
    expect(diagnostics).toEqual([]);
  });

  it('wraps each migration unless its .sql.conf says executeInTransaction=false', async () => {
    const { set } = await discover('flyway');
    expect(byName(set.migrations, 'rename_amount')).toMatchObject({ transaction: 'wrapped', transactionScope: 'migration' });
    const index = byName(set.migrations, 'transfers_created_at_index');
    expect(index.transaction).toBe('none');
    expect(index.transactionReason).toMatch(/\.sql\.conf sets executeInTransaction=false/);
  });
});

describe('golang-migrate', () => {
  it('reads the .up.sql files in version order and ignores .down.sql', async () => {
    const { set, diagnostics } = await discover('golang-migrate');
    expect(set).toMatchObject({ dir: 'db/migrations', layout: 'golang-migrate' });
    expect(files(set)).toEqual([
      '000001_create_users.up.sql',
      '000002_create_sessions.up.sql',
      '000003_add_user_role.up.sql',
      '000004_rename_session_token.up.sql',
      '000005_active_sessions_view.up.sql',
      '000006_sessions_user_index.up.sql',
      '000007_drop_user_nickname.up.sql',
    ]);
    expect(set.migrations[2]).toMatchObject({ version: '000003', name: 'add_user_role' });
    expect(diagnostics).toEqual([]);
  });

  it('opens no transaction: one statement runs alone, several share an implicit one', async () => {
    const { set } = await discover('golang-migrate');
    expect(byName(set.migrations, 'add_user_role')).toMatchObject({ transaction: 'wrapped', transactionScope: 'implicit' });
    expect(byName(set.migrations, 'sessions_user_index').transaction).toBe('none');
  });
});

describe('dbmate', () => {
  it('orders by file name and keeps only the up sections, blanked in place', async () => {
    const { set, diagnostics } = await discover('dbmate');
    expect(set).toMatchObject({ dir: 'db/migrations', layout: 'dbmate' });
    expect(set.migrations.map((m) => m.version)).toEqual(['20240301101500', '20240302090000', '20240305120000', '20240310083000', '20240315140000', '20240320160000']);
    expect(diagnostics).toEqual([]);
    for (const m of set.migrations) {
      const sql = m.sql!;
      expect(sql).toHaveLength(m.text.length);
      expect(sql.split('\n')).toHaveLength(m.text.split('\n').length);
      const down = m.text.indexOf('-- migrate:down');
      expect(sql.slice(down).trim()).toBe('');
      expect(sql.slice(0, down)).toBe(m.text.slice(0, down));
    }
    expect(byName(set.migrations, 'create_products').sql).not.toMatch(/DROP TABLE/);
  });

  it('honours transaction:false, where lib/pq still makes several statements one implicit transaction', async () => {
    const { set } = await discover('dbmate');
    expect(byName(set.migrations, 'create_products')).toMatchObject({ transaction: 'wrapped', transactionScope: 'migration' });
    const index = byName(set.migrations, 'inventory_warehouse_index');
    expect(index.transaction).toBe('none');
    expect(index.transactionReason).toMatch(/transaction:false/);
  });
});

describe('Supabase', () => {
  it('reads supabase/migrations in timestamp order and not seed.sql', async () => {
    const { set, diagnostics } = await discover('supabase');
    expect(set).toMatchObject({ dir: 'supabase/migrations', layout: 'supabase' });
    expect(files(set)).toEqual([
      '20240401000000_create_profiles.sql',
      '20240402000000_create_posts.sql',
      '20240405000000_posts_author_index.sql',
      '20240410000000_rename_post_body.sql',
      '20240415000000_public_feed_view.sql',
      '20240420000000_drop_avatar_url.sql',
    ]);
    expect(diagnostics).toEqual([]);
  });

  it('batches a file into one implicit transaction and runs CONCURRENTLY statements alone', async () => {
    const { set } = await discover('supabase');
    const posts = byName(set.migrations, 'create_posts');
    expect(posts).toMatchObject({ transaction: 'wrapped', transactionScope: 'implicit', nonTransactionalStatementsRunAlone: true });
    expect(byName(set.migrations, 'posts_author_index').transaction).toBe('none');
  });
});
