/**
 * The code scanner: every file of a source (worktree or git ref) that some extractor wants → FileFacts
 * (from the cache when the blob was seen before) → References, linked across files.
 *
 * What a warm scan costs: listing the files (git ls-files + lstat, or ls-tree), then cache look-ups by blob
 * SHA. A file is read only when its SHA is unknown (its stat changed) or the cache has nothing for it; the
 * extractors, and with them the TypeScript compiler, load only when a file must be parsed or facts linked.
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Diagnostic } from '../diagnostic.js';
import { hashBlob } from '../git.js';
import { fileStart } from '../location.js';
import { loadParser } from '../sql/parser.js';
import { cacheKey, FactsCache, ScanMemo } from './cache.js';
import type { Extractor } from './extractor.js';
import { forceWanted, wantedByAny } from './extractor.js';
import type { ExtractorManifest } from './extractors/manifest.js';
import type { CodeSuppression, FileFacts } from './facts.js';
import { codeContext, FileSelection, isGeneratedClient, isScriptPath } from './files.js';
import { linkFacts, type OrmConfig } from './link.js';
import type { Reference } from './reference.js';
import { refSource, worktreeSource, type CodeSource, type SourceFile } from './sources.js';

export interface ScanOptions {
  /** The extractors, or their manifest (`extractorManifest`): then they load only when a file must be parsed or facts linked. */
  extractors: readonly Extractor[] | ExtractorManifest;
  /** Repository-relative folders of migration sets: not live code. */
  migrationDirs: readonly string[];
  /** Globs of files to scan (all script files when absent). */
  include?: readonly string[];
  /** Globs of files not to scan. */
  exclude?: readonly string[];
  /** Cache folder; default `<root>/node_modules/.cache/rollsafe`; false disables the cache. */
  cacheDir?: string | false;
  orm?: OrmConfig;
  /**
   * Table names from the replayed schema: a file that names one in a string (`'users'`, `"public.users"`)
   * is parsed by every extractor even when none asks for it (code that reaches the database through a local wrapper).
   */
  knownNames?: readonly string[];
  /** Larger files (bundles, fixtures) are skipped; default 1 MiB. */
  maxFileBytes?: number;
  /**
   * False when only references, diagnostics and suppressions are needed: `ScanResult.files` is then empty, and
   * a source unchanged since the last scan with the same options is answered from that scan's result (no file
   * read, no extractor loaded). Default true.
   */
  keepFacts?: boolean;
}

export interface ScanStats {
  /** Files selected by path (extension, folders, include/exclude). */
  files: number;
  /** Files parsed by this scan. */
  parsed: number;
  /** Files whose facts came from the cache. */
  cached: number;
  /** Selected files no extractor wanted (or too large, binary, generated, unreadable). */
  skipped: number;
  /** Selected files that could not be read (a blob missing from the repository, a read error): not scanned. */
  unreadable: number;
  /** Bytes read. */
  bytes: number;
  ms: number;
}

export interface ScanResult {
  /** `working tree` or `<ref> (<short sha>)`. */
  source: string;
  /** Facts of the files that were extracted (parsed or cached), sorted by path; empty with `keepFacts: false`. */
  files: FileFacts[];
  /** After `linkFacts`: database names, ORM naming applied. */
  references: Reference[];
  diagnostics: Diagnostic[];
  /** The suppression comments of each file that has some. */
  suppressions: ReadonlyMap<string, CodeSuppression[]>;
  stats: ScanStats;
}

const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const READ_AHEAD = 32;
/** A memo is tried when at most this many files must be read to know every SHA (a few edited files); beyond, the scan does the work anyway. */
const MEMO_READ_LIMIT = 256;

/** Scans the working tree under `root`. */
export async function scanWorktree(root: string, options: ScanOptions): Promise<ScanResult> {
  return scanSource(root, await worktreeSource(root), options);
}

/**
 * Scans the files of a git ref (commit, branch, tag) under `root` without checking it out. Throws GitError
 * when the ref does not exist (its hint says how to fetch it, e.g. in a shallow clone).
 */
export async function scanRef(root: string, ref: string, options: ScanOptions): Promise<ScanResult> {
  return scanSource(root, await refSource(root, ref), options);
}

type ReadResult = { bytes: Buffer | null } | { error: unknown };

interface MemoValue {
  references: Reference[];
  diagnostics: Diagnostic[];
  suppressions: [string, CodeSuppression[]][];
  stats: ScanStats;
}

/** Scans any code source; the source is closed afterwards. */
export async function scanSource(root: string, source: CodeSource, options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  const manifest = manifestOf(options.extractors);
  const stats: ScanStats = { files: 0, parsed: 0, cached: 0, skipped: 0, unreadable: 0, bytes: 0, ms: 0 };
  const diagnostics: Diagnostic[] = [];
  const selection = new FileSelection({
    extractors: [{ extraExtensions: [...manifest.extraExtensions] }],
    migrationDirs: options.migrationDirs,
    ...(options.include ? { include: options.include } : {}),
    ...(options.exclude ? { exclude: options.exclude } : {}),
  });
  const cache = new FactsCache({ root, extractors: manifest.names.map((name) => ({ name })), ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}) }, source.cacheName);
  const known = knownNames(options.knownNames);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const tooLarge = (file: SourceFile): boolean => file.size !== undefined && file.size > maxBytes;
  const optionsKey = createHash('sha1')
    .update(JSON.stringify([options.orm ?? {}, known.sorted, maxBytes, options.migrationDirs, options.include ?? [], options.exclude ?? [], source.hashFormat]))
    .digest('hex')
    .slice(0, 12);
  const memo = options.keepFacts === false ? new ScanMemo<MemoValue>(cache.dir, source.cacheName, optionsKey) : undefined;
  let memoUsable = memo !== undefined;

  let loaded: Promise<{ extractors: readonly Extractor[]; forced: readonly Extractor[] }> | undefined;
  const load = (): Promise<{ extractors: readonly Extractor[]; forced: readonly Extractor[] }> =>
    (loaded ??= manifest.load().then((extractors) => ({ extractors, forced: extractors.map(forceWanted) })));

  /** A file whose SHA is known, from the cache alone: its facts, 'skip', or undefined when it must be read. */
  const decide = (file: SourceFile, sha: string): FileFacts | 'skip' | undefined => {
    const context = codeContext(file.path);
    const wanted = cache.get(cacheKey(file.path, context, sha, false), file.path);
    if (wanted) return wanted;
    const names = cache.unwanted(sha, file.path);
    if (names === 0) return 'skip';
    if (names === undefined || known.simple === null) return undefined;
    const forcedKey = cacheKey(file.path, context, sha, true);
    if (!names.some((n) => known.simple!.has(n))) {
      // Other known names (rollsafe refs asks with its own) would force it again: keep its facts.
      cache.carry(forcedKey);
      return 'skip';
    }
    return cache.get(forcedKey, file.path);
  };

  const results: (FileFacts | undefined)[] = [];
  const prefetched = new Map<SourceFile, Promise<ReadResult>>();
  let list: SourceFile[] = [];
  let listingKey = '';
  try {
    const listedAt = Date.now();
    list = await source.list(selection);
    stats.files = list.length;
    for (const file of list) {
      if (file.sha || !file.stat) continue;
      const sha = cache.shaFor(file.path, file.stat);
      if (sha) file.sha = sha;
    }

    if (memo?.exists) {
      const unknown = list.filter((f) => !f.sha && !tooLarge(f));
      if (unknown.length <= MEMO_READ_LIMIT) {
        for (const file of unknown) prefetched.set(file, read(source, file));
        let failed = false;
        for (const file of unknown) {
          const result = await prefetched.get(file)!;
          if ('error' in result) failed = true;
          else if (result.bytes) file.sha = hashBlob(result.bytes, source.hashFormat);
        }
        listingKey = keyOfListing(list, tooLarge, optionsKey);
        // An unreadable file is reported by the scan below, never hidden behind a memo.
        const hit = failed ? undefined : memo.get(listingKey);
        stats.bytes = await prefetchedBytes(prefetched);
        if (isMemoValue(hit)) {
          for (const file of list) if (file.stat && file.sha) cache.keepStat(file.path, file.stat, file.sha, listedAt);
          cache.save();
          const s = hit.stats;
          return {
            source: source.label,
            files: [],
            references: hit.references,
            diagnostics: hit.diagnostics,
            suppressions: new Map(hit.suppressions),
            stats: { files: list.length, parsed: 0, cached: s.parsed + s.cached, skipped: s.skipped, unreadable: 0, bytes: stats.bytes, ms: Math.round(performance.now() - started) },
          };
        }
      }
    }

    // Everything the cache can answer, without reading.
    const toRead: number[] = [];
    list.forEach((file, i) => {
      if (tooLarge(file)) {
        stats.skipped++;
        return;
      }
      const decided = file.sha ? decide(file, file.sha) : undefined;
      if (decided === undefined) {
        toRead.push(i);
        return;
      }
      if (file.stat) cache.keepStat(file.path, file.stat, file.sha!, listedAt);
      if (decided === 'skip') stats.skipped++;
      else {
        stats.cached++;
        results[i] = decided;
      }
    });

    // The rest, read ahead in order (a git ref answers through one cat-file process).
    let next = 0;
    const pending: Promise<ReadResult>[] = [];
    const readAhead = (): void => {
      while (pending.length < READ_AHEAD && next < toRead.length) {
        const file = list[toRead[next++]!]!;
        pending.push(prefetched.get(file) ?? read(source, file));
      }
    };
    for (const i of toRead) {
      readAhead();
      const file = list[i]!;
      const result = await pending.shift()!;
      const wasPrefetched = prefetched.has(file);
      if ('error' in result) {
        diagnostics.push(readFailure(file, result.error));
        stats.skipped++;
        stats.unreadable++;
        memoUsable = false;
        continue;
      }
      const bytes = result.bytes;
      if (bytes === null) {
        // A vanished worktree file is simply gone; a blob missing from a ref is a broken or partial clone.
        if (file.sha) {
          diagnostics.push(missingBlob(file, source));
          stats.unreadable++;
          // The listing names the blob, so a memo would stand for its content: the next run must read it again.
          memoUsable = false;
        }
        stats.skipped++;
        continue;
      }
      if (!wasPrefetched) stats.bytes += bytes.length;
      const sha = file.sha ?? hashBlob(bytes, source.hashFormat);
      if (file.stat) cache.keepStat(file.path, file.stat, sha, listedAt);
      if (!file.sha) {
        // Touched but maybe not changed, or a blob another source has: the cache may know it after all.
        file.sha = sha;
        const decided = decide(file, sha);
        if (decided === 'skip') {
          stats.skipped++;
          continue;
        }
        if (decided) {
          stats.cached++;
          results[i] = decided;
          continue;
        }
      }
      if (bytes.length > maxBytes) {
        stats.skipped++;
        continue;
      }
      if (bytes.subarray(0, 8000).includes(0)) {
        cache.setUnwanted(sha, file.path, 0);
        stats.skipped++;
        continue;
      }
      let text = bytes.toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const path = file.path;
      if (isScriptPath(path) && isGeneratedClient(path, text)) {
        cache.setUnwanted(sha, path, 0);
        stats.skipped++;
        continue;
      }
      const { extractors, forced: forcedExtractors } = await load();
      const wanted = wantedByAny(extractors, path, text);
      let forced = false;
      if (!wanted) {
        const names = quotedNames(text);
        cache.setUnwanted(sha, path, names);
        forced = known.simple ? names.some((n) => known.simple!.has(n)) : known.test(text);
        if (!forced) {
          stats.skipped++;
          continue;
        }
      }
      const context = codeContext(path);
      const key = cacheKey(path, context, sha, forced);
      const hit = cache.get(key, path);
      if (hit) {
        stats.cached++;
        results[i] = hit;
        continue;
      }
      await loadParser();
      const { extractFile } = await import('./extract-file.js');
      const facts = extractFile(path, text, context, forced ? forcedExtractors : extractors);
      stats.parsed++;
      cache.set(key, facts);
      results[i] = facts;
    }
  } finally {
    await source.close();
  }
  cache.save();
  const files = results.filter((f): f is FileFacts => f !== undefined);
  for (const f of files) diagnostics.push(...f.diagnostics);
  const references = files.length > 0 ? linkFacts(files, (await load()).extractors, options.orm ?? {}) : [];
  const suppressions = new Map<string, CodeSuppression[]>();
  for (const f of files) if (f.suppressions?.length) suppressions.set(f.path, f.suppressions);
  stats.ms = Math.round(performance.now() - started);
  if (memo && memoUsable) {
    listingKey ||= keyOfListing(list, tooLarge, optionsKey);
    memo.save(listingKey, { references, diagnostics, suppressions: [...suppressions], stats });
  }
  return { source: source.label, files: options.keepFacts === false ? [] : files, references, diagnostics, suppressions, stats };
}

function manifestOf(extractors: readonly Extractor[] | ExtractorManifest): ExtractorManifest {
  if ('load' in extractors) return extractors;
  const list = extractors as readonly Extractor[];
  return { names: list.map((e) => e.name), extraExtensions: list.flatMap((e) => e.extraExtensions ?? []), load: () => Promise.resolve(list) };
}

/** What a source's result is a function of: each selected file's path and content (its SHA), and the options. */
function keyOfListing(list: readonly SourceFile[], tooLarge: (file: SourceFile) => boolean, optionsKey: string): string {
  const hash = createHash('sha1').update(`${optionsKey}\n`);
  for (const file of list) hash.update(`${file.path}\0${file.sha ?? (tooLarge(file) ? `large` : 'gone')}\n`);
  return hash.digest('hex');
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/** A memo as this module writes it (a damaged one is ignored and the source scanned again). */
function isMemoValue(value: unknown): value is MemoValue {
  if (!isRecord(value)) return false;
  const located = (item: unknown): boolean => isRecord(item) && isRecord(item.location) && typeof item.location.path === 'string';
  return (
    Array.isArray(value.references) &&
    value.references.every((r) => located(r) && typeof (r as Record<string, unknown>).table === 'string') &&
    Array.isArray(value.diagnostics) &&
    value.diagnostics.every(located) &&
    Array.isArray(value.suppressions) &&
    value.suppressions.every((s) => Array.isArray(s) && typeof s[0] === 'string' && Array.isArray(s[1])) &&
    isRecord(value.stats)
  );
}

async function prefetchedBytes(prefetched: ReadonlyMap<SourceFile, Promise<ReadResult>>): Promise<number> {
  let bytes = 0;
  for (const result of prefetched.values()) {
    const r = await result;
    if ('bytes' in r && r.bytes) bytes += r.bytes.length;
  }
  return bytes;
}

function read(source: CodeSource, file: SourceFile): Promise<ReadResult> {
  return source.read(file).then(
    (bytes) => ({ bytes }),
    (error: unknown) => ({ error }),
  );
}


const NAME_SHAPE = /^[\w$]+$/;

/**
 * The known names, for the prefilter. When they are plain identifiers (the usual case), a file's verdict is
 * read from the quoted names it mentions, which the cache keeps, so a new table name does not mean reading
 * every file again; other names fall back to the regular expression over the text.
 */
function knownNames(names: readonly string[] | undefined): { sorted: string[]; simple: Set<string> | null; test: (text: string) => boolean } {
  const sorted = [...new Set((names ?? []).filter((n) => n !== ''))].sort();
  const simple = sorted.every((n) => NAME_SHAPE.test(n)) ? new Set(sorted.map((n) => n.toLowerCase())) : null;
  return { sorted, simple, test: knownNameTest(sorted) };
}

/** A test for "names a known table in a string literal": `'users'`, `"public.users"`, `'users as u'`, `` `users.email` ``. */
export function knownNameTest(names: readonly string[] | undefined): (text: string) => boolean {
  const list = [...new Set((names ?? []).filter((n) => n !== ''))];
  if (list.length === 0) return () => false;
  const alternation = list
    .sort((a, b) => b.length - a.length)
    .map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|');
  const regex = new RegExp(`(['"\`])(?:[\\w$-]+\\.)?(?:${alternation})(?:\\.[\\w$]+)?(?:\\s+as\\s+[\\w$]+)?\\1`, 'i');
  return (text) => regex.test(text);
}

// From each quote: a string of one to three dotted segments, maybe `as alias`, closed by the same quote.
const QUOTE = /['"`]/g;
const QUOTED = /(['"`])([\w$-]+)(?:\.([\w$-]+))?(?:\.([\w$-]+))?(?:\s+as\s+[\w$]+)?\1/iy;

/**
 * The names `knownNameTest` could find in `text`, lower-cased: for a plain identifier N, `knownNameTest([N])(text)`
 * holds exactly when N (lower-cased) is in this list. A string `'a.b.c'` names b, `'a.b'` names a or b, `'a'` names a.
 */
export function quotedNames(text: string): string[] {
  const found = new Set<string>();
  const plain = (segment: string | undefined): segment is string => segment !== undefined && NAME_SHAPE.test(segment);
  QUOTE.lastIndex = 0;
  for (let m = QUOTE.exec(text); m; m = QUOTE.exec(text)) {
    QUOTED.lastIndex = m.index;
    const q = QUOTED.exec(text);
    if (!q) continue;
    const [, , a, b, c] = q;
    if (c !== undefined) {
      // prefix.NAME.column: the prefix may hold '-', the column may not.
      if (plain(b) && plain(c)) found.add(b.toLowerCase());
    } else if (b !== undefined) {
      if (plain(a) && plain(b)) found.add(a.toLowerCase());
      if (plain(b)) found.add(b.toLowerCase());
    } else if (plain(a)) found.add(a.toLowerCase());
  }
  return [...found];
}

function readFailure(file: SourceFile, error: unknown): Diagnostic {
  return {
    code: 'file-unreadable',
    severity: 'warning',
    message: `cannot read ${file.path} (${error instanceof Error ? error.message : String(error)}); its references are missing`,
    location: fileStart(file.path),
  };
}

function missingBlob(file: SourceFile, source: CodeSource): Diagnostic {
  return {
    code: 'git-blob-missing',
    severity: 'warning',
    message: `${file.path} at ${source.label} is not in the local repository (blob ${file.sha!.slice(0, 10)}); its references are missing`,
    location: fileStart(file.path),
    hint: 'a partial clone (--filter) or a damaged object store lacks it, and rollsafe never fetches: clone without --filter, or fetch it (git fetch --refetch origin)',
  };
}
