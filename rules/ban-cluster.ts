import { defineRule } from '../src/engine/rule.js';
import { isExisting, lockInfo } from '../src/engine/locks.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';

export default defineRule({
  id: 'ban-cluster',
  family: 'lock',
  severity: 'error',
  summary: 'CLUSTER rewrites the table in index order under an ACCESS EXCLUSIVE lock.',
  docs: {
    problem: `\`CLUSTER\` writes a new copy of the table sorted by an index, and rebuilds every index, while holding an
\`ACCESS EXCLUSIVE\` lock: nothing reads or writes the table until it ends. Without a table name it reclusters
every table that was clustered before.`,
    solution: `Reorder tables online with \`pg_repack --order-by\` (or \`pg_squeeze\`) outside the migration. To only
record the clustering index for later, \`ALTER TABLE … CLUSTER ON index\` takes a light lock and moves no data.

\`\`\`sql
ALTER TABLE events CLUSTER ON events_created_at_idx;
\`\`\``,
    examples: {
      invalid: [
        {
          title: 'Clustering a table in use',
          history: 'CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz);\nCREATE INDEX events_created_at_idx ON events (created_at);',
          sql: 'CLUSTER events USING events_created_at_idx;',
        },
      ],
      valid: [
        {
          title: 'Only recording the clustering index',
          history: 'CREATE TABLE events (id bigint PRIMARY KEY, created_at timestamptz);\nCREATE INDEX events_created_at_idx ON events (created_at);',
          sql: 'ALTER TABLE events CLUSTER ON events_created_at_idx;',
        },
      ],
    },
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      if (change.kind !== 'cluster') continue;
      if (change.table && !isExisting(ctx, step.before, change.table)) continue;
      const what = change.table ? formatQualified(change.table) : 'every previously clustered table';
      ctx.report({
        message: `CLUSTER rewrites ${what} in index order and rebuilds its indexes while holding an ACCESS EXCLUSIVE lock, which blocks reads and writes.`,
        help: 'Reorder the table online with pg_repack (or pg_squeeze) outside the migration.',
        location: change.location,
        statement: change.statement,
        ...(change.table ? { target: { schema: change.table.schema, table: change.table.name }, lock: lockInfo({ relation: change.table, kind: 'table', mode: 'ACCESS EXCLUSIVE' }) } : {}),
        fix: {
          summary: 'Reorder without an exclusive lock, outside the migration.',
          steps: [
            { title: 'Run pg_repack with --order-by (or pg_squeeze) on the table; it copies it concurrently and swaps it in with a brief lock.' },
            ...(change.table && change.index ? [{ title: 'To keep the clustering index recorded for later:', sql: `ALTER TABLE ${formatQualified(change.table)} CLUSTER ON ${quoteIdent(change.index)};` }] : []),
          ],
        },
      });
    }
  },
});
