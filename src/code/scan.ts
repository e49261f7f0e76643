/**
 * The code scanner: every file of a source (worktree or git ref) that some extractor wants → FileFacts
 * (from the cache when the blob was seen before) → References, linked across files.
 */
import { performance } from 'node:perf_hooks';
import type { Diagnostic } from '../diagnostic.js';
import { hashBlob } from '../git.js';
import { fileStart } from '../location.js';
import { loadParser } from '../sql/parser.js';
import { cacheKey, FactsCache } from './cache.js';
import { extractFile, isScriptPath } from './extract-file.js';
import type { Extractor } from './extractor.js';
import type { FileFacts } from './facts.js';
import { codeContext, FileSelection, isGeneratedClient } from './files.js';
import { linkFacts, type OrmConfig } from './link.js';
import type { Reference } from './reference.js';
import { refSource, worktreeSource, type CodeSource, type SourceFile } from './sources.js';

export interface ScanOptions {
  extractors: readonly Extractor[];
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
}

export interface ScanStats {
  /** Files selected by path (extension, folders, include/exclude). */
  files: number;
  /** Files parsed by this scan. */
  parsed: number;
  /** Files whose facts came from the cache. */
  cached: number;
  /** Selected files no extractor wanted (or too large, binary, generated). */
  skipped: number;
  /** Bytes read. */
  bytes: number;
  ms: number;
}

export interface ScanResult {
  /** `working tree` or `<ref> (<short sha>)`. */
  source: string;
  /** Facts of the files that were extracted (parsed or cached), sorted by path. */
  files: FileFacts[];
  /** After `linkFacts`: database names, ORM naming applied. */
  references: Reference[];
  diagnostics: Diagnostic[];
  stats: ScanStats;
}

const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const READ_AHEAD = 32;

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

/** Scans any code source; the source is closed afterwards. */
export async function scanSource(root: string, source: CodeSource, options: ScanOptions): Promise<ScanResult> {
  const started = performance.now();
  await loadParser();
  const stats: ScanStats = { files: 0, parsed: 0, cached: 0, skipped: 0, bytes: 0, ms: 0 };
  const diagnostics: Diagnostic[] = [];
  const files: FileFacts[] = [];
  const extractors = options.extractors;
  const forcedExtractors = extractors.map(forceWanted);
  const selection = new FileSelection(options);
  const cache = new FactsCache({ root, extractors, ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}) }, source.cacheName);
  const mentionsKnownName = knownNameTest(options.knownNames);
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;

  try {
    const list = await source.list(selection);
    stats.files = list.length;
    const pending: Promise<ReadResult>[] = [];
    let next = 0;
    const readAhead = (): void => {
      while (pending.length < READ_AHEAD && next < list.length) {
        const file = list[next++]!;
        pending.push(file.size !== undefined && file.size > maxBytes ? Promise.resolve({ bytes: null }) : read(source, file));
      }
    };
    for (const file of list) {
      readAhead();
      const result = await pending.shift()!;
      if (file.size !== undefined && file.size > maxBytes) {
        stats.skipped++;
        continue;
      }
      if ('error' in result) {
        diagnostics.push(readFailure(file, result.error));
        stats.skipped++;
        continue;
      }
      const bytes = result.bytes;
      if (bytes === null) {
        // A vanished worktree file is simply gone; a blob missing from a ref is a broken or partial clone.
        if (file.sha) diagnostics.push(missingBlob(file, source));
        stats.skipped++;
        continue;
      }
      stats.bytes += bytes.length;
      if (bytes.length > maxBytes || bytes.subarray(0, 8000).includes(0)) {
        stats.skipped++;
        continue;
      }
      let text = bytes.toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      const path = file.path;
      if (isScriptPath(path) && isGeneratedClient(path, text)) {
        stats.skipped++;
        continue;
      }
      const wanted = extractors.some((e) => applies(e, path) && safeWants(e, text, path));
      const forced = !wanted && mentionsKnownName(text);
      if (!wanted && !forced) {
        stats.skipped++;
        continue;
      }
      const context = codeContext(path);
      const key = cacheKey(path, context, file.sha ?? hashBlob(bytes, source.hashFormat), forced);
      const hit = cache.get(key, path);
      if (hit) {
        stats.cached++;
        files.push(hit);
        continue;
      }
      const facts = extractFile(path, text, context, forced ? forcedExtractors : extractors);
      stats.parsed++;
      cache.set(key, facts);
      files.push(facts);
    }
  } finally {
    await source.close();
  }
  cache.save();
  for (const f of files) diagnostics.push(...f.diagnostics);
  const references = linkFacts(files, extractors, options.orm ?? {});
  stats.ms = Math.round(performance.now() - started);
  return { source: source.label, files, references, diagnostics, stats };
}

function read(source: CodeSource, file: SourceFile): Promise<ReadResult> {
  return source.read(file).then(
    (bytes) => ({ bytes }),
    (error: unknown) => ({ error }),
  );
}

function applies(extractor: Extractor, path: string): boolean {
  return isScriptPath(path) || (extractor.extraExtensions?.some((ext) => path.endsWith(ext)) ?? false);
}

function safeWants(extractor: Extractor, text: string, path: string): boolean {
  try {
    return extractor.wants(text, path);
  } catch {
    return false;
  }
}

/** The same extractor, accepting every file (its prototype keeps the methods and `this`). */
function forceWanted(extractor: Extractor): Extractor {
  return Object.assign(Object.create(extractor) as Extractor, { wants: () => true });
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
    hint: 'a partial or shallow clone may lack it: fetch the ref fully (git fetch --unshallow, or --filter=blob:none off)',
  };
}
