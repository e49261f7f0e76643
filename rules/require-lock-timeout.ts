import { defineRule } from '../src/engine/rule.js';
import { blocksTraffic, describeLock, isExisting, lockEffect, lockInfo, settingStates, stepTransactions, timeoutIsSet } from '../src/engine/locks.js';
import { formatQualified } from '../src/sql/quote.js';

export default defineRule({
  id: 'require-lock-timeout',
  family: 'lock',
  severity: 'warning',
  defaultSeverity: 'off',
  summary: 'No lock_timeout before the first statement that takes a lock blocking reads or writes on an existing table.',
  docs: {
    defaultWhy:
      `On 40 ordinary PRs of five public projects it fired 29 times, each on a brief metadata lock in a project that never sets lock_timeout (bench/noise.md). In the strict preset it is a note of the same statement's lock finding when there is one.`,
    problem: `Even a statement that is instant once it holds its lock (\`ADD COLUMN\`, \`DROP COLUMN\`, \`SET DEFAULT\`) must
first **get** the lock, and it waits behind every query already running on the table — a long report, a
transaction left idle. While it waits, every new query on the table queues behind it: a migration that "takes
no time" stops all reads and writes for as long as the slowest query in front of it. Without \`lock_timeout\` that
wait has no end.

rollsafe reports the first statement of the migration that needs a lock blocking reads or writes (\`SHARE\` or
stronger) on a table that already exists, when no \`lock_timeout\` is in effect there. It follows \`SET\`,
\`SET LOCAL\` (which does nothing outside a transaction block), \`set_config()\`, \`RESET\` and a value of \`0\`.`,
    solution: `Set a short \`lock_timeout\` at the top of the migration, and retry the migration when it times out:

\`\`\`sql
SET lock_timeout = '5s';
ALTER TABLE users ADD COLUMN nickname text;
\`\`\`

In a migration the tool wraps in a transaction, \`SET LOCAL lock_timeout = '5s';\` keeps the setting to that
transaction. If your migration runner already sets \`lock_timeout\` on its connection (or the migration role has
one: \`ALTER ROLE migrator SET lock_timeout = '5s'\`), turn this rule off in the configuration.`,
    examples: {
      invalid: [
        {
          title: 'An instant change that can still queue every query',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY);',
          sql: 'ALTER TABLE users ADD COLUMN nickname text;',
        },
        {
          title: 'SET LOCAL outside a transaction block does nothing',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY);',
          sql: "SET LOCAL lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;",
        },
      ],
      valid: [
        {
          title: 'lock_timeout first',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY);',
          sql: "SET lock_timeout = '5s';\nALTER TABLE users ADD COLUMN nickname text;",
        },
        {
          title: 'Only new tables are touched',
          sql: 'CREATE TABLE users (id bigint PRIMARY KEY);\nALTER TABLE users ADD COLUMN nickname text;',
        },
      ],
    },
    squawk: ['require-timeout-settings', 'require-lock-timeout'],
  },
  check(ctx) {
    const transactions = stepTransactions(ctx);
    const states = settingStates(ctx, 'lock_timeout', transactions);
    for (let i = 0; i < ctx.steps.length; i++) {
      const step = ctx.steps[i]!;
      const { change } = step;
      if (change.kind === 'other' && /^Alter(Role|Database)SetStmt$/.test(change.statement.type) && /\block_timeout\b/i.test(change.statement.text)) {
        ctx.report({
          message: `This sets lock_timeout for every future session of the ${change.statement.type.startsWith('AlterRole') ? 'role' : 'database'}, not just the migration: application queries that wait for a lock will fail after it too.`,
          help: 'Set lock_timeout in the migration itself (SET or SET LOCAL); change role or database defaults outside migrations, deliberately.',
          location: change.location,
          statement: change.statement,
        });
        continue;
      }
      const locks = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before }).locks.filter(
        (l) => blocksTraffic(l.mode) && (l.kind === 'index' || isExisting(ctx, step.before, l.relation)),
      );
      if (locks.length === 0) continue;
      const state = states[i]!;
      if (timeoutIsSet(state.value)) continue;
      const lock = locks[0]!;
      const why =
        state.value !== null
          ? `lock_timeout is ${state.value} (no limit) here`
          : state.ignoredLocal !== undefined
            ? `the SET LOCAL lock_timeout on line ${state.ignoredLocal} has no effect outside a transaction block`
            : 'no lock_timeout is set';
      const local = transactions[i]!.inBlock;
      ctx.report({
        message: `This statement needs ${describeLock(lock)}, and ${why}: it will wait behind any long-running query on ${formatQualified(lock.relation)}, and every query on it will queue behind the migration meanwhile.`,
        help: `Start the migration with SET ${local ? 'LOCAL ' : ''}lock_timeout = '5s' and retry it when it times out.`,
        location: change.location,
        statement: change.statement,
        target: { schema: lock.relation.schema, table: lock.relation.name },
        lock: lockInfo(lock),
        fix: {
          summary: 'Fail fast instead of queueing traffic, and retry.',
          steps: [
            { title: `First statement of the migration${local ? ' (SET LOCAL keeps it to the migration\u2019s transaction)' : ''}:`, sql: `SET ${local ? 'LOCAL ' : ''}lock_timeout = '5s';` },
            { title: 'If it times out, nothing was changed (or only the statements before it): run the migration again, ideally at a quieter time.' },
          ],
        },
      });
      return;
    }
  },
});
