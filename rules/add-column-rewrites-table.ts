import { defineRule } from '../src/engine/rule.js';
import { describeLock, isExisting, lockEffect, lockInfo } from '../src/engine/locks.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';
import type { FixStep } from '../src/engine/types.js';
import type { ColumnSpec } from '../src/sql/types.js';

export default defineRule({
  id: 'add-column-rewrites-table',
  family: 'lock',
  severity: 'error',
  summary: 'ADD COLUMN that rewrites the table (volatile default, identity, stored generated, constrained domain; any default before PG 11).',
  docs: {
    problem: `Adding a column is instant when Postgres can store its default once, in the catalog. It cannot when the
value differs per row, so it rewrites the whole table and every index under an \`ACCESS EXCLUSIVE\` lock —
nothing reads or writes the table until the copy ends, and it needs as much free disk as the table:

- a volatile default: \`gen_random_uuid()\`, \`random()\`, \`clock_timestamp()\`, a \`serial\` column's \`nextval()\`;
- an identity column (\`GENERATED … AS IDENTITY\`) or a \`STORED\` generated column;
- a domain type with constraints;
- before Postgres 11, **any** non-null default.

\`now()\` and \`CURRENT_TIMESTAMP\` are stable, not volatile: they are computed once and need no rewrite.`,
    solution: `Add the column without the per-row value, then fill it in batches:

\`\`\`sql
ALTER TABLE orders ADD COLUMN public_id uuid;
ALTER TABLE orders ALTER COLUMN public_id SET DEFAULT gen_random_uuid();  -- new rows only, instant
-- backfill existing rows in batches (each batch a short transaction)
UPDATE orders SET public_id = gen_random_uuid()
WHERE id IN (SELECT id FROM orders WHERE public_id IS NULL LIMIT 10000);
\`\`\`

Then, if it must be required, add \`NOT NULL\` without a long lock (see
[\`set-not-null-scans-table\`](set-not-null-scans-table.md)). For a generated value, a \`VIRTUAL\` generated column
(Postgres 18) is never stored and needs no rewrite. Columns added to tables created by the same change set are
not reported.`,
    versions: 'Postgres 11+: only per-row values rewrite; before 11 any non-null default does. VIRTUAL generated columns exist since 18.',
    examples: {
      invalid: [
        {
          title: 'A volatile default',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY);',
          sql: 'ALTER TABLE orders ADD COLUMN public_id uuid NOT NULL DEFAULT gen_random_uuid();',
        },
        {
          title: 'Any default before Postgres 11',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY);',
          sql: "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';",
          pgVersion: 10,
        },
      ],
      valid: [
        {
          title: 'A constant default on Postgres 11+',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY);',
          sql: "ALTER TABLE orders ADD COLUMN status text NOT NULL DEFAULT 'new';",
        },
        {
          title: 'A stable default (now() is computed once)',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY);',
          sql: 'ALTER TABLE orders ADD COLUMN imported_at timestamptz NOT NULL DEFAULT now();',
        },
      ],
    },
    squawk: ['adding-field-with-default'],
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      if (change.kind !== 'add-column') continue;
      if (!isExisting(ctx, step.before, change.table)) continue;
      // A serial/identity primary key is add-serial-primary-key's (it also builds the index).
      if ((change.column.type.serial || change.column.identity) && change.column.constraints.some((c) => c.type === 'primary-key')) continue;
      const effect = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before });
      if (!effect.rewrite) continue;
      const lock = effect.locks[0]!;
      const t = formatQualified(change.table);
      ctx.report({
        message: `Adding ${t}.${change.column.name} rewrites the whole table and its indexes (${effect.reason}) while holding ${describeLock(lock)}.`,
        help: 'Add the column without the per-row value, set the default for new rows, and backfill in batches.',
        location: change.location,
        statement: change.statement,
        target: { schema: change.table.schema, table: change.table.name, column: change.column.name },
        lock: lockInfo(lock),
        fix: { summary: 'Add the column without rewriting the table, then fill it in batches.', steps: fixSteps(t, change.column, ctx.pgVersion) },
      });
    }
  },
});

function fixSteps(t: string, column: ColumnSpec, pgVersion: number): FixStep[] {
  const c = quoteIdent(column.name);
  const type = column.type.display;
  const value = column.identity || column.type.serial ? `nextval('<sequence>')` : column.generated ? column.generated.expression : (column.default?.text ?? '<value>');
  const steps: FixStep[] = [{ title: 'Add the column nullable, without a default (instant):', sql: `ALTER TABLE ${t} ADD COLUMN ${c} ${type};` }];
  if (column.generated) {
    if (pgVersion >= 18) steps.unshift({ title: 'On Postgres 18, a VIRTUAL generated column is computed on read and needs no rewrite:', sql: `ALTER TABLE ${t} ADD COLUMN ${c} ${type} GENERATED ALWAYS AS (${column.generated.expression}) VIRTUAL;` });
    steps.push({ title: 'Or keep it filled with a BEFORE INSERT OR UPDATE trigger that computes it, then backfill:', sql: `UPDATE ${t} SET ${c} = ${value} WHERE <key> IN (SELECT <key> FROM ${t} WHERE ${c} IS NULL LIMIT 10000);` });
    return steps;
  }
  if (column.identity || column.type.serial) {
    steps.push(
      { title: 'Give new rows their value from a sequence (metadata only):', sql: `CREATE SEQUENCE IF NOT EXISTS <sequence> OWNED BY ${t}.${c};\nALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT nextval('<sequence>');` },
      { title: 'Backfill existing rows in batches, each a short transaction:', sql: `UPDATE ${t} SET ${c} = nextval('<sequence>') WHERE <key> IN (SELECT <key> FROM ${t} WHERE ${c} IS NULL LIMIT 10000);` },
    );
  } else {
    steps.push(
      { title: 'Set the default for new rows (metadata only, no rewrite):', sql: `ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT ${value};` },
      { title: 'Backfill existing rows in batches, each a short transaction:', sql: `UPDATE ${t} SET ${c} = ${value} WHERE <key> IN (SELECT <key> FROM ${t} WHERE ${c} IS NULL LIMIT 10000);` },
    );
  }
  if (column.notNull) {
    const check = quoteIdent(`${t.replace(/"/g, '')}_${column.name}_not_null`.replace(/\./g, '_').slice(0, 63));
    steps.push({
      title: pgVersion >= 12 ? 'Then make it NOT NULL without a long lock:' : 'Then enforce it with a validated CHECK (Postgres < 12 scans for SET NOT NULL):',
      sql:
        `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${c} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${check};` +
        (pgVersion >= 12 ? `\nALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;\nALTER TABLE ${t} DROP CONSTRAINT ${check};` : ''),
    });
  }
  return steps;
}
