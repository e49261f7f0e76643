/**
 * Kysely: table and column strings of query chains on a Kysely instance (`db.selectFrom('users as u')
 * .select(['u.email'])`), including expression-builder callbacks (`eb('email', '=', x)`, `eb.ref('u.id')`,
 * `eb.fn.count('id')`). An instance is known by `new Kysely<DB>()`, the `Kysely`/`Transaction` types, a
 * transaction callback, or an import from a file that exports one (decided in link). `sql\`…\`` belongs to the
 * raw-sql extractor.
 *
 * The `DB` interface (kysely-codegen) is not read: it lists the columns the database had when it was generated,
 * which the replayed migrations know better, and `selectAll()` is a table-level implicit read that rules expand
 * against the schema they check.
 */
import { ts } from 'ts-morph';
import type { Extractor } from '../extractor.js';
import { BuilderFile, parseTable, type BuilderValue, type QueryScope } from './knex/builder-query.js';
import { chainHasMethod, decomposeChain, typeReference, unwrap, type MethodCall } from './syntax.js';

const INSTANCE_TYPES = new Set(['Kysely', 'Transaction', 'ControlledTransaction']);
/** Instance methods that return an instance (or a transaction / connection builder that hands one out). */
const KEEPS_INSTANCE = new Set(['transaction', 'connection', 'startTransaction', 'withPlugin', 'withoutPlugins', 'withTables', 'setIsolationLevel', 'setAccessMode']);
const JOINS = /^(innerJoin|leftJoin|rightJoin|fullJoin|crossJoin)(Lateral)?$/;
const READ_LISTS = new Set(['select', 'distinctOn', 'groupBy', 'returning', 'clearSelect']);
const WHERE = new Set(['where', 'having', 'orWhere', 'orHaving', 'on', 'when']);
const REFS = new Set(['whereRef', 'havingRef', 'onRef', 'orWhereRef', 'orOnRef']);
const TERMINALS = /^(execute|executeTakeFirst|executeTakeFirstOrThrow|stream|compile|explain|then)$/;

/** Method names of Kysely builders and expression builders; a chain with none of them is not read. */
const KYSELY_METHODS = new Set(
  `selectFrom insertInto updateTable deleteFrom replaceInto mergeInto selectNoFrom with withRecursive withMaterialized
  withNotMaterialized withSchema transaction connection startTransaction execute executeTakeFirst executeTakeFirstOrThrow select
  selectAll where whereRef having havingRef orWhere orWhereRef orderBy groupBy distinctOn returning returningAll values columns set
  onConflict onDuplicateKeyUpdate innerJoin leftJoin rightJoin fullJoin crossJoin innerJoinLateral leftJoinLateral crossJoinLateral
  from using $if $call as limit offset ref count countAll sum max min avg coalesce agg and or not exists between betweenSymmetric
  case when onRef orOnRef on column doUpdateSet doNothing whenMatched whenNotMatched thenUpdateSet thenInsertValues`.split(/\s+/),
);

/** Calls that start a Kysely query on an instance, and calls of which at least one must follow (with the table named). */
const QUERY_STARTS = new Set(['selectFrom', 'insertInto', 'updateTable', 'deleteFrom', 'replaceInto', 'mergeInto']);
const QUERY_FOLLOWS = new Set(
  `select selectAll where whereRef having values set returning returningAll execute executeTakeFirst executeTakeFirstOrThrow onConflict
  innerJoin leftJoin rightJoin fullJoin orderBy groupBy distinctOn limit offset columns $if $call compile stream using`.split(/\s+/),
);

const WANTS = /kysely|\.(?:selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\s*\(/;

export const kyselyExtractor: Extractor = {
  name: 'kysely',
  wants: (text) => WANTS.test(text),
  extract(input, facts) {
    if (input.sourceFile) new KyselyFile(input, input.sourceFile, facts, 'kysely').run();
  },
};

class KyselyFile extends BuilderFile {
  /** A chain using Kysely's method names, or a call of an expression builder (`eb('email', '=', x)`). */
  protected worthReading(call: ts.CallExpression): boolean {
    if (chainHasMethod(call, KYSELY_METHODS)) return true;
    const { root } = decomposeChain(call);
    const callee = ts.isCallExpression(root) ? unwrap(root.expression) : undefined;
    return callee !== undefined && ts.isIdentifier(callee) && this.givenNames.has(callee.text);
  }

  /** `ctx.db.selectFrom('users').select(…)`, `this.database.db.insertInto(TABLE).values(…)` on a receiver not traced. */
  protected shaped(_root: ts.Expression, calls: readonly MethodCall[]): 'method' | undefined {
    const [first, ...rest] = calls;
    if (!first || !QUERY_STARTS.has(first.name) || first.args.length === 0) return undefined;
    const tables = this.texts(first.args[0]);
    if (tables.length === 0 || !tables.every((t) => parseTable(t.value) !== undefined)) return undefined;
    return rest.some((c) => QUERY_FOLLOWS.has(c.name)) ? 'method' : undefined;
  }

  /** `new Kysely<DB>({ … })`, and `eb.fn` of an expression builder. */
  protected rootValue(node: ts.Expression): BuilderValue | undefined {
    const e = unwrap(node);
    if (ts.isNewExpression(e)) {
      const callee = e.expression;
      const named = ts.isIdentifier(callee) && this.libraryBindings.some((b) => b.local === callee.text && b.imported === 'Kysely');
      const qualified = ts.isPropertyAccessExpression(callee) && callee.name.text === 'Kysely' && ts.isIdentifier(callee.expression) && this.isLibraryImport(callee.expression.text);
      return named || qualified ? { kind: 'instance' } : undefined;
    }
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'fn') {
      const base = this.resolve(e.expression);
      if (base?.kind === 'expression') return { kind: 'expression', scope: base.scope, role: 'fn' };
    }
    return undefined;
  }

  protected typeValue(type: ts.TypeNode | undefined): BuilderValue | undefined {
    const ref = typeReference(type);
    if (!ref || !INSTANCE_TYPES.has(ref.name)) return undefined;
    const local = ref.qualifier ?? ref.name;
    const binding = this.libraryBindings.find((b) => b.local === local);
    if (!binding || (ref.qualifier === undefined && binding.imported !== ref.name)) return undefined;
    return { kind: 'instance' };
  }

  protected isInstanceClass(node: ts.ClassLikeDeclaration): boolean {
    const base = node.heritageClauses?.find((c) => c.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    return base !== undefined && ts.isIdentifier(base) && this.libraryBindings.some((b) => b.local === base.text && b.imported === 'Kysely');
  }

  /** `db.transaction().execute(async (trx) => …)`, `db.connection().execute(async (conn) => …)`. */
  protected override callbackParameter(parameter: ts.ParameterDeclaration): BuilderValue | undefined {
    const fn = parameter.parent;
    if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || fn.parameters[0] !== parameter || !ts.isCallExpression(fn.parent)) return undefined;
    const callee = unwrap(fn.parent.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'execute') return undefined;
    const receiver = this.resolve(callee.expression);
    return receiver?.kind === 'instance' ? receiver : undefined;
  }

  /** `eb('email', '=', x)`, `eb.fn('upper', ['email'])`. */
  protected call(value: BuilderValue, call: ts.CallExpression): BuilderValue | undefined {
    if (value.kind !== 'expression') return undefined;
    if (value.role === 'fn') this.refs(value.scope, call.arguments[1]);
    else this.refs(value.scope, call.arguments[0]);
    return { kind: 'expression', scope: value.scope };
  }

  protected method(value: BuilderValue, call: MethodCall): BuilderValue | undefined {
    if (value.kind === 'instance') return this.instanceMethod(value.conditional, undefined, call);
    if (value.kind === 'expression') return this.expressionMethod(value, call);
    return this.queryMethod(value.scope, call);
  }

  /** Methods of an instance, or of a query creator that `with()`/`withSchema()` returned (`creator`). */
  private instanceMethod(conditional: string | undefined, creator: QueryScope | undefined, call: MethodCall): BuilderValue | undefined {
    const { name, args } = call;
    const [first, second] = args;
    const open = (kind: QueryScope['kind']): QueryScope => {
      const scope = this.newScope(call.nameNode, creator, conditional);
      scope.resolveAtCall = true;
      if (creator?.defaultSchema !== undefined) scope.defaultSchema = creator.defaultSchema;
      scope.kind = kind;
      return scope;
    };
    switch (name) {
      case 'selectFrom': {
        const scope = open('select');
        this.from(scope, first);
        return { kind: 'query', scope };
      }
      case 'selectNoFrom': {
        const scope = open('select');
        this.list(scope, first);
        return { kind: 'query', scope };
      }
      case 'insertInto':
      case 'replaceInto':
      case 'updateTable':
      case 'deleteFrom':
      case 'mergeInto': {
        const scope = open(name === 'updateTable' || name === 'mergeInto' ? 'update' : name === 'deleteFrom' ? 'delete' : 'insert');
        this.from(scope, first, true);
        return { kind: 'query', scope };
      }
      case 'with':
      case 'withRecursive':
      case 'withMaterialized':
      case 'withNotMaterialized': {
        const names = creator ?? this.newScope(call.call, undefined, conditional);
        const cte = this.text(first);
        if (cte !== undefined) names.names.add(cte.replace(/\(.*$/, '').trim());
        this.give(second, { kind: 'instance', ...(conditional !== undefined ? { conditional } : {}) });
        return { kind: 'expression', scope: names, role: 'creator' };
      }
      case 'withSchema': {
        const names = creator ?? this.newScope(call.call, undefined, conditional);
        const schema = this.text(first);
        if (schema !== undefined) names.defaultSchema = schema;
        return { kind: 'expression', scope: names, role: 'creator' };
      }
    }
    if (creator === undefined && KEEPS_INSTANCE.has(name)) return { kind: 'instance', ...(conditional !== undefined ? { conditional } : {}) };
    return undefined;
  }

  private queryMethod(scope: QueryScope, call: MethodCall): BuilderValue | undefined {
    const { name, args } = call;
    const [first, second, third] = args;
    const self: BuilderValue = { kind: 'query', scope };
    if (TERMINALS.test(name)) return undefined;
    if (name === 'from' || name === 'using') this.from(scope, first);
    else if (JOINS.test(name)) {
      this.from(scope, first);
      const on = second ? unwrap(second) : undefined;
      if (on && (ts.isArrowFunction(on) || ts.isFunctionExpression(on))) this.give(on, { kind: 'expression', scope, role: 'join' });
      else {
        this.refs(scope, second);
        this.refs(scope, third);
      }
    } else if (name === 'selectAll' || name === 'returningAll') {
      if (name === 'selectAll' && first) for (const s of this.texts(first)) scope.stars.push({ qualifier: s.value, node: s.node });
      else scope.stars.push({ node: call.nameNode });
      if (name === 'selectAll') scope.selects = true;
    } else if (READ_LISTS.has(name)) {
      if (name === 'select') scope.selects = true;
      this.list(scope, first);
    } else if (name === 'orderBy') {
      this.list(scope, first, true);
    } else if (WHERE.has(name)) this.condition(scope, args);
    else if (REFS.has(name)) {
      this.refs(scope, first);
      this.refs(scope, third);
    } else if (name === 'values') this.data(scope, first, true);
    else if (name === 'columns') {
      const columns = this.texts(first);
      for (const c of columns) scope.column(c.value, c.node, 'write', true);
      scope.insertColumns = columns.map((c) => c.value);
    } else if (name === 'set') {
      if (this.text(first) !== undefined) scope.column(this.text(first)!, first!, 'write', true);
      else this.data(scope, first, false);
    } else if (name === 'onConflict' || name === 'onDuplicateKeyUpdate') {
      if (name === 'onConflict') this.give(first, { kind: 'expression', scope, role: 'conflict' });
      else this.data(scope, first, false);
    } else if (name === '$if') this.give(second, self);
    else if (name === '$call') this.give(first, self);
    else if (name === 'as') scope.alias = this.text(first);
    else if (name === 'whenMatched' || name === 'whenNotMatched' || name === 'thenUpdateSet' || name === 'thenInsertValues') {
      if (name === 'thenUpdateSet') this.data(scope, first, false);
    }
    return self;
  }

  private expressionMethod(value: Extract<BuilderValue, { kind: 'expression' }>, call: MethodCall): BuilderValue | undefined {
    const { name, args } = call;
    const [first, second, third] = args;
    const scope = value.scope;
    if (value.role === 'creator') return this.instanceMethod(scope.conditional, scope, call);
    if (value.role === 'fn') {
      if (name !== 'countAll' && name !== 'agg') for (const arg of args) this.refs(scope, arg);
      if (name === 'agg') this.refs(scope, second);
      return { kind: 'expression', scope };
    }
    switch (name) {
      case 'selectFrom': {
        // A subquery: its own tables, and the enclosing query's for correlated names.
        const sub = this.newScope(call.nameNode, scope, scope.conditional);
        sub.resolveAtCall = true;
        this.from(sub, first);
        return { kind: 'query', scope: sub };
      }
      case 'ref':
      case 'column':
      case 'columns':
      case 'between':
      case 'betweenSymmetric':
      case 'when':
      case 'on':
      case 'where':
        this.refs(scope, first);
        return value;
      case 'onRef':
      case 'whereRef':
        this.refs(scope, first);
        this.refs(scope, third);
        return value;
      case 'doUpdateSet': {
        const fn = first ? unwrap(first) : undefined;
        const body = fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) ? this.returned(fn) : first;
        if (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) this.give(fn, { kind: 'expression', scope });
        this.data(scope, body, false);
        return value;
      }
    }
    return value;
  }

  /** A table argument: `'users'`, `'users as u'`, `['a', 'b']`, or a subquery callback ending in `.as('x')`. */
  private from(scope: QueryScope, arg: ts.Expression | undefined, target = false): void {
    if (!arg) return;
    const e = unwrap(arg);
    const strings = this.texts(e);
    for (const s of strings) scope.addTable(s.value, target);
    if (strings.length > 0) return;
    const fn = ts.isArrowFunction(e) || ts.isFunctionExpression(e) ? e : undefined;
    if (fn) this.give(fn, { kind: 'expression', scope });
    scope.hasFrom = true;
    const body = fn ? this.returned(fn) : e;
    if (body && ts.isCallExpression(unwrap(body))) {
      const call = unwrap(body) as ts.CallExpression;
      const callee = unwrap(call.expression);
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'as') {
        const alias = this.text(call.arguments[0]);
        if (alias !== undefined) scope.names.add(alias);
      }
    }
  }

  /** What an arrow or function returns when it is a single expression or one `return`. */
  private returned(fn: ts.ArrowFunction | ts.FunctionExpression): ts.Expression | undefined {
    if (!ts.isBlock(fn.body)) return fn.body;
    const last = fn.body.statements.at(-1);
    return last && ts.isReturnStatement(last) ? last.expression : undefined;
  }

  /** A select-like list: `'a'`, `['a', 'u.b as c']`, or a callback (`(eb) => [...]`). */
  private list(scope: QueryScope, arg: ts.Expression | undefined, orderBy = false): void {
    if (!arg) return;
    const e = unwrap(arg);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) {
      this.give(e, { kind: 'expression', scope });
      // `(eb) => ['species', eb.fn.count('id').as('n')]`: the plain strings are column references too.
      for (const s of this.texts(this.returned(e))) scope.column(s.value, s.node, 'read');
      return;
    }
    for (const s of this.texts(e)) {
      const text = orderBy ? s.value.replace(/\s+(asc|desc)(\s+nulls\s+(first|last))?\s*$/i, '') : s.value;
      scope.column(text, s.node, 'read');
    }
  }

  /** `where('email', '=', x)` or `where((eb) => …)`. */
  private condition(scope: QueryScope, args: readonly ts.Expression[]): void {
    const [first] = args;
    const e = first ? unwrap(first) : undefined;
    if (!e) return;
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) this.give(e, { kind: 'expression', scope });
    else this.refs(scope, e);
  }

  /** Reference strings (`'u.email'`) directly or in an array. */
  private refs(scope: QueryScope, arg: ts.Expression | undefined): void {
    for (const s of this.texts(arg)) scope.column(s.value, s.node, 'read');
  }

  /** Insert/update data objects: keys are written columns; an insert records them (null when not every key is known). */
  private data(scope: QueryScope, arg: ts.Expression | undefined, insert: boolean): void {
    let e = arg ? unwrap(arg) : undefined;
    if (e && ts.isIdentifier(e)) {
      const initializer = this.constants.constInitializer(e);
      if (initializer && (ts.isArrowFunction(unwrap(initializer)) || ts.isFunctionExpression(unwrap(initializer)))) e = unwrap(initializer);
    }
    if (e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e))) {
      this.give(e, { kind: 'expression', scope });
      e = this.returned(e);
      e = e ? unwrap(e) : undefined;
    }
    const rows = this.rowEntries(e);
    if (!rows) {
      if (insert) scope.insertColumns = null;
      return;
    }
    const keys: string[] = [];
    for (const entry of rows.entries) {
      scope.column(entry.key, entry.keyNode, 'write', true);
      if (!keys.includes(entry.key)) keys.push(entry.key);
      // `{ first_name: (eb) => eb.ref('excluded.first_name') }`
      if (entry.value) this.give(entry.value, { kind: 'expression', scope });
    }
    if (insert) scope.insertColumns = rows.complete ? keys : null;
  }
}
