/**
 * Prisma Migrate: `<dir>/<timestamp>_<name>/migration.sql`, beside `migration_lock.toml`; every sub-folder
 * is a migration, applied in folder-name order. On Postgres the schema engine sends the whole script as
 * one simple-protocol query and adds no BEGIN/COMMIT of its own (prisma-engines ARCHITECTURE.md, "the
 * migration engine will never implicitly wrap migrations in a transaction"), so Postgres runs a script of
 * several statements as one implicit transaction, which is why CREATE INDEX CONCURRENTLY only works alone
 * in its migration (prisma/orm#14456, #22922).
 */
import type { Diagnostic } from '../../diagnostic.js';
import { withoutBom } from '../blank.js';
import { migrationDiagnostic } from '../diagnostics.js';
import { joinPath, type MigrationEntry, type MigrationLayout, type RepoFiles } from '../layout.js';
import { codeUnitCompare } from '../order.js';
import { implicitTransaction } from '../transaction.js';

const LOCK = 'migration_lock.toml';
const SCRIPT = 'migration.sql';

export const prismaLayout: MigrationLayout = {
  name: 'prisma',
  language: 'sql',

  async detect(dir, entries, repo) {
    if (entries.files.includes(LOCK)) return { confidence: 0.9, reason: LOCK };
    const candidate = entries.dirs.find((d) => /^\d+_/.test(d));
    if (!candidate) return undefined;
    const inside = await repo.list(joinPath(dir, candidate));
    // Drizzle Kit 1.x folders look the same but carry a snapshot.json.
    if (!inside?.files.includes(SCRIPT) || inside.files.includes('snapshot.json')) return undefined;
    return { confidence: 0.7, reason: `${candidate}/${SCRIPT}` };
  },

  async list(dir, entries, repo) {
    const diagnostics: Diagnostic[] = [];
    const list: MigrationEntry[] = [];
    for (const folder of [...entries.dirs].sort(codeUnitCompare)) {
      const inside = await repo.list(joinPath(dir, folder));
      if (!inside?.files.includes(SCRIPT)) {
        diagnostics.push(
          migrationDiagnostic(
            'prisma-migration-missing-sql',
            'error',
            `The migration folder ${folder} has no ${SCRIPT}; \`prisma migrate deploy\` fails on it.`,
            joinPath(dir, folder),
            {},
            `Add the ${SCRIPT} or delete the folder.`,
          ),
        );
        continue;
      }
      const match = /^(\d+)_(.*)$/.exec(folder);
      list.push({ path: joinPath(joinPath(dir, folder), SCRIPT), version: match ? match[1]! : folder, name: match ? match[2]! : folder });
    }
    if (entries.files.includes(LOCK)) diagnostics.push(...(await providerProblems(joinPath(dir, LOCK), repo)));
    return { entries: list, diagnostics };
  },

  async read(_entry, text) {
    const sql = withoutBom(text);
    return { sql, ...implicitTransaction(sql, 'Prisma Migrate sends migration.sql to Postgres as one query'), diagnostics: [] };
  },
};

async function providerProblems(lockPath: string, repo: RepoFiles): Promise<Diagnostic[]> {
  const read = await repo.read(lockPath);
  if (!read.ok) return [];
  const text = new TextDecoder().decode(read.bytes);
  const match = /^[ \t]*provider[ \t]*=[ \t]*"([^"]*)"/m.exec(text);
  if (!match || ['postgresql', 'postgres', 'cockroachdb'].includes(match[1]!)) return [];
  const line = text.slice(0, match.index).split('\n').length;
  return [
    migrationDiagnostic(
      'migration-dialect',
      'warning',
      `${LOCK} says provider = "${match[1]}"; rollsafe reads PostgreSQL migrations only.`,
      lockPath,
      { line },
    ),
  ];
}
