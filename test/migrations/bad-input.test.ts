import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverMigrationSets, MAX_MIGRATION_BYTES, worktreeFiles, type MigrationSet, type RepoFiles } from '../../src/migrations/index.js';
import type { Diagnostic } from '../../src/diagnostic.js';
import { brief, files, fixture, only } from './helpers.js';
import { tempProject } from './temp-project.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

async function broken(): Promise<{ sets: MigrationSet[]; diagnostics: Diagnostic[]; set(dir: string): MigrationSet; codes(prefix: string): string[] }> {
  const { sets, diagnostics } = await discoverMigrationSets(fixture('broken'));
  return {
    sets,
    diagnostics,
    set: (dir) => only(sets.filter((s) => s.dir === dir)),
    codes: (prefix) => diagnostics.filter((d) => d.location.path.startsWith(prefix)).map(brief).sort(),
  };
}

describe('bad input becomes diagnostics and the run goes on', () => {
  it('plain SQL: duplicate, gap, empty, comments only, Latin-1, binary', async () => {
    const b = await broken();
    expect(b.codes('sql/')).toEqual([
      'file-binary sql/db/migrations/008_binary.sql:1:1',
      'file-encoding sql/db/migrations/007_latin1.sql:1:7',
      'migration-duplicate-version sql/db/migrations/002_add_phone.sql:1:1',
      'migration-empty sql/db/migrations/005_empty.sql:1:1',
      'migration-empty sql/db/migrations/006_comments_only.sql:1:1',
      'migration-gap sql/db/migrations/004_add_index.sql:1:1',
    ]);
    const set = b.set('sql/db/migrations');
    // The binary file is skipped; everything else stays, in order.
    expect(files(set)).toEqual(['001_create_accounts.sql', '002_add_email.sql', '002_add_phone.sql', '004_add_index.sql', '005_empty.sql', '006_comments_only.sql', '007_latin1.sql']);
    const latin1 = set.migrations.find((m) => m.name === 'latin1')!;
    expect(latin1.text).toContain('Caf\uFFFD table');
    const severity = (code: string, path: string) => b.diagnostics.find((d) => d.code === code && d.location.path.endsWith(path))!.severity;
    expect(severity('migration-empty', '005_empty.sql')).toBe('warning');
    expect(severity('migration-empty', '006_comments_only.sql')).toBe('info');
    expect(severity('file-binary', '008_binary.sql')).toBe('error');
  });

  it('Drizzle: a journal entry without its file, a back-dated entry, a file outside the journal', async () => {
    const b = await broken();
    expect(b.codes('drizzle/')).toEqual([
      'drizzle-journal-missing-file drizzle/drizzle/meta/_journal.json:6:63',
      'migration-not-in-journal drizzle/drizzle/0003_orphan.sql:1:1',
      'migration-order drizzle/drizzle/meta/_journal.json:7:63',
    ]);
    expect(files(b.set('drizzle/drizzle'))).toEqual(['0000_start.sql', '0002_backdated.sql']);
  });

  it('Drizzle: a malformed journal is reported at the bad character, and the files are still read', async () => {
    const b = await broken();
    expect(b.codes('drizzle-bad-journal/')).toEqual(['drizzle-journal-invalid drizzle-bad-journal/drizzle/meta/_journal.json:6:3']);
    expect(files(b.set('drizzle-bad-journal/drizzle'))).toEqual(['0000_start.sql']);
  });

  it('Prisma: a migration folder without migration.sql', async () => {
    const b = await broken();
    expect(b.codes('prisma/')).toEqual(['prisma-migration-missing-sql prisma/prisma/migrations/20240102000000_no_script:1:1']);
    expect(files(b.set('prisma/prisma/migrations'), 2)).toEqual(['20240101000000_init/migration.sql']);
  });

  it('golang-migrate: two files with the same version', async () => {
    const b = await broken();
    expect(b.codes('golang-migrate/')).toEqual(['migration-duplicate-version golang-migrate/db/migrations/1_create_jobs.up.sql:1:1']);
    expect(b.diagnostics.find((d) => d.code === 'migration-duplicate-version' && d.location.path.startsWith('golang'))!.severity).toBe('error');
  });

  it('dbmate: no -- migrate:up, and SQL before it (blanked: dbmate does not run it)', async () => {
    const b = await broken();
    expect(b.codes('dbmate/')).toEqual([
      'dbmate-missing-up dbmate/db/migrations/20240101000000_forgot_directive.sql:1:1',
      'dbmate-statements-before-up dbmate/db/migrations/20240102000000_statement_before_up.sql:1:1',
    ]);
    const set = b.set('dbmate/db/migrations');
    expect(set.migrations[0]!.sql!.trim()).toBe('');
    expect(set.migrations[1]!.sql).not.toContain('CREATE TYPE');
    expect(set.migrations[1]!.sql).toContain('ADD COLUMN kind');
  });

  it('Flyway: same version twice, a mixed migration, config in a comment, a name Flyway ignores', async () => {
    const b = await broken();
    expect(b.codes('flyway/')).toEqual([
      'flyway-mixed-transaction flyway/db/migration/V2__mixed.sql:2:1',
      'flyway-script-config flyway/db/migration/V3__comment_config.sql:1:1',
      'migration-duplicate-version flyway/db/migration/V1__create_orders.sql:1:1',
      'migration-file-ignored flyway/db/migration/notes.sql:1:1',
    ]);
    const mixed = b.set('flyway/db/migration').migrations.find((m) => m.name === 'mixed')!;
    expect(mixed.transaction).toBe('none');
    expect(mixed.transactionReason).toMatch(/CREATE INDEX CONCURRENTLY \(line 2\)/);
  });

  it('Supabase: same version twice, a file without a timestamp', async () => {
    const b = await broken();
    expect(b.codes('supabase/')).toEqual([
      'migration-duplicate-version supabase/supabase/migrations/20240101000000_create_rooms.sql:1:1',
      'migration-file-ignored supabase/supabase/migrations/add_policy.sql:1:1',
    ]);
  });

  it('an unreadable file is reported and skipped', async () => {
    const p = tempProject({ 'db/migrations/1_a.sql': 'CREATE TABLE a (id int);', 'db/migrations/2_b.sql': 'CREATE TABLE b (id int);' });
    cleanups.push(p.remove);
    // Permissions do not stop root, so the failure is injected at the file-access seam.
    const disk = worktreeFiles(p.root);
    const repo: RepoFiles = {
      list: (dir) => disk.list(dir),
      head: (path, bytes) => disk.head(path, bytes),
      read: async (path) => (path.endsWith('1_a.sql') ? { ok: false, reason: 'unreadable', message: 'The file cannot be read (EACCES); it was skipped.' } : disk.read(path)),
    };
    const { sets, diagnostics } = await discoverMigrationSets(p.root, { repo });
    expect(diagnostics.map(brief)).toEqual(['file-unreadable db/migrations/1_a.sql:1:1']);
    expect(only(sets).migrations.map((m) => [m.name, m.order])).toEqual([['b', 0]]);
  });

  it('a layout that throws on one file costs that file only', async () => {
    const p = tempProject({ 'db/migration/V1__a.sql': 'CREATE TABLE a (id int);', 'db/migration/V2__b.sql': 'CREATE INDEX CONCURRENTLY b ON a (id);', 'db/migration/V2__b.sql.conf': 'executeInTransaction=false' });
    cleanups.push(p.remove);
    const disk = worktreeFiles(p.root);
    const repo: RepoFiles = {
      list: (dir) => disk.list(dir),
      head: (path, bytes) => disk.head(path, bytes),
      read: async (path) => {
        if (path.endsWith('.conf')) throw new Error('simulated failure');
        return disk.read(path);
      },
    };
    const { sets, diagnostics } = await discoverMigrationSets(p.root, { repo });
    expect(diagnostics.map(brief)).toEqual(['migration-read-failed db/migration/V2__b.sql:1:1']);
    expect(diagnostics[0]!.message).toMatch(/flyway layout failed.*simulated failure/);
    expect(files(only(sets))).toEqual(['V1__a.sql']);
  });

  it('a file over the size limit is reported without being read', async () => {
    const p = tempProject({ 'db/migrations/1_a.sql': 'CREATE TABLE a (id int);', 'db/migrations/2_huge.sql': '' });
    cleanups.push(p.remove);
    truncateSync(join(p.root, 'db', 'migrations', '2_huge.sql'), MAX_MIGRATION_BYTES + 1);
    const { sets, diagnostics } = await discoverMigrationSets(p.root);
    expect(diagnostics.map(brief)).toEqual(['file-too-large db/migrations/2_huge.sql:1:1']);
    expect(diagnostics[0]!.message).toMatch(/5\.0 MB/);
    expect(files(only(sets))).toEqual(['1_a.sql']);
  });

  it('a multi-byte UTF-8 character before an invalid byte still gives the right column', async () => {
    const p = tempProject({ 'db/migrations/1_a.sql': Buffer.concat([Buffer.from('-- né\nSELECT \'é'), Buffer.from([0xff]), Buffer.from("';\n")]) });
    cleanups.push(p.remove);
    const { diagnostics } = await discoverMigrationSets(p.root);
    expect(diagnostics.map(brief)).toEqual(['file-encoding db/migrations/1_a.sql:2:10']);
  });
});
