/**
 * node-pg-migrate: `migrations/` of `<timestamp>_<name>.{js,ts}` modules exporting `up(pgm)`, sorted by
 * their numeric prefix, then by name (src/utils/comparators.ts). The CLI runs all pending migrations in one
 * transaction (`--single-transaction`, on unless `--no-single-transaction`); a migration calling
 * `pgm.noTransaction()` breaks out of it and runs without one (src/migration.ts, apply).
 */
import type { MigrationLayout, RepoFiles } from '../layout.js';
import { compareDigits, naturalCompare } from '../order.js';
import { detectScriptFolder, folderOf, nearbyFiles, numberedEntry, perFolder, readScript, scriptFiles, sortedEntries, type SetTransaction } from '../script-layout.js';

export const nodePgMigrateLayout: MigrationLayout = {
  name: 'node-pg-migrate',
  language: 'ts',

  detect(dir, entries, repo) {
    return detectScriptFolder('node-pg-migrate', dir, entries, repo);
  },

  async list(dir, entries) {
    const list = scriptFiles(entries).map((f) => numberedEntry(dir, f));
    const digits = (v: string): string => (/^\d+$/.test(v) ? v : '');
    return {
      entries: sortedEntries(list, (a, b) => compareDigits(digits(a.version) || '0', digits(b.version) || '0') || naturalCompare(a.path, b.path)),
      diagnostics: [],
    };
  },

  async read(entry, text, repo) {
    const dir = folderOf(entry.path);
    const set = await perFolder(repo, `node-pg-migrate:${dir}`, () => nodePgMigrateTransaction(repo, dir));
    return readScript('node-pg-migrate', entry, text, set);
  },
};

async function nodePgMigrateTransaction(repo: RepoFiles, dir: string): Promise<SetTransaction> {
  const manifests = await nearbyFiles(repo, dir, /^package\.json$/);
  const separate = manifests.find((f) => /node-pg-migrate[^"\n]*--no-single-transaction/.test(f.text));
  const fileUnwrapped = 'node-pg-migrate runs this migration outside any transaction (it commits the run transaction first)';
  if (separate) {
    return {
      read: { transaction: 'wrapped', transactionScope: 'migration', transactionReason: `node-pg-migrate runs each migration in its own transaction (\`--no-single-transaction\` in ${separate.path})` },
      fileWrapped: 'node-pg-migrate runs this migration in a transaction',
      fileUnwrapped,
    };
  }
  return {
    read: { transaction: 'wrapped', transactionScope: 'batch', transactionReason: 'node-pg-migrate runs all pending migrations in one transaction (`--single-transaction` is on by default)' },
    fileWrapped: 'node-pg-migrate runs this migration in a transaction',
    fileUnwrapped,
  };
}
