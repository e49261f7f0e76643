import { defineRule } from '../src/engine/rule.js';
import { stepTransactions } from '../src/engine/locks.js';

export default defineRule({
  id: 'nested-transaction',
  family: 'lock',
  severity: 'warning',
  summary: 'BEGIN inside an open transaction, COMMIT with none open, or SAVEPOINT outside a transaction block.',
  docs: {
    problem: `Postgres has no nested transactions. A \`BEGIN\` inside an open transaction is ignored (with a warning), so
the **first** \`COMMIT\` commits everything and the statements after it run outside any transaction — the
migration is no longer all-or-nothing. A \`COMMIT\` or \`ROLLBACK\` with no transaction open does nothing, which
usually means the file's transaction structure is not what its author thinks. \`SAVEPOINT\`, \`RELEASE\` and
\`ROLLBACK TO\` outside a transaction block fail.`,
    solution: `Use one \`BEGIN\` … \`COMMIT\` pair per transaction; for a nested unit, use a savepoint:

\`\`\`sql
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
SAVEPOINT before_backfill;
UPDATE users SET nickname = name WHERE id < 1000;
RELEASE SAVEPOINT before_backfill;
COMMIT;
\`\`\`

An explicit \`BEGIN\` in a migration its tool already wraps is reported by
[\`transaction-in-wrapped-migration\`](transaction-in-wrapped-migration.md).`,
    examples: {
      invalid: [
        {
          title: 'A BEGIN inside a BEGIN',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY);',
          sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nBEGIN;\nALTER TABLE users ADD COLUMN bio text;\nCOMMIT;\nCOMMIT;',
        },
      ],
      valid: [
        {
          title: 'One transaction, one savepoint',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY);',
          sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nSAVEPOINT s1;\nALTER TABLE users ADD COLUMN bio text;\nRELEASE SAVEPOINT s1;\nCOMMIT;',
        },
      ],
    },
    squawk: ['transaction-nesting'],
  },
  check(ctx) {
    // Inside a transaction the tool opened, explicit transaction statements are transaction-in-wrapped-migration's.
    const toolOpens = ctx.transaction === 'wrapped' && (ctx.migration.transaction !== 'wrapped' || ctx.migration.transactionScope !== 'implicit');
    const transactions = stepTransactions(ctx);
    ctx.steps.forEach(({ change }, i) => {
      if (change.kind !== 'transaction') return;
      const tx = transactions[i]!;
      if (change.action === 'begin' && i > 0 && transactions.slice(0, i).some((t, j) => t.explicit && t.id === tx.id && ctx.steps[j]!.change.statement.index < change.statement.index)) {
        const opened = ctx.steps.findIndex((s, j) => transactions[j]!.explicit && transactions[j]!.id === tx.id);
        ctx.report({
          message: `This BEGIN is inside the transaction opened on line ${ctx.steps[opened]!.change.statement.location.line}: Postgres ignores it, so the first COMMIT ends both and the statements after it run outside any transaction.`,
          help: 'Remove the inner BEGIN (and its COMMIT), or use SAVEPOINT for a nested unit.',
          location: change.location,
          statement: change.statement,
        });
        return;
      }
      if (toolOpens) return;
      if ((change.action === 'commit' || change.action === 'rollback') && !tx.inBlock) {
        ctx.report({
          message: `This ${change.action.toUpperCase()} has no transaction to end: Postgres ignores it with a warning, so the statements before it were not grouped in a transaction.`,
          help: 'Remove it, or add the BEGIN it belongs to.',
          location: change.location,
          statement: change.statement,
        });
      } else if ((change.action === 'savepoint' || change.action === 'release' || change.action === 'rollback-to') && !tx.inBlock) {
        ctx.report({
          message: `${change.action === 'rollback-to' ? 'ROLLBACK TO SAVEPOINT' : change.action.toUpperCase()} outside a transaction block fails: Postgres refuses it and the migration stops.`,
          help: 'Open a transaction with BEGIN before it.',
          location: change.location,
          statement: change.statement,
          severity: 'error',
        });
      }
    });
  },
});
