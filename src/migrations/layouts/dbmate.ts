/**
 * dbmate: `<version>_<name>.sql` files (pattern `^(\d+).*\.sql$`) in file-name order, each with
 * `-- migrate:up [options]` … `-- migrate:down` sections; only the up parts run (pkg/dbmate/db.go,
 * migration.go). Since 2.x a file may hold several up/down sections, each applied on its own, and a file
 * without a down section or with statements before the first up is refused.
 * Each up part runs in a transaction unless its directive says `transaction:false`; then dbmate calls Exec
 * outside a transaction, and lib/pq sends the part as one simple query, which Postgres still runs as one
 * implicit transaction when it holds several statements (amacneil/dbmate#126).
 */
import type { Diagnostic } from '../../diagnostic.js';
import { keepOnly, withoutBom } from '../blank.js';
import { migrationDiagnostic, problemAtOffset } from '../diagnostics.js';
import { joinPath, type LayoutRead, type MigrationEntry, type MigrationLayout } from '../layout.js';
import { codeUnitCompare, duplicateVersions } from '../order.js';
import { implicitTransaction } from '../transaction.js';

const FILE = /^(\d+)(.*)\.sql$/;
const UP = /^--[ \t]*migrate:up(?!\S)/gm;
const DOWN = /^--[ \t]*migrate:down(?!\S)/gm;
const HEAD_BYTES = 4096;

export const dbmateLayout: MigrationLayout = {
  name: 'dbmate',
  language: 'sql',

  async detect(dir, entries, repo) {
    const files = entries.files.filter((f) => FILE.test(f));
    for (const file of files.slice(0, 3)) {
      const head = await repo.head(joinPath(dir, file), HEAD_BYTES);
      if (head !== undefined && new RegExp(UP.source, 'm').test(head)) return { confidence: 0.75, reason: '-- migrate:up sections' };
    }
    return undefined;
  },

  async list(dir, entries) {
    const list: MigrationEntry[] = [];
    for (const file of [...entries.files].sort(codeUnitCompare)) {
      const match = FILE.exec(file);
      if (match) list.push({ path: joinPath(dir, file), version: match[1]!, name: match[2]!.replace(/^[_-]/, '') });
    }
    return {
      entries: list,
      diagnostics: duplicateVersions(list, 'error', 'dbmate records migrations by version, so it would take the second one for applied and never run it.'),
    };
  },

  async read(entry, text) {
    const source = withoutBom(text);
    const diagnostics: Diagnostic[] = [];
    const ups = [...source.matchAll(UP)].map((m) => m.index);
    if (ups.length === 0) {
      diagnostics.push(
        migrationDiagnostic('dbmate-missing-up', 'error', 'The file has no `-- migrate:up` line; dbmate refuses to run it.', entry.path, {}, 'Start the migration with `-- migrate:up`.'),
      );
      return { sql: keepOnly(source, []), transaction: 'none', transactionReason: 'dbmate refuses a migration without `-- migrate:up`; nothing runs.', diagnostics };
    }
    const before = source.slice(0, ups[0]);
    const stray = before.split('\n').findIndex((line) => line.trim() !== '' && !/^\s*--/.test(line));
    if (stray !== -1) {
      diagnostics.push(
        migrationDiagnostic('dbmate-statements-before-up', 'error', 'dbmate refuses SQL before the first `-- migrate:up`; it is not part of the up migration.', entry.path, { line: stray + 1 }),
      );
    }

    const runs: Array<readonly [number, number]> = [];
    const modes: Array<Pick<LayoutRead, 'transaction' | 'transactionReason' | 'transactionScope'>> = [];
    ups.forEach((start, i) => {
      const sectionEnd = ups[i + 1] ?? source.length;
      const section = source.slice(start, sectionEnd);
      const downs = [...section.matchAll(DOWN)].map((m) => start + m.index);
      if (downs.length === 0) {
        diagnostics.push(
          migrationDiagnostic('dbmate-missing-down', 'warning', 'This up section has no `-- migrate:down`; dbmate 2.x refuses such a migration.', entry.path, problemAtOffset(source, start)),
        );
      } else if (downs.length > 1) {
        diagnostics.push(
          migrationDiagnostic('dbmate-multiple-down', 'error', 'Two `-- migrate:down` lines follow one `-- migrate:up`; dbmate refuses the file.', entry.path, problemAtOffset(source, downs[1]!)),
        );
      }
      const upEnd = downs[0] ?? sectionEnd;
      runs.push([start, upEnd]);
      const directive = source.slice(start, source.indexOf('\n', start) === -1 ? upEnd : source.indexOf('\n', start));
      const options = new Map(
        directive
          .replace(/^--[ \t]*migrate:up/, '')
          .trim()
          .split(/\s+/)
          .map((pair) => pair.split(':'))
          .filter((pair) => pair.length === 2)
          .map(([k, v]) => [k!, v!] as const),
      );
      modes.push(
        options.get('transaction') === 'false'
          ? implicitTransaction(source.slice(start, upEnd), 'dbmate runs this up section outside a transaction (`transaction:false`), but lib/pq sends it as one query')
          : { transaction: 'wrapped', transactionScope: 'migration', transactionReason: 'dbmate runs the up section in a transaction.' },
      );
    });

    return { sql: keepOnly(source, runs), ...combine(modes), diagnostics };
  },
};

function combine(modes: Array<Pick<LayoutRead, 'transaction' | 'transactionReason' | 'transactionScope'>>): Pick<LayoutRead, 'transaction' | 'transactionReason' | 'transactionScope'> {
  if (modes.length === 1) return modes[0]!;
  const same = modes.every((m) => m.transaction === modes[0]!.transaction && m.transactionScope === modes[0]!.transactionScope);
  const reasons = modes.map((m, i) => `section ${i + 1}: ${m.transactionReason}`).join(' ');
  const reason = `dbmate applies each of the ${modes.length} up sections separately; ${reasons}`;
  return same ? { ...modes[0]!, transactionReason: reason } : { transaction: 'none', transactionReason: reason };
}
