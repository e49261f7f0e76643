/**
 * MikroORM: `migrations/` (config `migrations.path` / `pathTs`) of `Migration<timestamp>[_name].{ts,js}`
 * classes extending `Migration`, whose `up()` queues SQL with `this.addSql()`; run in file-name order.
 * By default each migration runs in a transaction (`transactional`) inside one master transaction for the
 * whole run (`allOrNothing`); a class overriding `isTransactional()` to return false runs without one
 * (packages/migrations/src/MigrationRunner.ts).
 */
import type { MigrationLayout, RepoFiles } from '../layout.js';
import { joinPath } from '../layout.js';
import { codeUnitCompare } from '../order.js';
import { detectScriptFolder, folderOf, nearbyFiles, perFolder, readScript, scriptFiles, sortedEntries, type SetTransaction } from '../script-layout.js';

export const mikroOrmLayout: MigrationLayout = {
  name: 'mikro-orm',
  language: 'ts',

  detect(dir, entries, repo) {
    return detectScriptFolder('mikro-orm', dir, entries, repo);
  },

  async list(dir, entries) {
    const list = scriptFiles(entries).map((file) => {
      const stem = file.slice(0, file.lastIndexOf('.'));
      const match = /^Migration(\d+)(?:[-_](.*))?$/.exec(stem);
      return { path: joinPath(dir, file), version: match?.[1] ?? stem, name: match?.[2] || stem };
    });
    return { entries: sortedEntries(list, (a, b) => codeUnitCompare(a.path, b.path)), diagnostics: [] };
  },

  async read(entry, text, repo) {
    const dir = folderOf(entry.path);
    const set = await perFolder(repo, `mikro-orm:${dir}`, () => mikroOrmTransaction(repo, dir));
    return readScript('mikro-orm', entry, text, set);
  },
};

async function mikroOrmTransaction(repo: RepoFiles, dir: string): Promise<SetTransaction> {
  const configs = await nearbyFiles(repo, dir, /^mikro-orm\.config\.[cm]?[jt]s$/i);
  const unwrapped = 'MikroORM runs this migration without a transaction';
  const wrapped = 'MikroORM runs this migration in a transaction';
  const off = configs.find((f) => /\btransactional\s*:\s*false\b/.test(f.text));
  if (off) return { read: { transaction: 'none', transactionReason: `${off.path} sets \`transactional: false\`: MikroORM runs migrations without a transaction` }, fileWrapped: wrapped, fileUnwrapped: unwrapped };
  const each = configs.find((f) => /\ballOrNothing\s*:\s*false\b/.test(f.text));
  if (each) {
    return {
      read: { transaction: 'wrapped', transactionScope: 'migration', transactionReason: `MikroORM runs each migration in its own transaction (${each.path} sets \`allOrNothing: false\`)` },
      fileWrapped: wrapped,
      fileUnwrapped: unwrapped,
    };
  }
  return {
    read: { transaction: 'wrapped', transactionScope: 'batch', transactionReason: 'MikroORM runs all pending migrations in one master transaction (`allOrNothing`)' },
    fileWrapped: wrapped,
    fileUnwrapped: unwrapped,
  };
}
