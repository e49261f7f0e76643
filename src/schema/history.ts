/**
 * A migration set read in full: each migration parsed and normalized, then the whole history replayed.
 * Shared by `check`, `schema` and the ESLint plugin.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { Migration, MigrationSet } from '../migrations/migration.js';
import { normalizeFile } from '../sql/normalize.js';
import { parseSqlFile, type SqlFile } from '../sql/statements.js';
import type { ScriptSuppressionComment } from '../sql/script-migrations/suppressions.js';
import type * as ScriptReaderModule from '../sql/script-migrations/index.js';
import type * as ScriptCommentsModule from '../sql/script-migrations/suppressions.js';
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
  /** TS/JS migrations: their `// rollsafe-ignore` comments (a .sql file's are in `file`). */
  suppressionComments?: ScriptSuppressionComment[];
}

export interface SetHistory {
  set: MigrationSet;
  read: ReadMigration[];
  replay: ReplayResult;
}

type ScriptReader = typeof ScriptReaderModule & typeof ScriptCommentsModule;
let scriptReader: ScriptReader | undefined;

/**
 * Load what reading these migrations needs beyond the SQL parser: the TS/JS migration reader (and with it the
 * TypeScript compiler) only when one of them is a TS/JS migration, so SQL-only projects never load it.
 */
export async function loadMigrationReaders(migrations: Iterable<Migration>): Promise<void> {
  for (const m of migrations) if (m.language !== 'sql') return loadScriptReader();
}

/** The TS/JS migration reader, for processes that cannot know their migrations up front (the ESLint plugin). */
export async function loadScriptReader(): Promise<void> {
  if (scriptReader) return;
  const [reader, comments] = await Promise.all([import('../sql/script-migrations/index.js'), import('../sql/script-migrations/suppressions.js')]);
  scriptReader = { ...reader, ...comments };
}

/** Parse and normalize one migration (the SQL parser must be loaded, and `loadMigrationReaders` awaited for TS/JS ones). */
export function readMigration(migration: Migration, searchPath: readonly string[] = ['public']): ReadMigration {
  // TS/JS migrations (Knex, Kysely, TypeORM…) are read statically by their tool's reader (issue 6).
  if (migration.language !== 'sql') {
    if (!scriptReader) throw new Error('rollsafe: TS/JS migration reader not loaded; await loadMigrationReaders() first');
    const comments = scriptReader.scriptSuppressionComments(migration);
    return { migration, ...scriptReader.readScriptMigration(migration, searchPath), ...(comments.length ? { suppressionComments: comments } : {}) };
  }
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
