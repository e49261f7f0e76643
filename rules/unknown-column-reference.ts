import { defineRule } from '../src/engine/rule.js';
import { describeTarget, resolves, sortReferences } from '../src/engine/live.js';
import type { LiveReference, RunContext, SetSummary } from '../src/engine/types.js';
import { objectKey } from '../src/schema/model.js';
import type { QualifiedName } from '../src/sql/types.js';

export default defineRule({
  id: 'unknown-column-reference',
  family: 'code-aware',
  severity: 'warning',
  summary: 'The new code uses a column the migrated schema does not have (or, after-deploy, one only a new migration adds).',
  docs: {
    problem: `A query or ORM model that names a column the database does not have fails at run time: a typo, a
model field left behind after a rename, a column whose migration was never written. With the
\`after-deploy\` model (migrations run after the new code is out) there is a second case: the new code uses a
column that only a migration of this same change adds, so until that migration runs, the new code fails.

Only tables the migrations know are checked: code that talks to other databases is left alone. A reference
is reported where the change touches it: the file is edited (or new) since the base ref, or a new migration
changes the table it reads. Code and tables the change leaves alone are not its doing, and would be
repeated on every PR. Postgres system columns (\`ctid\`, \`xmin\`, \`xmax\`, \`cmin\`, \`cmax\`, \`tableoid\`) are never
unknown; a Sequelize model used as the \`through\` of a \`belongsToMany\` has no implied \`id\`.`,
    solution: `Make code and migrations agree: write the missing migration, fix the name, or remove the stale model
field. For \`after-deploy\`, ship the migration that adds the column in an earlier release than the code that
uses it (or switch that migration to run before the deploy).`,
    examples: {
      invalid: [
        {
          title: 'The new code reads a column no migration creates',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
          sql: 'ALTER TABLE users ADD COLUMN nickname text;',
          code: {
            'src/users.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const names = () => pool.query('SELECT display_name FROM users');\n",
          },
        },
      ],
      valid: [
        {
          title: 'Every column the code uses exists',
          history: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);',
          sql: 'ALTER TABLE users ADD COLUMN display_name text;',
          code: {
            'src/users.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const names = () => pool.query('SELECT display_name FROM users');\n",
          },
        },
      ],
    },
  },
  checkRun(ctx) {
    const worktree = ctx.live.find((s) => s.name === 'worktree');
    if (!worktree) return;
    const unknown = new Map<string, { table: QualifiedName; column: string; refs: LiveReference[] }>();
    const early = new Map<string, { table: QualifiedName; column: string; migration: string; refs: LiveReference[] }>();
    for (const ref of worktree.references.all) {
      // An unqualified column of a multi-table query is attributed to every table it could belong to.
      if (ref.column === undefined || ref.confidence === 'weak' || ref.kind === 'declare' || ref.ambiguous) continue;
      // SQL that did not parse was read lexically: good enough to warn of a drop, not to call a column unknown.
      if (ref.lexical) continue;
      // Every row has them; no migration creates them.
      if (SYSTEM_COLUMNS.has(ref.column)) continue;
      const candidates = ctx.sets.flatMap((set) => tablesNamed(set, ref.schema, ref.table).map((table) => ({ set, table })));
      if (candidates.length === 0) continue; // a table no migration knows: maybe another database
      const live: LiveReference = { ...ref, source: worktree.name, ref: worktree.ref };
      const resolving = candidates.filter(({ set, table }) => resolves(set.final, table, ref.column));
      // A column the new migrations drop or rename is the in-use rules' finding, not an unknown one.
      const existedBefore = candidates.some(({ set, table }) => resolves(set.beforeNew, table, ref.column));
      if (resolving.length === 0 && !existedBefore) {
        // Code the change did not touch, on a table it did not change: not this change's doing (and said on
        // every PR it would be ignored). Reported where the PR edits the code or the table it reads.
        if (!touched(ctx, ref.location.path, candidates)) continue;
        const { table } = candidates[0]!;
        const key = `${table.schema}.${table.name}.${ref.column}`;
        const entry = unknown.get(key) ?? { table, column: ref.column, refs: [] };
        entry.refs.push(live);
        unknown.set(key, entry);
        continue;
      }
      if (resolving.length === 0 || ctx.deployModel !== 'after-deploy') continue;
      if (resolving.some(({ set, table }) => resolves(set.beforeNew, table, ref.column))) continue;
      const { set, table } = resolving[0]!;
      const migration = set.addedByNew(table, ref.column);
      if (!migration) continue;
      const key = `${table.schema}.${table.name}.${ref.column}`;
      const entry = early.get(key) ?? { table, column: ref.column, migration, refs: [] };
      entry.refs.push(live);
      early.set(key, entry);
    }
    for (const { table, column, refs } of unknown.values()) {
      const sorted = sortReferences(refs);
      const first = sorted[0]!;
      ctx.report({
        migration: null,
        severity: sorted.some((r) => r.context === 'app') ? ctx.severity : 'info',
        message: `The new code uses column ${describeTarget(table, column)}, which the migrated schema does not have (${sorted.length} reference${sorted.length === 1 ? '' : 's'}).`,
        help: 'Write the migration that adds it, or fix the name in the code or model.',
        location: first.location,
        target: { schema: table.schema, table: table.name, column },
        references: sorted,
      });
    }
    for (const { table, column, migration, refs } of early.values()) {
      const sorted = sortReferences(refs);
      ctx.report({
        migration,
        severity: sorted.some((r) => r.context === 'app') ? 'error' : 'warning',
        message: `The new code uses column ${describeTarget(table, column)}, which only the new migration ${migration} adds; with after-deploy migrations the code runs before it exists.`,
        help: 'Ship the migration in an earlier release than the code that uses the column.',
        location: sorted[0]!.location,
        target: { schema: table.schema, table: table.name, column },
        references: sorted,
      });
    }
  },
});

function tablesNamed(set: SetSummary, schema: string | undefined, name: string): QualifiedName[] {
  const out: QualifiedName[] = [];
  const schemas = schema ? [schema] : ['public'];
  for (const s of schemas) {
    const q = { schema: s, name };
    if (resolves(set.final, q) || resolves(set.beforeNew, q)) out.push(q);
  }
  return out;
}

/** Columns every table has without declaring them (`oid` only on tables WITH OIDS, gone since Postgres 12, so not here). */
const SYSTEM_COLUMNS = new Set(['ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid']);

/** Whether the change set edits the file or changes one of the tables the reference may mean. */
function touched(ctx: RunContext, path: string, candidates: readonly { set: SetSummary; table: QualifiedName }[]): boolean {
  if (ctx.changedFiles === null || ctx.changedFiles.has(path)) return true;
  return candidates.some(({ set, table }) => {
    const key = objectKey(table);
    return set.beforeNew.tables.get(key) !== set.final.tables.get(key) || set.beforeNew.views.get(key) !== set.final.views.get(key);
  });
}
