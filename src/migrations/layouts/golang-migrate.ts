/**
 * golang-migrate: `<version>_<name>.up.sql` (and `.down.sql`, ignored here), versions compared as unsigned
 * integers; gaps are fine, a repeated version is refused (source/parse.go, source.Migrations.Append).
 * The postgres driver sends the whole file in one Exec and opens no transaction of its own
 * (database/postgres Run); lib/pq uses the simple query protocol, so Postgres runs a file of several
 * statements as one implicit transaction. With `x-multi-statement=true` the driver instead splits on `;` and
 * runs statements one by one; that URL option is not visible in the repository, so the default is assumed.
 */
import { withoutBom } from '../blank.js';
import { joinPath, type MigrationEntry, type MigrationLayout } from '../layout.js';
import { codeUnitCompare, compareDigits, duplicateVersions } from '../order.js';
import { implicitTransaction } from '../transaction.js';

const UP = /^(\d+)_(.*)\.up\.sql$/;
const MIGRATION = /^\d+_.*\.(up|down)\.[^.]+$/;

export const golangMigrateLayout: MigrationLayout = {
  name: 'golang-migrate',
  language: 'sql',

  async detect(_dir, entries) {
    const up = entries.files.filter((f) => UP.test(f));
    if (up.length === 0) return undefined;
    // Most .sql files of the folder follow the <version>_<name>.(up|down).sql pattern.
    const sql = entries.files.filter((f) => f.endsWith('.sql'));
    if (sql.filter((f) => MIGRATION.test(f)).length * 2 < sql.length) return undefined;
    return { confidence: 0.7, reason: '<version>_<name>.up.sql files' };
  },

  async list(dir, entries) {
    const list: MigrationEntry[] = [];
    for (const file of entries.files) {
      const match = UP.exec(file);
      if (match) list.push({ path: joinPath(dir, file), version: match[1]!, name: match[2]! });
    }
    list.sort((a, b) => compareDigits(a.version, b.version) || codeUnitCompare(a.path, b.path));
    return {
      entries: list,
      diagnostics: duplicateVersions(list, 'error', 'golang-migrate refuses to read a folder with two migrations of the same version.', (e) =>
        e.version.replace(/^0+(?=\d)/, ''),
      ),
    };
  },

  async read(_entry, text) {
    const sql = withoutBom(text);
    return {
      sql,
      ...implicitTransaction(sql, "golang-migrate's postgres driver sends the file as one query and opens no transaction"),
      diagnostics: [],
    };
  },
};
