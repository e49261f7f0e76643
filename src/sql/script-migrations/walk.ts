/**
 * Follows `up` the way it runs, without running it: statements in order, awaited calls, `Promise.all`,
 * `.then()` callbacks, helper functions of the same file (inlined with their arguments), and loops over
 * lists written in the file (unrolled). A call that runs only under a condition rollsafe cannot decide (an
 * `else` branch, a `catch`, a loop over a run-time list) is reported as unanalysed instead of guessed.
 */
import { ts } from 'ts-morph';
import type { MigrationSink, Emitter } from './emit.js';
import type { Scope } from './scope.js';
import { bindName, chainOf, declareStatements, evaluate, isPostgresName, truthiness, unwrap, type Binding, type Chain, type StaticValue } from './scope.js';
import type { ScriptSource } from './source.js';

export interface CallContext {
  readonly walker: Walker;
  readonly scope: Scope;
  /** Why the calls here may not run as written (set inside an else branch, a catch, a loop over a run-time list). */
  readonly unanalysable: string | undefined;
  /** Records one call of the migration (see MigrationSink.operation). */
  operation(type: string, node: ts.Node, build: (emit: Emitter) => void): void;
}

/** Handles a call of a tool's API; returns false when the chain is not the tool's. */
export type CallHandler = (chain: Chain, call: ts.Expression, ctx: CallContext) => boolean;

const MAX_INLINE_DEPTH = 8;

/** How a statement surely ends: it goes on to the next one, or it leaves its function, loop or switch. */
type Flow = 'next' | 'return' | 'break' | 'continue';
const MAX_UNROLL = 200;

export class Walker {
  readonly source: ScriptSource;
  readonly sink: MigrationSink;
  /** Roots of the tool's objects: handing one to a function of another file hides what it does. */
  private readonly toolRoots: ReadonlySet<string>;
  private readonly classDecl: ts.ClassLikeDeclaration | undefined;
  private readonly active = new Set<ts.Node>();
  private readonly done = new Map<ts.Node, Set<Scope>>();
  /** Inside a then branch read as if its run-time condition held. */
  private assumed = 0;

  constructor(source: ScriptSource, sink: MigrationSink, toolRoots: ReadonlySet<string>, classDecl?: ts.ClassLikeDeclaration) {
    this.source = source;
    this.sink = sink;
    this.toolRoots = toolRoots;
    this.classDecl = classDecl;
  }

  /** Runs a function's body with its parameters bound to `args` (missing ones to their defaults, else unknown). */
  run(fn: ts.FunctionLikeDeclaration, args: readonly (Binding | undefined)[], closure: Scope, handler: CallHandler, unanalysable?: string, thisBinding?: Binding): void {
    if (!fn.body) return;
    if (this.active.has(fn) || this.active.size >= MAX_INLINE_DEPTH) {
      this.sink.unanalysedCall('function', fn, 'it calls itself, or nests helper calls too deeply, to follow');
      return;
    }
    this.active.add(fn);
    try {
      const scope = closure.child();
      if (thisBinding) scope.set('this', thisBinding);
      fn.parameters.forEach((p, i) => {
        const binding: Binding = p.dotDotDotToken
          ? { kind: 'unknown', reason: 'a rest parameter' }
          : (args[i] ?? (p.initializer ? { kind: 'expr', expr: p.initializer, scope } : { kind: 'unknown', reason: 'a parameter given no value' }));
        bindName(p.name, binding, scope);
      });
      if (ts.isBlock(fn.body)) {
        declareStatements(fn.body.statements, scope);
        this.statements(fn.body.statements, scope, handler, unanalysable);
      } else this.expression(fn.body, scope, handler, unanalysable);
    } finally {
      this.active.delete(fn);
    }
  }

  /** Runs a callback given to a tool call (a Knex table builder, a transaction callback). */
  runCallback(callback: ts.Expression | undefined, args: readonly (Binding | undefined)[], scope: Scope, handler: CallHandler, unanalysable: string | undefined): boolean {
    if (!callback) return false;
    const value = evaluate(callback, scope);
    if (value.kind !== 'function') return false;
    this.run(value.fn, args, value.scope, handler, unanalysable, scope.lookup('this'));
    return true;
  }

  /** Runs statements in order until one surely leaves the list (a return, a throw, a break or continue). */
  statements(list: readonly ts.Statement[], scope: Scope, handler: CallHandler, mode: string | undefined): Flow {
    for (const statement of list) {
      const flow = this.statement(statement, scope, handler, mode);
      if (flow !== 'next') return flow;
    }
    return 'next';
  }

  /**
   * Runs one statement; says how it surely ends. A path rollsafe only assumes (the then branch of a run-time
   * condition) never ends the function: `if (await exists()) return;` must not hide the rest of `up`.
   */
  private statement(statement: ts.Statement, scope: Scope, handler: CallHandler, mode: string | undefined): Flow {
    if (ts.isBlock(statement)) {
      const inner = scope.child();
      declareStatements(statement.statements, inner);
      return this.statements(statement.statements, inner, handler, mode);
    }
    if (ts.isExpressionStatement(statement)) {
      this.expression(statement.expression, scope, handler, mode);
      return 'next';
    }
    if (ts.isReturnStatement(statement)) {
      if (statement.expression) this.expression(statement.expression, scope, handler, mode);
      return 'return';
    }
    if (ts.isThrowStatement(statement)) return 'return';
    if (ts.isBreakStatement(statement)) return 'break';
    if (ts.isContinueStatement(statement)) return 'continue';
    if (ts.isVariableStatement(statement)) {
      const constant = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
      for (const d of statement.declarationList.declarations) {
        if (!d.initializer) continue;
        this.expression(d.initializer, scope, handler, mode);
        // A `let` assigned again later: from here on it holds its initializer, until the next assignment.
        if (!constant) bindName(d.name, mode === undefined ? { kind: 'value', value: this.snapshot(d.initializer, scope) } : { kind: 'unknown', reason: 'a variable set under a condition' }, scope);
      }
      return 'next';
    }
    if (ts.isIfStatement(statement)) {
      this.expression(statement.expression, scope, handler, mode);
      const truth = truthiness(evaluate(statement.expression, scope));
      if (truth === true) return this.statement(statement.thenStatement, scope, handler, mode);
      if (truth === false) return statement.elseStatement ? this.statement(statement.elseStatement, scope, handler, mode) : 'next';
      // Both branches are read as if they ran, the then branch first: the schema may hold what either creates,
      // and a drop or rename guarded by a run-time check (`if (await knex.schema.hasColumn(…))`) is taken to
      // happen, so the code-aware rules see it. What the branches assign stays unknown after them.
      this.assumed++;
      try {
        this.statement(statement.thenStatement, scope, handler, mode);
        if (statement.elseStatement) this.statement(statement.elseStatement, scope, handler, mode);
      } finally {
        this.assumed--;
      }
      return 'next';
    }
    if (ts.isForOfStatement(statement)) return this.forOf(statement, scope, handler, mode);
    if (ts.isForStatement(statement) || ts.isForInStatement(statement) || ts.isWhileStatement(statement) || ts.isDoStatement(statement)) {
      const inner = scope.child();
      if ((ts.isForStatement(statement) || ts.isForInStatement(statement)) && statement.initializer && ts.isVariableDeclarationList(statement.initializer)) {
        for (const d of statement.initializer.declarations) bindName(d.name, { kind: 'unknown', reason: 'a loop variable' }, inner);
      }
      this.statement(statement.statement, inner, handler, mode ?? 'it runs in a loop whose iterations are known only at run time');
      return 'next';
    }
    if (ts.isTryStatement(statement)) {
      const flow = this.statement(statement.tryBlock, scope, handler, mode);
      if (statement.catchClause) {
        const inner = scope.child();
        if (statement.catchClause.variableDeclaration) bindName(statement.catchClause.variableDeclaration.name, { kind: 'unknown', reason: 'an error' }, inner);
        this.statement(statement.catchClause.block, inner, handler, mode ?? 'it runs only when an earlier call fails');
      }
      const after = statement.finallyBlock ? this.statement(statement.finallyBlock, scope, handler, mode) : 'next';
      return after !== 'next' ? after : flow;
    }
    if (ts.isSwitchStatement(statement)) {
      this.expression(statement.expression, scope, handler, mode);
      const start = this.switchEntry(statement, scope);
      const clauses = statement.caseBlock.clauses;
      if (start !== undefined) {
        // Run from the matching clause on, falling through until a break.
        const inner = scope.child();
        for (let i = start; i < clauses.length; i++) {
          declareStatements(clauses[i]!.statements, inner);
          const flow = this.statements(clauses[i]!.statements, inner, handler, mode);
          if (flow === 'break') return 'next';
          if (flow !== 'next') return flow;
        }
        return 'next';
      }
      for (const clause of clauses) {
        const inner = scope.child();
        declareStatements(clause.statements, inner);
        this.statements(clause.statements, inner, handler, mode ?? `it runs only in one case of \`switch (${this.brief(statement.expression)})\``);
      }
      return 'next';
    }
    if (ts.isLabeledStatement(statement)) {
      const flow = this.statement(statement.statement, scope, handler, mode);
      return flow === 'break' ? 'next' : flow;
    }
    return 'next';
  }

  /**
   * The clause a switch starts at, when known: its discriminant's value, or for a switch on the database
   * dialect (`case 'postgres':` … `case 'mysql':`), the Postgres clause (else `default`).
   */
  private switchEntry(statement: ts.SwitchStatement, scope: Scope): number | undefined {
    const clauses = statement.caseBlock.clauses;
    const value = evaluate(statement.expression, scope);
    const labels = clauses.map((c) => (ts.isCaseClause(c) ? evaluate(c.expression, scope) : undefined));
    const fallback = clauses.findIndex((c) => ts.isDefaultClause(c));
    if (value.kind === 'string' || value.kind === 'number' || value.kind === 'boolean') {
      const at = labels.findIndex((l) => l !== undefined && l.kind === value.kind && 'value' in l && l.value === value.value);
      return at >= 0 ? at : fallback >= 0 ? fallback : clauses.length;
    }
    const dialects = labels.map((l) => (l?.kind === 'string' ? isPostgresName(l.value) : undefined));
    if (!dialects.some((d) => d !== undefined)) return undefined;
    const postgres = dialects.indexOf(true);
    return postgres >= 0 ? postgres : fallback >= 0 ? fallback : clauses.length;
  }

  private forOf(statement: ts.ForOfStatement, scope: Scope, handler: CallHandler, mode: string | undefined): Flow {
    const list = evaluate(statement.expression, scope);
    const declaration = ts.isVariableDeclarationList(statement.initializer) ? statement.initializer.declarations[0] : undefined;
    if (list.kind === 'array' && declaration && list.items.length <= MAX_UNROLL) {
      for (const item of list.items) {
        const inner = scope.child();
        bindName(declaration.name, { kind: 'expr', expr: item.expr, scope: item.scope }, inner);
        const flow = this.statement(statement.statement, inner, handler, mode);
        if (flow === 'break') break;
        if (flow === 'return') return 'return';
      }
      return 'next';
    }
    const inner = scope.child();
    if (declaration) bindName(declaration.name, { kind: 'unknown', reason: 'a loop variable' }, inner);
    const why = list.kind === 'unknown' ? `it runs in a loop over \`${this.brief(statement.expression)}\` (${list.reason})` : `it runs in a loop over \`${this.brief(statement.expression)}\`, known only at run time`;
    this.statement(statement.statement, inner, handler, mode ?? why);
    return 'next';
  }

  expression(expr: ts.Expression, scope: Scope, handler: CallHandler, mode: string | undefined): void {
    const e = unwrap(expr);
    if (ts.isCallExpression(e)) {
      this.call(e, scope, handler, mode);
    } else if (ts.isBinaryExpression(e)) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.CommaToken) {
        this.expression(e.left, scope, handler, mode);
        this.expression(e.right, scope, handler, mode);
      } else if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken) {
        this.expression(e.left, scope, handler, mode);
        const truth = truthiness(evaluate(e.left, scope));
        const runsRight = truth === undefined ? undefined : op === ts.SyntaxKind.AmpersandAmpersandToken ? truth : !truth;
        if (runsRight !== false) {
          this.expression(e.right, scope, handler, runsRight === true ? mode : (mode ?? `it runs only depending on \`${this.brief(e.left)}\`, known only at run time`));
        }
      } else if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) {
        this.expression(e.right, scope, handler, mode);
        const target = unwrap(e.left);
        if (ts.isIdentifier(target)) {
          // Straight-line reassignments (`tableName = 'a'; …; tableName = 'b'`) are followed in order.
          let value: StaticValue = op === ts.SyntaxKind.EqualsToken ? this.snapshot(e.right, scope) : { kind: 'unknown', reason: 'computed at run time' };
          if (op === ts.SyntaxKind.PlusEqualsToken) {
            const before = evaluate(target, scope);
            const added = evaluate(e.right, scope);
            if ((before.kind === 'string' || before.kind === 'number') && (added.kind === 'string' || added.kind === 'number')) {
              value = before.kind === 'number' && added.kind === 'number' ? { kind: 'number', value: before.value + added.value } : { kind: 'string', value: `${before.value}${added.value}` };
            }
          }
          scope.assign(target.text, mode === undefined && this.assumed === 0 && value.kind !== 'unknown' ? { kind: 'value', value } : { kind: 'unknown', reason: 'a variable set at run time or under a condition' });
        }
      }
    } else if (ts.isConditionalExpression(e)) {
      this.expression(e.condition, scope, handler, mode);
      const truth = truthiness(evaluate(e.condition, scope));
      const why = mode ?? `it runs only depending on \`${this.brief(e.condition)}\`, known only at run time`;
      if (truth !== false) this.expression(e.whenTrue, scope, handler, truth === true ? mode : why);
      if (truth !== true) this.expression(e.whenFalse, scope, handler, truth === false ? mode : why);
    } else if (ts.isArrayLiteralExpression(e)) {
      for (const element of e.elements) this.expression(ts.isSpreadElement(element) ? element.expression : element, scope, handler, mode);
    } else if (ts.isPrefixUnaryExpression(e)) {
      this.expression(e.operand, scope, handler, mode);
    }
  }

  private call(node: ts.CallExpression, scope: Scope, handler: CallHandler, mode: string | undefined): void {
    const callee = unwrap(node.expression);
    const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;

    // Promise.all([a(), b()]): every element runs.
    const receiver = ts.isPropertyAccessExpression(callee) ? unwrap(callee.expression) : undefined;
    if (method && /^(all|allSettled|race|any)$/.test(method) && receiver && ts.isIdentifier(receiver) && receiver.text === 'Promise') {
      for (const arg of node.arguments) this.expression(arg, scope, handler, mode);
      return;
    }
    // tsc's CommonJS output: `return __awaiter(this, void 0, void 0, function* () { … })`.
    if (/(^|\.)__awaiter$/.test(callee.getText(this.source.file)) && node.arguments[3]) {
      this.runCallback(node.arguments[3], [], scope, handler, mode);
      return;
    }
    // promise.then(next) / .catch(onError) / .finally(always)
    if (ts.isPropertyAccessExpression(callee) && (method === 'then' || method === 'catch' || method === 'finally')) {
      this.expression(callee.expression, scope, handler, mode);
      const failing = mode ?? 'it runs only when an earlier call fails';
      const [first, second] = node.arguments;
      if (method === 'then') {
        this.runCallback(first, [], scope, handler, mode);
        this.runCallback(second, [], scope, handler, failing);
      } else this.runCallback(first, [], scope, handler, method === 'catch' ? failing : mode);
      return;
    }
    // list.forEach(fn) / list.map(fn): unrolled over a list of the file, else unanalysable.
    if (ts.isPropertyAccessExpression(callee) && method && /^(forEach|map|flatMap)$/.test(method) && node.arguments[0]) {
      const fnValue = evaluate(node.arguments[0], scope);
      const list = evaluate(callee.expression, scope);
      if (fnValue.kind === 'function' && list.kind !== 'chain') {
        if (list.kind === 'array' && list.items.length <= MAX_UNROLL) {
          for (const item of list.items) this.run(fnValue.fn, [{ kind: 'expr', expr: item.expr, scope: item.scope }], fnValue.scope, handler, mode, scope.lookup('this'));
        } else {
          const why = list.kind === 'unknown' ? list.reason : 'a list known only at run time';
          this.run(fnValue.fn, [{ kind: 'unknown', reason: 'a list element' }], fnValue.scope, handler, mode ?? `it runs for each element of \`${this.brief(callee.expression)}\` (${why})`, scope.lookup('this'));
        }
        return;
      }
    }

    // A method of the migration class: this.helper(…)
    if (ts.isPropertyAccessExpression(callee) && callee.expression.kind === ts.SyntaxKind.ThisKeyword && this.classDecl) {
      const member = this.classDecl.members.find((m) => (ts.isMethodDeclaration(m) || ts.isPropertyDeclaration(m)) && m.name && ts.isIdentifier(m.name) && m.name.text === callee.name.text);
      const fn = member && ts.isMethodDeclaration(member) ? member : member && ts.isPropertyDeclaration(member) && member.initializer && (ts.isArrowFunction(member.initializer) || ts.isFunctionExpression(member.initializer)) ? member.initializer : undefined;
      if (fn && fn.body) {
        this.run(fn, this.argumentBindings(node, scope), scope, handler, mode, scope.lookup('this'));
        return;
      }
    }

    // The tool's API.
    const chain = chainOf(node, scope);
    if (chain && !this.isDone(node, scope)) {
      const ctx: CallContext = {
        walker: this,
        scope,
        unanalysable: mode,
        operation: (type, at, build) => this.sink.operation(type, at, mode, build),
      };
      if (handler(chain, node, ctx)) {
        this.markDone(node, scope);
        return;
      }
    } else if (chain) return;

    // A function of this file.
    const target = evaluate(node.expression, scope);
    if (target.kind === 'function') {
      this.run(target.fn, this.argumentBindings(node, scope), target.scope, handler, mode, scope.lookup('this'));
      return;
    }

    // A function from elsewhere handed a tool object: what it does is out of sight.
    for (const arg of node.arguments) {
      const argChain = chainOf(arg, scope);
      if (argChain && this.toolRoots.has(argChain.root) && argChain.links.every((l) => !l.args && !l.template)) {
        const name = this.brief(node.expression);
        if (/^console\./.test(name)) break;
        this.sink.unanalysedCall(name, node, `it hands \`${this.brief(arg)}\` to \`${name}\`, which is not defined in this file`);
        return;
      }
    }
    for (const arg of node.arguments) this.expression(arg, scope, handler, mode);
  }

  /** The value of an expression now (before the variables it reads are assigned again). */
  private snapshot(expr: ts.Expression, scope: Scope): StaticValue {
    return evaluate(expr, scope);
  }

  private argumentBindings(node: ts.CallExpression, scope: Scope): Binding[] {
    const out: Binding[] = [];
    for (const arg of node.arguments) {
      if (ts.isSpreadElement(arg)) {
        const spread = evaluate(arg.expression, scope);
        if (spread.kind !== 'array') return [...out, { kind: 'unknown', reason: 'a spread argument' }];
        for (const item of spread.items) out.push({ kind: 'expr', expr: item.expr, scope: item.scope });
      } else out.push({ kind: 'expr', expr: arg, scope });
    }
    return out;
  }

  private isDone(node: ts.Node, scope: Scope): boolean {
    return this.done.get(node)?.has(scope) ?? false;
  }

  private markDone(node: ts.Node, scope: Scope): void {
    let scopes = this.done.get(node);
    if (!scopes) {
      scopes = new Set();
      this.done.set(node, scopes);
    }
    scopes.add(scope);
  }

  /** Short source text of a node, for messages. */
  brief(node: ts.Node): string {
    const text = node.getText(this.source.file).replace(/\s+/g, ' ');
    return text.length > 60 ? `${text.slice(0, 57)}…` : text;
  }
}

