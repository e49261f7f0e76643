/**
 * apply(schema, change) → the schema after the change, and what Postgres would reject. Pure: the input is
 * never modified and everything the change does not touch is shared. When Postgres would reject a change,
 * the schema is returned unchanged (as Postgres leaves it) with the reason in `problems`.
 */
import { renameUserType } from '../sql/type-names.js';
import type { Change, ChangeOf, QualifiedName, TypeRef } from '../sql/types.js';
import {
  addColumn,
  addTableConstraint,
  alterColumn,
  attachPartition,
  createIndexChange,
  createTable,
  detachPartition,
  dropColumn,
  dropConstraint,
  dropIndex,
  dropTable,
  dropTableObject,
  moveTable,
  renameColumn,
  renameConstraint,
  renameIndex,
  renameIndexObject,
  requireTable,
  validateConstraint,
} from './apply-tables.js';
import { createView, dropView, moveView, refreshView, renameView } from './apply-views.js';
import { display, Draft } from './draft.js';
import { resolveNames } from './resolve.js';
import { objectKey, type DomainType, type EnumType, type Origin, type Schema } from './model.js';

export interface ApplyResult {
  schema: Schema;
  /** What Postgres would reject, in its words; empty when the change applies. */
  problems: string[];
}

export function apply(schema: Schema, change: Change, origin: Origin): ApplyResult {
  const d = new Draft(schema);
  try {
    applyTo(d, resolveNames(schema, change), origin);
  } catch (error) {
    // A change this model cannot follow must not stop the replay.
    d.problem(`rollsafe could not apply this change to its schema model: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (d.problems.length > 0) return { schema, problems: d.problems };
  return { schema: d.result(), problems: [] };
}

function applyTo(d: Draft, change: Change, origin: Origin): void {
  switch (change.kind) {
    case 'create-table':
      return createTable(d, change, origin);
    case 'drop-table':
      return dropTable(d, change);
    case 'rename-table':
      return renameRelation(d, change.table, { schema: change.table.schema, name: change.newName }, origin);
    case 'set-table-schema':
      return setRelationSchema(d, change, origin);
    case 'add-column':
      return addColumn(d, change, origin);
    case 'drop-column':
      return dropColumn(d, change);
    case 'rename-column':
      return renameColumn(d, change, origin);
    case 'alter-column-type':
    case 'set-not-null':
    case 'drop-not-null':
    case 'set-default':
    case 'drop-default':
    case 'set-identity':
    case 'drop-identity':
      return alterColumn(d, change, origin);
    case 'add-constraint':
      return addTableConstraint(d, change, origin);
    case 'drop-constraint':
      return dropConstraint(d, change);
    case 'validate-constraint':
      return validateConstraint(d, change);
    case 'rename-constraint':
      return renameConstraint(d, change);
    case 'create-index':
      return createIndexChange(d, change, origin);
    case 'drop-index':
      return dropIndex(d, change);
    case 'rename-index':
      return renameIndex(d, change);
    case 'create-view':
      return createView(d, change, origin);
    case 'drop-view':
      return dropView(d, change);
    case 'rename-view':
      return renameView(d, change);
    case 'refresh-materialized-view':
      return refreshView(d, change);
    case 'create-enum':
    case 'create-domain':
      return createType(d, change, origin);
    case 'add-enum-value':
      return addEnumValue(d, change);
    case 'rename-enum-value':
      return renameEnumValue(d, change);
    case 'add-domain-constraint':
      return addDomainConstraint(d, change);
    case 'drop-type':
      return dropType(d, change);
    case 'rename-type':
      return renameType(d, change);
    case 'create-schema':
      if (d.schemas.has(change.schema)) {
        if (!change.ifNotExists) d.problem(`schema "${change.schema}" already exists`);
      } else d.addSchema(change.schema);
      return;
    case 'drop-schema':
      return dropSchema(d, change);
    case 'rename-schema':
      return renameSchema(d, change, origin);
    case 'create-sequence':
      if (!d.hasSchema(change.sequence.schema)) d.problem(`schema "${change.sequence.schema}" does not exist`);
      else if (d.relationKind(change.sequence)) {
        if (!change.ifNotExists) d.problem(`relation "${display(change.sequence)}" already exists`);
      } else d.addSequence(objectKey(change.sequence));
      return;
    case 'drop-sequence':
      if (d.sequences.has(objectKey(change.sequence))) d.deleteSequence(objectKey(change.sequence));
      else if (!change.ifExists) d.problem(`sequence "${display(change.sequence)}" does not exist`);
      return;
    case 'attach-partition':
      return attachPartition(d, change, origin);
    case 'detach-partition':
      return detachPartition(d, change);
    case 'alter-table-other': {
      const table = requireTable(d, change.table);
      if (table && (change.action === 'SET LOGGED' || change.action === 'SET UNLOGGED')) {
        d.setTable({ ...table, persistence: change.action === 'SET LOGGED' ? 'permanent' : 'unlogged' });
      }
      return;
    }
    case 'truncate':
    case 'lock-table':
      for (const table of change.tables) if (!d.tables.has(objectKey(table))) d.problem(`relation "${display(table)}" does not exist`);
      return;
    case 'create-trigger':
      if (!d.tables.has(objectKey(change.table)) && !d.views.has(objectKey(change.table))) d.problem(`relation "${display(change.table)}" does not exist`);
      return;
    case 'dml':
      if (change.table && change.op !== 'select' && change.op !== 'copy' && !d.tables.has(objectKey(change.table)) && !d.views.has(objectKey(change.table))) {
        d.problem(`relation "${display(change.table)}" does not exist`);
      }
      return;
    case 'reindex':
    case 'vacuum':
    case 'analyze':
    case 'cluster':
    case 'create-extension':
    case 'create-function':
    case 'set-setting':
    case 'transaction':
    case 'other':
      return;
  }
}

/** ALTER TABLE … RENAME works on any relation: tables, views, indexes and sequences. */
function renameRelation(d: Draft, from: QualifiedName, to: QualifiedName, origin: Origin): void {
  const kind = d.relationKind(from);
  if (!kind) {
    d.problem(`relation "${display(from)}" does not exist`);
    return;
  }
  if (d.relationKind(to)) {
    d.problem(`relation "${to.name}" already exists`);
    return;
  }
  const key = objectKey(from);
  if (kind === 'table') moveTable(d, d.tables.get(key)!, to, origin, true);
  else if (kind === 'view') moveView(d, d.views.get(key)!, to);
  else if (kind === 'index') renameIndexObject(d, d.indexes.get(key)!, to.name);
  else {
    d.deleteSequence(key);
    d.addSequence(objectKey(to));
  }
}

function setRelationSchema(d: Draft, change: ChangeOf<'set-table-schema'>, origin: Origin): void {
  const to = { schema: change.newSchema, name: change.table.name };
  if (!d.schemas.has(change.newSchema)) {
    d.problem(`schema "${change.newSchema}" does not exist`);
    return;
  }
  const key = objectKey(change.table);
  const table = d.tables.get(key);
  const view = d.views.get(key);
  if (!table && !view) {
    d.problem(`relation "${display(change.table)}" does not exist`);
    return;
  }
  if (d.relationKind(to)) {
    d.problem(`relation "${to.name}" already exists in schema "${to.schema}"`);
    return;
  }
  if (table) moveTable(d, table, to, origin, false);
  else moveView(d, view!, to);
}

function createType(d: Draft, change: ChangeOf<'create-enum' | 'create-domain'>, origin: Origin): void {
  const name = change.type;
  if (!d.hasSchema(name.schema)) {
    d.problem(`schema "${name.schema}" does not exist`);
    return;
  }
  // Tables and views have row types of the same name.
  if (d.types.has(objectKey(name)) || d.tables.has(objectKey(name)) || d.views.has(objectKey(name))) {
    d.problem(`type "${display(name)}" already exists`);
    return;
  }
  if (change.kind === 'create-enum') {
    const duplicate = change.values.find((v, i) => change.values.indexOf(v) !== i);
    if (duplicate !== undefined) {
      d.problem(`enum label "${duplicate}" used more than once`);
      return;
    }
    d.setType({ kind: 'enum', schema: name.schema, name: name.name, values: change.values, createdBy: origin });
  } else {
    d.setType({ kind: 'domain', schema: name.schema, name: name.name, baseType: change.baseType, checks: change.checks, notNull: change.notNull, createdBy: origin });
  }
}

function requireType<K extends 'enum' | 'domain'>(d: Draft, name: QualifiedName, kind: K): Extract<EnumType | DomainType, { kind: K }> | undefined {
  const type = d.types.get(objectKey(name));
  if (!type) d.problem(`type "${display(name)}" does not exist`);
  else if (type.kind !== kind) d.problem(`"${display(name)}" is not ${kind === 'enum' ? 'an enum' : 'a domain'}`);
  else return type as Extract<EnumType | DomainType, { kind: K }>;
  return undefined;
}

function addEnumValue(d: Draft, change: ChangeOf<'add-enum-value'>): void {
  const type = requireType(d, change.type, 'enum');
  if (!type) return;
  if (type.values.includes(change.value)) {
    if (!change.ifNotExists) d.problem(`enum label "${change.value}" already exists`);
    return;
  }
  const neighbour = change.before ?? change.after;
  const at = neighbour === undefined ? type.values.length : type.values.indexOf(neighbour);
  if (at < 0) {
    d.problem(`"${neighbour}" is not an existing enum label`);
    return;
  }
  const index = change.after !== undefined ? at + 1 : at;
  d.setType({ ...type, values: [...type.values.slice(0, index), change.value, ...type.values.slice(index)] });
}

function renameEnumValue(d: Draft, change: ChangeOf<'rename-enum-value'>): void {
  const type = requireType(d, change.type, 'enum');
  if (!type) return;
  if (!type.values.includes(change.value)) d.problem(`"${change.value}" is not an existing enum label`);
  else if (type.values.includes(change.newValue)) d.problem(`enum label "${change.newValue}" already exists`);
  else {
    d.setType({ ...type, values: type.values.map((v) => (v === change.value ? change.newValue : v)) });
    relabelDefaults(d, type, change);
  }
}

/** A default that is the renamed label follows it: Postgres stores the enum value, not its text. */
function relabelDefaults(d: Draft, type: QualifiedName, change: ChangeOf<'rename-enum-value'>): void {
  const relabel = (text: string): string => {
    const literal = /^\s*'((?:[^']|'')*)'(\s*::[\s\S]*)?$/.exec(text);
    if (!literal || literal[1]!.replace(/''/g, "'") !== change.value) return text;
    return `'${change.newValue.replace(/'/g, "''")}'${literal[2] ?? ''}`;
  };
  for (const table of d.tables.values()) {
    const columns = table.columns.map((c) => {
      if (!c.default || c.type.arrayDims > 0 || !usesType(c.type, type)) return c;
      const text = relabel(c.default.text);
      return text === c.default.text ? c : { ...c, default: { ...c.default, text } };
    });
    if (columns.some((c, i) => c !== table.columns[i])) d.setTable({ ...table, columns });
  }
}

function addDomainConstraint(d: Draft, change: ChangeOf<'add-domain-constraint'>): void {
  const type = requireType(d, change.type, 'domain');
  if (!type) return;
  if (change.constraint.type === 'not-null') d.setType({ ...type, notNull: true });
  else if (change.constraint.expression !== undefined) d.setType({ ...type, checks: [...type.checks, change.constraint.expression] });
}

function usesType(ref: TypeRef, name: QualifiedName): boolean {
  return ref.schema === name.schema && ref.name === name.name;
}

function dropType(d: Draft, change: Pick<ChangeOf<'drop-type'>, 'type' | 'ifExists' | 'cascade' | 'domain'>): void {
  const key = objectKey(change.type);
  const type = d.types.get(key);
  if (!type) {
    if (!change.ifExists) d.problem(`type "${display(change.type)}" does not exist`);
    return;
  }
  if (change.domain && type.kind !== 'domain') {
    d.problem(`"${display(change.type)}" is not a domain`);
    return;
  }
  const columns = [...d.tables.values()].flatMap((t) => t.columns.filter((c) => usesType(c.type, change.type)).map((c) => ({ table: t, column: c.name })));
  const domains = [...d.types.values()].filter((t) => t.kind === 'domain' && usesType(t.baseType, change.type));
  if (!change.cascade && (columns.length > 0 || domains.length > 0)) {
    const what = columns.length > 0 ? `column ${columns[0]!.column} of table ${display(columns[0]!.table)}` : `type ${display(domains[0]!)}`;
    d.problem(`cannot drop type ${display(change.type)} because other objects depend on it (${what} depends on it)`);
    return;
  }
  // CASCADE drops the columns of that type (and domains over it).
  for (const { table, column } of columns) dropColumn(d, { table, column, ifExists: true, cascade: true });
  for (const domain of domains) d.deleteType(objectKey(domain));
  d.deleteType(key);
}

/** Give every column and domain of type `from` the type's new name. */
function retargetType(d: Draft, from: QualifiedName, to: QualifiedName): void {
  const rename = (ref: TypeRef): TypeRef => (usesType(ref, from) ? renameUserType(ref, to.schema, to.name) : ref);
  for (const table of d.tables.values()) {
    if (!table.columns.some((c) => usesType(c.type, from))) continue;
    d.setTable({ ...table, columns: table.columns.map((c) => (usesType(c.type, from) ? { ...c, type: rename(c.type) } : c)) });
  }
  for (const type of d.types.values()) if (type.kind === 'domain' && usesType(type.baseType, from)) d.setType({ ...type, baseType: rename(type.baseType) });
}

function renameType(d: Draft, change: ChangeOf<'rename-type'>): void {
  const type = d.types.get(objectKey(change.type));
  if (!type) {
    d.problem(`type "${display(change.type)}" does not exist`);
    return;
  }
  const to = { schema: type.schema, name: change.newName };
  if (d.types.has(objectKey(to)) || d.tables.has(objectKey(to))) {
    d.problem(`type "${change.newName}" already exists`);
    return;
  }
  d.deleteType(objectKey(type));
  d.setType({ ...type, name: change.newName });
  retargetType(d, change.type, to);
}

function inSchema(d: Draft, schema: string): { tables: string[]; views: string[]; types: string[]; sequences: string[] } {
  const mine = (key: string, s: string) => key.startsWith(`${s}.`);
  return {
    tables: [...d.tables.keys()].filter((k) => mine(k, schema)),
    views: [...d.views.keys()].filter((k) => mine(k, schema)),
    types: [...d.types.keys()].filter((k) => mine(k, schema)),
    sequences: [...d.sequences].filter((k) => mine(k, schema)),
  };
}

function dropSchema(d: Draft, change: ChangeOf<'drop-schema'>): void {
  if (!d.schemas.has(change.schema)) {
    if (!change.ifExists) d.problem(`schema "${change.schema}" does not exist`);
    return;
  }
  const contents = inSchema(d, change.schema);
  const count = contents.tables.length + contents.views.length + contents.types.length + contents.sequences.length;
  if (count > 0 && !change.cascade) {
    d.problem(`cannot drop schema ${change.schema} because other objects depend on it`);
    return;
  }
  for (const key of contents.views) {
    const view = d.views.get(key);
    if (view) dropView(d, { view, materialized: view.materialized, ifExists: true, cascade: true });
  }
  for (const key of contents.tables) {
    const table = d.tables.get(key);
    if (table) dropTableObject(d, table, true);
  }
  for (const key of contents.types) {
    const type = d.types.get(key);
    if (type) dropType(d, { type, ifExists: true, cascade: true, domain: type.kind === 'domain' });
  }
  for (const key of inSchema(d, change.schema).sequences) d.deleteSequence(key);
  d.deleteSchema(change.schema);
}

function renameSchema(d: Draft, change: ChangeOf<'rename-schema'>, origin: Origin): void {
  if (!d.schemas.has(change.schema)) {
    d.problem(`schema "${change.schema}" does not exist`);
    return;
  }
  if (d.schemas.has(change.newName)) {
    d.problem(`schema "${change.newName}" already exists`);
    return;
  }
  d.addSchema(change.newName);
  const contents = inSchema(d, change.schema);
  for (const key of contents.tables) {
    const table = d.tables.get(key);
    if (table) moveTable(d, table, { schema: change.newName, name: table.name }, origin, false);
  }
  for (const key of contents.views) {
    const view = d.views.get(key);
    if (view) moveView(d, view, { schema: change.newName, name: view.name });
  }
  for (const key of contents.types) {
    const type = d.types.get(key);
    if (!type) continue;
    d.deleteType(key);
    d.setType({ ...type, schema: change.newName });
    retargetType(d, type, { schema: change.newName, name: type.name });
  }
  for (const key of contents.sequences) {
    d.deleteSequence(key);
    d.addSequence(`${change.newName}.${key.slice(change.schema.length + 1)}`);
  }
  d.deleteSchema(change.schema);
}
