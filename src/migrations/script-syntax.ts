/**
 * The syntax every TS/JS migration tool shares, read with the TypeScript parser (syntax only: no type
 * checker, no tsconfig, no module resolution, nothing executed): where the `up` function is, and the
 * per-file switches that take a migration out of the tool's transaction.
 */
import { ts } from 'ts-morph';
import type { LayoutName } from './migration.js';

/** The layouts whose migrations are TS/JS modules. */
export type ScriptLayoutName = Extract<LayoutName, 'knex' | 'kysely' | 'typeorm' | 'node-pg-migrate' | 'sequelize' | 'mikro-orm' | 'db-migrate'>;

export const SCRIPT_LAYOUTS: readonly ScriptLayoutName[] = ['knex', 'kysely', 'typeorm', 'node-pg-migrate', 'sequelize', 'mikro-orm', 'db-migrate'];

export function isScriptLayout(name: LayoutName): name is ScriptLayoutName {
  return (SCRIPT_LAYOUTS as readonly string[]).includes(name);
}

/** The migration's `up`: a function, or a method of the migration class (TypeORM, MikroORM). */
export interface UpFunction {
  fn: ts.FunctionLikeDeclaration;
  /** The class that declares `up` as a method. */
  classDecl?: ts.ClassLikeDeclaration;
}

export function parseScript(path: string, text: string): ts.SourceFile {
  return ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(path));
}

function scriptKind(path: string): ts.ScriptKind {
  if (/\.[cm]?ts$/i.test(path)) return ts.ScriptKind.TS;
  if (/\.tsx$/i.test(path)) return ts.ScriptKind.TSX;
  return ts.ScriptKind.JS;
}

/** Strips the wrappers that do not change what an expression denotes: parentheses, `as`, `!`, `satisfies`. */
export function skipOuter(node: ts.Expression): ts.Expression {
  let e = node;
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) {
      e = e.expression;
    } else return e;
  }
}

/** The name of a property, when it is written literally (`up`, `'up'`, `["up"]`). */
export function propertyName(name: ts.PropertyName | ts.MemberName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}

/**
 * Finds `up` in the shapes the tools generate and people write: `export async function up`, `export const up =`,
 * `exports.up =` / `module.exports.up =`, `module.exports = { up }` / `export default { up }`, a class with an
 * `up` method (exported, assigned to `module.exports`, or the only class of the file), and the CommonJS output
 * of tsc (`exports.up = up; function up() {}`).
 */
export function findUp(sourceFile: ts.SourceFile): UpFunction | undefined {
  const functions = new Map<string, ts.FunctionLikeDeclaration>();
  const objects = new Map<string, ts.Expression>();
  const classes: ts.ClassLikeDeclaration[] = [];
  for (const statement of sourceFile.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) functions.set(statement.name.text, statement);
    else if (ts.isClassDeclaration(statement)) classes.push(statement);
    else if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || !d.initializer) continue;
        const init = skipOuter(d.initializer);
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) functions.set(d.name.text, init);
        else if (ts.isClassExpression(init)) classes.push(init);
        else objects.set(d.name.text, init);
      }
    }
  }
  const asFunction = (expr: ts.Expression | undefined): UpFunction | undefined => {
    if (!expr) return undefined;
    const e = skipOuter(expr);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return { fn: e };
    if (ts.isIdentifier(e)) {
      const fn = functions.get(e.text);
      if (fn) return { fn };
      const obj = objects.get(e.text);
      if (obj) return fromContainer(obj);
      const cls = classes.find((c) => c.name?.text === e.text);
      if (cls) return fromClass(cls);
    }
    return undefined;
  };
  const fromObject = (obj: ts.ObjectLiteralExpression): UpFunction | undefined => {
    for (const p of obj.properties) {
      if (ts.isMethodDeclaration(p) && propertyName(p.name) === 'up' && p.body) return { fn: p };
      if (ts.isPropertyAssignment(p) && propertyName(p.name) === 'up') return asFunction(p.initializer);
      if (ts.isShorthandPropertyAssignment(p) && p.name.text === 'up') return asFunction(p.name);
    }
    return undefined;
  };
  const fromClass = (cls: ts.ClassLikeDeclaration): UpFunction | undefined => {
    for (const member of cls.members) {
      if (ts.isMethodDeclaration(member) && propertyName(member.name) === 'up' && member.body) return { fn: member, classDecl: cls };
      if (ts.isPropertyDeclaration(member) && propertyName(member.name) === 'up' && member.initializer) {
        const found = asFunction(member.initializer);
        if (found) return { ...found, classDecl: cls };
      }
    }
    return undefined;
  };
  const fromContainer = (expr: ts.Expression): UpFunction | undefined => {
    const e = skipOuter(expr);
    if (ts.isObjectLiteralExpression(e)) return fromObject(e);
    if (ts.isClassExpression(e)) return fromClass(e);
    if (ts.isIdentifier(e)) return asFunction(e);
    return undefined;
  };

  for (const statement of sourceFile.statements) {
    // export function up / export async function up
    if (ts.isFunctionDeclaration(statement) && statement.name?.text === 'up' && statement.body && isExported(statement)) return { fn: statement };
    if (ts.isVariableStatement(statement) && isExported(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === 'up') {
          const found = asFunction(d.initializer);
          if (found) return found;
        }
      }
    }
    if (ts.isClassDeclaration(statement) && isExported(statement)) {
      const found = fromClass(statement);
      if (found) return found;
    }
    if (ts.isExportAssignment(statement)) {
      const found = fromContainer(statement.expression);
      if (found) return found;
    }
    if (ts.isExportDeclaration(statement) && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const spec of statement.exportClause.elements) {
        if (spec.name.text === 'up') {
          const found = asFunction(spec.propertyName && ts.isIdentifier(spec.propertyName) ? spec.propertyName : spec.name);
          if (found) return found;
        }
      }
    }
    if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const { left, right } = statement.expression;
      const target = exportTarget(left);
      if (target === 'up') {
        const found = asFunction(right);
        if (found) return found;
      } else if (target === '') {
        const found = fromContainer(right);
        if (found) return found;
      }
    }
  }
  // A file whose only class has an `up` method (TypeORM output that exports the class another way).
  for (const cls of classes) {
    const found = fromClass(cls);
    if (found) return found;
  }
  const up = functions.get('up');
  return up ? { fn: up } : undefined;
}

function isExported(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
}

/** `exports.up` / `module.exports.up` → `up`; `module.exports` → `''`; anything else → undefined. */
function exportTarget(left: ts.Expression): string | undefined {
  const e = skipOuter(left);
  if (isModuleExports(e)) return '';
  if (ts.isPropertyAccessExpression(e)) {
    const base = skipOuter(e.expression);
    if ((ts.isIdentifier(base) && base.text === 'exports') || isModuleExports(base)) return e.name.text;
  }
  return undefined;
}

function isModuleExports(e: ts.Expression): boolean {
  return ts.isPropertyAccessExpression(e) && e.name.text === 'exports' && ts.isIdentifier(e.expression) && e.expression.text === 'module';
}

/** A file's own switch for the tool's transaction, and where it is written. */
export interface TransactionSwitch {
  /** true: the file asks for a transaction; false: it asks to run without one. */
  wrapped: boolean;
  /** How the file says it, for messages (`exports.config = { transaction: false }`). */
  how: string;
  line: number;
}

/**
 * The per-file transaction switch of each tool: Knex `config.transaction`, TypeORM's `transaction` class
 * property, node-pg-migrate's `pgm.noTransaction()` in `up`, MikroORM's `isTransactional()` returning false.
 */
export function transactionSwitch(sourceFile: ts.SourceFile, layout: ScriptLayoutName): TransactionSwitch | undefined {
  const line = (node: ts.Node): number => sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
  switch (layout) {
    case 'knex':
      return knexConfigSwitch(sourceFile, line);
    case 'typeorm': {
      const cls = findUp(sourceFile)?.classDecl;
      for (const member of cls?.members ?? []) {
        if (ts.isPropertyDeclaration(member) && propertyName(member.name) === 'transaction' && member.initializer) {
          const value = booleanLiteral(member.initializer);
          if (value !== undefined) return { wrapped: value, how: `transaction = ${value}`, line: line(member) };
        }
      }
      return undefined;
    }
    case 'node-pg-migrate': {
      const up = findUp(sourceFile);
      const param = up?.fn.parameters[0]?.name;
      if (!up || !param || !ts.isIdentifier(param)) return undefined;
      let found: ts.Node | undefined;
      const visit = (node: ts.Node): void => {
        if (found) return;
        if (
          ts.isCallExpression(node) &&
          ts.isPropertyAccessExpression(node.expression) &&
          node.expression.name.text === 'noTransaction' &&
          ts.isIdentifier(node.expression.expression) &&
          node.expression.expression.text === param.text
        ) {
          found = node;
          return;
        }
        ts.forEachChild(node, visit);
      };
      if (up.fn.body) visit(up.fn.body);
      return found ? { wrapped: false, how: `${param.text}.noTransaction()`, line: line(found) } : undefined;
    }
    case 'mikro-orm': {
      const cls = findUp(sourceFile)?.classDecl;
      for (const member of cls?.members ?? []) {
        if (!ts.isMethodDeclaration(member) || propertyName(member.name) !== 'isTransactional' || !member.body) continue;
        const returns = member.body.statements.filter(ts.isReturnStatement);
        if (returns.length > 0 && returns.every((r) => r.expression && booleanLiteral(r.expression) === false)) {
          return { wrapped: false, how: 'isTransactional() returns false', line: line(member) };
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

function knexConfigSwitch(sourceFile: ts.SourceFile, line: (node: ts.Node) => number): TransactionSwitch | undefined {
  const fromConfig = (expr: ts.Expression | undefined): TransactionSwitch | undefined => {
    const e = expr && skipOuter(expr);
    if (!e || !ts.isObjectLiteralExpression(e)) return undefined;
    for (const p of e.properties) {
      if (ts.isPropertyAssignment(p) && propertyName(p.name) === 'transaction') {
        const value = booleanLiteral(p.initializer);
        if (value !== undefined) return { wrapped: value, how: `config = { transaction: ${value} }`, line: line(p) };
      }
    }
    return undefined;
  };
  for (const statement of sourceFile.statements) {
    if (ts.isVariableStatement(statement) && isExported(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (ts.isIdentifier(d.name) && d.name.text === 'config') return fromConfig(d.initializer);
      }
    }
    if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const target = exportTarget(statement.expression.left);
      const right = skipOuter(statement.expression.right);
      if (target === 'config') return fromConfig(right);
      if (target === '' && ts.isObjectLiteralExpression(right)) {
        for (const p of right.properties) {
          if (ts.isPropertyAssignment(p) && propertyName(p.name) === 'config') return fromConfig(p.initializer);
        }
      }
    }
  }
  return undefined;
}

function booleanLiteral(expr: ts.Expression): boolean | undefined {
  const e = skipOuter(expr);
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  return undefined;
}
