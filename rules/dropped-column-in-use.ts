import { defineRule } from '../src/engine/rule.js';
import { whoStill, describeTarget, liveReferences, ormStep, resolves, severityOf } from '../src/engine/live.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';

export default defineRule({
  id: 'dropped-column-in-use',
  family: 'code-aware',
  severity: 'error',
  summary: 'A column is dropped while live code (the release still running, or the new code) still uses it.',
  docs: {
    problem: `A deploy is not atomic. While the new release rolls out, instances of the previous release keep
running against the new schema, and the migration usually runs before any of them is replaced. If the
migration drops a column that the running release still selects, inserts or filters on, every such query
fails with \`column "…" does not exist\` until the last old instance is gone. ORMs make this worse: Prisma,
TypeORM, Sequelize and Drizzle select every column their model declares, so a field left in the model breaks
every read of the table, not only the code that mentions the column.`,
    solution: `Drop a column in two releases (expand/contract):

1. Remove every use of the column from the code, including the ORM model field, and ship that release.
2. Once no running instance uses it, drop the column in a later migration:

\`\`\`sql
ALTER TABLE users DROP COLUMN legacy_name;
\`\`\`

rollsafe knows the release still running (\`--base\`): when it no longer references the column, the drop is
reported as safe.`,
    examples: {
      invalid: [
        {
          title: 'The running release still reads the column',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, legacy_name text, name text);',
          sql: 'ALTER TABLE users DROP COLUMN legacy_name;',
          code: {
            'src/poller.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const poll = () => pool.query('SELECT id, legacy_name FROM users');\n",
          },
        },
      ],
      valid: [
        {
          title: 'No live code uses the column any more',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, legacy_name text, name text);',
          sql: 'ALTER TABLE users DROP COLUMN legacy_name;',
          code: {
            'src/poller.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const poll = () => pool.query('SELECT id, name FROM users');\n",
          },
        },
      ],
    },
    squawk: [],
  },
  check(ctx) {
    for (const { change } of ctx.steps) {
      if (change.kind !== 'drop-column') continue;
      // Dropped and added back in the same migration (e.g. to change its type): another rule's concern.
      if (resolves(ctx.after, change.table, change.column)) continue;
      const refs = liveReferences(ctx, { table: change.table, column: change.column });
      if (refs.length === 0) continue;
      const target = describeTarget(change.table, change.column);
      const orm = ormStep(refs, change.column, 'remove');
      ctx.report({
        severity: severityOf(refs, ctx.severity),
        message: `Column ${target} is dropped while ${whoStill(ctx, refs)} it (${refs.length} reference${refs.length === 1 ? '' : 's'}).`,
        help: 'Remove the column from the code and the ORM model, release that, then drop it in a later migration.',
        location: change.location,
        statement: change.statement,
        target: { schema: change.table.schema, table: change.table.name, column: change.column },
        references: refs,
        fix: {
          summary: 'Drop the column in two releases (expand/contract).',
          steps: [
            { title: 'Stop using the column in the code (this release).', ...(orm ? { code: orm } : {}) },
            { title: 'Ship that release and let it replace every running instance.' },
            {
              title: 'Then drop the column in a later migration.',
              sql: `ALTER TABLE ${formatQualified(change.table)} DROP COLUMN ${quoteIdent(change.column)};`,
            },
          ],
        },
      });
    }
  },
});
