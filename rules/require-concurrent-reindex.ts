import { defineRule } from '../src/engine/rule.js';
import { describeLock, isExisting, lockEffect, lockInfo, outsideTransactionHint, stepTransactions } from '../src/engine/locks.js';
import { objectKey } from '../src/schema/model.js';
import { formatQualified } from '../src/sql/quote.js';

export default defineRule({
  id: 'require-concurrent-reindex',
  family: 'lock',
  severity: 'error',
  summary: 'REINDEX without CONCURRENTLY blocks writes to the table, and reads that use the index, while it rebuilds.',
  docs: {
    problem: `\`REINDEX\` rebuilds an index from every row of its table. Meanwhile it holds a \`SHARE\` lock on the
table (every write waits) and an \`ACCESS EXCLUSIVE\` lock on each index being rebuilt (every query that would
use the index waits). \`REINDEX TABLE\`, \`SCHEMA\` and \`DATABASE\` do this for every index in turn.`,
    solution: `On Postgres 12 and later, rebuild concurrently: reads and writes go on.

\`\`\`sql
REINDEX INDEX CONCURRENTLY orders_status_idx;
\`\`\`

\`REINDEX CONCURRENTLY\` cannot run inside a transaction block. Before Postgres 12, build a replacement with
\`CREATE INDEX CONCURRENTLY\`, drop the old index with \`DROP INDEX CONCURRENTLY\`, then rename the new one.`,
    versions: 'REINDEX CONCURRENTLY exists since Postgres 12; before, the fix builds a replacement index.',
    examples: {
      invalid: [
        {
          title: 'Rebuilding an index in place',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE INDEX orders_status_idx ON orders (status);',
          sql: 'REINDEX INDEX orders_status_idx;',
        },
      ],
      valid: [
        {
          title: 'Rebuilt concurrently',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE INDEX orders_status_idx ON orders (status);',
          sql: 'REINDEX INDEX CONCURRENTLY orders_status_idx;',
        },
      ],
    },
    squawk: ['require-concurrent-reindex'],
  },
  check(ctx) {
    const transactions = stepTransactions(ctx);
    ctx.steps.forEach((step, i) => {
      const { change } = step;
      if (change.kind !== 'reindex' || change.concurrently) return;
      const index = change.target === 'index' && change.name ? step.before.indexes.get(objectKey(change.name)) : undefined;
      const table = change.target === 'table' ? change.name : index?.table;
      if (table && step.before.tables.has(objectKey(table)) && !isExisting(ctx, step.before, table)) return;
      const locks = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before }).locks;
      const tableLock = locks.find((l) => l.kind === 'table');
      const what = change.name ? `${change.target.toUpperCase()} ${formatQualified(change.name)}` : change.target.toUpperCase();
      const holds = tableLock
        ? `takes ${describeLock(tableLock)}, and an ACCESS EXCLUSIVE lock on each index it rebuilds, which blocks the reads that use it`
        : 'locks each table it visits against writes, and each index it rebuilds against the reads that use it';
      const concurrent = `REINDEX ${change.target === 'system' ? 'SYSTEM' : what.replace(/^(\w+)/, '$1 CONCURRENTLY')};`;
      const outside = transactions[i]!.inBlock ? [{ title: `It must run outside a transaction block. ${outsideTransactionHint(ctx.migration)}` }] : [];
      const steps =
        ctx.pgVersion >= 12 && change.target !== 'system'
          ? [{ title: 'Rebuild it CONCURRENTLY (reads and writes go on):', sql: concurrent }, ...outside]
          : [
              {
                title: `Postgres ${ctx.pgVersion} has no REINDEX CONCURRENTLY: build a replacement index concurrently, then swap it in.`,
                sql: `CREATE INDEX CONCURRENTLY <name>_new ON <table> (<same columns>);\nDROP INDEX CONCURRENTLY <name>;\nALTER INDEX <name>_new RENAME TO <name>;`,
              },
              ...outside,
            ];
      ctx.report({
        message: `REINDEX ${what} without CONCURRENTLY ${holds}, until the rebuild ends.`,
        help: ctx.pgVersion >= 12 ? 'Use REINDEX … CONCURRENTLY, outside a transaction.' : 'Build a replacement index CONCURRENTLY and swap it in.',
        location: change.location,
        statement: change.statement,
        ...(table ? { target: { schema: table.schema, table: table.name } } : {}),
        ...(tableLock ? { lock: lockInfo(tableLock) } : {}),
        fix: { summary: 'Rebuild without blocking the table.', steps },
      });
    });
  },
});
