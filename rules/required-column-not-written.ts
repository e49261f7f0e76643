import { defineRule } from '../src/engine/rule.js';
import { whoStill, describeTarget, liveReferences, severityOf } from '../src/engine/live.js';
import { objectKey, type Column, type Schema } from '../src/schema/model.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';
import type { LiveReference } from '../src/engine/types.js';

export default defineRule({
  id: 'required-column-not-written',
  family: 'code-aware',
  severity: 'error',
  summary: 'A column becomes required (NOT NULL without a default) while live code inserts rows without it.',
  docs: {
    problem: `Code that inserts rows names the columns it knows. When a migration makes a column required —
\`ADD COLUMN … NOT NULL\` without a default, \`SET NOT NULL\` on a column without a default, or \`DROP DEFAULT\`
on a NOT NULL column — every insert of the release still running that does not supply it fails with
\`null value in column "…" violates not-null constraint\`. ORMs insert the fields of their model, and the old
model does not know the new column.`,
    solution: `Give the column a default, so inserts that omit it keep working:

\`\`\`sql
ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';
\`\`\`

Or, when no default makes sense: add it nullable, release code that writes it, backfill, and only then
enforce NOT NULL (on a large table through \`CHECK (plan IS NOT NULL) NOT VALID\`, \`VALIDATE CONSTRAINT\`, then
\`SET NOT NULL\`).`,
    examples: {
      invalid: [
        {
          title: 'A new required column the running release does not write',
          history: 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);',
          sql: 'ALTER TABLE users ADD COLUMN plan text NOT NULL;',
          code: {
            'src/signup.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const signup = (e: string) => pool.query('INSERT INTO users (email) VALUES ($1)', [e]);\n",
          },
        },
      ],
      valid: [
        {
          title: 'With a default, old inserts keep working',
          history: 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL);',
          sql: "ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';",
          code: {
            'src/signup.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const signup = (e: string) => pool.query('INSERT INTO users (email) VALUES ($1)', [e]);\n",
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      let column: string;
      let how: string;
      if (change.kind === 'add-column') {
        const c = change.column;
        if (!c.notNull || c.default || c.identity || c.generated) continue;
        column = c.name;
        how = 'is added as NOT NULL without a default';
      } else if (change.kind === 'set-not-null') {
        const before = columnOf(step.before, change.table, change.column);
        if (!before || before.notNull || before.default || before.identity || before.generated) continue;
        column = change.column;
        how = 'becomes NOT NULL and has no default';
      } else if (change.kind === 'drop-default') {
        const before = columnOf(step.before, change.table, change.column);
        if (!before || !before.default) continue;
        const after = columnOf(ctx.after, change.table, change.column);
        if (!after?.notNull || after.default) continue;
        column = change.column;
        how = 'loses its default while NOT NULL';
      } else continue;
      // A default set again later in the same migration makes the omission harmless.
      const final = columnOf(ctx.after, change.table, column);
      if (!final || !final.notNull || final.default || final.identity) continue;

      const inserts = liveReferences(ctx, { table: change.table, kinds: ['insert'] }).filter((r) => !writes(r, column));
      if (inserts.length === 0) continue;
      const target = describeTarget(change.table, column);
      const type = final.type.display;
      const t = formatQualified(change.table);
      const c = quoteIdent(column);
      ctx.report({
        severity: severityOf(inserts, ctx.severity),
        message: `Column ${target} ${how}, but ${whoStill(ctx, inserts, 'insert', false)} into ${describeTarget(change.table)} without it (${inserts.length} place${inserts.length === 1 ? '' : 's'}): those inserts will fail.`,
        help: 'Give the column a default, or add it nullable and enforce NOT NULL after every live release writes it.',
        location: change.location,
        statement: change.statement,
        target: { schema: change.table.schema, table: change.table.name, column },
        references: inserts,
        fix: {
          summary: 'Keep inserts that omit the column working.',
          steps: [
            {
              title: 'Either give the column a default (constant defaults need no table rewrite on Postgres 11+):',
              sql: change.kind === 'add-column' ? `ALTER TABLE ${t} ADD COLUMN ${c} ${type} NOT NULL DEFAULT <value>;` : `ALTER TABLE ${t} ALTER COLUMN ${c} SET DEFAULT <value>;`,
            },
            { title: 'Or add it nullable now, release code that always writes it, and backfill:', sql: `ALTER TABLE ${t} ADD COLUMN ${c} ${type};` },
            {
              title: 'then enforce it in a later migration without a long lock:',
              sql: `ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(`${change.table.name}_${column}_not_null`.slice(0, 63))} CHECK (${c} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${quoteIdent(`${change.table.name}_${column}_not_null`.slice(0, 63))};\nALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;`,
            },
          ],
        },
      });
    }
  },
});

function columnOf(schema: Schema, table: { schema: string; name: string }, column: string): Column | undefined {
  return schema.tables.get(objectKey(table))?.columns.find((c) => c.name === column);
}

/** An insert writes the column when it names it; positional inserts and ORM creates of an old model do not. */
function writes(ref: LiveReference, column: string): boolean {
  return ref.insertColumns !== undefined && ref.insertColumns.includes(column);
}
