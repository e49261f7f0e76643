import { defineRule } from '../src/engine/rule.js';
import { describeLock, isExisting, lockEffect, lockInfo, outsideTransactionHint, stepTransactions } from '../src/engine/locks.js';
import { formatQualified } from '../src/sql/quote.js';

export default defineRule({
  id: 'require-concurrent-partition-detach',
  family: 'lock',
  severity: 'error',
  summary: 'DETACH PARTITION without CONCURRENTLY (Postgres 14+) locks the whole partitioned table against reads and writes.',
  docs: {
    problem: `\`ALTER TABLE … DETACH PARTITION\` takes an \`ACCESS EXCLUSIVE\` lock on the partitioned table itself: every
query on **every** partition waits, first for running queries to finish, then for the detach.`,
    solution: `Since Postgres 14, detach \`CONCURRENTLY\`: the parent is locked only \`SHARE UPDATE EXCLUSIVE\` (reads and
writes go on) and Postgres waits for running queries instead of blocking new ones.

\`\`\`sql
ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;
\`\`\`

It cannot run inside a transaction block, nor when the table has a default partition. If it is interrupted,
finish it with \`ALTER TABLE … DETACH PARTITION … FINALIZE\`. Before Postgres 14 there is no concurrent form and
rollsafe does not report the statement.`,
    versions: 'Reported on Postgres 14+ only, where DETACH PARTITION … CONCURRENTLY exists.',
    examples: {
      invalid: [
        {
          title: 'Detaching under an exclusive lock on the parent',
          history:
            "CREATE TABLE measurements (id bigint, taken_on date) PARTITION BY RANGE (taken_on);\nCREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');",
          sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2023;',
        },
      ],
      valid: [
        {
          title: 'Detached concurrently',
          history:
            "CREATE TABLE measurements (id bigint, taken_on date) PARTITION BY RANGE (taken_on);\nCREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');",
          sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2023 CONCURRENTLY;',
        },
        {
          title: 'Postgres 13 has no concurrent form',
          history:
            "CREATE TABLE measurements (id bigint, taken_on date) PARTITION BY RANGE (taken_on);\nCREATE TABLE measurements_2023 PARTITION OF measurements FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');",
          sql: 'ALTER TABLE measurements DETACH PARTITION measurements_2023;',
          pgVersion: 13,
        },
      ],
    },
    squawk: ['require-concurrent-partition-detach'],
  },
  check(ctx) {
    if (ctx.pgVersion < 14) return;
    const transactions = stepTransactions(ctx);
    ctx.steps.forEach((step, i) => {
      const { change } = step;
      if (change.kind !== 'detach-partition' || change.concurrently || change.finalize) return;
      if (!isExisting(ctx, step.before, change.table)) return;
      const lock = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before }).locks[0]!;
      const t = formatQualified(change.table);
      ctx.report({
        message: `DETACH PARTITION ${formatQualified(change.partition)} takes ${describeLock(lock)} — every partition of ${t} included.`,
        help: 'Detach it CONCURRENTLY, outside a transaction.',
        location: change.location,
        statement: change.statement,
        target: { schema: change.table.schema, table: change.table.name },
        lock: lockInfo(lock),
        fix: {
          summary: 'Detach without blocking the partitioned table.',
          steps: [
            { title: 'Detach CONCURRENTLY (not possible when the table has a default partition):', sql: `ALTER TABLE ${t} DETACH PARTITION ${formatQualified(change.partition)} CONCURRENTLY;` },
            ...(transactions[i]!.inBlock ? [{ title: `It must run outside a transaction block. ${outsideTransactionHint(ctx.migration)}` }] : []),
            { title: 'If it is interrupted, complete it with:', sql: `ALTER TABLE ${t} DETACH PARTITION ${formatQualified(change.partition)} FINALIZE;` },
          ],
        },
      });
    });
  },
});
