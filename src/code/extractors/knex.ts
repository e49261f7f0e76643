/**
 * Knex: table and column strings of query-builder chains on a Knex instance (`knex('users').where({ email })`,
 * `db.select('email').from('users as u')`). An instance is known by its creation (`knex(config)`), its type
 * (`Knex`, `Knex.Transaction`), a transaction callback, or an import from a file that exports one (decided in
 * link). `knex.schema` (migrations) and `knex.raw` (the raw-sql extractor's) are not read here.
 */
import { ts } from 'ts-morph';
import type { Extractor } from '../extractor.js';
import { BuilderFile, type BuilderValue, type QueryScope } from './knex/builder-query.js';
import { chainHasMethod, decomposeChain, objectEntries, stringValue, typeReference, unwrap, type MethodCall } from './syntax.js';

const MODULE = 'knex';

/** Instance members that are no query: schema builder, raw SQL, helpers, lifecycle. */
const NOT_QUERY = new Set(['schema', 'raw', 'fn', 'ref', 'destroy', 'migrate', 'seed', 'client', 'initialize', 'isTransaction', 'commit', 'rollback', 'savepoint', 'on', 'once', 'off', 'userParams', 'withUserParams', 'transactionProvider', 'executionPromise', 'isCompleted']);
const TERMINALS = new Set(['then', 'catch', 'finally', 'asCallback', 'stream', 'pipe', 'toSQL', 'toString', 'toQuery']);
const SELECTS = new Set(['select', 'column', 'columns', 'distinct', 'distinctOn', 'pluck', 'first']);
const AGGREGATES = new Set(['count', 'countDistinct', 'min', 'max', 'sum', 'sumDistinct', 'avg', 'avgDistinct']);
const WHERE = /^(and|or)?(where|having)(Not)?$/i;
/** `whereIn(column, …)`, `whereNull(column)`, `havingBetween(column, …)`…: the first argument names a column. */
const WHERE_COLUMN = /^(and|or)?(where|having)(Not)?(In|Null|NotNull|Between|NotBetween|Like|ILike|JsonPath|JsonObject|JsonSupersetOf|JsonSubsetOf)$/i;
const WHERE_EXISTS = /^(and|or)?where(Not)?Exists$/i;
const JOINS = /^(join|innerJoin|leftJoin|leftOuterJoin|rightJoin|rightOuterJoin|fullOuterJoin|outerJoin|crossJoin)$/;
const JOIN_CLAUSE = /^(and|or)?on(In|NotIn|Null|NotNull|Exists|NotExists|Between|NotBetween|Val|JsonPathEquals)?$/i;

/** Method names of Knex builders; a chain with none of them is not read. */
const KNEX_METHODS = new Set(
  `where andWhere orWhere whereNot orWhereNot andWhereNot whereIn whereNotIn orWhereIn orWhereNotIn whereNull whereNotNull orWhereNull
  orWhereNotNull whereBetween whereNotBetween whereLike whereILike whereExists whereNotExists orWhereExists whereColumn orWhereColumn
  whereJsonPath having orHaving andHaving havingIn havingNull havingBetween select column columns distinct distinctOn first pluck
  count countDistinct min max sum sumDistinct avg avgDistinct from into table insert upsert update del delete truncate increment
  decrement returning onConflict merge ignore join innerJoin leftJoin leftOuterJoin rightJoin rightOuterJoin fullOuterJoin outerJoin
  crossJoin orderBy groupBy limit offset with withRecursive withMaterialized withNotMaterialized withSchema transaction modify clone
  union unionAll intersect except as on andOn orOn onIn onNotIn onNull onNotNull onExists onBetween onVal andOnVal orOnVal using
  transacting forUpdate forShare timeout`.split(/\s+/),
);

/** Names a Knex instance goes by in real code (`knex`, `db`, `trx`, `this.readDb`, `ctx.database`): a receiver the file cannot trace counts only under one of them. */
const INSTANCE_NAME = /^(knex|db|database|trx|tx|transaction)$|[a-z0-9_](Knex|Db|DB|Database|Trx|Tx)$/;
/** Methods whose presence (with a fitting argument) makes a chain a Knex query once its table is named. */
const QUERY_SHAPE = /^(select|first|pluck|columns?|distinct|returning|orderBy|groupBy|(and|or)?(where|having)(Not)?(In|Null|NotNull|Between|NotBetween|Like|ILike|Exists|NotExists|Raw)?|insert|upsert|update|del|delete|increment|decrement|count|countDistinct|min|max|sum|avg|onConflict|(inner|left|right|full|cross|leftOuter|rightOuter|fullOuter|outer)?[jJ]oin|truncate)$/;
const TABLE_METHODS = new Set(['from', 'into', 'table']);

const WANTS =
  /\bknex\b|\bKnex\b|\.(?:from|into|table)\(\s*['"`]|\b\w+\(\s*['"`][\w.]+(?:\s+as\s+\w+)?['"`]\s*\)\s*\.\s*(?:where|select|insert|update|del|delete|first|join|leftJoin|innerJoin|orderBy|count|pluck|increment|decrement|returning|onConflict|whereIn|whereNull|andWhere|orWhere|groupBy|limit|upsert)\b|\.(?:from|into|table)\(\s*[A-Z_][A-Z0-9_]*\s*\)|\b\w*(?:db|Db|DB|knex|Knex|trx)\(\s*[A-Za-z_$][\w$.]*\s*\)\s*\.\s*\w/;

export const knexExtractor: Extractor = {
  name: 'knex',
  wants: (text) => WANTS.test(text),
  extract(input, facts) {
    if (input.sourceFile) new KnexFile(input, input.sourceFile, facts, 'knex').run();
  },
};

class KnexFile extends BuilderFile {
  /** A chain using Knex's method names, or `x('table')` (`knex('users')`, `trx({ u: 'users' })`). */
  protected worthReading(call: ts.CallExpression): boolean {
    if (chainHasMethod(call, KNEX_METHODS)) return true;
    const { root } = decomposeChain(call);
    const first = ts.isCallExpression(root) ? root.arguments[0] : undefined;
    return first !== undefined && (this.text(first) !== undefined || ts.isObjectLiteralExpression(first));
  }

  /** `db(TABLE).where(…)`, `this.db(TABLE).select(…)`, `ctx.knex.select(COLUMNS).from(TABLE)` on a receiver not traced. */
  protected shaped(root: ts.Expression, calls: readonly MethodCall[]): 'root' | 'call' | 'method' | undefined {
    const named = (node: ts.Expression): boolean => {
      const e = unwrap(node);
      const name = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : undefined;
      return name !== undefined && INSTANCE_NAME.test(name);
    };
    const tableCall = (args: readonly ts.Expression[]): boolean => args.length === 1 && this.tableArgument(args[0]);
    const r = unwrap(root);
    if (ts.isCallExpression(r) && named(r.expression) && tableCall(r.arguments) && calls.some((c) => this.queryShape(c))) return 'root';
    const [first, ...rest] = calls;
    if (first && INSTANCE_NAME.test(first.name) && tableCall(first.args) && rest.some((c) => this.queryShape(c))) return 'call';
    if (named(r) && calls.some((c) => TABLE_METHODS.has(c.name) && tableCall(c.args)) && calls.some((c) => this.queryShape(c))) return 'method';
    return undefined;
  }

  /** A Knex query method called with arguments of the shapes Knex takes (column strings, row objects, callbacks). */
  private queryShape(call: MethodCall): boolean {
    const { name, args } = call;
    if (!QUERY_SHAPE.test(name)) return false;
    const [first] = args;
    const column = (a: ts.Expression | undefined): boolean => a !== undefined && this.texts(a).length > 0;
    const shaped = (a: ts.Expression | undefined): boolean => {
      if (!a) return false;
      const e = unwrap(a);
      return column(e) || ts.isObjectLiteralExpression(e) || ts.isArrowFunction(e) || ts.isFunctionExpression(e);
    };
    if (/^(select|first|pluck|columns?|distinct|returning|groupBy|count|countDistinct|min|max|sum|avg)$/.test(name)) return args.length === 0 || args.every((a) => shaped(a));
    if (/where|having/i.test(name)) return shaped(first);
    if (/join$/i.test(name)) return this.tableArgument(first);
    if (name === 'orderBy' || name === 'onConflict') return shaped(first);
    // insert/update/del/increment…: the table is named, the data may be anything.
    return true;
  }

  /** `knex(config)`, `Knex.knex(config)`, `require('knex')(config)`. */
  protected rootValue(node: ts.Expression): BuilderValue | undefined {
    const e = unwrap(node);
    if (!ts.isCallExpression(e) || stringValue(e.arguments[0]) !== undefined) return undefined;
    const callee = unwrap(e.expression);
    const factories = this.libraryBindings.filter((b) => b.imported === 'default' || b.imported === 'knex' || b.imported === '*').map((b) => b.local);
    const isFactory = (c: ts.Expression): boolean =>
      (ts.isIdentifier(c) && factories.includes(c.text)) ||
      (ts.isCallExpression(c) && ts.isIdentifier(c.expression) && c.expression.text === 'require' && stringValue(c.arguments[0]) === MODULE);
    if (isFactory(callee) || (ts.isPropertyAccessExpression(callee) && callee.name.text === 'knex' && isFactory(unwrap(callee.expression)))) return { kind: 'instance' };
    return undefined;
  }

  /** `Knex`, `Knex<…>`, `Knex.Transaction`. */
  protected typeValue(type: ts.TypeNode | undefined): BuilderValue | undefined {
    const ref = typeReference(type);
    if (!ref) return undefined;
    const own = (name: string): boolean => this.isLibraryImport(name);
    if (ref.qualifier === undefined && ref.name === 'Knex' && own('Knex')) return { kind: 'instance' };
    if (ref.qualifier !== undefined && own(ref.qualifier) && ref.name === 'Transaction') return { kind: 'instance' };
    return undefined;
  }

  /** Knex instances are made by a factory, not by subclassing. */
  protected isInstanceClass(): boolean {
    return false;
  }

  /** `db.transaction(async (trx) => …)`: the transaction is an instance too. */
  protected override callbackParameter(parameter: ts.ParameterDeclaration): BuilderValue | undefined {
    const fn = parameter.parent;
    if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || fn.parameters[0] !== parameter || !ts.isCallExpression(fn.parent)) return undefined;
    const callee = unwrap(fn.parent.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'transaction') return undefined;
    const receiver = this.resolve(callee.expression);
    return receiver?.kind === 'instance' ? receiver : undefined;
  }

  /** `knex('users')`, `trx({ u: 'users' })`. */
  protected call(value: BuilderValue, call: ts.CallExpression): BuilderValue | undefined {
    if (value.kind !== 'instance') return undefined;
    const scope = this.query(call, undefined, value.conditional);
    this.from(scope, call.arguments[0]);
    return { kind: 'query', scope };
  }

  private query(node: ts.Node, parent: QueryScope | undefined, conditional: string | undefined): QueryScope {
    const scope = this.newScope(node, parent, conditional);
    scope.implicitStar = true;
    return scope;
  }

  protected method(value: BuilderValue, call: MethodCall): BuilderValue | undefined {
    if (value.kind === 'instance') {
      if (call.name === 'transaction') return call.args.some((a) => ts.isArrowFunction(unwrap(a)) || ts.isFunctionExpression(unwrap(a))) ? undefined : value;
      if (NOT_QUERY.has(call.name) || TERMINALS.has(call.name)) return undefined;
      const scope = this.query(call.nameNode, undefined, value.conditional);
      return this.queryMethod(scope, call);
    }
    if (value.kind === 'expression') {
      if (JOIN_CLAUSE.test(call.name)) {
        const [a, b, c] = call.args;
        this.columns(value.scope, a, 'read');
        if (/^(and|or)?on$/i.test(call.name)) this.columns(value.scope, c ?? b, 'read');
      } else if (call.name === 'using') this.columns(value.scope, call.args[0], 'read');
      return value;
    }
    return this.queryMethod(value.scope, call);
  }

  private queryMethod(scope: QueryScope, call: MethodCall): BuilderValue | undefined {
    const { name, args } = call;
    const [first, second, third] = args;
    const self: BuilderValue = { kind: 'query', scope };
    if (TERMINALS.has(name)) return undefined;
    if (name === 'from' || name === 'table' || name === 'into') this.from(scope, first);
    else if (name === 'withSchema') scope.defaultSchema = this.text(first);
    else if (name === 'as') scope.alias = this.text(first);
    else if (SELECTS.has(name)) {
      // `first()` and `select()` without columns read `*`, as a query without a select list does.
      if (args.length > 0) {
        scope.selects = true;
        for (const arg of args) this.columns(scope, arg, 'read', true);
      }
    } else if (AGGREGATES.has(name)) {
      scope.selects = true;
      for (const arg of args) this.columns(scope, arg, 'read', true);
    } else if (WHERE_EXISTS.test(name)) this.subquery(scope, first);
    else if (WHERE_COLUMN.test(name)) {
      this.columns(scope, first, 'read');
      this.subquery(scope, second);
    } else if (WHERE.test(name) || name === 'whereColumn' || name === 'orWhereColumn') {
      this.where(scope, args, name.toLowerCase().endsWith('column'));
    } else if (JOINS.test(name)) this.join(scope, args);
    else if (name === 'orderBy' || name === 'groupBy' || name === 'distinctOn') {
      for (const arg of name === 'orderBy' ? [first] : args) {
        this.columns(scope, arg, 'read');
        const list = arg ? unwrap(arg) : undefined;
        if (list && ts.isArrayLiteralExpression(list)) for (const item of list.elements) this.columns(scope, objectEntries(item).find((e) => e.key === 'column')?.value, 'read');
      }
    } else if (name === 'insert' || name === 'upsert') {
      scope.kind = 'insert';
      this.data(scope, first, true);
      this.columns(scope, second, 'read');
    } else if (name === 'update') {
      scope.kind = 'update';
      if (this.text(first) !== undefined) this.columns(scope, first, 'write', false, true);
      else this.data(scope, first, false);
      this.columns(scope, this.text(first) !== undefined ? third : second, 'read');
    } else if (name === 'del' || name === 'delete' || name === 'truncate') {
      scope.kind = 'delete';
      this.columns(scope, first, 'read');
    } else if (name === 'increment' || name === 'decrement') {
      scope.kind = 'update';
      if (first && ts.isObjectLiteralExpression(unwrap(first))) this.data(scope, first, false);
      else this.columns(scope, first, 'write', false, true);
    } else if (name === 'returning' || name === 'onConflict') this.columns(scope, first, 'read');
    else if (name === 'merge') {
      if (first && ts.isObjectLiteralExpression(unwrap(first))) this.data(scope, first, false);
      else this.columns(scope, first, 'write', false, true);
    } else if (name === 'with' || name === 'withRecursive' || name === 'withMaterialized' || name === 'withNotMaterialized') {
      const cte = this.text(first);
      if (cte !== undefined) scope.names.add(cte.replace(/\(.*$/, '').trim());
      const body = second ?? first;
      this.give(body, { kind: 'query', scope: this.query(body, undefined, scope.conditional) });
    } else if (name === 'modify' || name === 'clone') this.give(first, self);
    else if (name === 'union' || name === 'unionAll' || name === 'intersect' || name === 'except') {
      for (const arg of args) this.give(arg, { kind: 'query', scope: this.query(arg, undefined, scope.conditional) });
    }
    return self;
  }

  /** A table argument: `'users'`, `'users as u'`, `{ u: 'users' }`, or a subquery `.as('sub')`. */
  private from(scope: QueryScope, arg: ts.Expression | undefined): void {
    if (!arg) return;
    const e = unwrap(arg);
    const text = this.text(e);
    if (text !== undefined) {
      scope.addTable(text);
      return;
    }
    if (ts.isObjectLiteralExpression(e)) {
      for (const entry of objectEntries(e)) {
        const table = this.text(entry.value);
        if (table !== undefined) scope.addTable(`${table} as ${entry.key}`);
      }
      return;
    }
    const sub = ts.isCallExpression(e) ? this.resolve(e) : undefined;
    scope.hasFrom = true;
    if (sub?.kind === 'query' && sub.scope.alias !== undefined) scope.names.add(sub.scope.alias);
  }

  private join(scope: QueryScope, args: readonly ts.Expression[]): void {
    const [table, a, b, c] = args;
    this.from(scope, table);
    const on = a ? unwrap(a) : undefined;
    if (on && (ts.isArrowFunction(on) || ts.isFunctionExpression(on))) {
      this.give(on, { kind: 'expression', scope });
    } else if (on && ts.isObjectLiteralExpression(on)) {
      for (const entry of objectEntries(on)) {
        scope.column(entry.key, entry.keyNode, 'read');
        this.columns(scope, entry.value, 'read');
      }
    } else {
      this.columns(scope, a, 'read');
      this.columns(scope, c ?? b, 'read');
    }
  }

  /** `where('email', x)`, `where('age', '>', 3)`, `where({ email })`, `where((qb) => …)`, `whereColumn('a', '=', 'b')`. */
  private where(scope: QueryScope, args: readonly ts.Expression[], bothColumns: boolean): void {
    const [first, second, third] = args;
    const e = first ? unwrap(first) : undefined;
    if (!e) return;
    if (ts.isObjectLiteralExpression(e)) {
      for (const entry of objectEntries(e)) scope.column(entry.key, entry.keyNode, 'read');
    } else if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) {
      // A grouped condition: same tables, so it reads through this query.
      this.give(e, { kind: 'query', scope: this.newScope(e, scope, scope.conditional) });
    } else if (this.text(e) !== undefined && args.length >= 2) {
      scope.column(this.text(e)!, e, 'read');
      if (bothColumns) this.columns(scope, third ?? second, 'read');
      else this.subquery(scope, third ?? second);
    }
  }

  /** A subquery given as a callback (`whereIn('id', function () { this.select('owner_id').from('pets') })`). */
  private subquery(scope: QueryScope, arg: ts.Expression | undefined): void {
    const e = arg ? unwrap(arg) : undefined;
    if (e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e))) this.give(e, { kind: 'query', scope: this.query(e, scope, scope.conditional) });
  }

  /** Column strings: `'email'`, `['a', 'u.b as c']`, and for selects `{ alias: 'column' }`. */
  private columns(scope: QueryScope, arg: ts.Expression | undefined, kind: 'read' | 'write', selectObject = false, target = false): void {
    if (!arg) return;
    for (const s of this.texts(arg)) scope.column(s.value, s.node, kind, target);
    const e = unwrap(arg);
    if (selectObject && ts.isObjectLiteralExpression(e)) {
      for (const entry of objectEntries(e)) for (const s of this.texts(entry.value)) scope.column(s.value, s.node, kind);
    }
  }

  /** Insert/update data: its keys are written; an insert records them (null when not every key is known). */
  private data(scope: QueryScope, arg: ts.Expression | undefined, insert: boolean): void {
    const rows = this.rowEntries(arg);
    if (!rows) {
      if (insert) scope.insertColumns = null;
      return;
    }
    const keys: string[] = [];
    for (const entry of rows.entries) {
      scope.column(entry.key, entry.keyNode, 'write', true);
      if (!keys.includes(entry.key)) keys.push(entry.key);
    }
    if (insert) scope.insertColumns = rows.complete ? keys : null;
  }
}
