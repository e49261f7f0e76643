import { defineRule } from '../src/engine/rule.js';
import { whoStill, describeTarget, liveReferences, resolves, severityOf } from '../src/engine/live.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';

export default defineRule({
  id: 'renamed-table-in-use',
  family: 'code-aware',
  severity: 'error',
  summary: 'A table is renamed while live code still uses the old name (and no view keeps the old name).',
  docs: {
    problem: `\`ALTER TABLE … RENAME TO\` takes effect at once: every query of the release still running that names the
old table fails with \`relation "…" does not exist\` until the rollout finishes, and ORM models mapped to the old
name fail on every use.`,
    solution: `Keep the old name alive with a view while both releases run. A simple view over one table is
updatable, so old code can still insert, update and delete through it:

\`\`\`sql
BEGIN;
ALTER TABLE users RENAME TO accounts;
CREATE VIEW users AS SELECT * FROM accounts;
COMMIT;
\`\`\`

Release the code that uses the new name, then drop the view in a later migration (\`DROP VIEW users;\`).
rollsafe recognises the view and stays quiet.`,
    examples: {
      invalid: [
        {
          title: 'Renamed with nothing left under the old name',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
          sql: 'ALTER TABLE users RENAME TO accounts;',
          code: {
            'src/users.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const byEmail = (e: string) => pool.query('SELECT id FROM users WHERE email = $1', [e]);\n",
          },
        },
      ],
      valid: [
        {
          title: 'A compatibility view keeps the old name',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
          sql: 'ALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;',
          code: {
            'src/users.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const byEmail = (e: string) => pool.query('SELECT id FROM users WHERE email = $1', [e]);\n",
          },
        },
      ],
    },
    squawk: ['renaming-table'],
  },
  check(ctx) {
    for (const { change } of ctx.steps) {
      if (change.kind !== 'rename-table' && change.kind !== 'set-table-schema') continue;
      if (resolves(ctx.after, change.table)) continue;
      const refs = liveReferences(ctx, { table: change.table });
      if (refs.length === 0) continue;
      const newName =
        change.kind === 'rename-table' ? { schema: change.table.schema, name: change.newName } : { schema: change.newSchema, name: change.table.name };
      const oldSql = formatQualified(change.table);
      const newSql = formatQualified(newName);
      ctx.report({
        severity: severityOf(refs, ctx.severity),
        message: `Table ${describeTarget(change.table)} is renamed to ${describeTarget(newName)} while ${whoStill(ctx, refs)} the old name (${refs.length} reference${refs.length === 1 ? '' : 's'}).`,
        help: `Create a view named ${quoteIdent(change.table.name)} over the renamed table in the same migration, and drop it once no release uses the old name.`,
        location: change.location,
        statement: change.statement,
        target: { schema: change.table.schema, table: change.table.name },
        references: refs,
        fix: {
          summary: 'Rename behind a compatibility view.',
          steps: [
            {
              title: 'Rename and keep the old name as an updatable view, in one transaction.',
              sql: `BEGIN;\n${change.statement.text.replace(/;?\s*$/, ';')}\nCREATE VIEW ${oldSql} AS SELECT * FROM ${newSql};\nCOMMIT;`,
            },
            { title: `Release code that uses ${newSql}; let it replace every running instance.` },
            { title: 'Then drop the view in a later migration.', sql: `DROP VIEW ${oldSql};` },
          ],
        },
      });
    }
  },
});
