/**
 * postgres-migrations (npm `postgres-migrations`): a folder of `.sql` files whose names begin with an integer id
 * (`parseInt(fileName, 10)`; a file without one is refused), run in id order. The ids must run 1, 2, 3… without a
 * gap or a repeat ("Found a non-consecutive migration ID"), and a file's hash must not change once applied.
 * runMigration (src/run-migration.ts) sends the whole file as one query between `START TRANSACTION` and `COMMIT`,
 * unless the file contains `-- postgres-migrations disable-transaction`: then the one query runs alone, which
 * Postgres still runs as one implicit transaction when it holds several statements.
 * Told apart from a plain SQL folder by the project's dependency on the package (a nearby package.json) or by
 * that marker comment in one of the first files.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { withoutBom } from '../blank.js';
import { migrationDiagnostic } from '../diagnostics.js';
import { joinPath, type MigrationEntry, type MigrationLayout } from '../layout.js';
import { codeUnitCompare } from '../order.js';
import { nearbyFiles, perFolder } from '../script-layout.js';
import { implicitTransaction } from '../transaction.js';

const SQL = /\.sql$/i;
const ID = /^(\d+)[-_. ]*(.*)\.sql$/i;
const MARKER = '-- postgres-migrations disable-transaction';
const DEPENDENCY = /"postgres-migrations"\s*:/;
const HEAD_BYTES = 4096;

export const postgresMigrationsLayout: MigrationLayout = {
  name: 'postgres-migrations',
  language: 'sql',

  async detect(dir, entries, repo) {
    const sql = entries.files.filter((f) => SQL.test(f));
    if (sql.length === 0 || sql.some((f) => !ID.test(f))) return undefined;
    if (entries.files.some((f) => /\.[cm]?[jt]s$/i.test(f) && !/^\d/.test(f))) return undefined;
    const depends = await perFolder(repo, `postgres-migrations:${dir}`, async () =>
      (await nearbyFiles(repo, dir, /^package\.json$/)).some((f) => DEPENDENCY.test(f.text)),
    );
    if (depends) return { confidence: 0.6, reason: 'numbered .sql files in a project that depends on postgres-migrations' };
    for (const file of sql.slice(0, 3)) {
      const head = await repo.head(joinPath(dir, file), HEAD_BYTES);
      if (head?.includes(MARKER)) return { confidence: 0.6, reason: `numbered .sql files with \`${MARKER}\`` };
    }
    return undefined;
  },

  async list(dir, entries) {
    const list: MigrationEntry[] = [];
    for (const file of entries.files) {
      const match = ID.exec(file);
      if (match) list.push({ path: joinPath(dir, file), version: String(Number.parseInt(match[1]!, 10)), name: match[2] || match[1]! });
    }
    list.sort((a, b) => Number(a.version) - Number(b.version) || codeUnitCompare(a.path, b.path));
    const diagnostics: Diagnostic[] = [];
    list.forEach((entry, i) => {
      if (Number(entry.version) === i + 1) return;
      diagnostics.push(
        migrationDiagnostic(
          'migration-sequence',
          'error',
          `postgres-migrations expects migration id ${i + 1} here, not ${entry.version}: it refuses ids that skip or repeat ("Found a non-consecutive migration ID").`,
          entry.path,
        ),
      );
    });
    return { entries: list, diagnostics: diagnostics.slice(0, 1) };
  },

  async read(_entry, text) {
    const sql = withoutBom(text);
    if (sql.includes(MARKER)) {
      return { sql, ...implicitTransaction(sql, `postgres-migrations runs a file marked \`${MARKER}\` as one query without a transaction`), diagnostics: [] };
    }
    return {
      sql,
      transaction: 'wrapped',
      transactionScope: 'migration',
      transactionReason: `postgres-migrations runs each file between START TRANSACTION and COMMIT (\`${MARKER}\` opts out)`,
      diagnostics: [],
    };
  },
};
