import { defineRule } from '../src/engine/rule.js';
import { blocksTraffic, isExisting, lockBlocks, lockInfo, stepTransactions } from '../src/engine/locks.js';
import { formatQualified } from '../src/sql/quote.js';

export default defineRule({
  id: 'ban-lock-table',
  family: 'lock',
  severity: 'warning',
  summary: 'LOCK TABLE in a migration holds a lock that blocks traffic until the transaction ends.',
  docs: {
    problem: `\`LOCK TABLE\` takes the lock for the rest of the transaction: in \`SHARE\` mode or stronger it blocks
writes, in \`ACCESS EXCLUSIVE\` mode (the default) reads too, for as long as the migration keeps running. Outside
a transaction block it fails (\`LOCK TABLE can only be used in transaction blocks\`).`,
    solution: `Let each statement take the lock it needs, for as short a time as possible, with a \`lock_timeout\`. If the
lock really must cover several statements, keep them few and fast, and set a \`lock_timeout\` first:

\`\`\`sql
SET lock_timeout = '5s';
\`\`\``,
    examples: {
      invalid: [
        {
          title: 'An explicit exclusive lock held by the migration',
          history: 'CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric);',
          sql: 'BEGIN;\nLOCK TABLE accounts IN ACCESS EXCLUSIVE MODE;\nUPDATE accounts SET balance = 0 WHERE id = 1;\nCOMMIT;',
        },
      ],
      valid: [
        {
          title: 'A lock that does not block reads or writes',
          history: 'CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric);',
          sql: 'BEGIN;\nLOCK TABLE accounts IN SHARE UPDATE EXCLUSIVE MODE;\nCOMMIT;',
        },
      ],
    },
  },
  check(ctx) {
    const transactions = stepTransactions(ctx);
    ctx.steps.forEach((step, i) => {
      const { change } = step;
      if (change.kind !== 'lock-table') return;
      const tx = transactions[i]!;
      if (!tx.inBlock) {
        ctx.report({
          message: 'LOCK TABLE outside a transaction block fails: Postgres refuses it ("LOCK TABLE can only be used in transaction blocks").',
          help: 'Remove it, or put it inside the transaction that needs it.',
          location: change.location,
          statement: change.statement,
          severity: 'error',
        });
        return;
      }
      if (!blocksTraffic(change.mode)) return;
      const tables = change.tables.filter((t) => isExisting(ctx, step.before, t));
      if (tables.length === 0) return;
      ctx.report({
        message: `LOCK TABLE ${tables.map((t) => formatQualified(t)).join(', ')} IN ${change.mode} MODE blocks ${lockBlocks(change.mode)} until the transaction ends (${tx.reason.replace(/\.$/, '')}).`,
        help: 'Let each statement take its own lock briefly, with a lock_timeout.',
        location: change.location,
        statement: change.statement,
        target: { schema: tables[0]!.schema, table: tables[0]!.name },
        lock: lockInfo({ relation: tables[0]!, kind: 'table', mode: change.mode }),
        fix: {
          summary: 'Hold no lock longer than one statement needs.',
          steps: [{ title: 'Drop the LOCK TABLE; keep the statements that need it few and fast, and bound the wait:', sql: "SET lock_timeout = '5s';" }],
        },
      });
    });
  },
});
