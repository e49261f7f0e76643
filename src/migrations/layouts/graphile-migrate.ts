/**
 * graphile-migrate: committed migrations in `migrations/committed/<number>[-<slug>].sql` (src/migrationFilename.ts,
 * `^([0-9]+)(-[-_a-zA-Z0-9]*)?\.sql$`), sorted by `<number>.sql` (src/migration.ts, getAllMigrations). Each file
 * starts with `--! Key: value` headers — `--! Previous: <hash of the previous migration, or ->`, `--! Hash:
 * sha1:<hex>`, optionally `--! Message:` and `--! AllowInvalidHash` — then a blank line and the body. The hash is
 * sha1 of `(previous || '') + '\n' + body.trim()` trimmed, plus `\n` (src/hash.ts); graphile-migrate refuses a file
 * whose hash does not match its body (unless AllowInvalidHash) and a chain whose `Previous` does not name the
 * migration before it. `current.sql` / `current/` is work in progress, not history: it is left out.
 * runStringMigration sends the body as one query between `begin` and `commit`, unless the body's first line is
 * `--! no-transaction` (src/header.ts): then the single query runs without BEGIN, which Postgres still runs as
 * one implicit transaction when it holds several statements.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../../diagnostic.js';
import { withoutBom } from '../blank.js';
import { migrationDiagnostic } from '../diagnostics.js';
import { joinPath, type MigrationEntry, type MigrationLayout } from '../layout.js';
import { codeUnitCompare, duplicateVersions } from '../order.js';
import { implicitTransaction } from '../transaction.js';

const FILE = /^([0-9]+)(-[-_a-zA-Z0-9]*)?\.sql$/;
const HEADER = /^--! ([A-Z][a-zA-Z0-9_]*)(?::(.*))?$/;
const HEAD_BYTES = 2048;

interface Parsed {
  headers: Map<string, string | null>;
  /** Offset of the body in the text (after the headers and their blank line). */
  bodyStart: number;
  body: string;
}

/** The headers and the body as graphile-migrate's parseMigrationText reads them. */
function parse(text: string): Parsed {
  const headers = new Map<string, string | null>();
  let offset = 0;
  for (;;) {
    const end = text.indexOf('\n', offset);
    const line = text.slice(offset, end === -1 ? text.length : end);
    const match = HEADER.exec(line);
    if (!match) break;
    headers.set(match[1]!, match[2] === undefined ? null : match[2].trim());
    if (end === -1) {
      offset = text.length;
      break;
    }
    offset = end + 1;
  }
  return { headers, bodyStart: offset, body: `${text.slice(offset).trim()}\n` };
}

function hashOf(body: string, previous: string | null): string {
  return `sha1:${createHash('sha1')
    .update(`${`${previous ?? ''}\n${body.trim()}`.trim()}\n`)
    .digest('hex')}`;
}

export const graphileMigrateLayout: MigrationLayout = {
  name: 'graphile-migrate',
  language: 'sql',

  async detect(dir, entries, repo) {
    if (!/(^|\/)committed$/.test(dir)) return undefined;
    const files = entries.files.filter((f) => FILE.test(f));
    if (files.length === 0) return undefined;
    const head = await repo.head(joinPath(dir, [...files].sort(codeUnitCompare)[0]!), HEAD_BYTES);
    if (head === undefined || !/^--! (Previous|Hash):/m.test(head)) return undefined;
    return { confidence: 0.85, reason: 'a `committed/` folder of graphile-migrate migrations (`--! Previous:` / `--! Hash:` headers)' };
  },

  async list(dir, entries) {
    const list: MigrationEntry[] = [];
    for (const file of entries.files) {
      const match = FILE.exec(file);
      if (match) list.push({ path: joinPath(dir, file), version: match[1]!, name: match[2]?.replace(/^-/, '') || match[1]! });
    }
    // Sorted by `<number>.sql` (the slug is not part of the key); numbers are zero-padded by graphile-migrate.
    list.sort((a, b) => codeUnitCompare(`${a.version}.sql`, `${b.version}.sql`) || codeUnitCompare(a.path, b.path));
    return {
      entries: list,
      diagnostics: duplicateVersions(list, 'error', 'graphile-migrate names a migration by its number: two files with one number break its chain of hashes.'),
    };
  },

  async read(entry, text, repo) {
    const source = withoutBom(text);
    const parsed = parse(source);
    const diagnostics: Diagnostic[] = [];
    const hash = parsed.headers.get('Hash');
    const previousRaw = parsed.headers.get('Previous');
    if (hash === undefined || previousRaw === undefined) {
      diagnostics.push(
        migrationDiagnostic(
          'graphile-migrate-header',
          'error',
          `The committed migration has no \`--! ${hash === undefined ? 'Hash' : 'Previous'}:\` header; graphile-migrate refuses to run it.`,
          entry.path,
          {},
          'Commit migrations with `graphile-migrate commit` rather than writing the folder by hand.',
        ),
      );
    } else {
      const previous = previousRaw && previousRaw !== '-' ? previousRaw : null;
      const actual = hashOf(parsed.body, previous);
      if (hash !== actual && !parsed.headers.has('AllowInvalidHash')) {
        diagnostics.push(
          migrationDiagnostic(
            'graphile-migrate-hash',
            'error',
            `The body does not match its \`--! Hash:\` header (it hashes to ${actual}): graphile-migrate refuses to run an edited committed migration.`,
            entry.path,
            {},
            'Do not edit committed migrations; put the change in current.sql and commit a new migration (or uncommit the last one).',
          ),
        );
      }
      const chain = await previousHash(repo, entry);
      if (chain !== undefined && chain !== previous) {
        diagnostics.push(
          migrationDiagnostic(
            'graphile-migrate-chain',
            'error',
            `\`--! Previous: ${previousRaw}\` does not name the migration before this one (${chain ?? 'none'}): graphile-migrate refuses the chain.`,
            entry.path,
          ),
        );
      }
    }
    // Only the body runs; the headers are comments to Postgres anyway, and stay in place so lines keep their numbers.
    const body = source.slice(parsed.bodyStart);
    const firstLine = body.trimStart().split('\n', 1)[0] ?? '';
    const noTransaction = /^--!\s*no-transaction\b/.test(firstLine);
    if (noTransaction) {
      return {
        sql: source,
        ...implicitTransaction(source, 'graphile-migrate runs a `--! no-transaction` migration as one query without BEGIN'),
        diagnostics,
      };
    }
    return {
      sql: source,
      transaction: 'wrapped',
      transactionScope: 'migration',
      transactionReason: 'graphile-migrate runs each committed migration between `begin` and `commit` (add `--! no-transaction` as the first line of the body to opt out)',
      diagnostics,
    };
  },
};

/**
 * The `--! Hash:` of the file sorted just before `entry` in its folder: null for the first, undefined when it
 * cannot be read (then the chain is not checked).
 */
async function previousHash(repo: Parameters<MigrationLayout['read']>[2], entry: MigrationEntry): Promise<string | null | undefined> {
  const dir = entry.path.includes('/') ? entry.path.slice(0, entry.path.lastIndexOf('/')) : '';
  const listing = await repo.list(dir);
  if (!listing) return undefined;
  const numbered = listing.files
    .map((f) => FILE.exec(f))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: m[0], key: `${m[1]}.sql` }))
    .sort((a, b) => codeUnitCompare(a.key, b.key) || codeUnitCompare(a.file, b.file));
  const at = numbered.findIndex((n) => joinPath(dir, n.file) === entry.path);
  if (at <= 0) return at === 0 ? null : undefined;
  const head = await repo.head(joinPath(dir, numbered[at - 1]!.file), HEAD_BYTES);
  if (head === undefined) return undefined;
  const hash = parse(head).headers.get('Hash');
  return hash ?? undefined;
}
