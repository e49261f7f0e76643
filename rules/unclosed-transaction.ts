import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  id: 'unclosed-transaction',
  family: 'lock',
  severity: 'error',
  summary: 'A BEGIN with no COMMIT: the transaction, and every lock it took, stays open after the migration ends.',
  docs: {
    problem: `A migration that opens a transaction with \`BEGIN\` and never commits leaves it open when its last
statement ends. Every lock its statements took is held until the connection closes — and then everything is
rolled back: the migration tool may record the migration as applied while none of it was kept.`,
    solution: `End every \`BEGIN\` with \`COMMIT\` in the same file:

\`\`\`sql
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
COMMIT;
\`\`\`

When the tool already runs the migration in a transaction (Flyway, dbmate, Drizzle), write neither (see
[\`transaction-in-wrapped-migration\`](transaction-in-wrapped-migration.md)).`,
    examples: {
      invalid: [{ title: 'BEGIN without COMMIT', history: 'CREATE TABLE users (id bigint PRIMARY KEY);', sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;' }],
      valid: [{ title: 'Committed', history: 'CREATE TABLE users (id bigint PRIMARY KEY);', sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;' }],
    },
    squawk: ['ban-uncommitted-transaction'],
  },
  check(ctx) {
    // A tool that opens its own transaction commits it after the file; an explicit BEGIN inside is a no-op there.
    const toolCommits = ctx.transaction === 'wrapped' && (ctx.migration.transaction !== 'wrapped' || ctx.migration.transactionScope !== 'implicit');
    if (toolCommits) return;
    let open: (typeof ctx.steps)[number]['change'] | undefined;
    for (const { change } of ctx.steps) {
      if (change.kind !== 'transaction') continue;
      if (change.action === 'begin') open ??= change;
      else if (change.action === 'commit' || change.action === 'rollback' || change.action === 'prepare') open = undefined;
    }
    if (!open) return;
    ctx.report({
      message: `The transaction opened by this BEGIN is never committed: it stays open after the migration's last statement, holding its locks until the connection closes, and then everything is rolled back.`,
      help: 'Add COMMIT at the end of the migration.',
      location: open.location,
      statement: open.statement,
      fix: { summary: 'Close the transaction in the same file.', steps: [{ title: 'At the end of the migration:', sql: 'COMMIT;' }] },
    });
  },
});
