/**
 * A migration set read in full: each migration parsed and normalized, then the whole history replayed.
 * Shared by `check`, `schema` and the ESLint plugin.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { Migration, MigrationSet } from '../migrations/migration.js';
import { normalizeFile } from '../sql/normalize.js';
import { parseSqlFile, type SqlFile } from '../sql/statements.js';
import { readScriptMigration } from '../sql/script-migrations/index.js';
import type { Change } from '../sql/types.js';
import { replay, type ReplayResult } from './replay.js';

export interface ReadMigration {
  migration: Migration;
  /** The parsed SQL (SQL migrations). */
  file?: SqlFile;
  changes: Change[];
  diagnostics: Diagnostic[];
  /**
   * TS/JS migrations (issue 6): the calls of the tool's API in `up` that were read into Changes, and those
   * reported as `unanalysed-statement` diagnostics.
   */
  calls?: { analysed: number; unanalysed: number };
}

export interface SetHistory {
  set: MigrationSet;
  read: ReadMigration[];
  replay: ReplayResult;
}

/** Parse and normalize one migration (the SQL parser must be loaded). */
export function readMigration(migration: Migration, searchPath: readonly string[] = ['public']): ReadMigration {
  // TS/JS migrations (Knex, Kysely, TypeORM…) are read statically by their tool's reader (issue 6).
  if (migration.language !== 'sql') return { migration, ...readScriptMigration(migration, searchPath) };
  const file = parseSqlFile(migration.path, migration.sql ?? migration.text);
  const normalized = normalizeFile(file, { searchPath: [...searchPath] });
  return { migration, file, changes: normalized.changes, diagnostics: [...file.diagnostics, ...normalized.diagnostics] };
}

/**
 * Read and replay a set, optionally only up to and including the migration `until` (a path). `known` gives
 * the Changes of a migration read on an earlier run (a cache): it is then not parsed again (no `file`).
 */
export function replaySet(
  set: MigrationSet,
  options: { searchPath?: readonly string[]; until?: string; known?: (migration: Migration) => Change[] | undefined } = {},
): SetHistory {
  const read: ReadMigration[] = [];
  for (const migration of set.migrations) {
    const known = options.known?.(migration);
    read.push(known ? { migration, changes: known, diagnostics: [] } : readMigration(migration, options.searchPath));
    if (migration.path === options.until) break;
  }
  return { set, read, replay: replay(read.map((r) => ({ migration: r.migration, changes: r.changes }))) };
}
