/**
 * Unqualified names resolve through the search_path: normalize() gives them its first schema, and here an
 * object that is not there but in a later schema of the path is found where Postgres would find it.
 */
import { renameUserType } from '../sql/type-names.js';
import type { Change, ColumnRead, ColumnSpec, ConstraintSpec, QualifiedName, TypeRef } from '../sql/types.js';
import { objectKey, type Schema } from './model.js';

type Lookup = (name: QualifiedName) => boolean;

/** Kinds whose main name is the object they create: that name stays in the first schema. */
const CREATES = new Set(['create-table', 'create-view', 'create-enum', 'create-domain', 'create-sequence']);

export function resolveNames(schema: Schema, change: Change): Change {
  const given = change.statement.searchPath;
  const relation: Lookup = (n) => {
    const key = objectKey(n);
    return schema.tables.has(key) || schema.views.has(key) || schema.indexes.has(key) || schema.sequences.has(key);
  };
  // Postgres looks for relations in the session's pg_temp before the search_path: a TEMP table (CREATE TEMP
  // TABLE, … AS SELECT) hides a permanent one of the same name for the rest of the migration.
  const temp = (n: QualifiedName): QualifiedName | undefined => {
    const t = { schema: 'pg_temp', name: n.name };
    return n.schema !== 'pg_temp' && relation(t) ? t : undefined;
  };
  const main = (change as { table?: QualifiedName }).table;
  const anyTemp = main !== undefined && main !== null && typeof main === 'object' && !CREATES.has(change.kind) && temp(main) !== undefined;
  if ((!given || given.length < 2) && !anyTemp) return change;
  const path = given ?? [main!.schema];
  const type: Lookup = (n) => schema.types.has(objectKey(n));
  const resolve = (name: QualifiedName, exists: Lookup): QualifiedName => {
    if (name.schema !== path[0]) return name;
    if (exists === relation) {
      const t = temp(name);
      if (t) return t;
    }
    if (exists(name)) return name;
    for (const schemaName of path.slice(1)) {
      const candidate = { schema: schemaName, name: name.name };
      if (exists(candidate)) return candidate;
    }
    return name;
  };
  const typeRef = (ref: TypeRef): TypeRef => {
    if (ref.schema === undefined) return ref;
    const found = resolve({ schema: ref.schema, name: ref.name }, type);
    return found.schema === ref.schema ? ref : renameUserType(ref, found.schema, found.name);
  };
  const constraint = (c: ConstraintSpec): ConstraintSpec => (c.references ? { ...c, references: { ...c.references, table: resolve(c.references.table, relation) } } : c);
  const column = (c: ColumnSpec): ColumnSpec => ({ ...c, type: typeRef(c.type), constraints: c.constraints.map(constraint) });
  const reads = (list: ColumnRead[]): ColumnRead[] => list.map((r) => ({ ...r, table: resolve(r.table, relation) }));
  const out: Record<string, unknown> = { ...change };
  const creates = CREATES.has(change.kind);
  for (const key of ['table', 'view', 'index', 'sequence', 'partition'] as const) {
    const value = out[key] as QualifiedName | null | undefined;
    if (!value || typeof value !== 'object') continue;
    // The index named by CREATE INDEX is created in its table's schema.
    if ((creates && (key === 'table' || key === 'view' || key === 'sequence')) || (change.kind === 'create-index' && key === 'index')) continue;
    out[key] = resolve(value, relation);
  }
  if (change.kind === 'create-index' && change.index) out.index = { schema: (out.table as QualifiedName).schema, name: change.index.name };
  if (!creates && 'type' in change && change.type && 'schema' in change.type && 'name' in change.type && !('display' in change.type)) out.type = resolve(change.type, type);
  if (change.kind === 'alter-column-type') out.type = typeRef(change.type);
  if (change.kind === 'add-column') out.column = column(change.column);
  if (change.kind === 'create-table') {
    out.columns = change.columns.map(column);
    out.constraints = change.constraints.map(constraint);
    out.like = change.like.map((n) => resolve(n, relation));
    out.inherits = change.inherits.map((n) => resolve(n, relation));
    if (change.partitionOf) out.partitionOf = resolve(change.partitionOf, relation);
  }
  if (change.kind === 'create-domain') out.baseType = typeRef(change.baseType);
  if (change.kind === 'add-constraint') out.constraint = constraint(change.constraint);
  if (change.kind === 'create-view' || change.kind === 'dml') out.reads = reads(change.reads);
  if (change.kind === 'truncate' || change.kind === 'lock-table' || change.kind === 'vacuum' || change.kind === 'analyze') out.tables = change.tables.map((n) => resolve(n, relation));
  return out as unknown as Change;
}
