/**
 * TypeORM: classes implementing `MigrationInterface` with `up(queryRunner)`, one per file
 * (`<timestamp>-<Name>.ts`, class `<Name><timestamp>`). TypeORM orders migrations by the 13-digit JavaScript
 * timestamp at the end of the class name (or of its `name` property) and refuses a class without one
 * (src/migration/MigrationExecutor.ts, getMigrations). Transactions follow `migrationsTransactionMode`
 * (or `migration:run -t`): `all` (the default) runs every pending migration in one transaction and refuses
 * migrations that set their own `transaction`; `each` wraps each migration unless it sets `transaction = false`;
 * `none` wraps none unless it sets `transaction = true`.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { migrationDiagnostic } from '../diagnostics.js';
import { joinPath, type MigrationEntry, type MigrationLayout, type RepoFiles } from '../layout.js';
import { compareDigits, duplicateVersions } from '../order.js';
import { detectScriptFolder, folderOf, nearbyFiles, perFolder, readScript, scriptFiles, sortedEntries, type SetTransaction } from '../script-layout.js';

export const typeormLayout: MigrationLayout = {
  name: 'typeorm',
  language: 'ts',

  detect(dir, entries, repo) {
    return detectScriptFolder('typeorm', dir, entries, repo);
  },

  async list(dir, entries, repo) {
    const diagnostics: Diagnostic[] = [];
    const list: MigrationEntry[] = [];
    for (const file of scriptFiles(entries)) {
      const path = joinPath(dir, file);
      const head = (await repo.head(path, 16 * 1024)) ?? '';
      const className = /\bclass\s+([A-Za-z_$][\w$]*)/.exec(head)?.[1];
      const nameProperty = /^\s*(?:(?:public|readonly|override)\s+)*name\s*=\s*['"`]([^'"`]+)['"`]/m.exec(head)?.[1];
      const migrationName = nameProperty ?? className ?? file.replace(/\.[^.]+$/, '');
      const timestamp = /(\d{13})$/.exec(migrationName)?.[1];
      if (!timestamp) {
        diagnostics.push(
          migrationDiagnostic(
            'migration-version-missing',
            'error',
            `TypeORM refuses to run ${migrationName}: a migration class name must end with a 13-digit JavaScript timestamp.`,
            path,
            {},
            'Name the class like `AddUsers1700000000000` (what `typeorm migration:create` generates).',
          ),
        );
        continue;
      }
      list.push({ path, version: timestamp, name: migrationName.slice(0, -13) || migrationName });
    }
    const entriesSorted = sortedEntries(list, (a, b) => compareDigits(a.version, b.version));
    return { entries: entriesSorted, diagnostics: [...diagnostics, ...duplicateVersions(entriesSorted, 'warning', 'TypeORM then runs them in the order it loads the files.')] };
  },

  async read(entry, text, repo) {
    const dir = folderOf(entry.path);
    const set = await perFolder(repo, `typeorm:${dir}`, () => typeormTransaction(repo, dir));
    return readScript('typeorm', entry, text, set);
  },
};

async function typeormTransaction(repo: RepoFiles, dir: string): Promise<SetTransaction> {
  const files = await nearbyFiles(repo, dir, /^(ormconfig|data-?source|typeorm|database|db|app-data-source|orm)[\w.-]*\.(json|[cm]?[jt]s)$|^package\.json$/i);
  let mode: 'all' | 'each' | 'none' = 'all';
  let source = 'the default `migrationsTransactionMode`';
  for (const f of files) {
    const configured = /\bmigrationsTransactionMode['"]?\s*:\s*['"](all|each|none)['"]/.exec(f.text);
    const cli = /migration:run[^"\n]*?(?:-t|--transaction)[\s=]+['"]?(all|each|none|false)\b/.exec(f.text);
    const found = cli?.[1] ?? configured?.[1];
    if (found) {
      mode = found === 'false' ? 'none' : (found as 'all' | 'each' | 'none');
      source = cli ? `\`migration:run -t ${found}\` in ${f.path}` : `\`migrationsTransactionMode: '${found}'\` in ${f.path}`;
      break;
    }
  }
  const fileWrapped = 'TypeORM runs this migration in a transaction of its own';
  const fileUnwrapped = 'TypeORM runs this migration without a transaction';
  switch (mode) {
    case 'none':
      return { read: { transaction: 'none', transactionReason: `TypeORM runs migrations without a transaction (${source})` }, fileWrapped, fileUnwrapped };
    case 'each':
      return { read: { transaction: 'wrapped', transactionScope: 'migration', transactionReason: `TypeORM runs each migration in its own transaction (${source})` }, fileWrapped, fileUnwrapped };
    default:
      return {
        read: { transaction: 'wrapped', transactionScope: 'batch', transactionReason: `TypeORM runs all pending migrations in one transaction (${source}: \`all\`)` },
        fileWrapped,
        fileUnwrapped,
        switchProblem:
          "TypeORM's transaction mode is `all`, and in that mode it refuses to run a migration that sets its own `transaction` (ForbiddenTransactionModeOverrideError); set `migrationsTransactionMode: 'each'` or run `migration:run -t each`.",
      };
  }
}
