import { defineRule } from '../src/engine/rule.js';
import { columnSwapSteps } from '../src/engine/expand-contract.js';
import { whoStill, describeTarget, liveReferences, severityOf } from '../src/engine/live.js';
import { classifyTypeChange } from '../src/engine/type-compat.js';
import { objectKey } from '../src/schema/model.js';
import { quoteIdent } from '../src/sql/quote.js';

export default defineRule({
  id: 'changed-type-in-use',
  family: 'code-aware',
  severity: 'error',
  summary: "A column's type changes in a way the live code that reads or writes it does not expect.",
  docs: {
    problem: `Code is written for a column's type: a number it adds to, a string it parses, a JSON object it
walks. When a migration changes the type under the release still running, that release reads values of
another kind (\`integer\` → \`text\` turns numbers into strings in the client) or its writes start failing
(\`text\` → \`jsonb\` rejects plain strings; a narrower \`varchar(n)\` rejects long values).
Widening changes (\`varchar(20)\` → \`text\`, \`integer\` → \`bigint\`) are reported as information only.`,
    solution: `Change a type in steps, like a rename: add a column of the new type, keep it in sync with a
trigger, backfill, switch the code, then drop the old column:

\`\`\`sql
ALTER TABLE orders ADD COLUMN total_cents_v2 bigint;
-- trigger keeping total_cents_v2 = total_cents::bigint, batched backfill
-- release code that uses total_cents_v2, then drop total_cents
\`\`\``,
    examples: {
      invalid: [
        {
          title: 'integer → text under code that reads it',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, quantity integer);',
          sql: 'ALTER TABLE orders ALTER COLUMN quantity TYPE text;',
          code: {
            'src/orders.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const count = () => pool.query('SELECT sum(quantity) FROM orders');\n",
          },
        },
      ],
      valid: [
        {
          title: 'The column is not used by live code',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, quantity integer, note integer);',
          sql: 'ALTER TABLE orders ALTER COLUMN note TYPE text;',
          code: {
            'src/orders.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const count = () => pool.query('SELECT sum(quantity) FROM orders');\n",
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      if (change.kind !== 'alter-column-type') continue;
      const column = step.before.tables.get(objectKey(change.table))?.columns.find((c) => c.name === change.column);
      if (!column) continue;
      const impact = classifyTypeChange(column.type, change.type);
      if (impact.impact === 'same') continue;
      const refs = liveReferences(ctx, { table: change.table, column: change.column });
      if (refs.length === 0) continue;
      const target = describeTarget(change.table, change.column);
      if (impact.impact === 'widening') {
        ctx.report({
          severity: 'info',
          message: `Column ${target} widens from ${column.type.display} to ${change.type.display}; live code keeps working${impact.note ? ` (note: ${impact.note})` : ''}.`,
          location: change.location,
          statement: change.statement,
          target: { schema: change.table.schema, table: change.table.name, column: change.column },
          references: refs,
        });
        continue;
      }
      const temp = `${change.column}_new`;
      const using = change.using ?? `${quoteIdent(change.column)}::${change.type.display}`;
      ctx.report({
        severity: severityOf(refs, ctx.severity),
        message: `Column ${target} changes type from ${column.type.display} to ${change.type.display} while ${whoStill(ctx, refs)} it: ${impact.reason}.`,
        help: 'Add a column of the new type, keep both in sync, switch the code, then drop the old column.',
        location: change.location,
        statement: change.statement,
        target: { schema: change.table.schema, table: change.table.name, column: change.column },
        references: refs,
        fix: {
          summary: 'Change the type through a new column (expand/contract).',
          steps: columnSwapSteps(
            {
              table: change.table,
              oldColumn: change.column,
              newColumn: temp,
              newType: change.type.display,
              convert: using,
              convertBack: `${quoteIdent(temp)}::${column.type.display}`,
            },
            step.before,
          ),
        },
      });
    }
  },
});
