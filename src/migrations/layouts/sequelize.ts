/**
 * Sequelize CLI: `migrations/` (or `.sequelizerc`'s `migrations-path`) of `<timestamp>-<name>.js` modules
 * exporting `up(queryInterface, Sequelize)`, run in file-name order by umzug. sequelize-cli opens no
 * transaction: each query autocommits unless the migration wraps its calls in
 * `queryInterface.sequelize.transaction()` (read as BEGIN/COMMIT by the script reader).
 */
import type { MigrationLayout } from '../layout.js';
import { codeUnitCompare } from '../order.js';
import { detectScriptFolder, numberedEntry, readScript, scriptFiles, sortedEntries } from '../script-layout.js';

export const sequelizeLayout: MigrationLayout = {
  name: 'sequelize',
  language: 'ts',

  detect(dir, entries, repo) {
    return detectScriptFolder('sequelize', dir, entries, repo);
  },

  async list(dir, entries) {
    const list = scriptFiles(entries).map((f) => numberedEntry(dir, f));
    return { entries: sortedEntries(list, (a, b) => codeUnitCompare(a.path, b.path)), diagnostics: [] };
  },

  async read(entry, text) {
    const unwrapped = 'sequelize-cli runs migrations without a transaction: each query commits on its own';
    return readScript('sequelize', entry, text, { read: { transaction: 'none', transactionReason: unwrapped }, fileWrapped: unwrapped, fileUnwrapped: unwrapped });
  },
};
