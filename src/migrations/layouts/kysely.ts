/**
 * Kysely: a folder read by `FileMigrationProvider` (kysely-ctl: `migrations/`), one module per migration
 * exporting `up(db: Kysely<…>)`; the migration name is the file name without its extension and the Migrator
 * sorts names with `localeCompare`. On Postgres (transactional DDL) the Migrator runs all pending migrations
 * in one transaction unless `disableTransactions: true` (src/migration/migrator.ts, #migrate).
 */
import type { MigrationLayout, RepoFiles } from '../layout.js';
import { detectScriptFolder, folderOf, nearbyFiles, perFolder, readScript, scriptFiles, sortedEntries, type SetTransaction } from '../script-layout.js';
import { joinPath } from '../layout.js';

export const kyselyLayout: MigrationLayout = {
  name: 'kysely',
  language: 'ts',

  detect(dir, entries, repo) {
    return detectScriptFolder('kysely', dir, entries, repo);
  },

  async list(dir, entries) {
    const list = scriptFiles(entries).map((file) => {
      const name = file.slice(0, file.lastIndexOf('.'));
      const version = /^\d+/.exec(name)?.[0] ?? name;
      return { path: joinPath(dir, file), version, name: name.replace(/^\d+[-_.]?/, '') || name };
    });
    const nameOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1, path.lastIndexOf('.'));
    return { entries: sortedEntries(list, (a, b) => nameOf(a.path).localeCompare(nameOf(b.path), 'en')), diagnostics: [] };
  },

  async read(entry, text, repo) {
    const dir = folderOf(entry.path);
    const set = await perFolder(repo, `kysely:${dir}`, () => kyselyTransaction(repo, dir));
    return readScript('kysely', entry, text, set);
  },
};

async function kyselyTransaction(repo: RepoFiles, dir: string): Promise<SetTransaction> {
  const configs = await nearbyFiles(repo, dir, /^kysely\.config\.[cm]?[jt]s$|migrat\w*\.[cm]?[jt]s$/i);
  const disabled = configs.find((f) => /\bdisableTransactions\s*:\s*true\b/.test(f.text));
  const unwrapped = 'Kysely runs this migration without a transaction';
  if (disabled) {
    return {
      read: { transaction: 'none', transactionReason: `${disabled.path} sets \`disableTransactions: true\`: Kysely's Migrator runs migrations without a transaction` },
      fileWrapped: unwrapped,
      fileUnwrapped: unwrapped,
    };
  }
  return {
    read: { transaction: 'wrapped', transactionScope: 'batch', transactionReason: "Kysely's Migrator runs all pending migrations in one transaction on Postgres" },
    fileWrapped: unwrapped,
    fileUnwrapped: unwrapped,
  };
}
