/**
 * Drizzle queries → ModelUsages named by the table's local symbol (`users`), resolved through imports in
 * `link`. A column is `users.email` on an identifier that really is the imported or declared table (not a
 * parameter or local of the same name); `select()` without fields, `.returning()` and relational queries
 * without `columns` read every column.
 */
import { ts } from 'ts-morph';
import type { ExtractInput } from '../../extractor.js';
import type { FileFacts, ImportBinding, ModelUsage } from '../../facts.js';
import { importsFrom } from '../../imports.js';
import { lineSnippet, nodeLocation } from '../../node-location.js';
import type { ReferenceKind } from '../../reference.js';
import type { FileTables } from './tables.js';
import { propertyKey, propertyValue, unwrap } from '../syntax.js';

const SELECTS = new Set(['select', 'selectDistinct', 'selectDistinctOn']);
const JOINS = new Set(['innerJoin', 'leftJoin', 'rightJoin', 'fullJoin', 'crossJoin', 'innerJoinLateral', 'leftJoinLateral', 'crossJoinLateral']);
/** Calls whose first argument is a table. */
const TABLE_ARGUMENT_METHODS = new Set(['from', ...JOINS, 'insert', 'update', 'delete', '$count']);
const TABLE_ARGUMENT_FUNCTIONS = new Set(['alias', 'getTableColumns', 'getTableConfig', 'getTableName', 'createSelectSchema', 'createInsertSchema', 'createUpdateSchema']);
/** Table members that are not columns. */
const NOT_COLUMNS = new Set(['getSQL', 'enableRLS', 'as', 'mapWith']);
/** Modules whose bindings are never tables. */
const LIBRARY_MODULES = ['drizzle-orm', 'drizzle-zod', 'drizzle-kit', 'node:', 'zod', 'react'];
/** A module path that plausibly exports tables. */
const SCHEMA_MODULE = /schema|drizzle|(^|[/@~#$])db($|\/)/i;
/** Members of a database object: a name used as `db.select(…)` or `db.query.…` is the database, never a table. */
const DATABASE_MEMBERS = new Set(['select', 'selectDistinct', 'selectDistinctOn', 'insert', 'update', 'delete', 'query', 'transaction', 'execute', '$count', '$with', 'with', 'batch', 'refreshMaterializedView']);

type Resolution = { kind: 'table'; symbol: string } | { kind: 'none' };

export function extractDrizzleQueries(input: ExtractInput, sourceFile: ts.SourceFile, tables: FileTables, facts: FileFacts): void {
  const query = new QueryScan(input, sourceFile, tables);
  query.scan();
  facts.usages.push(...query.usages);
}

class QueryScan {
  readonly usages: ModelUsage[] = [];
  private readonly columnUsages = new Map<string, ModelUsage>();
  private readonly fileDrizzle: boolean;
  private readonly bindings = new Map<string, ImportBinding>();
  private readonly usedAsTable = new Set<string>();
  private readonly usedAsDatabase = new Set<string>();
  /** Parameters of relational-query callbacks (`where: (u, { eq }) => eq(u.email, …)`) → the table symbol. */
  private readonly callbackTables = new Map<ts.ParameterDeclaration, string>();
  private readonly candidateNames = new Set<string>();
  private readonly topLevelDeclared = new Set<string>();
  private readonly shadowed = new Set<string>();

  constructor(
    private readonly input: ExtractInput,
    private readonly sourceFile: ts.SourceFile,
    private readonly tables: FileTables,
  ) {
    this.fileDrizzle = importsFrom(input.imports, ['drizzle-orm']).length > 0 || tables.models.length > 0;
    for (const binding of input.imports) {
      if (LIBRARY_MODULES.some((m) => binding.from === m || binding.from.startsWith(m.endsWith(':') ? m : `${m}/`))) continue;
      this.bindings.set(binding.local, binding);
      this.candidateNames.add(binding.local);
    }
    for (const local of tables.byLocal.keys()) this.candidateNames.add(local);
  }

  /**
   * One walk collects what resolution needs (names used as tables or as the database, `alias()` variables,
   * relational-query callback parameters, every declared name) and the calls and property accesses to
   * read; they are read afterwards, in source order.
   */
  scan(): void {
    const pending: ts.Node[] = [];
    const walk = (node: ts.Node): void => {
      if (ts.isTypeNode(node)) return;
      // Inside `pgTable(…)` (`.references(() => users.id)`, indexes) and `relations(…)` nothing is a query.
      const skipped = this.tables.declarations.has(node) || (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'relations');
      if (ts.isCallExpression(node)) {
        this.noteCall(node);
        if (!skipped) pending.push(node);
      } else if (ts.isPropertyAccessExpression(node)) {
        if (ts.isIdentifier(node.expression) && DATABASE_MEMBERS.has(node.name.text)) this.usedAsDatabase.add(node.expression.text);
        pending.push(node);
      } else if (ts.isVariableDeclaration(node) || ts.isParameter(node)) {
        const topLevel = ts.isVariableDeclaration(node) && ts.isVariableStatement(node.parent.parent) && node.parent.parent.parent === this.sourceFile;
        this.noteDeclaration(node.name, topLevel);
        if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer) {
          const init = unwrap(node.initializer);
          if (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'alias') this.candidateNames.add(node.name.text);
        }
      } else if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name) {
        this.noteDeclaration(node.name, false);
      }
      if (!skipped) ts.forEachChild(node, walk);
    };
    walk(this.sourceFile);
    for (const node of pending) {
      if (ts.isCallExpression(node)) this.call(node);
      else if (ts.isPropertyAccessExpression(node)) this.columnAccess(node);
    }
  }

  /** Names used where a table goes, and relational-query callback parameters. */
  private noteCall(node: ts.CallExpression): void {
    const callee = node.expression;
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
    const first = node.arguments[0] && unwrap(node.arguments[0]);
    if (name && first && ts.isIdentifier(first) && (ts.isPropertyAccessExpression(callee) ? TABLE_ARGUMENT_METHODS : TABLE_ARGUMENT_FUNCTIONS).has(name)) {
      // `Array.from(users)` is not a query: `from` and joins count only after a `select()`.
      const inSelect = !ts.isPropertyAccessExpression(callee) || !(name === 'from' || JOINS.has(name)) || selectCall(callee.expression) !== undefined;
      if (inSelect) this.usedAsTable.add(first.text);
    }
    const rqb = relationalQuery(node);
    if (!rqb) return;
    this.usedAsTable.add(rqb.table);
    this.candidateNames.add(rqb.table);
    for (const property of rqb.config?.properties ?? []) {
      const value = propertyValue(property);
      const fn = value && unwrap(value);
      if (fn && (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && fn.parameters[0] && ts.isIdentifier(fn.parameters[0].name)) {
        this.callbackTables.set(fn.parameters[0], rqb.table);
        this.candidateNames.add(fn.parameters[0].name.text);
      }
    }
  }

  /** Names declared below the top level may shadow an import or a table: only those need a scope lookup. */
  private noteDeclaration(name: ts.BindingName, topLevel: boolean): void {
    if (ts.isIdentifier(name)) {
      if (!topLevel || this.topLevelDeclared.has(name.text)) this.shadowed.add(name.text);
      else this.topLevelDeclared.add(name.text);
      return;
    }
    for (const element of name.elements) if (ts.isBindingElement(element)) this.noteDeclaration(element.name, topLevel);
  }

  /** `users.email` → a read of the column, if `users` is a table here. */
  private columnAccess(node: ts.PropertyAccessExpression): void {
    if (!ts.isIdentifier(node.name)) return;
    const column = node.name.text;
    if (column.startsWith('$') || column.startsWith('_') || NOT_COLUMNS.has(column)) return;
    if (ts.isCallExpression(node.parent) && node.parent.expression === node) return;
    const resolution = this.resolve(node.expression);
    if (resolution.kind !== 'table') return;
    this.addField(this.columnUsage(resolution.symbol, node), column, node, 'read');
  }

  private call(node: ts.CallExpression): void {
    const callee = node.expression;
    if (ts.isIdentifier(callee)) {
      if (callee.text === 'getTableColumns' && node.arguments[0]) {
        const table = this.resolve(node.arguments[0]);
        if (table.kind === 'table') this.tableUsage(table.symbol, 'read-all', node);
      }
      return;
    }
    if (!ts.isPropertyAccessExpression(callee)) return;
    const method = callee.name.text;
    const rqb = relationalQuery(node);
    if (rqb) {
      this.relationalQueryUsage(rqb.table, rqb.config, callee.name);
      return;
    }
    const first = node.arguments[0];
    if (!first || !TABLE_ARGUMENT_METHODS.has(method)) return;
    const table = this.resolve(first);
    if (table.kind !== 'table') return;
    if (method === 'from' || JOINS.has(method)) {
      const select = selectCall(callee.expression);
      if (select && !selectHasFields(select)) this.tableUsage(table.symbol, 'read-all', callee.name);
    } else if (method === 'insert') {
      const usage = this.tableUsage(table.symbol, 'insert', callee.name);
      for (const link of chainAbove(node)) {
        if (link.method === 'values' && link.args[0]) this.keysOf(usage, link.args[0], 'write');
        else if ((link.method === 'onConflictDoUpdate' || link.method === 'onDuplicateKeyUpdate') && link.args[0]) this.conflictSet(usage, link.args[0]);
        else if (link.method === 'returning' && link.args.length === 0) this.tableUsage(table.symbol, 'read-all', link.name);
      }
    } else if (method === 'update') {
      const usage = this.tableUsage(table.symbol, 'none', callee.name);
      for (const link of chainAbove(node)) {
        if (link.method === 'set' && link.args[0]) this.keysOf(usage, link.args[0], 'write');
        else if (link.method === 'returning' && link.args.length === 0) this.tableUsage(table.symbol, 'read-all', link.name);
      }
    } else if (method === 'delete') {
      this.tableUsage(table.symbol, 'delete', callee.name);
      for (const link of chainAbove(node)) {
        if (link.method === 'returning' && link.args.length === 0) this.tableUsage(table.symbol, 'read-all', link.name);
      }
    }
  }

  /** `db.query.users.findMany({ columns: { email: true }, where: { … } })`. */
  private relationalQueryUsage(table: string, config: ts.ObjectLiteralExpression | undefined, at: ts.Node): void {
    let narrowed = false;
    const usage = this.tableUsage(table, 'none', at);
    for (const property of config?.properties ?? []) {
      const key = propertyKey(property);
      const value = propertyValue(property);
      if (!key || !value) continue;
      const v = unwrap(value);
      if (key === 'columns' && ts.isObjectLiteralExpression(v)) {
        // Any `true` selects only those; only `false`s select every other column.
        const included = v.properties.filter((p) => {
          const inner = propertyValue(p);
          return inner !== undefined && unwrap(inner).kind !== ts.SyntaxKind.FalseKeyword;
        });
        if (included.length > 0) {
          narrowed = true;
          for (const p of included) {
            const name = propertyKey(p);
            if (name) this.addField(usage, name, p.name ?? p, 'read');
          }
        }
      } else if (key === 'where' && ts.isObjectLiteralExpression(v)) this.filterKeys(usage, v);
      else if (key === 'orderBy' && ts.isObjectLiteralExpression(v)) this.keysOf(usage, v, 'read');
    }
    if (!narrowed) usage.effect = 'read-all';
  }

  /** Relational queries v2 object filters: field keys, through `AND`/`OR`/`NOT`. */
  private filterKeys(usage: ModelUsage, object: ts.ObjectLiteralExpression): void {
    for (const property of object.properties) {
      const key = propertyKey(property);
      if (!key || key === 'RAW') continue;
      const value = propertyValue(property);
      if (key === 'AND' || key === 'OR' || key === 'NOT') {
        const v = value && unwrap(value);
        const objects = v && ts.isArrayLiteralExpression(v) ? v.elements.map(unwrap) : v ? [v] : [];
        for (const o of objects) if (ts.isObjectLiteralExpression(o)) this.filterKeys(usage, o);
        continue;
      }
      this.addField(usage, key, property.name ?? property, 'read');
    }
  }

  private conflictSet(usage: ModelUsage, config: ts.Expression): void {
    const c = unwrap(config);
    if (!ts.isObjectLiteralExpression(c)) return;
    for (const property of c.properties) {
      const value = propertyValue(property);
      if (propertyKey(property) === 'set' && value) this.keysOf(usage, value, 'write');
    }
  }

  /** Keys of `values({ … })` / `set({ … })` (or of each object of an array of rows). */
  private keysOf(usage: ModelUsage, value: ts.Expression, kind: ReferenceKind): void {
    const v = unwrap(value);
    const objects = ts.isArrayLiteralExpression(v) ? v.elements.map(unwrap) : [v];
    for (const object of objects) {
      if (!ts.isObjectLiteralExpression(object)) continue;
      for (const property of object.properties) {
        const key = propertyKey(property);
        if (key) this.addField(usage, key, property.name ?? property, kind);
      }
    }
  }

  /**
   * What an expression names: a table symbol (a table declared in this file, an import that plausibly is a
   * table, an `alias()` of one, a relational callback's parameter, `schema.users` through a namespace import)
   * or nothing.
   */
  private resolve(expression: ts.Expression): Resolution {
    const e = unwrap(expression);
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && ts.isIdentifier(e.name)) {
      const binding = this.bindings.get(e.expression.text);
      if (binding?.imported === '*' && this.isImportTarget(e.expression) && (this.fileDrizzle || SCHEMA_MODULE.test(binding.from))) return { kind: 'table', symbol: e.name.text };
      return { kind: 'none' };
    }
    if (!ts.isIdentifier(e) || !this.candidateNames.has(e.text)) return { kind: 'none' };
    const name = e.text;
    // A name never redeclared below the top level is its import or its top-level table: no scope walk.
    const unshadowed = !this.shadowed.has(name);
    if (unshadowed && this.tables.byLocal.has(name)) return { kind: 'table', symbol: name };
    const imported = unshadowed && this.bindings.has(name) && !this.topLevelDeclared.has(name);
    const declaration = imported ? undefined : findDeclaration(e);
    if (!imported && !declaration) return { kind: 'none' };
    if (imported || (declaration && (ts.isImportSpecifier(declaration) || ts.isImportClause(declaration)))) {
      const binding = this.bindings.get(e.text);
      if (!binding || binding.imported === '*' || this.usedAsDatabase.has(e.text)) return { kind: 'none' };
      const plausible = this.fileDrizzle || this.usedAsTable.has(e.text) || SCHEMA_MODULE.test(binding.from);
      return plausible ? { kind: 'table', symbol: e.text } : { kind: 'none' };
    }
    if (!declaration) return { kind: 'none' };
    if (ts.isParameter(declaration)) {
      const table = this.callbackTables.get(declaration);
      return table ? { kind: 'table', symbol: table } : { kind: 'none' };
    }
    if (ts.isVariableDeclaration(declaration)) {
      if (this.tables.byLocal.has(e.text) && declaration.parent.parent.parent === this.sourceFile) return { kind: 'table', symbol: e.text };
      const init = declaration.initializer && unwrap(declaration.initializer);
      if (init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && init.expression.text === 'alias' && init.arguments[0]) return this.resolve(init.arguments[0]);
    }
    return { kind: 'none' };
  }

  private isImportTarget(identifier: ts.Identifier): boolean {
    const declaration = findDeclaration(identifier);
    return declaration !== undefined && ts.isNamespaceImport(declaration);
  }

  private columnUsage(symbol: string, at: ts.Node): ModelUsage {
    let usage = this.columnUsages.get(symbol);
    if (!usage) {
      usage = this.newUsage(symbol, 'none', at);
      this.columnUsages.set(symbol, usage);
      this.usages.push(usage);
    }
    return usage;
  }

  private tableUsage(symbol: string, effect: ModelUsage['effect'], at: ts.Node): ModelUsage {
    const usage = this.newUsage(symbol, effect, at);
    this.usages.push(usage);
    return usage;
  }

  private newUsage(symbol: string, effect: ModelUsage['effect'], at: ts.Node): ModelUsage {
    const location = nodeLocation(this.input.path, this.sourceFile, at);
    // `link` keeps `certain` only when the symbol resolves through this file's imports or declarations.
    return { orm: 'drizzle', model: { symbol }, fields: [], effect, confidence: 'certain', location, snippet: lineSnippet(this.sourceFile.text, location.line) };
  }

  private addField(usage: ModelUsage, name: string, node: ts.Node, kind: ReferenceKind): void {
    const location = nodeLocation(this.input.path, this.sourceFile, node);
    usage.fields.push({ name, kind, location, snippet: lineSnippet(this.sourceFile.text, location.line) });
  }
}

/** `<db>.query.<table>.findMany|findFirst(config)` → the table key and the config object. */
function relationalQuery(node: ts.CallExpression): { table: string; config: ts.ObjectLiteralExpression | undefined } | undefined {
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee) || (callee.name.text !== 'findMany' && callee.name.text !== 'findFirst')) return undefined;
  const tableAccess = callee.expression;
  if (!ts.isPropertyAccessExpression(tableAccess) || !ts.isIdentifier(tableAccess.name)) return undefined;
  const queryAccess = tableAccess.expression;
  if (!ts.isPropertyAccessExpression(queryAccess) || queryAccess.name.text !== 'query') return undefined;
  const config = node.arguments[0] && unwrap(node.arguments[0]);
  return { table: tableAccess.name.text, config: config && ts.isObjectLiteralExpression(config) ? config : undefined };
}

/** The `select(…)` call a `.from()`/`.join()` chain starts from, if any. */
function selectCall(receiver: ts.Expression): ts.CallExpression | undefined {
  let e: ts.Expression = receiver;
  for (;;) {
    e = unwrap(e);
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
      if (SELECTS.has(e.expression.name.text)) return e;
      e = e.expression.expression;
    } else if (ts.isPropertyAccessExpression(e)) e = e.expression;
    else return undefined;
  }
}

function selectHasFields(select: ts.CallExpression): boolean {
  const method = (select.expression as ts.PropertyAccessExpression).name.text;
  return select.arguments.length > (method === 'selectDistinctOn' ? 1 : 0);
}

/** The calls chained after `node`: `db.insert(t)` → `.values(…)`, `.onConflictDoUpdate(…)`, `.returning()`. */
function chainAbove(node: ts.CallExpression): { method: string; args: readonly ts.Expression[]; name: ts.Node }[] {
  const links: { method: string; args: readonly ts.Expression[]; name: ts.Node }[] = [];
  let current: ts.Expression = node;
  for (;;) {
    const access = current.parent;
    if (!access || !ts.isPropertyAccessExpression(access) || access.expression !== current) break;
    const call = access.parent;
    if (!call || !ts.isCallExpression(call) || call.expression !== access) break;
    links.push({ method: access.name.text, args: call.arguments, name: access.name });
    current = call;
  }
  return links;
}

/** The declaration an identifier refers to, by lexical scope (imports, variables, parameters, functions). */
function findDeclaration(identifier: ts.Identifier): ts.Node | undefined {
  const name = identifier.text;
  for (let scope = identifier.parent; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope)) {
      for (const parameter of scope.parameters) if (binds(parameter.name, name)) return parameter;
    }
    if (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
      for (const statement of scope.statements) {
        const found = declaredBy(statement, name);
        if (found) return found;
      }
    } else if ((ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer)) {
      for (const declaration of scope.initializer.declarations) if (binds(declaration.name, name)) return declaration;
    } else if (ts.isCatchClause(scope) && scope.variableDeclaration && binds(scope.variableDeclaration.name, name)) {
      return scope.variableDeclaration;
    }
  }
  return undefined;
}

function declaredBy(statement: ts.Statement, name: string): ts.Node | undefined {
  if (ts.isVariableStatement(statement)) {
    for (const declaration of statement.declarationList.declarations) if (binds(declaration.name, name)) return declaration;
  } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isEnumDeclaration(statement)) && statement.name?.text === name) {
    return statement;
  } else if (ts.isImportDeclaration(statement) && statement.importClause) {
    const clause = statement.importClause;
    if (clause.name?.text === name) return clause;
    const named = clause.namedBindings;
    if (named && ts.isNamespaceImport(named) && named.name.text === name) return named;
    if (named && ts.isNamedImports(named)) return named.elements.find((e) => e.name.text === name);
  }
  return undefined;
}

function binds(pattern: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(pattern)) return pattern.text === name;
  for (const element of pattern.elements) {
    if (ts.isBindingElement(element) && binds(element.name, name)) return true;
  }
  return false;
}
