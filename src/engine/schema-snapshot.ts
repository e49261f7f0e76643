/**
 * Persisted schema snapshots: the schema after a prefix of a migration set's history, keyed by everything the
 * replay of that prefix depends on. A warm check (the history before the new migrations unchanged since the
 * last run) then replays only what comes after the longest known prefix — on a pre-commit hook, just the new
 * migrations — instead of the whole history.
 *
 * The key of a prefix is a hash chain over its migrations (path and the SQL the tool runs: all that reading and
 * replaying a SQL migration looks at) started from the
 * cache version (rollsafe's version and a fingerprint of the migrations, SQL and schema modules) and the
 * search_path, so the keys of all prefixes cost one pass. SQL migrations only: reading a TS/JS migration may
 * depend on other files, so a prefix ends at the first TS/JS migration. A snapshot file that does not parse or
 * has not the expected shape is ignored (the history is replayed), never trusted.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot, moduleFingerprint } from '../code/cache.js';
import { ROLLSAFE_VERSION } from '../version.js';
import type { Migration, MigrationSet } from '../migrations/migration.js';
import { readMigrationSteps, type ReadMigration, type SetHistory } from '../schema/history.js';
import { changedValues } from '../schema/persistent-map.js';
import { emptySchema, type DomainType, type EnumType, type Index, type Schema, type Table, type View } from '../schema/model.js';
import { replaySteps, type ReplayedMigration } from '../schema/replay.js';
import { runSync, type Steps } from '../yielding.js';
import type { Change } from '../sql/types.js';

const FORMAT = 1;
/** Snapshots not used for this long are removed (the history moved on). */
const STALE_MS = 7 * 24 * 60 * 60 * 1000;

interface SnapshotFile {
  format: number;
  key: string;
  schema: {
    schemas: string[];
    tables: [string, Table][];
    views: [string, View][];
    indexes: [string, Index][];
    types: [string, EnumType | DomainType][];
    sequences: string[];
  };
  /** Every table name the replay of the prefix saw, dropped ones included (the code scan looks for them). */
  names: string[];
}

export interface Snapshot {
  /** How many migrations of the set, from the first, the snapshot covers. */
  length: number;
  schema: Schema;
  names: string[];
}

function cacheVersionKey(version: string): string {
  return createHash('sha1').update(`${FORMAT}\n${version}\n${moduleFingerprint(['migrations', 'sql', 'schema'])}`).digest('hex');
}

function isEntries(value: unknown): value is [string, unknown][] {
  return Array.isArray(value) && value.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && typeof e[1] === 'object' && e[1] !== null);
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isSnapshotFile(value: unknown, key: string): value is SnapshotFile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<SnapshotFile>;
  const s = v.schema as Partial<SnapshotFile['schema']> | undefined;
  return (
    v.format === FORMAT &&
    v.key === key &&
    isStrings(v.names) &&
    typeof s === 'object' &&
    s !== null &&
    isStrings(s.schemas) &&
    isStrings(s.sequences) &&
    isEntries(s.tables) &&
    isEntries(s.views) &&
    isEntries(s.indexes) &&
    isEntries(s.types) &&
    (s.tables as [string, Table][]).every(([, t]) => Array.isArray(t.columns) && Array.isArray(t.constraints))
  );
}

export class SchemaSnapshots {
  private readonly dir: string | null;
  private readonly used = new Set<string>();
  /** Keys whose file was found damaged: rewritten, not kept. */
  private readonly damaged = new Set<string>();
  private readonly version: string;

  /**
   * `cacheDir`: as for the other caches (default under node_modules/.cache/rollsafe); false turns them off.
   * `version`: rollsafe's version (another version never reads these snapshots).
   */
  constructor(root: string, cacheDir?: string | false, version: string = ROLLSAFE_VERSION) {
    this.dir = cacheRoot(root, cacheDir);
    this.version = cacheVersionKey(version);
  }

  /**
   * The key of each prefix of `migrations` that a snapshot can cover: `keys[i]` covers the first i + 1
   * migrations. Stops at the first TS/JS migration.
   */
  prefixKeys(migrations: readonly Migration[], searchPath: readonly string[]): string[] {
    const keys: string[] = [];
    let chain = createHash('sha1').update(`${this.version}\n${JSON.stringify(searchPath)}`).digest('hex');
    for (const m of migrations) {
      if (m.language !== 'sql') break;
      chain = createHash('sha1')
        .update(chain)
        .update(JSON.stringify([m.path, m.statementBreaks ?? null]))
        .update('\0')
        .update(m.sql ?? m.text)
        .digest('hex');
      keys.push(chain);
    }
    return keys;
  }

  /** The snapshot of the longest prefix of at most `max` migrations that is on disk, if any. */
  longest(keys: readonly string[], max: number): Snapshot | undefined {
    if (!this.dir) return undefined;
    for (let length = Math.min(max, keys.length); length > 0; length--) {
      const key = keys[length - 1]!;
      const file = this.fileOf(key);
      if (!existsSync(file)) continue;
      let data: unknown;
      try {
        data = JSON.parse(readFileSync(file, 'utf8'));
      } catch {
        data = undefined;
      }
      if (!isSnapshotFile(data, key)) {
        this.damaged.add(key); // a shorter prefix, or the whole replay; and a good file replaces it
        continue;
      }
      this.used.add(key);
      return { length, schema: fromFile(data.schema), names: data.names };
    }
    return undefined;
  }

  /** Writes the snapshot of a prefix (once per key). Never throws: a cache that cannot be written is no cache. */
  save(key: string, schema: Schema, names: Iterable<string>): void {
    if (!this.dir) return;
    this.used.add(key);
    const file = this.fileOf(key);
    if (existsSync(file) && !this.damaged.has(key) && this.readable(file, key)) return;
    const data: SnapshotFile = { format: FORMAT, key, schema: toFile(schema), names: [...new Set(names)].sort() };
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(tmp, JSON.stringify(data));
      renameSync(tmp, file);
    } catch {
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was written
      }
    }
  }

  /** Removes snapshots no run has used for a week. */
  prune(): void {
    if (!this.dir) return;
    try {
      const now = Date.now();
      for (const name of readdirSync(this.dir)) {
        if (!name.startsWith('schema-') || !name.endsWith('.json')) continue;
        if (this.used.has(name.slice('schema-'.length, -'.json'.length))) continue;
        const file = join(this.dir, name);
        if (now - statSync(file).mtimeMs > STALE_MS) rmSync(file, { force: true });
      }
    } catch {
      // no folder yet, or another process pruned first
    }
  }

  /** Whether the file of `key` holds a snapshot of the expected shape (a damaged one is rewritten). */
  private readable(file: string, key: string): boolean {
    try {
      return isSnapshotFile(JSON.parse(readFileSync(file, 'utf8')), key);
    } catch {
      return false;
    }
  }

  private fileOf(key: string): string {
    return join(this.dir!, `schema-${key}.json`);
  }
}

function toFile(schema: Schema): SnapshotFile['schema'] {
  return {
    schemas: [...schema.schemas],
    tables: [...schema.tables],
    views: [...schema.views],
    indexes: [...schema.indexes],
    types: [...schema.types],
    sequences: [...schema.sequences],
  };
}

function fromFile(data: SnapshotFile['schema']): Schema {
  return {
    schemas: new Set(data.schemas),
    tables: new Map(data.tables),
    views: new Map(data.views),
    indexes: new Map(data.indexes),
    types: new Map(data.types),
    sequences: new Set(data.sequences),
  };
}

export interface SnapshotReplay extends SetHistory {
  /** Table names seen in the history (the code scan looks for them), dropped ones included. */
  names: Set<string>;
  /** How many migrations, from the first, came from a snapshot instead of a replay. */
  fromSnapshot: number;
}

/**
 * Table names that appear in a run of schema states (dropped ones included): each state read only for what
 * changed since the previous one, so a long history costs its changes, not states × tables.
 */
function namesIn(states: readonly Schema[], into: Set<string>): Set<string> {
  let previous: ReadonlyMap<string, Table> = new Map();
  for (const { tables } of states) {
    for (const t of changedValues(tables, previous)) into.add(t.name);
    previous = tables;
  }
  return into;
}

/**
 * Replays a set as `replaySet` does, but starts from the snapshot of the longest known prefix that ends before
 * the first new migration, and saves snapshots of the history before the new migrations and of the whole set
 * (the next run, after this change is committed, starts from there). Migrations a snapshot covers are listed
 * with that schema before and after them and no steps: the rules look only at new migrations. As steps
 * (src/yielding.ts), so that a signal gets through during a long replay.
 */
export function* replayWithSnapshotsSteps(
  set: MigrationSet,
  options: { searchPath: readonly string[]; isNew: (m: Migration) => boolean; known: (m: Migration) => Change[] | undefined; snapshots: SchemaSnapshots },
): Steps<SnapshotReplay> {
  const { searchPath, isNew, snapshots } = options;
  const migrations = set.migrations;
  const firstNew = migrations.findIndex(isNew);
  const oldPrefix = firstNew === -1 ? migrations.length : firstNew;
  const keys = snapshots.prefixKeys(migrations, searchPath);
  const snapshot = snapshots.longest(keys, oldPrefix);
  const covered = snapshot?.length ?? 0;
  const start = snapshot?.schema ?? emptySchema;

  const read: ReadMigration[] = [];
  for (const migration of migrations.slice(0, covered)) read.push({ migration, changes: [], diagnostics: [] });
  const rest: ReadMigration[] = [];
  for (const migration of migrations.slice(covered)) {
    const known = isNew(migration) ? undefined : options.known(migration);
    rest.push(known ? { migration, changes: known, diagnostics: [] } : yield* readMigrationSteps(migration, searchPath));
    yield;
  }
  read.push(...rest);
  const replayed = yield* replaySteps(
    rest.map((r) => ({ migration: r.migration, changes: r.changes })),
    start,
  );
  const coveredSteps: ReplayedMigration[] = migrations.slice(0, covered).map((migration) => ({ migration, before: start, after: start, steps: [] }));
  const all = [...coveredSteps, ...replayed.migrations];
  const states = (length: number): Schema[] => [start, ...all.slice(covered, length).map((m) => m.after)];
  const names = namesIn(states(all.length), new Set(snapshot?.names ?? []));

  // Snapshots for the next runs: the history before the new migrations, and the whole set.
  if (oldPrefix > covered && oldPrefix <= keys.length) {
    snapshots.save(keys[oldPrefix - 1]!, all[oldPrefix - 1]!.after, namesIn(states(oldPrefix), new Set(snapshot?.names ?? [])));
  }
  // Replay is a function of the key alone (conflicts included), so what it built is valid whatever it reported.
  if (migrations.length > oldPrefix && migrations.length <= keys.length) {
    snapshots.save(keys[migrations.length - 1]!, replayed.final, names);
  }
  return { set, read, replay: { migrations: all, final: replayed.final, diagnostics: replayed.diagnostics }, names, fromSnapshot: covered };
}

/** `replayWithSnapshotsSteps` run to its end at once. */
export function replayWithSnapshots(set: MigrationSet, options: Parameters<typeof replayWithSnapshotsSteps>[1]): SnapshotReplay {
  return runSync(replayWithSnapshotsSteps(set, options));
}
