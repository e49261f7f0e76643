import { defineRule } from '../src/engine/rule.js';
import { isExisting, lockEffect, lockInfo } from '../src/engine/locks.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';

export default defineRule({
  id: 'not-null-column-without-default',
  family: 'lock',
  severity: 'error',
  summary: 'ADD COLUMN … NOT NULL without a default on an existing table fails as soon as the table has a row.',
  docs: {
    problem: `A new column starts out \`NULL\` in every existing row. Declared \`NOT NULL\` without a default, it cannot
be added to a table that holds any row: Postgres stops with \`column "…" contains null values\`. The migration
passes on an empty development database and fails in production.`,
    solution: `Give the column a default — on Postgres 11+ a constant default is stored once, with no rewrite:

\`\`\`sql
ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';
\`\`\`

Or add it nullable, backfill it, then make it \`NOT NULL\` without a long lock (see
[\`set-not-null-scans-table\`](set-not-null-scans-table.md)). Whether live code inserts rows without the column is
checked by [\`required-column-not-written\`](required-column-not-written.md).`,
    examples: {
      invalid: [
        {
          title: 'NOT NULL without a default',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY);',
          sql: 'ALTER TABLE users ADD COLUMN plan text NOT NULL;',
        },
      ],
      valid: [
        {
          title: 'With a constant default',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY);',
          sql: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';",
        },
        {
          title: 'On a table created in the same change',
          sql: 'CREATE TABLE users (id bigint PRIMARY KEY);\nALTER TABLE users ADD COLUMN plan text NOT NULL;',
        },
      ],
    },
    squawk: ['adding-required-field'],
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      if (change.kind !== 'add-column') continue;
      const c = change.column;
      if (!c.notNull || c.default || c.identity || c.generated) continue;
      if (!isExisting(ctx, step.before, change.table)) continue;
      const lock = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before }).locks[0]!;
      const t = formatQualified(change.table);
      const col = quoteIdent(c.name);
      const check = quoteIdent(`${change.table.name}_${c.name}_not_null`.slice(0, 63));
      ctx.report({
        message: `Adding ${t}.${c.name} as NOT NULL without a default fails with "contains null values" as soon as ${t} has a row.`,
        help: ctx.pgVersion >= 11 ? 'Give it a constant default (no rewrite on Postgres 11+), or add it nullable, backfill, then set NOT NULL.' : 'Add it nullable, backfill, then enforce NOT NULL.',
        location: change.location,
        statement: change.statement,
        target: { schema: change.table.schema, table: change.table.name, column: c.name },
        lock: lockInfo(lock),
        fix: {
          summary: 'Add the column so that existing rows satisfy it.',
          steps: [
            ...(ctx.pgVersion >= 11 ? [{ title: 'Either give it a constant default (stored once, no rewrite):', sql: `ALTER TABLE ${t} ADD COLUMN ${col} ${c.type.display} NOT NULL DEFAULT <value>;` }] : []),
            { title: `${ctx.pgVersion >= 11 ? 'Or add' : 'Add'} it nullable and backfill it in batches:`, sql: `ALTER TABLE ${t} ADD COLUMN ${col} ${c.type.display};\nUPDATE ${t} SET ${col} = <value> WHERE ctid IN (SELECT ctid FROM ${t} WHERE ${col} IS NULL LIMIT 10000);` },
            {
              title: 'then make it NOT NULL without a long lock:',
              sql: `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${check};${ctx.pgVersion >= 12 ? `\nALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL;\nALTER TABLE ${t} DROP CONSTRAINT ${check};` : ''}`,
            },
          ],
        },
      });
    }
  },
});
