/** Import bindings of a TS/JS file: ES imports, `import x = require()`, and top-level `require()` destructuring. */
import { ts } from 'ts-morph';
import type { ImportBinding } from './facts.js';

export function collectImports(sourceFile: ts.SourceFile): ImportBinding[] {
  const bindings: ImportBinding[] = [];
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier)) {
      const from = statement.moduleSpecifier.text;
      const clause = statement.importClause;
      if (!clause) continue;
      if (clause.name) bindings.push({ local: clause.name.text, imported: 'default', from });
      const named = clause.namedBindings;
      if (named && ts.isNamespaceImport(named)) bindings.push({ local: named.name.text, imported: '*', from });
      else if (named && ts.isNamedImports(named)) {
        for (const element of named.elements) {
          bindings.push({ local: element.name.text, imported: (element.propertyName ?? element.name).text, from });
        }
      }
    } else if (ts.isImportEqualsDeclaration(statement)) {
      const ref = statement.moduleReference;
      if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) {
        bindings.push({ local: statement.name.text, imported: '*', from: ref.expression.text });
      }
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) collectRequire(declaration, bindings);
    }
  }
  return bindings;
}

function requiredModule(expression: ts.Expression | undefined): string | undefined {
  let e = expression;
  // `require('x').default`, `await import('x')`
  if (e && ts.isAwaitExpression(e)) e = e.expression;
  if (e && ts.isPropertyAccessExpression(e) && e.name.text === 'default') e = e.expression;
  if (
    e &&
    ts.isCallExpression(e) &&
    (e.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(e.expression) && e.expression.text === 'require')) &&
    e.arguments.length === 1 &&
    ts.isStringLiteralLike(e.arguments[0]!)
  ) {
    return (e.arguments[0] as ts.StringLiteralLike).text;
  }
  return undefined;
}

function collectRequire(declaration: ts.VariableDeclaration, bindings: ImportBinding[]): void {
  const from = requiredModule(declaration.initializer);
  if (from === undefined) return;
  const name = declaration.name;
  if (ts.isIdentifier(name)) bindings.push({ local: name.text, imported: '*', from });
  else if (ts.isObjectBindingPattern(name)) {
    for (const element of name.elements) {
      if (!ts.isIdentifier(element.name)) continue;
      const imported = element.propertyName && ts.isIdentifier(element.propertyName) ? element.propertyName.text : element.name.text;
      bindings.push({ local: element.name.text, imported, from });
    }
  }
}

/** The bindings whose module matches one of `modules` (exact name or a subpath of it: `drizzle-orm/pg-core`). */
export function importsFrom(imports: readonly ImportBinding[], modules: readonly string[]): ImportBinding[] {
  return imports.filter((b) => modules.some((m) => b.from === m || b.from.startsWith(`${m}/`)));
}
