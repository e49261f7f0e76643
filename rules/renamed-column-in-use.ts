import { defineRule } from '../src/engine/rule.js';
import { columnSwapSteps } from '../src/engine/expand-contract.js';
import { whoStill, describeTarget, liveReferences, ormStep, resolves, severityOf } from '../src/engine/live.js';
import { objectKey } from '../src/schema/model.js';
import { quoteIdent } from '../src/sql/quote.js';

export default defineRule({
  id: 'renamed-column-in-use',
  family: 'code-aware',
  severity: 'error',
  summary: 'A column is renamed while live code still uses the old name.',
  docs: {
    problem: `\`ALTER TABLE … RENAME COLUMN\` is instant, and that is the trouble: from that moment every query of
the release still running that names the old column fails, and the new code that names the new column fails
on any instance where the migration has not run yet. There is no order of deploy and migration in which both
releases work.`,
    solution: `Rename in steps (expand/contract):

1. Add the new column and keep it in sync with the old one with a trigger, then backfill:

\`\`\`sql
ALTER TABLE users ADD COLUMN full_name text;
-- trigger copying name ↔ full_name on INSERT/UPDATE, then a batched UPDATE
\`\`\`

2. Release code that reads and writes the new column (with an ORM: map the field to the new column).
3. In a later migration, drop the trigger and the old column.

For a table (not a column), a view with the old name is a cheaper bridge: see \`renamed-table-in-use\`.`,
    examples: {
      invalid: [
        {
          title: 'The running release still writes the old name',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, name text);',
          sql: 'ALTER TABLE users RENAME COLUMN name TO full_name;',
          code: {
            'src/users.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const rename = (id: number, name: string) => pool.query('UPDATE users SET name = $1 WHERE id = $2', [name, id]);\n",
          },
        },
      ],
      valid: [
        {
          title: 'Expand first: a new column, no rename',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, name text);',
          sql: 'ALTER TABLE users ADD COLUMN full_name text;',
          code: {
            'src/users.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const rename = (id: number, name: string) => pool.query('UPDATE users SET name = $1 WHERE id = $2', [name, id]);\n",
          },
        },
      ],
    },
    squawk: ['renaming-column'],
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      if (change.kind !== 'rename-column') continue;
      if (resolves(ctx.after, change.table, change.column)) continue;
      const refs = liveReferences(ctx, { table: change.table, column: change.column });
      if (refs.length === 0) continue;
      const column = step.before.tables.get(objectKey(change.table))?.columns.find((c) => c.name === change.column);
      const type = column?.type.display ?? 'text';
      const orm = ormStep(refs, change.column, 'rename', change.newName);
      ctx.report({
        severity: severityOf(refs, ctx.severity),
        message: `Column ${describeTarget(change.table, change.column)} is renamed to ${quoteIdent(change.newName)} while ${whoStill(ctx, refs)} the old name (${refs.length} reference${refs.length === 1 ? '' : 's'}).`,
        help: 'Add the new column next to the old one, keep them in sync, switch the code, then drop the old column.',
        location: change.location,
        statement: change.statement,
        target: { schema: change.table.schema, table: change.table.name, column: change.column },
        references: refs,
        fix: {
          summary: 'Rename in steps: add, sync, backfill, switch the code, then drop the old column.',
          steps: [
            ...columnSwapSteps(
              { table: change.table, oldColumn: change.column, newColumn: change.newName, newType: type, convert: quoteIdent(change.column), convertBack: quoteIdent(change.newName) },
              step.before,
            ).map((s, i) => (i === 3 && orm ? { ...s, code: orm } : s)),
          ],
        },
      });
    }
  },
});
