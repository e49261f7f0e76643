import { defineRule } from '../src/engine/rule.js';
import { changeText, constraintName, stepTransactions } from '../src/engine/locks.js';
import type { Schema } from '../src/schema/model.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';
import type { Change } from '../src/sql/types.js';

export default defineRule({
  id: 'prefer-robust-statements',
  family: 'lock',
  severity: 'warning',
  summary: 'A migration that runs outside a transaction has a statement that fails when the migration is run again.',
  docs: {
    problem: `A migration that runs outside a transaction (because it holds \`CREATE INDEX CONCURRENTLY\`, or because its
tool runs statements one by one) is not all-or-nothing: when a statement fails, the ones before it stay applied.
The fix is to run the migration again — and then \`CREATE TABLE\`, \`ADD COLUMN\` or \`CREATE INDEX\` fail with
"already exists" on the objects the first attempt created, and the migration is stuck until someone edits the
database by hand.

rollsafe reports only where this can happen: statements followed by another statement that could fail, in a
migration that is known to run outside a transaction (a plain SQL folder with an unknown runner is assumed to,
only when the migration holds a statement that cannot run in one).`,
    solution: `Make each statement safe to run twice:

\`\`\`sql
CREATE TABLE IF NOT EXISTS audit_events (id bigint PRIMARY KEY);
ALTER TABLE orders ADD COLUMN IF NOT EXISTS audited_at timestamptz;
DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_audited_at_idx ON orders (audited_at);
\`\`\`

For a constraint (which has no \`IF NOT EXISTS\`), drop it first with \`DROP CONSTRAINT IF EXISTS\`. A failed
\`CREATE INDEX CONCURRENTLY\` leaves an \`INVALID\` index that \`IF NOT EXISTS\` would keep: drop it before retrying.`,
    examples: {
      invalid: [
        {
          title: 'A column added before a concurrent index build',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY);',
          sql: 'ALTER TABLE orders ADD COLUMN audited_at timestamptz;\nCREATE INDEX CONCURRENTLY orders_audited_at_idx ON orders (audited_at);',
        },
      ],
      valid: [
        {
          title: 'Safe to run again',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY);',
          sql: 'ALTER TABLE orders ADD COLUMN IF NOT EXISTS audited_at timestamptz;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS orders_audited_at_idx ON orders (audited_at);',
        },
      ],
    },
    squawk: ['prefer-robust-stmts'],
  },
  check(ctx) {
    const transactions = stepTransactions(ctx);
    const knownOutside = ctx.migration.layout !== 'sql' || ctx.steps.some(({ change }) => mustRunAlone(change));
    if (!knownOutside) return;
    const statements = ctx.steps.map((s) => s.change.statement.index);
    const last = Math.max(-1, ...ctx.steps.filter(({ change }) => change.kind !== 'set-setting' && change.kind !== 'transaction').map((s) => s.change.statement.index));
    ctx.steps.forEach(({ change }, i) => {
      if (transactions[i]!.inBlock || change.statement.index >= last) return;
      const fix = robust(change, ctx.after);
      if (!fix) return;
      // Only the first Change of a statement (an ALTER TABLE with several sub-commands is one statement).
      if (statements.indexOf(change.statement.index) !== i) return;
      ctx.report({
        message: `${fix.what} fails if the migration is run again after a later statement fails: this migration runs outside a transaction, so what ran before the failure stays applied.`,
        help: fix.help,
        location: change.location,
        statement: change.statement,
        ...(fix.sql ? { fix: { summary: 'Make the statement safe to run twice.', steps: [{ title: fix.help, sql: fix.sql }] } } : {}),
      });
    });
  },
});

function mustRunAlone(change: Change): boolean {
  return (
    (change.kind === 'create-index' && change.concurrently) ||
    (change.kind === 'drop-index' && change.concurrently) ||
    (change.kind === 'reindex' && change.concurrently) ||
    (change.kind === 'detach-partition' && change.concurrently) ||
    change.kind === 'vacuum'
  );
}

/** How to make a non-repeatable statement repeatable; null when it already is (or cannot be judged). */
function robust(change: Change, after: Schema): { what: string; help: string; sql?: string } | null {
  const text = change.statement.text.trim();
  const insert = (pattern: RegExp, words: string): string | undefined => (pattern.test(text) ? `${text.replace(pattern, (m) => `${m} ${words}`)};` : undefined);
  switch (change.kind) {
    case 'create-table':
      if (change.ifNotExists || change.partitionOf) return null;
      return { what: 'CREATE TABLE', help: 'Use CREATE TABLE IF NOT EXISTS.', sql: insert(/^CREATE\s+(?:UNLOGGED\s+)?TABLE/i, 'IF NOT EXISTS') };
    case 'add-column':
      if (change.ifNotExists) return null;
      return { what: 'ADD COLUMN', help: 'Use ADD COLUMN IF NOT EXISTS.', sql: subCommand(change, /^ADD(\s+COLUMN)?/i, 'ADD COLUMN IF NOT EXISTS') };
    case 'create-index':
      if (change.ifNotExists || !change.index) return null;
      return {
        what: 'CREATE INDEX',
        help: 'Use CREATE INDEX … IF NOT EXISTS (after a failed CONCURRENTLY build, drop the INVALID index first).',
        sql: insert(/^CREATE\s+(?:UNIQUE\s+)?INDEX(?:\s+CONCURRENTLY)?/i, 'IF NOT EXISTS'),
      };
    case 'drop-index':
      if (change.ifExists) return null;
      return { what: 'DROP INDEX', help: 'Use DROP INDEX … IF EXISTS.', sql: insert(/^DROP\s+INDEX(?:\s+CONCURRENTLY)?/i, 'IF EXISTS') };
    case 'drop-table':
      if (change.ifExists) return null;
      return { what: 'DROP TABLE', help: 'Use DROP TABLE IF EXISTS.', sql: insert(/^DROP\s+TABLE/i, 'IF EXISTS') };
    case 'drop-column':
      if (change.ifExists) return null;
      return { what: 'DROP COLUMN', help: 'Use DROP COLUMN IF EXISTS.', sql: subCommand(change, /^DROP(\s+COLUMN)?/i, 'DROP COLUMN IF EXISTS') };
    case 'add-constraint': {
      const name = quoteIdent(constraintName(after, change.table, change.constraint));
      return {
        what: 'ADD CONSTRAINT',
        help: 'Drop the constraint first with DROP CONSTRAINT IF EXISTS, in the same ALTER TABLE.',
        sql: `ALTER TABLE ${formatQualified(change.table)} DROP CONSTRAINT IF EXISTS ${name}, ${subCommandText(change).replace(/^ADD\s+(?!CONSTRAINT\b)/i, `ADD CONSTRAINT ${name} `)};`,
      };
    }
    case 'create-sequence':
      if (change.ifNotExists) return null;
      return { what: 'CREATE SEQUENCE', help: 'Use CREATE SEQUENCE IF NOT EXISTS.', sql: insert(/^CREATE\s+(?:TEMP(?:ORARY)?\s+|UNLOGGED\s+)?SEQUENCE/i, 'IF NOT EXISTS') };
    case 'create-schema':
      if (change.ifNotExists) return null;
      return { what: 'CREATE SCHEMA', help: 'Use CREATE SCHEMA IF NOT EXISTS.', sql: insert(/^CREATE\s+SCHEMA/i, 'IF NOT EXISTS') };
    case 'add-enum-value':
      if (change.ifNotExists) return null;
      return { what: 'ADD VALUE', help: 'Use ADD VALUE IF NOT EXISTS.', sql: insert(/ADD\s+VALUE/i, 'IF NOT EXISTS') };
    default:
      return null;
  }
}

/** The ALTER TABLE with its sub-command's leading keywords replaced (`ADD` → `ADD COLUMN IF NOT EXISTS`). */
function subCommand(change: Change & { table: { schema: string; name: string } }, lead: RegExp, words: string): string | undefined {
  const sub = subCommandText(change);
  if (!lead.test(sub)) return undefined;
  return `ALTER TABLE ${formatQualified(change.table)} ${sub.replace(lead, words)};`;
}

/** The Change's ALTER TABLE sub-command, without the `ALTER TABLE name` of a single-command statement. */
function subCommandText(change: Change): string {
  const text = changeText(change);
  if (text !== change.statement.text) return text;
  const name = '(?:"(?:[^"]|"")+"|[\\w$]+)';
  return text.replace(new RegExp(`^\\s*ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?${name}(?:\\s*\\.\\s*${name})?\\s+`, 'i'), '');
}
