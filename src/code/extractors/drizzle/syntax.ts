/** Small syntax readers the Drizzle modules share. */
import { ts } from 'ts-morph';

export function unwrap(expression: ts.Expression): ts.Expression {
  let e = expression;
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isAwaitExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

/** The value of a string literal or a template without holes. */
export function stringValue(expression: ts.Expression): string | undefined {
  const e = unwrap(expression);
  return ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) ? e.text : undefined;
}

const SNIPPET_MAX = 160;

/** The trimmed text of a 1-based line, from the parser's line table. */
export function snippetAt(sourceFile: ts.SourceFile, line: number): string {
  const starts = sourceFile.getLineStarts();
  const start = starts[line - 1] ?? 0;
  const end = starts[line] ?? sourceFile.text.length;
  const snippet = sourceFile.text.slice(start, end).trim();
  return snippet.length > SNIPPET_MAX ? `${snippet.slice(0, SNIPPET_MAX - 1)}…` : snippet;
}

export function propertyKey(property: ts.ObjectLiteralElementLike): string | undefined {
  if (ts.isSpreadAssignment(property)) return undefined;
  const name = property.name;
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNoSubstitutionTemplateLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  return undefined;
}

export function propertyValue(property: ts.ObjectLiteralElementLike): ts.Expression | undefined {
  if (ts.isPropertyAssignment(property)) return property.initializer;
  if (ts.isShorthandPropertyAssignment(property)) return property.name;
  return undefined;
}
