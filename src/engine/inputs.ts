/**
 * What a run starts from, decided the same way by `check` and the ESLint plugin: the migration sets the
 * configuration names (or detection finds), the base ref of the release still running, and which
 * migrations are not at that ref.
 */
import type { Diagnostic } from '../diagnostic.js';
import { git, GitError, lsTree, requireRef, resolveRef } from '../git.js';
import { discoverMigrationSets } from '../migrations/index.js';
import type { MigrationSet } from '../migrations/migration.js';
import type { MigrationDirConfig, RollsafeConfig } from '../config/types.js';

/** Configured folders (each with its layout, phase and transaction), `--migrations` over them, else detection. */
export async function discoverConfiguredSets(
  root: string,
  config: RollsafeConfig,
  overrideDirs: readonly string[] = [],
): Promise<{ sets: MigrationSet[]; diagnostics: Diagnostic[] }> {
  const configured = typeof config.migrations === 'string' ? [config.migrations] : (config.migrations ?? []);
  const dirs: MigrationDirConfig[] = overrideDirs.length ? overrideDirs.map((d) => ({ dir: d })) : configured.map((m) => (typeof m === 'string' ? { dir: m } : m));
  const postDeployDirs = [...(config.postDeployMigrations ?? []), ...dirs.filter((d) => d.phase === 'post-deploy').map((d) => d.dir)];
  if (dirs.length === 0) return discoverMigrationSets(root, { postDeployDirs });
  const sets: MigrationSet[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const entry of dirs) {
    const found = await discoverMigrationSets(root, {
      dirs: [entry.dir],
      ...(entry.layout ? { layout: entry.layout } : {}),
      ...(entry.dialect ? { dialect: entry.dialect } : {}),
      postDeployDirs,
    });
    diagnostics.push(...found.diagnostics);
    for (const set of found.sets) {
      if (entry.transaction) for (const m of set.migrations) Object.assign(m, { transaction: entry.transaction, transactionReason: 'set in the rollsafe configuration' });
      sets.push(set);
    }
  }
  return { sets, diagnostics };
}

/**
 * Whether the run is in CI: `CI` set to anything but empty, `0` or `false` (GitHub Actions, GitLab CI,
 * CircleCI, Buildkite, Travis and most others set CI=true). In CI an incomplete comparison with the base fails.
 */
export function isCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

export interface BaseChoice {
  ref: string | null;
  /** `--base`, `config`, `settings`, `GITHUB_BASE_REF`, `origin/HEAD`, `HEAD`, `none`. */
  chosenBy: string;
}

export interface BaseOptions {
  /** A ref the user named, and where it came from; it must exist (GitError otherwise). */
  explicit?: { ref: string; source: string };
  env: Readonly<Record<string, string | undefined>>;
  /** A CI target branch that cannot be found is an error (CI must compare with it), not a silent fallback. */
  requireCiRef: boolean;
  /** Refs tried last, in order (`origin/HEAD`; the editor adds `HEAD`). */
  fallbacks: readonly string[];
}

/** The named ref, then the CI's target branch, then the fallbacks. Throws GitError for a named ref that does not exist. */
export async function chooseBase(root: string, options: BaseOptions): Promise<BaseChoice> {
  if (options.explicit) {
    await demand(root, options.explicit.ref, options.explicit.source);
    return { ref: options.explicit.ref, chosenBy: options.explicit.source };
  }
  for (const variable of ['GITHUB_BASE_REF', 'CI_MERGE_REQUEST_TARGET_BRANCH_NAME']) {
    const branch = options.env[variable];
    if (!branch) continue;
    for (const candidate of [`origin/${branch}`, branch]) {
      if (await resolveRef(root, candidate).catch(() => null)) return { ref: candidate, chosenBy: variable };
    }
    if (options.requireCiRef) await demand(root, `origin/${branch}`, variable);
  }
  for (const candidate of options.fallbacks) {
    if (await resolveRef(root, candidate).catch(() => null)) return { ref: candidate, chosenBy: candidate };
  }
  return { ref: null, chosenBy: 'none' };
}

async function demand(root: string, ref: string, source: string): Promise<void> {
  try {
    await requireRef(root, ref);
  } catch (error) {
    if (error instanceof GitError) throw new GitError(error.code, `${error.message} (base from ${source})`, error.hint);
    throw error;
  }
}

/**
 * Paths of the migrations that the base ref does not have: the new ones. A migration the change only moved
 * (the same content under the same file and folder name at the base, e.g. `db/postgresql/migrations` →
 * `prisma/migrations`) is not new: it ran long ago.
 */
export async function migrationsNotAt(root: string, base: string, sets: readonly MigrationSet[]): Promise<Set<string>> {
  const dirs = sets.map((s) => s.dir).filter((d) => d !== '' && d !== '.');
  // Paths only: no sizes, so no blob is looked up (a partial clone would fetch it).
  const atBase = new Set((await lsTree(root, base, dirs, { sizes: false })).map((e) => e.path));
  const candidates = sets.flatMap((s) => s.migrations.map((m) => m.path)).filter((p) => !atBase.has(p));
  if (candidates.length === 0) return new Set();
  const moved = await movedFrom(root, base, candidates).catch(() => new Set<string>());
  return new Set(candidates.filter((p) => !moved.has(p)));
}

/** The last two parts of a path: `01_init/migration.sql`, `migrations/001.sql`. */
function tail(path: string): string {
  return path.split('/').slice(-2).join('/');
}

async function movedFrom(root: string, base: string, paths: readonly string[]): Promise<Set<string>> {
  // --no-filters: the file's bytes as they are; a clean filter the repository configures never runs.
  const hashes = (await git(['hash-object', '--no-filters', '--', ...paths], root)).split('\n').map((l) => l.trim());
  if (hashes.length < paths.length) return new Set();
  const atBase = new Set((await lsTree(root, base, [], { sizes: false })).filter((e) => e.type === 'blob').map((e) => `${e.sha} ${tail(e.path)}`));
  return new Set(paths.filter((p, i) => atBase.has(`${hashes[i]} ${tail(p)}`)));
}
