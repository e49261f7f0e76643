/**
 * What Knex and Kysely have in common: queries built from table and column strings (`'users as u'`,
 * `'u.email'`), resolved inside the file to References without any model. A QueryScope collects one query's
 * tables, aliases and column strings while its chain (and the chains of its callbacks) are read; names are
 * resolved at the end, because Knex may name columns before tables (`select('email').from('users')`).
 */
import { ts } from 'ts-morph';
import type { ExtractInput } from '../../extractor.js';
import type { FileFacts, ImportBinding } from '../../facts.js';
import { importsFrom } from '../../imports.js';
import { lineSnippet, nodeLocation } from '../../node-location.js';
import type { Confidence, Reference, ReferenceKind } from '../../reference.js';
import {
  Scopes,
  commonJsExport,
  decomposeChain,
  exportNames,
  propertyEntry,
  isChainEnd,
  isRequireDeclaration,
  isThisMember,
  thisContainer,
  unwrap,
  type MethodCall,
  type ObjectEntry,
} from '../syntax.js';
import { Constants, type ConstantString } from '../constants.js';

export type { TableSource } from '../../names.js';
import type { TableSource } from '../../names.js';

interface ColumnUse {
  text: string;
  node: ts.Node;
  kind: ReferenceKind;
  /** Qualifier-less strings of `insert`/`update` data belong to the written table. */
  target?: boolean;
  /** How many tables the query had when the string was given (Kysely resolves names against those). */
  tablesAtCall: number;
}

/** Marks a conditional that a chain's shape also satisfies (see QueryScope.conditional). */
export const SHAPE = '#shape';

export type QueryKind = 'select' | 'insert' | 'update' | 'delete';

export class QueryScope {
  readonly tables: TableSource[] = [];
  /** Names that are no tables: CTEs, derived-table aliases. */
  readonly names = new Set<string>();
  readonly columns: ColumnUse[] = [];
  readonly stars: { qualifier?: string; node: ts.Node }[] = [];
  kind: QueryKind = 'select';
  /** The table written by insert/update/delete when the query names it apart (`insertInto('users')`). */
  target?: TableSource;
  /** Whether a select list narrows the columns read. */
  selects = false;
  /** Knex: a select query without a select list reads `*`. */
  implicitStar = false;
  /** `withSchema('billing')`: the schema of unqualified tables. */
  defaultSchema?: string;
  /** `.as('sub')`: the name an enclosing query knows this one by. */
  alias?: string;
  /** Whether the query names what it reads from (tables, CTEs, subqueries): then its columns are its own. */
  hasFrom = false;
  /** Kysely: an unqualified column belongs to the tables joined before it (its types say so). */
  resolveAtCall = false;
  /** Insert columns; null when the data is not a literal. */
  insertColumns?: string[] | null;
  /** Where the query starts (for table-level references). */
  node: ts.Node;

  constructor(
    node: ts.Node,
    readonly parent: QueryScope | undefined,
    /**
     * The imported name the query's references depend on (see ConditionalReferences), followed by SHAPE when the
     * chain has the library's shape (then they also hold when the project depends on the library); SHAPE alone
     * when the receiver was not traced at all.
     */
    public conditional: string | undefined,
  ) {
    this.node = node;
  }

  addTable(spec: string, target = false): TableSource | undefined {
    const parsed = parseTable(spec);
    if (!parsed) return undefined;
    this.hasFrom = true;
    if (this.isName(parsed.table) && parsed.schema === undefined) return undefined;
    const source = parsed.schema === undefined && this.defaultSchema !== undefined ? { ...parsed, schema: this.defaultSchema } : parsed;
    this.tables.push(source);
    if (target) this.target = source;
    return source;
  }

  /** The table an insert, update or delete writes. */
  get written(): TableSource | undefined {
    return this.kind === 'select' ? undefined : (this.target ?? this.tables[0]);
  }

  column(text: string, node: ts.Node, kind: ReferenceKind, target = false): void {
    this.columns.push({ text, node, kind, ...(target ? { target } : {}), tablesAtCall: this.tables.length });
  }

  /** This query and the queries enclosing it, nearest first. */
  private lineage(): QueryScope[] {
    const out: QueryScope[] = [];
    for (let s: QueryScope | undefined = this as QueryScope; s; s = s.parent) out.push(s);
    return out;
  }

  private isName(name: string): boolean {
    return this.lineage().some((s) => s.names.has(name));
  }

  /** The source a qualifier names in this scope or an enclosing one: alias first, then table name. */
  qualified(qualifier: string, schema?: string): TableSource | 'name' | undefined {
    for (const s of this.lineage()) {
      const byAlias = s.tables.find((t) => t.alias === qualifier && schema === undefined);
      if (byAlias) return byAlias;
      const byName = s.tables.find((t) => t.table === qualifier && t.alias === undefined && (schema === undefined || t.schema === schema));
      if (byName) return byName;
      if (s.names.has(qualifier)) return 'name';
      if (qualifier === 'excluded' && s.written) return s.written;
    }
    return undefined;
  }

  /** Tables an unqualified column may belong to: this query's, else the nearest enclosing query's (grouped where). */
  candidates(tablesAtCall?: number): TableSource[] {
    const owner = this.lineage().find((s) => s.hasFrom);
    if (!owner) return [];
    if (owner === this && this.resolveAtCall && tablesAtCall !== undefined && tablesAtCall > 0) return owner.tables.slice(0, tablesAtCall);
    return owner.tables;
  }
}

export { parseColumn, parseTable } from '../../names.js';
import { parseColumn, parseTable } from '../../names.js';

/** A Knex/Kysely value as far as the file shows: an instance, a query being built, or a callback's helper. */
export type BuilderValue =
  | { kind: 'instance'; conditional?: string }
  | { kind: 'query'; scope: QueryScope }
  /** Kysely's expression builder `eb`, a join builder, Knex's join clause, an `onConflict` builder. */
  | { kind: 'expression'; scope: QueryScope; role?: string };

/**
 * One file read by a query-builder extractor. Subclasses say what an instance looks like and what each method
 * does; this class walks chains, follows variables and callbacks, and emits References at the end.
 */
export abstract class BuilderFile {
  protected readonly scopes: Scopes;
  private readonly queries: QueryScope[] = [];
  private readonly chains = new Map<ts.Node, BuilderValue | undefined>();
  private readonly declarations = new Map<ts.Node, BuilderValue | undefined>();
  private readonly pending = new Set<ts.Node>();
  /** Callback parameters and `function` nodes (for `this`) that receive a value from the call they are given to. */
  private readonly given = new Map<ts.Node, BuilderValue>();
  /** Names of the parameters in `given`, for worthReading. */
  protected readonly givenNames = new Set<string>();

  constructor(
    protected readonly input: ExtractInput,
    protected readonly sourceFile: ts.SourceFile,
    protected readonly facts: FileFacts,
    protected readonly library: 'knex' | 'kysely',
  ) {
    this.scopes = Scopes.of(sourceFile);
    this.constants = new Constants(sourceFile, input.imports, [library]);
  }

  protected readonly constants: Constants;

  /** The string an argument stands for: a literal or a constant (see Constants). */
  protected text(node: ts.Expression | undefined): string | undefined {
    return this.constants.string(node);
  }

  /** The strings of an argument: `'a'`, `['a', 'b']`, a constant array, spreads of them. */
  protected texts(node: ts.Expression | undefined): ConstantString[] {
    return this.constants.strings(node);
  }

  /**
   * The keys of insert/update data, statically: an object literal, a `const` holding one, an array of them,
   * what a local function or a method of this class returns (`toRow(user)`, `this.toRow(user)`), the callback
   * of `rows.map(…)`, and the spreads of such objects. `complete` is false when some spread or branch could
   * not be read: the keys found are written, but the full column list of an insert is unknown.
   */
  protected rowEntries(arg: ts.Expression | undefined): { entries: ObjectEntry[]; complete: boolean } | undefined {
    const entries: ObjectEntry[] = [];
    let complete = true;
    let found = false;
    const seen = new Set<ts.Node>();
    const visit = (node: ts.Expression, depth: number): boolean => {
      const e = unwrap(node);
      if (depth > 6 || seen.has(e)) return false;
      seen.add(e);
      if (ts.isObjectLiteralExpression(e)) {
        for (const p of e.properties) {
          if (ts.isSpreadAssignment(p)) {
            if (!visit(p.expression, depth + 1)) complete = false;
            continue;
          }
          const entry = propertyEntry(p);
          if (entry) entries.push(entry);
          else complete = false;
        }
        return true;
      }
      if (ts.isArrayLiteralExpression(e)) {
        let any = false;
        for (const element of e.elements) {
          if (visit(ts.isSpreadElement(element) ? element.expression : element, depth + 1)) any = true;
          else complete = false;
        }
        return any;
      }
      if (ts.isIdentifier(e)) {
        const initializer = this.constants.constInitializer(e);
        return initializer !== undefined && visit(initializer, depth + 1);
      }
      if (ts.isCallExpression(e)) {
        const callee = unwrap(e.expression);
        if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'map' && e.arguments[0]) {
          const fn = this.functionOf(e.arguments[0]);
          return fn !== undefined && this.returnedAll(fn).some((r) => visit(r, depth + 1));
        }
        const fn = this.functionOf(callee);
        if (!fn) return false;
        const results = this.returnedAll(fn);
        let any = false;
        for (const r of results) {
          if (visit(r, depth + 1)) any = true;
          else complete = false;
        }
        return any;
      }
      return false;
    };
    if (arg) found = visit(arg, 0);
    return found ? { entries, complete } : undefined;
  }

  /** The function a callee names: an arrow or function given in place, a local function or `const` arrow, a method of this class (`this.toRow`). */
  private functionOf(node: ts.Expression): ts.FunctionLikeDeclaration | undefined {
    const e = unwrap(node);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return e;
    if (ts.isIdentifier(e)) {
      const binding = this.scopes.lookup(e);
      if (binding?.kind === 'function') return binding.node as ts.FunctionDeclaration;
      const initializer = this.constants.constInitializer(e);
      const fn = initializer ? unwrap(initializer) : undefined;
      return fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) ? fn : undefined;
    }
    if (isThisMember(e)) {
      const container = thisContainer(e);
      if (!container || !ts.isClassLike(container)) return undefined;
      for (const member of container.members) {
        if (ts.isMethodDeclaration(member) && member.body && ts.isIdentifier(member.name) && member.name.text === e.name.text) return member;
        if (ts.isPropertyDeclaration(member) && ts.isIdentifier(member.name) && member.name.text === e.name.text && member.initializer) {
          const fn = unwrap(member.initializer);
          if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) return fn;
        }
      }
    }
    return undefined;
  }

  /** Every expression a function returns (its own `return`s, not those of functions nested in it). */
  private returnedAll(fn: ts.FunctionLikeDeclaration): ts.Expression[] {
    if (!fn.body) return [];
    if (!ts.isBlock(fn.body)) return [fn.body];
    const out: ts.Expression[] = [];
    const visit = (node: ts.Node): void => {
      if (ts.isReturnStatement(node)) {
        if (node.expression) out.push(node.expression);
        return;
      }
      if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(fn.body, visit);
    return out;
  }

  /** What a root that is not a variable, parameter or `this` is (a call such as `knex(config)`, `new Kysely()`). */
  protected abstract rootValue(node: ts.Expression): BuilderValue | undefined;
  /** What a declared type says (`Knex`, `Kysely<DB>`, `Transaction<DB>`). */
  protected abstract typeValue(type: ts.TypeNode | undefined): BuilderValue | undefined;
  /** Whether an import binding is the library's own (types and factories, never an instance). */
  /** The bindings this file imports from the library's own module (`knex`, `kysely`). */
  protected get libraryBindings(): ImportBinding[] {
    return importsFrom(this.input.imports, [this.library]);
  }

  protected isLibraryImport(local: string): boolean {
    return this.libraryBindings.some((b) => b.local === local);
  }
  /** Applies one method call; returns what the chain holds afterwards. */
  protected abstract method(value: BuilderValue, call: MethodCall): BuilderValue | undefined;
  /** A cheap syntactic test (method names) before a chain's root is resolved. */
  protected abstract worthReading(call: ts.CallExpression): boolean;
  /** A root call on a value (`knex('users')`, Kysely `eb('email', '=', x)`). */
  protected abstract call(value: BuilderValue, call: ts.CallExpression): BuilderValue | undefined;

  run(): void {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && isChainEnd(node) && this.worthReading(node)) this.chain(node);
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
    this.emit();
    this.exportInstances();
  }

  protected newScope(node: ts.Node, parent: QueryScope | undefined, conditional: string | undefined): QueryScope {
    const scope = new QueryScope(node, parent, conditional);
    this.queries.push(scope);
    return scope;
  }

  /** Gives a callback's first parameter (and `this` of a `function`) a value. */
  protected give(callback: ts.Expression | undefined, value: BuilderValue, parameterIndex = 0): void {
    if (!callback) return;
    const fn = unwrap(callback);
    if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return;
    const parameter = fn.parameters[parameterIndex];
    if (parameter) this.given.set(parameter, value);
    if (parameter && ts.isIdentifier(parameter.name)) this.givenNames.add(parameter.name.text);
    if (ts.isFunctionExpression(fn)) this.given.set(fn, value);
  }

  /** The value of a chain ending at `call` (read once, whoever asks first). */
  protected chain(call: ts.CallExpression): BuilderValue | undefined {
    if (this.chains.has(call)) return this.chains.get(call);
    this.chains.set(call, undefined);
    const { root, calls } = decomposeChain(call);
    const firstQuery = this.queries.length;
    let value: BuilderValue | undefined;
    if (calls.length === 0) {
      const callee = ts.isCallExpression(root) ? unwrap(root.expression) : undefined;
      const target = callee ? this.resolve(callee) : undefined;
      value = target && ts.isCallExpression(root) ? this.call(target, root) : this.rootValue(root);
    } else {
      value = this.resolve(root);
      let rest = calls;
      if (!value) {
        // `this.knex('users')`: the first call is a member holding an instance, not a method of `this`.
        const target = this.resolve(unwrap(calls[0]!.call.expression));
        if (target) [value, rest] = [this.call(target, calls[0]!.call), calls.slice(1)];
      }
      if (!value) {
        // A receiver the file cannot trace (`ctx.db`, `this.database.db`, a DI container's): the library's own
        // method names with its argument shapes are read as on an instance, holding if the project depends on it.
        const shape = this.shaped(root, calls);
        const instance: BuilderValue = { kind: 'instance', conditional: SHAPE };
        if (shape === 'root' && ts.isCallExpression(unwrap(root))) value = this.call(instance, unwrap(root) as ts.CallExpression);
        else if (shape === 'call') [value, rest] = [this.call(instance, calls[0]!.call), calls.slice(1)];
        else if (shape === 'method') value = instance;
      }
      for (const c of rest) {
        if (!value) break;
        value = this.method(value, c);
      }
    }
    // An instance imported from a module that exports none (a wrapper, a type alias): the chain still counts by its shape.
    if (this.queries.length > firstQuery && this.queries.slice(firstQuery).some((q) => q.conditional !== undefined && !q.conditional.includes(SHAPE)) && this.shaped(root, calls)) {
      for (const q of this.queries.slice(firstQuery)) if (q.conditional !== undefined && !q.conditional.includes(SHAPE)) q.conditional += SHAPE;
    }
    this.chains.set(call, value);
    return value;
  }

  /**
   * Whether a chain on a receiver the file cannot trace is the library's: `'root'` when the chain starts with a
   * call that takes the table (`db(TABLE).where(…)`), `'call'` when its first method call does
   * (`this.db(TABLE).where(…)`), `'method'` when the receiver's methods start the query
   * (`ctx.db.selectFrom('users')…`), undefined when the names or argument shapes are not the library's.
   */
  protected abstract shaped(root: ts.Expression, calls: readonly MethodCall[]): 'root' | 'call' | 'method' | undefined;

  /** Whether an argument names a table: a string or constant such as `'users'`, `'public.users as u'`, or an imported constant. */
  protected tableArgument(node: ts.Expression | undefined): boolean {
    const text = this.text(node);
    return text !== undefined && parseTable(text) !== undefined;
  }

  protected resolve(node: ts.Expression): BuilderValue | undefined {
    const e = unwrap(node);
    if (ts.isIdentifier(e)) return this.identifier(e);
    if (e.kind === ts.SyntaxKind.ThisKeyword) {
      const container = thisContainer(e);
      return container ? this.given.get(container) : undefined;
    }
    if (isThisMember(e)) return this.member(e);
    if (ts.isCallExpression(e)) {
      const { calls } = decomposeChain(e);
      if (calls.length > 0) return this.chain(e);
      const target = this.resolve(e.expression);
      return target ? this.call(target, e) : this.rootValue(e);
    }
    return this.rootValue(e);
  }

  private remember(node: ts.Node, compute: () => BuilderValue | undefined): BuilderValue | undefined {
    if (this.declarations.has(node)) return this.declarations.get(node);
    if (this.pending.has(node)) return undefined;
    this.pending.add(node);
    const value = compute();
    this.pending.delete(node);
    this.declarations.set(node, value);
    return value;
  }

  private identifier(id: ts.Identifier): BuilderValue | undefined {
    const binding = this.scopes.lookup(id);
    if (!binding || (binding.kind === 'variable' && isRequireDeclaration(binding.node))) {
      // Imported from elsewhere: an instance if that module exports one (decided in link).
      const imported = this.input.imports.find((b) => b.local === id.text);
      if (imported && !this.isLibraryImport(id.text)) return { kind: 'instance', conditional: id.text };
      return undefined;
    }
    if (binding.kind === 'variable') {
      const declaration = binding.node;
      return this.remember(declaration, () => this.declaredType(declaration.type) ?? (declaration.initializer ? this.resolve(declaration.initializer) : undefined));
    }
    if (binding.kind === 'parameter') return this.given.get(binding.node) ?? this.declaredType(binding.node.type) ?? this.callbackParameter(binding.node);
    return undefined;
  }

  /** Whether a class's instances are instances of the library (`class Database extends Kysely<DB> {}`). */
  protected abstract isInstanceClass(node: ts.ClassLikeDeclaration): boolean;

  /**
   * What a declared type says: the library's own types (typeValue), a class of this file that extends the
   * library's, or a class imported from another file, which counts if that file exports such a class (link).
   */
  private declaredType(type: ts.TypeNode | undefined): BuilderValue | undefined {
    const own = this.typeValue(type);
    if (own || !type || !ts.isTypeReferenceNode(type) || !ts.isIdentifier(type.typeName)) return own;
    const name = type.typeName;
    const binding = this.scopes.lookup(name);
    if (binding?.kind === 'class') return this.isInstanceClass(binding.node) ? { kind: 'instance' } : undefined;
    if (!binding && !this.isLibraryImport(name.text) && this.input.imports.some((b) => b.local === name.text)) return { kind: 'instance', conditional: name.text };
    return undefined;
  }

  /** `db.transaction(async (trx) => …)`: the parameter of a callback given to a method of an instance. */
  protected callbackParameter(_parameter: ts.ParameterDeclaration): BuilderValue | undefined {
    return undefined;
  }

  private member(node: ts.PropertyAccessExpression): BuilderValue | undefined {
    const member = this.scopes.member(node, node.name.text);
    if (!member) return undefined;
    const declaration = member.declaration;
    if (declaration) {
      const value = this.remember(declaration, () => {
        const typed = this.declaredType(declaration.type);
        if (typed) return typed;
        return ts.isPropertyDeclaration(declaration) && declaration.initializer ? this.resolve(declaration.initializer) : undefined;
      });
      if (value) return value;
    }
    for (const assigned of member.assigned) {
      const value = this.remember(assigned, () => this.resolve(assigned));
      if (value) return value;
    }
    return undefined;
  }

  private exportInstances(): void {
    const exported = new Set<string>();
    const add = (names: string[]): void => names.forEach((n) => exported.add(n));
    for (const [local, names] of exportNames(this.sourceFile)) {
      const declaration = this.topLevelVariable(local);
      if (!declaration) continue;
      const value = this.identifierValue(declaration);
      if (value?.kind === 'instance' && value.conditional === undefined) add(names);
    }
    for (const statement of this.sourceFile.statements) {
      let expression: ts.Expression | undefined;
      let names: string[] = [];
      if (ts.isExportAssignment(statement)) [expression, names] = [statement.expression, ['default']];
      else if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const target = commonJsExport(statement.expression.left);
        if (target !== undefined) [expression, names] = [statement.expression.right, target === '*' ? ['*', 'default'] : [target]];
      }
      if (!expression || ts.isIdentifier(unwrap(expression))) continue;
      const value = this.resolve(expression);
      if (value?.kind === 'instance' && value.conditional === undefined) add(names);
    }
    const exports = exportNames(this.sourceFile);
    for (const statement of this.sourceFile.statements) {
      if (ts.isClassDeclaration(statement) && statement.name && this.isInstanceClass(statement)) {
        for (const [local, names] of exports) if (local === statement.name.text) add(names);
      }
    }
    if (exported.size > 0) (this.facts.instanceExports ??= []).push({ library: this.library, exportedAs: [...exported] });
  }

  /** Top-level variables by name, the first declaration of each (indexed once: a file may export thousands). */
  private topLevelVariables: Map<string, ts.VariableDeclaration> | undefined;

  private topLevelVariable(name: string): ts.VariableDeclaration | undefined {
    if (!this.topLevelVariables) {
      this.topLevelVariables = new Map();
      for (const statement of this.sourceFile.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name) && !this.topLevelVariables.has(d.name.text)) this.topLevelVariables.set(d.name.text, d);
      }
    }
    return this.topLevelVariables.get(name);
  }

  private identifierValue(declaration: ts.VariableDeclaration): BuilderValue | undefined {
    return this.remember(declaration, () => this.declaredType(declaration.type) ?? (declaration.initializer ? this.resolve(declaration.initializer) : undefined));
  }

  // ── emitting ────────────────────────────────────────────────────────────────

  private emit(): void {
    const conditional = new Map<string, Reference[]>();
    for (const scope of this.queries) {
      const refs = this.scopeReferences(scope);
      if (refs.length === 0) continue;
      if (scope.conditional === undefined) this.facts.references.push(...refs);
      else {
        let list = conditional.get(scope.conditional);
        if (!list) conditional.set(scope.conditional, (list = []));
        list.push(...refs);
      }
    }
    for (const [key, references] of conditional) {
      const shaped = key.endsWith(SHAPE);
      const symbol = shaped ? key.slice(0, -SHAPE.length) : key;
      (this.facts.conditionalReferences ??= []).push({ library: this.library, symbol, references, ...(shaped ? { otherwise: 'dependency' as const } : {}) });
    }
  }

  private reference(source: TableSource, column: string | undefined, kind: ReferenceKind, confidence: Confidence, implicit: boolean, node: ts.Node): Reference {
    const location = nodeLocation(this.input.path, this.sourceFile, node);
    return {
      table: source.table,
      ...(source.schema !== undefined ? { schema: source.schema } : {}),
      ...(column !== undefined ? { column } : {}),
      kind,
      confidence,
      implicit,
      context: this.input.context,
      location,
      extractor: this.library,
      snippet: lineSnippet(this.input.text, location.line),
    };
  }

  private scopeReferences(scope: QueryScope): Reference[] {
    const refs: Reference[] = [];
    const named = new Set<TableSource>();
    for (const use of scope.columns) {
      const parsed = parseColumn(use.text);
      if (!parsed) continue;
      let sources: TableSource[];
      let confidence: Confidence = 'likely';
      if (parsed.qualifier === undefined) {
        if (use.target && scope.written) sources = [scope.written];
        else {
          sources = scope.candidates(use.tablesAtCall);
          if (sources.length > 1) confidence = 'weak';
        }
      } else {
        const found = scope.qualified(parsed.qualifier, parsed.schema);
        if (found === 'name') continue;
        if (found) sources = [found];
        else {
          // A qualifier that names nothing in the query: perhaps a table of an enclosing query we cannot see.
          sources = [{ table: parsed.qualifier, ...(parsed.schema !== undefined ? { schema: parsed.schema } : {}) }];
          confidence = 'weak';
        }
      }
      for (const source of sources) {
        named.add(source);
        if (parsed.column === '*') refs.push(this.reference(source, undefined, 'read', confidence, true, use.node));
        else refs.push(this.reference(source, parsed.column, use.kind, confidence, false, use.node));
      }
    }
    if (scope.implicitStar && scope.kind === 'select' && !scope.selects) scope.stars.push({ node: scope.node });
    for (const star of scope.stars) {
      const sources = star.qualifier === undefined ? scope.tables : ([scope.qualified(star.qualifier)].filter((s) => s && s !== 'name') as TableSource[]);
      for (const source of sources) {
        named.add(source);
        refs.push(this.reference(source, undefined, 'read', 'likely', true, star.node));
      }
    }
    const written = scope.written;
    if (written && scope.kind === 'insert') {
      named.add(written);
      const ref = this.reference(written, undefined, 'insert', 'likely', scope.insertColumns === null, scope.node);
      if (scope.insertColumns) ref.insertColumns = scope.insertColumns;
      refs.push(ref);
    } else if (written && scope.kind === 'delete') {
      named.add(written);
      refs.push(this.reference(written, undefined, 'delete', 'likely', false, scope.node));
    } else if (written) named.add(written);
    // A table the query names without naming any of its columns (`count(*)`, a join used only to filter rows).
    for (const source of scope.tables) {
      if (!named.has(source) && !refs.some((r) => r.table === source.table && r.schema === source.schema)) {
        refs.push(this.reference(source, undefined, 'read', 'likely', false, scope.node));
      }
    }
    return dedupe(refs);
  }
}

function dedupe(refs: Reference[]): Reference[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const key = `${r.schema}.${r.table}.${r.column}.${r.kind}.${r.location.line}.${r.location.column}.${r.confidence}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
