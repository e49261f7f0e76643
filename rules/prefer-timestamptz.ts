import { defineRule } from '../src/engine/rule.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';
import type { QualifiedName, TypeRef } from '../src/sql/types.js';

export default defineRule({
  id: 'prefer-timestamptz',
  family: 'type-choice',
  severity: 'warning',
  summary: 'A timestamp without time zone column: it stores a wall-clock reading, not an instant.',
  docs: {
    problem: `\`timestamp\` (without time zone) stores a date and a clock reading with no zone: \`2024-03-31 02:30\` means a
different instant in every zone, and some readings happen twice or never at a daylight-saving change. Drivers
convert it with whatever zone the client happens to use, so two services read different instants from the same
row. Converting the column to \`timestamptz\` later rewrites the table (unless the session time zone is UTC on
Postgres 12+).`,
    solution: `Store instants as \`timestamptz\` (it takes the same 8 bytes and stores UTC):

\`\`\`sql
CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamptz NOT NULL DEFAULT now());
\`\`\`

Keep \`timestamp\` only for genuinely zone-less readings (a shop's opening hour), and say so in a suppression.`,
    examples: {
      invalid: [{ title: 'An event time without a zone', sql: 'CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp NOT NULL);' }],
      valid: [{ title: 'timestamptz', sql: 'CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamptz NOT NULL);' }],
    },
    squawk: ['prefer-timestamptz'],
  },
  check(ctx) {
    const report = (table: QualifiedName, column: string, type: TypeRef, change: (typeof ctx.steps)[number]['change']): void => {
      if (type.name !== 'timestamp' || type.schema) return;
      // Prisma maps every DateTime to timestamp(3) in the migrations it generates: the team does not choose the
      // type per column (only with @db.Timestamptz), so a finding per column is noise, not advice.
      if (ctx.migration.layout === 'prisma' && type.modifiers.length === 1 && String(type.modifiers[0]) === '3') return;
      ctx.report({
        message: `${formatQualified(table)}.${column} is ${type.display}: it stores a wall-clock reading without a zone, which clients read as different instants.`,
        help: 'Use timestamptz (timestamp with time zone).',
        location: change.location,
        statement: change.statement,
        target: { schema: table.schema, table: table.name, column },
        fix: { summary: 'Store an instant.', steps: [{ title: 'Declare the column as:', sql: `${quoteIdent(column)} ${type.display.replace('without time zone', 'with time zone')}` }] },
      });
    };
    for (const { change } of ctx.steps) {
      if (change.kind === 'create-table') for (const c of change.columns) report(change.table, c.name, c.type, change);
      else if (change.kind === 'add-column') report(change.table, change.column.name, change.column.type, change);
      else if (change.kind === 'alter-column-type') report(change.table, change.column, change.type, change);
    }
  },
});
