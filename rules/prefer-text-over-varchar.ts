import { defineRule } from '../src/engine/rule.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';
import type { QualifiedName, TypeRef } from '../src/sql/types.js';

export default defineRule({
  id: 'prefer-text-over-varchar',
  family: 'type-choice',
  severity: 'warning',
  defaultSeverity: 'off',
  summary: 'A varchar(n) column: the limit is cheap to set and expensive to lower; prefer text with a CHECK.',
  docs: {
    defaultWhy:
      '74 of 228 findings on ordinary PRs were this rule on lengths the team chose deliberately (Prisma @db.VarChar(n)); none was acted on (bench/noise.md).',
    problem: `In Postgres \`varchar(n)\` is \`text\` with a length check baked into the type. Raising \`n\` later is cheap
(no rewrite since 9.2) but still takes an \`ACCESS EXCLUSIVE\` lock; **lowering** it rewrites the whole table under
that lock. A length rule kept in a \`CHECK\` constraint can be changed without blocking anything: add the new one
\`NOT VALID\`, validate it, drop the old one.`,
    solution: `Use \`text\` and put the limit in a named \`CHECK\`:

\`\`\`sql
CREATE TABLE users (
  id bigint PRIMARY KEY,
  name text NOT NULL CONSTRAINT users_name_length CHECK (length(name) <= 100)
);
\`\`\`

Unbounded \`varchar\` (no length) is the same as \`text\` and is not reported.`,
    examples: {
      invalid: [{ title: 'A varchar with a length', sql: 'CREATE TABLE users (id bigint PRIMARY KEY, name varchar(100) NOT NULL);' }],
      valid: [{ title: 'text with a CHECK', sql: 'CREATE TABLE users (id bigint PRIMARY KEY, name text NOT NULL CHECK (length(name) <= 100));' }],
    },
    squawk: ['prefer-text-field'],
  },
  check(ctx) {
    const report = (table: QualifiedName, column: string, type: TypeRef, change: (typeof ctx.steps)[number]['change']): void => {
      if (type.name !== 'varchar' || type.schema || type.modifiers.length === 0) return;
      const c = quoteIdent(column);
      const check = quoteIdent(`${table.name}_${column}_length`.slice(0, 63));
      ctx.report({
        message: `${formatQualified(table)}.${column} is ${type.display}: lowering the limit later rewrites the table under an ACCESS EXCLUSIVE lock, while a CHECK constraint can be changed without blocking.`,
        help: 'Use text with a CHECK (length(…) <= n) constraint.',
        location: change.location,
        statement: change.statement,
        target: { schema: table.schema, table: table.name, column },
        fix: { summary: 'Keep the limit in a constraint.', steps: [{ title: 'Declare the column as:', sql: `${c} text${type.arrayDims ? '[]' : ` CONSTRAINT ${check} CHECK (length(${c}) <= ${type.modifiers[0]})`}` }] },
      });
    };
    for (const { change } of ctx.steps) {
      if (change.kind === 'create-table') for (const c of change.columns) report(change.table, c.name, c.type, change);
      else if (change.kind === 'add-column') report(change.table, change.column.name, change.column.type, change);
      else if (change.kind === 'alter-column-type') report(change.table, change.column, change.type, change);
    }
  },
});
