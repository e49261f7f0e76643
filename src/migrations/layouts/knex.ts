/**
 * Knex: `migrations/` (or the knexfile's `migrations.directory`) of `<timestamp>_<name>.{js,ts}` modules
 * exporting `up(knex)`, run in file-name order (lodash sortBy: code units). `migrate:latest` runs every pending
 * migration in one transaction, unless the knexfile says `disableTransactions: true` or a pending migration
 * exports `config = { transaction: false }`: then each migration runs on its own, in a transaction of its own
 * unless it opts out (lib/migrations/migrate/Migrator.js, latest/_useTransaction).
 */
import type { MigrationLayout, RepoFiles } from '../layout.js';
import { codeUnitCompare, naturalCompare } from '../order.js';
import { detectScriptFolder, folderOf, nearbyFiles, numberedEntry, perFolder, readScript, scriptFiles, sortedEntries, type SetTransaction } from '../script-layout.js';

export const knexLayout: MigrationLayout = {
  name: 'knex',
  language: 'ts',

  detect(dir, entries, repo) {
    return detectScriptFolder('knex', dir, entries, repo);
  },

  async list(dir, entries) {
    const files = scriptFiles(entries);
    const list = files.map((f) => numberedEntry(dir, f));
    // Files named by release (`2.5.12.js`) come with a custom migration source sorting them as versions:
    // in code-unit order 2.5.108 would run before 2.5.12, which no project intends.
    const versions = files.length > 0 && files.every((f) => /^\d+(\.\d+)+([-.][\w.-]*)?\.[cm]?[jt]s$/.test(f));
    return { entries: sortedEntries(list, (a, b) => (versions ? naturalCompare(a.path, b.path) : codeUnitCompare(a.path, b.path))), diagnostics: [] };
  },

  async read(entry, text, repo) {
    const dir = folderOf(entry.path);
    const set = await perFolder(repo, `knex:${dir}`, () => knexTransaction(repo, dir));
    return readScript('knex', entry, text, set);
  },
};

async function knexTransaction(repo: RepoFiles, dir: string): Promise<SetTransaction> {
  const knexfiles = await nearbyFiles(repo, dir, /^knexfile\.[cm]?[jt]s$/i);
  const disabled = knexfiles.find((f) => /\bdisableTransactions\s*:\s*true\b/.test(f.text));
  const perMigration = 'Knex runs a migration that sets `config.transaction = true` in a transaction of its own';
  if (disabled) {
    return {
      read: { transaction: 'none', transactionReason: `${disabled.path} sets \`disableTransactions: true\`: Knex runs the migration without a transaction` },
      fileWrapped: perMigration,
      fileUnwrapped: 'Knex runs this migration without a transaction',
    };
  }
  return {
    read: {
      transaction: 'wrapped',
      transactionScope: 'batch',
      transactionReason: 'Knex (`migrate:latest`) runs all pending migrations in one transaction',
    },
    fileWrapped: perMigration,
    fileUnwrapped: 'Knex runs this migration without a transaction',
  };
}
