import { defineRule } from '../src/engine/rule.js';
import { outsideTransactionHint, stepTransactions } from '../src/engine/locks.js';
import { formatQualified } from '../src/sql/quote.js';

export default defineRule({
  id: 'enum-value-in-transaction',
  family: 'lock',
  severity: 'error',
  summary: 'ALTER TYPE … ADD VALUE in a transaction: refused before Postgres 12; since 12 the value cannot be used before COMMIT.',
  docs: {
    problem: `Before Postgres 12, \`ALTER TYPE … ADD VALUE\` cannot run inside a transaction block at all: the migration
fails. Since Postgres 12 it can, but the new value cannot be used until the transaction commits: an \`INSERT\`,
\`UPDATE\`, default or \`CHECK\` using it later in the same transaction fails with
\`unsafe use of new value "…" of enum type …\`.

rollsafe knows when the migration tool wraps the migration in a transaction (Flyway, dbmate, Drizzle; Prisma and
golang-migrate for files of several statements) and which later statements of the same transaction use the value.`,
    solution: `Add the value in a migration of its own, committed before anything uses it:

\`\`\`sql
-- migration 1 (on Postgres < 12: outside a transaction)
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';
-- migration 2
UPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;
\`\`\`

Drizzle runs every pending migration in one transaction, so even a later migration of the same run cannot use
the value: deploy the two separately.`,
    versions: 'Before 12: refused in a transaction block. 12+: allowed, but the value is unusable until COMMIT.',
    examples: {
      invalid: [
        {
          title: 'The new value is used in the same transaction',
          history: "CREATE TYPE order_status AS ENUM ('new', 'paid');\nCREATE TABLE orders (id bigint PRIMARY KEY, status order_status, refunded_at timestamptz);",
          sql: "BEGIN;\nALTER TYPE order_status ADD VALUE 'refunded';\nUPDATE orders SET status = 'refunded' WHERE refunded_at IS NOT NULL;\nCOMMIT;",
        },
        {
          title: 'Before Postgres 12, in a transaction at all',
          history: "CREATE TYPE order_status AS ENUM ('new', 'paid');",
          sql: "ALTER TYPE order_status ADD VALUE 'refunded';",
          pgVersion: 11,
          transaction: 'wrapped',
        },
      ],
      valid: [
        {
          title: 'Added on its own; used by a later migration',
          history: "CREATE TYPE order_status AS ENUM ('new', 'paid');",
          sql: "ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'refunded';",
          transaction: 'wrapped',
        },
      ],
    },
  },
  check(ctx) {
    const transactions = stepTransactions(ctx);
    ctx.steps.forEach(({ change }, i) => {
      if (change.kind !== 'add-enum-value') return;
      const tx = transactions[i]!;
      if (!tx.inBlock) return;
      const type = formatQualified(change.type);
      if (ctx.pgVersion < 12) {
        ctx.report({
          message: `ALTER TYPE ${type} ADD VALUE cannot run inside a transaction block before Postgres 12 (${tx.reason.replace(/\.$/, '')}): the migration will fail.`,
          help: 'Add the value in a migration of its own that runs outside a transaction.',
          location: change.location,
          statement: change.statement,
          fix: {
            summary: 'Add the value outside a transaction.',
            steps: [{ title: outsideTransactionHint(ctx.migration), sql: `ALTER TYPE ${type} ADD VALUE IF NOT EXISTS '${change.value.replace(/'/g, "''")}';` }],
          },
        });
        return;
      }
      const literal = new RegExp(`'${change.value.replace(/'/g, "''").replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`);
      const use = ctx.steps.find(
        (s, j) => j > i && transactions[j]!.id === tx.id && s.change.statement.index !== change.statement.index && literal.test(s.change.statement.text),
      );
      if (!use) return;
      ctx.report({
        message: `The new value '${change.value}' of ${type} is used on line ${use.change.statement.location.line} in the same transaction (${tx.reason.replace(/\.$/, '')}): Postgres refuses it with "unsafe use of new value" until the ADD VALUE commits.`,
        help: 'Add the value in a migration of its own and use it in a later one.',
        location: change.location,
        statement: change.statement,
        fix: {
          summary: 'Commit the new value before anything uses it.',
          steps: [
            { title: 'A migration of its own:', sql: `ALTER TYPE ${type} ADD VALUE IF NOT EXISTS '${change.value.replace(/'/g, "''")}';` },
            { title: 'Then, in a later migration (a later deploy with Drizzle, which runs all pending migrations in one transaction):', sql: `${use.change.statement.text.trim()};` },
          ],
        },
      });
    });
  },
});
