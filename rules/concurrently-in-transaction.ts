import { defineRule } from '../src/engine/rule.js';
import { outsideTransactionHint, stepTransactions } from '../src/engine/locks.js';
import type { Change } from '../src/sql/types.js';

export default defineRule({
  id: 'concurrently-in-transaction',
  family: 'lock',
  severity: 'error',
  summary: 'CONCURRENTLY (or VACUUM) runs inside a transaction block: Postgres refuses it and the migration fails.',
  docs: {
    problem: `\`CREATE INDEX CONCURRENTLY\`, \`DROP INDEX CONCURRENTLY\`, \`REINDEX … CONCURRENTLY\`,
\`DETACH PARTITION … CONCURRENTLY\` and \`VACUUM\` cannot run inside a transaction block: Postgres stops with
\`… cannot run inside a transaction block\` and the deploy fails.

Whether a statement is inside one depends on the migration tool, not only on the file: Flyway, dbmate and
Drizzle open a transaction around the migration; Prisma and golang-migrate send the whole file as one query,
which Postgres runs as one implicit transaction as soon as the file holds more than one statement; an explicit
\`BEGIN\` in the file opens one too, and a \`DO\` block is a function body, where these statements are refused
as well. rollsafe knows each tool's behaviour (and the \`transaction\` setting of the configuration), so it
reports the statement only where the tool really runs it inside a transaction.`,
    solution: `Run the statement on its own, outside any transaction:

- Prisma, golang-migrate: put it alone in a migration of its own.
- dbmate: \`-- migrate:up transaction:false\`, alone in its section.
- Flyway: give it a migration of its own (Flyway then runs that migration outside a transaction).
- Drizzle: run it outside drizzle-kit's migrator, which wraps every pending migration in one transaction.
- Plain SQL files: no \`BEGIN\`/\`COMMIT\` around it.

\`\`\`sql
-- its own migration, nothing else in it
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);
\`\`\``,
    examples: {
      invalid: [
        {
          title: 'Inside an explicit transaction',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);',
          sql: 'BEGIN;\nCREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);\nCOMMIT;',
        },
        {
          title: 'In a migration the tool wraps in a transaction',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);',
          sql: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
          transaction: 'wrapped',
        },
      ],
      valid: [
        {
          title: 'On its own, outside a transaction',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);',
          sql: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
        },
      ],
    },
    squawk: ['ban-concurrent-index-creation-in-transaction'],
  },
  check(ctx) {
    const transactions = stepTransactions(ctx);
    ctx.steps.forEach(({ change }, i) => {
      const what = refused(change);
      if (!what) return;
      const tx = transactions[i]!;
      // Tools that run such statements on their own (the Supabase CLI) take them out of their transaction.
      const inBlock = tx.inBlock && !(ctx.migration.nonTransactionalStatementsRunAlone && !tx.explicit && change.statement.nestedIn !== 'do-block');
      if (!inBlock) return;
      const where = change.statement.nestedIn === 'do-block' ? 'inside a DO block (a function body)' : `inside a transaction block: ${tx.reason.replace(/\.$/, '')}`;
      ctx.report({
        message: `${what} cannot run ${where}. Postgres will refuse it and the migration will fail.`,
        help: 'Run the statement alone, outside any transaction block.',
        location: change.location,
        statement: change.statement,
        fix: {
          summary: 'Run it outside a transaction block.',
          steps: [
            tx.explicit ? { title: 'Remove the BEGIN/COMMIT around it (or COMMIT before it).' } : { title: outsideTransactionHint(ctx.migration) },
            { title: 'The statement, on its own:', sql: `${change.statement.text.trim()};` },
          ],
        },
      });
    });
  },
});

/** The statement as people name it, when Postgres refuses it in a transaction block. */
function refused(change: Change): string | null {
  switch (change.kind) {
    case 'create-index':
      return change.concurrently ? 'CREATE INDEX CONCURRENTLY' : null;
    case 'drop-index':
      return change.concurrently ? 'DROP INDEX CONCURRENTLY' : null;
    case 'reindex':
      if (change.concurrently) return 'REINDEX CONCURRENTLY';
      return change.target === 'schema' || change.target === 'database' || change.target === 'system' ? `REINDEX ${change.target.toUpperCase()}` : null;
    case 'detach-partition':
      return change.concurrently && !change.finalize ? 'DETACH PARTITION CONCURRENTLY' : null;
    case 'vacuum':
      return change.full ? 'VACUUM FULL' : 'VACUUM';
    case 'cluster':
      return change.table === null ? 'CLUSTER without a table' : null;
    default:
      return null;
  }
}
