/**
 * Sequelize (sequelize-cli) migrations: `queryInterface.*` calls compiled the way Sequelize v6's Postgres
 * query generator writes them (src/dialects/postgres/query-generator.js): `DataTypes.STRING` is
 * `VARCHAR(255)`, `DATE` is `TIMESTAMP WITH TIME ZONE`, `autoIncrement` makes a SERIAL, `ENUM` creates an
 * `enum_<table>_<column>` type, `allowNull: false` is NOT NULL (absent is nullable), `changeColumn` sets or
 * drops NOT NULL and the default before changing the type; `queryInterface.sequelize.query` is read as SQL.
 */
import type { ts } from 'ts-morph';
import { columnList, ident, literal, qualified, type ObjectName } from './ddl.js';
import type { At, Emitter } from './emit.js';
import { knexBindings, rawSqlOf, valueSql } from './raw.js';
import { asString, asStrings, evaluate, notStatic, type Chain, type Link, type StaticValue } from './scope.js';
import { arg, argNode, option, optionBoolean, optionString, paramRoots, type ScriptTool } from './tool.js';
import type { CallContext } from './walk.js';

export const sequelizeTool: ScriptTool = {
  roots: new Set(['queryInterface']),
  params: paramRoots('queryInterface', 'Sequelize'),
  call: sequelizeCall,
};

type Obj = Extract<StaticValue, { kind: 'object' }>;

function sequelizeCall(chain: Chain, node: ts.Expression, ctx: CallContext): boolean {
  let links = chain.links;
  if (chain.root !== 'queryInterface') return false;
  // up({ context: queryInterface }) (umzug) and up({ context: { queryInterface } }).
  if (links[0]?.name === 'context') links = links.slice(1);
  if (links[0]?.name === 'queryInterface') links = links.slice(1);
  if (links[0]?.name === 'Sequelize' || links[0]?.name === 'DataTypes') return true;
  const head = links[0];
  if (!head) return true;
  if (head.name === 'sequelize') return sequelizeInstance(links.slice(1), ctx);
  if (!head.args) return true;
  if (/^(describeTable|showAllTables|showAllSchemas|tableExists|rawSelect|select|getForeignKeyReferencesForTable|getForeignKeysForTables|showIndex|nameIndexes)$/.test(head.name)) return true;
  ctx.operation(`queryInterface.${head.name}`, head.node, (emit) => queryInterfaceCall(head, emit));
  return true;
}

/** queryInterface.sequelize.query(…) / .transaction(…). */
function sequelizeInstance(links: Link[], ctx: CallContext): boolean {
  const head = links[0];
  if (!head?.args) return true;
  if (head.name === 'query') {
    ctx.operation('queryInterface.sequelize.query', head.node, (emit) => {
      const sqlArg = head.args?.[0];
      if (!sqlArg) return;
      const built = rawSqlOf(sqlArg, head.scope, ctx.walker.source);
      if (!built.ok) return emit.unanalysed(sqlArg, built.reason);
      const opts = arg(head, 1);
      const replacements = opts.kind === 'object' ? option(opts, 'replacements') : undefined;
      const bound = replacements && replacements.kind !== 'undefined' ? knexBindings(built.sql, replacements) : built.sql;
      if ('reason' in bound) return emit.unanalysed(sqlArg, bound.reason);
      emit.raw(bound.text, head.node, bound.hasHoles);
    });
    return true;
  }
  if (head.name === 'transaction') {
    const next = links[1];
    // const t = await sequelize.transaction(); … t.commit() / t.rollback()
    if (next && /^(commit|rollback)$/.test(next.name)) {
      if (next.name === 'rollback' && ctx.unanalysable) return true;
      ctx.operation(`transaction.${next.name}`, next.node, (emit) => emit.sql(next.name === 'commit' ? 'COMMIT' : 'ROLLBACK', next.node));
      return true;
    }
    if (next) return true;
    const callback = head.args.find((a) => evaluate(a, head.scope).kind === 'function');
    ctx.operation('queryInterface.sequelize.transaction', head.node, (emit) => emit.sql('BEGIN', head.node));
    if (callback) {
      ctx.walker.runCallback(callback, [{ kind: 'unknown', reason: 'a transaction' }], head.scope, sequelizeCall, ctx.unanalysable);
      ctx.operation('queryInterface.sequelize.transaction', head.node, (emit) => emit.sql('COMMIT', head.node));
    }
    return true;
  }
  return true;
}

function queryInterfaceCall(link: Link, emit: Emitter): void {
  const m = link.name;
  const table = (i: number): ObjectName | undefined => {
    const v = arg(link, i);
    const name = tableName(v);
    if (!name) emit.unanalysed(argNode(link, i), notStatic('the table name', v));
    return name;
  };
  const str = (i: number, what: string): string | undefined => {
    const v = arg(link, i);
    if (v.kind !== 'string') emit.unanalysed(argNode(link, i), notStatic(`the ${what}`, v));
    return asString(v);
  };
  switch (m) {
    case 'createTable': {
      const t = table(0);
      const attrs = arg(link, 1);
      if (!t) return;
      if (attrs.kind !== 'object') return emit.unanalysed(argNode(link, 1), notStatic('the attributes', attrs));
      const opts = arg(link, 2);
      const schema = opts.kind === 'object' ? optionString(opts, 'schema') : undefined;
      const target = schema && !t.schema ? { schema, name: t.name } : t;
      const columns: string[] = [];
      const primary: string[] = [];
      const before: { sql: string; at: At }[] = [];
      for (const [key, located] of attrs.props) {
        const at = located.expr.parent ?? located.expr;
        const attribute = attributeSql(target, key, evaluate(located.expr, located.scope));
        if ('reason' in attribute) {
          emit.unanalysed(at, attribute.reason);
          continue;
        }
        if (attribute.virtual) continue;
        if (attribute.enumType) before.push({ sql: attribute.enumType, at });
        columns.push(`${ident(key)} ${attribute.sql}`);
        if (attribute.primaryKey) primary.push(ident(key));
      }
      for (const b of before) emit.sql(b.sql, b.at);
      const uniqueKeys = opts.kind === 'object' ? option(opts, 'uniqueKeys') : undefined;
      const uniques: string[] = [];
      if (uniqueKeys?.kind === 'object') {
        for (const [, located] of uniqueKeys.props) {
          const spec = evaluate(located.expr, located.scope);
          const fields = spec.kind === 'object' ? asStrings(option(spec, 'fields')) : undefined;
          if (fields) uniques.push(`, UNIQUE (${columnList(fields)})`);
        }
      }
      return emit.sql(`CREATE TABLE IF NOT EXISTS ${qualified(target)} (${columns.join(', ')}${uniques.join('')}${primary.length > 0 ? `, PRIMARY KEY (${primary.join(',')})` : ''})`, link.node);
    }
    case 'dropTable': {
      const t = table(0);
      const opts = arg(link, 1);
      if (t) emit.sql(`DROP TABLE IF EXISTS ${qualified(t)}${opts.kind === 'object' && optionBoolean(opts, 'cascade') ? ' CASCADE' : ''}`, link.node);
      return;
    }
    case 'renameTable': {
      const from = table(0);
      const to = tableName(arg(link, 1));
      if (!to) return emit.unanalysed(argNode(link, 1), notStatic('the new table name', arg(link, 1)));
      if (from) emit.sql(`ALTER TABLE ${qualified(from)} RENAME TO ${ident(to.name)}`, link.node);
      return;
    }
    case 'addColumn': {
      const t = table(0);
      const key = str(1, 'column name');
      if (!t || key === undefined) return;
      const attribute = attributeSql(t, key, arg(link, 2));
      if ('reason' in attribute) return emit.unanalysed(argNode(link, 2), attribute.reason);
      if (attribute.virtual) return;
      if (attribute.enumType) emit.sql(attribute.enumType, link.node);
      return emit.sql(`ALTER TABLE ${qualified(t)} ADD COLUMN ${ident(key)} ${attribute.sql}${attribute.primaryKey ? ' PRIMARY KEY' : ''}`, link.node);
    }
    case 'removeColumn': {
      const t = table(0);
      const key = str(1, 'column name');
      if (t && key !== undefined) emit.sql(`ALTER TABLE ${qualified(t)} DROP COLUMN ${ident(key)}`, link.node);
      return;
    }
    case 'renameColumn': {
      const t = table(0);
      const from = str(1, 'column name');
      const to = str(2, 'new column name');
      if (t && from !== undefined && to !== undefined) emit.sql(`ALTER TABLE ${qualified(t)} RENAME COLUMN ${ident(from)} TO ${ident(to)}`, link.node);
      return;
    }
    case 'changeColumn':
      return changeColumn(link, emit, table(0), str(1, 'column name'));
    case 'addIndex':
      return addIndex(link, emit, table(0));
    case 'removeIndex': {
      const t = table(0);
      if (!t) return;
      const v = arg(link, 1);
      const fields = v.kind === 'array' ? asStrings(v) : undefined;
      const name = v.kind === 'string' ? v.value : fields ? underscore(`${t.name}_${fields.join('_')}`) : undefined;
      if (name === undefined) return emit.unanalysed(argNode(link, 1), notStatic('the index', v));
      const opts = arg(link, 2);
      const concurrently = opts.kind === 'object' && optionBoolean(opts, 'concurrently') ? 'CONCURRENTLY ' : '';
      return emit.sql(`DROP INDEX ${concurrently}IF EXISTS ${qualified(t.schema ? { schema: t.schema, name } : { name })}`, link.node);
    }
    case 'addConstraint':
      return addConstraint(link, emit, table(0));
    case 'removeConstraint': {
      const t = table(0);
      const name = str(1, 'constraint name');
      if (t && name !== undefined) emit.sql(`ALTER TABLE ${qualified(t)} DROP CONSTRAINT ${ident(name)}`, link.node);
      return;
    }
    case 'bulkInsert':
    case 'insert':
    case 'upsert': {
      const t = table(m === 'insert' ? 1 : 0);
      if (t) emit.sql(`INSERT INTO ${qualified(t)} DEFAULT VALUES`, link.node);
      return;
    }
    case 'bulkUpdate': {
      const t = table(0);
      const values = arg(link, 1);
      if (!t) return;
      if (values.kind !== 'object' || values.props.size === 0) return emit.unanalysed(argNode(link, 1), 'the updated columns are known only at run time');
      const where = arg(link, 2);
      const filter = where.kind === 'object' && where.props.size > 0 ? ' WHERE true' : '';
      return emit.sql(`UPDATE ${qualified(t)} SET ${[...values.props.keys()].map((c, i) => `${ident(c)} = $${i + 1}`).join(', ')}${filter}`, link.node);
    }
    case 'bulkDelete': {
      const t = table(0);
      const where = arg(link, 1);
      const filter = where.kind === 'object' && where.props.size > 0 ? ' WHERE true' : '';
      if (t) emit.sql(`DELETE FROM ${qualified(t)}${filter}`, link.node);
      return;
    }
    case 'createSchema':
    case 'dropSchema': {
      const name = str(0, 'schema name');
      if (name !== undefined) emit.sql(m === 'createSchema' ? `CREATE SCHEMA IF NOT EXISTS ${ident(name)}` : `DROP SCHEMA IF EXISTS ${ident(name)} CASCADE`, link.node);
      return;
    }
    case 'dropEnum': {
      const name = str(0, 'enum name');
      if (name !== undefined) emit.sql(`DROP TYPE IF EXISTS ${ident(name)}`, link.node);
      return;
    }
    case 'createFunction':
    case 'dropFunction':
    case 'renameFunction':
    case 'createTrigger':
    case 'dropTrigger':
    case 'renameTrigger':
      return emit.other(`Sequelize ${m}`, link.node);
    default:
      return emit.unanalysed(link.node, `rollsafe does not model \`queryInterface.${m}\``);
  }
}

function tableName(v: StaticValue): ObjectName | undefined {
  if (v.kind === 'string') return { name: v.value };
  if (v.kind === 'object') {
    const name = optionString(v, 'tableName');
    const schema = optionString(v, 'schema');
    if (name !== undefined) return schema ? { schema, name } : { name };
  }
  return undefined;
}

interface AttributeSql {
  /** The column definition after the name, as Sequelize writes it (PRIMARY KEY apart). */
  sql: string;
  primaryKey: boolean;
  /** `CREATE TYPE … AS ENUM` to run first. */
  enumType?: string;
  /** DataTypes.VIRTUAL: no column. */
  virtual?: boolean;
  notNull: boolean;
  defaultSql?: string;
  /** The type alone (for changeColumn). */
  type: string;
  references?: string;
  unique: boolean;
}

/** attributeToSQL + dataTypeMapping of Sequelize v6's Postgres query generator. */
function attributeSql(table: ObjectName, key: string, v: StaticValue): AttributeSql | { reason: string } {
  const attr: Obj = v.kind === 'object' ? v : { kind: 'object', props: new Map(), methods: new Map() };
  const typeValue = v.kind === 'object' ? option(attr, 'type') : v;
  const dataType = sequelizeType(typeValue);
  if ('reason' in dataType) return dataType;
  if (dataType.virtual) return { sql: '', primaryKey: false, virtual: true, notNull: false, type: '', unique: false };
  let type = dataType.sql;
  let enumType: string | undefined;
  if (dataType.enumValues) {
    const values = dataType.enumValues;
    const name = qualified({ ...(table.schema ? { schema: table.schema } : {}), name: `enum_${table.name}_${key}` });
    enumType = `CREATE TYPE ${name} AS ENUM(${values.map(literal).join(', ')})`;
    type = `${name}${dataType.array ? '[]' : ''}`;
  }
  const notNull = attr.props.has('allowNull') && optionBoolean(attr, 'allowNull') === false;
  const autoIncrement = optionBoolean(attr, 'autoIncrement') === true;
  const identity = optionBoolean(attr, 'autoIncrementIdentity') === true;
  const defaultValue = option(attr, 'defaultValue');
  const defaultSql = defaultValue.kind === 'undefined' ? undefined : sequelizeDefault(defaultValue);
  const primaryKey = optionBoolean(attr, 'primaryKey') === true;
  const uniqueValue = option(attr, 'unique');
  const unique = uniqueValue.kind === 'boolean' ? uniqueValue.value : false;
  let sql = type;
  if (autoIncrement && !identity) {
    // dataTypeMapping: INTEGER SERIAL → SERIAL, BIGINT → BIGSERIAL, SMALLINT → SMALLSERIAL; NOT NULL dropped.
    sql = /^BIGINT/i.test(type) ? 'BIGSERIAL' : /^SMALLINT/i.test(type) ? 'SMALLSERIAL' : 'SERIAL';
  } else {
    if (notNull) sql += ' NOT NULL';
    if (identity && autoIncrement) sql += ' GENERATED BY DEFAULT AS IDENTITY';
  }
  if (defaultSql !== undefined) sql += ` DEFAULT ${defaultSql}`;
  if (unique) sql += ' UNIQUE';
  let references: string | undefined;
  const refs = option(attr, 'references');
  if (refs.kind === 'object') {
    const model = option(refs, 'model');
    const refTable = tableName(model);
    const refKey = optionString(refs, 'key') ?? 'id';
    if (!refTable) return { reason: notStatic('the referenced table', model) };
    references = `REFERENCES ${qualified(refTable)} (${ident(refKey)})`;
    const onDelete = optionString(attr, 'onDelete');
    const onUpdate = optionString(attr, 'onUpdate');
    if (onDelete) references += ` ON DELETE ${onDelete.toUpperCase()}`;
    if (onUpdate) references += ` ON UPDATE ${onUpdate.toUpperCase()}`;
    sql += ` ${references}`;
  }
  const out: AttributeSql = { sql, primaryKey, notNull: notNull && !(autoIncrement && !identity), type, unique };
  if (enumType) out.enumType = enumType;
  if (defaultSql !== undefined) out.defaultSql = defaultSql;
  if (references) out.references = references;
  return out;
}

const TYPE_ROOTS = new Set(['Sequelize', 'module:sequelize', 'module:@sequelize/core', 'global:Sequelize', 'global:DataTypes']);

/** A Sequelize data type (`Sequelize.STRING(100)`, `DataTypes.ENUM('a', 'b')`, `'VARCHAR(20)'`) as Postgres SQL. */
function sequelizeType(v: StaticValue): { sql: string; enumValues?: string[]; array?: boolean; virtual?: boolean } | { reason: string } {
  if (v.kind === 'string') return { sql: v.value };
  if (v.kind !== 'chain' || !TYPE_ROOTS.has(v.chain.root)) return { reason: notStatic('the column type', v) };
  let links = v.chain.links;
  while (links[0] && /^(default|DataTypes|Sequelize)$/.test(links[0].name)) links = links.slice(1);
  const [head, ...rest] = links;
  if (!head) return { reason: 'the column type is not a Sequelize data type' };
  const args = (head.args ?? []).map((a) => evaluate(a, head.scope));
  const n = (i: number): number | undefined => (args[i]?.kind === 'number' ? (args[i] as { value: number }).value : undefined);
  const binary = rest.some((l) => l.name === 'BINARY');
  switch (head.name) {
    case 'STRING':
      return { sql: binary ? 'BYTEA' : `VARCHAR(${n(0) ?? (args[0]?.kind === 'object' ? (asNumber(option(args[0] as Obj, 'length')) ?? 255) : 255)})` };
    case 'CHAR':
      return { sql: binary ? 'BYTEA' : `CHAR(${n(0) ?? 255})` };
    case 'TEXT':
      return { sql: 'TEXT' };
    case 'CITEXT':
    case 'INET':
    case 'CIDR':
    case 'MACADDR':
    case 'TSVECTOR':
    case 'HSTORE':
    case 'UUID':
    case 'JSON':
    case 'JSONB':
    case 'BOOLEAN':
    case 'TIME':
    case 'REAL':
    case 'BIGINT':
    case 'INTEGER':
    case 'SMALLINT':
      return { sql: head.name };
    case 'TINYINT':
      return { sql: 'SMALLINT' };
    case 'MEDIUMINT':
      return { sql: 'INTEGER' };
    case 'FLOAT':
      return { sql: n(0) !== undefined ? `FLOAT(${n(0)})` : 'FLOAT' };
    case 'DOUBLE':
      return { sql: 'DOUBLE PRECISION' };
    case 'DECIMAL':
    case 'NUMERIC': {
      const p = n(0);
      const s = n(1);
      return { sql: p ? `DECIMAL(${[p, s].filter((x) => x).join(',')})` : 'DECIMAL' };
    }
    case 'DATE':
      return { sql: 'TIMESTAMP WITH TIME ZONE' };
    case 'DATEONLY':
      return { sql: 'DATE' };
    case 'BLOB':
      return { sql: 'BYTEA' };
    case 'GEOMETRY':
    case 'GEOGRAPHY': {
      const kind = asString(args[0] ?? { kind: 'undefined' });
      return { sql: `${head.name}${kind ? `(${kind}${n(1) !== undefined ? `,${n(1)}` : ''})` : ''}` };
    }
    case 'RANGE': {
      const inner = args[0] ? sequelizeType(args[0]) : { sql: 'INTEGER' };
      if ('reason' in inner) return inner;
      const ranges: Record<string, string> = { INTEGER: 'int4range', BIGINT: 'int8range', DECIMAL: 'numrange', DATEONLY: 'daterange', 'TIMESTAMP WITH TIME ZONE': 'tstzrange', DATE: 'daterange' };
      return { sql: ranges[inner.sql] ?? 'int4range' };
    }
    case 'ARRAY': {
      const inner = args[0] ? sequelizeType(args[0]) : { reason: 'the array element type is missing' };
      if ('reason' in inner) return inner;
      return inner.enumValues ? { ...inner, array: true } : { sql: `${inner.sql}[]` };
    }
    case 'ENUM': {
      const values = args.length === 1 && args[0]!.kind === 'object' ? asStrings(option(args[0] as Obj, 'values')) : args.length === 1 && args[0]!.kind === 'array' ? asStrings(args[0]!) : args.map((a) => asString(a));
      if (!values || values.some((x) => x === undefined)) return { reason: 'the enum values are known only at run time' };
      return { sql: 'ENUM', enumValues: values as string[] };
    }
    case 'VIRTUAL':
      return { sql: '', virtual: true };
    default:
      return { reason: `rollsafe does not know the Sequelize data type ${head.name}` };
  }
}

function asNumber(v: StaticValue): number | undefined {
  return v.kind === 'number' ? v.value : undefined;
}

/** A defaultValue as Sequelize writes it; undefined when Sequelize sets no database default (NOW, UUIDV4). */
function sequelizeDefault(v: StaticValue): string | undefined {
  if (v.kind === 'chain' && TYPE_ROOTS.has(v.chain.root)) {
    const links = v.chain.links.filter((l) => !/^(default|DataTypes|Sequelize)$/.test(l.name));
    const head = links[0];
    if (!head) return '$1';
    if (head.name === 'NOW' || head.name === 'UUIDV4' || head.name === 'UUIDV1') return undefined;
    if (head.name === 'literal') return asString(arg(head, 0)) ?? '$1';
    if (head.name === 'fn') {
      const fn = asString(arg(head, 0));
      const rest = (head.args ?? []).slice(1).map((a) => valueSql(evaluate(a, head.scope)));
      return fn && rest.every((r) => r !== undefined) ? `${fn}(${rest.join(', ')})` : '$1';
    }
    return '$1';
  }
  return valueSql(v) ?? '$1';
}

/** changeColumnQuery of Sequelize v6: NOT NULL, then the default, then the type (or a foreign key). */
function changeColumn(link: Link, emit: Emitter, t: ObjectName | undefined, key: string | undefined): void {
  if (!t || key === undefined) return;
  const attribute = attributeSql(t, key, arg(link, 2));
  if ('reason' in attribute) return emit.unanalysed(argNode(link, 2), attribute.reason);
  if (attribute.virtual) return;
  const table = qualified(t);
  const col = ident(key);
  if (attribute.notNull) emit.sql(`ALTER TABLE ${table} ALTER COLUMN ${col} SET NOT NULL`, link.node);
  else if (!attribute.references) emit.sql(`ALTER TABLE ${table} ALTER COLUMN ${col} DROP NOT NULL`, link.node);
  if (attribute.defaultSql !== undefined) emit.sql(`ALTER TABLE ${table} ALTER COLUMN ${col} SET DEFAULT ${attribute.defaultSql}`, link.node);
  else if (!attribute.references) emit.sql(`ALTER TABLE ${table} ALTER COLUMN ${col} DROP DEFAULT`, link.node);
  let type = attribute.type;
  if (attribute.enumType) {
    emit.sql(attribute.enumType, link.node);
    type = `${attribute.type} USING (${col}::${attribute.type})`;
  }
  if (attribute.unique) emit.sql(`ALTER TABLE ${table} ADD UNIQUE (${col})`, link.node);
  if (attribute.references) emit.sql(`ALTER TABLE ${table} ADD FOREIGN KEY (${col}) ${attribute.references}`, link.node);
  else emit.sql(`ALTER TABLE ${table} ALTER COLUMN ${col} TYPE ${/SERIAL$/i.test(attribute.sql) ? attribute.type : type}`, link.node);
}

/** inflection.underscore, as Sequelize names indexes: `userId` → `user_id`, lower case. */
function underscore(s: string): string {
  return s
    .replace(/([a-z\d])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z\d]+)/g, '$1_$2')
    .replace(/-/g, '_')
    .toLowerCase();
}

function addIndex(link: Link, emit: Emitter, t: ObjectName | undefined): void {
  if (!t) return;
  const second = arg(link, 1);
  let opts: Obj | undefined;
  let fieldsValue: StaticValue;
  if (second.kind === 'array') {
    fieldsValue = second;
    const third = arg(link, 2);
    opts = third.kind === 'object' ? third : undefined;
  } else if (second.kind === 'object') {
    opts = second;
    fieldsValue = option(second, 'fields');
  } else return emit.unanalysed(argNode(link, 1), notStatic('the indexed fields', second));
  const fields: { name: string; sql: string }[] = [];
  for (const item of fieldsValue.kind === 'array' ? fieldsValue.items.map((i) => evaluate(i.expr, i.scope)) : []) {
    if (item.kind === 'string') fields.push({ name: item.value, sql: ident(item.value) });
    else if (item.kind === 'object' && (optionString(item, 'name') ?? optionString(item, 'attribute'))) {
      const name = (optionString(item, 'name') ?? optionString(item, 'attribute'))!;
      const order = optionString(item, 'order');
      fields.push({ name, sql: `${ident(name)}${order ? ` ${order}` : ''}` });
    } else if (item.kind === 'chain') {
      const literalText = item.chain.links.find((l) => l.name === 'literal');
      const text = literalText ? asString(arg(literalText, 0)) : undefined;
      if (!text) return emit.unanalysed(argNode(link, 1), 'an indexed field is known only at run time');
      fields.push({ name: text, sql: text });
    } else return emit.unanalysed(argNode(link, 1), 'an indexed field is known only at run time');
  }
  if (fields.length === 0) return emit.unanalysed(argNode(link, 1), 'the indexed fields are known only at run time');
  const explicit = opts ? optionString(opts, 'name') : undefined;
  const name = explicit ?? underscore(`${t.name.replace(/\./g, '_')}_${fields.map((f) => f.name).join('_')}`);
  const unique = opts && (optionBoolean(opts, 'unique') || optionString(opts, 'type')?.toUpperCase() === 'UNIQUE') ? 'UNIQUE ' : '';
  const concurrently = opts && optionBoolean(opts, 'concurrently') ? 'CONCURRENTLY ' : '';
  const using = opts ? (optionString(opts, 'using') ?? optionString(opts, 'method')) : undefined;
  emit.sql(`CREATE ${unique}INDEX ${concurrently}${ident(name)} ON ${qualified(t)}${using ? ` USING ${using}` : ''} (${fields.map((f) => f.sql).join(', ')})`, link.node);
}

function addConstraint(link: Link, emit: Emitter, t: ObjectName | undefined): void {
  if (!t) return;
  const opts = arg(link, 1);
  if (opts.kind !== 'object') return emit.unanalysed(argNode(link, 1), notStatic('the constraint', opts));
  const type = optionString(opts, 'type')?.toUpperCase();
  const fields = asStrings(option(opts, 'fields'));
  if (!type || !fields) return emit.unanalysed(argNode(link, 1), 'the constraint type or fields are known only at run time');
  const base = `${t.name}_${fields.join('_')}`;
  const table = qualified(t);
  const explicit = optionString(opts, 'name');
  switch (type) {
    case 'UNIQUE':
      return emit.sql(`ALTER TABLE ${table} ADD CONSTRAINT ${ident(explicit ?? `${base}_uk`)} UNIQUE (${columnList(fields)})`, link.node);
    case 'PRIMARY KEY':
      return emit.sql(`ALTER TABLE ${table} ADD CONSTRAINT ${ident(explicit ?? `${base}_pk`)} PRIMARY KEY (${columnList(fields)})`, link.node);
    case 'CHECK': {
      const where = option(opts, 'where');
      const text = where.kind === 'chain' && where.chain.links.some((l) => l.name === 'literal') ? asString(arg(where.chain.links.find((l) => l.name === 'literal')!, 0)) : undefined;
      if (!text) return emit.unanalysed(argNode(link, 1), 'a check written as a Sequelize where object is not read; use Sequelize.literal()');
      return emit.sql(`ALTER TABLE ${table} ADD CONSTRAINT ${ident(explicit ?? `${base}_ck`)} CHECK (${text})`, link.node);
    }
    case 'FOREIGN KEY': {
      const refs = option(opts, 'references');
      const refTable = refs.kind === 'object' ? tableName(option(refs, 'table')) : undefined;
      const field = refs.kind === 'object' ? optionString(refs, 'field') : undefined;
      const refFields = field !== undefined ? [field] : refs.kind === 'object' ? asStrings(option(refs, 'fields')) : undefined;
      if (!refTable || !refFields) return emit.unanalysed(argNode(link, 1), 'the referenced table or field is known only at run time');
      const onDelete = optionString(opts, 'onDelete');
      const onUpdate = optionString(opts, 'onUpdate');
      return emit.sql(
        `ALTER TABLE ${table} ADD CONSTRAINT ${ident(explicit ?? `${base}_${refTable.name}_fk`)} FOREIGN KEY (${columnList(fields)}) REFERENCES ${qualified(refTable)} (${columnList(refFields)})${onDelete ? ` ON DELETE ${onDelete.toUpperCase()}` : ''}${onUpdate ? ` ON UPDATE ${onUpdate.toUpperCase()}` : ''}`,
        link.node,
      );
    }
    case 'DEFAULT': {
      const value = option(opts, 'defaultValue');
      return emit.sql(`ALTER TABLE ${table} ALTER COLUMN ${ident(fields[0]!)} SET DEFAULT ${sequelizeDefault(value) ?? 'NULL'}`, link.node);
    }
    default:
      return emit.unanalysed(argNode(link, 1), `rollsafe does not model the constraint type ${type}`);
  }
}
