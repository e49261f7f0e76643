import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  id: 'transaction-in-wrapped-migration',
  family: 'lock',
  severity: 'warning',
  summary: 'Explicit BEGIN/COMMIT in a migration its tool already runs in a transaction.',
  docs: {
    problem: `Flyway, dbmate and Drizzle open a transaction around the migration themselves. A \`BEGIN\` in the file
is then ignored (Postgres only warns), and the \`COMMIT\` that goes with it ends the **tool's** transaction early:
the statements after it run outside any transaction, a failure there leaves the migration half applied, and the
tool's own \`COMMIT\` finds nothing to commit. With Drizzle, which runs every pending migration in one
transaction, that \`COMMIT\` also commits the migrations before it in the same run. A \`ROLLBACK\` in the file
undoes the work while the tool records the migration as applied.

(Prisma and golang-migrate send the file as one query: there, an explicit \`BEGIN\`/\`COMMIT\` legitimately takes
over the implicit transaction and is not reported.)`,
    solution: `Remove \`BEGIN\`, \`COMMIT\` and \`ROLLBACK\` from the migration and let the tool manage the transaction. For a
statement that must run outside one (\`CREATE INDEX CONCURRENTLY\`), use the tool's way to run a migration
without a transaction instead.`,
    examples: {
      invalid: [
        {
          title: 'A migration the tool wraps, with its own BEGIN/COMMIT',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY);',
          sql: 'BEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;',
          transaction: 'wrapped',
        },
      ],
      valid: [
        {
          title: 'The tool manages the transaction',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY);',
          sql: 'ALTER TABLE users ADD COLUMN nickname text;',
          transaction: 'wrapped',
        },
      ],
    },
    squawk: ['transaction-nesting'],
  },
  check(ctx) {
    if (ctx.transaction !== 'wrapped') return;
    const scope = ctx.migration.transaction === 'wrapped' ? (ctx.migration.transactionScope ?? 'migration') : 'migration';
    if (scope === 'implicit') return;
    const reason = ctx.migration.transaction === 'wrapped' ? ctx.migration.transactionReason : 'the rollsafe configuration says this migration runs in a transaction';
    const first = ctx.steps.find(({ change }) => change.kind === 'transaction' && ['begin', 'commit', 'rollback'].includes(change.action));
    if (!first || first.change.kind !== 'transaction') return;
    const change = first.change;
    const batch = scope === 'batch' ? ' — and every earlier migration of the same run, which shares the transaction' : '';
    const why = reason.replace(/\.$/, '');
    const what =
      change.action === 'begin'
        ? `${why}: this BEGIN is ignored, and the COMMIT that goes with it ends the tool's transaction early${batch}; the statements after it run outside any transaction.`
        : change.action === 'commit'
          ? `${why}: this COMMIT ends the tool's transaction early${batch}; the statements after it run outside any transaction.`
          : `${why}: this ROLLBACK undoes the migration's work, yet the tool records the migration as applied.`;
    ctx.report({
      message: what,
      help: 'Remove BEGIN/COMMIT/ROLLBACK from the migration; the tool runs it in a transaction already.',
      location: change.location,
      statement: change.statement,
      ...(change.action === 'rollback' ? { severity: 'error' as const } : {}),
      fix: { summary: 'Let the tool manage the transaction.', steps: [{ title: 'Delete the explicit transaction statements from the migration.' }] },
    });
  },
});
