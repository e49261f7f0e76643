/**
 * The project index of the ESLint plugin: one per repository root and process, shared by every file ESLint
 * lints. It holds the parsed and replayed migrations (which are new vs the base ref), the code facts of the
 * worktree and, when a `.sql` migration asks, the references of the live git refs. Built synchronously
 * (gathering runs in a worker, see sync-worker.ts); the migration files are stat-checked on every lint and
 * the migrations are gathered again when one changed, since an editor's ESLint server lives for hours.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import { gitSync } from '../git.js';
import { readRepoFile } from '../safe-fs.js';
import { MAX_CODE_FILE_READ_BYTES } from '../code/sources.js';
import type { Migration } from '../migrations/migration.js';
import { readMigration, type ReadMigration } from '../schema/history.js';
import { replay } from '../schema/replay.js';
import { extractFile } from '../code/extract-file.js';
import { forceWanted, wantedByAny } from '../code/extractor.js';
import { IMPORTED_CONSTANT } from '../code/names.js';
import { extractors } from '../code/extractors/index.js';
import type { FileFacts } from '../code/facts.js';
import { CONFIG_FILES } from '../config/load.js';
import { codeContext, FileSelection, isGeneratedClient } from '../code/files.js';
import { linkFacts, type OrmConfig } from '../code/link.js';
import type { Reference } from '../code/reference.js';
import { ReferenceIndex } from '../code/reference-index.js';
import { knownNameTest } from '../code/scan.js';
import type { PreparedMigration, PreparedSet } from '../engine/evaluate.js';
import type { LiveSource } from '../engine/types.js';
import type { GatherError, GatheredMigrations, PluginSettings } from './gather.js';
import { SyncWorker, WorkerCallError } from './sync-worker.js';

/**
 * Migration files are stat-checked at most this often (their folders on every lint): a thousand stats per
 * linted file would cost more than the rules. People do not save a migration and lint code within it.
 */
const FILE_RECHECK_MS = 250;
/** How long the commit of a live ref (the base) is taken as known before git is asked again. */
const REF_RECHECK_MS = 5000;
/** A failed build is retried after this long (the user may be fetching the base ref), or when a config file changes. */
const RETRY_AFTER_MS = 3000;

interface Stamp {
  path: string;
  /** `mtimeMs:size`, or `-` for a missing file. */
  stamp: string;
}

interface CodeEntry {
  facts: FileFacts;
  /** The text the facts come from, when the index read it (not for facts from the worker's scan). */
  text?: string;
  /** Stamp of the file on disk when its facts were last read from disk. */
  stamp: string;
}

/** The migrations of one build: gathered, parsed, replayed. */
export interface MigrationState {
  gathered: GatheredMigrations;
  sets: PreparedSet[];
  /** Migration path → where it is in `sets`. */
  byPath: Map<string, { set: number; index: number }>;
  /** Parse, normalize and replay diagnostics by migration path. */
  diagnostics: Map<string, Diagnostic[]>;
  /** Table names of every schema the history went through (for the prefilter and "tables the migrations know"). */
  knownNames: string[];
  /** `schema.table` of every table or view the history ever had. */
  knownTables: Set<string>;
  /** Folders and the config file: stat-checked on every lint (a file added or removed changes its folder). */
  watchedFolders: Stamp[];
  /** The migration files themselves: an edit in place changes only the file; checked at most every FILE_RECHECK_MS. */
  watchedFiles: Stamp[];
  /** When `watchedFiles` were last checked. */
  filesCheckedAt: number;
  hasNew: boolean;
}

/** Why the rules cannot answer: the project cannot be indexed, or (internal) rollsafe failed on the file. */
export class ProjectError extends Error {
  readonly hint: string | undefined;
  readonly internal: boolean;
  constructor(error: GatherError, internal = false) {
    super(error.message);
    this.name = 'ProjectError';
    this.hint = error.hint;
    this.internal = internal;
  }

  /** Any failure of an analysis as a ProjectError: rules report it instead of stopping ESLint. */
  static from(error: unknown): ProjectError {
    if (error instanceof ProjectError) return error;
    if (error instanceof WorkerCallError) return new ProjectError({ message: describeError(error) });
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new ProjectError({ message, hint: 'please report this as a rollsafe bug' }, true);
  }
}

let worker: SyncWorker | undefined;
function sharedWorker(): SyncWorker {
  worker ??= new SyncWorker();
  return worker;
}

/** Starts the gathering thread ahead of the first lint, while ESLint loads the rest of its configuration. */
export function warmUpWorker(): void {
  sharedWorker().warmUp();
}

export class ProjectIndex {
  readonly root: string;
  readonly settings: PluginSettings;
  private migrations: MigrationState | undefined;
  private failure: { error: ProjectError; at: number; watched: Stamp[] } | undefined;
  private readonly readCache = new Map<string, { key: string; read: ReadMigration }>();
  private code: Map<string, CodeEntry> | undefined;
  /** Paths in `code` whose facts other files link against (see declaresForOthers). */
  private declaring = new Set<string>();
  private codeNames: Set<string> = new Set();
  private codeVersion = 0;
  private worktreeIndex: { version: number; source: LiveSource; suppressions: Map<string, NonNullable<FileFacts['suppressions']>> } | undefined;
  private liveRefs: { key: string; sources: LiveSource[] } | undefined;
  private readonly commits = new Map<string, { sha: string; at: number }>();
  private selection: FileSelection | undefined;
  private mentionsKnownName: (text: string) => boolean = () => false;

  constructor(root: string, settings: PluginSettings) {
    this.root = root;
    this.settings = settings;
  }

  /** `current()`, with the ProjectError returned instead of thrown (the rules report it once). */
  currentOrError(): MigrationState | ProjectError {
    try {
      return this.current();
    } catch (error) {
      if (error instanceof ProjectError) return error;
      throw error;
    }
  }

  /** The current migrations, gathered again when a watched file changed. Throws ProjectError. */
  current(): MigrationState {
    if (this.failure) {
      if (Date.now() - this.failure.at < RETRY_AFTER_MS && !changed(this.failure.watched)) throw this.failure.error;
      this.failure = undefined;
    }
    if (this.migrations && !this.migrationsChanged(this.migrations)) return this.migrations;
    try {
      this.migrations = this.build();
    } catch (error) {
      const failure = ProjectError.from(error);
      this.failure = { error: failure, at: Date.now(), watched: this.configFiles() };
      this.migrations = undefined;
      throw failure;
    }
    return this.migrations;
  }

  private migrationsChanged(state: MigrationState): boolean {
    if (changed(state.watchedFolders)) return true;
    const now = Date.now();
    if (now - state.filesCheckedAt < FILE_RECHECK_MS) return false;
    state.filesCheckedAt = now;
    return changed(state.watchedFiles);
  }

  /** Every place a configuration can come from: a failed build is retried at once when one of them changes. */
  private configFiles(): Stamp[] {
    const names = [...(this.settings.config ? [this.settings.config] : CONFIG_FILES), 'package.json'];
    return names.map((name) => {
      const path = resolve(this.root, name);
      return { path, stamp: stampOf(path) };
    });
  }

  /** The migrations of the last check, without checking again (one check per linted file is enough). */
  private known(): MigrationState {
    return this.migrations ?? this.current();
  }

  private build(): MigrationState {
    const reply = sharedWorker().call({ kind: 'migrations', root: this.root, settings: this.settings, env: { ...process.env } });
    if ('error' in reply) throw new ProjectError(reply.error);
    const state = prepare(this.root, reply, this.readCache);
    const previous = this.migrations;
    this.selection = new FileSelection({
      extractors,
      migrationDirs: reply.sets.map((s) => s.dir),
      ...(reply.config.code?.include ? { include: reply.config.code.include } : {}),
      ...(reply.config.code?.exclude ? { exclude: reply.config.code.exclude } : {}),
    });
    this.mentionsKnownName = knownNameTest(state.knownNames);
    // Code facts depend on the known table names (files naming one are parsed); a new name means a new scan.
    if (this.code && (!previous || state.knownNames.some((n) => !this.codeNames.has(n)) || configKey(previous) !== configKey(state))) {
      this.code = undefined;
    }
    return state;
  }

  /** Repository-relative path, or null outside the root. */
  relative(file: string): string | null {
    const rel = relative(this.root, resolve(this.root, file));
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return null;
    return rel.split('\\').join('/');
  }

  /** Whether a file is application code the scanner would read (not a migration, not excluded). */
  isCode(path: string): boolean {
    this.known();
    return this.selection?.skipReason(path) === null;
  }

  /** Facts of a file from its (possibly unsaved) text; they replace what the index knew of it. */
  extract(path: string, text: string): FileFacts | null {
    const state = this.known();
    if (!this.isCode(path) || isGeneratedClient(path, text)) return null;
    const code = this.codeFacts(state);
    const previous = code.get(path);
    // ESLint lints a file again for each change elsewhere in an editor: the same text gives the same facts.
    if (previous?.text === text) return previous.facts;
    const facts = extractWith(path, text, this.mentionsKnownName);
    this.setEntry(path, facts ? { facts, text, stamp: previous?.stamp ?? stampOf(join(this.root, path)) } : undefined);
    return facts;
  }

  /**
   * References of one file after linking it with what the rest of the project declares for it (models of
   * the ORMs it uses, ORM defaults, exported query-builder instances), checked against the disk first.
   */
  link(facts: FileFacts): Reference[] {
    const state = this.known();
    const code = this.codeFacts(state);
    const orms = new Set([...facts.usages.map((u) => u.orm), ...facts.models.filter((m) => m.extends !== undefined).map((m) => m.orm)]);
    const wantsDefaults = facts.models.length > 0 || facts.usages.length > 0;
    const wantsInstances = (facts.conditionalReferences?.length ?? 0) > 0;
    const wantsConstants = [...facts.references, ...(facts.conditionalReferences ?? []).flatMap((g) => g.references)].some(
      (r) => r.table.startsWith(IMPORTED_CONSTANT) || r.column?.startsWith(IMPORTED_CONSTANT) || r.insertColumns?.some((c) => c.startsWith(IMPORTED_CONSTANT)),
    );
    const related: FileFacts[] = [facts];
    if (orms.size > 0 || wantsDefaults || wantsInstances || wantsConstants) {
      for (const path of this.declaring) {
        const entry = code.get(path);
        if (!entry || path === facts.path) continue;
        const other = entry.facts;
        // package.json files say which libraries a chain recognised by its shape belongs to; constants resolve imported names.
        const useful =
          other.models.some((m) => orms.has(m.orm)) ||
          (wantsDefaults && other.ormDefaults !== undefined) ||
          (wantsInstances && ((other.instanceExports?.length ?? 0) > 0 || other.dependencies !== undefined)) ||
          (wantsConstants && other.constants !== undefined);
        if (useful) related.push(this.fresh(path, entry).facts);
      }
    }
    return linkFacts(related, extractors, this.orm()).filter((r) => r.location.path === facts.path);
  }

  /** The worktree as a live source: every code file's references, linked (files changed on disk are read again). */
  worktree(): { source: LiveSource; suppressions: Map<string, NonNullable<FileFacts['suppressions']>> } {
    const state = this.known();
    const code = this.codeFacts(state);
    for (const [path, entry] of code) this.fresh(path, entry);
    if (!this.worktreeIndex || this.worktreeIndex.version !== this.codeVersion) {
      const files = [...code.values()].map((e) => e.facts);
      const suppressions = new Map<string, NonNullable<FileFacts['suppressions']>>();
      for (const f of files) if (f.suppressions?.length) suppressions.set(f.path, f.suppressions);
      this.worktreeIndex = {
        version: this.codeVersion,
        source: { name: 'worktree', ref: null, label: 'worktree', references: new ReferenceIndex(linkFacts(files, extractors, this.orm())) },
        suppressions,
      };
    }
    return this.worktreeIndex;
  }

  /** The releases that stay live while migrations run: the base ref and config `liveRefs`. Throws ProjectError. */
  liveSources(): LiveSource[] {
    const state = this.known();
    const { base } = state.gathered;
    const refs = [...(base.ref ? [{ name: 'base', ref: base.ref }] : []), ...(state.gathered.config.liveRefs ?? []).map((ref) => ({ name: ref, ref }))];
    if (refs.length === 0) return [];
    const request = this.scanRequest(state);
    // A commit's files never change: scan again only when a ref moved or what the scan looks for changed.
    const key = JSON.stringify([refs.map((r) => `${r.name}=${this.commitOf(r.ref)}`), request]);
    if (this.liveRefs?.key === key) return this.liveRefs.sources;
    const reply = sharedWorker().call({ kind: 'live-refs', root: this.root, refs, ...request });
    if ('error' in reply) throw new ProjectError(reply.error);
    const sources = reply.sources.map((s) => ({ name: s.name, ref: s.ref, label: s.label, references: new ReferenceIndex(s.references) }));
    this.liveRefs = { key, sources };
    return sources;
  }

  /** A migration's unsaved editor text as its layout reads it (blanked sections, statement breaks), and the layout's problems. */
  readUnsaved(migration: Migration, text: string): { migration: Migration; diagnostics: Diagnostic[] } | null {
    const state = this.known();
    const set = state.gathered.sets.find((s) => s.migrations.some((m) => m.path === migration.path));
    if (!set) return null;
    const read = sharedWorker().call({ kind: 'read-migration', root: this.root, dir: set.dir, layout: set.layout, path: migration.path, text });
    if (!read) return null;
    const { diagnostics, ...how } = read;
    const transaction = state.gathered.config.transaction;
    return { migration: { ...migration, ...how, text, ...(transaction ? { transaction } : {}) }, diagnostics };
  }

  /** The prepared sets with one migration read from other text (the rest of its set replayed after it). */
  withMigration(migration: Migration): { sets: PreparedSet[]; diagnostics: Diagnostic[] } {
    const state = this.known();
    const at = state.byPath.get(migration.path);
    if (!at) return { sets: state.sets, diagnostics: [] };
    const set = state.sets[at.set]!;
    const searchPath = state.gathered.config.searchPath ?? ['public'];
    const reads = set.migrations.map((m, i) => (i === at.index ? readMigration(migration, searchPath) : this.readCache.get(m.migration.path)!.read));
    const replayed = replay(
      reads.slice(at.index).map((r) => ({ migration: r.migration, changes: r.changes })),
      set.migrations[at.index]!.before,
    );
    const migrations: PreparedMigration[] = [
      ...set.migrations.slice(0, at.index),
      ...replayed.migrations.map((r, i) => {
        const old = set.migrations[at.index + i]!;
        const file = reads[at.index + i]!.file;
        return { migration: r.migration, ...(file ? { file } : {}), steps: r.steps, before: r.before, after: r.after, isNew: old.isNew };
      }),
    ];
    const sets = state.sets.map((s, i) => (i === at.set ? { dir: s.dir, migrations } : s));
    const own = reads[at.index]!;
    const diagnostics = [...own.diagnostics, ...replayed.diagnostics.filter((d) => d.location.path === migration.path)];
    return { sets, diagnostics };
  }

  orm(): OrmConfig {
    return (this.known().gathered.config.orm ?? {}) as OrmConfig;
  }

  private scanRequest(state: MigrationState): {
    migrationDirs: string[];
    include?: string[];
    exclude?: string[];
    orm: Record<string, Record<string, unknown>>;
    knownNames: string[];
  } {
    const { config } = state.gathered;
    return {
      migrationDirs: state.gathered.sets.map((s) => s.dir),
      ...(config.code?.include ? { include: config.code.include } : {}),
      ...(config.code?.exclude ? { exclude: config.code.exclude } : {}),
      orm: (config.orm ?? {}) as Record<string, Record<string, unknown>>,
      knownNames: state.knownNames,
    };
  }

  private codeFacts(state: MigrationState): Map<string, CodeEntry> {
    if (this.code) return this.code;
    const reply = sharedWorker().call({ kind: 'worktree', root: this.root, ...this.scanRequest(state) });
    const code = new Map<string, CodeEntry>();
    this.declaring = new Set();
    for (const facts of reply.files) {
      code.set(facts.path, { facts, stamp: stampOf(join(this.root, facts.path)) });
      if (declaresForOthers(facts)) this.declaring.add(facts.path);
    }
    this.code = code;
    this.codeNames = new Set(state.knownNames);
    this.codeVersion++;
    return code;
  }

  /** The entry, read again from disk when the file changed there since it was last read. */
  private fresh(path: string, entry: CodeEntry): CodeEntry {
    const abs = join(this.root, path);
    const stamp = stampOf(abs);
    if (stamp === entry.stamp) return entry;
    let text: string | undefined;
    // The one bounded read: no link, FIFO or device, nothing outside the repository.
    const read = readRepoFile(this.root, abs, { maxBytes: MAX_CODE_FILE_READ_BYTES, noLinks: true });
    if (read.ok) {
      text = read.bytes.toString('utf8');
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const facts = text === undefined ? null : extractWith(path, text, this.mentionsKnownName);
    const next = facts ? { facts, text: text!, stamp } : undefined;
    this.setEntry(path, next);
    return next ?? { facts: { ...entry.facts, references: [], models: [], usages: [] }, stamp };
  }

  /** Replaces (or, with undefined, removes) a file's facts, keeping the list of files that declare for others. */
  private setEntry(path: string, entry: CodeEntry | undefined): void {
    const code = this.code!;
    if (entry) code.set(path, entry);
    else code.delete(path);
    if (entry && declaresForOthers(entry.facts)) this.declaring.add(path);
    else this.declaring.delete(path);
    this.codeVersion++;
  }

  /** The commit a live ref points to (it moves on fetch), asked of git at most every few seconds. */
  private commitOf(ref: string): string {
    const known = this.commits.get(ref);
    if (known && Date.now() - known.at < REF_RECHECK_MS) return known.sha;
    const sha = this.resolveCommit(ref);
    this.commits.set(ref, { sha, at: Date.now() });
    return sha;
  }

  private resolveCommit(ref: string): string {
    return gitSync(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], this.root)?.trim() || 'missing';
  }
}

function extractWith(path: string, text: string, mentionsKnownName: (text: string) => boolean): FileFacts | null {
  const wanted = wantedByAny(extractors, path, text);
  const forced = !wanted && mentionsKnownName(text);
  if (!wanted && !forced) return null;
  return extractFile(path, text, codeContext(path), forced ? extractors.map(forceWanted) : extractors);
}


/** Facts other files' usages resolve against. */
function declaresForOthers(facts: FileFacts): boolean {
  return facts.models.length > 0 || (facts.instanceExports?.length ?? 0) > 0 || facts.ormDefaults !== undefined || facts.dependencies !== undefined || facts.constants !== undefined;
}

function configKey(state: MigrationState): string {
  const { config } = state.gathered;
  return JSON.stringify([config.code ?? null, config.orm ?? null]);
}

function describeError(error: WorkerCallError): string {
  return error.message.split('\n')[0]!;
}

function stampOf(path: string): string {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat ? `${stat.mtimeMs}:${stat.size}` : '-';
}

function changed(watched: readonly Stamp[]): boolean {
  for (const w of watched) if (stampOf(w.path) !== w.stamp) return true;
  return false;
}

/** Parse (reusing unchanged files), replay, and mark the new migrations. */
function prepare(root: string, gathered: GatheredMigrations, readCache: Map<string, { key: string; read: ReadMigration }>): MigrationState {
  const searchPath = gathered.config.searchPath ?? ['public'];
  const newPaths = new Set(gathered.newPaths);
  const sets: PreparedSet[] = [];
  const byPath = new Map<string, { set: number; index: number }>();
  const diagnostics = new Map<string, Diagnostic[]>();
  const knownNames = new Set<string>();
  const knownTables = new Set<string>();
  const seen = new Set<string>();
  const add = (d: Diagnostic): void => {
    let list = diagnostics.get(d.location.path);
    if (!list) diagnostics.set(d.location.path, (list = []));
    list.push(d);
  };
  for (const d of gathered.diagnostics) add(d);
  const transaction = gathered.config.transaction;
  for (const set of gathered.sets) {
    const reads: ReadMigration[] = [];
    for (const original of set.migrations) {
      const migration = transaction ? { ...original, transaction } : original;
      const key = `${searchPath.join(',')}\0${migration.transaction}\0${migration.sql ?? migration.text}`;
      const cached = readCache.get(migration.path);
      const read = cached && cached.key === key ? { ...cached.read, migration } : readMigration(migration, searchPath);
      readCache.set(migration.path, { key, read });
      seen.add(migration.path);
      reads.push(read);
      read.diagnostics.forEach(add);
    }
    const replayed = replay(reads.map((r) => ({ migration: r.migration, changes: r.changes })));
    replayed.diagnostics.forEach(add);
    const prepared: PreparedSet = {
      dir: set.dir,
      migrations: replayed.migrations.map((r, i) => ({
        migration: r.migration,
        ...(reads[i]!.file ? { file: reads[i]!.file } : {}),
        steps: r.steps,
        before: r.before,
        after: r.after,
        isNew: newPaths.has(r.migration.path),
      })),
    };
    prepared.migrations.forEach((m, index) => {
      byPath.set(m.migration.path, { set: sets.length, index });
      for (const schema of [m.before, m.after]) {
        for (const [key, table] of schema.tables) {
          knownNames.add(table.name);
          knownTables.add(key);
        }
        for (const [key, view] of schema.views) {
          knownNames.add(view.name);
          knownTables.add(key);
        }
      }
    });
    sets.push(prepared);
  }
  for (const path of readCache.keys()) if (!seen.has(path)) readCache.delete(path);
  return {
    gathered,
    sets,
    byPath,
    diagnostics,
    knownNames: [...knownNames].sort(),
    knownTables,
    ...watchList(root, gathered),
    filesCheckedAt: Date.now(),
    hasNew: sets.some((s) => s.migrations.some((m) => m.isNew)),
  };
}

/** The files whose change means gathering again: config, set folders, each migration and its folder. */
function watchList(root: string, gathered: GatheredMigrations): { watchedFolders: Stamp[]; watchedFiles: Stamp[] } {
  const folders = new Set<string>();
  const files = new Set<string>();
  if (gathered.configPath) folders.add(join(root, gathered.configPath));
  for (const set of gathered.sets) {
    folders.add(join(root, set.dir));
    for (const m of set.migrations) {
      files.add(join(root, m.path));
      folders.add(dirname(join(root, m.path)));
    }
  }
  const stamps = (paths: Set<string>): Stamp[] => [...paths].map((path) => ({ path, stamp: stampOf(path) }));
  return { watchedFolders: stamps(folders), watchedFiles: stamps(files) };
}

const projects = new Map<string, ProjectIndex>();
const rootsByDir = new Map<string, string>();

/** The index of the repository holding `file` (settings `root` wins), shared by every rule of the process. */
export function projectFor(file: string, cwd: string, settings: PluginSettings): ProjectIndex {
  const root = settings.root ? resolve(cwd, settings.root) : findRoot(dirname(file), cwd);
  const key = JSON.stringify([root, settings.base ?? null, settings.config ?? null]);
  let project = projects.get(key);
  if (!project) projects.set(key, (project = new ProjectIndex(root, settings)));
  return project;
}

/** The git work tree holding `dir`; ESLint's cwd when there is none. */
function findRoot(dir: string, cwd: string): string {
  const visited: string[] = [];
  let current = dir;
  let root: string | undefined;
  for (;;) {
    const known = rootsByDir.get(current);
    if (known !== undefined) {
      root = known;
      break;
    }
    visited.push(current);
    if (existsSync(join(current, '.git'))) {
      root = current;
      break;
    }
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  const found = root ?? cwd;
  for (const v of visited) rootsByDir.set(v, found);
  return found;
}

/** Forgets every index (tests; a long-lived server never needs it). */
export function resetProjects(): void {
  projects.clear();
  rootsByDir.clear();
}
