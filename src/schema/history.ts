/**
 * A migration set read in full: each migration parsed and normalized, then the whole history replayed.
 * Shared by `check`, `schema` and the ESLint plugin.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { Migration, MigrationSet } from '../migrations/migration.js';
import { normalizeFileSteps } from '../sql/normalize.js';
import { parseSqlFileSteps, type SqlFile } from '../sql/statements.js';
import type { ScriptSuppressionComment } from '../sql/script-migrations/suppressions.js';
import type * as ScriptReaderModule from '../sql/script-migrations/index.js';
import type * as ScriptCommentsModule from '../sql/script-migrations/suppressions.js';
import type { Change } from '../sql/types.js';
import { replaySteps, type ReplayResult } from './replay.js';
import { runSync, type Steps } from '../yielding.js';

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
  return runSync(readMigrationSteps(migration, searchPath));
}

/** `readMigration` as steps (src/yielding.ts). */
export function* readMigrationSteps(migration: Migration, searchPath: readonly string[] = ['public']): Steps<ReadMigration> {
  // TS/JS migrations (Knex, Kysely, TypeORM…) are read statically by their tool's reader (issue 6).
  if (migration.language !== 'sql') {
    if (!scriptReader) throw new Error('rollsafe: TS/JS migration reader not loaded; await loadMigrationReaders() first');
    const comments = scriptReader.scriptSuppressionComments(migration);
    return { migration, ...scriptReader.readScriptMigration(migration, searchPath), ...(comments.length ? { suppressionComments: comments } : {}) };
  }
  const file = yield* parseSqlFileSteps(migration.path, migration.sql ?? migration.text);
  const normalized = yield* normalizeFileSteps(file, { searchPath: [...searchPath] });
  return { migration, file, changes: normalized.changes, diagnostics: [...file.diagnostics, ...normalized.diagnostics] };
}

export interface ReplaySetOptions {
  searchPath?: readonly string[];
  until?: string;
  known?: (migration: Migration) => Change[] | undefined;
}

/**
 * Read and replay a set, optionally only up to and including the migration `until` (a path). `known` gives
 * the Changes of a migration read on an earlier run (a cache): it is then not parsed again (no `file`).
 */
export function replaySet(
  set: MigrationSet,
  options: ReplaySetOptions = {},
): SetHistory {
  return runSync(replaySetSteps(set, options));
}

/** `replaySet` as steps (src/yielding.ts): `runYielding` lets a Ctrl-C through during a long replay. */
export function* replaySetSteps(set: MigrationSet, options: ReplaySetOptions = {}): Steps<SetHistory> {
  const read: ReadMigration[] = [];
  for (const migration of set.migrations) {
    const known = options.known?.(migration);
    read.push(known ? { migration, changes: known, diagnostics: [] } : yield* readMigrationSteps(migration, options.searchPath));
    yield;
    if (migration.path === options.until) break;
  }
  return { set, read, replay: yield* replaySteps(read.map((r) => ({ migration: r.migration, changes: r.changes }))) };
}
