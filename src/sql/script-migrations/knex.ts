/**
 * Knex migrations: `knex.schema` builder calls compiled the way Knex's Postgres dialect compiles them
 * (lib/dialects/postgres/schema/pg-{tablecompiler,columncompiler}.js): `string` is `varchar(255)`,
 * `increments` a `serial primary key`, `timestamps()` two `timestamptz` columns, `.alter()` drops the
 * default and NOT NULL before changing the type and sets them again after; `knex.raw` SQL is read as written.
 */
import type { ts } from 'ts-morph';
import { columnList, dottedName, ident, literal, qualified, type ObjectName } from './ddl.js';
import type { Emitter } from './emit.js';
import { knexBindings, rawSqlOf } from './raw.js';
import { asString, asStrings, evaluate, notStatic, type Chain, type Link, type StaticValue } from './scope.js';
import type { ScriptSource } from './source.js';
import { arg, argNode, optionBoolean, optionString, paramRoots, type ScriptTool } from './tool.js';
import type { CallContext, CallHandler } from './walk.js';

const TABLE = 'knex.table';

export const knexTool: ScriptTool = {
  roots: new Set(['knex']),
  params: paramRoots('knex'),
  call: knexCall,
};

function knexCall(chain: Chain, node: ts.Expression, ctx: CallContext): boolean {
  if (chain.root !== 'knex') return false;
  let links = chain.links;
  // A transaction object is the same API: knex.transaction(async (trx) => …), const trx = await knex.transaction().
  if (links[0]?.name === 'transaction') {
    const first = links[0];
    const callback = first.args?.[0];
    if (links.length === 1 && callback) {
      ctx.walker.runCallback(callback, [{ kind: 'root', root: 'knex' }], first.scope, knexCall, ctx.unanalysable);
      return true;
    }
    links = links.slice(1);
  }
  const head = links[0];
  if (!head) return true;
  switch (head.name) {
    case 'schema':
      schemaCalls(links.slice(1), ctx);
      return true;
    case 'raw':
      if (head.args) ctx.operation('knex.raw', head.node, (emit) => raw(head, emit, ctx.walker.source));
      return true;
    case '()':
    case 'table':
    case 'from':
    case 'into':
    case 'queryBuilder':
      dataCall(links, ctx);
      return true;
    case 'commit':
    case 'rollback':
    case 'fn':
    case 'ref':
    case 'destroy':
    case 'client':
    case 'isTransaction':
      return true;
    default:
      if (links.some((l) => l.args)) ctx.operation(`knex.${head.name}`, node, (emit) => emit.unanalysed(node, `rollsafe does not model \`knex.${head.name}\``));
      return true;
  }
}

function raw(link: Link, emit: Emitter, source: ScriptSource): void {
  const sqlArg = link.args?.[0];
  if (!sqlArg) return;
  const built = rawSqlOf(sqlArg, link.scope, source);
  if (!built.ok) return emit.unanalysed(sqlArg, built.reason);
  const bound = knexBindings(built.sql, link.args?.[1] ? evaluate(link.args[1], link.scope) : undefined);
  if ('reason' in bound) return emit.unanalysed(link.args?.[1] ?? sqlArg, bound.reason);
  emit.raw(bound.text, link.node, bound.hasHoles);
}

function schemaCalls(links: Link[], ctx: CallContext): void {
  let schema: string | undefined;
  for (const link of links) {
    if (!link.args) continue;
    const type = `knex.schema.${link.name}`;
    const tableArg = (i: number, emit: Emitter): ObjectName | undefined => {
      const v = arg(link, i);
      const name = asString(v);
      if (name === undefined) {
        emit.unanalysed(argNode(link, i), notStatic('the table name', v));
        return undefined;
      }
      return dottedName(name, schema);
    };
    switch (link.name) {
      case 'withSchema': {
        schema = asString(arg(link, 0));
        break;
      }
      case 'createTable':
      case 'createTableIfNotExists':
      case 'table':
      case 'alterTable': {
        const create = link.name.startsWith('create');
        const items = collectTableItems(link, ctx);
        ctx.operation(type, link.node, (emit) => {
          const table = tableArg(0, emit);
          if (table) compileTable(table, create ? (link.name === 'createTableIfNotExists' ? 'create-if-not' : 'create') : 'alter', items, link, emit);
        });
        break;
      }
      case 'createTableLike':
        ctx.operation(type, link.node, (emit) => {
          const table = tableArg(0, emit);
          const like = tableArg(1, emit);
          if (table && like) emit.sql(`create table ${qualified(table)} (like ${qualified(like)} including all)`, link.node);
        });
        break;
      case 'dropTable':
      case 'dropTableIfExists':
        ctx.operation(type, link.node, (emit) => {
          const table = tableArg(0, emit);
          if (table) emit.sql(`drop table ${link.name.endsWith('IfExists') ? 'if exists ' : ''}${qualified(table)}`, link.node);
        });
        break;
      case 'renameTable':
        ctx.operation(type, link.node, (emit) => {
          const from = tableArg(0, emit);
          const to = asString(arg(link, 1));
          if (to === undefined) return emit.unanalysed(argNode(link, 1), notStatic('the new table name', arg(link, 1)));
          if (from) emit.sql(`alter table ${qualified(from)} rename to ${ident(to)}`, link.node);
        });
        break;
      case 'raw':
        ctx.operation(type, link.node, (emit) => raw(link, emit, ctx.walker.source));
        break;
      case 'createSchema':
      case 'createSchemaIfNotExists':
      case 'dropSchema':
      case 'dropSchemaIfExists':
      case 'createExtension':
      case 'createExtensionIfNotExists':
      case 'dropExtension':
      case 'dropExtensionIfExists':
        ctx.operation(type, link.node, (emit) => {
          const name = asString(arg(link, 0));
          if (name === undefined) return emit.unanalysed(argNode(link, 0), notStatic('the name', arg(link, 0)));
          const [verb, object] = /^(create|drop)(Schema|Extension)/.exec(link.name)!.slice(1) as [string, string];
          const guard = link.name.endsWith('IfNotExists') ? ' if not exists' : link.name.endsWith('IfExists') ? ' if exists' : '';
          const cascade = verb === 'drop' && object === 'Schema' && arg(link, 1).kind === 'boolean' && (arg(link, 1) as { value: boolean }).value ? ' cascade' : '';
          emit.sql(`${verb} ${object.toLowerCase()}${guard} ${ident(name)}${cascade}`, link.node);
        });
        break;
      case 'dropView':
      case 'dropViewIfExists':
      case 'dropMaterializedView':
      case 'dropMaterializedViewIfExists':
        ctx.operation(type, link.node, (emit) => {
          const view = tableArg(0, emit);
          if (view) emit.sql(`drop ${link.name.includes('Materialized') ? 'materialized ' : ''}view ${link.name.endsWith('IfExists') ? 'if exists ' : ''}${qualified(view)}`, link.node);
        });
        break;
      case 'renameView':
        ctx.operation(type, link.node, (emit) => {
          const from = tableArg(0, emit);
          const to = asString(arg(link, 1));
          if (from && to !== undefined) emit.sql(`alter view ${qualified(from)} rename to ${ident(to)}`, link.node);
          else if (to === undefined) emit.unanalysed(argNode(link, 1), notStatic('the new view name', arg(link, 1)));
        });
        break;
      case 'refreshMaterializedView':
        ctx.operation(type, link.node, (emit) => {
          const view = tableArg(0, emit);
          const concurrently = arg(link, 1).kind === 'boolean' && (arg(link, 1) as { value: boolean }).value;
          if (view) emit.sql(`refresh materialized view${concurrently ? ' concurrently' : ''} ${qualified(view)}`, link.node);
        });
        break;
      case 'hasTable':
      case 'hasColumn':
      case 'hasView':
      case 'queryContext':
      case 'debug':
      case 'toString':
      case 'toSQL':
      case 'generateDdlCommands':
        break;
      default:
        ctx.operation(type, link.node, (emit) =>
          emit.unanalysed(link.node, /View$/.test(link.name) ? 'a view defined with a Knex query builder is not read' : `rollsafe does not model \`${type}\``),
        );
    }
  }
}

/** One call on the table builder inside a createTable/alterTable callback. */
interface TableItem {
  links: Link[];
  node: ts.Node;
  unanalysable: string | undefined;
}

function collectTableItems(link: Link, ctx: CallContext): TableItem[] {
  const items: TableItem[] = [];
  const handler: CallHandler = (chain, node, inner) => {
    if (chain.root === TABLE) {
      items.push({ links: chain.links, node, unanalysable: inner.unanalysable });
      return true;
    }
    return knexCall(chain, node, inner);
  };
  const callback = link.args?.[link.name === 'createTableLike' ? 2 : 1];
  const fn = callback ? evaluate(callback, link.scope) : undefined;
  if (fn?.kind === 'function') ctx.walker.run(fn.fn, [{ kind: 'root', root: TABLE }], fn.scope, handler, ctx.unanalysable, { kind: 'root', root: TABLE });
  return items;
}

const COLUMN_TYPES = new Set([
  'increments',
  'bigincrements',
  'bigIncrements',
  'integer',
  'int',
  'mediumint',
  'bigInteger',
  'biginteger',
  'bigint',
  'smallint',
  'tinyint',
  'string',
  'varchar',
  'text',
  'float',
  'double',
  'real',
  'decimal',
  'boolean',
  'bool',
  'date',
  'datetime',
  'dateTime',
  'timestamp',
  'time',
  'binary',
  'json',
  'jsonb',
  'uuid',
  'enum',
  'enu',
  'specificType',
  'geometry',
  'geography',
  'point',
  'bit',
]);

/** A column as Knex compiles it, and the table-level statements its modifiers ask for. */
interface ColumnDef {
  name: string;
  /** `"name" type [not null] [default …]`. */
  sql: string;
  type: string;
  increments: boolean;
  alter?: { alterType: boolean; alterNullable: boolean; notNull: boolean; defaultSql?: string };
  /** `create type` for a native enum, run before the table statement. */
  before: string[];
}

type Grouped =
  | { kind: 'column'; def: ColumnDef; item: TableItem }
  /** A table-level call; `names` are columns it applies to when the call does not list them (dropTimestamps). */
  | { kind: 'table'; method: string; link: Link; rest: Link[]; item: TableItem; names?: string[] };

function compileTable(table: ObjectName, method: 'create' | 'create-if-not' | 'alter', items: TableItem[], op: Link, emit: Emitter): void {
  const columns: Extract<Grouped, { kind: 'column' }>[] = [];
  const alterGroup: Extract<Grouped, { kind: 'table' }>[] = [];
  for (const item of items) {
    if (item.unanalysable !== undefined) {
      emit.unanalysed(item.node, item.unanalysable);
      continue;
    }
    const [first, ...rest] = item.links;
    if (!first || !first.args) continue;
    if (COLUMN_TYPES.has(first.name)) {
      const def = columnDef(table, first, rest, item, emit, alterGroup);
      if (def) columns.push({ kind: 'column', def, item });
    } else if (first.name === 'timestamps') {
      const opts = arg(first, 0);
      const flag = (key: string, i: number): boolean => {
        if (opts.kind === 'object') {
          const v = opts.props.get(key);
          return v ? evaluate(v.expr, v.scope).kind === 'boolean' && (evaluate(v.expr, v.scope) as { value: boolean }).value : false;
        }
        const v = arg(first, i);
        return v.kind === 'boolean' && v.value;
      };
      const now = flag('defaultToNow', 1);
      const camel = flag('useCamelCase', 2);
      for (const name of camel ? ['createdAt', 'updatedAt'] : ['created_at', 'updated_at']) {
        columns.push({
          kind: 'column',
          def: { name, type: 'timestamptz', sql: `${ident(name)} timestamptz${now ? ' not null default CURRENT_TIMESTAMP' : ''}`, increments: false, before: [] },
          item,
        });
      }
    } else if (first.name === 'dropTimestamps') {
      const camel = arg(first, 0).kind === 'boolean' && (arg(first, 0) as { value: boolean }).value;
      alterGroup.push({ kind: 'table', method: 'dropColumn', link: first, rest: [], item, names: camel ? ['createdAt', 'updatedAt'] : ['created_at', 'updated_at'] });
    } else alterGroup.push({ kind: 'table', method: first.name, link: first, rest, item });
  }

  const create = method !== 'alter';
  const hasTablePrimary = alterGroup.some((g) => g.method === 'primary');
  const tableSql = qualified(table);
  for (const c of columns) for (const sql of c.def.before) emit.sql(sql, c.item.node);
  if (create) {
    const defs = columns.map((c) => (c.def.increments && hasTablePrimary ? c.def.sql.replace(/ primary key$/, '') : c.def.sql));
    const primary = alterGroup.find((g) => g.method === 'primary');
    let pk = '';
    if (primary) {
      const cols = asStrings(arg(primary.link, 0));
      const nameArg = arg(primary.link, 1);
      const name = asString(nameArg) ?? (nameArg.kind === 'object' ? optionString(nameArg, 'constraintName') : undefined) ?? `${table.name}_pkey`;
      if (cols) pk = `, constraint ${ident(name)} primary key (${columnList(cols)})`;
      else emit.unanalysed(argNode(primary.link, 0), 'the primary key columns are known only at run time');
    }
    const inherits = alterGroup.find((g) => g.method === 'inherits');
    const parent = inherits ? asString(arg(inherits.link, 0)) : undefined;
    emit.sql(`create table ${method === 'create-if-not' ? 'if not exists ' : ''}${tableSql} (${defs.join(', ')}${pk})${parent ? ` inherits (${ident(parent)})` : ''}`, op.node);
  } else {
    for (const c of columns) {
      if (!c.def.alter) emit.sql(`alter table ${tableSql} add column ${c.def.sql}`, c.item.node);
    }
    for (const c of columns) {
      const a = c.def.alter;
      if (!a) continue;
      const col = ident(c.def.name);
      const at = c.item.node;
      emit.sql(`alter table ${tableSql} alter column ${col} drop default`, at);
      if (a.alterNullable) emit.sql(`alter table ${tableSql} alter column ${col} drop not null`, at);
      if (a.alterType) emit.sql(`alter table ${tableSql} alter column ${col} type ${c.def.type} using (${col}::${c.def.type.replace(/^text check .*/, 'text')})`, at);
      if (a.defaultSql !== undefined) emit.sql(`alter table ${tableSql} alter column ${col} set default ${a.defaultSql}`, at);
      if (a.alterNullable && a.notNull) emit.sql(`alter table ${tableSql} alter column ${col} set not null`, at);
    }
  }
  for (const g of alterGroup) tableStatement(table, create, g, emit);
}

function columnDef(table: ObjectName, first: Link, rest: Link[], item: TableItem, emit: Emitter, alterGroup: Extract<Grouped, { kind: 'table' }>[]): ColumnDef | undefined {
  const method = first.name;
  const increments = /increments$/i.test(method);
  const nameValue = arg(first, 0);
  const name = asString(nameValue) ?? (increments && nameValue.kind === 'undefined' ? 'id' : undefined);
  if (name === undefined) {
    emit.unanalysed(argNode(first, 0), notStatic('the column name', nameValue));
    return undefined;
  }
  const before: string[] = [];
  const type = columnType(table, method, name, first, before, emit);
  if (type === undefined) return undefined;

  let notNull: boolean | undefined;
  let defaultSql: string | undefined;
  let alter: ColumnDef['alter'];
  let foreign: { link: Link; rest: Link[] } | undefined;
  for (let i = 0; i < rest.length; i++) {
    const m = rest[i]!;
    switch (m.name) {
      case 'notNullable':
      case 'notNull':
        notNull = true;
        break;
      case 'nullable': {
        const v = arg(m, 0);
        notNull = v.kind === 'boolean' && v.value === false;
        break;
      }
      case 'defaultTo':
      case 'default':
      case 'defaultsTo':
        defaultSql = knexDefault(arg(m, 0), method);
        break;
      case 'primary':
      case 'unique':
      case 'index':
        if (!increments) alterGroup.push({ kind: 'table', method: m.name, link: { ...m, args: [first.args![0]!, ...(m.args ?? [])] }, rest: [], item });
        break;
      case 'references':
        foreign = { link: { ...m, name: 'foreign', args: [first.args![0]!] }, rest: [m, ...rest.slice(i + 1)] };
        alterGroup.push({ kind: 'table', method: 'foreign', link: foreign.link, rest: foreign.rest, item });
        i = rest.length;
        break;
      case 'alter': {
        const opts = arg(m, 0);
        alter = {
          alterType: !(opts.kind === 'object' && optionBoolean(opts, 'alterType') === false),
          alterNullable: !(opts.kind === 'object' && optionBoolean(opts, 'alterNullable') === false),
          notNull: false,
        };
        break;
      }
      case 'unsigned':
      case 'first':
      case 'after':
      case 'comment':
      case 'collate':
      case 'queryContext':
      case 'primaryKey':
        break;
      default:
        if (!/^check/.test(m.name)) emit.unanalysed(m.node, `rollsafe does not model the column modifier \`.${m.name}()\``);
    }
  }
  if (alter) {
    alter.notNull = notNull === true;
    if (defaultSql !== undefined) alter.defaultSql = defaultSql;
  }
  let sql = `${ident(name)} ${type}`;
  if (!increments) {
    if (notNull !== undefined) sql += notNull ? ' not null' : ' null';
    if (defaultSql !== undefined) sql += ` default ${defaultSql}`;
  }
  const def: ColumnDef = { name, sql, type: type.replace(/ primary key$/, ''), increments, before };
  if (alter) def.alter = alter;
  return def;
}

function columnType(table: ObjectName, method: string, name: string, first: Link, before: string[], emit: Emitter): string | undefined {
  const num = (i: number): number | null | undefined => {
    const v = arg(first, i);
    return v.kind === 'number' ? v.value : v.kind === 'null' ? null : undefined;
  };
  switch (method) {
    case 'increments':
    case 'bigincrements':
    case 'bigIncrements': {
      const opts = arg(first, 1);
      const primary = !(opts.kind === 'object' && optionBoolean(opts, 'primaryKey') === false);
      return `${method === 'increments' ? 'serial' : 'bigserial'}${primary ? ' primary key' : ''}`;
    }
    case 'integer':
    case 'int':
    case 'mediumint':
      return 'integer';
    case 'bigInteger':
    case 'biginteger':
    case 'bigint':
      return 'bigint';
    case 'smallint':
    case 'tinyint':
      return 'smallint';
    case 'string':
    case 'varchar':
      return `varchar(${num(1) ?? 255})`;
    case 'text':
      return 'text';
    case 'float':
    case 'real':
      return 'real';
    case 'double':
      return 'double precision';
    case 'decimal': {
      const precision = num(1);
      return precision === null ? 'decimal' : `decimal(${precision ?? 8}, ${num(2) ?? 2})`;
    }
    case 'boolean':
    case 'bool':
      return 'boolean';
    case 'date':
      return 'date';
    case 'time':
      return 'time';
    case 'datetime':
    case 'dateTime':
    case 'timestamp': {
      const opts = arg(first, 1);
      let useTz = true;
      let precision = num(2);
      if (opts.kind === 'object') {
        useTz = optionBoolean(opts, 'useTz') ?? true;
        const p = opts.props.get('precision');
        const pv = p ? evaluate(p.expr, p.scope) : undefined;
        precision = pv?.kind === 'number' ? pv.value : undefined;
      } else if (opts.kind === 'boolean') useTz = !opts.value;
      return `${useTz ? 'timestamptz' : 'timestamp'}${precision != null ? `(${precision})` : ''}`;
    }
    case 'binary':
      return 'bytea';
    case 'json':
      return 'json';
    case 'jsonb':
      return 'jsonb';
    case 'uuid': {
      const opts = arg(first, 1);
      return `uuid${opts.kind === 'object' && optionBoolean(opts, 'primaryKey') ? ' primary key' : ''}`;
    }
    case 'geometry':
    case 'geography':
    case 'point':
      return method;
    case 'bit': {
      const length = num(1);
      return length != null ? `bit(${length})` : 'bit';
    }
    case 'specificType': {
      const v = arg(first, 1);
      if (v.kind !== 'string') {
        emit.unanalysed(argNode(first, 1), notStatic('the column type', v));
        return undefined;
      }
      return v.value;
    }
    case 'enum':
    case 'enu': {
      const values = asStrings(arg(first, 1));
      const opts = arg(first, 2);
      const useNative = opts.kind === 'object' && optionBoolean(opts, 'useNative') === true;
      if (!useNative) {
        if (!values) {
          emit.unanalysed(argNode(first, 1), 'the enum values are known only at run time');
          return undefined;
        }
        return `text check (${ident(name)} in (${values.map(literal).join(', ')}))`;
      }
      const enumName = opts.kind === 'object' ? optionString(opts, 'enumName') : undefined;
      if (!enumName) {
        emit.unanalysed(argNode(first, 2), 'the native enum name is known only at run time');
        return undefined;
      }
      const schemaName = (opts.kind === 'object' ? optionString(opts, 'schemaName') : undefined) ?? table.schema;
      const typeName = qualified(schemaName ? { schema: schemaName, name: enumName } : { name: enumName });
      if (!(opts.kind === 'object' && optionBoolean(opts, 'existingType'))) {
        if (!values) {
          emit.unanalysed(argNode(first, 1), 'the enum values are known only at run time');
          return undefined;
        }
        before.push(`create type ${typeName} as enum (${values.map(literal).join(', ')})`);
      }
      return typeName;
    }
    default:
      return undefined;
  }
}

/** `formatDefault` of Knex: strings and numbers become quoted literals, booleans on boolean columns '1'/'0'. */
function knexDefault(v: StaticValue, method: string): string {
  switch (v.kind) {
    case 'null':
      return 'null';
    case 'boolean':
      return method === 'boolean' || method === 'bool' ? `'${v.value ? 1 : 0}'` : literal(String(v.value));
    case 'string':
      return method === 'boolean' || method === 'bool' ? `'${v.value === 'false' || v.value === '' ? 0 : 1}'` : literal(v.value);
    case 'number':
      return method === 'boolean' || method === 'bool' ? `'${v.value ? 1 : 0}'` : literal(String(v.value));
    case 'chain': {
      const path = v.chain.links.map((l) => l.name).join('.');
      if (path === 'fn.now') {
        const p = v.chain.links[1] ? arg(v.chain.links[1], 0) : undefined;
        return p?.kind === 'number' ? `CURRENT_TIMESTAMP(${p.value})` : 'CURRENT_TIMESTAMP';
      }
      if (path === 'fn.uuid') return 'gen_random_uuid()';
      if (path === 'raw' || path === 'schema.raw') {
        const text = v.chain.links[v.chain.links.length - 1] ? asString(arg(v.chain.links[v.chain.links.length - 1]!, 0)) : undefined;
        if (text !== undefined) return text;
      }
      return '$1';
    }
    default:
      return '$1';
  }
}

function tableStatement(table: ObjectName, create: boolean, g: Extract<Grouped, { kind: 'table' }>, emit: Emitter): void {
  const t = qualified(table);
  const at = g.item.node;
  const link = g.link;
  const names = (i: number): string[] | undefined => {
    const v = arg(link, i);
    const list = asStrings(v);
    if (!list) emit.unanalysed(argNode(link, i), notStatic('the column names', v));
    return list;
  };
  const indexName = (type: string, cols: string[]): string => ident(`${table.name.replace(/\.|-/g, '_')}_${cols.join('_')}_${type}`.toLowerCase());
  switch (g.method) {
    case 'dropColumn':
    case 'dropColumns': {
      let cols = g.names;
      if (!cols) {
        cols = [];
        for (let i = 0; i < (link.args?.length ?? 0); i++) {
          const list = names(i);
          if (!list) return;
          cols.push(...list);
        }
      }
      if (cols.length > 0) emit.sql(`alter table ${t} ${cols.map((c) => `drop column ${ident(c)}`).join(', ')}`, at);
      return;
    }
    case 'renameColumn': {
      const from = asString(arg(link, 0));
      const to = asString(arg(link, 1));
      if (from === undefined || to === undefined) return emit.unanalysed(argNode(link, from === undefined ? 0 : 1), 'the column names are known only at run time');
      return emit.sql(`alter table ${t} rename ${ident(from)} to ${ident(to)}`, at);
    }
    case 'setNullable':
    case 'dropNullable': {
      const col = asString(arg(link, 0));
      if (col === undefined) return emit.unanalysed(argNode(link, 0), 'the column name is known only at run time');
      return emit.sql(`alter table ${t} alter column ${ident(col)} ${g.method === 'setNullable' ? 'drop not null' : 'set not null'}`, at);
    }
    case 'index': {
      const cols = names(0);
      if (!cols) return;
      const nameValue = asString(arg(link, 1));
      const opts = arg(link, 2);
      const method = asString(opts) ?? (opts.kind === 'object' ? optionString(opts, 'storageEngineIndexType') : undefined);
      const unique = opts.kind === 'object' && optionString(opts, 'indexType')?.toLowerCase() === 'unique';
      const name = nameValue !== undefined ? ident(nameValue) : indexName('index', cols);
      return emit.sql(`create${unique ? ' unique' : ''} index ${name} on ${t}${method ? ` using ${method}` : ''} (${columnList(cols)})`, at);
    }
    case 'unique': {
      const cols = names(0);
      if (!cols) return;
      const opts = arg(link, 1);
      let name = asString(opts);
      let useConstraint = true;
      if (opts.kind === 'object') {
        name = optionString(opts, 'indexName');
        const deferrable = optionString(opts, 'deferrable');
        const predicate = opts.props.has('predicate');
        useConstraint = optionBoolean(opts, 'useConstraint') ?? (!!deferrable || !predicate);
      }
      const quoted = name !== undefined ? ident(name) : indexName('unique', cols);
      return emit.sql(useConstraint ? `alter table ${t} add constraint ${quoted} unique (${columnList(cols)})` : `create unique index ${quoted} on ${t} (${columnList(cols)})`, at);
    }
    case 'primary': {
      if (create) return;
      const cols = names(0);
      if (!cols) return;
      const opts = arg(link, 1);
      const name = asString(opts) ?? (opts.kind === 'object' ? optionString(opts, 'constraintName') : undefined) ?? `${table.name}_pkey`;
      return emit.sql(`alter table ${t} add constraint ${ident(name)} primary key (${columnList(cols)})`, at);
    }
    case 'foreign': {
      const cols = names(0);
      if (!cols) return;
      let keyName = asString(arg(link, 1));
      let refTable: string | undefined;
      let refColumns: string[] | undefined;
      let onDelete: string | undefined;
      let onUpdate: string | undefined;
      for (const m of g.rest) {
        const v = asString(arg(m, 0));
        if (m.name === 'references' && v !== undefined) {
          const dot = v.lastIndexOf('.');
          if (dot > 0) {
            refTable = v.slice(0, dot);
            refColumns = [v.slice(dot + 1)];
          } else refColumns = [v];
        } else if (m.name === 'references') refColumns = asStrings(arg(m, 0));
        else if ((m.name === 'inTable' || m.name === 'on') && v !== undefined) refTable = v;
        else if (m.name === 'onDelete' && v !== undefined) onDelete = v;
        else if (m.name === 'onUpdate' && v !== undefined) onUpdate = v;
        else if (m.name === 'withKeyName' && v !== undefined) keyName = v;
      }
      if (!refTable || !refColumns) return emit.unanalysed(at, 'the referenced table or column is known only at run time');
      const name = keyName !== undefined ? ident(keyName) : indexName('foreign', cols);
      return emit.sql(
        `alter table ${t} add constraint ${name} foreign key (${columnList(cols)}) references ${qualified(dottedName(refTable))} (${columnList(refColumns)})${onDelete ? ` on delete ${onDelete}` : ''}${onUpdate ? ` on update ${onUpdate}` : ''}`,
        at,
      );
    }
    case 'dropIndex': {
      const nameValue = asString(arg(link, 1));
      const cols = nameValue === undefined ? names(0) : [];
      if (!cols) return;
      const name = nameValue !== undefined ? ident(nameValue) : indexName('index', cols);
      return emit.sql(`drop index ${table.schema ? `${ident(table.schema)}.` : ''}${name}`, at);
    }
    case 'dropUnique':
    case 'dropUniqueIfExists':
    case 'dropForeign':
    case 'dropForeignIfExists': {
      const nameValue = asString(arg(link, 1));
      const cols = nameValue === undefined ? names(0) : [];
      if (!cols) return;
      const name = nameValue !== undefined ? ident(nameValue) : indexName(g.method.startsWith('dropUnique') ? 'unique' : 'foreign', cols);
      return emit.sql(`alter table ${t} drop constraint ${g.method.endsWith('IfExists') ? 'if exists ' : ''}${name}`, at);
    }
    case 'dropPrimary':
    case 'dropPrimaryIfExists': {
      const name = asString(arg(link, 0)) ?? `${table.name}_pkey`;
      return emit.sql(`alter table ${t} drop constraint ${g.method.endsWith('IfExists') ? 'if exists ' : ''}${ident(name)}`, at);
    }
    case 'check': {
      const expr = asString(arg(link, 0));
      if (expr === undefined) return emit.unanalysed(argNode(link, 0), 'the check expression is known only at run time');
      const name = asString(arg(link, 2));
      if (create) return emit.sql(`alter table ${t} add ${name ? `constraint ${ident(name)} ` : ''}check (${expr})`, at);
      return emit.sql(`alter table ${t} add ${name ? `constraint ${ident(name)} ` : ''}check (${expr})`, at);
    }
    case 'dropChecks': {
      const list = names(0);
      if (list && list.length > 0) emit.sql(`alter table ${t} ${list.map((c) => `drop constraint ${ident(c)}`).join(', ')}`, at);
      return;
    }
    case 'comment':
    case 'inherits':
    case 'engine':
    case 'charset':
    case 'collate':
    case 'queryContext':
      return;
    default:
      return emit.unanalysed(at, `rollsafe does not model the table builder call \`.${g.method}()\``);
  }
}

/** knex('table').insert/update/del… : a data change on the table. */
function dataCall(links: Link[], ctx: CallContext): void {
  const tableLink = links[0]!;
  const op = links.find((l) => /^(insert|update|del|delete|truncate|upsert|increment|decrement)$/.test(l.name) && l.args);
  if (!op) return;
  let schema: string | undefined;
  for (const l of links) if (l.name === 'withSchema') schema = asString(arg(l, 0));
  const where = links.some((l) => /^(where|orWhere|andWhere)/.test(l.name));
  ctx.operation(`knex.${op.name}`, op.node, (emit) => {
    const nameValue = arg(tableLink, 0);
    const name = asString(nameValue);
    if (name === undefined) return emit.unanalysed(argNode(tableLink, 0), notStatic('the table name', nameValue));
    const t = qualified(dottedName(name, schema));
    const filter = where ? ' where true' : '';
    switch (op.name) {
      case 'insert':
      case 'upsert':
        return emit.sql(`insert into ${t} default values`, op.node);
      case 'del':
      case 'delete':
        return emit.sql(`delete from ${t}${filter}`, op.node);
      case 'truncate':
        return emit.sql(`truncate ${t}`, op.node);
      default: {
        const values = arg(op, 0);
        const columns = op.name === 'update' ? (values.kind === 'object' ? [...values.props.keys()] : asString(values) !== undefined ? [asString(values)!] : undefined) : asStrings(values);
        if (!columns || columns.length === 0) return emit.unanalysed(argNode(op, 0), 'the updated columns are known only at run time');
        return emit.sql(`update ${t} set ${columns.map((c, i) => `${ident(c)} = $${i + 1}`).join(', ')}${filter}`, op.node);
      }
    }
  });
}
