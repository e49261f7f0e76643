/**
 * A copy-on-write view of a Schema while one Change is applied: maps are replaced only when written (a
 * persistent map shares all but one path with the old one), and untouched tables, views and types are shared.
 */
import type { QualifiedName } from '../sql/types.js';
import { PersistentMap, PersistentSet } from './persistent-map.js';
import { objectKey, type Column, type DomainType, type EnumType, type Index, type Schema, type Table, type View } from './model.js';

export type RelationKind = 'table' | 'view' | 'index' | 'sequence';

/** Constraint names (`schema\0name` → how many tables use it) of each tables map, so a name check needs no scan. */
const CONSTRAINT_NAMES = new WeakMap<ReadonlyMap<string, Table>, PersistentMap<number>>();

function bump(names: PersistentMap<number>, key: string, delta: number): PersistentMap<number> {
  const count = (names.get(key) ?? 0) + delta;
  return count > 0 ? names.set(key, count) : names.delete(key);
}

export class Draft {
  // Persistent maps: a write copies one trie path, not the whole map (replay keeps every version).
  private schemasW: PersistentSet | undefined;
  private tablesW: PersistentMap<Table> | undefined;
  private viewsW: PersistentMap<View> | undefined;
  private indexesW: PersistentMap<Index> | undefined;
  private typesW: PersistentMap<EnumType | DomainType> | undefined;
  private sequencesW: PersistentSet | undefined;
  private constraintNamesW: PersistentMap<number> | undefined;
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
    this.schemasW = (this.schemasW ?? PersistentSet.from(this.base.schemas)).add(name);
  }
  deleteSchema(name: string): void {
    this.schemasW = (this.schemasW ?? PersistentSet.from(this.base.schemas)).delete(name);
  }
  setTable(table: Table): void {
    const key = objectKey(table);
    this.countConstraints(this.tables.get(key), -1);
    this.countConstraints(table, 1);
    this.tablesW = (this.tablesW ?? PersistentMap.from(this.base.tables)).set(key, table);
    CONSTRAINT_NAMES.set(this.tablesW, this.constraintNamesW!);
  }
  deleteTable(key: string): void {
    this.countConstraints(this.tables.get(key), -1);
    this.tablesW = (this.tablesW ?? PersistentMap.from(this.base.tables)).delete(key);
    CONSTRAINT_NAMES.set(this.tablesW, this.constraintNamesW!);
  }

  /** Whether a table of `schema` has a constraint of that name (Postgres generates names unique per schema). */
  hasConstraintNamed(schema: string, name: string): boolean {
    return (this.constraintNames().get(`${schema}\u0000${name}`) ?? 0) > 0;
  }

  private constraintNames(): PersistentMap<number> {
    if (this.constraintNamesW) return this.constraintNamesW;
    let names = CONSTRAINT_NAMES.get(this.tables);
    if (!names) {
      // A schema not built by a Draft (the empty schema, a test's): index it once.
      names = PersistentMap.empty<number>();
      for (const t of this.tables.values()) for (const c of t.constraints) names = bump(names, `${t.schema}\u0000${c.name}`, 1);
      CONSTRAINT_NAMES.set(this.tables, names);
    }
    return (this.constraintNamesW = names);
  }

  private countConstraints(table: Table | undefined, delta: 1 | -1): void {
    let names = this.constraintNames();
    for (const c of table?.constraints ?? []) names = bump(names, `${table!.schema}\u0000${c.name}`, delta);
    this.constraintNamesW = names;
  }
  setView(view: View): void {
    this.viewsW = (this.viewsW ?? PersistentMap.from(this.base.views)).set(objectKey(view), view);
  }
  deleteView(key: string): void {
    this.viewsW = (this.viewsW ?? PersistentMap.from(this.base.views)).delete(key);
  }
  setIndex(index: Index): void {
    this.indexesW = (this.indexesW ?? PersistentMap.from(this.base.indexes)).set(objectKey(index), index);
  }
  deleteIndex(key: string): void {
    this.indexesW = (this.indexesW ?? PersistentMap.from(this.base.indexes)).delete(key);
  }
  setType(type: EnumType | DomainType): void {
    this.typesW = (this.typesW ?? PersistentMap.from(this.base.types)).set(objectKey(type), type);
  }
  deleteType(key: string): void {
    this.typesW = (this.typesW ?? PersistentMap.from(this.base.types)).delete(key);
  }
  addSequence(key: string): void {
    this.sequencesW = (this.sequencesW ?? PersistentSet.from(this.base.sequences)).add(key);
  }
  deleteSequence(key: string): void {
    this.sequencesW = (this.sequencesW ?? PersistentSet.from(this.base.sequences)).delete(key);
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
