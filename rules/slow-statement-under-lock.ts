import { defineRule } from '../src/engine/rule.js';
import { atLeast, blocksTraffic, isExisting, lockBlocks, lockEffect, lockInfo, sameName, stepTransactions, type RelationLock } from '../src/engine/locks.js';
import type { ChangeStep, RuleContext } from '../src/engine/types.js';
import { objectKey } from '../src/schema/model.js';
import { formatQualified } from '../src/sql/quote.js';

export default defineRule({
  id: 'slow-statement-under-lock',
  family: 'lock',
  severity: 'warning',
  defaultSeverity: 'off',
  summary: 'A slow statement (backfill, validation, index build) runs in the same transaction as an earlier blocking lock.',
  docs: {
    defaultWhy:
      'On ordinary PRs it called small backfills (a 3-row DELETE) slow statements (bench/noise.md). The strict preset keeps it; next to a lock finding of the same statement it becomes a note of it.',
    problem: `A lock is held until the end of the transaction, not of the statement that took it. When a migration runs in
one transaction, an instant \`ALTER TABLE\` early on keeps its \`ACCESS EXCLUSIVE\` lock while everything after it
runs: a backfill \`UPDATE\`, an index build, a \`VALIDATE CONSTRAINT\`. The table stays blocked for the whole
migration. The classic case is \`ADD CONSTRAINT … NOT VALID\` followed by \`VALIDATE CONSTRAINT\` in the same
transaction: the validation then runs under the \`ADD\`'s lock, and \`NOT VALID\` gained nothing.

rollsafe knows which statements share a transaction (the tool's, an explicit \`BEGIN\`, a file sent as one
query) and which earlier locks are still held.`,
    solution: `Put the slow part in a transaction of its own — another migration, or after a \`COMMIT\` in a migration
that does not run in one:

\`\`\`sql
-- migration 1
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
  FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
-- migration 2
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;
\`\`\`

Backfills belong outside migrations that change the schema, in batches of short transactions.`,
    examples: {
      invalid: [
        {
          title: 'NOT VALID and VALIDATE in one transaction',
          history: 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);',
          sql: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;',
          transaction: 'wrapped',
        },
        {
          title: 'A backfill under the lock of ADD COLUMN',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, name text);',
          sql: 'BEGIN;\nALTER TABLE users ADD COLUMN display_name text;\nUPDATE users SET display_name = name;\nCOMMIT;',
        },
      ],
      valid: [
        {
          title: 'Each statement in its own transaction',
          history: 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);',
          sql: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;',
        },
      ],
    },
  },
  check(ctx) {
    const transactions = stepTransactions(ctx);
    // Locks still held in the current transaction, by relation: the strongest, with the step that took it.
    let held = new Map<string, { lock: RelationLock; step: ChangeStep }>();
    let heldIn: number | null = null;
    const reportedOrigins = new Set<ChangeStep>();
    ctx.steps.forEach((step, i) => {
      const tx = transactions[i]!;
      if (tx.id !== heldIn) {
        held = new Map();
        heldIn = tx.id;
      }
      if (tx.id === null) return;
      const effect = lockEffect(step.change, { pgVersion: ctx.pgVersion, before: step.before });
      const work = slowWork(ctx, step, effect);
      if (work) {
        const own = effect.locks;
        const extended = [...held.values()].filter(
          (h) => h.step.change.statement.index !== step.change.statement.index && !reportedOrigins.has(h.step) && !own.some((o) => sameName(o.relation, h.lock.relation) && atLeast(o.mode, h.lock.mode)),
        );
        if (extended.length) {
          for (const h of extended) reportedOrigins.add(h.step);
          const first = extended[0]!;
          const line = first.step.change.statement.location.line;
          ctx.report({
            message: `${work} runs in the same transaction as line ${line}, so the ${first.lock.mode} lock that line took on ${formatQualified(first.lock.relation)}${extended.length > 1 ? ` (and ${extended.length - 1} more lock${extended.length > 2 ? 's' : ''})` : ''} stays held meanwhile, blocking ${lockBlocks(first.lock.mode)} until the transaction ends (${tx.reason.replace(/\.$/, '')}).`,
            help: 'Run the slow statement in a transaction of its own (another migration), after the lock is released.',
            location: step.change.location,
            statement: step.change.statement,
            target: { schema: first.lock.relation.schema, table: first.lock.relation.name },
            lock: lockInfo(first.lock),
            fix: {
              summary: 'Release the lock before the slow work starts.',
              steps: [
                { title: `Keep line ${line} in this migration, short and with a lock_timeout.` },
                { title: 'Move this statement to a later migration (a separate transaction):', sql: `${step.change.statement.text.trim()};` },
              ],
            },
          });
        }
      }
      for (const lock of effect.locks) {
        if (!blocksTraffic(lock.mode) || (lock.kind !== 'index' && !isExisting(ctx, step.before, lock.relation))) continue;
        const key = objectKey(lock.relation);
        const previous = held.get(key);
        if (!previous || !atLeast(previous.lock.mode, lock.mode)) held.set(key, { lock, step });
      }
    });
  },
});

/** What makes the step slow, in words, or null when it is quick (or only touches tables created by this change). */
function slowWork(ctx: RuleContext, step: ChangeStep, effect: ReturnType<typeof lockEffect>): string | null {
  const { change } = step;
  if (change.kind === 'dml') {
    const reads = change.reads.some((r) => isExisting(ctx, step.before, r.table));
    const target = change.table !== undefined && isExisting(ctx, step.before, change.table);
    if (change.op === 'select') return null;
    if (change.op === 'insert' && !reads) return null;
    if (!target && !reads) return null;
    return `This ${change.op.toUpperCase()} (a backfill)`;
  }
  if (!effect.rewrite && !effect.scan && !effect.indexBuild) return null;
  const relation = effect.locks[0]?.relation;
  if (relation && effect.locks[0]!.kind !== 'index' && !isExisting(ctx, step.before, relation)) return null;
  if (change.kind === 'validate-constraint') return 'VALIDATE CONSTRAINT (a full scan)';
  if (change.kind === 'create-index') return 'CREATE INDEX (a full build)';
  return `This statement (${effect.reason ?? 'a full pass over the table'})`;
}
