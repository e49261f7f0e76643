/**
 * Where a value in a file comes from, as far as SQL clients go: a Postgres library (through its import,
 * a `new Pool()`, a `postgres()` call, a typed parameter, a transaction callback, a class member), another
 * database's library (ClickHouse, MySQL, SQLite…), or a module rollsafe does not know (a local wrapper).
 * Syntax only, within one file: tags are identified by their import, not by their name.
 */
import { ts } from 'ts-morph';
import type { ImportBinding } from './facts.js';

export type PostgresLibrary =
  | 'pg'
  | 'pg-promise'
  | 'postgres'
  | 'slonik'
  | 'vercel'
  | 'neon'
  | 'pglite'
  | 'databases'
  | 'prisma'
  | 'drizzle'
  | 'kysely'
  | 'knex'
  | 'typeorm'
  | 'sequelize'
  | 'mikro-orm';

/** Modules whose SQL is Postgres (drivers) or whatever the app's database is (ORMs and builders). */
const POSTGRES_MODULES: readonly (readonly [string, PostgresLibrary])[] = [
  ['pg', 'pg'],
  ['pg-pool', 'pg'],
  ['pg-native', 'pg'],
  ['pg-cursor', 'pg'],
  ['pg-query-stream', 'pg'],
  ['pg-promise', 'pg-promise'],
  ['postgres', 'postgres'],
  ['slonik', 'slonik'],
  ['@vercel/postgres', 'vercel'],
  ['@neondatabase/serverless', 'neon'],
  ['@electric-sql/pglite', 'pglite'],
  ['@databases/pg', 'databases'],
  ['@prisma/client', 'prisma'],
  ['drizzle-orm', 'drizzle'],
  ['kysely', 'kysely'],
  ['knex', 'knex'],
  ['typeorm', 'typeorm'],
  ['@nestjs/typeorm', 'typeorm'],
  ['sequelize', 'sequelize'],
  ['sequelize-typescript', 'sequelize'],
  ['@nestjs/sequelize', 'sequelize'],
  ['@mikro-orm/core', 'mikro-orm'],
  ['@mikro-orm/postgresql', 'mikro-orm'],
  ['@mikro-orm/knex', 'mikro-orm'],
];

/** Drivers of other databases, and the non-Postgres entry points of dialect-neutral libraries. */
const FOREIGN_MODULES = [
  '@clickhouse/client',
  '@clickhouse/client-web',
  'clickhouse',
  '@depyronick/clickhouse-client',
  'mysql',
  'mysql2',
  'mariadb',
  '@planetscale/database',
  '@tidbcloud/serverless',
  'better-sqlite3',
  'sqlite3',
  'sqlite',
  'bun:sqlite',
  'node:sqlite',
  '@libsql/client',
  'mssql',
  'tedious',
  'oracledb',
  'snowflake-sdk',
  '@google-cloud/bigquery',
  'duckdb',
  '@duckdb/node-api',
  'cassandra-driver',
  '@databricks/sql',
  'trino-client',
  'presto-client',
  '@aws-sdk/client-athena',
  'ibm_db',
  'odbc',
];
const FOREIGN_SUBPATH = /^drizzle-orm\/(mysql|sqlite|libsql|d1|bun-sqlite|planetscale|singlestore|tidb|expo-sqlite|op-sqlite|durable-sqlite|gel|sql-js|better-sqlite3|mysql2)/;

// The app's own wrapper of another database, named after it (`@/lib/clickhouse`, `./mysql-client`).
const FOREIGN_NAMED = /(^|[/@_.-])(clickhouse|mysql2?|mariadb|sqlite3?|libsql|mssql|sqlserver|bigquery|snowflake|duckdb|athena|cassandra|scylla|trino|presto|oracle|redshift)([/_.-]|$)/i;

/** `guessed`: a foreign module recognised by its name only (a local wrapper), not a known package. */
export type ModuleKind = { kind: 'postgres'; library: PostgresLibrary } | { kind: 'foreign'; guessed: boolean } | { kind: 'other' };

export function moduleKind(specifier: string): ModuleKind {
  if (FOREIGN_SUBPATH.test(specifier)) return { kind: 'foreign', guessed: false };
  if (FOREIGN_MODULES.some((m) => specifier === m || specifier.startsWith(`${m}/`))) return { kind: 'foreign', guessed: false };
  for (const [name, library] of POSTGRES_MODULES) {
    if (specifier === name || specifier.startsWith(`${name}/`)) return { kind: 'postgres', library };
  }
  if (FOREIGN_NAMED.test(specifier)) return { kind: 'foreign', guessed: true };
  return { kind: 'other' };
}

/**
 * - `postgres`: comes from a Postgres library; `path` is the member chain from the import (`['Prisma', 'sql']`),
 *   `derived` once it went through a call or `new` (a client, a pool, a tag made by `postgres()`);
 * - `foreign`: from another database's library;
 * - `other`: from a module rollsafe does not know (often the app's own `db` wrapper);
 * - `unknown`: nothing says (a global, an untyped parameter).
 */
export type ClientValue =
  | { kind: 'postgres'; library: PostgresLibrary; path: string[]; derived: boolean }
  | { kind: 'foreign' }
  | { kind: 'other' }
  | { kind: 'unknown' };

const UNKNOWN: ClientValue = { kind: 'unknown' };
const MAX_DEPTH = 12;

type Declaration = { type: 'node'; node: ts.Node } | { type: 'import'; binding: ImportBinding };

export class ClientResolver {
  private readonly memo = new Map<ts.Node, ClientValue>();
  private readonly inProgress = new Set<ts.Node>();
  private readonly importsByLocal: Map<string, ImportBinding>;

  constructor(
    private readonly sourceFile: ts.SourceFile,
    imports: readonly ImportBinding[],
  ) {
    this.importsByLocal = new Map(imports.map((b) => [b.local, b]));
  }

  /** What `expression` is, as far as SQL clients go. */
  evaluate(expression: ts.Expression, depth = 0): ClientValue {
    if (depth > MAX_DEPTH) return UNKNOWN;
    const e = skipOuter(expression);
    if (ts.isIdentifier(e)) return this.identifier(e, depth);
    if (ts.isPropertyAccessExpression(e)) {
      if (e.expression.kind === ts.SyntaxKind.ThisKeyword) return this.thisMember(e, e.name.text, depth);
      return member(this.evaluate(e.expression, depth + 1), e.name.text);
    }
    if (ts.isElementAccessExpression(e)) return member(this.evaluate(e.expression, depth + 1), '[]');
    if (ts.isCallExpression(e)) {
      const required = requiredModule(e);
      if (required !== undefined) return fromModule(required, []);
      return derive(this.evaluate(e.expression, depth + 1));
    }
    if (ts.isNewExpression(e)) return derive(this.evaluate(e.expression, depth + 1));
    if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
      return prefer(this.evaluate(e.left, depth + 1), this.evaluate(e.right, depth + 1));
    }
    if (ts.isConditionalExpression(e)) return prefer(this.evaluate(e.whenTrue, depth + 1), this.evaluate(e.whenFalse, depth + 1));
    if (ts.isTaggedTemplateExpression(e)) return derive(this.evaluate(e.tag, depth + 1));
    return UNKNOWN;
  }

  /** The string-literal-ish initializer of a `const`/`let` the identifier names, if any (for `query(text)`). */
  initializerOf(id: ts.Identifier): ts.Expression | undefined {
    const declaration = this.declarationOf(id);
    if (declaration?.type !== 'node') return undefined;
    const node = declaration.node;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) return node.initializer;
    return undefined;
  }

  private identifier(id: ts.Identifier, depth: number): ClientValue {
    const declaration = this.declarationOf(id);
    if (!declaration) return UNKNOWN;
    if (declaration.type === 'import') {
      const b = declaration.binding;
      return fromModule(b.from, b.imported === 'default' || b.imported === '*' ? [] : [b.imported]);
    }
    return this.declarationValue(declaration.node, depth);
  }

  private declarationValue(node: ts.Node, depth: number): ClientValue {
    const cached = this.memo.get(node);
    if (cached) return cached;
    if (this.inProgress.has(node)) return UNKNOWN;
    this.inProgress.add(node);
    let value: ClientValue = UNKNOWN;
    try {
      if (ts.isVariableDeclaration(node)) {
        value = node.initializer ? this.evaluate(node.initializer, depth + 1) : this.typeValue(node.type, depth);
        if (value.kind === 'unknown') value = this.typeValue(node.type, depth);
      } else if (ts.isBindingElement(node)) {
        value = this.bindingElementValue(node, depth);
      } else if (ts.isParameter(node)) {
        value = this.parameterValue(node, depth);
      } else if (ts.isPropertyDeclaration(node)) {
        value = node.initializer ? this.evaluate(node.initializer, depth + 1) : UNKNOWN;
        if (value.kind === 'unknown') value = this.typeValue(node.type, depth);
      }
    } finally {
      this.inProgress.delete(node);
    }
    this.memo.set(node, value);
    return value;
  }

  /** `const { Pool } = pg`, `const { rows } = …`: a member of the destructured value. */
  private bindingElementValue(element: ts.BindingElement, depth: number): ClientValue {
    const pattern = element.parent;
    const holder = pattern.parent;
    const name = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : ts.isIdentifier(element.name) ? element.name.text : '';
    let base: ClientValue = UNKNOWN;
    if (ts.isVariableDeclaration(holder) && holder.initializer) base = this.evaluate(holder.initializer, depth + 1);
    else if (ts.isParameter(holder)) base = this.parameterValue(holder, depth);
    return ts.isObjectBindingPattern(pattern) ? member(base, name) : member(base, '[]');
  }

  /** A typed parameter (`client: PoolClient`), or a callback's parameter given by a Postgres client (`sql.begin(sql => …)`). */
  private parameterValue(param: ts.ParameterDeclaration, depth: number): ClientValue {
    const typed = this.typeValue(param.type, depth);
    if (typed.kind !== 'unknown') return typed;
    const fn = param.parent;
    const call = fn.parent;
    if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && call && ts.isCallExpression(call) && call.arguments.includes(fn as ts.Expression)) {
      const callee = skipOuter(call.expression);
      const owner = ts.isPropertyAccessExpression(callee) ? this.evaluate(callee.expression, depth + 1) : this.evaluate(callee, depth + 1);
      if (owner.kind === 'postgres') return { ...owner, path: [], derived: true };
      if (owner.kind === 'foreign' || owner.kind === 'other') return owner;
    }
    return UNKNOWN;
  }

  /** The library a type annotation names (`Pool`, `pg.PoolClient`, `Sql<{}>`, `Repository<User>`, `A | B`). */
  private typeValue(type: ts.TypeNode | undefined, depth: number): ClientValue {
    if (!type || depth > MAX_DEPTH) return UNKNOWN;
    if (ts.isUnionTypeNode(type) || ts.isIntersectionTypeNode(type)) {
      return type.types.reduce<ClientValue>((acc, t) => prefer(acc, this.typeValue(t, depth + 1)), UNKNOWN);
    }
    if (ts.isTypeReferenceNode(type)) {
      let name: ts.EntityName = type.typeName;
      while (ts.isQualifiedName(name)) name = name.left;
      return derive(this.identifier(name, depth + 1));
    }
    if (ts.isImportTypeNode(type) && ts.isLiteralTypeNode(type.argument) && ts.isStringLiteral(type.argument.literal)) {
      return derive(fromModule(type.argument.literal.text, []));
    }
    return UNKNOWN;
  }

  /** `this.pool`: a class field (initializer or type), a constructor parameter property, or `this.pool = …` in the constructor. */
  private thisMember(access: ts.PropertyAccessExpression, name: string, depth: number): ClientValue {
    let cls: ts.Node | undefined = access.parent;
    while (cls && !ts.isClassDeclaration(cls) && !ts.isClassExpression(cls)) cls = cls.parent;
    if (!cls) return UNKNOWN;
    for (const m of (cls as ts.ClassLikeDeclaration).members) {
      if (ts.isPropertyDeclaration(m) && m.name.getText(this.sourceFile) === name) {
        const v = this.declarationValue(m, depth + 1);
        if (v.kind !== 'unknown') return v;
      }
      if (ts.isConstructorDeclaration(m)) {
        for (const p of m.parameters) {
          if (ts.isIdentifier(p.name) && p.name.text === name && ts.getModifiers(p)?.length) {
            const v = this.typeValue(p.type, depth + 1);
            if (v.kind !== 'unknown') return v;
          }
        }
        for (const statement of m.body?.statements ?? []) {
          if (!ts.isExpressionStatement(statement)) continue;
          const ex = statement.expression;
          if (
            ts.isBinaryExpression(ex) &&
            ex.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
            ts.isPropertyAccessExpression(ex.left) &&
            ex.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
            ex.left.name.text === name
          ) {
            const v = this.evaluate(ex.right, depth + 1);
            if (v.kind !== 'unknown') return v;
          }
        }
      }
    }
    return UNKNOWN;
  }

  private readonly scopes = new Map<ts.Node, Map<string, ts.Node>>();

  /** Names declared directly in a scope node, computed once per node. */
  private declarationsIn(scope: ts.Node): Map<string, ts.Node> {
    let names = this.scopes.get(scope);
    if (!names) {
      names = new Map();
      declaredIn(scope, names);
      this.scopes.set(scope, names);
    }
    return names;
  }

  /** The declaration an identifier refers to, looking outwards through blocks, functions and the file's imports. */
  private declarationOf(id: ts.Identifier): Declaration | undefined {
    const name = id.text;
    for (let scope: ts.Node | undefined = id.parent; scope; scope = scope.parent) {
      const found = this.declarationsIn(scope).get(name);
      if (found) return { type: 'node', node: found };
      if (ts.isSourceFile(scope)) break;
    }
    const binding = this.importsByLocal.get(name);
    return binding ? { type: 'import', binding } : undefined;
  }
}

function skipOuter(e: ts.Expression): ts.Expression {
  let x = e;
  for (;;) {
    if (ts.isParenthesizedExpression(x) || ts.isAsExpression(x) || ts.isNonNullExpression(x) || ts.isSatisfiesExpression(x) || ts.isTypeAssertionExpression(x) || ts.isAwaitExpression(x)) {
      x = x.expression;
    } else return x;
  }
}

export { skipOuter as skipOuterExpressions };

function requiredModule(call: ts.CallExpression): string | undefined {
  const callee = call.expression;
  const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
  const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
  if ((isRequire || isImport) && call.arguments.length >= 1 && ts.isStringLiteralLike(call.arguments[0]!)) return (call.arguments[0] as ts.StringLiteralLike).text;
  return undefined;
}

function fromModule(specifier: string, path: string[]): ClientValue {
  const kind = moduleKind(specifier);
  if (kind.kind === 'postgres') return { kind: 'postgres', library: kind.library, path, derived: false };
  return kind.kind === 'foreign' ? { kind: 'foreign' } : { kind: 'other' };
}

function member(base: ClientValue, name: string): ClientValue {
  if (base.kind !== 'postgres') return base;
  // `pg.default.Pool` is `pg.Pool`.
  if (name === 'default' && !base.derived && base.path.length === 0) return base;
  return { ...base, path: [...base.path, name] };
}

function derive(base: ClientValue): ClientValue {
  return base.kind === 'postgres' ? { ...base, derived: true } : base;
}

function prefer(a: ClientValue, b: ClientValue): ClientValue {
  const rank = (v: ClientValue): number => (v.kind === 'postgres' ? 3 : v.kind === 'foreign' ? 2 : v.kind === 'other' ? 1 : 0);
  return rank(b) > rank(a) ? b : a;
}

/** Every declaration directly in `scope` (block statements, parameters, loop and catch variables), first one wins. */
function declaredIn(scope: ts.Node, out: Map<string, ts.Node>): void {
  const add = (name: string, node: ts.Node): void => {
    if (!out.has(name)) out.set(name, node);
  };
  if (ts.isSourceFile(scope) || ts.isBlock(scope) || ts.isModuleBlock(scope) || ts.isCaseClause(scope) || ts.isDefaultClause(scope)) {
    for (const statement of scope.statements) {
      if (ts.isVariableStatement(statement)) {
        for (const d of statement.declarationList.declarations) bindingNames(d.name, d, add);
      } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) add(statement.name.text, statement);
    }
  } else if (ts.isFunctionLike(scope)) {
    for (const p of scope.parameters) bindingNames(p.name, p, add);
  } else if ((ts.isForStatement(scope) || ts.isForOfStatement(scope) || ts.isForInStatement(scope)) && scope.initializer && ts.isVariableDeclarationList(scope.initializer)) {
    for (const d of scope.initializer.declarations) bindingNames(d.name, d, add);
  } else if (ts.isCatchClause(scope) && scope.variableDeclaration) bindingNames(scope.variableDeclaration.name, scope.variableDeclaration, add);
}

function bindingNames(binding: ts.BindingName, owner: ts.Node, add: (name: string, node: ts.Node) => void): void {
  if (ts.isIdentifier(binding)) {
    add(binding.text, owner);
    return;
  }
  for (const element of binding.elements) {
    if (ts.isOmittedExpression(element)) continue;
    if (ts.isIdentifier(element.name)) add(element.name.text, element);
    else bindingNames(element.name, element, add);
  }
}
