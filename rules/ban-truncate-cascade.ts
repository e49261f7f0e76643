import { defineRule } from '../src/engine/rule.js';
import { isExisting, referencing } from '../src/engine/locks.js';
import { objectKey, type Schema } from '../src/schema/model.js';
import { formatQualified } from '../src/sql/quote.js';
import type { QualifiedName } from '../src/sql/types.js';

export default defineRule({
  id: 'ban-truncate-cascade',
  family: 'lock',
  severity: 'error',
  summary: 'TRUNCATE … CASCADE also empties every table that references the truncated ones, recursively.',
  docs: {
    problem: `\`TRUNCATE … CASCADE\` empties the named tables **and every table with a foreign key to them**, and
every table referencing those, and so on — tables nobody meant to touch. Each one is locked \`ACCESS EXCLUSIVE\`
for the rest of the transaction. The data is gone.`,
    solution: `Name every table to empty, without \`CASCADE\`: Postgres then refuses to truncate a table still referenced
by a table not in the list, which is the check you want.

\`\`\`sql
TRUNCATE TABLE import_rows, import_batches;
\`\`\`

rollsafe lists the tables the cascade reaches, from the replayed schema.`,
    examples: {
      invalid: [
        {
          title: 'CASCADE reaches a referencing table',
          history: 'CREATE TABLE accounts (id bigint PRIMARY KEY);\nCREATE TABLE invoices (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id));',
          sql: 'TRUNCATE accounts CASCADE;',
        },
      ],
      valid: [
        {
          title: 'Every table named, no CASCADE',
          history: 'CREATE TABLE import_batches (id bigint PRIMARY KEY);\nCREATE TABLE import_rows (id bigint PRIMARY KEY, batch_id bigint REFERENCES import_batches (id));',
          sql: 'TRUNCATE import_rows, import_batches;',
        },
      ],
    },
    squawk: ['ban-truncate-cascade'],
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      if (change.kind !== 'truncate' || !change.cascade) continue;
      const reached = cascade(step.before, change.tables);
      if (![...change.tables, ...reached].some((t) => isExisting(ctx, step.before, t))) continue;
      const named = change.tables.map((t) => formatQualified(t)).join(', ');
      const extra = reached.map((t) => formatQualified(t));
      const message = extra.length
        ? `TRUNCATE … CASCADE empties ${named} and also ${extra.join(', ')}, which reference${extra.length === 1 ? 's' : ''} ${change.tables.length === 1 ? 'it' : 'them'}; each is locked ACCESS EXCLUSIVE, blocking reads and writes.`
        : `TRUNCATE … CASCADE empties ${named} and would also empty, without a word, any table that references ${change.tables.length === 1 ? 'it' : 'them'} (none in the replayed schema today).`;
      ctx.report({
        ...(extra.length ? {} : { severity: 'warning' as const }),
        message,
        help: 'Name every table to empty and drop CASCADE.',
        location: change.location,
        statement: change.statement,
        target: { schema: change.tables[0]!.schema, table: change.tables[0]!.name },
        lock: { mode: 'ACCESS EXCLUSIVE', table: formatQualified(change.tables[0]!), blocks: 'reads and writes' },
        fix: {
          summary: 'Empty exactly the tables you mean to.',
          steps: [{ title: 'List them all, without CASCADE (Postgres refuses if another table still references one of them):', sql: `TRUNCATE TABLE ${[...extra, named].join(', ')};` }],
        },
      });
    }
  },
});

/** Every table a CASCADE reaches, transitively, beyond the named ones. */
function cascade(schema: Schema, start: QualifiedName[]): QualifiedName[] {
  const seen = new Set(start.map(objectKey));
  const out: QualifiedName[] = [];
  const queue = [...start];
  while (queue.length) {
    for (const r of referencing(schema, queue.shift()!)) {
      const key = objectKey(r);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(r);
      queue.push(r);
    }
  }
  return out;
}
