/**
 * The contract of one migration tool in `src/migrations/layouts/`. Discovery walks the repository once and
 * asks every layout whether a folder is its migration set (`detect`); the most confident one claims the
 * folder, lists its migration files in the tool's order (`list`) and turns each file into what the tool
 * runs (`read`). Reading bytes, decoding and the checks every file gets (size, binary, encoding, empty)
 * happen in discovery, so a layout only deals in names and text.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { LayoutName, Migration } from './migration.js';

/** The names directly inside one folder, sorted by code unit. Symbolic links are resolved. */
export interface FolderEntries {
  files: string[];
  /** Sub-folders, including symbolic links to folders. */
  dirs: string[];
  /** The names in `dirs` that are symbolic links (a walk must not follow them blindly: they can loop). */
  links?: string[];
}

/**
 * Read-only view of the repository, by repository-relative paths with forward slashes (`''` is the root).
 * The worktree today; a git tree can implement the same three calls.
 */
export interface RepoFiles {
  /** Entries of a folder, or undefined when it is not a readable folder. Cached: cheap to call twice. */
  list(dir: string): Promise<FolderEntries | undefined>;
  /** The start of a file decoded leniently, for detection; undefined when unreadable. */
  head(path: string, bytes: number): Promise<string | undefined>;
  /** A whole file, or why it cannot be read. Files over `MAX_MIGRATION_BYTES` are not read. */
  read(path: string): Promise<FileRead>;
  /** Absolute real location of a path with every link resolved; absent when links cannot be followed. */
  realPath?(path: string): Promise<string | undefined>;
}

export type FileRead =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; reason: 'missing' | 'unreadable' | 'too-large'; message: string };

/** Migration files above this size are reported and skipped: no hand-written migration is that big. */
export const MAX_MIGRATION_BYTES = 5 * 1024 * 1024;

/** How sure a layout is that a folder is its migration set: 0 (no) … 1 (certain), and why. */
export interface Detection {
  confidence: number;
  reason: string;
}

/** One migration file of a set, known from names alone (before it is read). */
export interface MigrationEntry {
  /** Repository-relative path of the file. */
  path: string;
  version: string;
  name: string;
  repeatable?: boolean;
  /** Layout-specific facts found while listing (e.g. a Flyway `.sql.conf` next to the file). */
  extra?: Readonly<Record<string, string>>;
}

export interface MigrationListing {
  /** In the order the tool runs them. */
  entries: MigrationEntry[];
  /** Problems with the set as a whole: duplicate versions, gaps, a bad journal, a folder without its script. */
  diagnostics: Diagnostic[];
}

/** What the tool makes of one file. */
export interface LayoutRead {
  /** Same length and line breaks as the text; parts the tool does not run blanked. Absent for TS/JS. */
  sql?: string;
  transaction: Migration['transaction'];
  transactionReason: string;
  transactionScope?: Migration['transactionScope'];
  nonTransactionalStatementsRunAlone?: boolean;
  statementBreaks?: number[];
  diagnostics: Diagnostic[];
}

export interface MigrationLayout {
  name: LayoutName;
  /** `sql` for SQL files; TS/JS migration tools (Knex, TypeORM…) say `ts` or `js` and return no `sql`. */
  language: Migration['language'];
  /**
   * Whether `dir` is this tool's migration set, from the folder's entries and, at most, a few short file
   * heads or sub-folder listings. Must be cheap: it runs on every folder of the repository.
   * Returns undefined for "no".
   */
  detect(dir: string, entries: FolderEntries, repo: RepoFiles): Promise<Detection | undefined>;
  /** The set's migration files in the order the tool applies them. */
  list(dir: string, entries: FolderEntries, repo: RepoFiles): Promise<MigrationListing>;
  /** One file's text (already decoded) into the SQL the tool runs and how it runs it. */
  read(entry: MigrationEntry, text: string, repo: RepoFiles): Promise<LayoutRead>;
}

/** Joins repository-relative path parts with forward slashes (`''` is the root). */
export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}
