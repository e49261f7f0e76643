/**
 * FileFacts cache. An entry is keyed by the file's git blob SHA (worktree files are hashed the way git
 * hashes them, so the worktree and every ref share keys), its path and context (facts carry locations and
 * the context), and whether the known-names prefilter forced the parse. The whole cache is versioned by
 * rollsafe's version, the extractor set and a fingerprint of the code-stage modules.
 *
 * Besides facts, a pack remembers what lets a warm scan skip reading files: the files no extractor wants
 * (with the quoted names they mention, for the known-names prefilter) and, for the worktree, each file's
 * stat (size, mtime, ctime, inode) with its blob SHA, so that only files whose stat changed are hashed.
 *
 * Storage: one JSON pack per source (`worktree.json`, `ref-<commit>.json`), the worktree's stats beside it
 * (`worktree.stats`, read before the pack: a scan answered by its memo never reads the pack). Measured with 5,000 entries
 * (6 MB): the pack loads in ~80 ms and saves in ~130 ms; as 5,000 files, ~200 ms to load and ~1 s to write. Writes go to a temp file renamed into place, so a reader never sees half a pack and
 * concurrent writers cannot corrupt it (the last rename wins). A corrupt pack or entry is ignored and rebuilt.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Extractor } from './extractor.js';
import type { FileFacts } from './facts.js';
import type { CodeContext } from './reference.js';
import { ROLLSAFE_VERSION } from '../version.js';
import { privateCacheDir } from '../cache-dir.js';
import { readRepoText, writeFileNoFollow } from '../safe-fs.js';

/**
 * Cache files are read through the same bounded read as the repository's files: `node_modules/.cache` is
 * part of the checkout, and a link planted there must not make rollsafe read without end.
 */
export const MAX_CACHE_FILE_BYTES = 512 * 1024 * 1024;

/** A cache file's text; throws when absent, refused or unreadable (callers treat that as no cache). */
export function readCacheFile(file: string): string {
  return readRepoText(null, file, { maxBytes: MAX_CACHE_FILE_BYTES });
}

const PACK_FORMAT = 2;
/** Ref packs kept per cache directory (the worktree pack is always kept). */
const MAX_REF_PACKS = 12;
/** Scan memos (results of a whole source) kept per cache directory. */
const MAX_MEMOS = 12;
/** Older cache versions (other rollsafe builds) are removed once they are this old. */
const STALE_VERSION_MS = 60 * 60 * 1000;
/**
 * A file modified within this long of the moment its stat was taken may be modified again within the same
 * timestamp tick without its stat changing (git's "racy clean" problem): its stat is not remembered.
 * Two seconds covers the coarsest file systems (FAT). The ctime, which no tool can set back, catches a
 * content change whose mtime was restored.
 */
const RACY_MS = 2000;

export interface FactsCacheOptions {
  /** Repository root: the cache lives in `<root>/node_modules/.cache/rollsafe` when `node_modules` exists. */
  root: string;
  /** Explicit cache folder, or false to disable caching. */
  cacheDir?: string | false;
  /** Only their names matter here (an extractor manifest will do). */
  extractors: readonly Pick<Extractor, 'name'>[];
}

/** What the worktree's lstat says about a file: when it is unchanged, so is its blob SHA. */
export interface FileStat {
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
}

type StatEntry = [size: number, mtimeMs: number, ctimeMs: number, ino: number, sha: string];

interface Pack {
  format: number;
  version: string;
  entries: Record<string, FileFacts>;
  /** `<sha>:<path>` of files no extractor wants → the quoted names they mention, or 0 for files that are never code (binary, generated). */
  unwanted?: Record<string, string[] | 0>;
}

const moduleFingerprints = new Map<string, string>();

/**
 * Size and mtime of every module of the named stages (folders of src/, e.g. `code`, `sql`): a change to one of
 * them invalidates what a cache built with them holds.
 */
export function moduleFingerprint(stages: readonly string[]): string {
  const id = stages.join(',');
  const known = moduleFingerprints.get(id);
  if (known !== undefined) return known;
  const hash = createHash('sha1');
  const src = join(dirname(fileURLToPath(import.meta.url)), '..');
  const visit = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const file = join(dir, name);
      try {
        const stat = statSync(file);
        if (stat.isDirectory()) visit(file);
        else if (/\.(ts|js|mjs|cjs)$/.test(name)) hash.update(`${file}:${stat.size}:${stat.mtimeMs}\n`);
      } catch {
        // a file removed while we look: it does not count
      }
    }
  };
  for (const stage of stages) visit(join(src, stage));
  const digest = hash.digest('hex');
  moduleFingerprints.set(id, digest);
  return digest;
}

/** Size and mtime of every module of the code and SQL stages: a change to an extractor invalidates the cache. */
function fingerprintModules(): string {
  return moduleFingerprint(['code', 'sql']);
}

/** The version key of cached facts: rollsafe version, extractor names, code-stage module fingerprint. */
export function cacheVersion(extractors: readonly Pick<Extractor, 'name'>[]): string {
  const names = extractors.map((e) => e.name).sort().join(',');
  return createHash('sha1').update(`${PACK_FORMAT}\n${ROLLSAFE_VERSION}\n${names}\n${fingerprintModules()}`).digest('hex').slice(0, 16);
}

/** The folder where the cache of `root` lives, or null when caching is off. */
export function cacheRoot(root: string, cacheDir?: string | false): string | null {
  if (cacheDir === false) return null;
  if (cacheDir !== undefined) return cacheDir;
  const modules = join(root, 'node_modules');
  // Never create node_modules in a repository that has none.
  if (existsSync(modules)) {
    const dir = join(modules, '.cache', 'rollsafe');
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
      return dir;
    } catch {
      // read-only checkout: fall back to the temp folder
    }
  }
  // The shared temp folder: only a folder of the current user's that no one else can write to; else no cache.
  return privateCacheDir(root);
}

export function cacheKey(path: string, context: CodeContext, sha: string, forced: boolean): string {
  return `${sha}:${forced ? 'f' : 'w'}:${context}:${path}`;
}

function isFacts(value: unknown, path: string): value is FileFacts {
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Record<string, unknown>;
  return (
    f.path === path &&
    typeof f.context === 'string' &&
    Array.isArray(f.references) &&
    Array.isArray(f.models) &&
    Array.isArray(f.usages) &&
    Array.isArray(f.imports) &&
    Array.isArray(f.diagnostics)
  );
}

function isStatEntry(value: unknown): value is StatEntry {
  return Array.isArray(value) && value.length === 5 && value.slice(0, 4).every((v) => typeof v === 'number') && typeof value[4] === 'string';
}

function isNames(value: unknown): value is string[] | 0 {
  return value === 0 || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
}

/** The pack this process wrote or read last, per cache folder: a cold pack of another source is seeded from it without reading it again. */
const recentPacks = new Map<string, { file: string; entries: Map<string, FileFacts>; unwanted: Map<string, string[] | 0> }>();

/** The cached facts of one code source: loaded when first asked, looked up, saved once at the end of the scan. */
export class FactsCache {
  /** Folder of this cache version, or null when caching is off. */
  readonly dir: string | null;
  private readonly file: string | null;
  private readonly statsFile: string | null;
  private readonly version: string;
  private readonly loaded = new Map<string, FileFacts>();
  private readonly used = new Map<string, FileFacts>();
  private readonly loadedUnwanted = new Map<string, string[] | 0>();
  private readonly usedUnwanted = new Map<string, string[] | 0>();
  private readonly loadedStats = new Map<string, StatEntry>();
  private readonly keptStats = new Map<string, StatEntry>();
  private packState: 'unread' | 'own' | 'seeded' | 'off' = 'unread';
  private statsRead = false;
  private dirty = false;
  private statsDirty = false;
  /** Why the last save failed (the scan goes on without a cache). */
  saveError: string | undefined;

  constructor(options: FactsCacheOptions, sourceName: string) {
    this.version = cacheVersion(options.extractors);
    const root = cacheRoot(options.root, options.cacheDir);
    this.dir = root === null ? null : join(root, `code-${this.version}`);
    const name = sourceName.replace(/[^\w.-]/g, '_');
    this.file = this.dir === null ? null : join(this.dir, `${name}.json`);
    this.statsFile = this.dir === null ? null : join(this.dir, `${name}.stats`);
    if (this.dir === null) this.packState = 'off';
  }

  get(key: string, path: string): FileFacts | undefined {
    this.readPack();
    const facts = this.loaded.get(key) ?? this.used.get(key);
    if (!facts || !isFacts(facts, path)) return undefined;
    this.used.set(key, facts);
    return facts;
  }

  /** Keeps an entry this scan does not use but a later one may (facts of a file forced under other known names). */
  carry(key: string): void {
    const facts = this.loaded.get(key);
    if (facts) this.used.set(key, facts);
  }

  set(key: string, facts: FileFacts): void {
    this.used.set(key, facts);
    this.dirty = true;
  }

  /** For a file no extractor wants: the quoted names it mentions, 0 when it is never code, undefined when unknown. */
  unwanted(sha: string, path: string): string[] | 0 | undefined {
    this.readPack();
    const key = `${sha}:${path}`;
    const names = this.loadedUnwanted.get(key) ?? this.usedUnwanted.get(key);
    if (names === undefined || !isNames(names)) return undefined;
    this.usedUnwanted.set(key, names);
    return names;
  }

  setUnwanted(sha: string, path: string, names: string[] | 0): void {
    this.usedUnwanted.set(`${sha}:${path}`, names);
    this.dirty = true;
  }

  /** The blob SHA of a worktree file whose stat is the one remembered, else undefined (it must be hashed). */
  shaFor(path: string, stat: FileStat): string | undefined {
    this.readStats();
    const entry = this.loadedStats.get(path);
    if (!entry || !isStatEntry(entry)) return undefined;
    if (entry[0] !== stat.size || entry[1] !== stat.mtimeMs || entry[2] !== stat.ctimeMs || entry[3] !== stat.ino) return undefined;
    return entry[4];
  }

  /** Remembers a worktree file's stat and SHA, unless it changed too recently to be trusted (see RACY_MS). */
  keepStat(path: string, stat: FileStat, sha: string, statTakenAt: number): void {
    if (stat.mtimeMs > statTakenAt - RACY_MS) return;
    this.readStats();
    const entry: StatEntry = [stat.size, stat.mtimeMs, stat.ctimeMs, stat.ino, sha];
    this.keptStats.set(path, entry);
    const old = this.loadedStats.get(path);
    if (!old || old.some((v, i) => v !== entry[i])) this.statsDirty = true;
  }

  /** Writes the entries this scan used (so the pack does not grow with deleted files). Never throws. */
  save(): boolean {
    if (!this.file || !this.dir || !this.statsFile) return false;
    let ok = true;
    if (this.statsRead && (this.statsDirty || this.keptStats.size !== this.loadedStats.size)) {
      const saved = writeAtomically(this.dir, this.statsFile, JSON.stringify({ format: PACK_FORMAT, stats: Object.fromEntries(this.keptStats) }));
      if (saved !== true) {
        this.saveError = saved;
        ok = false;
      } else this.statsDirty = false;
    }
    // Untouched pack (a scan answered without it): nothing to write.
    if (this.packState === 'unread' && !this.dirty) return ok;
    const unchanged =
      this.packState === 'own' &&
      !this.dirty &&
      this.used.size === this.loaded.size &&
      this.usedUnwanted.size === this.loadedUnwanted.size;
    recentPacks.set(this.dir, { file: this.file, entries: this.used, unwanted: this.usedUnwanted });
    if (unchanged) return ok;
    const pack: Pack = { format: PACK_FORMAT, version: this.version, entries: Object.fromEntries(this.used), unwanted: Object.fromEntries(this.usedUnwanted) };
    const saved = writeAtomically(this.dir, this.file, JSON.stringify(pack));
    if (saved !== true) {
      this.saveError = saved;
      return false;
    }
    this.dirty = false;
    this.prune();
    return ok;
  }

  private readPack(): void {
    if (this.packState !== 'unread' || !this.file || !this.dir) return;
    if (this.load(this.file)) {
      this.packState = 'own';
      return;
    }
    // Cold pack: seed it from the newest pack of another source (most files are the same blobs).
    this.packState = 'seeded';
    const recent = recentPacks.get(this.dir);
    if (recent && recent.file !== this.file) {
      for (const [key, facts] of recent.entries) this.loaded.set(key, facts);
      for (const [key, names] of recent.unwanted) this.loadedUnwanted.set(key, names);
    } else {
      const sibling = this.newestSibling();
      if (sibling) this.load(sibling);
    }
    this.dirty = true;
  }

  private readStats(): void {
    if (this.statsRead || !this.statsFile) return;
    this.statsRead = true;
    try {
      const data = JSON.parse(readCacheFile(this.statsFile)) as { format?: unknown; stats?: unknown };
      if (data.format === PACK_FORMAT && typeof data.stats === 'object' && data.stats !== null) {
        // A corrupt entry is no entry (keepStat compares entries element by element).
        for (const [path, entry] of Object.entries(data.stats as Record<string, unknown>)) if (isStatEntry(entry)) this.loadedStats.set(path, entry);
      }
    } catch {
      // absent or corrupt: every file is hashed once more
    }
  }

  private load(file: string): boolean {
    let pack: unknown;
    try {
      pack = JSON.parse(readCacheFile(file));
    } catch {
      return false; // absent or corrupt: rebuilt by this scan
    }
    if (typeof pack !== 'object' || pack === null) return false;
    const p = pack as Partial<Pack>;
    if (p.format !== PACK_FORMAT || p.version !== this.version || typeof p.entries !== 'object' || p.entries === null) return false;
    for (const [key, facts] of Object.entries(p.entries)) this.loaded.set(key, facts);
    if (typeof p.unwanted === 'object' && p.unwanted !== null) for (const [key, names] of Object.entries(p.unwanted)) this.loadedUnwanted.set(key, names);
    return true;
  }

  private newestSibling(): string | undefined {
    if (!this.dir) return undefined;
    let best: { file: string; mtime: number } | undefined;
    try {
      for (const name of readdirSync(this.dir)) {
        if (!name.endsWith('.json') || name.startsWith('memo-')) continue;
        const file = join(this.dir, name);
        if (file === this.file) continue;
        const mtime = statSync(file).mtimeMs;
        if (!best || mtime > best.mtime) best = { file, mtime };
      }
    } catch {
      return undefined;
    }
    return best?.file;
  }

  /** Keeps the newest ref packs and memos, and drops old cache versions; best effort. */
  private prune(): void {
    if (!this.dir) return;
    try {
      keepNewest(this.dir, (n) => n.startsWith('ref-') && (n.endsWith('.json') || n.endsWith('.stats')), MAX_REF_PACKS);
      keepNewest(this.dir, (n) => n.startsWith('memo-') && n.endsWith('.json'), MAX_MEMOS);
      const now = Date.now();
      // Temp files of writers that died before their rename.
      for (const name of readdirSync(this.dir)) {
        const file = join(this.dir, name);
        if (name.endsWith('.tmp') && now - statSync(file).mtimeMs > STALE_VERSION_MS) rmSync(file, { force: true });
      }
      const parent = dirname(this.dir);
      for (const name of readdirSync(parent)) {
        const dir = join(parent, name);
        if (!name.startsWith('code-') || dir === this.dir) continue;
        if (now - statSync(dir).mtimeMs > STALE_VERSION_MS) rmSync(dir, { recursive: true, force: true });
      }
    } catch {
      // another process pruned first
    }
  }
}

function keepNewest(dir: string, matches: (name: string) => boolean, count: number): void {
  const files = readdirSync(dir)
    .filter(matches)
    .map((n) => ({ file: join(dir, n), mtime: statSync(join(dir, n)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of files.slice(count)) rmSync(old.file, { force: true });
}

/** Temp file renamed into place (never through a link): readers never see half a file. Returns true, or why it failed. */
function writeAtomically(dir: string, file: string, text: string): true | string {
  try {
    mkdirSync(dir, { recursive: true });
    writeFileNoFollow(file, text);
    return true;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * The whole result of the last scan of a source under given options, with the key of what it was computed
 * from (every selected file's path and blob SHA, the options). When the key matches, the scan is answered
 * from it: no file is read, no extractor loaded. One small file per source and options.
 */
export class ScanMemo<T> {
  private readonly file: string | null;
  private readonly dir: string | null;

  constructor(dir: string | null, sourceName: string, optionsKey: string) {
    this.dir = dir;
    this.file = dir === null ? null : join(dir, `memo-${sourceName.replace(/[^\w.-]/g, '_')}-${optionsKey}.json`);
  }

  get exists(): boolean {
    return this.file !== null && existsSync(this.file);
  }

  /** The value saved under `key`, or undefined. */
  get(key: string): T | undefined {
    if (!this.file) return undefined;
    try {
      const memo = JSON.parse(readCacheFile(this.file)) as { format?: unknown; key?: unknown; value?: T };
      return memo.format === PACK_FORMAT && memo.key === key ? memo.value : undefined;
    } catch {
      return undefined;
    }
  }

  save(key: string, value: T): boolean {
    if (!this.file || !this.dir) return false;
    return writeAtomically(this.dir, this.file, JSON.stringify({ format: PACK_FORMAT, key, value })) === true;
  }
}
