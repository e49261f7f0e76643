/**
 * Finds the migration sets of a repository: one walk of the folders (build output, dependencies and hidden
 * folders skipped), where the most confident layout claims a folder and the walk does not descend into it;
 * then each set's files are listed in the tool's order and read. Bad input becomes diagnostics; only a
 * wrong configuration (a `--migrations` folder that is not there) throws, as MigrationsConfigError.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import { decodeMigrationFile } from './decode.js';
import { migrationDiagnostic } from './diagnostics.js';
import { joinPath, type Detection, type FolderEntries, type MigrationEntry, type MigrationLayout, type RepoFiles } from './layout.js';
import { layoutNamed, layouts } from './layouts/index.js';
import { sqlLayout } from './layouts/sql.js';
import type { DeployPhase, LayoutName, Migration, MigrationSet } from './migration.js';
import { worktreeFiles } from './repo-files.js';
import { hasStatement } from './statement-scan.js';

export interface DiscoverOptions {
  /** Migration folders from `--migrations` or config, relative to `root` (or absolute inside it); replaces detection. */
  dirs?: string[];
  /** Reads the folders with this layout instead of detecting one. */
  layout?: LayoutName;
  /** Folders whose migrations run after the deploy (GitLab-style `db/post_migrate`). */
  postDeployDirs?: string[];
  /** Where files come from; the worktree under `root` by default. */
  repo?: RepoFiles;
  /**
   * The database the folders' migrations run on (config `migrations[].dialect`): `postgres` reads them whatever
   * their names say; any other skips them. Absent: guessed (see `otherDialect`).
   */
  dialect?: Dialect;
}

export const DIALECTS = ['postgres', 'clickhouse', 'mysql', 'mariadb', 'sqlite', 'mssql', 'oracle', 'other'] as const;
export type Dialect = (typeof DIALECTS)[number];

export interface DiscoveryResult {
  sets: MigrationSet[];
  diagnostics: Diagnostic[];
}

/** A usage error in the migrations configuration: the CLI prints the message and exits with code 2. */
export class MigrationsConfigError extends Error {
  override readonly name = 'MigrationsConfigError';
}

/** Folder names never holding a project's own migrations: dependencies, build output, caches. */
const SKIPPED_DIRS = new Set([
  'node_modules',
  'bower_components',
  'jspm_packages',
  'vendor',
  'dist',
  'build',
  'out',
  'target',
  'coverage',
  '__pycache__',
  'venv',
]);

interface Claim {
  dir: string;
  layout: MigrationLayout;
  entries: FolderEntries;
}

export async function discoverMigrationSets(root: string, options: DiscoverOptions = {}): Promise<DiscoveryResult> {
  const repo = options.repo ?? worktreeFiles(root);
  const diagnostics: Diagnostic[] = [];
  const forced = options.layout === undefined ? undefined : forcedLayout(options.layout);
  const allowed = forced ? [forced] : layouts;

  const claims: Claim[] = [];
  if (options.dirs && options.dirs.length > 0) {
    for (const dir of unique(options.dirs.map((d) => repoPath(root, d, '--migrations')))) {
      claims.push(...(await claimConfigured(dir, await configuredFolder(dir, repo), forced, repo, diagnostics)));
    }
  } else {
    claims.push(...(await walk('', allowed, repo)));
  }

  const postDeploy = unique((options.postDeployDirs ?? []).map((d) => repoPath(root, d, 'postDeployDirs')));
  for (const dir of postDeploy) {
    const entries = await configuredFolder(dir, repo);
    if (!claims.some((c) => contains(c.dir, dir) || contains(dir, c.dir))) {
      claims.push(...(await claimConfigured(dir, entries, forced, repo, diagnostics)));
    }
  }

  claims.sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  const read = await Promise.all(claims.map((claim) => readSet(claim, repo, postDeploy)));
  const sets: MigrationSet[] = [];
  for (const r of read) {
    const other = options.dialect === undefined ? await otherDialect(r.set, repo) : options.dialect === 'postgres' ? undefined : { dialect: options.dialect, why: 'set in the configuration' };
    if (other) {
      diagnostics.push(
        migrationDiagnostic(
          'migrations-other-dialect',
          'info',
          `Skipped ${r.set.migrations.length} migration${r.set.migrations.length === 1 ? '' : 's'} of another database (${DIALECT_NAMES[other.dialect]}: ${other.why}); rollsafe checks Postgres migrations only.`,
          r.set.dir,
          {},
          other.why === 'set in the configuration' ? undefined : `If they do run on Postgres, set { "dir": "${r.set.dir}", "dialect": "postgres" } in the configuration's migrations.`,
        ),
      );
      continue;
    }
    diagnostics.push(...r.diagnostics);
    sets.push(r.set);
  }
  return { sets, diagnostics };
}

const DIALECT_NAMES: Record<Dialect, string> = {
  postgres: 'Postgres',
  clickhouse: 'ClickHouse',
  mysql: 'MySQL',
  mariadb: 'MariaDB',
  sqlite: 'SQLite',
  mssql: 'SQL Server',
  oracle: 'Oracle',
  other: 'not Postgres',
};

/** Folder names that say which database a migration folder is for. */
const DIALECT_FOLDERS: Record<string, Dialect> = {
  clickhouse: 'clickhouse',
  mysql: 'mysql',
  mariadb: 'mariadb',
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  mssql: 'mssql',
  sqlserver: 'mssql',
  oracle: 'oracle',
};

const PRISMA_PROVIDERS: Record<string, Dialect> = { mysql: 'mysql', sqlite: 'sqlite', sqlserver: 'mssql', mongodb: 'other', cockroachdb: 'other' };

/**
 * Whether a migration set is for another database, and how we know: a folder of its path named after one
 * (`clickhouse/migrations`, `db/mysql/migrations`), Prisma's `migration_lock.toml` provider, or table
 * definitions with `ENGINE =` (ClickHouse, MySQL), which Postgres does not have.
 */
export async function otherDialect(set: MigrationSet, repo: RepoFiles): Promise<{ dialect: Dialect; why: string } | undefined> {
  for (const segment of set.dir.toLowerCase().split('/')) {
    const dialect = DIALECT_FOLDERS[segment];
    if (dialect) return { dialect, why: `the folder name "${segment}"` };
  }
  if (set.layout === 'prisma') {
    const lock = await repo.head(joinPath(set.dir, 'migration_lock.toml'), 4096);
    if (lock !== undefined) {
      const provider = /^\s*provider\s*=\s*"([^"]+)"/m.exec(lock)?.[1]?.toLowerCase();
      const dialect = provider ? PRISMA_PROVIDERS[provider] : undefined;
      if (dialect) return { dialect, why: `provider "${provider}" in migration_lock.toml` };
    }
  }
  for (const m of set.migrations) {
    const engine = /\)\s*ENGINE\s*=\s*([A-Za-z]\w*)/i.exec(m.sql ?? (m.language === 'sql' ? m.text : ''));
    if (engine) {
      const clickhouse = /MergeTree|^Log$|^Memory$|Distributed|Kafka/i.test(engine[1]!);
      return { dialect: clickhouse ? 'clickhouse' : 'mysql', why: `ENGINE = ${engine[1]} in ${m.path}` };
    }
  }
  return undefined;
}

async function readSet(claim: Claim, repo: RepoFiles, postDeploy: readonly string[]): Promise<{ set: MigrationSet; diagnostics: Diagnostic[] }> {
  const diagnostics: Diagnostic[] = [];
  const migrations: Migration[] = [];
  const set: MigrationSet = { dir: claim.dir, layout: claim.layout.name, migrations };
  let listing;
  try {
    listing = await claim.layout.list(claim.dir, claim.entries, repo);
  } catch (error) {
    diagnostics.push(internalError(claim.layout, claim.dir, error));
    return { set, diagnostics };
  }
  diagnostics.push(...listing.diagnostics);
  const read = await Promise.all(listing.entries.map((entry) => readMigration(entry, claim, repo, phaseOf(entry.path, postDeploy))));
  for (const result of read) {
    diagnostics.push(...result.diagnostics);
    if (result.migration) migrations.push({ ...result.migration, order: migrations.length });
  }
  return { set, diagnostics };
}

/** A layout that throws has a bug; the set (or file) is reported and the run goes on. */
function internalError(layout: MigrationLayout, path: string, error: unknown): Diagnostic {
  const message = error instanceof Error ? error.message : String(error);
  return migrationDiagnostic('migration-read-failed', 'error', `The ${layout.name} layout failed on this path: ${message}`, path, {}, 'Please report this as a rollsafe bug.');
}

function forcedLayout(name: LayoutName): MigrationLayout {
  const layout = layoutNamed(name);
  if (!layout) throw new MigrationsConfigError(`The migration layout "${name}" is not supported yet; use one of: ${layouts.map((l) => l.name).join(', ')}.`);
  return layout;
}

/** A configured folder as a repository path; outside the repository is a usage error. */
function repoPath(root: string, dir: string, option: string): string {
  const rel = relative(resolve(root), resolve(root, dir));
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new MigrationsConfigError(`The ${option} folder "${dir}" is outside the repository ${root}.`);
  }
  return rel.split(sep).join('/');
}

async function configuredFolder(dir: string, repo: RepoFiles): Promise<FolderEntries> {
  const entries = await repo.list(dir);
  if (entries) return entries;
  const isFile = (await repo.head(dir, 1)) !== undefined;
  if (isFile) throw new MigrationsConfigError(`The migrations path "${dir}" is a file; give the folder that holds the migrations.`);
  // It exists but cannot be listed (permissions): saying "does not exist" would send the user looking elsewhere.
  const exists = (await repo.realPath?.(dir)) !== undefined;
  throw new MigrationsConfigError(exists ? `The migrations folder "${dir}" cannot be read (check its permissions).` : `The migrations folder "${dir}" does not exist.`);
}

/** A configured folder: the forced or detected layout, else the sets found below it, else a plain SQL folder. */
async function claimConfigured(
  dir: string,
  entries: FolderEntries,
  forced: MigrationLayout | undefined,
  repo: RepoFiles,
  diagnostics: Diagnostic[],
): Promise<Claim[]> {
  if (forced) return [{ dir, layout: forced, entries }];
  const best = await detect(dir, entries, layouts, repo);
  if (best) return [{ dir, layout: best, entries }];
  const below = await walk(dir, layouts, repo);
  if (below.length > 0) return below;
  if (!entries.files.some((f) => f.toLowerCase().endsWith('.sql'))) {
    diagnostics.push(migrationDiagnostic('migrations-none-found', 'warning', `No migration files were found in ${dir || 'the repository root'}.`, dir));
  }
  return [{ dir, layout: sqlLayout, entries }];
}

/**
 * One walk from `start`: a claimed folder is not descended into. A symbolic link to a folder is never
 * descended through: inside the repository its target is walked by its own path (or it is a loop), and a
 * link that leaves the repository is not even listed as a folder (`RepoFiles.list`), so nothing outside the
 * repository is walked, and link loops end.
 */
async function walk(start: string, allowed: readonly MigrationLayout[], repo: RepoFiles): Promise<Claim[]> {
  const claims: Claim[] = [];
  const visit = async (dir: string): Promise<void> => {
    const entries = await repo.list(dir);
    if (!entries) return;
    const layout = await detect(dir, entries, allowed, repo);
    if (layout) {
      claims.push({ dir, layout, entries });
      return;
    }
    await Promise.all(
      entries.dirs
        .filter((d) => !d.startsWith('.') && !SKIPPED_DIRS.has(d))
        .map(async (d) => {
          if (entries.links?.includes(d)) return;
          await visit(joinPath(dir, d));
        }),
    );
  };
  await visit(start);
  return claims;
}

async function detect(dir: string, entries: FolderEntries, candidates: readonly MigrationLayout[], repo: RepoFiles): Promise<MigrationLayout | undefined> {
  const detections: Array<Detection | undefined> = await Promise.all(candidates.map((layout) => layout.detect(dir, entries, repo)));
  let best: MigrationLayout | undefined;
  let confidence = 0;
  detections.forEach((d, i) => {
    if (d && d.confidence > confidence) {
      confidence = d.confidence;
      best = candidates[i];
    }
  });
  return best;
}

async function readMigration(
  entry: MigrationEntry,
  claim: Claim,
  repo: RepoFiles,
  phase: DeployPhase,
): Promise<{ migration?: Omit<Migration, 'order'>; diagnostics: Diagnostic[] }> {
  const file = await repo.read(entry.path);
  if (!file.ok) {
    const code = file.reason === 'too-large' ? 'file-too-large' : 'file-unreadable';
    return { diagnostics: [migrationDiagnostic(code, 'error', file.message, entry.path)] };
  }
  const decoded = decodeMigrationFile(entry.path, file.bytes);
  if (!decoded.ok) return { diagnostics: [decoded.diagnostic] };
  const { text } = decoded;
  let read;
  try {
    read = await claim.layout.read(entry, text, repo);
  } catch (error) {
    return { diagnostics: [...decoded.diagnostics, internalError(claim.layout, entry.path, error)] };
  }
  const diagnostics = [...decoded.diagnostics, ...read.diagnostics];
  const runs = read.sql ?? text;
  if (read.diagnostics.some((d) => d.severity === 'error')) {
    // The layout already said why the file is unusable; "empty" would only repeat it.
  } else if (runs.trim() === '') {
    diagnostics.push(migrationDiagnostic('migration-empty', 'warning', text.trim() === '' ? 'The migration file is empty.' : 'The part of the file the tool runs is empty.', entry.path));
  } else if (read.sql !== undefined && !hasStatement(read.sql)) {
    diagnostics.push(migrationDiagnostic('migration-empty', 'info', 'The migration holds only comments.', entry.path));
  }
  const migration: Omit<Migration, 'order'> = {
    path: entry.path,
    layout: claim.layout.name,
    set: claim.dir,
    version: entry.version,
    name: entry.name,
    language: claim.layout.language,
    text,
    transaction: read.transaction,
    transactionReason: read.transactionReason,
    phase,
  };
  if (read.sql !== undefined) migration.sql = read.sql;
  if (entry.repeatable) migration.repeatable = true;
  if (read.transactionScope) migration.transactionScope = read.transactionScope;
  if (read.nonTransactionalStatementsRunAlone) migration.nonTransactionalStatementsRunAlone = true;
  if (read.statementBreaks && read.statementBreaks.length > 0) migration.statementBreaks = read.statementBreaks;
  return { migration, diagnostics };
}

function phaseOf(path: string, postDeploy: readonly string[]): DeployPhase {
  return postDeploy.some((dir) => contains(dir, path)) ? 'post-deploy' : 'pre-deploy';
}

/** Whether repository path `inner` is `outer` or below it. */
function contains(outer: string, inner: string): boolean {
  return outer === '' || inner === outer || inner.startsWith(`${outer}/`);
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
