/**
 * Supabase CLI: `supabase/migrations/<timestamp>_<name>.sql` (pattern `^([0-9]+)_(.*)\.sql$`; other files
 * are skipped with "file name must match pattern"), applied in file-name order by `supabase db push`,
 * `migration up` and `db reset`. The CLI splits a file into statements and sends them as one pipelined batch
 * ending in a single Sync, which Postgres runs as one implicit transaction; statements that cannot run in a
 * pipeline (CREATE/DROP INDEX CONCURRENTLY, REINDEX … CONCURRENTLY, VACUUM, ALTER SYSTEM, CLUSTER) are
 * flushed out and run on their own (supabase/cli pkg/migration/file.go `isPipelineIncompatible`,
 * supabase/cli#2898, #6276).
 */
import type { Diagnostic } from '../../diagnostic.js';
import { withoutBom } from '../blank.js';
import { migrationDiagnostic } from '../diagnostics.js';
import { joinPath, type MigrationEntry, type MigrationLayout } from '../layout.js';
import { codeUnitCompare, duplicateVersions } from '../order.js';
import { scanStatements } from '../statement-scan.js';
import { implicitTransaction } from '../transaction.js';

const FILE = /^(\d+)_(.*)\.sql$/;

const PIPELINE_INCOMPATIBLE = [
  /^CREATE( UNIQUE)? INDEX CONCURRENTLY\b/,
  /^DROP INDEX CONCURRENTLY\b/,
  /^REINDEX\b.*\bCONCURRENTLY\b/,
  /^VACUUM\b/,
  /^ALTER SYSTEM\b/,
  /^CLUSTER\b/,
];

export const supabaseLayout: MigrationLayout = {
  name: 'supabase',
  language: 'sql',

  async detect(dir, entries) {
    if (!/(^|\/)supabase\/migrations$/.test(dir)) return undefined;
    if (!entries.files.some((f) => f.endsWith('.sql'))) return undefined;
    return { confidence: 0.85, reason: 'supabase/migrations' };
  },

  async list(dir, entries) {
    const diagnostics: Diagnostic[] = [];
    const list: MigrationEntry[] = [];
    for (const file of [...entries.files].sort(codeUnitCompare)) {
      const match = FILE.exec(file);
      if (match) list.push({ path: joinPath(dir, file), version: match[1]!, name: match[2]! });
      else if (file.endsWith('.sql')) {
        diagnostics.push(
          migrationDiagnostic(
            'migration-file-ignored',
            'warning',
            `The Supabase CLI skips ${file}: the name must match <timestamp>_name.sql.`,
            joinPath(dir, file),
          ),
        );
      }
    }
    diagnostics.push(...duplicateVersions(list, 'error', 'The Supabase CLI records migrations by version, so pushing the second one fails.'));
    return { entries: list, diagnostics };
  },

  async read(_entry, text) {
    const sql = withoutBom(text);
    const batched = scanStatements(sql).filter((s) => !PIPELINE_INCOMPATIBLE.some((p) => p.test(s.head)));
    return {
      sql,
      ...implicitTransaction(sql, 'The Supabase CLI sends the file as one pipelined batch', batched),
      nonTransactionalStatementsRunAlone: true,
      diagnostics: [],
    };
  },
};
