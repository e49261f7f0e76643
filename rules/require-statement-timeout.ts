import { defineRule } from '../src/engine/rule.js';
import { blocksTraffic, describeLock, isExisting, lockEffect, lockInfo, settingStates, stepTransactions, timeoutIsSet } from '../src/engine/locks.js';

export default defineRule({
  id: 'require-statement-timeout',
  family: 'lock',
  severity: 'warning',
  defaultSeverity: 'off',
  summary: 'A statement rewrites or scans an existing table under a blocking lock with no statement_timeout to bound it.',
  docs: {
    defaultWhy:
      'On ordinary PRs it only repeated the lock finding of the same statement (bench/noise.md). In the strict preset it is folded into that finding as a note.',
    problem: `A statement that rewrites, scans or indexes a table while holding a lock that blocks reads or writes keeps
the application waiting for as long as it runs — on a table larger than expected, that is minutes or hours, and
nothing stops it. \`statement_timeout\` is the safety net: past the limit Postgres cancels the statement, rolls it
back and releases the lock.

Setting a timeout with \`ALTER ROLE … SET\` or \`ALTER DATABASE … SET\` in a migration is reported too: it outlives
the migration and applies to every later session of that role or database — the application's included.`,
    solution: `Set a \`statement_timeout\` sized for what the migration should take, before the blocking work:

\`\`\`sql
SET statement_timeout = '30s';
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);
\`\`\`

Better still, avoid the blocking work (each such statement has its own rule with the non-blocking recipe). Long
statements that do not block traffic (\`CREATE INDEX CONCURRENTLY\`, \`VALIDATE CONSTRAINT\`, batched backfills)
are not reported: a short \`statement_timeout\` would only make them fail.`,
    examples: {
      invalid: [
        {
          title: 'A scan under ACCESS EXCLUSIVE with no time limit',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);',
          sql: "SET lock_timeout = '5s';\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);",
        },
      ],
      valid: [
        {
          title: 'Bounded by statement_timeout',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);',
          sql: "SET lock_timeout = '5s';\nSET statement_timeout = '30s';\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);",
        },
        {
          title: 'Instant changes need no statement_timeout',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);',
          sql: "SET lock_timeout = '5s';\nALTER TABLE orders ADD COLUMN note text;",
        },
      ],
    },
    squawk: ['require-timeout-settings', 'require-statement-timeout'],
  },
  check(ctx) {
    const transactions = stepTransactions(ctx);
    const states = settingStates(ctx, 'statement_timeout', transactions);
    let reported = false;
    ctx.steps.forEach((step, i) => {
      const { change } = step;
      if (change.kind === 'other' && /^Alter(Role|Database)SetStmt$/.test(change.statement.type) && /\bstatement_timeout\b/i.test(change.statement.text)) {
        ctx.report({
          message: `This sets statement_timeout for every future session of the ${change.statement.type.startsWith('AlterRole') ? 'role' : 'database'}, not just the migration: application queries running longer will be cancelled too.`,
          help: 'Set statement_timeout in the migration itself (SET or SET LOCAL); change role or database defaults outside migrations, deliberately.',
          location: change.location,
          statement: change.statement,
        });
        return;
      }
      if (reported) return;
      const effect = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before });
      if (!effect.rewrite && !effect.scan && !effect.indexBuild) return;
      const locks = effect.locks.filter((l) => blocksTraffic(l.mode) && (l.kind === 'index' || isExisting(ctx, step.before, l.relation)));
      if (locks.length === 0 || timeoutIsSet(states[i]!.value)) return;
      const lock = locks[0]!;
      const local = transactions[i]!.inBlock;
      reported = true;
      ctx.report({
        message: `This statement holds ${describeLock(lock)}, while ${effect.reason ?? 'it works through the table'}; no statement_timeout bounds how long that lasts.`,
        help: `Set statement_timeout before it (SET ${local ? 'LOCAL ' : ''}statement_timeout = '…'), sized for what the migration should take.`,
        location: change.location,
        statement: change.statement,
        target: { schema: lock.relation.schema, table: lock.relation.name },
        lock: lockInfo(lock),
        fix: {
          summary: 'Cap how long traffic can be blocked.',
          steps: [{ title: 'Before the blocking work:', sql: `SET ${local ? 'LOCAL ' : ''}statement_timeout = '30s';` }],
        },
      });
    });
  },
});
