import { defineRule } from '../src/engine/rule.js';
import type { Change } from '../src/sql/types.js';

export default defineRule({
  id: 'duplicate-column-assignment',
  family: 'type-choice',
  severity: 'error',
  summary: 'A column named twice in one statement (CREATE TABLE, ADD COLUMN, INSERT column list, UPDATE … SET, view columns).',
  docs: {
    problem: `Naming the same column twice in one statement makes Postgres refuse it — \`column "…" specified more than
once\` or \`multiple assignments to same column\` — and the migration fails. It usually comes from a merge of two
branches that both added the same assignment or column.`,
    solution: `Keep one of them:

\`\`\`sql
UPDATE orders SET status = 'paid', paid_at = now() WHERE id = 1;
\`\`\``,
    examples: {
      invalid: [
        {
          title: 'The same column set twice',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text, paid_at timestamptz);',
          sql: "UPDATE orders SET status = 'paid', paid_at = now(), status = 'settled' WHERE id = 1;",
        },
        { title: 'A column declared twice', sql: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text, status text);' },
      ],
      valid: [
        {
          title: 'Each column once',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, status text, paid_at timestamptz);',
          sql: "UPDATE orders SET status = 'paid', paid_at = now() WHERE id = 1;",
        },
      ],
    },
    squawk: ['ban-duplicate-column-assignments'],
  },
  check(ctx) {
    const added = new Map<number, Set<string>>();
    for (const { change } of ctx.steps) {
      const names = columnNames(change, added);
      for (const name of duplicates(names)) {
        ctx.report({
          message: `Column "${name}" is named more than once in this statement: Postgres refuses it and the migration fails.`,
          help: 'Keep one of the assignments (or column definitions).',
          location: change.location,
          statement: change.statement,
        });
      }
    }
  },
});

/** The column names a Change's statement assigns or defines, in order. */
function columnNames(change: Change, added: Map<number, Set<string>>): string[] {
  switch (change.kind) {
    case 'create-table':
      return change.columns.map((c) => c.name);
    case 'create-view':
      return change.columns;
    case 'add-column': {
      // One ADD COLUMN per Change: collect them per statement.
      const seen = added.get(change.statement.index) ?? new Set<string>();
      added.set(change.statement.index, seen);
      if (seen.has(change.column.name)) return [change.column.name, change.column.name];
      seen.add(change.column.name);
      return [];
    }
    case 'dml':
      // Each assignment list on its own: a duplicate inside any one of them.
      return change.assignments.find((list) => duplicates(list).length > 0) ?? [];
    default:
      return [];
  }
}

function duplicates(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const n of names) (seen.has(n) ? out : seen).add(n);
  return [...out];
}
