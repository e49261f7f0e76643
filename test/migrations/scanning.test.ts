import { afterEach, describe, expect, it } from 'vitest';
import { keepOnly, withoutBom } from '../../src/migrations/blank.js';
import { discoverMigrationSets } from '../../src/migrations/index.js';
import { compareFlywayVersions } from '../../src/migrations/layouts/flyway.js';
import { naturalCompare } from '../../src/migrations/order.js';
import { hasStatement, scanStatements } from '../../src/migrations/statement-scan.js';
import { brief, only } from './helpers.js';
import { tempProject } from './temp-project.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});
async function single(path: string, text: string) {
  const p = tempProject({ [path]: text });
  cleanups.push(p.remove);
  const { sets, diagnostics } = await discoverMigrationSets(p.root);
  return { migration: only(only(sets).migrations), diagnostics };
}

describe('scanStatements', () => {
  it('splits on top-level semicolons only', () => {
    const sql = [
      "INSERT INTO t VALUES ('a;b', E'it\\'s;', \"we;ird\");",
      '-- a comment; still a comment',
      '/* block /* nested; */ still; */ CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;',
      'SELECT $1, a$b FROM t;',
      '   ',
    ].join('\n');
    const statements = scanStatements(sql);
    expect(statements.map((s) => s.head.split(' ').slice(0, 3).join(' '))).toEqual(['INSERT INTO T', 'CREATE FUNCTION F()', 'SELECT $1, A$B']);
    expect(sql.slice(statements[1]!.start, statements[1]!.start + 15)).toBe('CREATE FUNCTION');
  });

  it('drops comments from statement heads and ignores comment-only text', () => {
    expect(scanStatements('CREATE /* x */ UNIQUE\n-- y\n INDEX CONCURRENTLY i ON t (a)')[0]!.head).toBe('CREATE UNIQUE INDEX CONCURRENTLY I ON T (A)');
    expect(scanStatements('-- nothing\n/* here */\n;;')).toEqual([]);
  });

  it('stops at a limit; hasStatement says whether there is any statement besides comments', () => {
    const sql = "-- c;\nSELECT 1; /* x; */ SELECT 'a;b'; SELECT 3";
    expect(scanStatements(sql, 2)).toEqual(scanStatements(sql).slice(0, 2));
    expect(scanStatements(sql, 1).map((s) => s.head)).toEqual(['SELECT 1']);
    expect([hasStatement(sql), hasStatement('-- only\n/* comments; */ ;;'), hasStatement('  '), hasStatement('SELECT 1')]).toEqual([true, false, false, true]);
  });

  it('reads every statement of a file of 50,000 (offsets and heads; the scan is linear in their number)', () => {
    const lines = Array.from({ length: 50_000 }, (_, i) => (i % 1000 === 0 ? `/* batch ${i}; */ -- ${i};\nINSERT INTO t VALUES (${i}, ';');` : `INSERT INTO t VALUES (${i}, 'v');`));
    const sql = lines.join('\n');
    const statements = scanStatements(sql);
    expect(statements).toHaveLength(50_000);
    expect(statements.every((s) => s.head.startsWith('INSERT INTO T VALUES ('))).toBe(true);
    expect(statements[49_999]!.head).toBe("INSERT INTO T VALUES (49999, 'V')");
    expect(sql.slice(statements[1000]!.start, statements[1000]!.end)).toBe("INSERT INTO t VALUES (1000, ';')");
  });
});

describe('orderings', () => {
  it('sorts names naturally', () => {
    expect(['10_x.sql', '2_x.sql', '1_y.sql', '02_a.sql', 'b.sql', 'a.sql'].sort(naturalCompare)).toEqual(['1_y.sql', '02_a.sql', '2_x.sql', '10_x.sql', 'a.sql', 'b.sql']);
  });

  it('compares Flyway versions part by part as numbers', () => {
    const versions = ['1.10', '1.9', '2', '1', '1.2.3', '10', '1.01'];
    expect(versions.sort(compareFlywayVersions)).toEqual(['1', '1.01', '1.2.3', '1.9', '1.10', '2', '10']);
    expect(compareFlywayVersions('1', '1.0.0')).toBe(0);
    expect(compareFlywayVersions('1_1', '1.1')).toBe(0);
    expect(compareFlywayVersions('99999999999999999999.1', '99999999999999999999.2')).toBeLessThan(0);
  });
});

describe('blanking', () => {
  it('keeps length and line breaks and blanks everything else', () => {
    const text = 'ab\r\ncd\nef';
    const out = keepOnly(text, [[4, 6]]);
    expect(out).toBe('  \r\ncd\n  ');
    expect(out).toHaveLength(text.length);
    expect(withoutBom('\uFEFFSELECT 1')).toBe(' SELECT 1');
  });
});

describe('transaction edge cases', () => {
  it('dbmate: several up sections, each with its own options, and down parts blanked', async () => {
    const text = [
      '-- migrate:up',
      'CREATE TABLE a (id int);',
      '-- migrate:down',
      'DROP TABLE a;',
      '-- migrate:up transaction:false',
      'CREATE INDEX CONCURRENTLY a_id ON a (id);',
      '-- migrate:down',
      'DROP INDEX a_id;',
      '',
    ].join('\n');
    const { migration, diagnostics } = await single('db/migrations/20240101000000_two.sql', text);
    expect(diagnostics).toEqual([]);
    expect(migration.sql).not.toMatch(/DROP/);
    expect(migration.sql).toMatch(/CREATE TABLE a/);
    expect(migration.sql).toMatch(/CONCURRENTLY/);
    expect(migration.transaction).toBe('none');
    expect(migration.transactionReason).toMatch(/each of the 2 up sections separately/);
  });

  it('dbmate: transaction:false with several statements still gets an implicit transaction', async () => {
    const { migration } = await single('db/migrations/20240101000000_x.sql', '-- migrate:up transaction:false\nCREATE TABLE a (id int);\nCREATE INDEX a_id ON a (id);\n-- migrate:down\nDROP TABLE a;\n');
    expect(migration).toMatchObject({ transaction: 'wrapped', transactionScope: 'implicit' });
  });

  it('dbmate: a missing down section is a warning', async () => {
    const { diagnostics } = await single('db/migrations/20240101000000_x.sql', '-- migrate:up\nCREATE TABLE a (id int);\n');
    expect(diagnostics.map(brief)).toEqual(['dbmate-missing-down db/migrations/20240101000000_x.sql:1:1']);
  });

  it('Flyway: detects CREATE INDEX CONCURRENTLY by itself, as Flyway does', async () => {
    const { migration, diagnostics } = await single('db/migration/V3__idx.sql', '-- build it online\nCREATE UNIQUE INDEX CONCURRENTLY a_id ON a (id);\n');
    expect(diagnostics).toEqual([]);
    expect(migration.transaction).toBe('none');
    expect(migration.transactionReason).toMatch(/CREATE UNIQUE INDEX CONCURRENTLY \(line 2\)/);
  });

  it('Supabase: CONCURRENTLY statements leave the batch, so the rest may be a single statement', async () => {
    const { migration } = await single(
      'supabase/migrations/20240101000000_idx.sql',
      'create index concurrently a_id on a (id);\ncreate table b (id int);\n',
    );
    expect(migration).toMatchObject({ transaction: 'none', nonTransactionalStatementsRunAlone: true });
  });

  it('Prisma: comments do not count as statements; a byte-order mark is blanked but kept in the text', async () => {
    const { migration } = await single('prisma/migrations/20240101000000_x/migration.sql', '\uFEFF-- CreateIndex\nCREATE INDEX CONCURRENTLY "a_id" ON "A"("id");\n');
    expect(migration.transaction).toBe('none');
    expect(migration.text.charCodeAt(0)).toBe(0xfeff);
    expect(migration.sql!.startsWith(' -- CreateIndex')).toBe(true);
  });

  it('golang-migrate: a repeated version is an error, gaps are fine', async () => {
    const p = tempProject({ 'm/1_a.up.sql': 'select 1;', 'm/5_b.up.sql': 'select 1;', 'm/05_c.up.sql': 'select 1;' });
    cleanups.push(p.remove);
    const { sets, diagnostics } = await discoverMigrationSets(p.root);
    expect(only(sets).migrations.map((m) => m.version)).toEqual(['1', '05', '5']);
    expect(diagnostics.map(brief)).toEqual(['migration-duplicate-version m/5_b.up.sql:1:1']);
  });

  it('Prisma: skips the set, with one info line, when migration_lock.toml names another database', async () => {
    const p = tempProject({ 'prisma/migrations/migration_lock.toml': '# x\nprovider = "mysql"\n', 'prisma/migrations/20240101000000_a/migration.sql': 'CREATE TABLE a (id int);' });
    cleanups.push(p.remove);
    const { sets, diagnostics } = await discoverMigrationSets(p.root);
    expect(sets).toEqual([]);
    expect(diagnostics.map(brief)).toEqual(['migrations-other-dialect prisma/migrations:1:1']);
    expect(diagnostics[0]!.message).toContain('provider "mysql" in migration_lock.toml');
  });
});
