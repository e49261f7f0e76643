/**
 * db-migrate migrations: `exports.up = function (db, callback) { … }` calling the driver's API, compiled the way
 * db-migrate-pg (index.js) and db-migrate-base write it: `runSql(sql, [params], cb)` and `all(sql)` send SQL as
 * written; `createTable(name, columns | { columns, ifNotExists })`, `addColumn(table, name, spec)`,
 * `removeColumn(table, name)`, `renameColumn(table, old, new)`, `renameTable(old, new)`, `dropTable(name, { ifExists })`,
 * `addIndex(table, name, columns, unique)`, `removeIndex([table,] name)`. Types as the drivers map them
 * (`string` → VARCHAR, `datetime` → TIMESTAMP, `blob` → BYTEA, `int` → INTEGER, unknown names upper-cased);
 * `primaryKey` + `autoIncrement` is SERIAL (BIGSERIAL for `bigint`), `notNull: true` is NOT NULL, absent is
 * nullable; a string `defaultValue` is quoted.
 */
import type { ts } from 'ts-morph';
import { columnList, ident, literal, qualified, type ObjectName } from './ddl.js';
import type { Emitter } from './emit.js';
import { emitFirstArgumentSql } from './raw.js';
import { asString, asStrings, evaluate, notStatic, type Chain, type Link, type StaticValue } from './scope.js';
import { arg, argNode, option, optionBoolean, paramRoots, type ScriptTool } from './tool.js';
import type { CallContext } from './walk.js';

export const dbMigrateTool: ScriptTool = {
  roots: new Set(['db']),
  params: paramRoots('db'),
  call: dbMigrateCall,
};

type Obj = Extract<StaticValue, { kind: 'object' }>;

/** Calls that read or only inspect: no schema change. */
const READ_ONLY = /^(all|checkDBMS|getIndexes|getTables|getColumns|log|escape|escapeString|escapeDDL)$/;

function dbMigrateCall(chain: Chain, node: ts.Expression, ctx: CallContext): boolean {
  if (chain.root !== 'db') return false;
  const head = chain.links[0];
  if (!head?.args) return true;
  if (READ_ONLY.test(head.name)) return true;
  if (head.name === 'runSql') {
    ctx.operation('db.runSql', head.node, (emit) => emitFirstArgumentSql(head, emit, ctx.walker.source));
    return true;
  }
  ctx.operation(`db.${head.name}`, head.node, (emit) => driverCall(head, emit));
  return true;
}

function driverCall(link: Link, emit: Emitter): void {
  const name = (i: number, what: string): string | undefined => {
    const v = arg(link, i);
    if (v.kind !== 'string') emit.unanalysed(argNode(link, i), notStatic(`the ${what}`, v));
    return asString(v);
  };
  const table = (i: number): ObjectName | undefined => {
    const n = name(i, 'table name');
    return n === undefined ? undefined : { name: n };
  };
  switch (link.name) {
    case 'createTable': {
      const t = table(0);
      if (!t) return;
      let spec = arg(link, 1);
      let ifNotExists = false;
      if (spec.kind === 'object' && spec.props.has('columns')) {
        ifNotExists = optionBoolean(spec, 'ifNotExists') === true;
        spec = option(spec, 'columns');
      }
      if (spec.kind !== 'object') return emit.unanalysed(argNode(link, 1), notStatic('the columns', spec));
      const columns: string[] = [];
      const primary: string[] = [];
      for (const [key, located] of spec.props) {
        const def = columnSql(evaluate(located.expr, located.scope));
        if ('reason' in def) {
          emit.unanalysed(located.expr.parent ?? located.expr, def.reason);
          continue;
        }
        columns.push(`${ident(key)} ${def.sql}`);
        if (def.primaryKey) primary.push(key);
      }
      if (primary.length > 0) columns.push(`PRIMARY KEY (${columnList(primary)})`);
      emit.sql(`CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${qualified(t)} (${columns.join(', ')})`, link.node);
      return;
    }
    case 'dropTable': {
      const t = table(0);
      if (!t) return;
      const opts = arg(link, 1);
      const ifExists = opts.kind === 'object' && optionBoolean(opts, 'ifExists') === true;
      emit.sql(`DROP TABLE ${ifExists ? 'IF EXISTS ' : ''}${qualified(t)}`, link.node);
      return;
    }
    case 'renameTable': {
      const t = table(0);
      const to = name(1, 'new table name');
      if (t && to !== undefined) emit.sql(`ALTER TABLE ${qualified(t)} RENAME TO ${ident(to)}`, link.node);
      return;
    }
    case 'addColumn': {
      const t = table(0);
      const column = name(1, 'column name');
      if (!t || column === undefined) return;
      const def = columnSql(arg(link, 2));
      if ('reason' in def) return emit.unanalysed(argNode(link, 2), def.reason);
      emit.sql(`ALTER TABLE ${qualified(t)} ADD COLUMN ${ident(column)} ${def.sql}${def.primaryKey ? ' PRIMARY KEY' : ''}`, link.node);
      return;
    }
    case 'removeColumn': {
      const t = table(0);
      const column = name(1, 'column name');
      if (t && column !== undefined) emit.sql(`ALTER TABLE ${qualified(t)} DROP COLUMN ${ident(column)}`, link.node);
      return;
    }
    case 'renameColumn': {
      const t = table(0);
      const from = name(1, 'column name');
      const to = name(2, 'new column name');
      if (t && from !== undefined && to !== undefined) emit.sql(`ALTER TABLE ${qualified(t)} RENAME COLUMN ${ident(from)} TO ${ident(to)}`, link.node);
      return;
    }
    case 'addIndex': {
      const t = table(0);
      const index = name(1, 'index name');
      const columns = asStrings(arg(link, 2));
      if (!columns) return emit.unanalysed(argNode(link, 2), notStatic('the columns', arg(link, 2)));
      const unique = arg(link, 3);
      if (t && index !== undefined) {
        emit.sql(`CREATE ${unique.kind === 'boolean' && unique.value ? 'UNIQUE ' : ''}INDEX ${ident(index)} ON ${qualified(t)} (${columnList(columns)})`, link.node);
      }
      return;
    }
    case 'removeIndex': {
      // removeIndex(name) or removeIndex(table, name): Postgres needs only the index name.
      const second = arg(link, 1);
      const index = second.kind === 'string' ? second.value : name(0, 'index name');
      if (index !== undefined) emit.sql(`DROP INDEX ${ident(index)}`, link.node);
      return;
    }
    default:
      emit.unanalysed(link.node, `rollsafe does not model db-migrate's \`db.${link.name}\``);
  }
}

/** db-migrate type names as the Postgres driver writes them. */
const TYPES: Readonly<Record<string, string>> = {
  string: 'VARCHAR',
  text: 'TEXT',
  int: 'INTEGER',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  smallint: 'SMALLINT',
  real: 'REAL',
  decimal: 'DECIMAL',
  boolean: 'BOOLEAN',
  char: 'CHAR',
  date: 'DATE',
  datetime: 'TIMESTAMP',
  timestamp: 'TIMESTAMP',
  time: 'TIME',
  blob: 'BYTEA',
  binary: 'BINARY',
  json: 'JSON',
  jsonb: 'JSONB',
};

function columnSql(spec: StaticValue): { sql: string; primaryKey: boolean } | { reason: string } {
  if (spec.kind === 'string') return { sql: typeSql(spec.value), primaryKey: false };
  if (spec.kind !== 'object') return { reason: notStatic('the column definition', spec) };
  const obj: Obj = spec;
  const typeValue = option(obj, 'type');
  if (typeValue.kind !== 'string') return { reason: notStatic('the column type', typeValue) };
  let type = typeValue.value;
  let timezone = false;
  // timetz / timestamptz become the type WITH TIME ZONE (db-migrate-pg createColumnDef).
  const tz = /^(time|timestamp)tz$/.exec(type);
  if (tz) {
    type = tz[1]!;
    timezone = true;
  }
  const primaryKey = optionBoolean(obj, 'primaryKey') === true;
  const serial = primaryKey && optionBoolean(obj, 'autoIncrement') === true;
  const length = option(obj, 'length');
  const parts: string[] = [];
  if (serial) parts.push(type === 'bigint' ? 'BIGSERIAL' : 'SERIAL');
  else parts.push(`${typeSql(type)}${length.kind === 'number' || length.kind === 'string' ? `(${String(length.value)})` : ''}${timezone ? ' WITH TIME ZONE' : ''}`);
  if (optionBoolean(obj, 'notNull') === true) parts.push('NOT NULL');
  if (optionBoolean(obj, 'unique') === true) parts.push('UNIQUE');
  const def = option(obj, 'defaultValue');
  if (def.kind === 'string') parts.push(`DEFAULT ${literal(def.value)}`);
  else if (def.kind === 'number' || def.kind === 'boolean') parts.push(`DEFAULT ${String(def.value)}`);
  else if (def.kind === 'object') {
    const prep = option(def, 'prep');
    const special = option(def, 'special');
    if (prep.kind === 'string') parts.push(`DEFAULT ${prep.value}`);
    else if (special.kind === 'string' && special.value === 'CURRENT_TIMESTAMP') parts.push('DEFAULT CURRENT_TIMESTAMP');
    else return { reason: 'the column default is not a value rollsafe can read' };
  } else if (def.kind !== 'undefined') return { reason: notStatic('the column default', def) };
  return { sql: parts.join(' '), primaryKey };
}

function typeSql(name: string): string {
  return TYPES[name.toLowerCase()] ?? name.toUpperCase();
}
