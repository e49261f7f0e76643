/**
 * The schema model: what the database looks like after replaying migrations. Immutable: `apply()` returns a
 * new Schema and shares everything it did not change.
 */
import type { ColumnRead, ConstraintType, Expression, QualifiedName, TypeRef } from '../sql/types.js';

/** Path of the migration that made a change, or null for objects whose origin is unknown. */
export type Origin = string | null;

export interface Column {
  name: string;
  type: TypeRef;
  notNull: boolean;
  default?: Expression;
  identity?: 'always' | 'by-default';
  generated?: { expression: string; stored: boolean };
  createdBy: Origin;
  /** Set when the column got its current name by a rename. */
  renamedFrom?: { name: string; by: Origin };
}

export interface Constraint {
  name: string;
  type: ConstraintType;
  columns: string[];
  /** False while a constraint added `NOT VALID` has not been validated. */
  validated: boolean;
  references?: { table: QualifiedName; columns: string[] };
  expression?: string;
  /** The index backing a primary key / unique constraint. */
  index?: string;
  createdBy: Origin;
}

export interface Table {
  schema: string;
  name: string;
  kind: 'table' | 'partitioned-table';
  persistence: 'permanent' | 'unlogged' | 'temporary';
  columns: readonly Column[];
  constraints: readonly Constraint[];
  partitionOf?: QualifiedName;
  createdBy: Origin;
  renamedFrom?: { name: string; by: Origin };
}

export interface Index {
  schema: string;
  name: string;
  table: QualifiedName;
  columns: (string | null)[];
  unique: boolean;
  /** Backs a PRIMARY KEY or UNIQUE constraint. */
  constraint?: string;
  /** Key (`schema.name`) of the partitioned table's index that this partition's index was created for. */
  parent?: string;
  createdBy: Origin;
}

export interface View {
  schema: string;
  name: string;
  materialized: boolean;
  columns: string[];
  /** Tables and columns the view's query reads: a dropped column or renamed table breaks it. */
  reads: ColumnRead[];
  createdBy: Origin;
}

export interface EnumType {
  kind: 'enum';
  schema: string;
  name: string;
  values: string[];
  createdBy: Origin;
}

export interface DomainType {
  kind: 'domain';
  schema: string;
  name: string;
  baseType: TypeRef;
  checks: string[];
  notNull: boolean;
  createdBy: Origin;
}

export interface Schema {
  /** Schema (namespace) names; `public` exists from the start. */
  schemas: ReadonlySet<string>;
  /** Keyed by `schema.name` (see `objectKey`). */
  tables: ReadonlyMap<string, Table>;
  views: ReadonlyMap<string, View>;
  indexes: ReadonlyMap<string, Index>;
  types: ReadonlyMap<string, EnumType | DomainType>;
  sequences: ReadonlySet<string>;
}

export function objectKey(name: QualifiedName): string {
  return `${name.schema}.${name.name}`;
}

export const emptySchema: Schema = Object.freeze({
  schemas: new Set<string>(['public']),
  tables: new Map<string, Table>(),
  views: new Map<string, View>(),
  indexes: new Map<string, Index>(),
  types: new Map<string, EnumType | DomainType>(),
  sequences: new Set<string>(),
});
