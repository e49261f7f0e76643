/**
 * A copy-on-write view of a Schema while one Change is applied: maps are copied only when written, and
 * untouched tables, views and types are shared with the schema it started from.
 */
import type { QualifiedName } from '../sql/types.js';
import { objectKey, type Column, type DomainType, type EnumType, type Index, type Schema, type Table, type View } from './model.js';

export type RelationKind = 'table' | 'view' | 'index' | 'sequence';

export class Draft {
  private schemasW: Set<string> | undefined;
  private tablesW: Map<string, Table> | undefined;
  private viewsW: Map<string, View> | undefined;
  private indexesW: Map<string, Index> | undefined;
  private typesW: Map<string, EnumType | DomainType> | undefined;
  private sequencesW: Set<string> | undefined;
  readonly problems: string[] = [];

  constructor(readonly base: Schema) {}

  get schemas(): ReadonlySet<string> {
    return this.schemasW ?? this.base.schemas;
  }
  get tables(): ReadonlyMap<string, Table> {
    return this.tablesW ?? this.base.tables;
  }
  get views(): ReadonlyMap<string, View> {
    return this.viewsW ?? this.base.views;
  }
  get indexes(): ReadonlyMap<string, Index> {
    return this.indexesW ?? this.base.indexes;
  }
  get types(): ReadonlyMap<string, EnumType | DomainType> {
    return this.typesW ?? this.base.types;
  }
  get sequences(): ReadonlySet<string> {
    return this.sequencesW ?? this.base.sequences;
  }

  problem(message: string): void {
    this.problems.push(message);
  }

  addSchema(name: string): void {
    (this.schemasW ??= new Set(this.base.schemas)).add(name);
  }
  deleteSchema(name: string): void {
    (this.schemasW ??= new Set(this.base.schemas)).delete(name);
  }
  setTable(table: Table): void {
    (this.tablesW ??= new Map(this.base.tables)).set(objectKey(table), table);
  }
  deleteTable(key: string): void {
    (this.tablesW ??= new Map(this.base.tables)).delete(key);
  }
  setView(view: View): void {
    (this.viewsW ??= new Map(this.base.views)).set(objectKey(view), view);
  }
  deleteView(key: string): void {
    (this.viewsW ??= new Map(this.base.views)).delete(key);
  }
  setIndex(index: Index): void {
    (this.indexesW ??= new Map(this.base.indexes)).set(objectKey(index), index);
  }
  deleteIndex(key: string): void {
    (this.indexesW ??= new Map(this.base.indexes)).delete(key);
  }
  setType(type: EnumType | DomainType): void {
    (this.typesW ??= new Map(this.base.types)).set(objectKey(type), type);
  }
  deleteType(key: string): void {
    (this.typesW ??= new Map(this.base.types)).delete(key);
  }
  addSequence(key: string): void {
    (this.sequencesW ??= new Set(this.base.sequences)).add(key);
  }
  deleteSequence(key: string): void {
    (this.sequencesW ??= new Set(this.base.sequences)).delete(key);
  }

  /** What occupies a name in a schema's relation namespace (tables, views, indexes and sequences share it). */
  relationKind(name: QualifiedName): RelationKind | undefined {
    const key = objectKey(name);
    if (this.tables.has(key)) return 'table';
    if (this.views.has(key)) return 'view';
    if (this.indexes.has(key)) return 'index';
    if (this.sequences.has(key)) return 'sequence';
    return undefined;
  }

  /** Whether a schema exists (the session's temporary schema always does). */
  hasSchema(name: string): boolean {
    return name === 'pg_temp' || this.schemas.has(name);
  }

  /** The schema after the change: the base itself when nothing was written. */
  result(): Schema {
    if (!this.schemasW && !this.tablesW && !this.viewsW && !this.indexesW && !this.typesW && !this.sequencesW) return this.base;
    return Object.freeze({
      schemas: this.schemas,
      tables: this.tables,
      views: this.views,
      indexes: this.indexes,
      types: this.types,
      sequences: this.sequences,
    });
  }
}

/** `"users"` or `"billing.users"` as Postgres messages name relations (schema shown when not public). */
export function display(name: QualifiedName): string {
  return name.schema === 'public' || name.schema === 'pg_temp' ? name.name : `${name.schema}.${name.name}`;
}

export function findColumn(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

export function sameName(a: QualifiedName, b: QualifiedName): boolean {
  return a.schema === b.schema && a.name === b.name;
}
