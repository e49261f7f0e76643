/**
 * Column definitions and constraints (CREATE TABLE elements, ALTER TABLE ADD COLUMN / ADD CONSTRAINT).
 */
import { typeRefOf, type TypeNameNode } from '../type-names.js';
import { makeObjectName, nextvalText } from './object-names.js';
import type { ColumnSpec, ConstraintSpec, ConstraintType, QualifiedName, TypeRef } from '../types.js';
import { expressionVolatility } from '../volatility.js';
import {
  COLUMN_CONSTRAINT_KEYWORDS,
  expressionText,
  isObject,
  list,
  nodeOf,
  rangeVarName,
  strings,
  type NodeMap,
  type RangeVarNode,
  type StatementContext,
} from './context.js';

export interface ConstraintNode {
  contype?: string;
  conname?: string;
  keys?: unknown[];
  fk_attrs?: unknown[];
  pk_attrs?: unknown[];
  pktable?: RangeVarNode;
  raw_expr?: unknown;
  skip_validation?: boolean;
  indexname?: string;
  nulls_not_distinct?: boolean;
  including?: unknown[];
  generated_when?: string;
  generated_kind?: string;
  exclusions?: unknown[];
  location?: number;
}

export interface ColumnDefNode {
  colname?: string;
  typeName?: TypeNameNode;
  constraints?: unknown[];
  collClause?: { collname?: unknown[] };
  raw_default?: unknown;
}

const CONSTRAINT_TYPES: Record<string, ConstraintType> = {
  CONSTR_PRIMARY: 'primary-key',
  CONSTR_UNIQUE: 'unique',
  CONSTR_FOREIGN: 'foreign-key',
  CONSTR_CHECK: 'check',
  CONSTR_EXCLUSION: 'exclusion',
  CONSTR_NOTNULL: 'not-null',
};

export function typeRef(ctx: StatementContext, typeName: TypeNameNode | undefined): TypeRef {
  return typeRefOf(typeName ?? {}, () => ctx.session.creationSchema);
}

/** Distinct column names referenced by an expression (a CHECK's columns; Postgres names the constraint after a single one). */
export function referencedColumns(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) referencedColumns(item, out);
    return out;
  }
  if (!isObject(node)) return out;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'ColumnRef') {
      const fields = strings((value as NodeMap).fields);
      const name = fields[fields.length - 1];
      if (name !== undefined && !out.includes(name)) out.push(name);
    } else if (typeof value === 'object' && value !== null) referencedColumns(value, out);
  }
  return out;
}

/** A table or column constraint → ConstraintSpec; null for NOT NULL/NULL/DEFAULT/identity/generated (column properties). */
export function constraintSpec(ctx: StatementContext, c: ConstraintNode, limit: number, column?: string): ConstraintSpec | null {
  const type = CONSTRAINT_TYPES[c.contype ?? ''];
  if (!type || (type === 'not-null' && column !== undefined)) return null;
  let columns: string[];
  if (type === 'foreign-key') columns = c.fk_attrs ? strings(c.fk_attrs) : column !== undefined ? [column] : [];
  else if (type === 'check') columns = column !== undefined ? [column] : referencedColumns(c.raw_expr);
  else if (type === 'exclusion') columns = list(c.exclusions).flatMap((pair) => list(nodeOf<{ items?: unknown[] }>(pair, 'List')?.items).slice(0, 1)).flatMap((e) => {
    const name = nodeOf<{ name?: string }>(e, 'IndexElem')?.name;
    return name ? [name] : [];
  });
  else columns = c.keys ? strings(c.keys) : column !== undefined ? [column] : [];
  const spec: ConstraintSpec = { type, columns, notValid: c.skip_validation === true };
  if (c.conname) spec.name = c.conname;
  if (c.indexname) spec.usingIndex = c.indexname;
  if ((type === 'unique' || type === 'primary-key') && c.nulls_not_distinct === true) spec.nullsNotDistinct = true;
  if ((type === 'unique' || type === 'primary-key') && c.including) spec.include = strings(c.including);
  if (type === 'foreign-key' && c.pktable) spec.references = { table: rangeVarName(ctx, c.pktable), columns: strings(c.pk_attrs) };
  if (type === 'check' && c.raw_expr) spec.expression = expressionText(ctx, c.raw_expr, limit);
  return spec;
}

/** A ColumnDef of `table` → ColumnSpec. `limit` is where the enclosing element list or sub-command ends (string offset). */
export function columnSpec(ctx: StatementContext, def: ColumnDefNode, limit: number, table: QualifiedName): ColumnSpec {
  const name = def.colname ?? '';
  const spec: ColumnSpec = { name, type: typeRef(ctx, def.typeName), notNull: false, constraints: [] };
  for (const node of list(def.constraints)) {
    const c = nodeOf<ConstraintNode>(node, 'Constraint');
    if (!c) continue;
    switch (c.contype) {
      case 'CONSTR_NOTNULL':
        spec.notNull = true;
        break;
      case 'CONSTR_NULL':
        spec.notNull = false;
        break;
      case 'CONSTR_DEFAULT':
        spec.default = { text: expressionText(ctx, c.raw_expr, limit, COLUMN_CONSTRAINT_KEYWORDS), volatility: expressionVolatility(c.raw_expr) };
        break;
      case 'CONSTR_IDENTITY':
        spec.identity = c.generated_when === 'a' ? 'always' : 'by-default';
        spec.notNull = true;
        break;
      case 'CONSTR_GENERATED':
        spec.generated = { expression: expressionText(ctx, c.raw_expr, limit), stored: c.generated_kind === 's' };
        break;
      case 'CONSTR_PRIMARY':
        spec.notNull = true;
        spec.constraints.push(constraintSpec(ctx, c, limit, name)!);
        break;
      default: {
        const constraint = constraintSpec(ctx, c, limit, name);
        if (constraint) spec.constraints.push(constraint);
      }
    }
  }
  if (spec.type.serial) {
    // Postgres makes a serial column NOT NULL with a nextval default (apply() renames the sequence if taken).
    spec.notNull = true;
    spec.default = { text: nextvalText(table.schema, makeObjectName(table.name, name, 'seq')), volatility: 'volatile' };
  }
  const collation = strings(def.collClause?.collname);
  if (collation.length) spec.collation = collation.join('.');
  return spec;
}
