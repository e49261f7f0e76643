/**
 * Test support for extractor tests: load a fixture app from disk, extract every file, link the facts, and
 * format References as one-line strings (`users.email read certain explicit src/a.ts:12`) that a test
 * compares with an expected list.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Extractor } from '../../src/code/extractor.js';
import { extractFile, isScriptPath } from '../../src/code/extract-file.js';
import type { FileFacts } from '../../src/code/facts.js';
import { linkFacts, type OrmConfig } from '../../src/code/link.js';
import type { CodeContext, Reference } from '../../src/code/reference.js';
import { parseSqlFile } from '../../src/sql/statements.js';

export const FIXTURES_ROOT = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** Folders never scanned as application code (dependencies, build output, migrations). */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', '.git', 'migrations', 'drizzle']);

/** A fixture's files: repository-relative path (forward slashes, relative to the app root) → text. */
export type FixtureFiles = Map<string, string>;

/** Reads every file of `fixtures/<dir>` (e.g. `apps/prisma`) except skipped folders. */
export function loadFixture(dir: string, options: { skipDirs?: readonly string[] } = {}): FixtureFiles {
  const root = join(FIXTURES_ROOT, dir);
  const skip = new Set([...SKIPPED_DIRS, ...(options.skipDirs ?? [])]);
  const files: FixtureFiles = new Map();
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const child = join(abs, entry.name);
      if (entry.isDirectory()) {
        if (!skip.has(entry.name)) walk(child);
      } else if (entry.isFile()) {
        files.set(relative(root, child).split(sep).join('/'), readFileSync(child, 'utf8'));
      }
    }
  };
  walk(root);
  return files;
}

/** The scanner decides context properly; tests use this simple rule. */
export function fixtureContext(path: string): CodeContext {
  if (/(^|\/)(test|tests|__tests__)\//.test(path) || /\.(test|spec)\.[cm]?[jt]sx?$/.test(path)) return 'test';
  if (/(^|\/)scripts?\//.test(path) || /(^|\/)seed\.[cm]?[jt]s$/.test(path)) return 'script';
  return 'app';
}

/** Extracts every script file (and any file an extractor claims by extension). */
export function extractFixture(files: FixtureFiles, extractors: readonly Extractor[]): FileFacts[] {
  const facts: FileFacts[] = [];
  for (const [path, text] of files) {
    const claimed = isScriptPath(path) || extractors.some((e) => e.extraExtensions?.some((ext) => path.endsWith(ext)));
    if (!claimed) continue;
    facts.push(extractFile(path, text, fixtureContext(path), extractors));
  }
  return facts;
}

/** Load, extract, link: the References of a fixture app. */
export function fixtureReferences(dir: string, extractors: readonly Extractor[], orm: OrmConfig = {}): { references: Reference[]; facts: FileFacts[] } {
  const facts = extractFixture(loadFixture(dir), extractors);
  return { references: linkFacts(facts, extractors, orm), facts };
}

/**
 * `[schema.]table[.column] kind[(insert columns)] confidence implicit|explicit [context] path:line`; the context
 * is printed only when it is not `app`, so most expectations stay short.
 */
export function formatReference(ref: Reference): string {
  const name = [ref.schema, ref.table, ref.column].filter((part) => part !== undefined).join('.');
  const kind = ref.kind === 'insert' && ref.insertColumns ? `insert(${ref.insertColumns.join(',')})` : ref.kind;
  const context = ref.context === 'app' ? '' : ` ${ref.context}`;
  return `${name} ${kind} ${ref.confidence} ${ref.implicit ? 'implicit' : 'explicit'}${context} ${ref.location.path}:${ref.location.line}`;
}

/** Formatted references, sorted by path, line, then text, so expectations read top to bottom through the app. */
export function formatReferences(references: readonly Reference[]): string[] {
  return [...references]
    .sort((a, b) => a.location.path.localeCompare(b.location.path) || a.location.line - b.location.line || a.location.column - b.location.column)
    .map(formatReference);
}

/** Formatted references located in one file. */
export function referencesIn(lines: readonly string[], path: string): string[] {
  return lines.filter((line) => line.slice(line.lastIndexOf(' ') + 1, line.lastIndexOf(':')) === path);
}

/**
 * `schema.table.column` of every column the fixture's migrations create (CREATE TABLE only), read with the
 * project's SQL parser (call `loadParser()` first), so tests can check fixtures' declarations against them.
 */
export function migrationColumns(dir: string, migrationFiles: readonly string[]): string[] {
  const root = join(FIXTURES_ROOT, dir);
  const columns: string[] = [];
  for (const file of migrationFiles) {
    const sql = parseSqlFile(file, readFileSync(join(root, file), 'utf8'));
    for (const statement of sql.statements) {
      if (statement.type !== 'CreateStmt') continue;
      const relation = statement.node.relation as { schemaname?: string; relname: string };
      for (const element of (statement.node.tableElts ?? []) as { ColumnDef?: { colname: string } }[]) {
        if (element.ColumnDef) columns.push(`${relation.schemaname ?? 'public'}.${relation.relname}.${element.ColumnDef.colname}`);
      }
    }
  }
  return columns.sort();
}
