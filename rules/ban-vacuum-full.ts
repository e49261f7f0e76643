import { defineRule } from '../src/engine/rule.js';
import { isExisting, lockInfo } from '../src/engine/locks.js';
import { formatQualified } from '../src/sql/quote.js';

export default defineRule({
  id: 'ban-vacuum-full',
  family: 'lock',
  severity: 'error',
  summary: 'VACUUM FULL rewrites the table under an ACCESS EXCLUSIVE lock: no reads or writes until the copy ends.',
  docs: {
    problem: `\`VACUUM FULL\` writes a compacted copy of the table and rebuilds its indexes while holding an
\`ACCESS EXCLUSIVE\` lock: nothing can read or write the table until it finishes, and it needs as much free disk
as the table. Without a table name it does this to every table of the database, one after another. It also
cannot run inside a transaction block.`,
    solution: `Plain \`VACUUM\` (no \`FULL\`) reclaims space for reuse without blocking reads or writes. To give space
back to the operating system online, use an extension that rebuilds the table concurrently, such as
\`pg_repack\` or \`pg_squeeze\`, outside the migration:

\`\`\`sql
VACUUM (ANALYZE) orders;
\`\`\`

Tables created by the same change set are not reported.`,
    examples: {
      invalid: [{ title: 'Compacting a table in use', history: 'CREATE TABLE orders (id bigint PRIMARY KEY);', sql: 'VACUUM FULL orders;' }],
      valid: [{ title: 'Plain VACUUM', history: 'CREATE TABLE orders (id bigint PRIMARY KEY);', sql: 'VACUUM (ANALYZE) orders;' }],
    },
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      if (change.kind !== 'vacuum' || !change.full) continue;
      const tables = change.tables.filter((t) => isExisting(ctx, step.before, t));
      if (change.tables.length > 0 && tables.length === 0) continue;
      const what = tables.length ? tables.map((t) => formatQualified(t)).join(', ') : 'every table of the database';
      ctx.report({
        message: `VACUUM FULL rewrites ${what} while holding an ACCESS EXCLUSIVE lock, which blocks reads and writes until the copy ends.`,
        help: 'Use plain VACUUM, or pg_repack / pg_squeeze outside the migration.',
        location: change.location,
        statement: change.statement,
        ...(tables[0] ? { target: { schema: tables[0].schema, table: tables[0].name }, lock: lockInfo({ relation: tables[0], kind: 'table', mode: 'ACCESS EXCLUSIVE' }) } : {}),
        fix: {
          summary: 'Reclaim space without an exclusive lock.',
          steps: [
            { title: 'Plain VACUUM marks dead rows reusable without blocking reads or writes:', sql: `VACUUM (ANALYZE)${tables.length ? ` ${tables.map((t) => formatQualified(t)).join(', ')}` : ''};` },
            { title: 'To shrink the files online, run pg_repack (or pg_squeeze) on the table outside the migration.' },
          ],
        },
      });
    }
  },
});
