/**
 * `rollsafe check`, start to end: find the migrations, decide which are new, parse and replay them, scan
 * the live code (only when a new migration needs it), evaluate the rules.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import { git, GitError, gitSync } from '../git.js';
import { chooseBase, discoverConfiguredSets, isCi, migrationsNotAt, type BaseChoice } from './inputs.js';
import type { Migration, MigrationSet } from '../migrations/migration.js';
import { loadParser } from '../sql/parser.js';
import { loadMigrationReaders } from '../schema/history.js';
import { replayWithSnapshotsSteps, SchemaSnapshots } from './schema-snapshot.js';
import { runYielding } from '../yielding.js';
import { readRepoFile } from '../safe-fs.js';
import { ReferenceIndex } from '../code/reference-index.js';
import type { CodeSuppression } from '../code/facts.js';
import type { RollsafeConfig, RuleSetting } from '../config/types.js';
import { evaluateSteps, type ConfiguredRule, type PreparedSet, type TableHints } from './evaluate.js';
import { MigrationCache } from './migration-cache.js';
import type { CheckResult } from './result.js';
import type { DeployModel, LiveSource, Rule } from './types.js';

/** A problem with how rollsafe was asked to run (bad ref, missing folder): exit code 2. */
export class CheckUsageError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'CheckUsageError';
    this.hint = hint;
  }
}

export const DEFAULT_PG_VERSION = 18;

export interface CheckOptions {
  /** Repository root (absolute). */
  root: string;
  config: RollsafeConfig;
  rules: readonly Rule[];
  env: Readonly<Record<string, string | undefined>>;
  /** Migration files to check as new (command-line arguments), relative to `cwd` or absolute. */
  files?: string[];
  cwd?: string;
  /** `--base`. */
  base?: string;
  /** `--migrations` folders (override config and detection). */
  migrationDirs?: string[];
  pgVersion?: number;
  /** Check staged files (pre-commit) when there is neither a file list nor a base. */
  staged?: boolean;
  cacheDir?: string;
  /** One-line notes for stderr (a long first scan). */
  note?: (line: string) => void;
  /** Called as each stage starts, with what it works on (the CLI's progress line and --verbose timings). */
  progress?: (stage: CheckStage, detail: string) => void;
  /** Keep diagnostics about files the change does not touch (`--verbose`). */
  verbose?: boolean;
}

/** The stages of a run, in order; `code` only when a new migration needs the code. */
export type CheckStage = 'migrations' | 'replay' | 'code' | 'rules';

export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const { config } = options;
  const diagnostics: Diagnostic[] = [];
  options.progress?.('migrations', 'finding migrations');
  const sets = await discover(options, diagnostics);

  const base = await chooseCheckBase(options);
  const newPaths = await newMigrationPaths(options, sets, base.ref);
  const total = sets.reduce((n, s) => n + s.migrations.length, 0);
  options.progress?.('replay', `reading ${total} migration${total === 1 ? '' : 's'} (${newPaths.size} new)`);

  await loadParser();
  await loadMigrationReaders(sets.flatMap((s) => s.migrations));
  const searchPath = config.searchPath ?? ['public'];
  // Migrations that are not new read the same on every run: their Changes come from the cache.
  const migrationCache = new MigrationCache(options.root, options.cacheDir);
  // And the schema they build is kept too: a warm run replays only what follows the longest known prefix.
  const snapshots = new SchemaSnapshots(options.root, options.cacheDir);
  const historicNames = new Set<string>();
  const texts = new Map<string, string>();
  const prepared: PreparedSet[] = [];
  let migrationCount = 0;
  const scriptCalls = { analysed: 0, unanalysed: 0 };
  for (const set of sets) {
    const history = await runYielding(
      replayWithSnapshotsSteps(set, {
        searchPath,
        isNew: (m) => newPaths.has(m.path),
        known: (m) => migrationCache.get(m, searchPath),
        snapshots,
      }),
    );
    for (const name of history.names) historicNames.add(name);
    const parsed = history.read;
    const replayed = history.replay;
    migrationCount += parsed.length;
    const isNew = (m: Migration): boolean => newPaths.has(m.path);
    for (const p of parsed) {
      if (!isNew(p.migration)) continue;
      texts.set(p.migration.path, p.migration.text);
      diagnostics.push(...p.diagnostics);
      if (p.calls) {
        scriptCalls.analysed += p.calls.analysed;
        scriptCalls.unanalysed += p.calls.unanalysed;
      }
    }
    diagnostics.push(...replayed.diagnostics.filter((d) => newPaths.has(d.location.path)));
    for (const p of parsed) if (p.file && !newPaths.has(p.migration.path)) migrationCache.set(p.migration, searchPath, p.changes);
    prepared.push({
      dir: set.dir,
      migrations: replayed.migrations.map((r, i) => ({
        migration: r.migration,
        ...(parsed[i]!.file ? { file: parsed[i]!.file } : {}),
        ...(parsed[i]!.suppressionComments ? { scriptComments: parsed[i]!.suppressionComments } : {}),
        steps: r.steps,
        before: r.before,
        after: r.after,
        isNew: isNew(r.migration),
      })),
    });
  }

  migrationCache.save();
  snapshots.prune();

  const rules = configureRules(options.rules, config);
  const needsCode = newPaths.size > 0 && rules.some((r) => r.rule.family === 'code-aware');
  let live: LiveSource[] = [];
  let codeFileCount = 0;
  const codeSuppressions = new Map<string, Map<string, CodeSuppression[]>>();
  if (needsCode) {
    options.progress?.('code', `scanning the code (worktree${base.ref ? `, base ${base.ref}` : ''}${config.liveRefs?.length ? `, ${config.liveRefs.length} live ref${config.liveRefs.length === 1 ? '' : 's'}` : ''})`);
    const scanned = await scanLiveSources(options, sets, base.ref, [...historicNames]);
    live = scanned.live;
    codeFileCount = scanned.fileCount;
    diagnostics.push(...scanned.diagnostics);
    for (const [name, map] of scanned.suppressions) codeSuppressions.set(name, map);
  }

  // Which files the change touched costs git processes: asked only when something depends on it — the live code
  // (unknown-column-reference reports only what the change touched) or a diagnostic shown only if its file was.
  const hiding = !options.verbose && diagnostics.some((d) => !aboutTouched(d, new Set(), newPaths));
  const changedFiles = needsCode || hiding ? await changedSince(options.root, base.ref, Boolean(options.files?.length)) : null;
  options.progress?.('rules', `checking ${newPaths.size} new migration${newPaths.size === 1 ? '' : 's'}`);
  const findings = await runYielding(evaluateSteps(prepared, {
    rules,
    changedFiles,
    tableHints: tableHints(options.root, config, sets, newPaths),
    pgVersion: options.pgVersion ?? config.pgVersion ?? DEFAULT_PG_VERSION,
    deployModel: (config.deployModel ?? 'before-deploy') as DeployModel,
    live,
    codeSuppressions,
    ...(config.transaction ? { transaction: config.transaction } : {}),
  }));

  const shown = options.verbose ? diagnostics : diagnostics.filter((d) => aboutTouched(d, changedFiles, newPaths));
  return {
    base,
    findings,
    diagnostics: sortDiagnostics(shown),
    ...(shown.length < diagnostics.length ? { hiddenDiagnostics: diagnostics.length - shown.length } : {}),
    newMigrations: [...newPaths].sort(),
    migrationDirs: sets.map((s) => s.dir),
    migrationCount,
    codeFileCount,
    ...(scriptCalls.analysed + scriptCalls.unanalysed > 0 ? { scriptCalls } : {}),
    texts,
    rules: options.rules,
  };
}

async function discover(options: CheckOptions, diagnostics: Diagnostic[]): Promise<MigrationSet[]> {
  const found = await discoverConfiguredSets(options.root, options.config, options.migrationDirs);
  diagnostics.push(...found.diagnostics);
  return found.sets;
}

/** `--base`, then config, then the CI's target branch (which must exist), then origin/HEAD. */
async function chooseCheckBase(options: CheckOptions): Promise<BaseChoice> {
  const explicit = options.base ?? options.config.base;
  try {
    return await chooseBase(options.root, {
      ...(explicit ? { explicit: { ref: explicit, source: options.base ? '--base' : 'config' } } : {}),
      env: options.env,
      requireCiRef: true,
      fallbacks: ['origin/HEAD'],
    });
  } catch (error) {
    if (error instanceof GitError) throw new CheckUsageError(error.message, error.hint);
    throw error;
  }
}

async function newMigrationPaths(options: CheckOptions, sets: readonly MigrationSet[], base: string | null): Promise<Set<string>> {
  const { root } = options;
  const all = new Set(sets.flatMap((s) => s.migrations.map((m) => m.path)));
  if (options.files?.length) {
    const cwd = options.cwd ?? root;
    const out = new Set<string>();
    for (const file of options.files) {
      const absolute = isAbsolute(file) ? file : resolve(cwd, file);
      const rel = relative(root, absolute).split('\\').join('/');
      if (!existsSync(absolute)) throw new CheckUsageError(`file not found: ${file}`);
      const match = all.has(rel) ? rel : [...all].find((p) => p.startsWith(`${rel}/`));
      if (!match) throw new CheckUsageError(`${file} is not part of a migration folder rollsafe found`, 'pass its folder with --migrations <dir>');
      // A folder argument (Prisma migration folder) means every migration inside it.
      for (const p of all) if (p === rel || p.startsWith(`${rel}/`)) out.add(p);
    }
    return out;
  }
  if (base) return migrationsNotAt(root, base, sets);
  if (options.staged) {
    const out = await git(['diff', '--cached', '--name-only', '--diff-filter=A', '-z'], root).catch(() => '');
    const staged = new Set(out.split('\0').filter(Boolean));
    return new Set([...all].filter((p) => staged.has(p)));
  }
  return new Set();
}

/** The rule's severity in a preset: `strict` keeps every rule at its full severity. */
export function presetSeverity(rule: Rule, preset: RollsafeConfig['preset']): RuleSetting {
  return preset === 'strict' ? rule.severity : (rule.defaultSeverity ?? rule.severity);
}

/**
 * What the configuration and the history say about the size of tables. The dates of the history (when each
 * migration file was added) come from one `git log` over the migration folders, run the first time a lock
 * finding asks how old its table is, never on a run that has no such finding.
 */
function tableHints(root: string, config: RollsafeConfig, sets: readonly MigrationSet[], newPaths: ReadonlySet<string>): TableHints {
  let dates: { added: Map<string, number>; now: number | undefined } | undefined;
  const read = (): { added: Map<string, number>; now: number | undefined } => {
    if (dates) return dates;
    const added = new Map<string, number>();
    let now: number | undefined;
    const dirs = sets.map((s) => s.dir || '.');
    if (dirs.length > 0) {
      const head = gitSync(['log', '-1', '--format=%ct', 'HEAD'], root)?.trim();
      const log = gitSync(['log', '--diff-filter=A', '--no-renames', '--format=%x00%ct', '--name-only', 'HEAD', '--', ...dirs], root);
      if (head && log !== null) {
        now = Number(head);
        for (const entry of log.split('\0').filter(Boolean)) {
          const [time, ...paths] = entry.split('\n').map((l) => l.trim()).filter(Boolean);
          // Newest first: the oldest commit that added a path wins (a file deleted and added again keeps its first date).
          for (const p of paths) added.set(p, Number(time));
        }
        // Work not committed yet (a PR being written, a pre-commit hook) happens now, not at the last commit.
        if ([...newPaths].some((p) => !added.has(p))) now = Math.floor(Date.now() / 1000);
      }
    }
    dates = { added, now: now !== undefined && Number.isFinite(now) ? now : undefined };
    return dates;
  };
  return {
    large: new Set(config.largeTables ?? []),
    small: new Set(config.smallTables ?? []),
    addedAt: (path) => read().added.get(path),
    now: () => read().now,
  };
}

/** Diagnostics about what this run could not read (permissions, missing objects): never hidden. */
const ALWAYS_SHOWN = new Set(['file-unreadable', 'file-refused', 'file-too-large', 'git-blob-missing']);

/**
 * Whether a diagnostic is about something the change touches: a new migration, a file changed since the base,
 * a folder holding one of them, or the run as a whole. Unknown changes (no base): everything counts.
 */
function aboutTouched(d: Diagnostic, changed: ReadonlySet<string> | null, newPaths: ReadonlySet<string>): boolean {
  // What this run could not read is about this run, whatever the change touched; and an error fails the run,
  // so it is always shown.
  if (d.severity === 'error' || ALWAYS_SHOWN.has(d.code)) return true;
  const path = d.location.path;
  if (changed === null || path === '' || path === '.' || changed.has(path) || newPaths.has(path)) return true;
  const prefix = `${path.replace(/\/+$/, '')}/`;
  for (const p of newPaths) if (p.startsWith(prefix)) return true;
  for (const p of changed) if (p.startsWith(prefix)) return true;
  return false;
}

/**
 * Files the change set touches: what differs between the base ref and the working tree (committed or not), plus
 * untracked files. Null without a base ref (a file list, pre-commit without a base): every file counts.
 */
async function changedSince(root: string, base: string | null, namedFiles: boolean): Promise<Set<string> | null> {
  if (!base || namedFiles) return null;
  try {
    // The index against the base: objects only. git is never asked to compare the working tree itself
    // (`git diff <base>`): that runs the clean filters the repository configures on files it reads.
    const staged = await git(['diff', '--cached', '--name-only', '--no-renames', '-z', base, '--'], root);
    const untracked = await git(['ls-files', '--others', '--exclude-standard', '-z'], root);
    const changed = new Set([...staged.split('\0'), ...untracked.split('\0')].filter(Boolean));
    for (const path of await unstagedChanges(root)) changed.add(path);
    return changed;
  } catch {
    return null;
  }
}

/**
 * Tracked files whose working-tree content differs from the index, found as git's racy-index check finds them
 * but without git reading the files: those written since the index was, hashed here as blobs (no filters) and
 * compared with the index's object ids.
 */
async function unstagedChanges(root: string): Promise<string[]> {
  const indexFile = (await git(['rev-parse', '--path-format=absolute', '--git-path', 'index'], root)).trim();
  let indexTime: number;
  try {
    indexTime = lstatSync(indexFile).mtimeMs;
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const entry of (await git(['ls-files', '--stage', '-z'], root)).split('\0')) {
    const m = /^(\d+) ([0-9a-f]+) \d\t(.+)$/s.exec(entry);
    if (!m || m[1] === '160000') continue; // submodules: not files of this repository
    const [, , sha, path] = m;
    let stat;
    try {
      stat = lstatSync(join(root, path!));
    } catch {
      out.push(path!); // deleted in the working tree
      continue;
    }
    // Written before the index was (and not within git's racy second of it): the index's id still holds.
    if (stat.mtimeMs + 2000 < indexTime) continue;
    const read = readRepoFile(root, path!, { maxBytes: 64 * 1024 * 1024, noLinks: true });
    if (!read.ok) continue;
    const hash = createHash(sha!.length === 64 ? 'sha256' : 'sha1');
    hash.update(`blob ${read.bytes.length}\0`).update(read.bytes);
    if (hash.digest('hex') !== sha) out.push(path!);
  }
  return out;
}

export function configureRules(rules: readonly Rule[], config: RollsafeConfig): ConfiguredRule[] {
  const out: ConfiguredRule[] = [];
  for (const rule of rules) {
    const setting = config.rules?.[rule.id];
    const [level, opts] = Array.isArray(setting) ? [setting[0], setting[1] ?? {}] : [setting, {}];
    const severity = (level ?? presetSeverity(rule, config.preset)) as RuleSetting;
    if (severity === 'off') continue;
    out.push({ rule, severity, options: opts });
  }
  return out;
}

interface ScannedLive {
  live: LiveSource[];
  fileCount: number;
  diagnostics: Diagnostic[];
  suppressions: Map<string, Map<string, CodeSuppression[]>>;
}

async function scanLiveSources(options: CheckOptions, sets: readonly MigrationSet[], base: string | null, knownNames: string[]): Promise<ScannedLive> {
  // The scanner alone: the extractors (and the TypeScript compiler) load only if a file must be parsed.
  const { scanWorktree, scanRef } = await import('../code/scan.js');
  const { extractorManifest } = await import('../code/extractors/manifest.js');
  const { root, config } = options;
  const scanOptions = {
    extractors: extractorManifest,
    keepFacts: false,
    migrationDirs: sets.map((s) => s.dir),
    ...(config.code?.include ? { include: config.code.include } : {}),
    ...(config.code?.exclude ? { exclude: config.code.exclude } : {}),
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    orm: config.orm ?? {},
    knownNames,
  };
  const result: ScannedLive = { live: [], fileCount: 0, diagnostics: [], suppressions: new Map() };
  const ci = isCi(options.env);
  const add = (name: string, ref: string | null, label: string, scan: Awaited<ReturnType<typeof scanWorktree>>): void => {
    result.live.push({ name, ref, label, references: new ReferenceIndex(scan.references) });
    // A file that could not be read was not scanned: it is not counted, it is named.
    result.fileCount += scan.stats.files - scan.stats.unreadable;
    // Diagnostics of the running release's code are not the author's to fix; only the worktree's are shown.
    // Except that a file of the base that could not be read means its references are unknown: that is said,
    // and under CI it fails the run (the comparison with the base is incomplete).
    if (name === 'worktree') result.diagnostics.push(...scan.diagnostics);
    else result.diagnostics.push(...scan.diagnostics.filter(isUnreadable).map((d): Diagnostic => (ci ? { ...d, severity: 'error' } : d)));
    result.suppressions.set(name, new Map(scan.suppressions));
  };
  add('worktree', null, 'worktree', await scanWorktree(root, scanOptions));
  const refs = [...(base ? [{ name: 'base', ref: base }] : []), ...(config.liveRefs ?? []).map((ref) => ({ name: ref, ref }))];
  for (const { name, ref } of refs) {
    let scan;
    try {
      // scanRef resolves the ref first (one git call, not two): a ref that is not there fails before any scanning.
      scan = await scanRef(root, ref, scanOptions);
    } catch (error) {
      if (error instanceof GitError && ['unknown-ref', 'not-a-repository', 'bare-repository', 'no-work-tree', 'git-missing'].includes(error.code)) {
        throw new CheckUsageError(`live ref: ${error.message}`, error.hint);
      }
      throw error;
    }
    add(name, ref, name === 'base' ? `base ${ref}` : ref, scan);
  }
  return result;
}

/** A file of a ref that git could not give: a blob missing from the object store, or a failed read. */
function isUnreadable(d: Diagnostic): boolean {
  return d.code === 'git-blob-missing' || d.code === 'file-unreadable';
}

function sortDiagnostics(diagnostics: Diagnostic[]): Diagnostic[] {
  return diagnostics.sort((a, b) =>
    a.location.path < b.location.path ? -1 : a.location.path > b.location.path ? 1 : a.location.line - b.location.line || a.location.column - b.location.column,
  );
}
