/**
 * Drizzle Kit. Up to 0.x: `<out>/<tag>.sql` in the order of `meta/_journal.json` entries; from 1.x
 * (`drizzle-kit up`): `<out>/<timestamp>_<name>/migration.sql` (+ `snapshot.json`) in folder-name order.
 * The migrator (drizzle-orm `readMigrationFiles` + pg-core `dialect.migrate`) cuts each file at
 * `--> statement-breakpoint`, runs the pieces one by one and wraps *all pending migrations of the run* in one
 * `session.transaction` (also drizzle-team/drizzle-orm#3249). It applies an entry only when its journal
 * `when` is later than the last applied one.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { withoutBom } from '../blank.js';
import { migrationDiagnostic, problemAtOffset } from '../diagnostics.js';
import { compareStrings } from '../../compare.js';
import { joinPath, type FolderEntries, type MigrationEntry, type MigrationLayout, type MigrationListing, type RepoFiles } from '../layout.js';
import { naturalCompare } from '../order.js';

const JOURNAL = 'meta/_journal.json';
const BREAKPOINT = '--> statement-breakpoint';

export const drizzleLayout: MigrationLayout = {
  name: 'drizzle',
  language: 'sql',

  async detect(dir, entries, repo) {
    if (entries.dirs.includes('meta') && (await repo.list(joinPath(dir, 'meta')))?.files.includes('_journal.json')) {
      return { confidence: 0.9, reason: JOURNAL };
    }
    const candidate = entries.dirs.find((d) => /^\d{14}_/.test(d));
    if (!candidate) return undefined;
    const inside = await repo.list(joinPath(dir, candidate));
    if (inside?.files.includes('migration.sql') && inside.files.includes('snapshot.json')) {
      return { confidence: 0.95, reason: `${candidate}/migration.sql with snapshot.json` };
    }
    return undefined;
  },

  async list(dir, entries, repo) {
    if (entries.dirs.includes('meta') && (await repo.list(joinPath(dir, 'meta')))?.files.includes('_journal.json')) {
      return listFromJournal(dir, entries, repo);
    }
    return listFolders(dir, entries, repo);
  },

  async read(_entry, text) {
    const sql = withoutBom(text);
    const statementBreaks: number[] = [];
    for (let at = sql.indexOf(BREAKPOINT); at !== -1; at = sql.indexOf(BREAKPOINT, at + BREAKPOINT.length)) statementBreaks.push(at);
    return {
      sql,
      transaction: 'wrapped',
      transactionScope: 'batch',
      transactionReason:
        'drizzle-kit migrate (and migrate() of drizzle-orm) runs every pending migration of the run inside one transaction.',
      statementBreaks,
      diagnostics: [],
    };
  },
};

interface JournalEntry {
  tag: string;
  when: number;
}

async function listFromJournal(dir: string, entries: FolderEntries, repo: RepoFiles): Promise<MigrationListing> {
  const journalPath = joinPath(dir, JOURNAL);
  const diagnostics: Diagnostic[] = [];
  const read = await repo.read(journalPath);
  const text = read.ok ? new TextDecoder().decode(read.bytes) : '';
  const parsed = read.ok ? parseJournal(text, journalPath, diagnostics) : undefined;
  if (!read.ok) diagnostics.push(migrationDiagnostic('drizzle-journal-invalid', 'error', `${JOURNAL} cannot be read: ${read.message}`, journalPath));
  const sqlFiles = entries.files.filter((f) => f.endsWith('.sql'));

  if (!parsed) {
    // Keep going with the files in natural order, so the rest of the run still sees the history.
    const list = sqlFiles.sort(naturalCompare).map((file) => entryFor(dir, file.slice(0, -4), {}));
    return { entries: list, diagnostics };
  }

  if (parsed.dialect !== undefined && !['postgresql', 'pg', 'postgres'].includes(parsed.dialect)) {
    diagnostics.push(
      migrationDiagnostic('migration-dialect', 'warning', `The journal's dialect is "${parsed.dialect}"; rollsafe reads PostgreSQL migrations only.`, journalPath, lineOf(text, '"dialect"')),
    );
  }

  const list: MigrationEntry[] = [];
  const tags = new Set<string>();
  let latest: JournalEntry | undefined;
  for (const entry of parsed.entries) {
    const at = lineOf(text, `"${entry.tag}"`);
    if (tags.has(entry.tag)) {
      diagnostics.push(
        migrationDiagnostic('migration-duplicate-version', 'error', `The journal lists ${entry.tag} twice; the migrator would run it twice.`, journalPath, at),
      );
      continue;
    }
    tags.add(entry.tag);
    if (!entries.files.includes(`${entry.tag}.sql`)) {
      diagnostics.push(
        migrationDiagnostic(
          'drizzle-journal-missing-file',
          'error',
          `The journal names ${entry.tag}, but ${entry.tag}.sql is not in ${dir || '.'}; the migrator stops there.`,
          journalPath,
          at,
          'Restore the file, or remove its entry with `drizzle-kit drop`.',
        ),
      );
      continue;
    }
    if (latest && entry.when <= latest.when) {
      diagnostics.push(
        migrationDiagnostic(
          'migration-order',
          'warning',
          `${entry.tag} has "when" ${entry.when}, not later than ${latest.tag} (${latest.when}); on a database that already ran ${latest.tag}, the migrator skips it.`,
          journalPath,
          at,
          'Give it a "when" later than every earlier entry.',
        ),
      );
    }
    if (!latest || entry.when > latest.when) latest = entry;
    list.push(entryFor(dir, entry.tag, { when: String(entry.when) }));
  }
  for (const file of sqlFiles) {
    if (!tags.has(file.slice(0, -4))) {
      diagnostics.push(
        migrationDiagnostic('migration-not-in-journal', 'warning', `${file} is not in ${JOURNAL}; the migrator never runs it.`, joinPath(dir, file)),
      );
    }
  }
  return { entries: list, diagnostics };
}

function parseJournal(text: string, path: string, diagnostics: Diagnostic[]): { dialect?: string; entries: JournalEntry[] } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const at = jsonErrorOffset(text);
    const where = at === undefined ? {} : problemAtOffset(text, at, at + 1);
    diagnostics.push(migrationDiagnostic('drizzle-journal-invalid', 'error', `${JOURNAL} is not valid JSON; the migrator cannot read it.`, path, where));
    return undefined;
  }
  const raw = typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : undefined;
  if (!raw || !Array.isArray(raw.entries)) {
    diagnostics.push(migrationDiagnostic('drizzle-journal-invalid', 'error', `${JOURNAL} has no "entries" list.`, path));
    return undefined;
  }
  const entries: JournalEntry[] = [];
  raw.entries.forEach((item: unknown, index: number) => {
    const e = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
    if (typeof e.tag === 'string' && typeof e.when === 'number') entries.push({ tag: e.tag, when: e.when });
    else {
      diagnostics.push(
        migrationDiagnostic('drizzle-journal-invalid', 'error', `Entry ${index} of ${JOURNAL} has no string "tag" and numeric "when"; it was skipped.`, path, typeof e.tag === 'string' ? lineOf(text, `"${e.tag}"`) : {}),
      );
    }
  });
  return { dialect: typeof raw.dialect === 'string' ? raw.dialect : undefined, entries };
}

async function listFolders(dir: string, entries: FolderEntries, repo: RepoFiles): Promise<MigrationListing> {
  const diagnostics: Diagnostic[] = [];
  const list: MigrationEntry[] = [];
  // The 1.x migrator sorts folder names with localeCompare (in its own process's locale, which rollsafe cannot
  // know) and skips folders without migration.sql. Folder names start with a 14-digit timestamp, where every
  // locale agrees with code-point order; past it, rollsafe's order must not depend on the locale it runs in
  // (cs_CZ sorts "ch" after "h"): code-unit order (compareStrings), as everywhere else.
  for (const folder of [...entries.dirs].sort(compareStrings)) {
    const inside = await repo.list(joinPath(dir, folder));
    if (!inside?.files.includes('migration.sql')) {
      diagnostics.push(
        migrationDiagnostic('migration-file-ignored', 'info', `${folder} has no migration.sql; the Drizzle migrator ignores it.`, joinPath(dir, folder)),
      );
      continue;
    }
    const match = /^(\d{14})_?(.*)$/.exec(folder);
    list.push({ path: joinPath(joinPath(dir, folder), 'migration.sql'), version: match ? match[1]! : folder, name: match?.[2] || folder });
  }
  return { entries: list, diagnostics };
}

function entryFor(dir: string, tag: string, extra: Record<string, string>): MigrationEntry {
  const match = /^(\d+)_(.*)$/.exec(tag);
  return { path: joinPath(dir, `${tag}.sql`), version: match ? match[1]! : tag, name: match ? match[2]! : tag, extra };
}

function lineOf(text: string, needle: string): { line?: number; column?: number; length?: number } {
  const at = text.indexOf(needle);
  return at === -1 ? {} : problemAtOffset(text, at, at + needle.length);
}

/**
 * Offset of the first character that cannot continue valid JSON: the shortest prefix that fails to parse for
 * a reason other than ending too early (V8 does not always give a position, e.g. for a trailing comma).
 */
function jsonErrorOffset(text: string): number | undefined {
  const validPrefix = (length: number): boolean => {
    try {
      JSON.parse(text.slice(0, length));
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : '';
      if (/end of JSON input/.test(message)) return true;
      const position = /position (\d+)/.exec(message);
      return position !== null && Number(position[1]) >= length;
    }
  };
  if (validPrefix(text.length)) return undefined;
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (validPrefix(mid)) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}
