/**
 * A plain folder of `.sql` files run in natural order (`2_x.sql` before `10_x.sql`) by psql or a home-made
 * runner. Rollback files beside them (`*.down.sql`, `*_undo.sql`, `*.rollback.sql`, `*.revert.sql`) are not
 * part of the forward history and are left out. The runner is unknown, so each statement is assumed to run
 * on its own, as `psql -f` does; config can say otherwise.
 */
import { withoutBom } from '../blank.js';
import { joinPath, type MigrationEntry, type MigrationLayout } from '../layout.js';
import { duplicateVersions, naturalCompare, sequenceGaps } from '../order.js';

const ROLLBACK = /[._-](down|undo|rollback|revert)\.sql$/i;
/** Folders of another database's migrations, often kept next to the Postgres ones (`db/clickhouse/migrations`). */
const OTHER_DATABASE = /(^|\/)(clickhouse|mysql|mariadb|sqlite3?|mssql|sqlserver|oracle|snowflake|bigquery|duckdb|cassandra|redshift|tidb)(\/|$)/i;
const SCRIPT = /\.(ts|mts|cts|js|mjs|cjs)$/i;

export const sqlLayout: MigrationLayout = {
  name: 'sql',
  language: 'sql',

  async detect(dir, entries) {
    const sql = forwardFiles(entries.files);
    if (sql.length === 0) return undefined;
    // A folder of TS/JS migrations (Knex, TypeORM…) with a stray .sql file is not a SQL history.
    if (entries.files.filter((f) => SCRIPT.test(f)).length > sql.length) return undefined;
    if (OTHER_DATABASE.test(dir)) return undefined;
    // graphile-migrate's folder: current.sql is work in progress, the history is in committed/.
    if (entries.dirs.includes('committed') && (entries.files.includes('current.sql') || entries.dirs.includes('current'))) return undefined;
    const folder = dir.slice(dir.lastIndexOf('/') + 1);
    if (/migrat/i.test(folder)) return { confidence: 0.3, reason: `a "${folder}" folder of .sql files` };
    // Elsewhere only numbered files count: loose .sql (queries, seeds, schema dumps) is not a history.
    if (sql.length >= 2 && sql.every((f) => /^\d/.test(f))) return { confidence: 0.2, reason: 'numbered .sql files' };
    return undefined;
  },

  async list(dir, entries) {
    const files = forwardFiles(entries.files).sort(naturalCompare);
    const list: MigrationEntry[] = files.map((file) => {
      const stem = file.replace(/\.sql$/i, '').replace(/\.up$/i, '');
      const number = /^(\d+)[_.-]*(.*)$/.exec(stem);
      return { path: joinPath(dir, file), version: number ? number[1]! : stem, name: number?.[2] || stem };
    });
    return {
      entries: list,
      diagnostics: [
        ...duplicateVersions(list, 'warning', 'Their order then depends on the rest of the file name.', (e) => e.version.replace(/^0+(?=\d)/, '')),
        ...sequenceGaps(list, 'Check that no migration was lost.'),
      ],
    };
  },

  async read(_entry, text) {
    return {
      sql: withoutBom(text),
      transaction: 'none',
      transactionReason:
        'Plain SQL folder: the runner is unknown, so each statement is assumed to run on its own (as `psql -f` does); set the layout or the transaction mode in the config if your runner wraps each file.',
      diagnostics: [],
    };
  },
};

function forwardFiles(files: readonly string[]): string[] {
  return files.filter((f) => /\.sql$/i.test(f) && !ROLLBACK.test(f));
}
