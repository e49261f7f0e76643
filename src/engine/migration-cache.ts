/**
 * The Changes of migrations that are not new, cached by content: the history before the new migrations is
 * the same from one run to the next, and parsing and normalizing it is most of a warm check. SQL migrations
 * only (reading a TS/JS migration may depend on other files). One JSON file beside the code facts, versioned
 * like them (rollsafe's version and a fingerprint of the SQL-stage modules), rewritten only when it changed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, cacheVersion, readCacheFile } from '../code/cache.js';
import { writeFileNoFollow } from '../safe-fs.js';
import type { Migration } from '../migrations/migration.js';
import type { Change } from '../sql/types.js';

const FORMAT = 1;
/** Files of other versions (other rollsafe builds) are removed once they are this old. */
const STALE_MS = 60 * 60 * 1000;

/** Changes as this module writes them (a damaged entry is ignored and the migration read again). */
function isChanges(value: unknown): value is Change[] {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  return (
    Array.isArray(value) &&
    value.every((c) => isRecord(c) && typeof c.kind === 'string' && isRecord(c.location) && isRecord(c.statement) && typeof c.statement.text === 'string')
  );
}

export class MigrationCache {
  private readonly dir: string | null;
  private readonly file: string | null;
  private loaded: Map<string, Change[]> | undefined;
  private readonly used = new Map<string, Change[]>();
  private dirty = false;

  /** `cacheDir`: as for the code scan (default under node_modules/.cache/rollsafe); false turns caching off. */
  constructor(root: string, cacheDir?: string | false) {
    this.dir = cacheRoot(root, cacheDir);
    this.file = this.dir === null ? null : join(this.dir, `migrations-${cacheVersion([{ name: 'sql-history' }])}.json`);
  }

  /** The Changes read from this migration's text under this search_path on an earlier run, if any. */
  get(migration: Migration, searchPath: readonly string[]): Change[] | undefined {
    if (!this.file || migration.language !== 'sql') return undefined;
    const key = keyOf(migration, searchPath);
    const changes = this.load().get(key);
    if (!isChanges(changes)) return undefined;
    this.used.set(key, changes);
    return changes;
  }

  set(migration: Migration, searchPath: readonly string[], changes: Change[]): void {
    if (!this.file || migration.language !== 'sql') return;
    this.used.set(keyOf(migration, searchPath), changes);
    this.dirty = true;
  }

  /** Keeps the entries this run used (deleted migrations drop out). Never throws: a cache that cannot be written is no cache. */
  save(): void {
    if (!this.file || !this.dir) return;
    // A run that read nothing from it (the schema snapshots covered the history) leaves it as it is.
    if (!this.dirty && (this.used.size === 0 || this.used.size === this.load().size)) return;
    try {
      mkdirSync(this.dir, { recursive: true });
      // Temp file renamed into place, never through a link; a failed write leaves no temp file behind.
      writeFileNoFollow(this.file, JSON.stringify({ format: FORMAT, entries: Object.fromEntries(this.used) }));
      this.dirty = false;
    } catch {
      return;
    }
    this.pruneOtherVersions();
  }

  private load(): Map<string, Change[]> {
    if (this.loaded) return this.loaded;
    this.loaded = new Map();
    if (!this.file) return this.loaded;
    try {
      const data = JSON.parse(readCacheFile(this.file)) as { format?: unknown; entries?: unknown };
      if (data.format === FORMAT && typeof data.entries === 'object' && data.entries !== null) {
        for (const [key, changes] of Object.entries(data.entries as Record<string, Change[]>)) this.loaded.set(key, changes);
      }
    } catch {
      // absent or corrupt: every migration is read again
    }
    return this.loaded;
  }

  private pruneOtherVersions(): void {
    try {
      const now = Date.now();
      for (const name of readdirSync(this.dir!)) {
        const file = join(this.dir!, name);
        if (!name.startsWith('migrations-') || file === this.file) continue;
        if (now - statSync(file).mtimeMs > STALE_MS) rmSync(file, { force: true });
      }
    } catch {
      // another process pruned first
    }
  }
}

/** What a SQL migration's Changes are a function of: its path (locations), the SQL it runs, the search_path. */
function keyOf(migration: Migration, searchPath: readonly string[]): string {
  return createHash('sha1')
    .update(JSON.stringify([migration.path, migration.sql ?? migration.text, searchPath]))
    .digest('hex');
}
