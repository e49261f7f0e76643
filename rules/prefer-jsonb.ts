import { defineRule } from '../src/engine/rule.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';
import type { QualifiedName, TypeRef } from '../src/sql/types.js';

export default defineRule({
  id: 'prefer-jsonb',
  family: 'type-choice',
  severity: 'warning',
  summary: 'A json column: no equality operator (DISTINCT, GROUP BY and UNION fail on it) and no indexing; prefer jsonb.',
  docs: {
    problem: `\`json\` stores the text as written and has no equality operator: \`SELECT DISTINCT\`, \`GROUP BY\`, \`UNION\` and
some ORM queries that compare rows fail with \`could not identify an equality operator for type json\`. It cannot
be indexed with GIN and is re-parsed on every access. Converting it later rewrites the table.`,
    solution: `Use \`jsonb\`:

\`\`\`sql
CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);
\`\`\`

Keep \`json\` only when the exact text (key order, duplicate keys, whitespace) must be preserved.`,
    examples: {
      invalid: [{ title: 'A json payload', sql: 'CREATE TABLE events (id bigint PRIMARY KEY, payload json NOT NULL);' }],
      valid: [{ title: 'jsonb', sql: 'CREATE TABLE events (id bigint PRIMARY KEY, payload jsonb NOT NULL);' }],
    },
  },
  check(ctx) {
    const report = (table: QualifiedName, column: string, type: TypeRef, change: (typeof ctx.steps)[number]['change']): void => {
      if (type.name !== 'json' || type.schema) return;
      ctx.report({
        message: `${formatQualified(table)}.${column} is json: queries with DISTINCT, GROUP BY or UNION over it fail (json has no equality operator), and it cannot be GIN-indexed.`,
        help: 'Use jsonb.',
        location: change.location,
        statement: change.statement,
        target: { schema: table.schema, table: table.name, column },
        fix: { summary: 'Use jsonb.', steps: [{ title: 'Declare the column as:', sql: `${quoteIdent(column)} jsonb${type.arrayDims ? '[]' : ''}` }] },
      });
    };
    for (const { change } of ctx.steps) {
      if (change.kind === 'create-table') for (const c of change.columns) report(change.table, c.name, c.type, change);
      else if (change.kind === 'add-column') report(change.table, change.column.name, change.column.type, change);
      else if (change.kind === 'alter-column-type') report(change.table, change.column, change.type, change);
    }
  },
});
