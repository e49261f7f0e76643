import { defineRule } from '../src/engine/rule.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';
import type { QualifiedName, TypeRef } from '../src/sql/types.js';

export default defineRule({
  id: 'prefer-text-over-char',
  family: 'type-choice',
  severity: 'warning',
  defaultSeverity: 'off',
  summary: 'A char(n) / character(n) column: blank-padded, no faster than text, and surprising in comparisons.',
  docs: {
    defaultWhy:
      'A type choice teams make once per column on purpose (country codes); on ordinary PRs it was never acted on (bench/noise.md).',
    problem: `\`char(n)\` pads every value with spaces to \`n\` characters, stores the padding, and ignores trailing spaces
in comparisons but not in \`LIKE\` or regular expressions, nor in the application, which reads \`'ab  '\`. It is
no faster than \`text\` in Postgres, and changing \`n\` later rewrites the table.`,
    solution: `Use \`text\`, with a \`CHECK\` on the length if it matters:

\`\`\`sql
CREATE TABLE countries (code text PRIMARY KEY CHECK (length(code) = 2));
\`\`\``,
    examples: {
      invalid: [{ title: 'A fixed-width code', sql: 'CREATE TABLE countries (code char(2) PRIMARY KEY);' }],
      valid: [{ title: 'text with a CHECK', sql: 'CREATE TABLE countries (code text PRIMARY KEY CHECK (length(code) = 2));' }],
    },
    squawk: ['ban-char-field'],
  },
  check(ctx) {
    const report = (table: QualifiedName, column: string, type: TypeRef, change: (typeof ctx.steps)[number]['change']): void => {
      if (type.name !== 'bpchar' || type.schema) return;
      const length = type.modifiers[0];
      ctx.report({
        message: `${formatQualified(table)}.${column} is ${type.display}: values are blank-padded to ${length ?? 1} characters and read back with the padding.`,
        help: 'Use text, with a CHECK on length() if the size matters.',
        location: change.location,
        statement: change.statement,
        target: { schema: table.schema, table: table.name, column },
        fix: {
          summary: 'Use text.',
          steps: [{ title: 'Declare the column as:', sql: `${quoteIdent(column)} text${type.arrayDims ? '[]' : ''}${length !== undefined && !type.arrayDims ? ` CHECK (length(${quoteIdent(column)}) <= ${length})` : ''}` }],
        },
      });
    };
    for (const { change } of ctx.steps) {
      if (change.kind === 'create-table') for (const c of change.columns) report(change.table, c.name, c.type, change);
      else if (change.kind === 'add-column') report(change.table, change.column.name, change.column.type, change);
      else if (change.kind === 'alter-column-type') report(change.table, change.column, change.type, change);
    }
  },
});
