/**
 * TypeORM migrations: mostly `await queryRunner.query(\`…\`)` (what `migration:generate` writes), read as
 * SQL; the QueryRunner schema API (`createTable(new Table({…}))`, `addColumn`, `changeColumn`…) compiled the
 * way PostgresQueryRunner writes it: `isNullable` defaults to false (NOT NULL), `default` is SQL text as
 * given, generated `increment` columns are SERIAL, constraint and index names come from the default naming
 * strategy (`PK_`/`UQ_`/`FK_`/`IDX_` + sha1). Transaction calls become BEGIN/COMMIT/ROLLBACK.
 */
import { createHash } from 'node:crypto';
import type { ts } from 'ts-morph';
import { columnList, dottedName, ident, literal, qualified, type ObjectName } from './ddl.js';
import type { Emitter } from './emit.js';
import { emitFirstArgumentSql } from './raw.js';
import { asString, asStrings, evaluate, notStatic, type Chain, type Link, type StaticValue } from './scope.js';
import { arg, argNode, option, optionBoolean, optionString, paramRoots, type ScriptTool } from './tool.js';
import type { CallContext } from './walk.js';

export const typeormTool: ScriptTool = {
  roots: new Set(['queryRunner']),
  params: paramRoots('queryRunner'),
  call: typeormCall,
};

type Obj = Extract<StaticValue, { kind: 'object' }>;

const READS = /^(hasTable|hasColumn|hasSchema|hasDatabase|getTable|getTables|getView|getViews|getCachedTable|getDatabases|getSchemas|getCurrentSchema|getCurrentDatabase|release|connect|loadTables)$/;

function typeormCall(chain: Chain, node: ts.Expression, ctx: CallContext): boolean {
  if (chain.root !== 'queryRunner') return false;
  let links = chain.links;
  if (links[0]?.name === 'manager' || links[0]?.name === 'connection') {
    if (links[1]?.name !== 'query') {
      if (links.some((l) => l.args)) ctx.operation(`queryRunner.${links[0].name}`, node, (emit) => emit.unanalysed(node, `rollsafe does not model \`queryRunner.${links[0]!.name}.${links[1]?.name ?? ''}\``));
      return true;
    }
    links = links.slice(1);
  }
  const head = links[0];
  if (!head?.args || READS.test(head.name)) return true;
  const type = `queryRunner.${head.name}`;
  switch (head.name) {
    case 'query':
      ctx.operation(type, head.node, (emit) => emitFirstArgumentSql(head, emit, ctx.walker.source));
      return true;
    case 'startTransaction':
    case 'commitTransaction':
    case 'rollbackTransaction': {
      if (head.name === 'rollbackTransaction' && ctx.unanalysable) return true;
      const sql = head.name === 'startTransaction' ? 'BEGIN' : head.name === 'commitTransaction' ? 'COMMIT' : 'ROLLBACK';
      ctx.operation(type, head.node, (emit) => emit.sql(sql, head.node));
      return true;
    }
    default:
      ctx.operation(type, head.node, (emit) => schemaCall(head, emit));
      return true;
  }
}

/** sha1-based names of TypeORM's DefaultNamingStrategy. */
function strategyName(prefix: string, table: string, parts: string[], length: number, suffix?: string): string {
  const tableName = (table.split('.').pop() ?? table).replace('.', '_');
  let key = `${tableName}_${[...parts].sort().join('_')}`;
  if (suffix) key += `_${suffix}`;
  return `${prefix}${createHash('sha1').update(key, 'utf8').digest('hex').slice(0, length)}`;
}

/** The options object of `new Table({…})`, `new TableColumn({…})`… or a plain object. */
function constructed(v: StaticValue): Obj | undefined {
  if (v.kind === 'object') return v;
  if (v.kind === 'chain') {
    const last = v.chain.links[v.chain.links.length - 1];
    if (last?.name === 'new') {
      const o = arg(last, 0);
      return o.kind === 'object' ? o : undefined;
    }
  }
  return undefined;
}

function tableRef(v: StaticValue): ObjectName | undefined {
  if (v.kind === 'string') return dottedName(v.value);
  const obj = constructed(v);
  const name = obj ? optionString(obj, 'name') : undefined;
  if (!obj || name === undefined) return undefined;
  const schema = optionString(obj, 'schema');
  return schema ? { schema, name } : dottedName(name);
}

function nameOf(v: StaticValue): string | undefined {
  if (v.kind === 'string') return v.value;
  const obj = constructed(v);
  return obj ? optionString(obj, 'name') : undefined;
}

interface ColumnSql {
  name: string;
  sql: string;
  /** createFullType, or the enum type name. */
  type: string;
  enumType?: string;
  nullable: boolean;
  default?: string;
  primary: boolean;
  unique: boolean;
  length?: string;
  /** `primaryKeyConstraintName`. */
  constraintName?: string;
}

/** buildCreateColumnSql + createFullType of PostgresQueryRunner. */
function columnSql(table: ObjectName, obj: Obj): ColumnSql | { reason: string } {
  const name = optionString(obj, 'name');
  const typeName = optionString(obj, 'type');
  if (name === undefined || typeName === undefined) return { reason: 'the column name or type is known only at run time' };
  const num = (key: string): string | undefined => {
    const v = option(obj, key);
    return v.kind === 'number' || v.kind === 'string' ? String(v.value) : undefined;
  };
  const length = num('length');
  const precision = num('precision');
  const scale = num('scale');
  const isArray = optionBoolean(obj, 'isArray') === true;
  let full = typeName;
  if (length) full += `(${length})`;
  else if (precision !== undefined && scale !== undefined) full += `(${precision},${scale})`;
  else if (precision !== undefined) full += `(${precision})`;
  const p = precision !== undefined ? `(${precision})` : '';
  if (typeName === 'time without time zone') full = `TIME${p}`;
  else if (typeName === 'time with time zone') full = `TIME${p} WITH TIME ZONE`;
  else if (typeName === 'timestamp without time zone') full = `TIMESTAMP${p}`;
  else if (typeName === 'timestamp with time zone') full = `TIMESTAMP${p} WITH TIME ZONE`;
  else if (typeName === 'simple-array' || typeName === 'simple-json') full = 'text';
  if (isArray && typeName !== 'enum' && typeName !== 'simple-enum') full += ' array';

  const generated = optionBoolean(obj, 'isGenerated') === true;
  const strategy = optionString(obj, 'generationStrategy') ?? 'increment';
  let sql = ident(name);
  let enumType: string | undefined;
  let type = full;
  if (generated && strategy !== 'uuid') {
    if (strategy === 'identity') sql += ` ${typeName} GENERATED ${optionString(obj, 'generatedIdentity') ?? 'BY DEFAULT'} AS IDENTITY`;
    else if (/^(integer|int|int4)$/.test(typeName)) sql += ' SERIAL';
    else if (/^(smallint|int2)$/.test(typeName)) sql += ' SMALLSERIAL';
    else if (/^(bigint|int8)$/.test(typeName)) sql += ' BIGSERIAL';
  }
  if (typeName === 'enum' || typeName === 'simple-enum') {
    const values = asStrings(option(obj, 'enum'));
    const enumName = optionString(obj, 'enumName') ?? `${table.name}_${name.toLowerCase()}_enum`;
    type = qualified(table.schema ? { schema: table.schema, name: enumName } : { name: enumName });
    if (!values) return { reason: 'the enum values are known only at run time' };
    enumType = `CREATE TYPE ${type} AS ENUM(${values.map(literal).join(', ')})`;
    sql += ` ${type}${isArray ? ' array' : ''}`;
  } else if (!generated || typeName === 'uuid') sql += ` ${full}`;
  const asExpression = optionString(obj, 'asExpression');
  if (optionString(obj, 'generatedType') === 'STORED' && asExpression) sql += ` GENERATED ALWAYS AS (${asExpression}) STORED`;
  const collation = optionString(obj, 'collation');
  if (collation) sql += ` COLLATE "${collation}"`;
  const nullable = optionBoolean(obj, 'isNullable') === true;
  if (!nullable) sql += ' NOT NULL';
  const defaultValue = option(obj, 'default');
  let defaultSql: string | undefined;
  if (defaultValue.kind === 'string') defaultSql = defaultValue.value;
  else if (defaultValue.kind === 'number' || defaultValue.kind === 'boolean') defaultSql = String(defaultValue.value);
  else if (defaultValue.kind !== 'undefined' && defaultValue.kind !== 'null') defaultSql = '$1';
  if (defaultSql !== undefined) sql += ` DEFAULT ${defaultSql}`;
  if (generated && strategy === 'uuid' && defaultSql === undefined) {
    defaultSql = 'uuid_generate_v4()';
    sql += ` DEFAULT ${defaultSql}`;
  }
  const out: ColumnSql = { name, sql, type, nullable, primary: optionBoolean(obj, 'isPrimary') === true, unique: optionBoolean(obj, 'isUnique') === true };
  if (enumType) out.enumType = enumType;
  if (defaultSql !== undefined) out.default = defaultSql;
  if (length) out.length = length;
  const constraintName = optionString(obj, 'primaryKeyConstraintName');
  if (constraintName) out.constraintName = constraintName;
  return out;
}

function schemaCall(link: Link, emit: Emitter): void {
  const m = link.name;
  const table = (i: number): ObjectName | undefined => {
    const v = arg(link, i);
    const t = tableRef(v);
    if (!t) emit.unanalysed(argNode(link, i), notStatic('the table', v));
    return t;
  };
  const columnObj = (v: StaticValue, at: ts.Node): Obj | undefined => {
    const obj = constructed(v);
    if (!obj) emit.unanalysed(at, notStatic('the column', v));
    return obj;
  };
  switch (m) {
    case 'createTable': {
      const spec = constructed(arg(link, 0));
      const t = table(0);
      if (!spec || !t) return;
      const ifNotExists = arg(link, 1).kind === 'boolean' && (arg(link, 1) as { value: boolean }).value;
      const createForeignKeys = !(arg(link, 2).kind === 'boolean' && !(arg(link, 2) as { value: boolean }).value);
      const createIndices = !(arg(link, 3).kind === 'boolean' && !(arg(link, 3) as { value: boolean }).value);
      const columns: ColumnSql[] = [];
      const columnsValue = option(spec, 'columns');
      for (const item of columnsValue.kind === 'array' ? columnsValue.items : []) {
        const obj = columnObj(evaluate(item.expr, item.scope), item.expr);
        if (!obj) continue;
        const c = columnSql(t, obj);
        if ('reason' in c) emit.unanalysed(item.expr, c.reason);
        else columns.push(c);
      }
      if (columnsValue.kind !== 'array') return emit.unanalysed(argNode(link, 0), notStatic('the columns', columnsValue));
      for (const c of columns) if (c.enumType) emit.sql(c.enumType, link.node);
      const parts = columns.map((c) => c.sql);
      const uniques = [...columns.filter((c) => c.unique).map((c) => ({ name: strategyName('UQ_', t.name, [c.name], 27), columns: [c.name] }))];
      const uniquesValue = option(spec, 'uniques');
      for (const item of uniquesValue.kind === 'array' ? uniquesValue.items : []) {
        const u = constructed(evaluate(item.expr, item.scope));
        const cols = u ? asStrings(option(u, 'columnNames')) : undefined;
        if (u && cols) uniques.push({ name: optionString(u, 'name') ?? strategyName('UQ_', t.name, cols, 27), columns: cols });
      }
      for (const u of uniques) parts.push(`CONSTRAINT ${ident(u.name)} UNIQUE (${columnList(u.columns)})`);
      const checksValue = option(spec, 'checks');
      for (const item of checksValue.kind === 'array' ? checksValue.items : []) {
        const c = constructed(evaluate(item.expr, item.scope));
        const expression = c ? optionString(c, 'expression') : undefined;
        if (c && expression) parts.push(`CONSTRAINT ${ident(optionString(c, 'name') ?? strategyName('CHK_', t.name, [expression], 26))} CHECK (${expression})`);
      }
      if (createForeignKeys) {
        const fksValue = option(spec, 'foreignKeys');
        for (const item of fksValue.kind === 'array' ? fksValue.items : []) {
          const fk = foreignKeySql(t, evaluate(item.expr, item.scope));
          if (fk) parts.push(fk);
          else emit.unanalysed(item.expr, 'the foreign key is known only at run time');
        }
      }
      const primary = columns.filter((c) => c.primary);
      if (primary.length > 0) {
        const pkName = primary.find((c) => c.constraintName)?.constraintName ?? strategyName('PK_', t.name, primary.map((c) => c.name), 27);
        parts.push(`CONSTRAINT ${ident(pkName)} PRIMARY KEY (${columnList(primary.map((c) => c.name))})`);
      }
      emit.sql(`CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${qualified(t)} (${parts.join(', ')})`, link.node);
      if (createIndices) {
        const indicesValue = option(spec, 'indices');
        for (const item of indicesValue.kind === 'array' ? indicesValue.items : []) {
          const sql = indexSql(t, evaluate(item.expr, item.scope));
          if (sql) emit.sql(sql, item.expr);
          else emit.unanalysed(item.expr, 'the index is known only at run time');
        }
      }
      return;
    }
    case 'dropTable': {
      const t = table(0);
      const ifExists = arg(link, 1).kind === 'boolean' && (arg(link, 1) as { value: boolean }).value;
      if (t) emit.sql(`DROP TABLE ${ifExists ? 'IF EXISTS ' : ''}${qualified(t)}`, link.node);
      return;
    }
    case 'renameTable': {
      const t = table(0);
      const to = asString(arg(link, 1));
      if (to === undefined) return emit.unanalysed(argNode(link, 1), notStatic('the new table name', arg(link, 1)));
      if (t) emit.sql(`ALTER TABLE ${qualified(t)} RENAME TO ${ident(dottedName(to).name)}`, link.node);
      return;
    }
    case 'addColumn':
    case 'addColumns': {
      const t = table(0);
      if (!t) return;
      const v = arg(link, 1);
      const items = m === 'addColumns' ? (v.kind === 'array' ? v.items.map((i) => ({ v: evaluate(i.expr, i.scope), at: i.expr as ts.Node })) : undefined) : [{ v, at: argNode(link, 1) }];
      if (!items) return emit.unanalysed(argNode(link, 1), notStatic('the columns', v));
      for (const item of items) {
        const obj = columnObj(item.v, item.at);
        if (!obj) continue;
        const c = columnSql(t, obj);
        if ('reason' in c) {
          emit.unanalysed(item.at, c.reason);
          continue;
        }
        if (c.enumType) emit.sql(c.enumType, link.node);
        emit.sql(`ALTER TABLE ${qualified(t)} ADD ${c.sql}`, link.node);
        if (c.unique) emit.sql(`ALTER TABLE ${qualified(t)} ADD CONSTRAINT ${ident(strategyName('UQ_', t.name, [c.name], 27))} UNIQUE (${ident(c.name)})`, link.node);
      }
      return;
    }
    case 'dropColumn':
    case 'dropColumns': {
      const t = table(0);
      if (!t) return;
      const v = arg(link, 1);
      const names = m === 'dropColumns' ? (v.kind === 'array' ? v.items.map((i) => nameOf(evaluate(i.expr, i.scope))) : undefined) : [nameOf(v)];
      if (!names || names.some((n) => n === undefined)) return emit.unanalysed(argNode(link, 1), notStatic('the column', v));
      for (const n of names) emit.sql(`ALTER TABLE ${qualified(t)} DROP COLUMN ${ident(n!)}`, link.node);
      return;
    }
    case 'renameColumn': {
      const t = table(0);
      const from = nameOf(arg(link, 1));
      const to = nameOf(arg(link, 2));
      if (from === undefined || to === undefined) return emit.unanalysed(argNode(link, from === undefined ? 1 : 2), 'the column names are known only at run time');
      if (t) emit.sql(`ALTER TABLE ${qualified(t)} RENAME COLUMN ${ident(from)} TO ${ident(to)}`, link.node);
      return;
    }
    case 'changeColumn':
      return changeColumn(link, emit, table(0), arg(link, 1), arg(link, 2));
    case 'changeColumns': {
      const t = table(0);
      const list = arg(link, 1);
      if (!t) return;
      if (list.kind !== 'array') return emit.unanalysed(argNode(link, 1), notStatic('the column changes', list));
      for (const item of list.items) {
        const pair = evaluate(item.expr, item.scope);
        if (pair.kind !== 'object') {
          emit.unanalysed(item.expr, 'the column change is known only at run time');
          continue;
        }
        changeColumn(link, emit, t, option(pair, 'oldColumn'), option(pair, 'newColumn'));
      }
      return;
    }
    case 'createIndex':
    case 'createIndices': {
      const t = table(0);
      if (!t) return;
      const v = arg(link, 1);
      const items = m === 'createIndices' ? (v.kind === 'array' ? v.items.map((i) => evaluate(i.expr, i.scope)) : undefined) : [v];
      if (!items) return emit.unanalysed(argNode(link, 1), notStatic('the indices', v));
      for (const item of items) {
        const sql = indexSql(t, item);
        if (sql) emit.sql(sql, link.node);
        else emit.unanalysed(argNode(link, 1), 'the index is known only at run time');
      }
      return;
    }
    case 'dropIndex': {
      const t = table(0);
      const v = arg(link, 1);
      const name = nameOf(v);
      if (name === undefined) return emit.unanalysed(argNode(link, 1), notStatic('the index', v));
      const obj = constructed(v);
      const concurrently = obj && optionBoolean(obj, 'isConcurrent') ? 'CONCURRENTLY ' : '';
      if (t) emit.sql(`DROP INDEX ${concurrently}${qualified(t.schema ? { schema: t.schema, name } : { name })}`, link.node);
      return;
    }
    case 'createForeignKey':
    case 'createForeignKeys': {
      const t = table(0);
      if (!t) return;
      const v = arg(link, 1);
      const items = m === 'createForeignKeys' ? (v.kind === 'array' ? v.items.map((i) => evaluate(i.expr, i.scope)) : undefined) : [v];
      for (const item of items ?? [v]) {
        const fk = foreignKeySql(t, item);
        if (fk) emit.sql(`ALTER TABLE ${qualified(t)} ADD ${fk}`, link.node);
        else emit.unanalysed(argNode(link, 1), 'the foreign key is known only at run time');
      }
      return;
    }
    case 'createUniqueConstraint':
    case 'createCheckConstraint':
    case 'createPrimaryKey': {
      const t = table(0);
      if (!t) return;
      if (m === 'createPrimaryKey') {
        const cols = asStrings(arg(link, 1));
        if (!cols) return emit.unanalysed(argNode(link, 1), 'the primary key columns are known only at run time');
        const name = asString(arg(link, 2)) ?? strategyName('PK_', t.name, cols, 27);
        return emit.sql(`ALTER TABLE ${qualified(t)} ADD CONSTRAINT ${ident(name)} PRIMARY KEY (${columnList(cols)})`, link.node);
      }
      const obj = constructed(arg(link, 1));
      if (!obj) return emit.unanalysed(argNode(link, 1), 'the constraint is known only at run time');
      if (m === 'createUniqueConstraint') {
        const cols = asStrings(option(obj, 'columnNames'));
        if (!cols) return emit.unanalysed(argNode(link, 1), 'the unique columns are known only at run time');
        return emit.sql(`ALTER TABLE ${qualified(t)} ADD CONSTRAINT ${ident(optionString(obj, 'name') ?? strategyName('UQ_', t.name, cols, 27))} UNIQUE (${columnList(cols)})`, link.node);
      }
      const expression = optionString(obj, 'expression');
      if (!expression) return emit.unanalysed(argNode(link, 1), 'the check expression is known only at run time');
      return emit.sql(`ALTER TABLE ${qualified(t)} ADD CONSTRAINT ${ident(optionString(obj, 'name') ?? strategyName('CHK_', t.name, [expression], 26))} CHECK (${expression})`, link.node);
    }
    case 'dropForeignKey':
    case 'dropUniqueConstraint':
    case 'dropCheckConstraint':
    case 'dropPrimaryKey': {
      const t = table(0);
      const v = arg(link, 1);
      const name = nameOf(v);
      if (name === undefined) return emit.unanalysed(argNode(link, 1), notStatic('the constraint name', v));
      if (t) emit.sql(`ALTER TABLE ${qualified(t)} DROP CONSTRAINT ${ident(name)}`, link.node);
      return;
    }
    case 'createSchema':
    case 'dropSchema': {
      const name = asString(arg(link, 0));
      if (name === undefined) return emit.unanalysed(argNode(link, 0), 'the schema name is known only at run time');
      const flag = arg(link, 1).kind === 'boolean' && (arg(link, 1) as { value: boolean }).value;
      emit.sql(m === 'createSchema' ? `CREATE SCHEMA ${flag ? 'IF NOT EXISTS ' : ''}${ident(name)}` : `DROP SCHEMA ${flag ? 'IF EXISTS ' : ''}${ident(name)}`, link.node);
      return;
    }
    case 'clearTable': {
      const t = table(0);
      if (t) emit.sql(`TRUNCATE TABLE ${qualified(t)}`, link.node);
      return;
    }
    case 'dropView': {
      const name = nameOf(arg(link, 0));
      if (name === undefined) return emit.unanalysed(argNode(link, 0), 'the view name is known only at run time');
      emit.sql(`DROP VIEW ${qualified(dottedName(name))}`, link.node);
      return;
    }
    default:
      return emit.unanalysed(link.node, `rollsafe does not model \`queryRunner.${m}\``);
  }
}

function foreignKeySql(t: ObjectName, v: StaticValue): string | undefined {
  const fk = constructed(v);
  const cols = fk ? asStrings(option(fk, 'columnNames')) : undefined;
  const refCols = fk ? asStrings(option(fk, 'referencedColumnNames')) : undefined;
  const refTable = fk ? optionString(fk, 'referencedTableName') : undefined;
  if (!fk || !cols || !refCols || !refTable) return undefined;
  const refSchema = optionString(fk, 'referencedSchema');
  const name = optionString(fk, 'name') ?? strategyName('FK_', t.name, cols, 27);
  const onDelete = optionString(fk, 'onDelete');
  const onUpdate = optionString(fk, 'onUpdate');
  const ref = refSchema ? { schema: refSchema, name: refTable } : dottedName(refTable);
  return `CONSTRAINT ${ident(name)} FOREIGN KEY (${columnList(cols)}) REFERENCES ${qualified(ref)} (${columnList(refCols)})${onDelete ? ` ON DELETE ${onDelete}` : ''}${onUpdate ? ` ON UPDATE ${onUpdate}` : ''}`;
}

function indexSql(t: ObjectName, v: StaticValue): string | undefined {
  const index = constructed(v);
  const cols = index ? asStrings(option(index, 'columnNames')) : undefined;
  if (!index || !cols) return undefined;
  const where = optionString(index, 'where');
  const name = optionString(index, 'name') ?? strategyName('IDX_', t.name, cols, 26, where);
  const spatial = optionBoolean(index, 'isSpatial') ? ' USING GiST' : '';
  return `CREATE ${optionBoolean(index, 'isUnique') ? 'UNIQUE ' : ''}INDEX${optionBoolean(index, 'isConcurrent') ? ' CONCURRENTLY' : ''} ${ident(name)} ON ${qualified(t)}${spatial} (${columnList(cols)})${where ? ` WHERE ${where}` : ''}`;
}

/**
 * PostgresQueryRunner.changeColumn: a new type or length recreates the column (DROP + ADD: the data is
 * lost) when the old column is given as a TableColumn; given by name, the old definition lives in the
 * database, so the type is changed in place (ALTER … TYPE) and nullability and default set as the new one says.
 */
function changeColumn(link: Link, emit: Emitter, t: ObjectName | undefined, oldValue: StaticValue, newValue: StaticValue): void {
  if (!t) return;
  const newObj = constructed(newValue);
  if (!newObj) return emit.unanalysed(argNode(link, 2), notStatic('the new column', newValue));
  const next = columnSql(t, newObj);
  if ('reason' in next) return emit.unanalysed(argNode(link, 2), next.reason);
  const oldObj = constructed(oldValue);
  const oldName = nameOf(oldValue);
  if (oldName === undefined) return emit.unanalysed(argNode(link, 1), notStatic('the old column', oldValue));
  const table = qualified(t);
  if (oldObj) {
    const old = columnSql(t, oldObj);
    if (!('reason' in old) && (optionString(oldObj, 'type') !== optionString(newObj, 'type') || old.length !== next.length || optionBoolean(oldObj, 'isArray') !== optionBoolean(newObj, 'isArray'))) {
      emit.sql(`ALTER TABLE ${table} DROP COLUMN ${ident(oldName)}`, link.node);
      if (next.enumType) emit.sql(next.enumType, link.node);
      emit.sql(`ALTER TABLE ${table} ADD ${next.sql}`, link.node);
      return;
    }
  }
  const col = ident(next.name);
  if (oldName !== next.name) emit.sql(`ALTER TABLE ${table} RENAME COLUMN ${ident(oldName)} TO ${col}`, link.node);
  if (next.enumType) emit.sql(next.enumType, link.node);
  if (!oldObj) emit.sql(`ALTER TABLE ${table} ALTER COLUMN ${col} TYPE ${next.type}`, link.node);
  emit.sql(`ALTER TABLE ${table} ALTER COLUMN ${col} ${next.nullable ? 'DROP NOT NULL' : 'SET NOT NULL'}`, link.node);
  emit.sql(next.default !== undefined ? `ALTER TABLE ${table} ALTER COLUMN ${col} SET DEFAULT ${next.default}` : `ALTER TABLE ${table} ALTER COLUMN ${col} DROP DEFAULT`, link.node);
}
