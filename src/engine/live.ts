/**
 * Questions code-aware rules ask about live code: who still uses this table or column, and would that use
 * still resolve against a given schema (a compatibility view keeps an old name alive).
 */
import type { Reference } from '../code/reference.js';
import { compareStrings } from '../compare.js';
import { objectKey, type Schema } from '../schema/model.js';
import type { QualifiedName } from '../sql/types.js';
import type { LiveReference, RuleContext, Severity } from './types.js';

export interface ReferenceQuery {
  table: QualifiedName;
  /** Absent: every reference to the table. */
  column?: string;
  /** Keep only these kinds (default: all but `declare`, which neither reads nor writes). */
  kinds?: readonly Reference['kind'][];
}

const ACTIVE_KINDS: readonly Reference['kind'][] = ['read', 'write', 'insert', 'delete', 'model'];

/**
 * References in every live source that a rule must weigh. `weak` references never count. References of
 * releases other than the worktree to an object created by the new migrations are name clashes, not uses
 * (a table name reused by a new object): the old release cannot have known it.
 */
export function liveReferences(ctx: RuleContext, query: ReferenceQuery): LiveReference[] {
  const kinds = query.kinds ?? ACTIVE_KINDS;
  const isNew = ctx.isNew(query.table);
  const out: LiveReference[] = [];
  for (const source of ctx.live) {
    if (isNew && source.name !== 'worktree') continue;
    const refs =
      query.column === undefined
        ? source.references.table(query.table.schema, query.table.name)
        : source.references.column(query.table.schema, query.table.name, query.column);
    for (const ref of refs) {
      if (ref.confidence === 'weak' || !kinds.includes(ref.kind)) continue;
      out.push({ ...ref, source: source.name, ref: source.ref });
    }
  }
  return sortReferences(out);
}

export function sortReferences<T extends LiveReference>(refs: T[]): T[] {
  const order = (s: string): number => (s === 'base' ? 0 : s === 'worktree' ? 2 : 1);
  return refs.sort(
    (a, b) =>
      order(a.source) - order(b.source) ||
      compareStrings(a.location.path, b.location.path) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      compareStrings(a.column ?? '', b.column ?? ''),
  );
}

/** Errors come from application code; references only in tests or scripts, or only ambiguous ones, give a warning. */
export function severityOf(refs: readonly LiveReference[], ruleSeverity: Severity): Severity {
  // An unqualified column in a join may belong to another table of the query: not enough for an error.
  if (refs.some((r) => r.context === 'app' && !r.ambiguous)) return ruleSeverity;
  return ruleSeverity === 'error' ? 'warning' : ruleSeverity;
}

/** Does a table (or view) of that name exist in the schema, and, when given, with that column? */
export function resolves(schema: Schema, table: QualifiedName, column?: string): boolean {
  const key = objectKey(table);
  const t = schema.tables.get(key);
  if (t) return column === undefined || t.columns.some((c) => c.name === column);
  const v = schema.views.get(key);
  if (v) return column === undefined || v.columns.includes(column);
  return false;
}

/** `users.email` / `billing.invoices.total` for messages. */
export function describeTarget(table: QualifiedName, column?: string): string {
  const t = table.schema === 'public' ? table.name : `${table.schema}.${table.name}`;
  return column === undefined ? t : `${t}.${column}`;
}

/** The sources that hold the references, in words: `the running release (base origin/main) and the new code`. */
export function describeSources(ctx: RuleContext, refs: readonly LiveReference[]): string {
  const names = [...new Set(refs.map((r) => r.source))];
  const words = names.map((n) => {
    const source = ctx.live.find((s) => s.name === n);
    if (n === 'worktree') return 'the new code';
    if (n === 'base') return `the release still running (${source?.label ?? 'base'})`;
    return source?.label ?? n;
  });
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** `the new code still uses` / `the release still running (base main) and the new code still use`. */
export function whoStill(ctx: RuleContext, refs: readonly LiveReference[], verb = 'use', still = true): string {
  const sources = new Set(refs.map((r) => r.source)).size;
  return `${describeSources(ctx, refs)}${still ? ' still' : ''} ${sources === 1 ? `${verb}s` : verb}`;
}

/** ORM-specific code step of a fix, from the extractors that found the references. `column` absent: the whole table. */
export function ormStep(refs: readonly LiveReference[], column: string | undefined, action: 'remove' | 'rename', newName = ''): string | undefined {
  const found = new Set(refs.map((r) => r.extractor));
  const removeColumn: Record<string, string> = {
    prisma: `schema.prisma: delete the field mapped to "${column}" (Prisma selects every scalar field), then run prisma generate.`,
    drizzle: `Drizzle schema: delete the "${column}" column from the pgTable definition.`,
    typeorm: `TypeORM entity: delete the @Column for "${column}".`,
    sequelize: `Sequelize model: delete the "${column}" attribute.`,
    'mikro-orm': `MikroORM entity: delete the @Property for "${column}".`,
    sql: `Queries: stop naming "${column}".`,
  };
  const removeTable: Record<string, string> = {
    prisma: 'schema.prisma: delete the model mapped to this table, then run prisma generate.',
    drizzle: 'Drizzle schema: delete the pgTable definition and its uses.',
    typeorm: 'TypeORM: delete the entity and remove it from the data source.',
    sequelize: 'Sequelize: delete the model and its associations.',
    'mikro-orm': 'MikroORM: delete the entity.',
    sql: 'Queries: stop reading and writing the table.',
  };
  const rename: Record<string, string> = {
    prisma: `schema.prisma: keep the field name and point it at the new column with @map("${newName}").`,
    drizzle: `Drizzle schema: use the column name "${newName}" for the key.`,
    typeorm: `TypeORM entity: @Column({ name: '${newName}' }).`,
    sequelize: `Sequelize model: field: '${newName}' on the attribute.`,
    'mikro-orm': `MikroORM entity: @Property({ fieldName: '${newName}' }).`,
    sql: `Queries: read and write "${newName}" instead of "${column}".`,
  };
  const table = action === 'rename' ? rename : column === undefined ? removeTable : removeColumn;
  const lines = new Set<string>();
  for (const extractor of found) {
    const key = extractor === 'raw-sql' || extractor === 'knex' || extractor === 'kysely' ? 'sql' : extractor;
    const line = table[key];
    if (line) lines.add(line);
  }
  return lines.size ? [...lines].join('\n') : undefined;
}
