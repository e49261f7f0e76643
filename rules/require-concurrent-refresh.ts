import { defineRule } from '../src/engine/rule.js';
import { isExisting, lockInfo } from '../src/engine/locks.js';
import { objectKey } from '../src/schema/model.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';

export default defineRule({
  id: 'require-concurrent-refresh',
  family: 'lock',
  severity: 'warning',
  summary: 'REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks every read of the view while its query runs.',
  docs: {
    problem: `\`REFRESH MATERIALIZED VIEW\` runs the view's query again and swaps in the result while holding an
\`ACCESS EXCLUSIVE\` lock on the view: every query reading it waits until the refresh ends — for a view worth
materializing, that is usually a long query.`,
    solution: `Refresh \`CONCURRENTLY\`: Postgres builds the new result aside and applies the difference under an
\`EXCLUSIVE\` lock, which lets reads go on. It needs a unique index on the view (on plain columns, covering all
rows) and a view that is already populated.

\`\`\`sql
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS daily_totals_day_key ON daily_totals (day);
REFRESH MATERIALIZED VIEW CONCURRENTLY daily_totals;
\`\`\`

Materialized views created by the same change set are not reported.`,
    examples: {
      invalid: [
        {
          title: 'A blocking refresh',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, day date, total numeric);\nCREATE MATERIALIZED VIEW daily_totals AS SELECT day, sum(total) AS total FROM orders GROUP BY day;',
          sql: 'REFRESH MATERIALIZED VIEW daily_totals;',
        },
      ],
      valid: [
        {
          title: 'Refreshed concurrently',
          history:
            'CREATE TABLE orders (id bigint PRIMARY KEY, day date, total numeric);\nCREATE MATERIALIZED VIEW daily_totals AS SELECT day, sum(total) AS total FROM orders GROUP BY day;\nCREATE UNIQUE INDEX daily_totals_day_key ON daily_totals (day);',
          sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY daily_totals;',
        },
      ],
    },
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      if (change.kind !== 'refresh-materialized-view' || change.concurrently) continue;
      // WITH NO DATA empties the view; CONCURRENTLY cannot do that.
      if (!change.withData) continue;
      if (!isExisting(ctx, step.before, change.view)) continue;
      const v = formatQualified(change.view);
      const unique = [...step.before.indexes.values()].some((i) => i.unique && objectKey(i.table) === objectKey(change.view));
      const view = step.before.views.get(objectKey(change.view));
      const firstColumn = view?.columns[0];
      ctx.report({
        message: `REFRESH MATERIALIZED VIEW ${v} takes an ACCESS EXCLUSIVE lock on ${v}, which blocks every read of it while the view's query runs.`,
        help: 'Refresh it CONCURRENTLY (it needs a unique index on the view).',
        location: change.location,
        statement: change.statement,
        target: { schema: change.view.schema, table: change.view.name },
        lock: lockInfo({ relation: change.view, kind: 'materialized view', mode: 'ACCESS EXCLUSIVE' }),
        fix: {
          summary: 'Refresh without blocking reads.',
          steps: [
            ...(unique
              ? []
              : [{ title: 'Give the view a unique index on columns that identify each row (required by CONCURRENTLY):', sql: `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${quoteIdent(`${change.view.name}_key`.slice(0, 63))} ON ${v} (${firstColumn ? quoteIdent(firstColumn) : '<columns>'});` }]),
            { title: 'Refresh concurrently (reads go on; an EXCLUSIVE lock blocks only other refreshes and writes):', sql: `REFRESH MATERIALIZED VIEW CONCURRENTLY ${v};` },
          ],
        },
      });
    }
  },
});
