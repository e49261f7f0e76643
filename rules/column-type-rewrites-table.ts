import { defineRule } from '../src/engine/rule.js';
import { columnSwapSteps } from '../src/engine/expand-contract.js';
import { describeLock, isExisting, lockEffect, lockInfo, settingStates, stepTransactions, tableOf } from '../src/engine/locks.js';
import { objectKey } from '../src/schema/model.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';

export default defineRule({
  id: 'column-type-rewrites-table',
  family: 'lock',
  severity: 'error',
  summary: 'ALTER COLUMN TYPE that rewrites the table (or rebuilds its indexes) while blocking reads and writes.',
  docs: {
    problem: `\`ALTER TABLE … ALTER COLUMN … TYPE\` holds an \`ACCESS EXCLUSIVE\` lock and, unless the change is
binary coercible, rewrites the whole table and rebuilds every index: nothing reads or writes the table for the
length of the copy. \`int\` → \`bigint\`, \`varchar(20)\` → \`varchar(10)\`, \`numeric(10,2)\` → \`numeric(12,4)\`,
\`text\` → \`jsonb\` and any \`USING\` expression all rewrite.

Some changes need no rewrite (ALTER TABLE, Notes), and rollsafe does not report them:
\`varchar(n)\` → \`varchar(m)\` with \`m ≥ n\`, \`varchar\` → \`text\`, \`numeric(p,s)\` → \`numeric(q,s)\` with \`q ≥ p\` or to
unconstrained \`numeric\`, \`cidr\` → \`inet\`, a higher (or removed) fractional-seconds precision, a change to an
unconstrained domain over the same type, and — on Postgres 12+ with the session time zone set to UTC in the
migration — \`timestamp\` ↔ \`timestamptz\`. A change of collation rewrites no rows but rebuilds the column's
indexes under the same lock.`,
    solution: `Change the type through a new column (expand/contract): add it, keep it in sync with a trigger,
backfill in batches, switch the code, then drop the old column.

\`\`\`sql
ALTER TABLE events ADD COLUMN id_new bigint;
-- trigger keeping id_new = id for new writes, then batched backfill
-- release code that uses id_new; later: swap the names and drop the old column
\`\`\`

When only indexes would be rebuilt (collation), drop them \`CONCURRENTLY\` first, change the type, and
build them again \`CONCURRENTLY\`. Tables created by the same change set are not reported.`,
    versions: 'Binary-coercible changes skip the rewrite (and, since 9.2, most index rebuilds); timestamp ↔ timestamptz skips it under UTC since 12.',
    examples: {
      invalid: [
        {
          title: 'int → bigint rewrites the table',
          history: 'CREATE TABLE events (id int PRIMARY KEY, payload text);',
          sql: 'ALTER TABLE events ALTER COLUMN id TYPE bigint;',
        },
      ],
      valid: [
        {
          title: 'Raising a varchar limit is binary coercible',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, name varchar(50));',
          sql: 'ALTER TABLE users ALTER COLUMN name TYPE varchar(100);',
        },
        {
          title: 'varchar → text',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, name varchar(50));',
          sql: 'ALTER TABLE users ALTER COLUMN name TYPE text;',
        },
      ],
    },
    squawk: ['changing-column-type'],
  },
  check(ctx) {
    const transactions = stepTransactions(ctx);
    const timeZones = settingStates(ctx, 'timezone', transactions);
    ctx.steps.forEach((step, i) => {
      const { change } = step;
      if (change.kind !== 'alter-column-type') return;
      if (!isExisting(ctx, step.before, change.table)) return;
      const effect = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before, timeZone: timeZones[i]!.value });
      if (!effect.rewrite && !effect.indexBuild) return;
      const lock = effect.locks[0]!;
      const t = formatQualified(change.table);
      const column = tableOf(step.before, change.table)?.columns.find((c) => c.name === change.column);
      const target = { schema: change.table.schema, table: change.table.name, column: change.column };
      if (!effect.rewrite) {
        const indexes = [...step.before.indexes.values()].filter((x) => objectKey(x.table) === objectKey(change.table) && x.columns.includes(change.column) && !x.constraint);
        ctx.report({
          message: `Changing the type of ${t}.${change.column} rewrites no rows but rebuilds its indexes while holding ${describeLock(lock)}.`,
          help: 'Drop the indexes CONCURRENTLY first, change the type, then build them again CONCURRENTLY.',
          location: change.location,
          statement: change.statement,
          target,
          lock: lockInfo(lock),
          fix: {
            summary: 'Keep the index builds out of the lock.',
            steps: [
              { title: 'Drop the indexes on the column concurrently (queries on it are slower meanwhile):', sql: indexes.map((x) => `DROP INDEX CONCURRENTLY IF EXISTS ${formatQualified(x)};`).join('\n') || 'DROP INDEX CONCURRENTLY IF EXISTS <index>;' },
              { title: 'Change the type (brief lock, no rewrite):', sql: `${change.statement.text.trim()};` },
              { title: 'Build the indexes again, concurrently:', sql: 'CREATE INDEX CONCURRENTLY IF NOT EXISTS <index> ON … (…);' },
            ],
          },
        });
        return;
      }
      const newColumn = `${change.column}_new`.slice(0, 63);
      const swap = columnSwapSteps(
        {
          table: change.table,
          oldColumn: change.column,
          newColumn,
          newType: change.type.display,
          convert: change.using ?? `${quoteIdent(change.column)}::${change.type.display}`,
          convertBack: `${quoteIdent(newColumn)}::${column?.type.display ?? 'text'}`,
        },
        step.before,
      );
      ctx.report({
        message: `Changing ${t}.${change.column}${column ? ` from ${column.type.display}` : ''} to ${change.type.display} rewrites the whole table and its indexes (${effect.reason}) while holding ${describeLock(lock)}.`,
        help: 'Change the type through a new column: add, sync with a trigger, backfill in batches, switch, drop the old one.',
        location: change.location,
        statement: change.statement,
        target,
        lock: lockInfo(lock),
        fix: { summary: 'Change the type through a new column (expand/contract), without a table rewrite under lock.', steps: swap },
      });
    });
  },
});
