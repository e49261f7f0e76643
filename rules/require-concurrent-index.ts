import { defineRule } from '../src/engine/rule.js';
import { describeLock, isExisting, lockEffect, lockInfo, outsideTransactionHint, sameName, stepTransactions, tableOf } from '../src/engine/locks.js';
import type { FixStep } from '../src/engine/types.js';
import type { Schema } from '../src/schema/model.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';
import type { ChangeOf } from '../src/sql/types.js';

export default defineRule({
  id: 'require-concurrent-index',
  family: 'lock',
  severity: 'error',
  summary: 'CREATE INDEX without CONCURRENTLY on an existing table blocks its writes until the whole index is built.',
  docs: {
    problem: `\`CREATE INDEX\` takes a \`SHARE\` lock on the table for as long as the build runs: every \`INSERT\`,
\`UPDATE\` and \`DELETE\` waits, and on a large table the build takes minutes. Requests pile up behind the
lock, connection pools run dry, and the application goes down while the database looks merely "busy".`,
    solution: `Build the index with \`CONCURRENTLY\`: Postgres takes a \`SHARE UPDATE EXCLUSIVE\` lock instead, which
lets reads and writes go on, at the cost of two scans of the table.

\`\`\`sql
CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);
\`\`\`

\`CONCURRENTLY\` cannot run inside a transaction block, so the migration must not be wrapped in one (see
[\`concurrently-in-transaction\`](concurrently-in-transaction.md)). If the build fails it leaves an \`INVALID\`
index behind: drop it with \`DROP INDEX CONCURRENTLY IF EXISTS\` and build again.

Postgres cannot build an index on a partitioned table concurrently (it refuses \`CONCURRENTLY\` there): create it
\`ON ONLY\` the parent — instant, and invalid until every partition has its index — then build each partition's
index concurrently and attach it:

\`\`\`sql
CREATE INDEX measurements_id_idx ON ONLY measurements (id);
CREATE INDEX CONCURRENTLY measurements_2024_id_idx ON measurements_2024 (id);
ALTER INDEX measurements_id_idx ATTACH PARTITION measurements_2024_id_idx;
\`\`\`

An index on a table created by the same change set (in this migration or another new one) is not reported:
the table is empty and nothing uses it yet.`,
    examples: {
      invalid: [
        {
          title: 'An index on a table that already holds data',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);',
          sql: 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);',
        },
      ],
      valid: [
        {
          title: 'Built concurrently',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);',
          sql: 'CREATE INDEX CONCURRENTLY orders_customer_id_idx ON orders (customer_id);',
        },
        {
          title: 'The table is created by the same migration',
          sql: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);',
        },
      ],
    },
    squawk: ['require-concurrent-index-creation'],
  },
  check(ctx) {
    const transactions = stepTransactions(ctx);
    ctx.steps.forEach((step, i) => {
      const { change } = step;
      if (change.kind !== 'create-index') return;
      // ON ONLY a partitioned parent creates an invalid, empty index: no build, no lock worth reporting.
      if (change.only || !isExisting(ctx, step.before, change.table)) return;
      const partitioned = tableOf(step.before, change.table)?.kind === 'partitioned-table';
      if (change.concurrently && !partitioned) return;
      const lock = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before }).locks[0]!;
      const t = formatQualified(change.table);
      if (partitioned) {
        ctx.report({
          message: change.concurrently
            ? `CREATE INDEX CONCURRENTLY on the partitioned table ${t} fails: Postgres cannot build an index on a partitioned table concurrently.`
            : `CREATE INDEX on the partitioned table ${t} takes ${describeLock(lock)} and a SHARE lock on every partition, until the index of every partition is built; Postgres cannot build it CONCURRENTLY.`,
          help: 'Create the index ON ONLY the parent, build each partition’s index CONCURRENTLY, then ATTACH them.',
          location: change.location,
          statement: change.statement,
          target: { schema: change.table.schema, table: change.table.name },
          ...(change.concurrently ? {} : { lock: lockInfo(lock) }),
          fix: { summary: 'Build the index partition by partition, without blocking writes.', steps: partitionSteps(change, step.before) },
        });
        return;
      }
      const concurrent = change.statement.nestedIn ? null : concurrentText(change.statement.text);
      ctx.report({
        message: `CREATE INDEX on ${t} without CONCURRENTLY takes ${describeLock(lock)}, until the whole index is built.`,
        help: 'Create the index CONCURRENTLY, in a migration that does not run inside a transaction.',
        location: change.location,
        statement: change.statement,
        target: { schema: change.table.schema, table: change.table.name },
        lock: lockInfo(lock),
        fix: {
          summary: 'Build the index without blocking writes.',
          steps: [
            {
              title: 'Create it CONCURRENTLY (reads and writes go on; the build scans the table twice):',
              sql: concurrent ?? `CREATE INDEX CONCURRENTLY IF NOT EXISTS … ON ${t} (…);`,
            },
            ...(transactions[i]!.inBlock ? [{ title: `It must run outside a transaction block, and ${transactions[i]!.reason.replace(/\.$/, '')}. ${outsideTransactionHint(ctx.migration)}` }] : []),
            { title: 'If the build fails, drop the INVALID index it leaves, then run it again:', sql: `DROP INDEX CONCURRENTLY IF EXISTS ${change.index ? formatQualified(change.index) : '<index name>'};` },
          ],
        },
      });
    });
  },
});

/** The statement with CONCURRENTLY inserted after INDEX (and IF NOT EXISTS, when named), for the fix. */
function concurrentText(statement: string): string | null {
  const match = /^(\s*CREATE\s+(?:UNIQUE\s+)?INDEX)(\s+)(?!CONCURRENTLY\b)(IF\s+NOT\s+EXISTS\s+)?/i.exec(statement);
  if (!match) return null;
  const named = !/^\s*ON\b/i.test(statement.slice(match[0].length));
  const ifNotExists = match[3] ?? (named ? 'IF NOT EXISTS ' : '');
  return `${match[1]} CONCURRENTLY ${ifNotExists}${statement.slice(match[0].length).trim()};`;
}

/** ON ONLY the parent (instant, invalid until every partition has its index), then each partition concurrently. */
function partitionSteps(change: ChangeOf<'create-index'>, schema: Schema): FixStep[] {
  const parent = formatQualified(change.table);
  const name = change.index?.name ?? `${change.table.name}_idx`;
  const columns = change.columns.map((c) => (c === null ? '<expression>' : quoteIdent(c))).join(', ');
  const unique = change.unique ? 'UNIQUE ' : '';
  const partitions = [...schema.tables.values()].filter((p) => p.partitionOf && sameName(p.partitionOf, change.table));
  const each = partitions.length ? partitions : [{ schema: change.table.schema, name: '<partition>' }];
  return [
    { title: 'Create the index on the parent only (no build, a brief lock):', sql: `CREATE ${unique}INDEX IF NOT EXISTS ${quoteIdent(name)} ON ONLY ${parent} (${columns});` },
    {
      title: 'Build each partition’s index CONCURRENTLY (outside a transaction block), then attach it:',
      sql: each
        .map((p) => {
          const child = `${p.name}_${name}`.slice(0, 63);
          const qualified = formatQualified({ schema: p.schema, name: child });
          return `CREATE ${unique}INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(child)} ON ${formatQualified(p)} (${columns});\nALTER INDEX ${formatQualified({ schema: change.table.schema, name })} ATTACH PARTITION ${qualified};`;
        })
        .join('\n'),
    },
  ];
}
