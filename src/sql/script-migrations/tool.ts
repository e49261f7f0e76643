/** The contract of one migration tool's reader: which objects `up` receives, and how its calls become SQL. */
import { ts } from 'ts-morph';
import { evaluate, type Binding, type Link, type StaticValue } from './scope.js';
import type { CallHandler } from './walk.js';

export interface ScriptTool {
  /** Roots of the tool's objects (`knex`, `queryRunner`…): a function of another file handed one is out of sight. */
  readonly roots: ReadonlySet<string>;
  /** Bindings of `up`'s parameters, in order. */
  params(fn: ts.FunctionLikeDeclaration): Binding[];
  /** What `this` is in a class migration's `up`. */
  readonly thisRoot?: string;
  readonly call: CallHandler;
}

/** The value of a call's argument, or `undefined` kind when absent. */
export function arg(link: Link, i: number): StaticValue {
  const a = link.args?.[i];
  return a ? evaluate(a, link.scope) : { kind: 'undefined' };
}

/** The node of an argument, falling back to the call (for locations). */
export function argNode(link: Link, i: number): ts.Node {
  return link.args?.[i] ?? link.node;
}

/** The span of one step of a chain, from its name to the end of its call (`.dropColumn('a')` in a longer chain). */
export function linkSpan(link: Link): { start: number; end: number } {
  const node = link.node;
  const file = node.getSourceFile();
  if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) return { start: node.expression.name.getStart(file), end: node.getEnd() };
  if (ts.isPropertyAccessExpression(node)) return { start: node.name.getStart(file), end: node.getEnd() };
  return { start: node.getStart(file), end: node.getEnd() };
}

/** Parameters bound in order to `roots` (extra parameters stay unbound). */
export function paramRoots(...roots: string[]): (fn: ts.FunctionLikeDeclaration) => Binding[] {
  return () => roots.map((root) => ({ kind: 'root', root }));
}

/** A property of an options object, evaluated. */
export function option(obj: Extract<StaticValue, { kind: 'object' }>, key: string): StaticValue {
  const p = obj.props.get(key);
  return p ? evaluate(p.expr, p.scope) : { kind: 'undefined' };
}

export function optionBoolean(obj: Extract<StaticValue, { kind: 'object' }>, key: string): boolean | undefined {
  const v = option(obj, key);
  return v.kind === 'boolean' ? v.value : undefined;
}

export function optionString(obj: Extract<StaticValue, { kind: 'object' }>, key: string): string | undefined {
  const v = option(obj, key);
  return v.kind === 'string' ? v.value : undefined;
}
