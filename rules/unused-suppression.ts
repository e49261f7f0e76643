import { defineRule } from '../src/engine/rule.js';

export default defineRule({
  id: 'unused-suppression',
  family: 'meta',
  severity: 'warning',
  summary: 'A `rollsafe-ignore` comment suppresses nothing.',
  docs: {
    problem: `A suppression comment that no longer silences any finding is noise at best; at worst it silences
the next, different problem on that statement without anyone deciding to. It usually means the hazard was
fixed, the rule id is misspelled, or the comment is not directly before the statement it was meant for.`,
    solution: `Delete the comment, or fix the rule id / move it right before the statement:

\`\`\`sql
-- rollsafe-ignore require-concurrent-index -- table has 40 rows, created last week
CREATE INDEX users_email_idx ON users (email);
\`\`\``,
    examples: {
      invalid: [
        {
          title: 'Nothing to suppress on this statement',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
          sql: '-- rollsafe-ignore dropped-column-in-use -- nobody reads it\nALTER TABLE users ADD COLUMN nickname text;',
        },
      ],
      valid: [
        {
          title: 'The suppression silences a finding',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
          sql: '-- rollsafe-ignore dropped-column-in-use -- the poller is being turned off before this deploy\nALTER TABLE users DROP COLUMN email;',
          code: {
            'src/poller.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const poll = () => pool.query('SELECT email FROM users');\n",
          },
        },
      ],
    },
  },
  checkSuppressions(suppressions, report) {
    for (const s of suppressions) {
      if (s.used) continue;
      report({
        migration: s.migration,
        message: `This rollsafe-ignore${s.scope === 'file' ? '-file' : ''} comment for ${s.rules.join(', ') || '(no rule)'} suppresses nothing.`,
        help: 'Delete it, or fix the rule id and put it directly before the statement it is for.',
        location: s.location,
      });
    }
  },
});
