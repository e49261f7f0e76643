/**
 * db-migrate, the `sql-file` variant (`db-migrate create <name> --sql-file`): each `migrations/<timestamp>-<name>.js`
 * is a generated wrapper that reads `migrations/sqls/<timestamp>-<name>-up.sql` and hands it to `db.runSql`, so the
 * history is the `-up.sql` files of `sqls/` in file-name order (the wrappers' order; `-down.sql` files are the
 * rollbacks). The Postgres driver (db-migrate-pg, index.js startMigration/endMigration) runs each migration between
 * `BEGIN;` and `COMMIT;` unless db-migrate is started with `--non-transactional`; runSql sends the file as one
 * query. The flag is looked for in the scripts of a nearby package.json. The JS variant is `db-migrate-js.ts`.
 */
import { withoutBom } from '../blank.js';
import { joinPath, type MigrationEntry, type MigrationLayout, type RepoFiles } from '../layout.js';
import { codeUnitCompare, duplicateVersions } from '../order.js';
import { nearbyFiles, perFolder } from '../script-layout.js';
import { implicitTransaction } from '../transaction.js';

const UP = /^(\d+)-(.*)-up\.sql$/;

export const dbMigrateSqlLayout: MigrationLayout = {
  name: 'db-migrate-sql',
  language: 'sql',

  async detect(dir, entries) {
    if (!/(^|\/)sqls$/.test(dir)) return undefined;
    const up = entries.files.filter((f) => UP.test(f));
    if (up.length === 0 || up.length * 2 < entries.files.filter((f) => f.endsWith('.sql')).length - up.length) return undefined;
    return { confidence: 0.8, reason: 'a db-migrate `sqls/` folder of <timestamp>-<name>-up.sql files' };
  },

  async list(dir, entries) {
    const list: MigrationEntry[] = [];
    for (const file of entries.files) {
      const match = UP.exec(file);
      if (match) list.push({ path: joinPath(dir, file), version: match[1]!, name: match[2]! });
    }
    list.sort((a, b) => codeUnitCompare(a.path, b.path));
    return { entries: list, diagnostics: duplicateVersions(list, 'warning', 'db-migrate runs them in file-name order; check that this is the order you meant.') };
  },

  async read(entry, text, repo) {
    const sql = withoutBom(text);
    const dir = entry.path.includes('/') ? entry.path.slice(0, entry.path.lastIndexOf('/')) : '';
    const flag = await perFolder(repo, `db-migrate:${dir}`, () => nonTransactional(repo, dir));
    if (flag) return { sql, ...implicitTransaction(sql, `${flag} starts db-migrate with \`--non-transactional\`: runSql sends the file as one query`), diagnostics: [] };
    return {
      sql,
      transaction: 'wrapped',
      transactionScope: 'migration',
      transactionReason: "db-migrate's Postgres driver runs each migration between BEGIN and COMMIT (unless started with `--non-transactional`)",
      diagnostics: [],
    };
  },
};

/** The package.json whose scripts start db-migrate with `--non-transactional`, if any. */
export async function nonTransactional(repo: RepoFiles, dir: string): Promise<string | undefined> {
  const files = await nearbyFiles(repo, dir, /^package\.json$/);
  return files.find((f) => /db-migrate[^"\n]*--non-transactional/.test(f.text))?.path;
}
