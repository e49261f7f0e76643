/**
 * Kysely migrations: `db.schema` builders (only those ending in `.execute()` run) compiled the way Kysely's
 * Postgres compiler writes them (data types are passed through as written: `'varchar(255)'`, `'serial'`,
 * `sql\`timestamptz\``), and `sql\`…\`.execute(db)` read as SQL, with `sql.ref/table/id/lit/raw` holes
 * written in and value holes as `$n` parameters (as Kysely sends them).
 */
import { ts } from 'ts-morph';
import { columnList, dottedName, ident, qualified, type ObjectName } from './ddl.js';
import type { Emitter } from './emit.js';
import { rawSqlOf, valueSql, type HoleResolver } from './raw.js';
import { asString, asStrings, chainOf, evaluate, notStatic, type Chain, type Link, type Scope, type StaticValue } from './scope.js';
import { arg, argNode, linkSpan, paramRoots, type ScriptTool } from './tool.js';
import type { CallContext } from './walk.js';
import type { ScriptSource } from './source.js';

export const kyselyTool: ScriptTool = {
  roots: new Set(['db']),
  params: paramRoots('db'),
  call: kyselyCall,
};

const EXECUTE = /^execute(TakeFirst|TakeFirstOrThrow)?$/;

function isSqlTag(chain: Chain): boolean {
  const head = chain.links[0];
  return (chain.root === 'module:kysely' && head?.name === 'sql') || (chain.root === 'global:sql' && chain.links.length > 0);
}

function kyselyCall(chain: Chain, node: ts.Expression, ctx: CallContext): boolean {
  if (isSqlTag(chain)) {
    rawCall(chain, node, ctx);
    return true;
  }
  if (chain.root !== 'db') return chain.root === 'module:kysely';
  let links = chain.links;
  // db.transaction().execute(async (trx) => …) and db.connection().execute(…): the callback gets the same API.
  if ((links[0]?.name === 'transaction' || links[0]?.name === 'connection') && links[1] && EXECUTE.test(links[1].name)) {
    ctx.walker.runCallback(links[1].args?.[0], [{ kind: 'root', root: 'db' }], links[1].scope, kyselyCall, ctx.unanalysable);
    return true;
  }
  if (links[0]?.name === 'executeQuery') {
    const query = links[0].args?.[0];
    const inner = query ? chainOf(query, links[0].scope) : undefined;
    if (inner && isSqlTag(inner)) rawCall(inner, links[0].node, ctx, true);
    else if (query) ctx.operation('db.executeQuery', links[0].node, (emit) => emit.unanalysed(query, 'the query is not a `sql` template of this file'));
    return true;
  }
  const executed = links.findIndex((l) => EXECUTE.test(l.name) && l.args);
  if (executed < 0) return true;
  links = links.slice(0, executed);
  let schema: string | undefined;
  if (links[0]?.name === 'withSchema') {
    schema = asString(arg(links[0], 0));
    links = links.slice(1);
  }
  if (links[0]?.name === 'schema') {
    links = links.slice(1);
    if (links[0]?.name === 'withSchema') {
      schema = asString(arg(links[0], 0));
      links = links.slice(1);
    }
    schemaCall(links, schema, node, ctx);
    return true;
  }
  if (links[0] && /^(insertInto|updateTable|deleteFrom|replaceInto|mergeInto)$/.test(links[0].name)) dataCall(links, schema, node, ctx);
  return true;
}

/** sql`…`.execute(db), sql.raw('…').execute(db), db.executeQuery(sql`…`.compile(db)). */
function rawCall(chain: Chain, node: ts.Node, ctx: CallContext, compiled = false): void {
  const [tag] = chain.links.slice(chain.root === 'module:kysely' ? 1 : 0);
  if (!compiled && !chain.links.some((l) => EXECUTE.test(l.name) && l.args)) return;
  ctx.operation('sql', node, (emit) => {
    if (tag?.name === '`' && tag.template) {
      const built = rawSqlOf(tag.template, tag.scope, ctx.walker.source, kyselyHole(ctx.walker.source));
      if (!built.ok) return emit.unanalysed(tag.node, built.reason);
      return emit.raw(built.sql.text, tag.node, built.sql.hasHoles);
    }
    if (tag?.name === 'raw' && tag.args?.[0]) {
      const built = rawSqlOf(tag.args[0], tag.scope, ctx.walker.source);
      if (!built.ok) return emit.unanalysed(tag.args[0], built.reason);
      return emit.raw(built.sql.text, tag.node, built.sql.hasHoles);
    }
    emit.unanalysed(node, 'rollsafe reads `sql` templates and `sql.raw()` only');
  });
}

/** Holes of a `sql` template: identifiers and raw text are written in, values are parameters. */
function kyselyHole(source: ScriptSource): HoleResolver {
  return (expr, scope) => sqlFragment(expr, scope, source);
}

function sqlFragment(expr: ts.Expression, scope: Scope, source: ScriptSource): string | { reason: string } | undefined {
  const chain = chainOf(expr, scope);
  if (!chain || !isSqlTag(chain)) return undefined;
  const links = chain.links.slice(chain.root === 'module:kysely' ? 1 : 0);
  const helper = links[0];
  if (!helper) return undefined;
  if (helper.name === '`' && helper.template) {
    const built = rawSqlOf(helper.template, helper.scope, source, kyselyHole(source));
    return built.ok ? built.sql.text.text : { reason: built.reason };
  }
  const first = arg(helper, 0);
  switch (helper.name) {
    case 'ref':
    case 'table': {
      const s = asString(first);
      return s === undefined ? { reason: notStatic(`the name in \`sql.${helper.name}()\``, first) } : s.split('.').map(ident).join('.');
    }
    case 'id': {
      const parts = (helper.args ?? []).map((a) => asString(evaluate(a, helper.scope)));
      return parts.every((p) => p !== undefined) ? parts.map((p) => ident(p!)).join('.') : { reason: 'a name in `sql.id()` is known only at run time' };
    }
    case 'lit':
      return valueSql(first);
    case 'raw': {
      const s = asString(first);
      return s === undefined ? { reason: notStatic('the text of `sql.raw()`', first) } : s;
    }
    default:
      return undefined;
  }
}

/** A value as Kysely writes it into DDL (`defaultTo('x')` → `'x'`, sql`now()` → `now()`); `$1` when unknown. */
function kyselyValue(link: Link, i: number, source: ScriptSource): string {
  const a = link.args?.[i];
  if (!a) return 'NULL';
  const fragment = sqlFragment(a, link.scope, source);
  if (typeof fragment === 'string') return fragment;
  return valueSql(evaluate(a, link.scope)) ?? '$1';
}

/** A data type argument: a type name string, or sql`…` / sql.raw(…). */
function dataType(link: Link, i: number, source: ScriptSource, emit: Emitter): string | undefined {
  const a = link.args?.[i];
  const v = arg(link, i);
  if (v.kind === 'string') return v.value;
  const fragment = a ? sqlFragment(a, link.scope, source) : undefined;
  if (typeof fragment === 'string') return fragment;
  emit.unanalysed(argNode(link, i), notStatic('the data type', v));
  return undefined;
}

/** The chain a callback returns (`(col) => col.notNull().defaultTo(0)`), rooted at `root`. */
function callbackLinks(link: Link, i: number, root: string): Link[] | undefined {
  const cb = link.args?.[i];
  if (!cb) return [];
  const fn = evaluate(cb, link.scope);
  if (fn.kind !== 'function' || !fn.fn.body) return undefined;
  const scope = fn.scope.child();
  const param = fn.fn.parameters[0];
  if (param && ts.isIdentifier(param.name)) scope.set(param.name.text, { kind: 'root', root });
  let body: ts.Expression | undefined;
  if (ts.isBlock(fn.fn.body)) {
    const ret = fn.fn.body.statements.find(ts.isReturnStatement);
    if (fn.fn.body.statements.length !== 1 || !ret) return undefined;
    body = ret.expression;
  } else body = fn.fn.body;
  if (!body) return [];
  const chain = chainOf(body, scope);
  return chain?.root === root ? chain.links : undefined;
}

function columnDefinition(link: Link, source: ScriptSource, emit: Emitter): string | undefined {
  const nameValue = arg(link, 0);
  const name = asString(nameValue);
  if (name === undefined) {
    emit.unanalysed(argNode(link, 0), notStatic('the column name', nameValue));
    return undefined;
  }
  const type = dataType(link, 1, source, emit);
  if (type === undefined) return undefined;
  const modifiers = callbackLinks(link, 2, 'kysely.column');
  if (!modifiers) {
    emit.unanalysed(argNode(link, 2), 'the column builder callback is not a single chain of calls');
    return undefined;
  }
  let sql = `${ident(name)} ${type}`;
  let ifNotExists = false;
  for (const m of modifiers) {
    switch (m.name) {
      case 'primaryKey':
        sql += ' primary key';
        break;
      case 'notNull':
        sql += ' not null';
        break;
      case 'unique':
        sql += ' unique';
        break;
      case 'nullsNotDistinct':
        sql += ' nulls not distinct';
        break;
      case 'defaultTo':
        sql += ` default ${kyselyValue(m, 0, source)}`;
        break;
      case 'references': {
        const ref = asString(arg(m, 0));
        const dot = ref?.lastIndexOf('.') ?? -1;
        if (ref === undefined || dot <= 0) {
          emit.unanalysed(argNode(m, 0), 'the referenced column is not a `table.column` string of this file');
          return undefined;
        }
        sql += ` references ${qualified(dottedName(ref.slice(0, dot)))} (${ident(ref.slice(dot + 1))})`;
        break;
      }
      case 'onDelete':
      case 'onUpdate': {
        const action = asString(arg(m, 0));
        if (action) sql += ` on ${m.name === 'onDelete' ? 'delete' : 'update'} ${action}`;
        break;
      }
      case 'check':
        sql += ` check (${kyselyValue(m, 0, source)})`;
        break;
      case 'generatedAlwaysAsIdentity':
        sql += ' generated always as identity';
        break;
      case 'generatedByDefaultAsIdentity':
        sql += ' generated by default as identity';
        break;
      case 'generatedAlwaysAs':
        sql += ` generated always as (${kyselyValue(m, 0, source)})`;
        break;
      case 'stored':
        sql += ' stored';
        break;
      case 'modifyFront':
      case 'modifyEnd':
        sql += ` ${kyselyValue(m, 0, source)}`;
        break;
      case 'ifNotExists':
        ifNotExists = true;
        break;
      case 'unsigned':
      case 'autoIncrement':
      case 'identity':
        break;
      default:
        emit.unanalysed(m.node, `rollsafe does not model the column modifier \`.${m.name}()\``);
    }
  }
  return ifNotExists ? `if not exists ${sql}` : sql;
}

function schemaCall(links: Link[], schema: string | undefined, node: ts.Expression, ctx: CallContext): void {
  const [builder, ...rest] = links;
  if (!builder?.args) return;
  const type = `db.schema.${builder.name}`;
  const source = ctx.walker.source;
  ctx.operation(type, node, (emit) => {
    const nameValue = arg(builder, 0);
    const nameString = asString(nameValue);
    if (nameString === undefined) return emit.unanalysed(argNode(builder, 0), notStatic('the name', nameValue));
    const name = dottedName(nameString, schema);
    const has = (method: string): boolean => rest.some((l) => l.name === method);
    switch (builder.name) {
      case 'createTable':
        return createTable(name, rest, node, source, emit);
      case 'alterTable':
        return alterTable(name, rest, source, emit);
      case 'dropTable':
        return emit.sql(`drop table ${has('ifExists') ? 'if exists ' : ''}${qualified(name)}${has('cascade') ? ' cascade' : ''}`, node);
      case 'createIndex':
        return createIndex(name, rest, schema, node, source, emit);
      case 'dropIndex':
        return emit.sql(`drop index ${has('ifExists') ? 'if exists ' : ''}${qualified(name)}${has('cascade') ? ' cascade' : ''}`, node);
      case 'createType': {
        const asEnum = rest.find((l) => l.name === 'asEnum');
        const values = asEnum ? asStrings(arg(asEnum, 0)) : undefined;
        if (!values) return emit.unanalysed(asEnum ? argNode(asEnum, 0) : node, 'the enum values are known only at run time');
        return emit.sql(`create type ${qualified(name)} as enum (${values.map((v) => valueSql({ kind: 'string', value: v })).join(', ')})`, node);
      }
      case 'dropType':
        return emit.sql(`drop type ${has('ifExists') ? 'if exists ' : ''}${qualified(name)}${has('cascade') ? ' cascade' : ''}`, node);
      case 'createSchema':
        return emit.sql(`create schema ${has('ifNotExists') ? 'if not exists ' : ''}${ident(nameString)}`, node);
      case 'dropSchema':
        return emit.sql(`drop schema ${has('ifExists') ? 'if exists ' : ''}${ident(nameString)}${has('cascade') ? ' cascade' : ''}`, node);
      case 'dropView':
        return emit.sql(`drop ${has('materialized') ? 'materialized ' : ''}view ${has('ifExists') ? 'if exists ' : ''}${qualified(name)}${has('cascade') ? ' cascade' : ''}`, node);
      case 'refreshMaterializedView':
        return emit.sql(`refresh materialized view${has('concurrently') ? ' concurrently' : ''} ${qualified(name)}${has('withNoData') ? ' with no data' : ''}`, node);
      case 'createView': {
        const as = rest.find((l) => l.name === 'as');
        const fragment = as?.args?.[0] ? sqlFragment(as.args[0], as.scope, source) : undefined;
        if (typeof fragment !== 'string') return emit.unanalysed(node, 'a view defined with a Kysely query builder is not read');
        const materialized = has('materialized');
        return emit.sql(`create ${has('orReplace') ? 'or replace ' : ''}${materialized ? 'materialized ' : ''}view ${qualified(name)} as ${fragment}`, node);
      }
      default:
        return emit.unanalysed(node, `rollsafe does not model \`${type}\``);
    }
  });
}

function createTable(name: ObjectName, links: Link[], node: ts.Node, source: ScriptSource, emit: Emitter): void {
  const parts: string[] = [];
  let prefix = 'create';
  let ifNotExists = false;
  for (const l of links) {
    switch (l.name) {
      case 'addColumn': {
        const def = columnDefinition(l, source, emit);
        if (def) parts.push(def);
        break;
      }
      case 'ifNotExists':
        ifNotExists = true;
        break;
      case 'temporary':
        prefix = 'create temporary';
        break;
      case 'as':
        return emit.unanalysed(node, 'a table created from a Kysely query is not read');
      default: {
        const constraint = tableConstraint(l, links, source, emit);
        if (constraint === null) break;
        if (constraint !== undefined) parts.push(constraint);
        else if (!/^(onDelete|onUpdate|deferrable|initiallyDeferred|initiallyImmediate|nullsNotDistinct|onCommit|modifyFront|modifyEnd)$/.test(l.name)) {
          emit.unanalysed(linkSpan(l), `rollsafe does not model \`.${l.name}()\``);
        }
      }
    }
  }
  emit.sql(`${prefix} table ${ifNotExists ? 'if not exists ' : ''}${qualified(name)} (${parts.join(', ')})`, node);
}

/** `constraint … primary key/unique/check/foreign key`; null when the link is not a constraint method. */
function tableConstraint(l: Link, links: Link[], source: ScriptSource, emit: Emitter): string | undefined | null {
  if (!/^add(PrimaryKey|Unique|Check|ForeignKey)Constraint$/.test(l.name)) return undefined;
  const name = asString(arg(l, 0));
  if (name === undefined) {
    emit.unanalysed(argNode(l, 0), 'the constraint name is known only at run time');
    return null;
  }
  const head = `constraint ${ident(name)}`;
  if (l.name === 'addCheckConstraint') return `${head} check (${kyselyValue(l, 1, source)})`;
  const cols = asStrings(arg(l, 1));
  if (!cols) {
    emit.unanalysed(argNode(l, 1), 'the constraint columns are known only at run time');
    return null;
  }
  if (l.name === 'addPrimaryKeyConstraint') return `${head} primary key (${columnList(cols)})`;
  if (l.name === 'addUniqueConstraint') return `${head} unique (${columnList(cols)})`;
  const table = asString(arg(l, 2));
  const refs = asStrings(arg(l, 3));
  if (table === undefined || !refs) {
    emit.unanalysed(linkSpan(l), 'the referenced table or columns are known only at run time');
    return null;
  }
  let sql = `${head} foreign key (${columnList(cols)}) references ${qualified(dottedName(table))} (${columnList(refs)})`;
  // Actions chained right after the constraint, or set in its callback.
  const following = links.slice(links.indexOf(l) + 1);
  const stop = following.findIndex((f) => !/^(onDelete|onUpdate)$/.test(f.name));
  const actions = [...(callbackLinks(l, 4, 'kysely.fk') ?? []), ...(stop < 0 ? following : following.slice(0, stop))];
  for (const a of actions) {
    const v = asString(arg(a, 0));
    if (v && (a.name === 'onDelete' || a.name === 'onUpdate')) sql += ` on ${a.name === 'onDelete' ? 'delete' : 'update'} ${v}`;
  }
  return sql;
}

function alterTable(name: ObjectName, links: Link[], source: ScriptSource, emit: Emitter): void {
  const t = qualified(name);
  for (const l of links) {
    if (!l.args) continue;
    const at = linkSpan(l);
    const str = (i: number): string | undefined => {
      const v = arg(l, i);
      const s = asString(v);
      if (s === undefined) emit.unanalysed(argNode(l, i), notStatic('the name', v));
      return s;
    };
    switch (l.name) {
      case 'addColumn': {
        const def = columnDefinition(l, source, emit);
        if (def) emit.sql(`alter table ${t} add column ${def}`, at);
        break;
      }
      case 'dropColumn': {
        const col = str(0);
        if (col !== undefined) emit.sql(`alter table ${t} drop column ${ident(col)}`, at);
        break;
      }
      case 'renameColumn': {
        const from = str(0);
        const to = str(1);
        if (from !== undefined && to !== undefined) emit.sql(`alter table ${t} rename column ${ident(from)} to ${ident(to)}`, at);
        break;
      }
      case 'alterColumn': {
        const col = str(0);
        const actions = callbackLinks(l, 1, 'kysely.alterColumn');
        if (col === undefined) break;
        if (!actions) {
          emit.unanalysed(argNode(l, 1), 'the alterColumn callback is not a single chain of calls');
          break;
        }
        for (const a of actions) {
          const action = alterColumnAction(a, source, emit);
          if (action) emit.sql(`alter table ${t} alter column ${ident(col)} ${action}`, at);
        }
        break;
      }
      case 'renameTo': {
        const to = str(0);
        if (to !== undefined) emit.sql(`alter table ${t} rename to ${ident(to)}`, at);
        break;
      }
      case 'setSchema': {
        const to = str(0);
        if (to !== undefined) emit.sql(`alter table ${t} set schema ${ident(to)}`, at);
        break;
      }
      case 'dropConstraint': {
        const constraint = str(0);
        const after = links.slice(links.indexOf(l) + 1);
        const ifExists = after[0]?.name === 'ifExists' || after[1]?.name === 'ifExists';
        const cascade = after.slice(0, 2).some((a) => a.name === 'cascade');
        if (constraint !== undefined) emit.sql(`alter table ${t} drop constraint ${ifExists ? 'if exists ' : ''}${ident(constraint)}${cascade ? ' cascade' : ''}`, at);
        break;
      }
      case 'renameConstraint': {
        const from = str(0);
        const to = str(1);
        if (from !== undefined && to !== undefined) emit.sql(`alter table ${t} rename constraint ${ident(from)} to ${ident(to)}`, at);
        break;
      }
      case 'onDelete':
      case 'onUpdate':
      case 'ifExists':
      case 'cascade':
      case 'deferrable':
      case 'initiallyDeferred':
      case 'initiallyImmediate':
      case 'nullsNotDistinct':
        break;
      default: {
        const constraint = tableConstraint(l, links, source, emit);
        if (constraint) emit.sql(`alter table ${t} add ${constraint}`, at);
        else if (constraint === undefined) emit.unanalysed(at, `rollsafe does not model \`.${l.name}()\` on Postgres`);
      }
    }
  }
}

function alterColumnAction(a: Link, source: ScriptSource, emit: Emitter): string | undefined {
  switch (a.name) {
    case 'setDataType': {
      const type = dataType(a, 0, source, emit);
      return type === undefined ? undefined : `type ${type}`;
    }
    case 'setDefault':
      return `set default ${kyselyValue(a, 0, source)}`;
    case 'dropDefault':
      return 'drop default';
    case 'setNotNull':
      return 'set not null';
    case 'dropNotNull':
      return 'drop not null';
    default:
      emit.unanalysed(linkSpan(a), `rollsafe does not model \`.${a.name}()\``);
      return undefined;
  }
}

function createIndex(name: ObjectName, links: Link[], schema: string | undefined, node: ts.Node, source: ScriptSource, emit: Emitter): void {
  let table: ObjectName | undefined;
  const columns: string[] = [];
  let unique = false;
  let ifNotExists = false;
  let using = '';
  let where = '';
  let nullsNotDistinct = false;
  for (const l of links) {
    switch (l.name) {
      case 'on': {
        const t = asString(arg(l, 0));
        if (t === undefined) return emit.unanalysed(argNode(l, 0), 'the table name is known only at run time');
        table = dottedName(t, schema);
        break;
      }
      case 'column':
      case 'columns': {
        const cols = asStrings(arg(l, 0));
        if (!cols) return emit.unanalysed(argNode(l, 0), 'the indexed columns are known only at run time');
        columns.push(...cols.map((c) => c.split(/\s+/).map((part, i) => (i === 0 ? ident(part) : part)).join(' ')));
        break;
      }
      case 'expression': {
        columns.push(`(${kyselyValue(l, 0, source)})`);
        break;
      }
      case 'unique':
        unique = true;
        break;
      case 'ifNotExists':
        ifNotExists = true;
        break;
      case 'nullsNotDistinct':
        nullsNotDistinct = true;
        break;
      case 'using': {
        const m = asString(arg(l, 0));
        if (m) using = ` using ${m}`;
        break;
      }
      case 'where': {
        if (l.args?.length === 1) where = ` where ${kyselyValue(l, 0, source)}`;
        else {
          const col = asString(arg(l, 0));
          const op = asString(arg(l, 1));
          const value = l.args?.[2] ? (valueSql(evaluate(l.args[2], l.scope)) ?? '$1') : undefined;
          if (col && op && value) where = ` where ${ident(col)} ${op} ${value}`;
        }
        break;
      }
      default:
        emit.unanalysed(linkSpan(l), `rollsafe does not model \`.${l.name}()\``);
    }
  }
  if (!table) return emit.unanalysed(node, 'the index has no `.on(table)`');
  // An index lives in its table's schema: Kysely's qualified index name is for MySQL.
  emit.sql(`create ${unique ? 'unique ' : ''}index ${ifNotExists ? 'if not exists ' : ''}${ident(name.name)} on ${qualified(table)}${using} (${columns.join(', ')})${nullsNotDistinct ? ' nulls not distinct' : ''}${where}`, node);
}

function dataCall(links: Link[], schema: string | undefined, node: ts.Expression, ctx: CallContext): void {
  const head = links[0]!;
  const where = links.some((l) => /^where/.test(l.name));
  ctx.operation(`db.${head.name}`, node, (emit) => {
    const value = arg(head, 0);
    const name = asString(value);
    if (name === undefined) return emit.unanalysed(argNode(head, 0), notStatic('the table name', value));
    const t = qualified(dottedName(name.split(/\s+as\s+/i)[0]!, schema));
    const filter = where ? ' where true' : '';
    if (head.name === 'deleteFrom') return emit.sql(`delete from ${t}${filter}`, node);
    if (head.name === 'updateTable') {
      const set = links.find((l) => l.name === 'set');
      const values: StaticValue = set ? arg(set, 0) : { kind: 'undefined' };
      const columns = values.kind === 'object' ? [...values.props.keys()] : undefined;
      if (!columns || columns.length === 0) return emit.unanalysed(set ? argNode(set, 0) : node, 'the updated columns are known only at run time');
      return emit.sql(`update ${t} set ${columns.map((c, i) => `${ident(c)} = $${i + 1}`).join(', ')}${filter}`, node);
    }
    return emit.sql(`insert into ${t} default values`, node);
  });
}
