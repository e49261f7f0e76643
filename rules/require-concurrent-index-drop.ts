import { defineRule } from '../src/engine/rule.js';
import { describeLock, isExisting, lockEffect, lockInfo, outsideTransactionHint, stepTransactions } from '../src/engine/locks.js';
import { objectKey } from '../src/schema/model.js';
import { formatQualified } from '../src/sql/quote.js';

export default defineRule({
  id: 'require-concurrent-index-drop',
  family: 'lock',
  severity: 'error',
  summary: 'DROP INDEX without CONCURRENTLY locks the table against reads and writes, and queues everything behind it.',
  docs: {
    problem: `\`DROP INDEX\` takes an \`ACCESS EXCLUSIVE\` lock on the index's table. The drop itself is quick, but
the lock must first wait for every query running on the table — a long report, an idle transaction — and while
it waits, every new \`SELECT\` on the table queues behind it. One slow query turns a "quick" drop into an outage.`,
    solution: `Drop the index with \`CONCURRENTLY\`: Postgres waits for conflicting transactions without blocking
new ones (\`SHARE UPDATE EXCLUSIVE\`).

\`\`\`sql
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
\`\`\`

\`CONCURRENTLY\` drops one index per statement, does not accept \`CASCADE\`, and cannot run inside a
transaction block. An index that backs a constraint is dropped with \`ALTER TABLE … DROP CONSTRAINT\` instead.
Indexes of tables created by the same change set are not reported.`,
    examples: {
      invalid: [
        {
          title: 'Dropping an index of a table in use',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE INDEX orders_status_idx ON orders (status);',
          sql: 'DROP INDEX orders_status_idx;',
        },
      ],
      valid: [
        {
          title: 'Dropped concurrently',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE INDEX orders_status_idx ON orders (status);',
          sql: 'DROP INDEX CONCURRENTLY orders_status_idx;',
        },
      ],
    },
    squawk: ['require-concurrent-index-deletion'],
  },
  check(ctx) {
    const transactions = stepTransactions(ctx);
    ctx.steps.forEach((step, i) => {
      const { change } = step;
      if (change.kind !== 'drop-index' || change.concurrently) return;
      const index = step.before.indexes.get(objectKey(change.index));
      // An index created by this change set, or one that backs a constraint (DROP INDEX refuses it): not this rule's.
      if (index && (!isExisting(ctx, step.before, index.table) || index.constraint)) return;
      const lock = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before }).locks[0]!;
      const name = formatQualified(change.index);
      const on = index ? describeLock(lock) : `an ACCESS EXCLUSIVE lock on its table, which blocks reads and writes`;
      ctx.report({
        message: `DROP INDEX ${name} without CONCURRENTLY takes ${on}; it first waits for every running query on the table, and new queries queue behind it.`,
        help: 'Drop the index CONCURRENTLY, one index per statement, outside a transaction.',
        location: change.location,
        statement: change.statement,
        ...(index ? { target: { schema: index.table.schema, table: index.table.name }, lock: lockInfo(lock) } : {}),
        fix: {
          summary: 'Drop the index without blocking the table.',
          steps: [
            { title: 'Drop it CONCURRENTLY (no CASCADE, one index per statement):', sql: `DROP INDEX CONCURRENTLY IF EXISTS ${name};` },
            ...(transactions[i]!.inBlock ? [{ title: `It must run outside a transaction block, and ${transactions[i]!.reason.replace(/\.$/, '')}. ${outsideTransactionHint(ctx.migration)}` }] : []),
          ],
        },
      });
    });
  },
});
