/**
 * `rollsafe refs <table>[.<column>]`: where does the code use it? Every reference the extractors find, in the
 * working tree or at a git ref, with how sure rollsafe is and where the code runs.
 */
import type { Command } from '../command.js';
import { EXIT_CLEAN, UsageError, type CliIO } from '../io.js';
import { openProject } from '../project.js';
import { GitError } from '../../git.js';
import { scanRef, scanWorktree, type ScanOptions, type ScanResult } from '../../code/scan.js';
import { extractorManifest } from '../../code/extractors/manifest.js';
import type { Reference } from '../../code/reference.js';
import type { Diagnostic } from '../../diagnostic.js';
import { sanitizeJson, sanitizeLine } from '../../report/sanitize.js';
import { discoverMigrationSets, MigrationsConfigError } from '../../migrations/index.js';
import type { RollsafeConfig } from '../../config/types.js';

const REFS_FORMATS = ['pretty', 'json'] as const;
type RefsFormat = (typeof REFS_FORMATS)[number];

export interface RefsTarget {
  schema?: string;
  table: string;
  column?: string;
  /** Unquoted names compare case-insensitively (Postgres folds them); quoted ones exactly. */
  exact: boolean;
}

/** `users`, `users.email`, `billing.invoices.total`, `"Users".email`. */
export function parseTarget(text: string): RefsTarget {
  const bad = (): UsageError => new UsageError(`refs: cannot read "${text}" as <table>[.<column>] (e.g. users or users.email)`);
  const parts: string[] = [];
  let exact = false;
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let name = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw bad();
        if (text[j] === '"') {
          if (text[j + 1] !== '"') break;
          name += '"';
          j += 2;
        } else name += text[j++];
      }
      parts.push(name);
      exact = true;
      i = j + 1;
    } else {
      const dot = text.indexOf('.', i);
      const j = dot < 0 ? text.length : dot;
      const name = text.slice(i, j).trim();
      if (name === '' || name.includes('"')) throw bad();
      parts.push(name);
      i = j;
    }
    if (i === text.length) break;
    if (text[i] !== '.' || i + 1 === text.length) throw bad();
    i++;
  }
  if (parts.length > 3 || parts.some((p) => p === '')) throw bad();
  if (parts.length === 3) return { schema: parts[0]!, table: parts[1]!, column: parts[2]!, exact };
  return { table: parts[0]!, ...(parts[1] !== undefined ? { column: parts[1] } : {}), exact };
}

function same(a: string | undefined, b: string, exact: boolean): boolean {
  return a !== undefined && (exact ? a === b : a.toLowerCase() === b.toLowerCase());
}

/**
 * The references that concern the target. For a column: the ones naming it, and those that touch it without
 * naming it (`SELECT *`, an ORM model field, a positional `INSERT`, an insert that lists it).
 */
export function referencesTo(references: readonly Reference[], target: RefsTarget): Reference[] {
  return references
    .filter((r) => {
      if (!same(r.table, target.table, target.exact)) return false;
      if (target.schema !== undefined && r.schema !== undefined && !same(r.schema, target.schema, target.exact)) return false;
      if (target.column === undefined) return true;
      if (r.column !== undefined) return same(r.column, target.column, target.exact);
      if (r.kind === 'insert') return r.insertColumns === undefined || r.insertColumns.some((c) => same(c, target.column!, target.exact));
      return r.implicit;
    })
    .sort(
      (a, b) =>
        (a.location.path < b.location.path ? -1 : a.location.path > b.location.path ? 1 : 0) || a.location.line - b.location.line || a.location.column - b.location.column,
    );
}

function configuredMigrationDirs(config: RollsafeConfig): string[] {
  const configured = typeof config.migrations === 'string' ? [config.migrations] : (config.migrations ?? []);
  return [...configured.map((m) => (typeof m === 'string' ? m : m.dir)), ...(config.postDeployMigrations ?? [])];
}

/** Migration folders are not live code: the configured ones, else the detected ones, else any folder named `migrations`. */
async function migrationExclusions(root: string, config: RollsafeConfig): Promise<{ migrationDirs: string[]; exclude: string[] }> {
  const configured = configuredMigrationDirs(config);
  if (configured.length > 0) return { migrationDirs: configured, exclude: [] };
  try {
    const found = await discoverMigrationSets(root);
    if (found.sets.length > 0) return { migrationDirs: found.sets.map((s) => s.dir), exclude: [] };
  } catch (error) {
    if (!(error instanceof MigrationsConfigError)) throw error;
  }
  return { migrationDirs: [], exclude: ['migrations'] };
}

function describeTarget(target: RefsTarget): string {
  return [target.schema, target.table, target.column].filter((p) => p !== undefined).join('.');
}

function writePretty(io: CliIO, target: RefsTarget, refs: readonly Reference[], scan: ScanResult): void {
  // Paths and snippets are text of the repository: escaped before they reach the terminal.
  const rows = refs.map((r) => [
    sanitizeLine(`${r.location.path}:${r.location.line}:${r.location.column}`),
    r.column === undefined && target.column === undefined ? `${r.kind} (table)` : r.kind,
    r.confidence,
    r.implicit ? 'implicit' : 'explicit',
    r.context,
    sanitizeLine(r.snippet + (r.via ? `  (${r.via})` : '')),
  ]);
  const widths = [0, 1, 2, 3, 4].map((i) => Math.max(0, ...rows.map((row) => row[i]!.length)));
  for (const row of rows) io.stdout.write(`${row.map((cell, i) => (i < 5 ? cell.padEnd(widths[i]!) : cell)).join('  ')}\n`);
  const files = new Set(refs.map((r) => r.location.path)).size;
  const s = scan.stats;
  const what = describeTarget(target);
  const summary =
    refs.length === 0
      ? `No references to ${what}`
      : `${refs.length} reference${refs.length === 1 ? '' : 's'} to ${what} in ${files} file${files === 1 ? '' : 's'}`;
  io.stdout.write(`${rows.length > 0 ? '\n' : ''}${sanitizeLine(summary)} (${sanitizeLine(scan.source)}: ${s.files - s.unreadable} files, ${s.parsed} parsed, ${s.cached} cached${s.unreadable ? `, ${s.unreadable} unreadable` : ''}, ${s.ms} ms)\n`);
}

function writeDiagnostics(io: CliIO, diagnostics: readonly Diagnostic[]): void {
  for (const d of diagnostics) {
    io.stderr.write(sanitizeLine(`${d.location.path}:${d.location.line}:${d.location.column}  ${d.severity}  ${d.message}  (${d.code})`) + '\n');
  }
}

export const refsCommand: Command = {
  name: 'refs',
  summary: 'List where the code uses a table or column (working tree, or any git ref).',
  usage: 'rollsafe refs <table>[.<column>] [--ref <git-ref>] [--format pretty|json] [--root <dir>]',
  options: {
    ref: { type: 'string', description: 'scan this git ref (branch, tag, commit) instead of the working tree, without checking it out', placeholder: 'git-ref' },
    format: { type: 'string', short: 'f', description: 'output format: pretty, json', placeholder: 'name' },
    root: { type: 'string', description: 'repository root (default: the git top level of the current folder)', placeholder: 'dir' },
    config: { type: 'string', short: 'c', description: 'configuration file (default: rollsafe.config.* or package.json "rollsafe")', placeholder: 'file' },
  },
  async run(args, io) {
    const format = (args.values.format as string | undefined) ?? 'pretty';
    if (!REFS_FORMATS.includes(format as RefsFormat)) throw new UsageError(`refs: --format must be one of ${REFS_FORMATS.join(', ')}`);
    if (args.positionals.length !== 1) throw new UsageError('refs: give one <table> or <table>.<column>, e.g. rollsafe refs users.email');
    const target = parseTarget(args.positionals[0]!);
    const ref = args.values.ref as string | undefined;
    if (ref !== undefined && ref.trim() === '') throw new UsageError('refs: --ref needs a git ref');
    const project = await openProject(io, { root: args.values.root as string | undefined, config: args.values.config as string | undefined });
    if (ref !== undefined && !project.isGit) throw new UsageError(`refs: --ref needs git: ${project.gitProblem ?? `${project.root} is not a git repository`}`);
    const config = project.config.config;
    const exclusions = await migrationExclusions(project.root, config);
    const options: ScanOptions = {
      // Loaded only when a file must be parsed: a scan answered from the cache never loads the TypeScript compiler.
      extractors: extractorManifest,
      keepFacts: false,
      migrationDirs: exclusions.migrationDirs,
      ...(config.code?.include ? { include: config.code.include } : {}),
      exclude: [...(config.code?.exclude ?? []), ...exclusions.exclude],
      orm: config.orm ?? {},
      // The table asked about is a known name: files that name it in a string are read by every extractor.
      knownNames: [target.table],
    };
    let scan: ScanResult;
    try {
      scan = ref === undefined ? await scanWorktree(project.root, options) : await scanRef(project.root, ref, options);
    } catch (error) {
      if (error instanceof GitError && ref !== undefined) {
        throw new UsageError(`refs: ${error.message}${error.code === 'unknown-ref' && error.hint?.includes('shallow') ? `; ${error.hint}` : ''}`);
      }
      throw error;
    }
    const refs = referencesTo(scan.references, target);
    if (format === 'json') {
      io.stdout.write(
        `${sanitizeJson(JSON.stringify(
          {
            target: { ...(target.schema ? { schema: target.schema } : {}), table: target.table, ...(target.column ? { column: target.column } : {}) },
            source: scan.source,
            references: refs,
            diagnostics: scan.diagnostics,
            stats: scan.stats,
          },
          null,
          2,
        ))}\n`,
      );
    } else {
      writePretty(io, target, refs, scan);
      writeDiagnostics(io, scan.diagnostics);
    }
    return EXIT_CLEAN;
  },
};
