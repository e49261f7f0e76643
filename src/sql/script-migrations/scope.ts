/**
 * What a name in a migration file stands for, as far as the file itself says: constants (`const TABLE =
 * 'users'`), objects and arrays of them, functions declared in the file, the tool objects `up` receives, and
 * imports. Values are computed only from literals and constants of the same file; everything else stays
 * unknown, with the reason, so that callers can say why they could not read a call.
 */
import { ts } from 'ts-morph';
import { propertyName, skipOuter } from '../../migrations/script-syntax.js';

export type Binding =
  /** A name bound to an expression of the file (evaluated lazily, in its own scope). */
  | { kind: 'expr'; expr: ts.Expression; scope: Scope }
  /** A property of another binding (destructuring: `const { schema } = knex`); `node` is the binding element. */
  | { kind: 'member'; of: Binding; name: string; node?: ts.Node }
  /** A tool object (`knex`, `queryRunner`, `pgm`…) or an imported module (`module:kysely`). */
  | { kind: 'root'; root: string }
  | { kind: 'value'; value: StaticValue }
  | { kind: 'unknown'; reason: string };

export class Scope {
  private readonly bindings = new Map<string, Binding>();
  readonly parent: Scope | undefined;
  /** Names assigned somewhere in the file (`let x = 1; x = 2`): their initializer says nothing. */
  readonly reassigned: ReadonlySet<string>;

  constructor(parent?: Scope, reassigned?: ReadonlySet<string>) {
    this.parent = parent;
    this.reassigned = reassigned ?? parent?.reassigned ?? new Set();
  }

  set(name: string, binding: Binding): void {
    this.bindings.set(name, binding);
  }

  lookup(name: string): Binding | undefined {
    return this.bindings.get(name) ?? this.parent?.lookup(name);
  }

  /** Rebinds a name where it is declared (an assignment `x = …`); false when no scope declares it. */
  assign(name: string, binding: Binding): boolean {
    if (this.bindings.has(name)) {
      this.bindings.set(name, binding);
      return true;
    }
    return this.parent?.assign(name, binding) ?? false;
  }

  child(): Scope {
    return new Scope(this);
  }
}

/** An expression together with the scope its names resolve in. */
export interface Located {
  expr: ts.Expression;
  scope: Scope;
}

export type StaticValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'undefined' }
  | { kind: 'array'; items: Located[] }
  | { kind: 'object'; props: Map<string, Located>; methods: Map<string, ts.FunctionLikeDeclaration> }
  | { kind: 'function'; fn: ts.FunctionLikeDeclaration; scope: Scope }
  /** An expression rooted at a tool object, an import or a global (`knex.fn.now()`, `Sequelize.STRING(20)`). */
  | { kind: 'chain'; chain: Chain }
  | { kind: 'unknown'; reason: string };

/** One step of a member/call chain: `.name`, `.name(args)`, `(args)`, `new …(args)` or a tagged template. */
export interface Link {
  /** Property name; `()` for calling the previous value itself; `new` for a constructor call; `` ` `` for a tagged template. */
  name: string;
  /** The expression up to and including this step (a binding element for destructured names). */
  node: ts.Node;
  args?: readonly ts.Expression[];
  template?: ts.TemplateLiteral;
  /** Where the arguments' names resolve. */
  scope: Scope;
}

export interface Chain {
  /** `knex`, `queryRunner`, `module:kysely`, `global:Promise`… */
  root: string;
  links: Link[];
}

/** How many bindings deep a name may be resolved (a guard against cycles, not a limit on chain length). */
const MAX_DEPTH = 24;

/** Binds the names of a declaration (identifier or destructuring pattern) to `binding`. */
export function bindName(name: ts.BindingName, binding: Binding, scope: Scope): void {
  if (ts.isIdentifier(name)) {
    scope.set(name.text, binding);
    return;
  }
  if (ts.isObjectBindingPattern(name)) {
    for (const element of name.elements) {
      if (element.dotDotDotToken) {
        bindName(element.name, { kind: 'unknown', reason: 'a rest element' }, scope);
        continue;
      }
      const key = element.propertyName ? propertyName(element.propertyName) : ts.isIdentifier(element.name) ? element.name.text : undefined;
      bindName(element.name, key === undefined ? { kind: 'unknown', reason: 'a computed property' } : { kind: 'member', of: binding, name: key, node: element }, scope);
    }
    return;
  }
  name.elements.forEach((element, i) => {
    if (ts.isOmittedExpression(element)) return;
    bindName(element.name, element.dotDotDotToken ? { kind: 'unknown', reason: 'a rest element' } : { kind: 'member', of: binding, name: String(i), node: element }, scope);
  });
}

/** Declarations of a statement list that later statements (and hoisted calls) can see. */
export function declareStatements(statements: readonly ts.Statement[], scope: Scope): void {
  for (const statement of statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name && statement.body) {
      scope.set(statement.name.text, { kind: 'value', value: { kind: 'function', fn: statement, scope } });
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      scope.set(statement.name.text, { kind: 'unknown', reason: 'a class' });
    } else if (ts.isVariableStatement(statement)) {
      declareVariables(statement.declarationList, scope);
    } else if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const root = `module:${statement.moduleSpecifier.text}`;
      const clause = statement.importClause;
      if (!clause) continue;
      if (clause.name) scope.set(clause.name.text, { kind: 'member', of: { kind: 'root', root }, name: 'default', node: clause.name });
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) scope.set(bindings.name.text, { kind: 'root', root });
      else if (bindings) {
        for (const spec of bindings.elements) {
          scope.set(spec.name.text, { kind: 'member', of: { kind: 'root', root }, name: spec.propertyName?.text ?? spec.name.text, node: spec });
        }
      }
    } else if (ts.isImportEqualsDeclaration(statement) && ts.isExternalModuleReference(statement.moduleReference)) {
      const spec = statement.moduleReference.expression;
      if (ts.isStringLiteral(spec)) scope.set(statement.name.text, { kind: 'root', root: `module:${spec.text}` });
    }
  }
}

export function declareVariables(list: ts.VariableDeclarationList, scope: Scope): void {
  const constant = (list.flags & ts.NodeFlags.Const) !== 0;
  for (const d of list.declarations) {
    const names = boundNames(d.name);
    const stable = constant || names.every((n) => !scope.reassigned.has(n));
    if (!d.initializer || !stable) {
      bindName(d.name, { kind: 'unknown', reason: d.initializer ? 'a variable assigned elsewhere' : 'a variable without a value' }, scope);
    } else bindName(d.name, { kind: 'expr', expr: d.initializer, scope }, scope);
  }
}

function boundNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  const out: string[] = [];
  for (const element of name.elements) if (!ts.isOmittedExpression(element)) out.push(...boundNames(element.name));
  return out;
}

/** Names that are the target of an assignment or increment anywhere in the file. */
export function reassignedNames(file: ts.SourceFile): Set<string> {
  const out = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      const left = skipOuter(node.left);
      if (ts.isIdentifier(left)) out.add(left.text);
    } else if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && ts.isIdentifier(node.operand)) {
      if (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken) out.add(node.operand.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** Strips `await`, `yield` (tsc's CommonJS output) and the wrappers `skipOuter` strips. */
export function unwrap(node: ts.Expression): ts.Expression {
  let e = skipOuter(node);
  while (ts.isAwaitExpression(e) || (ts.isYieldExpression(e) && e.expression) || ts.isVoidExpression(e)) {
    e = skipOuter(ts.isYieldExpression(e) ? e.expression! : e.expression);
  }
  return e;
}

/** The chain an expression is made of, when it starts at a known root (tool object, import or global). */
export function chainOf(expr: ts.Expression, scope: Scope, depth = 0): Chain | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const e = unwrap(expr);
  if (ts.isIdentifier(e)) {
    const binding = scope.lookup(e.text);
    if (!binding) return { root: `global:${e.text}`, links: [] };
    return chainOfBinding(binding, depth + 1);
  }
  if (e.kind === ts.SyntaxKind.ThisKeyword) {
    const binding = scope.lookup('this');
    return binding ? chainOfBinding(binding, depth + 1) : undefined;
  }
  if (ts.isPropertyAccessExpression(e)) {
    const base = chainOf(e.expression, scope, depth);
    return base && { root: base.root, links: [...base.links, { name: e.name.text, node: e, scope }] };
  }
  if (ts.isElementAccessExpression(e)) {
    const key = evaluate(e.argumentExpression, scope, depth);
    const base = chainOf(e.expression, scope, depth);
    if (!base || (key.kind !== 'string' && key.kind !== 'number')) return undefined;
    return { root: base.root, links: [...base.links, { name: String(key.value), node: e, scope }] };
  }
  if (ts.isCallExpression(e)) {
    // require('x') is the module itself.
    if (ts.isIdentifier(e.expression) && e.expression.text === 'require' && !scope.lookup('require') && e.arguments[0] && ts.isStringLiteralLike(e.arguments[0])) {
      return { root: `module:${e.arguments[0].text}`, links: [] };
    }
    const callee = unwrap(e.expression);
    const base = chainOf(e.expression, scope, depth);
    if (!base) return undefined;
    const last = base.links[base.links.length - 1];
    // `a.b(x)`: the call belongs to the `.b` step (unless `.b` was already called).
    if (last && !last.args && (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee))) {
      return { root: base.root, links: [...base.links.slice(0, -1), { ...last, node: e, args: e.arguments }] };
    }
    return { root: base.root, links: [...base.links, { name: '()', node: e, args: e.arguments, scope }] };
  }
  if (ts.isNewExpression(e)) {
    const base = chainOf(e.expression, scope, depth);
    return base && { root: base.root, links: [...base.links, { name: 'new', node: e, args: e.arguments ?? [], scope }] };
  }
  if (ts.isTaggedTemplateExpression(e)) {
    const base = chainOf(e.tag, scope, depth);
    return base && { root: base.root, links: [...base.links, { name: '`', node: e, template: e.template, scope }] };
  }
  return undefined;
}

function chainOfBinding(binding: Binding, depth: number): Chain | undefined {
  if (depth > MAX_DEPTH) return undefined;
  switch (binding.kind) {
    case 'root':
      return { root: binding.root, links: [] };
    case 'expr':
      return chainOf(binding.expr, binding.scope, depth + 1);
    case 'member': {
      const base = chainOfBinding(binding.of, depth + 1);
      if (!base) return undefined;
      const last = base.links[base.links.length - 1];
      const node = binding.node ?? last?.node;
      if (!node) return undefined;
      return { root: base.root, links: [...base.links, { name: binding.name, node, scope: last?.scope ?? new Scope() }] };
    }
    case 'value':
      return binding.value.kind === 'chain' ? binding.value.chain : undefined;
    default:
      return undefined;
  }
}

/** The names a chain goes through, without its calls: `knex.schema.alterTable`. */
export function chainPath(chain: Chain): string {
  return [chain.root, ...chain.links.map((l) => l.name)].join('.');
}

/** The static value of an expression, computed from literals and constants of the file only. */
export function evaluate(expr: ts.Expression, scope: Scope, depth = 0): StaticValue {
  if (depth > MAX_DEPTH) return { kind: 'unknown', reason: 'a value defined too indirectly' };
  const e = unwrap(expr);
  if (ts.isStringLiteralLike(e)) return { kind: 'string', value: e.text };
  if (ts.isNumericLiteral(e)) return { kind: 'number', value: Number(e.text) };
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
    const v = evaluate(e.operand, scope, depth);
    return v.kind === 'number' ? { kind: 'number', value: -v.value } : unknownOf('a computed number');
  }
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken) {
    const v = evaluate(e.operand, scope, depth);
    const truth = truthiness(v);
    return truth === undefined ? unknownOf('a condition known only at run time') : { kind: 'boolean', value: !truth };
  }
  if (e.kind === ts.SyntaxKind.TrueKeyword) return { kind: 'boolean', value: true };
  if (e.kind === ts.SyntaxKind.FalseKeyword) return { kind: 'boolean', value: false };
  if (e.kind === ts.SyntaxKind.NullKeyword) return { kind: 'null' };
  if (ts.isTemplateExpression(e)) {
    let out = e.head.text;
    for (const span of e.templateSpans) {
      const v = evaluate(span.expression, scope, depth);
      if (v.kind !== 'string' && v.kind !== 'number') return unknownOf(`\`${span.expression.getText()}\` is known only at run time`, v);
      out += String(v.value) + span.literal.text;
    }
    return { kind: 'string', value: out };
  }
  if (ts.isArrayLiteralExpression(e)) {
    const items: Located[] = [];
    for (const element of e.elements) {
      if (ts.isSpreadElement(element)) {
        const spread = evaluate(element.expression, scope, depth);
        if (spread.kind !== 'array') return unknownOf(`the spread \`${element.getText()}\` is known only at run time`, spread);
        items.push(...spread.items);
      } else if (!ts.isOmittedExpression(element)) items.push({ expr: element, scope });
    }
    return { kind: 'array', items };
  }
  if (ts.isObjectLiteralExpression(e)) {
    const props = new Map<string, Located>();
    const methods = new Map<string, ts.FunctionLikeDeclaration>();
    for (const p of e.properties) {
      if (ts.isPropertyAssignment(p)) {
        const key = propertyName(p.name) ?? computedKey(p.name, scope, depth);
        if (key === undefined) return unknownOf(`the property name \`${p.name.getText()}\` is known only at run time`);
        props.set(key, { expr: p.initializer, scope });
      } else if (ts.isShorthandPropertyAssignment(p)) props.set(p.name.text, { expr: p.name, scope });
      else if (ts.isMethodDeclaration(p)) {
        const key = propertyName(p.name);
        if (key !== undefined) methods.set(key, p);
      } else if (ts.isSpreadAssignment(p)) {
        const spread = evaluate(p.expression, scope, depth);
        if (spread.kind !== 'object') return unknownOf(`the spread \`${p.getText()}\` is known only at run time`, spread);
        for (const [k, v] of spread.props) props.set(k, v);
      }
    }
    return { kind: 'object', props, methods };
  }
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return { kind: 'function', fn: e, scope };
  if (ts.isIdentifier(e)) {
    if (e.text === 'undefined' && !scope.lookup('undefined')) return { kind: 'undefined' };
    const binding = scope.lookup(e.text);
    if (!binding) return { kind: 'chain', chain: { root: `global:${e.text}`, links: [] } };
    return evaluateBinding(binding, e, depth + 1);
  }
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken) {
      const equal = compare(evaluate(e.left, scope, depth), evaluate(e.right, scope, depth));
      if (equal === undefined) return unknownOf(`\`${shortText(e)}\` is known only at run time`);
      const negated = op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken;
      return { kind: 'boolean', value: negated ? !equal : equal };
    }
    if (op === ts.SyntaxKind.AmpersandAmpersandToken) {
      const a = evaluate(e.left, scope, depth);
      const truth = truthiness(a);
      if (truth === undefined) return unknownOf(`\`${shortText(e)}\` is known only at run time`, a);
      return truth ? evaluate(e.right, scope, depth) : a;
    }
    if (op === ts.SyntaxKind.PlusToken) {
      const a = evaluate(e.left, scope, depth);
      const b = evaluate(e.right, scope, depth);
      if ((a.kind === 'string' || a.kind === 'number') && (b.kind === 'string' || b.kind === 'number')) {
        return a.kind === 'number' && b.kind === 'number' ? { kind: 'number', value: a.value + b.value } : { kind: 'string', value: String(a.value) + String(b.value) };
      }
      return unknownOf(`\`${e.getText()}\` is computed at run time`, a.kind === 'unknown' ? a : b);
    }
    if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken) {
      const a = evaluate(e.left, scope, depth);
      const use = op === ts.SyntaxKind.QuestionQuestionToken ? (a.kind === 'null' || a.kind === 'undefined' ? false : a.kind === 'unknown' ? undefined : true) : truthiness(a);
      if (use === undefined) return unknownOf(`\`${e.getText()}\` is known only at run time`, a);
      return use ? a : evaluate(e.right, scope, depth);
    }
  }
  if (ts.isConditionalExpression(e)) {
    const truth = truthiness(evaluate(e.condition, scope, depth));
    if (truth === undefined) return unknownOf(`\`${e.condition.getText()}\` is known only at run time`);
    return evaluate(truth ? e.whenTrue : e.whenFalse, scope, depth);
  }
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    if (isProcessEnv(e)) return unknownOf(`\`${e.getText()}\` is read from the environment at run time`);
    const key = ts.isPropertyAccessExpression(e) ? e.name.text : keyOf(e.argumentExpression, scope, depth);
    const base = evaluate(e.expression, scope, depth);
    if (key !== undefined) {
      if (base.kind === 'object') {
        const prop = base.props.get(key);
        if (prop) return evaluate(prop.expr, prop.scope, depth + 1);
        const method = base.methods.get(key);
        if (method) return { kind: 'function', fn: method, scope };
        return { kind: 'undefined' };
      }
      if (base.kind === 'array') {
        if (key === 'length') return { kind: 'number', value: base.items.length };
        const item = /^\d+$/.test(key) ? base.items[Number(key)] : undefined;
        if (item) return evaluate(item.expr, item.scope, depth + 1);
      }
      if (base.kind === 'string' && key === 'length') return { kind: 'number', value: base.value.length };
    }
    if (base.kind === 'unknown') return base;
  }
  const chain = chainOf(e, scope, depth);
  if (chain) return { kind: 'chain', chain };
  return unknownOf(`\`${shortText(e)}\` is computed at run time`);
}

function evaluateBinding(binding: Binding, at: ts.Node, depth: number): StaticValue {
  switch (binding.kind) {
    case 'expr':
      return evaluate(binding.expr, binding.scope, depth + 1);
    case 'value':
      return binding.value;
    case 'root':
      return { kind: 'chain', chain: { root: binding.root, links: [] } };
    case 'member': {
      const base = evaluateBinding(binding.of, at, depth + 1);
      if (base.kind === 'object') {
        const prop = base.props.get(binding.name);
        if (prop) return evaluate(prop.expr, prop.scope, depth + 1);
        const method = base.methods.get(binding.name);
        return method ? { kind: 'function', fn: method, scope: new Scope() } : { kind: 'undefined' };
      }
      if (base.kind === 'array' && /^\d+$/.test(binding.name)) {
        const item = base.items[Number(binding.name)];
        return item ? evaluate(item.expr, item.scope, depth + 1) : { kind: 'undefined' };
      }
      const chain = chainOfBinding(binding, depth + 1);
      if (chain) return { kind: 'chain', chain };
      return base.kind === 'unknown' ? base : { kind: 'unknown', reason: `\`${at.getText()}\` is known only at run time` };
    }
    case 'unknown':
      return { kind: 'unknown', reason: `\`${at.getText()}\` is ${binding.reason}, known only at run time` };
  }
}

function computedKey(name: ts.PropertyName, scope: Scope, depth: number): string | undefined {
  return ts.isComputedPropertyName(name) ? keyOf(name.expression, scope, depth) : undefined;
}

function keyOf(expr: ts.Expression, scope: Scope, depth: number): string | undefined {
  const v = evaluate(expr, scope, depth + 1);
  return v.kind === 'string' || v.kind === 'number' ? String(v.value) : undefined;
}

function isProcessEnv(e: ts.PropertyAccessExpression | ts.ElementAccessExpression): boolean {
  const base = skipOuter(e.expression);
  return ts.isPropertyAccessExpression(base) && base.name.text === 'env' && ts.isIdentifier(base.expression) && base.expression.text === 'process';
}

/**
 * Whether a database name is Postgres (true), another database (false) or neither (undefined). Migrations
 * that support several databases branch on the dialect; rollsafe reads them as run on Postgres.
 */
export function isPostgresName(name: string): boolean | undefined {
  if (/^(postgres|postgresql|pg|pgsql|pg-native|pglite|cockroachdb)$/i.test(name)) return true;
  if (/^(mysql2?|mariadb|sqlite3?|better-sqlite3|mssql|sqlserver|oracle|oracledb|redshift)$/i.test(name)) return false;
  return undefined;
}

/** `a === b` when both are known, or when one is a database name (see isPostgresName) and the other unknown. */
function compare(a: StaticValue, b: StaticValue): boolean | undefined {
  const primitive = (v: StaticValue): boolean => v.kind === 'string' || v.kind === 'number' || v.kind === 'boolean' || v.kind === 'null' || v.kind === 'undefined';
  if (primitive(a) && primitive(b)) return a.kind === b.kind && ('value' in a ? a.value === (b as typeof a).value : true);
  const literal = a.kind === 'string' ? a : b.kind === 'string' ? b : undefined;
  const other = literal === a ? b : a;
  if (literal && (other.kind === 'unknown' || other.kind === 'chain')) return isPostgresName(literal.value);
  return undefined;
}

/** Whether a value is truthy, when known. */
export function truthiness(v: StaticValue): boolean | undefined {
  switch (v.kind) {
    case 'string':
      return v.value !== '';
    case 'number':
      return v.value !== 0 && !Number.isNaN(v.value);
    case 'boolean':
      return v.value;
    case 'null':
    case 'undefined':
      return false;
    case 'array':
    case 'object':
    case 'function':
      return true;
    default:
      return undefined;
  }
}

function unknownOf(reason: string, inner?: StaticValue): StaticValue {
  // The innermost reason names the value that is really unknown (`process.env.TABLE`), not the expression around it.
  if (inner && inner.kind === 'unknown') return inner;
  return { kind: 'unknown', reason };
}

function shortText(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** The string a value is, or undefined. */
export function asString(v: StaticValue): string | undefined {
  return v.kind === 'string' ? v.value : undefined;
}

/** A string or an array of strings (`'a'` or `['a', 'b']`) as a list; undefined when any part is unknown. */
export function asStrings(v: StaticValue): string[] | undefined {
  if (v.kind === 'string') return [v.value];
  if (v.kind !== 'array') return undefined;
  const out: string[] = [];
  for (const item of v.items) {
    const s = evaluate(item.expr, item.scope);
    if (s.kind !== 'string') return undefined;
    out.push(s.value);
  }
  return out;
}

/**
 * Why a value the caller needed as a name or a string is not known, as a clause for messages:
 * `the table name is \`process.env.T\`, read from the environment at run time`.
 */
export function notStatic(what: string, v: StaticValue): string {
  if (v.kind === 'unknown') {
    const subject = /^(`[^`]*`) is (.*)$/.exec(v.reason);
    return subject ? `${what} is ${subject[1]}, ${subject[2]}` : `${what}: ${v.reason}`;
  }
  if (v.kind === 'chain') {
    const last = v.chain.links[v.chain.links.length - 1];
    const text = last ? `\`${shortText(last.node)}\`` : `\`${v.chain.root.replace(/^\w+:/, '')}\``;
    if (v.chain.root.startsWith('module:')) return `${what} is ${text}, imported from ${v.chain.root.slice('module:'.length)}`;
    if (v.chain.root.startsWith('global:')) return `${what} is ${text}, a global known only at run time`;
    return `${what} is ${text}, not a string of this file`;
  }
  return `${what} is not a string (it is ${v.kind === 'array' || v.kind === 'object' ? `an ${v.kind}` : `a ${v.kind}`})`;
}
