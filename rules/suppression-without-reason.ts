import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  id: 'suppression-without-reason',
  family: 'meta',
  severity: 'warning',
  summary: 'A `rollsafe-ignore` comment does not say why.',
  docs: {
    problem: `A suppression turns off a safety check for one statement. Without a reason, the next reader cannot
tell a considered decision ("the table has 12 rows") from a way to get CI green, and cannot tell when the
reason stops holding.`,
    solution: `Give the reason after \` -- \`:

\`\`\`sql
-- rollsafe-ignore dropped-column-in-use -- the poller was turned off in release 41
ALTER TABLE users DROP COLUMN legacy_name;
\`\`\``,
    examples: {
      invalid: [
        {
          title: 'No reason given',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
          sql: '-- rollsafe-ignore dropped-column-in-use\nALTER TABLE users DROP COLUMN email;',
          code: {
            'src/poller.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const poll = () => pool.query('SELECT email FROM users');\n",
          },
        },
      ],
      valid: [
        {
          title: 'With a reason',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
          sql: '-- rollsafe-ignore dropped-column-in-use -- the poller is off since release 41\nALTER TABLE users DROP COLUMN email;',
          code: {
            'src/poller.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const poll = () => pool.query('SELECT email FROM users');\n",
          },
        },
      ],
    },
  },
  checkSuppressions(suppressions, report) {
    for (const s of suppressions) {
      if (s.reason !== null) continue;
      report({
        migration: s.migration,
        message: `This rollsafe-ignore comment for ${s.rules.join(', ') || '(no rule)'} gives no reason.`,
        help: 'Add the reason after " -- ": rollsafe-ignore <rule> -- <why this is safe>.',
        location: s.location,
      });
    }
  },
});
