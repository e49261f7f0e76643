/**
 * The I/O half of the ESLint plugin's project index: configuration, migration discovery, which migrations
 * are new, the code facts of the worktree and the references of the live git refs. These are the CLI's own
 * async functions; the plugin runs them in a worker thread (see sync-worker.ts) because ESLint rules are
 * synchronous. Everything returned here is plain data, so it crosses the thread boundary by structured clone.
 */
import type { Diagnostic } from '../diagnostic.js';
import { GitError, requireRef } from '../git.js';
import { layoutNamed, worktreeFiles, MigrationsConfigError } from '../migrations/index.js';
import { chooseBase, discoverConfiguredSets, migrationsNotAt } from '../engine/inputs.js';
import type { LayoutRead, RepoFiles } from '../migrations/layout.js';
import type { LayoutName, MigrationSet } from '../migrations/migration.js';
import { ConfigError, loadConfig, NO_CODE_CONFIG_ENV } from '../config/load.js';
import type { RollsafeConfig } from '../config/types.js';
import type { FileFacts } from '../code/facts.js';
import type { ScanOptions } from '../code/scan.js';
import type { Reference } from '../code/reference.js';

/** `settings.rollsafe` in the ESLint config. */
export interface PluginSettings {
  /** Repository root, relative to ESLint's cwd; default: the git work tree holding the linted file. */
  root?: string;
  /** The deployed release (`origin/main`, a tag); default: config `base`, the CI's target branch, `origin/HEAD`, else `HEAD`. */
  base?: string;
  /** rollsafe config file, relative to the root; default: found as the CLI finds it. */
  config?: string;
}

/** A problem that stops the index from being built (bad config, unknown base ref). */
export interface GatherError {
  message: string;
  hint?: string;
}

export interface MigrationsRequest {
  kind: 'migrations';
  root: string;
  settings: PluginSettings;
  env: Record<string, string | undefined>;
}

export interface GatheredMigrations {
  config: RollsafeConfig;
  /** Repository-relative path of the config file, or null. */
  configPath: string | null;
  sets: MigrationSet[];
  diagnostics: Diagnostic[];
  base: { ref: string | null; chosenBy: string };
  /** Paths of the migrations that are not at the base ref. */
  newPaths: string[];
}

export interface ScanRequestOptions {
  migrationDirs: string[];
  include?: string[];
  exclude?: string[];
  orm: Record<string, Record<string, unknown>>;
  knownNames: string[];
}

export interface WorktreeRequest extends ScanRequestOptions {
  kind: 'worktree';
  root: string;
}

export interface GatheredWorktree {
  files: FileFacts[];
}

export interface LiveRefsRequest extends ScanRequestOptions {
  kind: 'live-refs';
  root: string;
  refs: { name: string; ref: string }[];
}

export interface GatheredLiveRefs {
  sources: { name: string; ref: string; label: string; references: Reference[] }[];
}

/** The layout's reading of a migration's unsaved editor text (Drizzle breakpoints, dbmate sections…). */
export interface ReadMigrationRequest {
  kind: 'read-migration';
  root: string;
  dir: string;
  layout: LayoutName;
  path: string;
  text: string;
}

export type GatherRequest = MigrationsRequest | WorktreeRequest | LiveRefsRequest | ReadMigrationRequest;

export type GatherReply<R extends GatherRequest> = R extends MigrationsRequest
  ? GatheredMigrations | { error: GatherError }
  : R extends WorktreeRequest
    ? GatheredWorktree
    : R extends LiveRefsRequest
      ? GatheredLiveRefs | { error: GatherError }
      : LayoutRead | null;

export async function gather(request: GatherRequest): Promise<unknown> {
  switch (request.kind) {
    case 'migrations':
      return gatherMigrations(request);
    case 'worktree':
      return gatherWorktree(request);
    case 'live-refs':
      return gatherLiveRefs(request);
    case 'read-migration':
      return readMigrationText(request);
  }
}

export async function gatherMigrations(request: MigrationsRequest): Promise<GatheredMigrations | { error: GatherError }> {
  const { root, settings } = request;
  try {
    const { rules } = await import('../../rules/index.js');
    const loaded = await loadConfig(root, settings.config, { allowCode: !request.env[NO_CODE_CONFIG_ENV], ruleIds: rules.map((r) => r.id) });
    const config = loaded.config;
    const { sets, diagnostics } = await discoverConfiguredSets(root, config);
    // An editor often has no base at all (a fresh branch, no remote): then HEAD, so that migrations not
    // committed yet are the new ones; a CI branch variable that does not resolve is not an error here.
    const explicit = settings.base ?? config.base;
    const base = await chooseBase(root, {
      ...(explicit ? { explicit: { ref: explicit, source: settings.base ? 'settings' : 'config' } } : {}),
      env: request.env,
      requireCiRef: false,
      fallbacks: ['origin/HEAD', 'HEAD'],
    });
    const newPaths = base.ref ? [...(await migrationsNotAt(root, base.ref, sets))] : [];
    return { config, configPath: loaded.path, sets, diagnostics, base, newPaths };
  } catch (error) {
    if (error instanceof ConfigError || error instanceof MigrationsConfigError) return { error: { message: error.message } };
    if (error instanceof GitError) return { error: { message: error.message, ...(error.hint ? { hint: error.hint } : {}) } };
    throw error;
  }
}

async function scanOptions(request: ScanRequestOptions): Promise<ScanOptions> {
  const { extractors } = await import('../code/extractors/index.js');
  return {
    extractors,
    migrationDirs: request.migrationDirs,
    ...(request.include ? { include: request.include } : {}),
    ...(request.exclude ? { exclude: request.exclude } : {}),
    orm: request.orm,
    knownNames: request.knownNames,
  };
}

export async function gatherWorktree(request: WorktreeRequest): Promise<GatheredWorktree> {
  const { scanWorktree } = await import('../code/scan.js');
  const scan = await scanWorktree(request.root, await scanOptions(request));
  return { files: scan.files };
}

export async function gatherLiveRefs(request: LiveRefsRequest): Promise<GatheredLiveRefs | { error: GatherError }> {
  const { scanRef } = await import('../code/scan.js');
  const options = await scanOptions(request);
  const sources: GatheredLiveRefs['sources'] = [];
  for (const { name, ref } of request.refs) {
    try {
      await requireRef(request.root, ref);
      const scan = await scanRef(request.root, ref, options);
      sources.push({ name, ref, label: name === 'base' ? `base ${ref}` : ref, references: scan.references });
    } catch (error) {
      if (error instanceof GitError) return { error: { message: `live ref ${ref}: ${error.message}`, ...(error.hint ? { hint: error.hint } : {}) } };
      throw error;
    }
  }
  return { sources };
}

/** The migration's layout reads `text` as if it were the file on disk (the rest of the folder is read from disk). */
export async function readMigrationText(request: ReadMigrationRequest): Promise<LayoutRead | null> {
  const layout = layoutNamed(request.layout);
  if (!layout) return null;
  const repo = overlay(worktreeFiles(request.root), request.path, request.text);
  const entries = await repo.list(request.dir);
  if (!entries) return null;
  const listing = await layout.list(request.dir, entries, repo);
  const entry = listing.entries.find((e) => e.path === request.path);
  if (!entry) return null;
  return layout.read(entry, request.text, repo);
}

function overlay(repo: RepoFiles, path: string, text: string): RepoFiles {
  const bytes = new TextEncoder().encode(text);
  return {
    list: (dir) => repo.list(dir),
    head: async (p, count) => (p === path ? text.slice(0, count) : repo.head(p, count)),
    read: async (p) => (p === path ? { ok: true, bytes } : repo.read(p)),
    ...(repo.realPath ? { realPath: (p: string) => repo.realPath!(p) } : {}),
  };
}
