/**
 * Syntax helpers shared by the ORM and query-builder extractors (Prisma, Drizzle, TypeORM, MikroORM, Sequelize, Knex, Kysely):
 * literal values, method-call chains, and a small scope index that finds the declaration a name refers to.
 * Syntax only: no type checker, so "what is `repo`?" is answered from its declaration's type annotation,
 * initializer or decorators.
 */
import { ts } from 'ts-morph';

/** The value of a string literal or of a template without holes. */
export function stringValue(node: ts.Node | undefined): string | undefined {
  if (node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))) return node.text;
  return undefined;
}

/** Strips what does not change a value: parentheses, `as`, `satisfies`, `!`, `<T>x` and `await`. */
export function unwrap(node: ts.Expression): ts.Expression {
  let e = node;
  for (;;) {
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e) || ts.isAwaitExpression(e)) e = e.expression;
    else if (ts.isSatisfiesExpression(e)) e = e.expression;
    else return e;
  }
}

/** A property name as written: identifier, string or number literal, or a computed string. */
export function propertyName(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name)) return stringValue(name.expression);
  return undefined;
}

/** The called name of `x.name(…)` or `name(…)`. */
export function calleeName(call: ts.CallExpression): string | undefined {
  const callee = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (ts.isIdentifier(callee)) return callee.text;
  return undefined;
}

export interface ObjectEntry {
  key: string;
  keyNode: ts.Node;
  value: ts.Expression | undefined;
}

/** The key of an object-literal property when it is known (`a: 1`, `b`, `'c': 2`, `d() {}`). */
export function propertyKey(property: ts.ObjectLiteralElementLike): string | undefined {
  return propertyEntry(property)?.key;
}

/** The value of an object-literal property (`a: value`, shorthand `b`); undefined for methods and spreads. */
export function propertyValue(property: ts.ObjectLiteralElementLike): ts.Expression | undefined {
  return propertyEntry(property)?.value;
}

/** One property of an object literal when its key is known: `a: 1`, `b` (shorthand), `'c': 2`, `d() {}`. */
export function propertyEntry(p: ts.ObjectLiteralElementLike): ObjectEntry | undefined {
  if (ts.isPropertyAssignment(p)) {
    const key = propertyName(p.name);
    return key !== undefined ? { key, keyNode: p.name, value: p.initializer } : undefined;
  }
  if (ts.isShorthandPropertyAssignment(p)) return { key: p.name.text, keyNode: p.name, value: p.name };
  if (ts.isMethodDeclaration(p)) {
    const key = propertyName(p.name);
    return key !== undefined ? { key, keyNode: p.name, value: undefined } : undefined;
  }
  return undefined;
}

/** The properties of an object literal whose keys are known (spreads skipped). */
export function objectEntries(node: ts.Node | undefined): ObjectEntry[] {
  if (!node || !ts.isObjectLiteralExpression(node)) return [];
  return node.properties.map(propertyEntry).filter((e): e is ObjectEntry => e !== undefined);
}

/** The value of one key of an object literal. */
export function objectValue(node: ts.Node | undefined, key: string): ts.Expression | undefined {
  return objectEntries(node).find((e) => e.key === key)?.value;
}

/** A literal option value: string, boolean, or undefined when it is computed. */
export function literalOption(node: ts.Expression | undefined): string | boolean | undefined {
  if (!node) return undefined;
  const e = unwrap(node);
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  return stringValue(e);
}

/** The string elements of `'a'` or `['a', 'b']`, each with its node. */
export function stringElements(node: ts.Expression | undefined): { value: string; node: ts.Node }[] {
  if (!node) return [];
  const e = unwrap(node);
  const single = stringValue(e);
  if (single !== undefined) return [{ value: single, node: e }];
  if (ts.isArrayLiteralExpression(e)) {
    const out: { value: string; node: ts.Node }[] = [];
    for (const element of e.elements) {
      const value = stringValue(element);
      if (value !== undefined) out.push({ value, node: element });
    }
    return out;
  }
  return [];
}

export interface MethodCall {
  name: string;
  call: ts.CallExpression;
  nameNode: ts.Node;
  args: readonly ts.Expression[];
}

/** Whether any call of the chain ending at `call` has one of `names` (a cheap test before resolving anything). */
export function chainHasMethod(call: ts.CallExpression, names: ReadonlySet<string>): boolean {
  let e: ts.Expression = call;
  for (;;) {
    e = unwrap(e);
    if (!ts.isCallExpression(e)) return false;
    const callee = unwrap(e.expression);
    if (!ts.isPropertyAccessExpression(callee)) return false;
    if (names.has(callee.name.text)) return true;
    e = callee.expression;
  }
}

/** `root.a(x).b(y)` → `root` and the calls `a(x)`, `b(y)` in source order. Property reads between calls end it. */
export function decomposeChain(expression: ts.Expression): { root: ts.Expression; calls: MethodCall[] } {
  const calls: MethodCall[] = [];
  let e = unwrap(expression);
  while (ts.isCallExpression(e)) {
    const callee = unwrap(e.expression);
    if (!ts.isPropertyAccessExpression(callee)) break;
    calls.unshift({ name: callee.name.text, call: e, nameNode: callee.name, args: e.arguments });
    e = unwrap(callee.expression);
  }
  return { root: e, calls };
}

/** Whether the call's value is not itself the object of a further method call (the end of its chain). */
export function isChainEnd(call: ts.CallExpression): boolean {
  let child: ts.Node = call;
  let parent = call.parent;
  while (parent && (ts.isParenthesizedExpression(parent) || ts.isNonNullExpression(parent) || ts.isAsExpression(parent) || ts.isAwaitExpression(parent))) {
    child = parent;
    parent = parent.parent;
  }
  return !(parent && ts.isPropertyAccessExpression(parent) && parent.expression === child && ts.isCallExpression(parent.parent) && parent.parent.expression === parent);
}

/** The identifier (or `this`) a chain of property reads starts from: `this.repo` → `this`. */
export function isThisMember(node: ts.Expression): node is ts.PropertyAccessExpression {
  return ts.isPropertyAccessExpression(node) && node.expression.kind === ts.SyntaxKind.ThisKeyword;
}

/** The decorators of a node (TS 5+ keeps them among modifiers). */
export function decoratorsOf(node: ts.Node): readonly ts.Decorator[] {
  return ts.canHaveDecorators(node) ? (ts.getDecorators(node) ?? []) : [];
}

/** A decorator's name and arguments: `@Column({ … })` → Column, [{ … }]; `@Column` → Column, []. */
export function decoratorCall(decorator: ts.Decorator): { name: string; qualifier?: string; args: readonly ts.Expression[] } | undefined {
  const e = decorator.expression;
  const target = ts.isCallExpression(e) ? e.expression : e;
  const args = ts.isCallExpression(e) ? e.arguments : [];
  if (ts.isIdentifier(target)) return { name: target.text, args };
  if (ts.isPropertyAccessExpression(target) && ts.isIdentifier(target.expression)) return { name: target.name.text, qualifier: target.expression.text, args };
  return undefined;
}

export type Binding =
  | { kind: 'variable'; node: ts.VariableDeclaration }
  | { kind: 'parameter'; node: ts.ParameterDeclaration }
  | { kind: 'function'; node: ts.FunctionDeclaration }
  | { kind: 'class'; node: ts.ClassLikeDeclaration };

/** A class member that code reaches as `this.name`: a property, a constructor parameter property, and `this.name = …` assignments. */
export interface ClassMember {
  declaration?: ts.PropertyDeclaration | ts.ParameterDeclaration;
  assigned: ts.Expression[];
}

function isScopeNode(node: ts.Node): boolean {
  return ts.isSourceFile(node) || ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node) || ts.isModuleBlock(node);
}

const PARAMETER_PROPERTY_MODIFIERS = new Set([ts.SyntaxKind.PublicKeyword, ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.ReadonlyKeyword]);

/**
 * Declarations of a file by scope. Scopes are functions (and the file), not blocks: two `const x` in sibling
 * blocks of one function share a slot, the later one winning, which is close enough for finding a repository.
 */
export class Scopes {
  private readonly byScope = new Map<ts.Node, Map<string, Binding>>();
  private readonly members = new Map<ts.ClassLikeDeclaration, Map<string, ClassMember>>();
  private indexed = false;

  /** The index is built on the first question: most files never ask one. */
  private constructor(private readonly sourceFile: ts.SourceFile) {}

  private index(): void {
    if (this.indexed) return;
    this.indexed = true;
    // One visitor per scope, not one closure per node: this runs on every file an extractor reads.
    const visitorIn = (scope: ts.Node): ((node: ts.Node) => void) => {
      const visit = (node: ts.Node): void => {
        if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) this.add(scope, node.name.text, { kind: 'variable', node });
        else if (ts.isFunctionDeclaration(node) && node.name) this.add(scope, node.name.text, { kind: 'function', node });
        else if (ts.isClassDeclaration(node) && node.name) this.add(scope, node.name.text, { kind: 'class', node });
        if (ts.isClassLike(node)) this.indexClass(node);
        if (!isScopeNode(node)) {
          ts.forEachChild(node, visit);
          return;
        }
        if (ts.isFunctionLike(node)) {
          for (const parameter of node.parameters) {
            if (ts.isIdentifier(parameter.name)) this.add(node, parameter.name.text, { kind: 'parameter', node: parameter });
          }
        }
        ts.forEachChild(node, visitorIn(node));
      };
      return visit;
    };
    ts.forEachChild(this.sourceFile, visitorIn(this.sourceFile));
  }

  private static readonly cache = new WeakMap<ts.SourceFile, Scopes>();

  /** The scopes of a file, shared by the extractors that read it. */
  static of(sourceFile: ts.SourceFile): Scopes {
    let scopes = Scopes.cache.get(sourceFile);
    if (!scopes) Scopes.cache.set(sourceFile, (scopes = new Scopes(sourceFile)));
    return scopes;
  }

  private add(scope: ts.Node, name: string, binding: Binding): void {
    let map = this.byScope.get(scope);
    if (!map) this.byScope.set(scope, (map = new Map()));
    map.set(name, binding);
  }

  private indexClass(node: ts.ClassLikeDeclaration): void {
    const members = new Map<string, ClassMember>();
    const member = (name: string): ClassMember => {
      let m = members.get(name);
      if (!m) members.set(name, (m = { assigned: [] }));
      return m;
    };
    for (const element of node.members) {
      if (ts.isPropertyDeclaration(element)) {
        const name = propertyName(element.name);
        if (name !== undefined) member(name).declaration = element;
      } else if (ts.isConstructorDeclaration(element)) {
        for (const parameter of element.parameters) {
          if (ts.isIdentifier(parameter.name) && ts.getModifiers(parameter)?.some((m) => PARAMETER_PROPERTY_MODIFIERS.has(m.kind))) {
            member(parameter.name.text).declaration = parameter;
          }
        }
      }
    }
    const visit = (n: ts.Node): void => {
      if (
        ts.isBinaryExpression(n) &&
        n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
        isThisMember(n.left) &&
        thisContainer(n) === node
      ) {
        member(n.left.name.text).assigned.push(n.right);
      }
      if (n !== node && ts.isClassLike(n)) return;
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(node, visit);
    this.members.set(node, members);
  }

  /** The declaration an identifier refers to, looking outward through enclosing functions to the file. */
  lookup(identifier: ts.Identifier): Binding | undefined {
    this.index();
    const name = identifier.text;
    for (let n: ts.Node | undefined = identifier.parent; n; n = n.parent) {
      if (!isScopeNode(n)) continue;
      const binding = this.byScope.get(n)?.get(name);
      if (binding) return binding;
    }
    return undefined;
  }

  /** The member `this.name` refers to from `node`. */
  member(node: ts.Node, name: string): ClassMember | undefined {
    this.index();
    const container = thisContainer(node);
    return container && ts.isClassLike(container) ? this.members.get(container)?.get(name) : undefined;
  }
}

/**
 * The node that decides what `this` means at `node`: its class (methods, constructors, property initializers),
 * an object literal (methods of `{ … }`), a plain function, or the file.
 */
export function thisContainer(node: ts.Node): ts.Node | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (ts.isArrowFunction(n)) continue;
    if (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n)) return n;
    if (ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n) || ts.isPropertyDeclaration(n) || ts.isClassStaticBlockDeclaration(n)) {
      const owner = n.parent;
      if (owner && (ts.isClassLike(owner) || ts.isObjectLiteralExpression(owner))) return owner;
      return n;
    }
    if (ts.isSourceFile(n)) return n;
  }
  return undefined;
}

/** The type arguments' names of a type reference: `Repository<User>` → Repository, [User]. */
export function typeReference(type: ts.TypeNode | undefined): { name: string; qualifier?: string; args: string[] } | undefined {
  if (!type || !ts.isTypeReferenceNode(type)) return undefined;
  const typeName = type.typeName;
  const name = ts.isIdentifier(typeName) ? typeName.text : typeName.right.text;
  const qualifier = ts.isQualifiedName(typeName) && ts.isIdentifier(typeName.left) ? typeName.left.text : undefined;
  const args = (type.typeArguments ?? []).map((t) => (ts.isTypeReferenceNode(t) && ts.isIdentifier(t.typeName) ? t.typeName.text : '')).filter((t) => t !== '');
  return { name, ...(qualifier ? { qualifier } : {}), args };
}

/** Names a file exports a local binding under: `export const x`, `export { x as y }`, `export default x`, `module.exports = x`. */
export function exportNames(sourceFile: ts.SourceFile): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const add = (local: string, exported: string): void => {
    const list = names.get(local) ?? [];
    if (!list.includes(exported)) list.push(exported);
    names.set(local, list);
  };
  for (const statement of sourceFile.statements) {
    const exported = ts.getModifiers(statement as ts.HasModifiers)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
    const isDefault = ts.getModifiers(statement as ts.HasModifiers)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false;
    if (ts.isVariableStatement(statement) && exported) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) add(d.name.text, d.name.text);
    } else if ((ts.isClassDeclaration(statement) || ts.isFunctionDeclaration(statement)) && statement.name && exported) {
      add(statement.name.text, isDefault ? 'default' : statement.name.text);
    } else if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) add((element.propertyName ?? element.name).text, element.name.text);
    } else if (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression)) {
      add(statement.expression.text, 'default');
    } else if (ts.isExpressionStatement(statement) && ts.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const { left, right } = statement.expression;
      const target = commonJsExport(left);
      if (target === undefined) continue;
      const value = unwrap(right);
      if (target === '*' && ts.isIdentifier(value)) {
        add(value.text, '*');
        add(value.text, 'default');
      } else if (target === '*' && ts.isObjectLiteralExpression(value)) {
        for (const entry of objectEntries(value)) if (entry.value && ts.isIdentifier(entry.value)) add(entry.value.text, entry.key);
      } else if (target !== '*' && ts.isIdentifier(value)) add(value.text, target);
    }
  }
  return names;
}

/** Whether a variable is bound by `require('x')` or `await import('x')` (an import binding, see collectImports). */
export function isRequireDeclaration(declaration: ts.VariableDeclaration): boolean {
  let e = declaration.initializer ? unwrap(declaration.initializer) : undefined;
  if (e && ts.isPropertyAccessExpression(e) && e.name.text === 'default') e = unwrap(e.expression);
  return (
    e !== undefined &&
    ts.isCallExpression(e) &&
    (e.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(e.expression) && e.expression.text === 'require')) &&
    stringValue(e.arguments[0]) !== undefined
  );
}

/** `module.exports` → `*`; `module.exports.x` / `exports.x` → `x`. */
export function commonJsExport(left: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(left) && ts.isIdentifier(left.expression) && left.expression.text === 'module' && left.name.text === 'exports') return '*';
  if (ts.isPropertyAccessExpression(left)) {
    const object = left.expression;
    if (ts.isIdentifier(object) && object.text === 'exports') return left.name.text;
    if (ts.isPropertyAccessExpression(object) && ts.isIdentifier(object.expression) && object.expression.text === 'module' && object.name.text === 'exports') return left.name.text;
  }
  return undefined;
}
