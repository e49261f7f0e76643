/**
 * Flyway: `V<version>__<description>.sql` in version order (parts split on `.` or `_`, compared as numbers,
 * missing parts are 0: `V1.10` after `V1.9`, `V1` equals `V1.0`), then `R__<description>.sql` repeatables
 * by description. Locations are scanned recursively. `U…` undo and `B…` baseline scripts are not part of
 * the forward history (flyway-core MigrationVersion, ResolvedMigrationComparator).
 *
 * Transactions (flyway-core ParserSqlScript, PostgreSQLParser): each migration runs in its own transaction,
 * unless its script configuration file `<script>.sql.conf` says `executeInTransaction=…`, or the Postgres
 * parser finds a statement that cannot run in one (CREATE/DROP INDEX CONCURRENTLY, VACUUM, REINDEX
 * SCHEMA|DATABASE|SYSTEM, ALTER SYSTEM, DISCARD ALL, CREATE/DROP DATABASE|TABLESPACE|SUBSCRIPTION); then the
 * whole script runs outside a transaction, and a script mixing both kinds is refused unless `mixed=true`.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { withoutBom } from '../blank.js';
import { migrationDiagnostic, problemAtOffset } from '../diagnostics.js';
import { joinPath, type MigrationEntry, type MigrationLayout, type RepoFiles } from '../layout.js';
import { baseName, codeUnitCompare, compareDigits, duplicateVersions } from '../order.js';
import { scanStatements } from '../statement-scan.js';
import { firstMatching } from '../transaction.js';

const VERSIONED = /^V(\d+(?:[._]\d+)*)__(.+)\.sql$/;
const REPEATABLE = /^R__(.+)\.sql$/;
const NOT_FORWARD = /^[UB]\d+(?:[._]\d+)*__.+\.sql$/;
const CALLBACK = /^(before|after)[A-Za-z]*(__.*)?\.sql$/;
const MAX_DEPTH = 8;

/** Statement starts Flyway's PostgreSQLParser flags as non-transactional (ALTER TYPE … ADD VALUE only before PG 12). */
const FLYWAY_NON_TRANSACTIONAL = [
  /^(CREATE|DROP) (DATABASE|TABLESPACE|SUBSCRIPTION)\b/,
  /^ALTER SYSTEM\b/,
  /^(CREATE|DROP)( UNIQUE)? INDEX CONCURRENTLY\b/,
  /^REINDEX( VERBOSE)? (SCHEMA|DATABASE|SYSTEM)\b/,
  /^VACUUM\b/,
  /^DISCARD ALL\b/,
];

export const flywayLayout: MigrationLayout = {
  name: 'flyway',
  language: 'sql',

  async detect(dir, entries, repo) {
    if (entries.files.some((f) => VERSIONED.test(f) || REPEATABLE.test(f))) return { confidence: 0.8, reason: 'V<version>__<description>.sql files' };
    // `db/migration` holding only sub-folders of scripts (Flyway scans locations recursively).
    if (!/^migrations?$/.test(dir.slice(dir.lastIndexOf('/') + 1))) return undefined;
    for (const sub of entries.dirs.slice(0, 20)) {
      const inside = await repo.list(joinPath(dir, sub));
      if (inside?.files.some((f) => VERSIONED.test(f))) return { confidence: 0.75, reason: `V<version>__ files in ${sub}/` };
    }
    return undefined;
  },

  async list(dir, _entries, repo) {
    const diagnostics: Diagnostic[] = [];
    const versioned: MigrationEntry[] = [];
    const repeatable: MigrationEntry[] = [];
    const files = await filesUnder(dir, repo);
    const present = new Set(files);
    for (const path of files) {
      const file = path.slice(path.lastIndexOf('/') + 1);
      if (!file.endsWith('.sql')) continue;
      const extra = present.has(`${path}.conf`) ? { config: `${path}.conf` } : undefined;
      const v = VERSIONED.exec(file);
      const r = REPEATABLE.exec(file);
      if (v) versioned.push({ path, version: v[1]!.replace(/_/g, '.'), name: v[2]!, ...(extra && { extra }) });
      else if (r) repeatable.push({ path, version: '', name: r[1]!, repeatable: true, ...(extra && { extra }) });
      else if (!NOT_FORWARD.test(file) && !CALLBACK.test(file)) {
        diagnostics.push(
          migrationDiagnostic(
            'migration-file-ignored',
            'info',
            `Flyway ignores ${file}: the name is neither V<version>__<description>.sql nor R__<description>.sql.`,
            path,
          ),
        );
      }
    }
    versioned.sort((a, b) => compareFlywayVersions(a.version, b.version) || codeUnitCompare(a.path, b.path));
    // Flyway compares descriptions, in which `_` has become a space.
    repeatable.sort((a, b) => codeUnitCompare(a.name.replace(/_/g, ' '), b.name.replace(/_/g, ' ')));
    diagnostics.push(
      ...duplicateVersions(versioned, 'error', 'Flyway refuses to migrate ("Found more than one migration with version").', (e) =>
        normalizedVersion(e.version),
      ),
    );
    return { entries: [...versioned, ...repeatable], diagnostics };
  },

  async read(entry, text, repo) {
    const sql = withoutBom(text);
    const diagnostics: Diagnostic[] = [];
    const inline = /^[ \t]*--[ \t]*flyway:executeInTransaction\b.*$/m.exec(sql);
    const config = entry.extra?.config;
    if (inline && !config) {
      diagnostics.push(
        migrationDiagnostic(
          'flyway-script-config',
          'info',
          `Flyway reads script configuration from ${baseName(entry.path)}.conf, not from comments: this comment does not change how Flyway runs the migration.`,
          entry.path,
          problemAtOffset(sql, inline.index, inline.index + inline[0].trimEnd().length),
          `Create ${baseName(entry.path)}.conf containing executeInTransaction=false.`,
        ),
      );
    }
    if (config) {
      const setting = await executeInTransactionSetting(config, repo);
      if (setting !== undefined) {
        return setting
          ? { sql, transaction: 'wrapped', transactionScope: 'migration', transactionReason: `${baseName(config)} sets executeInTransaction=true: Flyway runs this migration in a transaction.`, diagnostics }
          : { sql, transaction: 'none', transactionReason: `${baseName(config)} sets executeInTransaction=false: Flyway runs this migration outside a transaction.`, diagnostics };
      }
    }
    const statements = scanStatements(sql);
    const nonTransactional = firstMatching(statements, FLYWAY_NON_TRANSACTIONAL);
    if (!nonTransactional) {
      return {
        sql,
        transaction: 'wrapped',
        transactionScope: 'migration',
        transactionReason: 'Flyway runs each migration in its own transaction (executeInTransaction defaults to true).',
        diagnostics,
      };
    }
    const at = problemAtOffset(sql, nonTransactional.start);
    const what = FLYWAY_NON_TRANSACTIONAL.map((p) => p.exec(nonTransactional.head)?.[0]).find((m) => m !== undefined) ?? nonTransactional.head;
    if (statements.some((s) => !FLYWAY_NON_TRANSACTIONAL.some((p) => p.test(s.head)))) {
      diagnostics.push(
        migrationDiagnostic(
          'flyway-mixed-transaction',
          'warning',
          `Flyway refuses a migration that mixes ${what} with statements that can run in a transaction, unless mixed=true is configured.`,
          entry.path,
          at,
          'Move the statement into a migration of its own.',
        ),
      );
    }
    return {
      sql,
      transaction: 'none',
      transactionReason: `Flyway sees ${what} (line ${at.line}), which cannot run in a transaction, and runs this whole migration outside one.`,
      diagnostics,
    };
  },
};

/** Compares Flyway versions part by part as numbers; a missing part counts as 0. */
export function compareFlywayVersions(a: string, b: string): number {
  const pa = a.split(/[._]/);
  const pb = b.split(/[._]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const c = compareDigits(pa[i] ?? '0', pb[i] ?? '0');
    if (c !== 0) return c;
  }
  return 0;
}

function normalizedVersion(version: string): string {
  const parts = version.split(/[._]/).map((p) => p.replace(/^0+(?=\d)/, ''));
  while (parts.length > 1 && parts[parts.length - 1] === '0') parts.pop();
  return parts.join('.');
}

/** Files below a Flyway location; symbolic links to folders are not followed (they may loop). */
async function filesUnder(dir: string, repo: RepoFiles, depth = 0): Promise<string[]> {
  const entries = await repo.list(dir);
  if (!entries || depth > MAX_DEPTH) return [];
  const files = entries.files.map((f) => joinPath(dir, f));
  for (const sub of entries.dirs) {
    if (!entries.links?.includes(sub)) files.push(...(await filesUnder(joinPath(dir, sub), repo, depth + 1)));
  }
  return files;
}

async function executeInTransactionSetting(configPath: string, repo: RepoFiles): Promise<boolean | undefined> {
  const read = await repo.read(configPath);
  if (!read.ok) return undefined;
  const match = /^[ \t]*executeInTransaction[ \t]*=[ \t]*(true|false)[ \t]*$/im.exec(new TextDecoder().decode(read.bytes));
  return match ? match[1]!.toLowerCase() === 'true' : undefined;
}
