import { defineRule } from '../src/engine/rule.js';
import { constraintName, describeLock, isExisting, lockEffect, lockInfo, notNullProven, tableOf } from '../src/engine/locks.js';
import { objectKey } from '../src/schema/model.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';
import type { ConstraintSpec } from '../src/sql/types.js';

export default defineRule({
  id: 'require-unique-using-index',
  family: 'lock',
  severity: 'error',
  summary: 'UNIQUE or PRIMARY KEY added to an existing table builds its index under a lock that blocks reads and writes.',
  docs: {
    problem: `\`ALTER TABLE … ADD CONSTRAINT … UNIQUE\` (or \`PRIMARY KEY\`) builds the unique index while holding an
\`ACCESS EXCLUSIVE\` lock on the table: nothing can read or write it until every row has been indexed. A new
column declared \`UNIQUE\` does the same. A primary key also makes its columns \`NOT NULL\`, which reads every row
under the same lock when they are nullable. An \`EXCLUDE\` constraint builds its index the same way and has no
concurrent alternative.`,
    solution: `Build the unique index first, \`CONCURRENTLY\` (reads and writes go on), then attach it as the constraint,
which only takes a brief lock:

\`\`\`sql
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_key ON users (email);
ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;
\`\`\`

For a primary key, make its columns \`NOT NULL\` first without a long lock (Postgres 12+: a validated
\`CHECK (col IS NOT NULL)\` lets \`SET NOT NULL\` skip its scan), then \`ADD CONSTRAINT … PRIMARY KEY USING INDEX …\`.`,
    examples: {
      invalid: [
        {
          title: 'A unique constraint built under lock',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);',
          sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);',
        },
      ],
      valid: [
        {
          title: 'The index is built concurrently first',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\nCREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);',
          sql: 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;',
        },
      ],
    },
    squawk: ['disallowed-unique-constraint'],
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      let spec: ConstraintSpec | undefined;
      let inline: string | undefined;
      if (change.kind === 'add-constraint' && ['unique', 'primary-key', 'exclusion'].includes(change.constraint.type)) spec = change.constraint;
      else if (change.kind === 'add-column') {
        // A serial/identity primary key column is add-serial-primary-key's.
        if (change.column.type.serial || change.column.identity) continue;
        spec = change.column.constraints.find((c) => c.type === 'unique' || c.type === 'primary-key');
        inline = change.column.name;
      }
      if (!spec) continue;
      const on = (change as { table: { schema: string; name: string } }).table;
      if (!isExisting(ctx, step.before, on)) continue;
      const effect = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before });
      if (effect.rewrite) continue;
      if (spec.usingIndex && !effect.scan) continue;
      const lock = effect.locks[0]!;
      const t = formatQualified(on);
      const columns = inline ? [inline] : spec.usingIndex ? (step.before.indexes.get(objectKey({ schema: on.schema, name: spec.usingIndex }))?.columns.filter((c): c is string => c !== null) ?? spec.columns) : spec.columns;
      const cols = columns.map(quoteIdent).join(', ');
      const name = quoteIdent(constraintName(ctx.after, on, inline ? { ...spec, columns } : spec));
      const kind = spec.type === 'primary-key' ? 'PRIMARY KEY' : spec.type === 'unique' ? 'UNIQUE' : 'EXCLUDE';
      const target = { schema: on.schema, table: on.name, ...(inline ? { column: inline } : {}) };
      if (spec.type === 'exclusion') {
        ctx.report({
          message: `The EXCLUDE constraint on ${t} builds its index while holding ${describeLock(lock)}; Postgres has no concurrent way to add one.`,
          help: 'Add it when the table is small or during a maintenance window, with a lock_timeout.',
          location: change.location,
          statement: change.statement,
          target,
          lock: lockInfo(lock),
          fix: {
            summary: 'There is no non-blocking way to add an exclusion constraint to a populated table.',
            steps: [
              { title: 'Run it in a maintenance window, failing fast if the lock is not granted:', sql: `SET lock_timeout = '5s';\n${change.statement.text.trim()};` },
              { title: 'Or enforce the rule in a new table created with the constraint, and move the rows over in batches.' },
            ],
          },
        });
        continue;
      }
      const nullable = spec.type === 'primary-key' ? columns.filter((c) => !notNullProven(step.before, on, c, ctx.pgVersion) && tableOf(step.before, on)?.columns.some((col) => col.name === c)) : [];
      const notNullSteps = nullable.flatMap((c) => {
        const check = quoteIdent(`${on.name}_${c}_not_null`.slice(0, 63));
        return ctx.pgVersion >= 12
          ? [
              {
                title: `Make ${c} NOT NULL without a long lock (the validated CHECK lets SET NOT NULL skip its scan):`,
                sql: `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${quoteIdent(c)} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${check};\nALTER TABLE ${t} ALTER COLUMN ${quoteIdent(c)} SET NOT NULL;\nALTER TABLE ${t} DROP CONSTRAINT ${check};`,
              },
            ]
          : [{ title: `Postgres ${ctx.pgVersion} scans the table to make ${c} NOT NULL: do it when the table is small or in a maintenance window.` }];
      });
      const message = spec.usingIndex
        ? `The PRIMARY KEY on ${t} makes ${nullable.join(', ')} NOT NULL, which reads every row while holding ${describeLock(lock)}.`
        : `${kind}${inline ? ` on the new column ${t}.${inline}` : ` on ${t}`} builds its unique index while holding ${describeLock(lock)}.`;
      ctx.report({
        message,
        help: spec.usingIndex ? 'Make the columns NOT NULL first (validated CHECK, then SET NOT NULL), then add the primary key USING INDEX.' : 'Create the unique index CONCURRENTLY, then add the constraint USING INDEX.',
        location: change.location,
        statement: change.statement,
        target,
        lock: lockInfo(lock),
        fix: {
          summary: 'Build the index without blocking, then attach it as the constraint.',
          steps: [
            ...(inline && change.kind === 'add-column' ? [{ title: 'Add the column without the constraint:', sql: `ALTER TABLE ${t} ADD COLUMN ${quoteIdent(inline)} ${change.column.type.display};` }] : []),
            ...(spec.usingIndex
              ? []
              : [{ title: 'Build the unique index CONCURRENTLY (outside a transaction block):', sql: `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${t} (${cols})${indexTail(spec)};` }]),
            ...notNullSteps,
            { title: 'Attach it as the constraint (a brief lock):', sql: `ALTER TABLE ${t} ADD CONSTRAINT ${name} ${kind} USING INDEX ${spec.usingIndex ? quoteIdent(spec.usingIndex) : name};` },
          ],
        },
      });
    }
  },
});

/** What the constraint's own index has beyond its columns: the same index must be built, or the constraint changes meaning. */
function indexTail(spec: ConstraintSpec): string {
  return `${spec.include?.length ? ` INCLUDE (${spec.include.map(quoteIdent).join(', ')})` : ''}${spec.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''}`;
}
