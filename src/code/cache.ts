/**
 * FileFacts cache. An entry is keyed by the file's git blob SHA (worktree files are hashed the way git
 * hashes them, so the worktree and every ref share keys), its path and context (facts carry locations and
 * the context), and whether the known-names prefilter forced the parse. The whole cache is versioned by
 * rollsafe's version, the extractor set and a fingerprint of the code-stage modules.
 *
 * Storage: one JSON pack per source (`worktree.json`, `ref-<commit>.json`). Measured with 5,000 entries
 * (6 MB): the pack loads in ~80 ms and saves in ~130 ms; as 5,000 files, ~200 ms to load and ~1 s to write. Writes go to a temp file renamed into place, so a reader never sees half a pack and
 * concurrent writers cannot corrupt it (the last rename wins). A corrupt pack or entry is ignored and rebuilt.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Extractor } from './extractor.js';
import type { FileFacts } from './facts.js';
import type { CodeContext } from './reference.js';

const PACK_FORMAT = 1;
/** Ref packs kept per cache directory (the worktree pack is always kept). */
const MAX_REF_PACKS = 12;
/** Older cache versions (other rollsafe builds) are removed once they are this old. */
const STALE_VERSION_MS = 60 * 60 * 1000;

export interface FactsCacheOptions {
  /** Repository root: the cache lives in `<root>/node_modules/.cache/rollsafe` when `node_modules` exists. */
  root: string;
  /** Explicit cache folder, or false to disable caching. */
  cacheDir?: string | false;
  extractors: readonly Extractor[];
}

interface Pack {
  format: number;
  version: string;
  entries: Record<string, FileFacts>;
}

let moduleFingerprint: string | undefined;

/** Size and mtime of every module of the code and SQL stages: a change to an extractor invalidates the cache. */
function fingerprintModules(): string {
  if (moduleFingerprint !== undefined) return moduleFingerprint;
  const hash = createHash('sha1');
  const here = dirname(fileURLToPath(import.meta.url));
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
  visit(here);
  visit(join(here, '..', 'sql'));
  moduleFingerprint = hash.digest('hex');
  return moduleFingerprint;
}

/** rollsafe's own version, from its package.json (works from src/ and from dist/src/). */
function rollsafeVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rollsafe' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

/** The version key of cached facts: rollsafe version, extractor names, code-stage module fingerprint. */
export function cacheVersion(extractors: readonly Extractor[]): string {
  const names = extractors.map((e) => e.name).sort().join(',');
  return createHash('sha1').update(`${PACK_FORMAT}\n${rollsafeVersion()}\n${names}\n${fingerprintModules()}`).digest('hex').slice(0, 16);
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
  return join(tmpdir(), 'rollsafe-cache', createHash('sha1').update(root).digest('hex').slice(0, 12));
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

/** The cached facts of one code source: load once, look up, save once at the end of the scan. */
export class FactsCache {
  /** Folder of this cache version, or null when caching is off. */
  readonly dir: string | null;
  private readonly file: string | null;
  private readonly version: string;
  private readonly loaded = new Map<string, FileFacts>();
  private readonly used = new Map<string, FileFacts>();
  private dirty = false;
  /** Why the last save failed (the scan goes on without a cache). */
  saveError: string | undefined;

  constructor(options: FactsCacheOptions, sourceName: string) {
    this.version = cacheVersion(options.extractors);
    const root = cacheRoot(options.root, options.cacheDir);
    this.dir = root === null ? null : join(root, `code-${this.version}`);
    this.file = this.dir === null ? null : join(this.dir, `${sourceName.replace(/[^\w.-]/g, '_')}.json`);
    if (!this.file || !this.dir) return;
    if (!this.load(this.file)) {
      // Cold pack: seed it from the newest pack of another source (most files are the same blobs).
      const sibling = this.newestSibling();
      if (sibling) this.load(sibling);
      this.dirty = true;
    }
  }

  get(key: string, path: string): FileFacts | undefined {
    const facts = this.loaded.get(key);
    if (!facts || !isFacts(facts, path)) return undefined;
    this.used.set(key, facts);
    return facts;
  }

  set(key: string, facts: FileFacts): void {
    this.used.set(key, facts);
    this.dirty = true;
  }

  /** Writes the entries this scan used (so the pack does not grow with deleted files). Never throws. */
  save(): boolean {
    if (!this.file || !this.dir) return false;
    if (!this.dirty && this.used.size === this.loaded.size) return true;
    const pack: Pack = { format: PACK_FORMAT, version: this.version, entries: Object.fromEntries(this.used) };
    const tmp = `${this.file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      writeFileSync(tmp, JSON.stringify(pack));
      renameSync(tmp, this.file);
      this.dirty = false;
      this.prune();
      return true;
    } catch (error) {
      this.saveError = error instanceof Error ? error.message : String(error);
      try {
        unlinkSync(tmp);
      } catch {
        // nothing was written
      }
      return false;
    }
  }

  private load(file: string): boolean {
    let pack: unknown;
    try {
      pack = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      return false; // absent or corrupt: rebuilt by this scan
    }
    if (typeof pack !== 'object' || pack === null) return false;
    const p = pack as Partial<Pack>;
    if (p.format !== PACK_FORMAT || p.version !== this.version || typeof p.entries !== 'object' || p.entries === null) return false;
    for (const [key, facts] of Object.entries(p.entries)) this.loaded.set(key, facts);
    return true;
  }

  private newestSibling(): string | undefined {
    if (!this.dir) return undefined;
    let best: { file: string; mtime: number } | undefined;
    try {
      for (const name of readdirSync(this.dir)) {
        if (!name.endsWith('.json')) continue;
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

  /** Keeps the newest ref packs and drops old cache versions; best effort. */
  private prune(): void {
    if (!this.dir) return;
    try {
      const refs = readdirSync(this.dir)
        .filter((n) => n.startsWith('ref-') && n.endsWith('.json'))
        .map((n) => ({ file: join(this.dir!, n), mtime: statSync(join(this.dir!, n)).mtimeMs }))
        .sort((a, b) => b.mtime - a.mtime);
      for (const old of refs.slice(MAX_REF_PACKS)) rmSync(old.file, { force: true });
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
