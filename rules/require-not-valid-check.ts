import { defineRule } from '../src/engine/rule.js';
import { alterTableSql, constraintName, describeLock, isExisting, lockEffect, lockInfo } from '../src/engine/locks.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';
import type { ConstraintSpec, QualifiedName } from '../src/sql/types.js';

export default defineRule({
  id: 'require-not-valid-check',
  family: 'lock',
  severity: 'error',
  summary: 'A CHECK constraint added to an existing table without NOT VALID blocks reads and writes while every row is checked.',
  docs: {
    problem: `\`ALTER TABLE … ADD CONSTRAINT … CHECK (…)\` takes an \`ACCESS EXCLUSIVE\` lock on the table and keeps it
while it reads every row to check the condition. Nothing can read or write the table until the scan ends. A
new column declared with an inline \`CHECK\` is checked the same way.`,
    solution: `Add the constraint \`NOT VALID\` (a brief lock; new and updated rows are checked from then on), then
validate it in a separate transaction with \`VALIDATE CONSTRAINT\`, which takes a \`SHARE UPDATE EXCLUSIVE\` lock:
reads and writes go on during the scan.

\`\`\`sql
ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;
-- later, in another transaction:
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;
\`\`\`

A CHECK on a table created by the same change set is not reported: there are no rows to check.`,
    examples: {
      invalid: [
        {
          title: 'A CHECK validated under an ACCESS EXCLUSIVE lock',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL);',
          sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0);',
        },
      ],
      valid: [
        {
          title: 'NOT VALID first',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL);',
          sql: 'ALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;',
        },
        {
          title: 'Then validated in a later migration',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL);\nALTER TABLE orders ADD CONSTRAINT orders_total_positive CHECK (total >= 0) NOT VALID;',
          sql: 'ALTER TABLE orders VALIDATE CONSTRAINT orders_total_positive;',
        },
      ],
    },
    squawk: ['constraint-missing-not-valid'],
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      let spec: ConstraintSpec | undefined;
      let inline: string | undefined;
      if (change.kind === 'add-constraint' && change.constraint.type === 'check') spec = change.constraint;
      else if (change.kind === 'add-column') {
        spec = change.column.constraints.find((c) => c.type === 'check');
        inline = change.column.name;
      }
      if (!spec || spec.notValid) continue;
      const on = (change as { table: QualifiedName }).table;
      if (!isExisting(ctx, step.before, on)) continue;
      const effect = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before });
      // A column that rewrites the table is reported by add-column-rewrites-table.
      if (effect.rewrite) continue;
      const lock = effect.locks[0]!;
      const t = formatQualified(on);
      const name = quoteIdent(constraintName(ctx.after, on, inline ? { ...spec, columns: [inline] } : spec));
      const addNotValid = inline
        ? `ALTER TABLE ${t} ADD CONSTRAINT ${name} CHECK (${spec.expression ?? '…'}) NOT VALID;`
        : alterTableSql(change, on, ' NOT VALID');
      ctx.report({
        message: `The CHECK constraint ${inline ? `on the new column ${t}.${inline} ` : `on ${t} `}reads every existing row while holding ${describeLock(lock)}.`,
        help: 'Add the constraint NOT VALID, then VALIDATE CONSTRAINT in a separate transaction.',
        location: change.location,
        statement: change.statement,
        target: { schema: on.schema, table: on.name, ...(inline ? { column: inline } : {}) },
        lock: lockInfo(lock),
        fix: {
          summary: 'Add the constraint without scanning under the lock, then validate it without blocking reads and writes.',
          steps: [
            ...(inline && change.kind === 'add-column'
              ? [{ title: 'Add the column without the CHECK:', sql: `ALTER TABLE ${t} ADD COLUMN ${quoteIdent(inline)} ${change.column.type.display}${change.column.default ? ` DEFAULT ${change.column.default.text}` : ''};` }]
              : []),
            { title: 'Add the constraint NOT VALID (new and updated rows are checked from now on):', sql: addNotValid },
            { title: 'Then, in a separate transaction, check the existing rows (SHARE UPDATE EXCLUSIVE):', sql: `ALTER TABLE ${t} VALIDATE CONSTRAINT ${name};` },
          ],
        },
      });
    }
  },
});
