import { defineRule } from '../src/engine/rule.js';
import { isExisting, lockEffect, lockInfo, sameName } from '../src/engine/locks.js';
import { objectKey } from '../src/schema/model.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';

export default defineRule({
  id: 'ban-drop-table',
  family: 'lock',
  severity: 'warning',
  summary: 'DROP TABLE of an existing table: irreversible, and it locks the tables its foreign keys point to.',
  docs: {
    problem: `Dropping a table cannot be undone by a rollback of the deploy: its data is gone. The statement also takes
an \`ACCESS EXCLUSIVE\` lock on the table **and on every table its foreign keys reference** (their constraint
triggers are dropped with it) — dropping an unused \`audit_log\` that references \`users\` locks \`users\` against
reads and writes, waiting first for every running query on \`users\`.

Whether live code still uses the table is checked by [\`dropped-table-in-use\`](dropped-table-in-use.md).`,
    solution: `Drop tables in a release of their own, once no code uses them, with a \`lock_timeout\` so the locks
cannot queue traffic:

\`\`\`sql
SET lock_timeout = '5s';
ALTER TABLE audit_log DROP CONSTRAINT audit_log_user_id_fkey;  -- brief lock on users, on its own
DROP TABLE audit_log;
\`\`\`

Tables created by the same change set are not reported.`,
    examples: {
      invalid: [
        {
          title: 'Dropping a table that references a busy one',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY);\nCREATE TABLE audit_log (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));',
          sql: 'DROP TABLE audit_log;',
        },
      ],
      valid: [
        {
          title: 'A table created by the same migration',
          sql: 'CREATE TABLE scratch (id bigint);\nDROP TABLE scratch;',
        },
      ],
    },
    squawk: ['ban-drop-table'],
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      if (change.kind !== 'drop-table') continue;
      if (!isExisting(ctx, step.before, change.table)) continue;
      // DROP TABLE IF EXISTS of a table the schema never had: nothing is dropped.
      if (change.ifExists && !step.before.tables.has(objectKey(change.table))) continue;
      const locks = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before }).locks;
      const t = formatQualified(change.table);
      const others = locks.filter((l) => !sameName(l.relation, change.table) && isExisting(ctx, step.before, l.relation));
      const fks = (step.before.tables.get(objectKey(change.table))?.constraints ?? []).filter(
        (c) => c.type === 'foreign-key' && c.references && others.some((o) => sameName(o.relation, c.references!.table)),
      );
      const also = others.length ? `, and on ${others.map((o) => formatQualified(o.relation)).join(', ')} (${others.length === 1 ? 'referenced by its foreign keys' : 'tables its foreign keys reference'}), blocking their reads and writes too` : '';
      ctx.report({
        message: `DROP TABLE ${t} deletes its data for good and takes an ACCESS EXCLUSIVE lock on ${t}${also}.`,
        help: 'Drop it in a release of its own once no code uses it, with a lock_timeout; drop its foreign keys first.',
        location: change.location,
        statement: change.statement,
        target: { schema: change.table.schema, table: change.table.name },
        lock: lockInfo(others[0] ?? locks[0]!),
        fix: {
          summary: 'Drop the table when nothing uses it, without queueing traffic on the tables it references.',
          steps: [
            { title: 'Make sure no live code reads or writes it (rollsafe checks this with dropped-table-in-use) and that its data is backed up if needed.' },
            ...(fks.length
              ? [{ title: 'Drop its foreign keys first, each a brief lock on the referenced table:', sql: `SET lock_timeout = '5s';\n${fks.map((c) => `ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(c.name)};`).join('\n')}` }]
              : []),
            { title: 'Then drop it, failing fast rather than queueing behind long queries:', sql: `SET lock_timeout = '5s';\nDROP TABLE ${t};` },
          ],
        },
      });
    }
  },
});
