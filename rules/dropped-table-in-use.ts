import { defineRule } from '../src/engine/rule.js';
import { whoStill, describeTarget, liveReferences, ormStep, resolves, severityOf } from '../src/engine/live.js';
import { formatQualified } from '../src/sql/quote.js';

export default defineRule({
  id: 'dropped-table-in-use',
  family: 'code-aware',
  severity: 'error',
  summary: 'A table is dropped while live code (the release still running, or the new code) still uses it.',
  docs: {
    problem: `While a deploy rolls out, the release still running keeps querying the tables it knows. Dropping one
of them in the same deploy makes each of those queries fail with \`relation "…" does not exist\` until the
last old instance is replaced; an ORM model left for the table fails on every use.`,
    solution: `Drop a table in two releases:

1. Remove every use of the table from the code (queries, ORM model/entity) and ship that release.
2. Then drop the table in a later migration:

\`\`\`sql
DROP TABLE legacy_sessions;
\`\`\``,
    examples: {
      invalid: [
        {
          title: 'The running release still reads the table',
          history: 'CREATE TABLE legacy_sessions (id bigint PRIMARY KEY, token text);',
          sql: 'DROP TABLE legacy_sessions;',
          code: {
            'src/auth.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const find = (t: string) => pool.query('SELECT id FROM legacy_sessions WHERE token = $1', [t]);\n",
          },
        },
      ],
      valid: [
        {
          title: 'Nothing uses the table any more',
          history: 'CREATE TABLE legacy_sessions (id bigint PRIMARY KEY, token text);\nCREATE TABLE sessions (id bigint PRIMARY KEY, token text);',
          sql: 'DROP TABLE legacy_sessions;',
          code: {
            'src/auth.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const find = (t: string) => pool.query('SELECT id FROM sessions WHERE token = $1', [t]);\n",
          },
        },
      ],
    },
  },
  check(ctx) {
    for (const { change } of ctx.steps) {
      if (change.kind !== 'drop-table') continue;
      // Replaced by a table or a compatibility view of the same name in the same migration.
      if (resolves(ctx.after, change.table)) continue;
      const refs = liveReferences(ctx, { table: change.table });
      if (refs.length === 0) continue;
      const orm = ormStep(refs, undefined, 'remove');
      ctx.report({
        severity: severityOf(refs, ctx.severity),
        message: `Table ${describeTarget(change.table)} is dropped while ${whoStill(ctx, refs)} it (${refs.length} reference${refs.length === 1 ? '' : 's'}).`,
        help: 'Remove the table from the code and the ORM models, release that, then drop it in a later migration.',
        location: change.location,
        statement: change.statement,
        target: { schema: change.table.schema, table: change.table.name },
        references: refs,
        fix: {
          summary: 'Drop the table in two releases.',
          steps: [
            {
              title: 'Stop using the table in the code (this release).',
              ...(orm ? { code: orm } : {}),
            },
            { title: 'Ship that release and let it replace every running instance.' },
            { title: 'Then drop the table in a later migration.', sql: `DROP TABLE ${formatQualified(change.table)};` },
          ],
        },
      });
    }
  },
});
