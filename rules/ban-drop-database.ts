import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  id: 'ban-drop-database',
  family: 'lock',
  severity: 'error',
  summary: 'DROP DATABASE in a migration deletes a whole database.',
  docs: {
    problem: `A migration runs against every environment, production included. \`DROP DATABASE\` there deletes every
table of the database, and cannot be rolled back (it cannot even run inside a transaction block). It usually
comes from a development script copied into the migrations folder.`,
    solution: `Keep database creation and deletion out of migrations: do it in provisioning (infrastructure code, a
one-off administrative script) where it is reviewed as what it is.`,
    examples: {
      invalid: [{ title: 'Dropping a database', sql: 'DROP DATABASE IF EXISTS analytics;' }],
      valid: [{ title: 'Dropping a table is another rule’s concern', history: 'CREATE TABLE scratch (id bigint);', sql: 'DROP TABLE scratch;' }],
    },
    squawk: ['ban-drop-database'],
  },
  check(ctx) {
    const seen = new Set<number>();
    for (const { change } of ctx.steps) {
      if (change.statement.type !== 'DropdbStmt' || seen.has(change.statement.index)) continue;
      seen.add(change.statement.index);
      ctx.report({
        message: 'DROP DATABASE deletes a whole database, in every environment this migration runs in.',
        help: 'Remove it from the migration; drop databases in provisioning, not in schema migrations.',
        location: change.location,
        statement: change.statement,
      });
    }
  },
});
