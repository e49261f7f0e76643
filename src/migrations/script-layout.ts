/**
 * What the TS/JS migration layouts (Knex, Kysely, TypeORM, node-pg-migrate, Sequelize, MikroORM, db-migrate) share:
 * telling whose migrations a folder of scripts holds (one vote over a few file heads, shared by the six so
 * each head is read once), listing the scripts, and finding the tool's configuration file near the folder.
 */
import type { Diagnostic } from '../diagnostic.js';
import { migrationDiagnostic } from './diagnostics.js';
import { joinPath, type Detection, type FolderEntries, type LayoutRead, type MigrationEntry, type RepoFiles } from './layout.js';
import { baseName } from './order.js';
import type { ScriptLayoutName } from './script-syntax.js';

const SCRIPT = /\.[cm]?[jt]s$/i;
const NOT_MIGRATION = /\.d\.[cm]?ts$|\.(test|spec)\.[cm]?[jt]s$|^index\.[cm]?[jt]s$/i;

/** Script files of a folder that can be migrations (no declaration files, tests or index modules). */
export function scriptFiles(entries: FolderEntries): string[] {
  return entries.files.filter((f) => SCRIPT.test(f) && !NOT_MIGRATION.test(f));
}

/** `up` defined or exported in any of the usual ways. */
const DEFINES_UP = /\bfunction\s+up\s*\(|\bup\s*[=:]|\bup\s*\(|\bexports\.up\b|[{,]\s*up\s*[,}]/;

/** Signatures of each tool in a migration file's head, most specific first (ties go to the earlier tool). */
const SIGNATURES: ReadonlyArray<[ScriptLayoutName, RegExp]> = [
  ['typeorm', /\bMigrationInterface\b|\bQueryRunner\b|from\s+['"]typeorm['"]|require\(\s*['"]typeorm['"]\s*\)|\bup\s*\(\s*queryRunner\b/],
  ['mikro-orm', /@mikro-orm\/|\bthis\.addSql\s*\(/],
  ['node-pg-migrate', /node-pg-migrate|\bMigrationBuilder\b|\bpgm\.\w+\s*\(|\bup\s*[=:(]\s*(?:async\s*)?(?:function\s*)?\(?\s*pgm\b/],
  ['kysely', /from\s+['"]kysely['"]|require\(\s*['"]kysely['"]\s*\)|\bKysely\s*</],
  ['sequelize', /\bqueryInterface\b|\bQueryInterface\b|from\s+['"]sequelize['"]|require\(\s*['"]sequelize['"]\s*\)|sequelize-cli/],
  ['db-migrate', /\bdb\.(runSql|createTable|addColumn|removeColumn|renameColumn|renameTable|dropTable|addIndex|removeIndex|changeColumn)\s*\(|require\(\s*['"]db-migrate['"]\s*\)/],
  ['knex', /from\s+['"]knex['"]|require\(\s*['"]knex['"]\s*\)|\bKnex\b|\bup\s*[=:(]\s*(?:async\s*)?(?:function\s*)?\(?\s*knex\b|\bknex\.(schema|raw)\b/],
];

/** Which tool a migration file was written for, from its first few kilobytes; undefined when none or no `up`. */
export function classifyScript(head: string): ScriptLayoutName | undefined {
  if (!DEFINES_UP.test(head)) return undefined;
  return SIGNATURES.find(([, pattern]) => pattern.test(head))?.[0];
}

const HEAD_BYTES = 8192;
const SAMPLE = 6;
const votes = new WeakMap<RepoFiles, Map<string, Promise<ScriptLayoutName | undefined>>>();

/** The tool whose migrations `dir` holds, by a vote of a few files; computed once per folder for the script layouts. */
export function folderTool(dir: string, entries: FolderEntries, repo: RepoFiles): Promise<ScriptLayoutName | undefined> {
  let byDir = votes.get(repo);
  if (!byDir) {
    byDir = new Map();
    votes.set(repo, byDir);
  }
  let vote = byDir.get(dir);
  if (!vote) {
    vote = voteFolder(dir, entries, repo);
    byDir.set(dir, vote);
  }
  return vote;
}

/** Migrations of another database (`migrations-sqlite`, `migration/mysql`): rollsafe reads Postgres only. */
const OTHER_DATABASE = /(^|[/_.-])(sqlite3?|mysql2?|mariadb|mssql|sqlserver|oracle)([/_.-]|$)/i;

async function voteFolder(dir: string, entries: FolderEntries, repo: RepoFiles): Promise<ScriptLayoutName | undefined> {
  if (OTHER_DATABASE.test(dir)) return undefined;
  const scripts = scriptFiles(entries);
  if (scripts.length === 0) return undefined;
  // A folder of SQL with a stray script is a SQL history.
  const sql = entries.files.filter((f) => /\.sql$/i.test(f)).length;
  if (sql > scripts.length) return undefined;
  // Only folders that look like migrations cost a read: named so, or holding numbered / timestamped scripts.
  const folder = dir.slice(dir.lastIndexOf('/') + 1);
  const numbered = scripts.filter((f) => /^\d|^Migration\d|\d{10,}/.test(f));
  if (!/migrat/i.test(folder) && numbered.length === 0) return undefined;
  const candidates = numbered.length > 0 ? numbered : scripts;
  const sample = candidates.length <= SAMPLE ? candidates : [...candidates.slice(0, SAMPLE / 2), ...candidates.slice(-SAMPLE / 2)];
  const heads = await Promise.all(sample.map((f) => repo.head(joinPath(dir, f), HEAD_BYTES)));
  const count = new Map<ScriptLayoutName, number>();
  for (const head of heads) {
    const tool = head === undefined ? undefined : classifyScript(head);
    if (tool) count.set(tool, (count.get(tool) ?? 0) + 1);
  }
  let best: ScriptLayoutName | undefined;
  let most = 0;
  for (const [tool] of SIGNATURES) {
    const n = count.get(tool) ?? 0;
    if (n > most) {
      best = tool;
      most = n;
    }
  }
  // Most of the sampled files must be the tool's migrations: a src/ folder with one stray script is not a set.
  return best !== undefined && most * 2 >= sample.length ? best : undefined;
}

/** Detection for one script layout: confident when the folder vote names it. */
export async function detectScriptFolder(tool: ScriptLayoutName, dir: string, entries: FolderEntries, repo: RepoFiles): Promise<Detection | undefined> {
  const voted = await folderTool(dir, entries, repo);
  if (voted !== tool) return undefined;
  return { confidence: 0.8, reason: `${tool} migration scripts (an \`up\` function using the ${tool} API)` };
}

/** Repository folder of a repository path (`''` for the root). */
export function folderOf(path: string): string {
  return path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
}

/** `<digits>[.<digits>…]<sep><name>.<ext>` → version and name; other files keep their stem as both. */
export function numberedEntry(dir: string, file: string): MigrationEntry {
  const stem = file.replace(SCRIPT, '');
  const match = /^(\d+(?:\.\d+)*)(?:[-_.]+(.*))?$/.exec(stem);
  return { path: joinPath(dir, file), version: match ? match[1]! : stem, name: match?.[2] || stem };
}

/**
 * Text files of the project near a migration folder whose names match `pattern`: in the folder's ancestors
 * and in their `config`, `src`, `db`, `database` and `.config` sub-folders, nearest first. Configuration is
 * read as text, never executed.
 */
export async function nearbyFiles(repo: RepoFiles, dir: string, pattern: RegExp): Promise<{ path: string; text: string }[]> {
  const folders: string[] = [];
  let at: string | undefined = dir;
  while (at !== undefined) {
    folders.push(at);
    const listing = await repo.list(at);
    for (const sub of ['config', 'src', 'db', 'database', '.config']) {
      const path = joinPath(at, sub);
      if (listing?.dirs.includes(sub) && path !== dir) folders.push(path);
    }
    at = at === '' ? undefined : at.includes('/') ? at.slice(0, at.lastIndexOf('/')) : '';
  }
  const out: { path: string; text: string }[] = [];
  for (const folder of folders) {
    const listing = await repo.list(folder);
    for (const file of listing?.files ?? []) {
      if (!pattern.test(file)) continue;
      const path = joinPath(folder, file);
      const text = await repo.head(path, 64 * 1024);
      if (text !== undefined) out.push({ path, text });
    }
  }
  return out;
}

const configCache = new WeakMap<RepoFiles, Map<string, Promise<unknown>>>();

/** Memoizes a per-folder configuration lookup (layouts read each file of a set separately). */
export function perFolder<T>(repo: RepoFiles, key: string, compute: () => Promise<T>): Promise<T> {
  let byKey = configCache.get(repo);
  if (!byKey) {
    byKey = new Map();
    configCache.set(repo, byKey);
  }
  let value = byKey.get(key) as Promise<T> | undefined;
  if (!value) {
    value = compute();
    byKey.set(key, value);
  }
  return value;
}

/** The tool's default transaction facts for a set, before a file's own switch. */
export interface SetTransaction {
  read: Pick<LayoutRead, 'transaction' | 'transactionReason' | 'transactionScope'>;
  /** What a file that asks for a transaction gets (its own, one per migration), and why. */
  fileWrapped: string;
  /** Why a file that asks for no transaction runs without one. */
  fileUnwrapped: string;
  /** A problem with a file's switch under this configuration (TypeORM refuses overrides in mode `all`). */
  switchProblem?: string;
}

/**
 * Applies a file's own transaction switch (read with the TypeScript parser, loaded only for projects that
 * have TS/JS migrations) on top of the set's defaults.
 */
export async function readScript(layout: ScriptLayoutName, entry: MigrationEntry, text: string, set: SetTransaction): Promise<LayoutRead> {
  const { parseScript, transactionSwitch } = await import('./script-syntax.js');
  const diagnostics: Diagnostic[] = [];
  let facts = set.read;
  const fileSwitch = transactionSwitch(parseScript(entry.path, text), layout);
  if (fileSwitch) {
    facts = fileSwitch.wrapped
      ? { transaction: 'wrapped', transactionScope: 'migration', transactionReason: `${set.fileWrapped} (\`${fileSwitch.how}\` on line ${fileSwitch.line})` }
      : { transaction: 'none', transactionReason: `${set.fileUnwrapped} (\`${fileSwitch.how}\` on line ${fileSwitch.line})` };
    if (set.switchProblem) diagnostics.push(migrationDiagnostic('migration-transaction-switch', 'warning', set.switchProblem, entry.path, { line: fileSwitch.line }));
  }
  const read: LayoutRead = { transaction: facts.transaction, transactionReason: facts.transactionReason, diagnostics };
  if (facts.transaction === 'wrapped' && facts.transactionScope) read.transactionScope = facts.transactionScope;
  return read;
}

/** Files of a set in the order of `compare`, with a warning for two files the tool would confuse. */
export function sortedEntries(list: MigrationEntry[], compare: (a: MigrationEntry, b: MigrationEntry) => number): MigrationEntry[] {
  return [...list].sort((a, b) => compare(a, b) || (baseName(a.path) < baseName(b.path) ? -1 : baseName(a.path) > baseName(b.path) ? 1 : 0));
}
