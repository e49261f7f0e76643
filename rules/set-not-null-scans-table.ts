import { defineRule } from '../src/engine/rule.js';
import { describeLock, isExisting, lockEffect, lockInfo } from '../src/engine/locks.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';

export default defineRule({
  id: 'set-not-null-scans-table',
  family: 'lock',
  severity: 'error',
  summary: 'SET NOT NULL on an existing column reads every row while blocking reads and writes (unless a validated CHECK proves it).',
  docs: {
    problem: `\`ALTER TABLE … ALTER COLUMN … SET NOT NULL\` takes an \`ACCESS EXCLUSIVE\` lock and reads the whole table
to make sure no row holds \`NULL\`. On a large table nothing can read or write it for the length of that scan.
(\`ADD CONSTRAINT … NOT NULL\` without \`NOT VALID\`, Postgres 18+, does the same.)`,
    solution: `Since Postgres 12, \`SET NOT NULL\` skips the scan when a **validated** \`CHECK (col IS NOT NULL)\` already
proves the column has no \`NULL\`. So prove it first without blocking, then set it:

\`\`\`sql
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
-- in a separate transaction: reads and writes go on during the check
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
-- instant now: the CHECK proves there is no NULL
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_email_not_null;
\`\`\`

On Postgres 18, \`ALTER TABLE users ADD CONSTRAINT users_email_not_null NOT NULL email NOT VALID\` followed by
\`VALIDATE CONSTRAINT\` does the same in two steps. Before Postgres 12 there is no way to skip the scan: keep the
validated \`CHECK\` constraint instead of \`NOT NULL\`.

rollsafe reads the replayed schema: when a validated \`CHECK (col IS NOT NULL)\` exists (from an earlier migration or
earlier in this one), \`SET NOT NULL\` is not reported. Columns of tables created by the same change set are not
reported either.`,
    versions: 'The CHECK recipe needs Postgres 12+; NOT NULL … NOT VALID needs Postgres 18+.',
    examples: {
      invalid: [
        {
          title: 'SET NOT NULL scans the table',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
          sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;',
        },
      ],
      valid: [
        {
          title: 'A validated CHECK proves the column has no NULL',
          history:
            'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;',
          sql: 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;\nALTER TABLE users DROP CONSTRAINT users_email_not_null;',
        },
      ],
    },
    squawk: ['adding-not-nullable-field'],
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      let column: string;
      if (change.kind === 'set-not-null') column = change.column;
      else if (change.kind === 'add-constraint' && change.constraint.type === 'not-null' && !change.constraint.notValid) column = change.constraint.columns[0] ?? '';
      else continue;
      if (!isExisting(ctx, step.before, change.table)) continue;
      const effect = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before });
      if (!effect.scan) continue;
      const lock = effect.locks[0]!;
      const t = formatQualified(change.table);
      const c = quoteIdent(column);
      const check = quoteIdent(`${change.table.name}_${column}_not_null`.slice(0, 63));
      const steps =
        ctx.pgVersion >= 12
          ? [
              { title: 'Add a CHECK that proves the column has no NULL, without checking existing rows yet:', sql: `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${c} IS NOT NULL) NOT VALID;` },
              { title: 'In a separate transaction, validate it (SHARE UPDATE EXCLUSIVE: reads and writes go on):', sql: `ALTER TABLE ${t} VALIDATE CONSTRAINT ${check};` },
              { title: 'Then SET NOT NULL skips its scan; the CHECK is no longer needed:', sql: `ALTER TABLE ${t} ALTER COLUMN ${c} SET NOT NULL;\nALTER TABLE ${t} DROP CONSTRAINT ${check};` },
            ]
          : [
              {
                title: `Postgres ${ctx.pgVersion} always scans for SET NOT NULL. Keep a validated CHECK instead (it enforces the same rule without the scan under lock):`,
                sql: `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${c} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${check};`,
              },
            ];
      ctx.report({
        message: `Making ${t}.${column} NOT NULL reads every row to check for NULL while holding ${describeLock(lock)}.`,
        help: ctx.pgVersion >= 12 ? 'Prove it first with CHECK (… IS NOT NULL) NOT VALID and VALIDATE CONSTRAINT; then SET NOT NULL is instant.' : 'Use a validated CHECK (… IS NOT NULL) constraint instead.',
        location: change.location,
        statement: change.statement,
        target: { schema: change.table.schema, table: change.table.name, column },
        lock: lockInfo(lock),
        fix: { summary: 'Prove the column has no NULL without blocking, then set NOT NULL instantly.', steps },
      });
    }
  },
});
