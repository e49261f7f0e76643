import { defineRule } from '../src/engine/rule.js';
import { alterTableSql, constraintName, describeLock, isExisting, lockEffect, lockInfo } from '../src/engine/locks.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';
import type { ConstraintSpec, QualifiedName } from '../src/sql/types.js';

export default defineRule({
  id: 'require-not-valid-foreign-key',
  family: 'lock',
  severity: 'error',
  summary: 'A foreign key added to an existing table without NOT VALID blocks writes to both tables while every row is checked.',
  docs: {
    problem: `Adding a foreign key checks every existing row against the referenced table. Meanwhile Postgres holds a
\`SHARE ROW EXCLUSIVE\` lock on **both** tables: no row of either can be inserted, updated or deleted until the
check ends. On large tables that is minutes of failed writes — and the referenced table is usually a busy one
(\`users\`, \`accounts\`). Adding a column with an inline \`REFERENCES\` does the same.`,
    solution: `Add the constraint \`NOT VALID\` (a brief lock, no check of existing rows; new rows are checked at once),
then validate it in a separate transaction: \`VALIDATE CONSTRAINT\` takes only a \`SHARE UPDATE EXCLUSIVE\` lock on
the table, so reads and writes go on during the check.

\`\`\`sql
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey
  FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
-- later, in another transaction (another migration, or after COMMIT):
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;
\`\`\`

Validating in the same transaction as the \`ADD\` keeps the first lock for the whole check and gains nothing
(see [\`slow-statement-under-lock\`](slow-statement-under-lock.md)). A foreign key on a table created by the same
change set is not reported: it has no rows to check.`,
    examples: {
      invalid: [
        {
          title: 'A foreign key checked under lock',
          history: 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);',
          sql: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);',
        },
        {
          title: 'A new column with an inline reference',
          history: 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY);',
          sql: 'ALTER TABLE orders ADD COLUMN customer_id bigint REFERENCES customers (id);',
        },
      ],
      valid: [
        {
          title: 'NOT VALID, then validated in another migration',
          history: 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);',
          sql: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
        },
        {
          title: 'The table is created in the same migration',
          history: 'CREATE TABLE customers (id bigint PRIMARY KEY);',
          sql: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\nALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);',
        },
      ],
    },
    squawk: ['adding-foreign-key-constraint', 'constraint-missing-not-valid'],
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      let spec: ConstraintSpec | undefined;
      let inline: string | undefined;
      if (change.kind === 'add-constraint' && change.constraint.type === 'foreign-key') spec = change.constraint;
      else if (change.kind === 'add-column') {
        spec = change.column.constraints.find((c) => c.type === 'foreign-key');
        inline = change.column.name;
      }
      if (!spec || spec.notValid || !spec.references) continue;
      const on = (change as { table: QualifiedName }).table;
      if (!isExisting(ctx, step.before, on)) continue;
      const effect = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before });
      const locks = effect.locks.filter((l) => l.mode === 'SHARE ROW EXCLUSIVE');
      const t = formatQualified(on);
      const ref = formatQualified(spec.references.table);
      const name = quoteIdent(constraintName(ctx.after, on, spec));
      const cols = (inline ? [inline] : spec.columns).map(quoteIdent).join(', ');
      const refCols = spec.references.columns.length ? ` (${spec.references.columns.map(quoteIdent).join(', ')})` : '';
      const addNotValid = inline
        ? `ALTER TABLE ${t} ADD CONSTRAINT ${name} FOREIGN KEY (${cols}) REFERENCES ${ref}${refCols} NOT VALID;`
        : alterTableSql(change, on, ' NOT VALID');
      const lockWords = locks.length ? locks.map(describeLock).join(', and ') : `SHARE ROW EXCLUSIVE locks on ${t} and ${ref}, which block writes`;
      ctx.report({
        message: `The foreign key ${inline ? `on the new column ${t}.${inline} ` : `on ${t} `}checks every existing row against ${ref} while holding ${lockWords}.`,
        help: 'Add the foreign key NOT VALID, then VALIDATE CONSTRAINT in a separate transaction.',
        location: change.location,
        statement: change.statement,
        target: { schema: on.schema, table: on.name, ...(inline ? { column: inline } : {}) },
        ...(locks[0] ? { lock: lockInfo(locks[0]) } : {}),
        fix: {
          summary: 'Add the foreign key without checking existing rows under the lock, then validate it without blocking writes.',
          steps: [
            ...(inline ? [{ title: 'Add the column without the reference:', sql: `ALTER TABLE ${t} ADD COLUMN ${quoteIdent(inline)} ${change.kind === 'add-column' ? change.column.type.display : ''};` }] : []),
            { title: 'Add the constraint NOT VALID (new rows are checked from now on):', sql: addNotValid },
            {
              title: 'Then, in a separate transaction, check the existing rows (SHARE UPDATE EXCLUSIVE: reads and writes go on):',
              sql: `ALTER TABLE ${t} VALIDATE CONSTRAINT ${name};`,
            },
          ],
        },
      });
    }
  },
});
