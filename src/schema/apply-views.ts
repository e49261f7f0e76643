/**
 * Views and materialized views: creation (with `*` expanded as Postgres does, once, at creation), drops
 * with their dependents, renames.
 */
import type { ChangeOf, ColumnRead, QualifiedName } from '../sql/types.js';
import { display, sameName, type Draft } from './draft.js';
import { objectKey, type Origin, type View } from './model.js';

/** Views that read `relation` (a given column of it, when `column` is set), and the views that read those. */
export function dependentViews(d: Draft, relation: QualifiedName, column?: string): View[] {
  const found: View[] = [];
  const visit = (target: QualifiedName, col: string | undefined): void => {
    for (const view of d.views.values()) {
      if (found.includes(view)) continue;
      const reads = view.reads.some((r) => sameName(r.table, target) && (col === undefined || r.column === col));
      if (!reads) continue;
      found.push(view);
      visit(view, undefined);
    }
  };
  visit(relation, column);
  return found;
}

export function dropViews(d: Draft, views: View[]): void {
  for (const v of views) d.deleteView(objectKey(v));
}

/** `schema.table.*` markers from normalize → the relation's columns now, plus a read of each. */
function expandColumns(d: Draft, columns: string[], reads: ColumnRead[]): { columns: string[]; reads: ColumnRead[] } {
  const out: string[] = [];
  const extra: ColumnRead[] = [];
  for (const column of columns) {
    const star = /^(.*)\.([^.]*)\.\*$/.exec(column);
    const relation = star ? { schema: star[1]!, name: star[2]! } : undefined;
    const source = relation ? (d.tables.get(objectKey(relation))?.columns.map((c) => c.name) ?? d.views.get(objectKey(relation))?.columns) : undefined;
    if (!relation || !source) {
      out.push(column);
      continue;
    }
    out.push(...source);
    for (const c of source) if (!reads.some((r) => sameName(r.table, relation) && r.column === c)) extra.push({ table: relation, column: c });
  }
  return { columns: out, reads: [...reads, ...extra] };
}

/** Columns every row has without being declared. */
const SYSTEM_COLUMNS = new Set(['ctid', 'xmin', 'xmax', 'cmin', 'cmax', 'tableoid']);

function columnsOf(d: Draft, relation: QualifiedName): readonly string[] | undefined {
  return d.tables.get(objectKey(relation))?.columns.map((c) => c.name) ?? d.views.get(objectKey(relation))?.columns;
}

/**
 * A column the view's query reads that its relation does not have. A bare name read from several relations
 * (a join) needs only one of them to have it; a relation without known columns (CREATE TABLE AS) is not judged.
 */
function missingColumn(d: Draft, reads: readonly ColumnRead[]): string | undefined {
  for (const read of reads) {
    const column = read.column;
    if (column === undefined || SYSTEM_COLUMNS.has(column)) continue;
    const known = columnsOf(d, read.table);
    if (!known || known.length === 0 || known.includes(column)) continue;
    if (reads.some((r) => r !== read && r.column === column && (columnsOf(d, r.table)?.includes(column) ?? true))) continue;
    return column;
  }
  return undefined;
}

export function createView(d: Draft, change: ChangeOf<'create-view'>, origin: Origin): void {
  const { view: name } = change;
  if (!d.hasSchema(name.schema)) {
    d.problem(`schema "${name.schema}" does not exist`);
    return;
  }
  for (const read of change.reads) {
    if (!d.tables.has(objectKey(read.table)) && !d.views.has(objectKey(read.table))) {
      d.problem(`relation "${display(read.table)}" does not exist`);
      return;
    }
  }
  const missing = missingColumn(d, change.reads);
  if (missing !== undefined) {
    d.problem(`column "${missing}" does not exist`);
    return;
  }
  const { columns, reads } = expandColumns(d, change.columns, change.reads);
  const duplicate = columns.find((c, i) => columns.indexOf(c) !== i);
  if (duplicate !== undefined) {
    d.problem(`column "${duplicate}" specified more than once`);
    return;
  }
  const existing = d.views.get(objectKey(name));
  const kind = d.relationKind(name);
  if (kind && !(change.orReplace && existing && !existing.materialized)) {
    d.problem(`relation "${display(name)}" already exists`);
    return;
  }
  if (existing) {
    // CREATE OR REPLACE VIEW may only add columns at the end.
    if (columns.length < existing.columns.length) {
      d.problem('cannot drop columns from view');
      return;
    }
    const renamed = existing.columns.findIndex((c, i) => columns[i] !== c);
    if (renamed >= 0) {
      d.problem(`cannot change name of view column "${existing.columns[renamed]}" to "${columns[renamed]}"`);
      return;
    }
  }
  d.setView({
    schema: name.schema,
    name: name.name,
    materialized: change.materialized,
    columns,
    reads,
    createdBy: existing ? existing.createdBy : origin,
  });
}

export function dropView(d: Draft, change: Pick<ChangeOf<'drop-view'>, 'view' | 'materialized' | 'ifExists' | 'cascade'>): void {
  const view = d.views.get(objectKey(change.view));
  if (!view || view.materialized !== change.materialized) {
    if (view || d.tables.has(objectKey(change.view))) d.problem(`"${display(change.view)}" is not a ${change.materialized ? 'materialized view' : 'view'}`);
    else if (!change.ifExists) d.problem(`${change.materialized ? 'materialized view' : 'view'} "${display(change.view)}" does not exist`);
    return;
  }
  const dependents = dependentViews(d, view);
  if (dependents.length > 0 && !change.cascade) {
    d.problem(`cannot drop view ${display(view)} because other objects depend on it (view ${display(dependents[0]!)} depends on it)`);
    return;
  }
  dropViews(d, [view, ...dependents]);
  for (const index of [...d.indexes.values()]) if (sameName(index.table, view)) d.deleteIndex(objectKey(index));
}

/** Rename or move a view; views that read it follow. */
export function moveView(d: Draft, view: View, to: QualifiedName): void {
  d.deleteView(objectKey(view));
  d.setView({ ...view, schema: to.schema, name: to.name });
  for (const index of [...d.indexes.values()]) {
    if (!sameName(index.table, view)) continue;
    d.deleteIndex(objectKey(index));
    d.setIndex({ ...index, schema: to.schema, table: to });
  }
  for (const v of d.views.values()) {
    if (!v.reads.some((r) => sameName(r.table, view))) continue;
    d.setView({ ...v, reads: v.reads.map((r) => (sameName(r.table, view) ? { ...r, table: to } : r)) });
  }
}

export function renameView(d: Draft, change: ChangeOf<'rename-view'>): void {
  const view = d.views.get(objectKey(change.view));
  if (!view) {
    d.problem(`relation "${display(change.view)}" does not exist`);
    return;
  }
  const to = { schema: view.schema, name: change.newName };
  if (d.relationKind(to)) {
    d.problem(`relation "${change.newName}" already exists`);
    return;
  }
  moveView(d, view, to);
}

export function refreshView(d: Draft, change: ChangeOf<'refresh-materialized-view'>): void {
  const view = d.views.get(objectKey(change.view));
  if (!view || !view.materialized) d.problem(view ? `"${display(change.view)}" is not a materialized view` : `relation "${display(change.view)}" does not exist`);
}
