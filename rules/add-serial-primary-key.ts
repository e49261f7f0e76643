import { defineRule } from '../src/engine/rule.js';
import { describeLock, isExisting, lockEffect, lockInfo } from '../src/engine/locks.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';

export default defineRule({
  id: 'add-serial-primary-key',
  family: 'lock',
  severity: 'error',
  summary: 'Adding a serial or identity primary key column to an existing table rewrites it and builds the index under lock.',
  docs: {
    problem: `\`ALTER TABLE … ADD COLUMN id bigserial PRIMARY KEY\` (or \`… GENERATED … AS IDENTITY PRIMARY KEY\`) takes
an \`ACCESS EXCLUSIVE\` lock, rewrites every row to give it a sequence value, then builds the primary key index —
all before releasing the lock. Nothing reads or writes the table meanwhile.`,
    solution: `Add the column, fill it, and build the key without holding a long lock:

\`\`\`sql
ALTER TABLE events ADD COLUMN id bigint;                          -- instant
CREATE SEQUENCE events_id_seq OWNED BY events.id;
ALTER TABLE events ALTER COLUMN id SET DEFAULT nextval('events_id_seq');
-- backfill existing rows in batches, then:
CREATE UNIQUE INDEX CONCURRENTLY events_pkey ON events (id);
ALTER TABLE events ADD CONSTRAINT events_id_not_null CHECK (id IS NOT NULL) NOT VALID;
ALTER TABLE events VALIDATE CONSTRAINT events_id_not_null;
ALTER TABLE events ALTER COLUMN id SET NOT NULL;
ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_pkey;
\`\`\``,
    examples: {
      invalid: [
        {
          title: 'A bigserial primary key added to a table in use',
          history: 'CREATE TABLE events (payload text);',
          sql: 'ALTER TABLE events ADD COLUMN id bigserial PRIMARY KEY;',
        },
      ],
      valid: [
        {
          title: 'The table is created in the same migration',
          sql: 'CREATE TABLE events (payload text);\nALTER TABLE events ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;',
        },
      ],
    },
    squawk: ['adding-serial-primary-key-field'],
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      if (change.kind !== 'add-column') continue;
      const c = change.column;
      if (!(c.type.serial || c.identity) || !c.constraints.some((k) => k.type === 'primary-key')) continue;
      if (!isExisting(ctx, step.before, change.table)) continue;
      const lock = lockEffect(change, { pgVersion: ctx.pgVersion, before: step.before }).locks[0]!;
      const t = formatQualified(change.table);
      const col = quoteIdent(c.name);
      const seq = quoteIdent(`${change.table.name}_${c.name}_seq`.slice(0, 63));
      const pkey = quoteIdent(`${change.table.name}_pkey`.slice(0, 63));
      const check = quoteIdent(`${change.table.name}_${c.name}_not_null`.slice(0, 63));
      ctx.report({
        message: `Adding the ${c.type.serial ?? 'identity'} primary key ${t}.${c.name} rewrites every row and builds the primary key index while holding ${describeLock(lock)}.`,
        help: 'Add a plain bigint column, fill it from a sequence in batches, build the unique index CONCURRENTLY, then add the key USING INDEX.',
        location: change.location,
        statement: change.statement,
        target: { schema: change.table.schema, table: change.table.name, column: c.name },
        lock: lockInfo(lock),
        fix: {
          summary: 'Build the key column in steps, none of which holds a long lock.',
          steps: [
            { title: 'Add the column and give new rows a value (instant):', sql: `ALTER TABLE ${t} ADD COLUMN ${col} bigint;\nCREATE SEQUENCE IF NOT EXISTS ${seq} OWNED BY ${t}.${col};\nALTER TABLE ${t} ALTER COLUMN ${col} SET DEFAULT nextval('${seq.replace(/'/g, "''")}');` },
            { title: 'Backfill existing rows in batches, each a short transaction:', sql: `UPDATE ${t} SET ${col} = nextval('${seq.replace(/'/g, "''")}') WHERE ctid IN (SELECT ctid FROM ${t} WHERE ${col} IS NULL LIMIT 10000);` },
            { title: 'Build the index concurrently (outside a transaction block):', sql: `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${pkey} ON ${t} (${col});` },
            {
              title: 'Make it NOT NULL without a scan under lock, then attach the index as the primary key:',
              sql: `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${check};\nALTER TABLE ${t} ALTER COLUMN ${col} SET NOT NULL;\nALTER TABLE ${t} ADD CONSTRAINT ${pkey} PRIMARY KEY USING INDEX ${pkey};\nALTER TABLE ${t} DROP CONSTRAINT ${check};`,
            },
          ],
        },
      });
    }
  },
});
