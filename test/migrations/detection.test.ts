import { afterEach, describe, expect, it } from 'vitest';
import { discoverMigrationSets, MigrationsConfigError } from '../../src/migrations/index.js';
import { brief, files, fixture, only } from './helpers.js';
import { tempProject } from './temp-project.js';

const cleanups: Array<() => void> = [];
function project(files: Record<string, string>, links: Record<string, string> = {}): string {
  const p = tempProject(files, links);
  cleanups.push(p.remove);
  return p.root;
}
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

const up = (sql: string) => `-- migrate:up\n${sql}\n\n-- migrate:down\nSELECT 1;\n`;

describe('detection precedence', () => {
  it('leaves migration folders of other databases alone (db/clickhouse/migrations next to db/postgresql/migrations)', async () => {
    const root = project({
      'db/clickhouse/migrations/01_init.sql': 'CREATE TABLE events (id UUID) ENGINE = MergeTree ORDER BY id;',
      'db/clickhouse/migrations/02_more.sql': 'ALTER TABLE events ADD COLUMN x String CODEC(ZSTD(1));',
      'db/postgresql/migrations/01_init.sql': 'CREATE TABLE events (id uuid);',
    });
    const { sets } = await discoverMigrationSets(root);
    expect(sets.map((s) => s.dir)).toEqual(['db/postgresql/migrations']);
  });

  it('takes supabase/migrations for Supabase, not for a plain SQL folder', async () => {
    const root = project({ 'supabase/migrations/20240101000000_a.sql': 'create table a (id int);', 'supabase/migrations/20240102000000_b.sql': 'create table b (id int);' });
    const { sets } = await discoverMigrationSets(root);
    expect(only(sets)).toMatchObject({ dir: 'supabase/migrations', layout: 'supabase' });
  });

  it('prefers Prisma over plain SQL and does not descend into its migration folders', async () => {
    const root = project({
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "A" ("id" INT);',
      'prisma/migrations/20240101000000_init/sql-migrations/1_x.sql': 'select 1;',
    });
    const { sets } = await discoverMigrationSets(root);
    expect(only(sets)).toMatchObject({ dir: 'prisma/migrations', layout: 'prisma' });
  });

  it('recognises Prisma folders without migration_lock.toml', async () => {
    const root = project({ 'db/migrations/20240101000000_init/migration.sql': 'CREATE TABLE a (id int);' });
    expect(only((await discoverMigrationSets(root)).sets).layout).toBe('prisma');
  });

  it('tells Drizzle Kit 1.x folders (with snapshot.json) from Prisma ones', async () => {
    const root = project({
      'drizzle/20240102000000_second/migration.sql': 'ALTER TABLE a ADD COLUMN b int;',
      'drizzle/20240102000000_second/snapshot.json': '{}',
      'drizzle/20240101000000_first/migration.sql': 'CREATE TABLE a (id int);--> statement-breakpoint\nCREATE INDEX a_id ON a (id);',
      'drizzle/20240101000000_first/snapshot.json': '{}',
    });
    const set = only((await discoverMigrationSets(root)).sets);
    expect(set).toMatchObject({ dir: 'drizzle', layout: 'drizzle' });
    expect(files(set, 2)).toEqual(['20240101000000_first/migration.sql', '20240102000000_second/migration.sql']);
    expect(set.migrations[0]).toMatchObject({ version: '20240101000000', name: 'first', transactionScope: 'batch' });
    expect(set.migrations[0]!.statementBreaks).toHaveLength(1);
  });

  it('prefers dbmate when the files have -- migrate:up sections', async () => {
    const root = project({ 'db/migrations/20240101000000_a.sql': up('CREATE TABLE a (id int);'), 'db/migrations/20240102000000_b.sql': up('CREATE TABLE b (id int);') });
    expect(only((await discoverMigrationSets(root)).sets).layout).toBe('dbmate');
  });

  it('prefers golang-migrate for .up.sql/.down.sql pairs and Flyway for V__ names', async () => {
    const root = project({
      'go/migrations/1_a.up.sql': 'CREATE TABLE a (id int);',
      'go/migrations/1_a.down.sql': 'DROP TABLE a;',
      'java/db/migration/V1__a.sql': 'CREATE TABLE a (id int);',
    });
    const { sets } = await discoverMigrationSets(root);
    expect(sets.map((s) => [s.dir, s.layout])).toEqual([
      ['go/migrations', 'golang-migrate'],
      ['java/db/migration', 'flyway'],
    ]);
  });

  it('does not take a folder of TS/JS migrations, or loose .sql files, for a SQL history', async () => {
    const root = project({
      'src/migrations/20240101_create_users.ts': 'export async function up() {}',
      'src/migrations/20240102_add_email.ts': 'export async function up() {}',
      'src/migrations/legacy.sql': 'select 1;',
      'src/queries/find-user.sql': 'select * from users where id = $1;',
      'db/schema.sql': 'CREATE TABLE users (id int);',
    });
    expect((await discoverMigrationSets(root)).sets).toEqual([]);
  });

  it('reads Flyway scripts in sub-folders of db/migration', async () => {
    const root = project({
      'db/migration/2024/V2__b.sql': 'CREATE TABLE b (id int);',
      'db/migration/2023/V1__a.sql': 'CREATE TABLE a (id int);',
      'db/migration/2023/V1.5__c.sql': 'CREATE TABLE c (id int);',
    });
    const set = only((await discoverMigrationSets(root)).sets);
    expect(set.layout).toBe('flyway');
    expect(set.migrations.map((m) => m.path)).toEqual(['db/migration/2023/V1__a.sql', 'db/migration/2023/V1.5__c.sql', 'db/migration/2024/V2__b.sql']);
  });
});

describe('repositories with several sets', () => {
  it('finds each package of the monorepo fixture with its own layout, skipping build output and hidden folders', async () => {
    const { sets, diagnostics } = await discoverMigrationSets(fixture('monorepo'));
    expect(sets.map((s) => [s.dir, s.layout, s.migrations.length])).toEqual([
      ['apps/billing/db/migrations', 'golang-migrate', 3],
      ['packages/web/prisma/migrations', 'prisma', 3],
    ]);
    expect(sets[1]!.migrations[2]!.set).toBe('packages/web/prisma/migrations');
    expect(diagnostics).toEqual([]);
  });

  it('skips node_modules, dist and coverage wherever they are', async () => {
    const sql = 'CREATE TABLE a (id int);';
    const root = project({
      'node_modules/some-orm/migrations/1_a.sql': sql,
      'packages/api/node_modules/lib/db/migrations/1_a.sql': sql,
      'packages/api/dist/migrations/1_a.sql': sql,
      'coverage/migrations/1_a.sql': sql,
      'packages/api/migrations/1_a.sql': sql,
    });
    expect((await discoverMigrationSets(root)).sets.map((s) => s.dir)).toEqual(['packages/api/migrations']);
  });

  it('stops at symlink loops, in the walk and inside a Flyway location', async () => {
    const root = project(
      { 'db/migration/V1__a.sql': 'CREATE TABLE a (id int);', 'src/app.ts': 'export {};' },
      { 'src/up': '..', 'src/self': '.', 'db/migration/again': '.', 'db/migration/sub/back': '../..' },
    );
    const { sets } = await discoverMigrationSets(root);
    const set = only(sets);
    expect(set.layout).toBe('flyway');
    expect(set.migrations.map((m) => m.path)).toEqual(['db/migration/V1__a.sql']);
  });
});

describe('symbolic links', () => {
  it('does not read a set twice through a link to another folder of the repository', async () => {
    const root = project({ 'packages/api/migrations/1_a.sql': 'CREATE TABLE a (id int);' }, { 'apps/api': '../packages/api' });
    expect((await discoverMigrationSets(root)).sets.map((s) => s.dir)).toEqual(['packages/api/migrations']);
  });

  it('never follows a link that leads out of the repository (nothing outside the repository is walked)', async () => {
    const outside = tempProject({ 'db/migrations/1_shared.sql': 'CREATE TABLE shared (id int);' }, { 'db/loop': '..' });
    cleanups.push(outside.remove);
    const root = project({ 'src/app.ts': 'export {};' }, { 'vendored-db': outside.root, 'again-db': outside.root });
    const { sets } = await discoverMigrationSets(root);
    expect(sets).toEqual([]);
  });
});

describe('configured folders', () => {
  it('uses --migrations instead of detection, and detects the layout of that folder', async () => {
    const { sets } = await discoverMigrationSets(fixture('monorepo'), { dirs: ['packages/web/prisma/migrations'] });
    expect(only(sets)).toMatchObject({ dir: 'packages/web/prisma/migrations', layout: 'prisma' });
  });

  it('finds the sets below a configured parent folder', async () => {
    const { sets } = await discoverMigrationSets(fixture('monorepo'), { dirs: ['apps'] });
    expect(only(sets)).toMatchObject({ dir: 'apps/billing/db/migrations', layout: 'golang-migrate' });
  });

  it('reads a configured folder no layout recognises as plain SQL', async () => {
    const root = project({ 'sql/a.sql': 'CREATE TABLE a (id int);', 'sql/b.sql': 'CREATE TABLE b (id int);' });
    const set = only((await discoverMigrationSets(root, { dirs: ['sql'] })).sets);
    expect(set.layout).toBe('sql');
    expect(files(set)).toEqual(['a.sql', 'b.sql']);
  });

  it('forces a layout', async () => {
    const root = project({ 'db/migrations/20240101000000_a.sql': 'CREATE TABLE a (id int);' });
    const set = only((await discoverMigrationSets(root, { dirs: ['db/migrations'], layout: 'supabase' })).sets);
    expect(set.layout).toBe('supabase');
  });

  it('throws a MigrationsConfigError for a missing folder, a file, or a folder outside the repository', async () => {
    const root = fixture('sql');
    await expect(discoverMigrationSets(root, { dirs: ['db/nope'] })).rejects.toThrow(new MigrationsConfigError('The migrations folder "db/nope" does not exist.'));
    await expect(discoverMigrationSets(root, { dirs: ['db/migrations/9_add_isbn.sql'] })).rejects.toThrow(/is a file/);
    await expect(discoverMigrationSets(root, { dirs: ['../prisma'] })).rejects.toBeInstanceOf(MigrationsConfigError);
    // A layout name from an unvalidated source (the type system stops it elsewhere).
    await expect(discoverMigrationSets(root, { layout: 'goose' as never })).rejects.toBeInstanceOf(MigrationsConfigError);
  });

  it('marks migrations of post-deploy folders, adding the folder when detection missed it', async () => {
    const root = project({
      'db/migrate/1_a.sql': 'CREATE TABLE a (id int);',
      'db/post_migrate/1_drop_legacy.sql': 'ALTER TABLE a DROP COLUMN legacy;',
    });
    const { sets } = await discoverMigrationSets(root, { postDeployDirs: ['db/post_migrate'] });
    expect(sets.map((s) => [s.dir, s.migrations.map((m) => m.phase)])).toEqual([
      ['db/migrate', ['pre-deploy']],
      ['db/post_migrate', ['post-deploy']],
    ]);
  });

  it('warns when a configured folder holds nothing to read', async () => {
    const root = project({ 'db/migrations/README.md': 'empty' });
    const { sets, diagnostics } = await discoverMigrationSets(root, { dirs: ['db/migrations'] });
    expect(only(sets).migrations).toEqual([]);
    expect(diagnostics.map(brief)).toEqual(['migrations-none-found db/migrations:1:1']);
  });
});
