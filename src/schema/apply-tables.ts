/**
 * Tables, columns, constraints and indexes: the part of apply() that follows Postgres' tablecmds.c, with
 * its error messages for what Postgres would reject.
 */
import { chooseName, indexNameAddition, makeObjectName, nextvalText } from '../sql/normalize/object-names.js';
import type { ChangeOf, ColumnSpec, ConstraintSpec, QualifiedName } from '../sql/types.js';
import { display, findColumn, sameName, type Draft } from './draft.js';
import { objectKey, type Column, type Constraint, type Index, type Origin, type Table } from './model.js';
import { dependentViews, dropViews } from './apply-views.js';

export function requireTable(d: Draft, name: QualifiedName): Table | undefined {
  const table = d.tables.get(objectKey(name));
  if (!table) d.problem(d.views.has(objectKey(name)) ? `"${display(name)}" is not a table` : `relation "${display(name)}" does not exist`);
  return table;
}

function requireColumn(d: Draft, table: Table, column: string): Column | undefined {
  const found = findColumn(table, column);
  if (!found) d.problem(`column "${column}" of relation "${table.name}" does not exist`);
  return found;
}

/** Partitions of a partitioned table, recursively (Postgres applies column changes to them too). */
export function partitionsOf(d: Draft, table: QualifiedName): Table[] {
  // Only a partitioned table has partitions: skip the scan of every table for the others.
  if (d.tables.get(objectKey(table))?.kind === 'table') return [];
  const out: Table[] = [];
  for (const t of d.tables.values()) {
    if (t.partitionOf && sameName(t.partitionOf, table)) out.push(t, ...partitionsOf(d, t));
  }
  return out;
}

/** Apply a table edit to the table and all its partitions. */
function editWithPartitions(d: Draft, table: Table, edit: (t: Table) => Table): void {
  for (const t of [table, ...partitionsOf(d, table)]) d.setTable(edit(d.tables.get(objectKey(t)) ?? t));
}

function replaceColumn(table: Table, name: string, edit: (c: Column) => Column): Table {
  return { ...table, columns: table.columns.map((c) => (c.name === name ? edit(c) : c)) };
}

const relationTaken = (d: Draft, schema: string) => (name: string) => d.relationKind({ schema, name }) !== undefined;

const constraintTaken = (d: Draft, schema: string) => (name: string) => d.hasConstraintNamed(schema, name);

/** A new column from its spec; a serial or identity column also gets its sequence, named as Postgres names it. */
function newColumn(d: Draft, table: QualifiedName, spec: ColumnSpec, origin: Origin): Column {
  const column: Column = { name: spec.name, type: spec.type, notNull: spec.notNull, createdBy: origin };
  if (spec.default) column.default = spec.default;
  if (spec.identity) column.identity = spec.identity;
  if (spec.generated) column.generated = spec.generated;
  if (spec.type.serial || spec.identity) {
    const sequence = chooseName(table.name, spec.name, 'seq', relationTaken(d, table.schema));
    d.addSequence(objectKey({ schema: table.schema, name: sequence }));
    if (spec.type.serial) column.default = { text: nextvalText(table.schema, sequence), volatility: 'volatile' };
  }
  return column;
}

/** Expression indexes' name parts, for naming the copies made on partitions (not part of the model). */
const indexNameParts = new WeakMap<Index, string[]>();

/** Create an index (and its copies on partitions, as Postgres does for a partitioned table). */
function createIndex(
  d: Draft,
  table: Table,
  spec: { name?: string; columns: (string | null)[]; nameParts?: string[]; unique: boolean; constraint?: ConstraintSpec['type']; only?: boolean; parent?: string },
  origin: Origin,
): Index {
  const label = spec.constraint === 'primary-key' ? 'pkey' : spec.constraint === 'exclusion' ? 'excl' : spec.constraint ? 'key' : 'idx';
  const name =
    spec.name ??
    (spec.constraint
      ? chooseName(table.name, label === 'pkey' ? undefined : indexNameAddition(spec.columns), label, (n) => relationTaken(d, table.schema)(n) || constraintTaken(d, table.schema)(n))
      : chooseName(table.name, indexNameAddition(spec.nameParts ?? spec.columns), label, relationTaken(d, table.schema)));
  const index: Index = {
    schema: table.schema,
    name,
    table: { schema: table.schema, name: table.name },
    columns: spec.columns,
    unique: spec.unique,
    createdBy: origin,
  };
  if (spec.constraint === 'primary-key' || spec.constraint === 'unique' || spec.constraint === 'exclusion') index.constraint = name;
  if (spec.parent) index.parent = spec.parent;
  if (spec.nameParts) indexNameParts.set(index, spec.nameParts);
  d.setIndex(index);
  if (table.kind === 'partitioned-table' && !spec.only) {
    for (const child of partitionsOf(d, table).filter((p) => p.partitionOf && sameName(p.partitionOf, table))) {
      cloneIndexTo(d, index, child, spec.constraint, origin);
    }
  }
  return index;
}

/** The copy of a partitioned table's index on one partition (and its constraint, for PK/UNIQUE). */
function cloneIndexTo(d: Draft, parent: Index, partition: Table, constraint: ConstraintSpec['type'] | undefined, origin: Origin): void {
  const current = d.tables.get(objectKey(partition)) ?? partition;
  const nameParts = indexNameParts.get(parent);
  const child = createIndex(d, current, { columns: parent.columns, ...(nameParts ? { nameParts } : {}), unique: parent.unique, ...(constraint ? { constraint } : {}), parent: objectKey(parent) }, origin);
  if (constraint === 'primary-key' || constraint === 'unique') {
    const latest = d.tables.get(objectKey(partition)) ?? current;
    const added: Constraint = { name: child.name, type: constraint, columns: parent.columns.filter((c): c is string => c !== null), validated: true, index: child.name, createdBy: origin };
    d.setTable({ ...latest, constraints: [...latest.constraints, added] });
  }
}

/** The name Postgres gives a constraint the user did not name. */
function constraintName(d: Draft, table: Table, spec: ConstraintSpec): string {
  if (spec.name) return spec.name;
  const taken = (n: string) => constraintTaken(d, table.schema)(n) || (spec.type === 'primary-key' || spec.type === 'unique' ? relationTaken(d, table.schema)(n) : false);
  switch (spec.type) {
    case 'primary-key':
      return chooseName(table.name, undefined, 'pkey', taken);
    case 'unique':
      return chooseName(table.name, indexNameAddition(spec.columns), 'key', taken);
    case 'exclusion':
      return chooseName(table.name, indexNameAddition(spec.columns), 'excl', taken);
    case 'foreign-key':
      return chooseName(table.name, spec.columns.join('_'), 'fkey', taken);
    case 'not-null':
      return chooseName(table.name, spec.columns[0], 'not_null', taken);
    default:
      return chooseName(table.name, spec.columns.length === 1 ? spec.columns[0] : undefined, 'check', taken);
  }
}

/** Add a constraint to a table already in the draft; returns false (with a problem) when Postgres would refuse it. */
function addConstraint(d: Draft, tableName: QualifiedName, spec: ConstraintSpec, origin: Origin): boolean {
  let table = d.tables.get(objectKey(tableName));
  if (!table) return false;
  for (const column of spec.columns) {
    if (!findColumn(table, column)) {
      d.problem(spec.type === 'foreign-key' ? `column "${column}" referenced in foreign key constraint does not exist` : `column "${column}" named in key does not exist`);
      return false;
    }
  }
  if (spec.type === 'not-null') {
    editWithPartitions(d, table, (t) => replaceColumn(t, spec.columns[0] ?? '', (c) => ({ ...c, notNull: true })));
    return true;
  }
  if (spec.type === 'primary-key' && table.constraints.some((c) => c.type === 'primary-key')) {
    d.problem(`multiple primary keys for table "${table.name}" are not allowed`);
    return false;
  }
  if (spec.name && table.constraints.some((c) => c.name === spec.name)) {
    d.problem(`constraint "${spec.name}" for relation "${table.name}" already exists`);
    return false;
  }
  if (spec.type === 'foreign-key' && spec.references) {
    const target = d.tables.get(objectKey(spec.references.table));
    if (!target) {
      d.problem(`relation "${display(spec.references.table)}" does not exist`);
      return false;
    }
    for (const column of spec.references.columns) {
      if (!findColumn(target, column)) {
        d.problem(`column "${column}" referenced in foreign key constraint does not exist`);
        return false;
      }
    }
  }
  const name = constraintName(d, table, spec);
  const constraint: Constraint = { name, type: spec.type, columns: spec.columns, validated: !spec.notValid, createdBy: origin };
  if (spec.references) constraint.references = spec.references;
  if (spec.expression !== undefined) constraint.expression = spec.expression;
  if (spec.type === 'primary-key' || spec.type === 'unique' || spec.type === 'exclusion') {
    if (spec.usingIndex) {
      // `USING INDEX idx`: the index becomes the constraint's and takes its name.
      const existing = d.indexes.get(objectKey({ schema: table.schema, name: spec.usingIndex }));
      if (!existing) {
        d.problem(`index "${spec.usingIndex}" does not exist`);
        return false;
      }
      d.deleteIndex(objectKey(existing));
      const renamed: Index = { ...existing, name, constraint: name };
      d.setIndex(renamed);
      constraint.columns = existing.columns.filter((c): c is string => c !== null);
    } else {
      const exists = d.relationKind({ schema: table.schema, name });
      if (exists) {
        d.problem(`relation "${name}" already exists`);
        return false;
      }
      createIndex(d, table, { name, columns: spec.columns, unique: spec.type !== 'exclusion', constraint: spec.type }, origin);
    }
    constraint.index = name;
  }
  table = d.tables.get(objectKey(tableName)) ?? table;
  let next: Table = { ...table, constraints: [...table.constraints, constraint] };
  if (spec.type === 'primary-key') {
    const pk = new Set(constraint.columns);
    next = { ...next, columns: next.columns.map((c) => (pk.has(c.name) && !c.notNull ? { ...c, notNull: true } : c)) };
    for (const p of partitionsOf(d, table)) d.setTable(replaceColumnsNotNull(d.tables.get(objectKey(p)) ?? p, pk));
  }
  d.setTable(next);
  return true;
}

function replaceColumnsNotNull(table: Table, columns: Set<string>): Table {
  return { ...table, columns: table.columns.map((c) => (columns.has(c.name) && !c.notNull ? { ...c, notNull: true } : c)) };
}

export function createTable(d: Draft, change: ChangeOf<'create-table'>, origin: Origin): void {
  const { table: name } = change;
  if (!d.hasSchema(name.schema)) {
    d.problem(`schema "${name.schema}" does not exist`);
    return;
  }
  const existing = d.relationKind(name);
  if (existing) {
    if (!change.ifNotExists) d.problem(`relation "${display(name)}" already exists`);
    return;
  }
  const columns: Column[] = [];
  const addInherited = (source: QualifiedName): boolean => {
    const parent = d.tables.get(objectKey(source));
    if (!parent) {
      d.problem(`relation "${display(source)}" does not exist`);
      return false;
    }
    for (const c of parent.columns) {
      if (columns.some((x) => x.name === c.name)) continue;
      const copy: Column = { name: c.name, type: c.type, notNull: c.notNull, createdBy: origin };
      // Partitions and inheritance children take the parent's defaults; LIKE copies them only with INCLUDING DEFAULTS.
      if (c.default && (change.partitionOf || change.inherits.length)) copy.default = c.default;
      if (c.generated && change.partitionOf) copy.generated = c.generated;
      columns.push(copy);
    }
    return true;
  };
  if (change.partitionOf && d.tables.get(objectKey(change.partitionOf))?.kind === 'table') {
    d.problem(`table "${change.partitionOf.name}" is not partitioned`);
    return;
  }
  const sources = [...(change.partitionOf ? [change.partitionOf] : []), ...change.inherits, ...change.like];
  for (const source of sources) if (!addInherited(source)) return;
  for (const spec of change.columns) {
    const star = change.asQuery ? /^(.*)\.([^.]*)\.\*$/.exec(spec.name) : null;
    if (star) {
      // `SELECT t.*` in CREATE TABLE … AS: the source's columns, with their types (none of its constraints).
      const source = d.tables.get(objectKey({ schema: star[1]!, name: star[2]! }));
      const names = source ? source.columns.map((c) => ({ name: c.name, type: c.type })) : (d.views.get(objectKey({ schema: star[1]!, name: star[2]! }))?.columns ?? []).map((n) => ({ name: n, type: spec.type }));
      for (const c of names) columns.push({ name: c.name, type: c.type, notNull: false, createdBy: origin });
      continue;
    }
    const inherited = columns.findIndex((c) => c.name === spec.name);
    if (inherited >= 0) {
      // A partition's column spec only adds constraints and defaults to the parent's column.
      const c = columns[inherited]!;
      columns[inherited] = { ...c, notNull: c.notNull || spec.notNull, ...(spec.default ? { default: spec.default } : {}) };
      continue;
    }
    if (change.partitionOf) {
      d.problem(`column "${spec.name}" named in partition specification does not exist`);
      return;
    }
    columns.push(newColumn(d, name, spec, origin));
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) {
      d.problem(`column "${c.name}" specified more than once`);
      return;
    }
    seen.add(c.name);
  }
  const table: Table = {
    schema: name.schema,
    name: name.name,
    kind: change.partitioned ? 'partitioned-table' : 'table',
    persistence: change.persistence,
    columns,
    constraints: [],
    createdBy: origin,
  };
  if (change.partitionOf) table.partitionOf = change.partitionOf;
  d.setTable(table);
  const constraints = [...change.columns.flatMap((c) => c.constraints), ...change.constraints];
  for (const spec of constraints) if (!addConstraint(d, name, spec, origin)) return;
  if (change.partitionOf) {
    const parent = d.tables.get(objectKey(change.partitionOf));
    if (parent) for (const index of indexesOf(d, parent)) cloneIndexTo(d, index, table, constraintTypeOf(parent, index), origin);
  }
}

function constraintTypeOf(table: Table, index: Index): ConstraintSpec['type'] | undefined {
  return index.constraint ? table.constraints.find((c) => c.name === index.constraint)?.type : undefined;
}

export function indexesOf(d: Draft, table: QualifiedName): Index[] {
  return [...d.indexes.values()].filter((i) => sameName(i.table, table));
}

/** Views and foreign keys of other tables that depend on `table`. */
function foreignKeysTo(d: Draft, table: QualifiedName, column?: string): { table: Table; constraint: Constraint }[] {
  const out: { table: Table; constraint: Constraint }[] = [];
  for (const t of d.tables.values()) {
    if (sameName(t, table)) continue;
    for (const c of t.constraints) {
      if (c.type === 'foreign-key' && c.references && sameName(c.references.table, table) && (column === undefined || c.references.columns.includes(column))) out.push({ table: t, constraint: c });
    }
  }
  return out;
}

function dropConstraintObject(d: Draft, table: Table, constraint: Constraint): void {
  const current = d.tables.get(objectKey(table)) ?? table;
  d.setTable({ ...current, constraints: current.constraints.filter((c) => c.name !== constraint.name) });
  if (constraint.index) d.deleteIndex(objectKey({ schema: table.schema, name: constraint.index }));
}

/** Remove a table with its indexes and owned sequences (no dependency checks). */
function removeTable(d: Draft, table: Table): void {
  d.deleteTable(objectKey(table));
  for (const index of indexesOf(d, table)) d.deleteIndex(objectKey(index));
  for (const c of table.columns) {
    const seq = c.type.serial && c.default ? serialSequence(c.default.text, 'public') : undefined;
    if (seq) d.deleteSequence(objectKey(seq));
    if (c.identity) d.deleteSequence(objectKey({ schema: table.schema, name: makeObjectName(table.name, c.name, 'seq') }));
  }
}

export function dropTable(d: Draft, change: ChangeOf<'drop-table'>): void {
  const table = d.tables.get(objectKey(change.table));
  if (!table) {
    if (d.views.has(objectKey(change.table))) d.problem(`"${display(change.table)}" is not a table`);
    else if (!change.ifExists) d.problem(`table "${display(change.table)}" does not exist`);
    return;
  }
  dropTableObject(d, table, change.cascade);
}

/** Drop a table as DROP TABLE does: partitions go with it; views and foreign keys need CASCADE. */
export function dropTableObject(d: Draft, table: Table, cascade: boolean): boolean {
  const doomed = [table, ...partitionsOf(d, table)];
  const views = doomed.flatMap((t) => dependentViews(d, t));
  const fks = doomed.flatMap((t) => foreignKeysTo(d, t)).filter((fk) => !doomed.some((t) => sameName(t, fk.table)));
  if (!cascade && (views.length > 0 || fks.length > 0)) {
    const what = views.length > 0 ? `view ${display(views[0]!)}` : `constraint ${fks[0]!.constraint.name} on table ${display(fks[0]!.table)}`;
    d.problem(`cannot drop table ${display(table)} because other objects depend on it (${what} depends on it)`);
    return false;
  }
  dropViews(d, views);
  for (const fk of fks) dropConstraintObject(d, fk.table, fk.constraint);
  for (const t of doomed) removeTable(d, t);
  return true;
}

/** Move or rename a table: its indexes follow, and every reference to it (foreign keys, views, partitions) is updated. */
export function moveTable(d: Draft, table: Table, to: QualifiedName, origin: Origin, renamed: boolean): void {
  const from: QualifiedName = { schema: table.schema, name: table.name };
  d.deleteTable(objectKey(from));
  let moved: Table = { ...table, schema: to.schema, name: to.name };
  if (renamed) moved.renamedFrom = { name: table.name, by: origin };
  if (to.schema !== from.schema) moved = { ...moved, columns: moved.columns.map((c) => moveOwnedSequence(d, c, from.schema, to.schema)) };
  d.setTable(moved);
  for (const index of indexesOf(d, from)) {
    d.deleteIndex(objectKey(index));
    d.setIndex({ ...index, schema: to.schema, table: to });
  }
  retargetReferences(d, from, to);
}

/** The sequence of a serial column moves with its table to another schema, and its default says so. */
function moveOwnedSequence(d: Draft, column: Column, fromSchema: string, toSchema: string): Column {
  if (!column.type.serial || !column.default) return column;
  const sequence = serialSequence(column.default.text, fromSchema);
  if (!sequence || sequence.schema !== fromSchema) return column;
  d.deleteSequence(objectKey(sequence));
  d.addSequence(objectKey({ schema: toSchema, name: sequence.name }));
  return { ...column, default: { ...column.default, text: nextvalText(toSchema, sequence.name) } };
}

/** The sequence named in a `nextval('…'::regclass)` default. */
function serialSequence(text: string, defaultSchema: string): QualifiedName | undefined {
  const m = /^nextval\('((?:[^']|'')+)'::regclass\)$/.exec(text);
  if (!m) return undefined;
  const parts = [...m[1]!.replace(/''/g, "'").matchAll(/"((?:[^"]|"")*)"|([^."]+)/g)].map((p) => (p[1] !== undefined ? p[1].replace(/""/g, '"') : p[2]!));
  return parts.length > 1 ? { schema: parts[0]!, name: parts[1]! } : { schema: defaultSchema, name: parts[0] ?? '' };
}

/** Point foreign keys, partitions, indexes and view reads at a relation's new name. */
export function retargetReferences(d: Draft, from: QualifiedName, to: QualifiedName): void {
  for (const t of d.tables.values()) {
    const refs = t.constraints.some((c) => c.references && sameName(c.references.table, from));
    const part = t.partitionOf && sameName(t.partitionOf, from);
    if (!refs && !part) continue;
    d.setTable({
      ...t,
      ...(part ? { partitionOf: to } : {}),
      constraints: t.constraints.map((c) => (c.references && sameName(c.references.table, from) ? { ...c, references: { ...c.references, table: to } } : c)),
    });
  }
  for (const v of d.views.values()) {
    if (!v.reads.some((r) => sameName(r.table, from))) continue;
    d.setView({ ...v, reads: v.reads.map((r) => (sameName(r.table, from) ? { ...r, table: to } : r)) });
  }
}

export function addColumn(d: Draft, change: ChangeOf<'add-column'>, origin: Origin): void {
  const table = requireTable(d, change.table);
  if (!table) return;
  if (findColumn(table, change.column.name)) {
    if (!change.ifNotExists) d.problem(`column "${change.column.name}" of relation "${table.name}" already exists`);
    return;
  }
  const column = newColumn(d, change.table, change.column, origin);
  editWithPartitions(d, table, (t) => ({ ...t, columns: [...t.columns, { ...column }] }));
  for (const spec of change.column.constraints) if (!addConstraint(d, change.table, spec, origin)) return;
}

export function dropColumn(d: Draft, change: Pick<ChangeOf<'drop-column'>, 'table' | 'column' | 'ifExists' | 'cascade'>): void {
  const table = requireTable(d, change.table);
  if (!table) return;
  if (!findColumn(table, change.column)) {
    if (!change.ifExists) d.problem(`column "${change.column}" of relation "${table.name}" does not exist`);
    return;
  }
  const family = [table, ...partitionsOf(d, table)];
  const views = family.flatMap((t) => dependentViews(d, t, change.column));
  const fks = foreignKeysTo(d, table, change.column);
  if (!change.cascade && (views.length > 0 || fks.length > 0)) {
    const what = views.length > 0 ? `view ${display(views[0]!)}` : `constraint ${fks[0]!.constraint.name} on table ${display(fks[0]!.table)}`;
    d.problem(`cannot drop column ${change.column} of table ${display(table)} because other objects depend on it (${what} depends on it)`);
    return;
  }
  dropViews(d, views);
  for (const fk of fks) dropConstraintObject(d, fk.table, fk.constraint);
  for (const member of family) {
    const t = d.tables.get(objectKey(member)) ?? member;
    // Indexes and constraints that use the column go with it.
    for (const index of indexesOf(d, t)) if (index.columns.includes(change.column)) d.deleteIndex(objectKey(index));
    d.setTable({
      ...t,
      columns: t.columns.filter((c) => c.name !== change.column),
      constraints: t.constraints.filter((c) => !c.columns.includes(change.column)),
    });
  }
}

export function renameColumn(d: Draft, change: ChangeOf<'rename-column'>, origin: Origin): void {
  const table = d.tables.get(objectKey(change.table));
  if (!table) {
    const view = d.views.get(objectKey(change.table));
    if (!view) {
      d.problem(`relation "${display(change.table)}" does not exist`);
      return;
    }
    if (!view.columns.includes(change.column)) d.problem(`column "${change.column}" does not exist`);
    else if (view.columns.includes(change.newName)) d.problem(`column "${change.newName}" of relation "${view.name}" already exists`);
    else d.setView({ ...view, columns: view.columns.map((c) => (c === change.column ? change.newName : c)) });
    return;
  }
  if (!requireColumn(d, table, change.column)) return;
  if (findColumn(table, change.newName)) {
    d.problem(`column "${change.newName}" of relation "${table.name}" already exists`);
    return;
  }
  const rename = (name: string) => (name === change.column ? change.newName : name);
  for (const member of [table, ...partitionsOf(d, table)]) {
    const t = d.tables.get(objectKey(member)) ?? member;
    for (const index of indexesOf(d, t)) {
      if (index.columns.includes(change.column)) d.setIndex({ ...index, columns: index.columns.map((c) => (c === null ? c : rename(c))) });
    }
    d.setTable({
      ...t,
      columns: t.columns.map((c) => (c.name === change.column ? { ...c, name: change.newName, renamedFrom: { name: change.column, by: origin } } : c)),
      constraints: t.constraints.map((c) => (c.columns.includes(change.column) ? { ...c, columns: c.columns.map(rename) } : c)),
    });
  }
  // Foreign keys of other tables and views name the column too.
  for (const fk of foreignKeysTo(d, table, change.column)) {
    const t = d.tables.get(objectKey(fk.table)) ?? fk.table;
    d.setTable({
      ...t,
      constraints: t.constraints.map((c) => (c.name === fk.constraint.name && c.references ? { ...c, references: { ...c.references, columns: c.references.columns.map(rename) } } : c)),
    });
  }
  for (const v of d.views.values()) {
    if (!v.reads.some((r) => sameName(r.table, table) && r.column === change.column)) continue;
    d.setView({ ...v, reads: v.reads.map((r) => (sameName(r.table, table) && r.column === change.column ? { ...r, column: change.newName } : r)) });
  }
}

type ColumnChange = ChangeOf<'alter-column-type' | 'set-not-null' | 'drop-not-null' | 'set-default' | 'drop-default' | 'set-identity' | 'drop-identity'>;

export function alterColumn(d: Draft, change: ColumnChange, origin: Origin): void {
  const table = requireTable(d, change.table);
  if (!table) return;
  const column = requireColumn(d, table, change.column);
  if (!column) return;
  const where = `column "${column.name}" of relation "${table.name}"`;
  let edit: (c: Column) => Column;
  switch (change.kind) {
    case 'alter-column-type': {
      const views = dependentViews(d, table, column.name);
      if (views.length > 0) {
        d.problem(`cannot alter type of a column used by a view or rule (view ${display(views[0]!)} depends on ${where})`);
        return;
      }
      edit = (c) => ({ ...c, type: { ...change.type, ...(c.type.serial && change.type.name === c.type.name ? { serial: c.type.serial } : {}) } });
      break;
    }
    case 'set-not-null':
      edit = (c) => ({ ...c, notNull: true });
      break;
    case 'drop-not-null':
      if (table.constraints.some((c) => c.type === 'primary-key' && c.columns.includes(column.name))) {
        d.problem(`${where} is in a primary key`);
        return;
      }
      if (column.identity) {
        d.problem(`${where} is an identity column`);
        return;
      }
      edit = (c) => ({ ...c, notNull: false });
      break;
    case 'set-default':
      if (column.identity) {
        d.problem(`${where} is an identity column`);
        return;
      }
      if (column.generated) {
        d.problem(`${where} is a generated column`);
        return;
      }
      edit = (c) => ({ ...c, default: change.default });
      break;
    case 'drop-default':
      edit = (c) => {
        const next = { ...c };
        delete next.default;
        return next;
      };
      break;
    case 'set-identity':
      if (!column.identity) {
        if (!column.notNull) {
          d.problem(`${where} must be declared NOT NULL before identity can be added`);
          return;
        }
        if (column.default) {
          d.problem(`${where} already has a default value`);
          return;
        }
        d.addSequence(objectKey({ schema: table.schema, name: chooseName(table.name, column.name, 'seq', relationTaken(d, table.schema)) }));
      }
      edit = (c) => ({ ...c, identity: change.identity });
      break;
    case 'drop-identity':
      if (!column.identity) {
        d.problem(`${where} is not an identity column`);
        return;
      }
      d.deleteSequence(objectKey({ schema: table.schema, name: makeObjectName(table.name, column.name, 'seq') }));
      edit = (c) => {
        const next = { ...c };
        delete next.identity;
        return next;
      };
      break;
  }
  void origin;
  editWithPartitions(d, table, (t) => replaceColumn(t, change.column, edit));
}

export function addTableConstraint(d: Draft, change: ChangeOf<'add-constraint'>, origin: Origin): void {
  if (!requireTable(d, change.table)) return;
  addConstraint(d, change.table, change.constraint, origin);
}

export function dropConstraint(d: Draft, change: ChangeOf<'drop-constraint'>): void {
  const table = requireTable(d, change.table);
  if (!table) return;
  const constraint = table.constraints.find((c) => c.name === change.name);
  if (!constraint) {
    // Postgres 18 names NOT NULL constraints `<table>_<column>_not_null`.
    const column = table.columns.find((c) => c.notNull && makeObjectName(table.name, c.name, 'not_null') === change.name);
    if (column) {
      editWithPartitions(d, table, (t) => replaceColumn(t, column.name, (c) => ({ ...c, notNull: false })));
      return;
    }
    if (!change.ifExists) d.problem(`constraint "${change.name}" of relation "${table.name}" does not exist`);
    return;
  }
  dropConstraintObject(d, table, constraint);
  // A partitioned table's PK/UNIQUE constraint goes from its partitions too.
  if (constraint.index) {
    const parentKey = objectKey({ schema: table.schema, name: constraint.index });
    for (const index of [...d.indexes.values()]) {
      if (index.parent !== parentKey) continue;
      const partition = d.tables.get(objectKey(index.table));
      const own = partition?.constraints.find((c) => c.index === index.name);
      if (partition && own) dropConstraintObject(d, partition, own);
      else d.deleteIndex(objectKey(index));
    }
  }
}

export function validateConstraint(d: Draft, change: ChangeOf<'validate-constraint'>): void {
  const table = requireTable(d, change.table);
  if (!table) return;
  if (!table.constraints.some((c) => c.name === change.name)) {
    d.problem(`constraint "${change.name}" of relation "${table.name}" does not exist`);
    return;
  }
  d.setTable({ ...table, constraints: table.constraints.map((c) => (c.name === change.name ? { ...c, validated: true } : c)) });
}

export function renameConstraint(d: Draft, change: ChangeOf<'rename-constraint'>): void {
  const table = requireTable(d, change.table);
  if (!table) return;
  const constraint = table.constraints.find((c) => c.name === change.name);
  if (!constraint) {
    d.problem(`constraint "${change.name}" for table "${table.name}" does not exist`);
    return;
  }
  if (constraintTaken(d, table.schema)(change.newName) || (constraint.index && relationTaken(d, table.schema)(change.newName))) {
    d.problem(`constraint "${change.newName}" for relation "${table.name}" already exists`);
    return;
  }
  if (constraint.index) {
    const index = d.indexes.get(objectKey({ schema: table.schema, name: constraint.index }));
    if (index) {
      d.deleteIndex(objectKey(index));
      d.setIndex({ ...index, name: change.newName, constraint: change.newName });
    }
  }
  d.setTable({
    ...table,
    constraints: table.constraints.map((c) => (c.name === change.name ? { ...c, name: change.newName, ...(c.index ? { index: change.newName } : {}) } : c)),
  });
}

export function createIndexChange(d: Draft, change: ChangeOf<'create-index'>, origin: Origin): void {
  const key = objectKey(change.table);
  const table = d.tables.get(key);
  const matview = d.views.get(key);
  if (!table && !matview?.materialized) {
    d.problem(matview ? `"${display(change.table)}" is not a table or materialized view` : `relation "${display(change.table)}" does not exist`);
    return;
  }
  const available = table ? table.columns.map((c) => c.name) : matview!.columns;
  for (const column of [...change.columns, ...change.include]) {
    if (column !== null && !available.includes(column)) {
      d.problem(`column "${column}" does not exist`);
      return;
    }
  }
  if (change.index && d.relationKind(change.index)) {
    if (!change.ifNotExists) d.problem(`relation "${display(change.index)}" already exists`);
    return;
  }
  const owner: Table = table ?? { schema: matview!.schema, name: matview!.name, kind: 'table', persistence: 'permanent', columns: [], constraints: [], createdBy: null };
  createIndex(d, owner, { ...(change.index ? { name: change.index.name } : {}), columns: change.columns, ...(change.nameParts ? { nameParts: change.nameParts } : {}), unique: change.unique, only: change.only }, origin);
}

export function dropIndex(d: Draft, change: ChangeOf<'drop-index'>): void {
  const key = objectKey(change.index);
  const index = d.indexes.get(key);
  if (!index) {
    if (!change.ifExists) d.problem(`index "${display(change.index)}" does not exist`);
    return;
  }
  if (index.constraint) {
    d.problem(`cannot drop index ${display(change.index)} because constraint ${index.constraint} on table ${display(index.table)} requires it`);
    return;
  }
  if (index.parent) {
    d.problem(`cannot drop index ${display(change.index)} because index ${index.parent} requires it`);
    return;
  }
  d.deleteIndex(key);
  for (const child of [...d.indexes.values()]) if (child.parent === key) d.deleteIndex(objectKey(child));
}

export function renameIndex(d: Draft, change: ChangeOf<'rename-index'>): void {
  const index = d.indexes.get(objectKey(change.index));
  if (!index) {
    d.problem(`relation "${display(change.index)}" does not exist`);
    return;
  }
  const to = { schema: index.schema, name: change.newName };
  if (d.relationKind(to)) {
    d.problem(`relation "${change.newName}" already exists`);
    return;
  }
  renameIndexObject(d, index, change.newName);
}

/** Rename an index; the constraint it backs takes the new name too, and partition indexes follow their parent. */
export function renameIndexObject(d: Draft, index: Index, newName: string): void {
  const oldKey = objectKey(index);
  d.deleteIndex(oldKey);
  const renamed: Index = { ...index, name: newName, ...(index.constraint ? { constraint: newName } : {}) };
  d.setIndex(renamed);
  for (const child of [...d.indexes.values()]) if (child.parent === oldKey) d.setIndex({ ...child, parent: objectKey(renamed) });
  if (index.constraint) {
    const table = d.tables.get(objectKey(index.table));
    if (table) d.setTable({ ...table, constraints: table.constraints.map((c) => (c.name === index.constraint ? { ...c, name: newName, index: newName } : c)) });
  }
}

export function attachPartition(d: Draft, change: ChangeOf<'attach-partition'>, origin: Origin): void {
  const parent = requireTable(d, change.table);
  const partition = requireTable(d, change.partition);
  if (!parent || !partition) return;
  if (parent.kind !== 'partitioned-table') {
    d.problem(`table "${parent.name}" is not partitioned`);
    return;
  }
  if (partition.partitionOf) {
    d.problem(`"${partition.name}" is already a partition`);
    return;
  }
  d.setTable({ ...partition, partitionOf: change.table });
  const attached = d.tables.get(objectKey(partition))!;
  for (const index of indexesOf(d, parent)) {
    // Postgres adopts a matching existing index instead of building a new one.
    const match = indexesOf(d, attached).find((i) => !i.parent && i.unique === index.unique && i.columns.join() === index.columns.join());
    if (match) d.setIndex({ ...match, parent: objectKey(index) });
    else cloneIndexTo(d, index, attached, constraintTypeOf(parent, index), origin);
  }
}

export function detachPartition(d: Draft, change: ChangeOf<'detach-partition'>): void {
  const partition = requireTable(d, change.partition);
  if (!partition) return;
  if (!partition.partitionOf || !sameName(partition.partitionOf, change.table)) {
    d.problem(`relation "${partition.name}" is not a partition of relation "${change.table.name}"`);
    return;
  }
  const next = { ...partition };
  delete next.partitionOf;
  d.setTable(next);
  for (const index of indexesOf(d, partition)) {
    if (!index.parent) continue;
    const copy = { ...index };
    delete copy.parent;
    d.setIndex(copy);
  }
}
