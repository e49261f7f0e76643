/**
 * db-migrate: `migrations/<timestamp>-<name>.js` modules exporting `up(db, callback)`, run in file-name order
 * (lib/walker.js sorts the file names). The Postgres driver (db-migrate-pg, index.js startMigration/endMigration)
 * runs each migration between `BEGIN;` and `COMMIT;` unless db-migrate is started with `--non-transactional`,
 * looked for in the scripts of a nearby package.json. A folder whose migrations read `sqls/*-up.sql` files
 * (`--sql-file`) is left to the `db-migrate-sql` layout, which reads those files.
 */
import type { MigrationLayout } from '../layout.js';
import { codeUnitCompare } from '../order.js';
import { detectScriptFolder, folderOf, numberedEntry, perFolder, readScript, scriptFiles, sortedEntries } from '../script-layout.js';
import { nonTransactional } from './db-migrate.js';

export const dbMigrateLayout: MigrationLayout = {
  name: 'db-migrate',
  language: 'ts',

  async detect(dir, entries, repo) {
    if (entries.dirs.includes('sqls')) {
      const sqls = await repo.list(dir === '' ? 'sqls' : `${dir}/sqls`);
      if (sqls?.files.some((f) => /-up\.sql$/.test(f))) return undefined;
    }
    return detectScriptFolder('db-migrate', dir, entries, repo);
  },

  async list(dir, entries) {
    const list = scriptFiles(entries).map((f) => numberedEntry(dir, f));
    return { entries: sortedEntries(list, (a, b) => codeUnitCompare(a.path, b.path)), diagnostics: [] };
  },

  async read(entry, text, repo) {
    const dir = folderOf(entry.path);
    const flag = await perFolder(repo, `db-migrate:${dir}`, () => nonTransactional(repo, dir));
    const wrapped = "db-migrate's Postgres driver runs each migration between BEGIN and COMMIT";
    if (flag) {
      const unwrapped = `${flag} starts db-migrate with \`--non-transactional\`: each call commits on its own`;
      return readScript('db-migrate', entry, text, { read: { transaction: 'none', transactionReason: unwrapped }, fileWrapped: wrapped, fileUnwrapped: unwrapped });
    }
    return readScript('db-migrate', entry, text, {
      read: { transaction: 'wrapped', transactionScope: 'migration', transactionReason: `${wrapped} (unless started with \`--non-transactional\`)` },
      fileWrapped: wrapped,
      fileUnwrapped: 'db-migrate runs this migration without a transaction',
    });
  },
};
