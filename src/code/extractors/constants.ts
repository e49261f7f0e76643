/**
 * Names that live in constants (`const TABLE = 'user_tokens'; const COLUMNS = ['id', ...BASE]; db(TABLE).select(COLUMNS)`),
 * resolved statically, never executed: string literals, `const` bindings of this file, arrays of them (with
 * spreads), `OBJ.key` of a `const` object literal, and templates whose holes are such constants.
 *
 * A name imported from another file cannot be resolved here: the facts of a file are cached by its own blob.
 * It becomes a placeholder (`importedConstant`) that `link` replaces with the exported constant's value
 * (FileFacts.constants of the imported file), or drops with the reference when the import is no constant.
 */
import { ts } from 'ts-morph';
import type { ImportBinding } from '../facts.js';
import { IMPORTED_CONSTANT, importedConstant, type ExportedConstant } from '../names.js';
import { commonJsExport, exportNames, isRequireDeclaration, objectEntries, propertyName, Scopes, stringValue, unwrap } from './syntax.js';

const MAX_DEPTH = 8;

export { IMPORTED_CONSTANT, importedConstant, parseImportedConstant, type ExportedConstant } from '../names.js';

export interface ConstantString {
  value: string;
  /** Where the code uses it (the argument), not where the constant is declared. */
  node: ts.Node;
}

/** Resolves the constants of one file. */
export class Constants {
  private readonly scopes: Scopes;

  constructor(
    sourceFile: ts.SourceFile,
    private readonly imports: readonly ImportBinding[],
    /** Modules whose bindings are libraries, never constants (`knex`, `kysely`). */
    private readonly libraries: readonly string[] = [],
  ) {
    this.scopes = Scopes.of(sourceFile);
  }

  /** The one string an expression stands for. */
  string(node: ts.Expression | undefined): string | undefined {
    if (!node) return undefined;
    const value = this.value(node, 0);
    return typeof value === 'string' ? value : undefined;
  }

  /** The strings of `'a'`, `['a', 'b']`, `COLUMNS`, `[...BASE, 'c']`, each placed at the expression that uses it. */
  strings(node: ts.Expression | undefined): ConstantString[] {
    if (!node) return [];
    const e = unwrap(node);
    if (ts.isArrayLiteralExpression(e)) {
      const out: ConstantString[] = [];
      for (const element of e.elements) {
        if (ts.isSpreadElement(element)) {
          const value = this.value(element.expression, 0);
          for (const v of typeof value === 'string' ? [value] : (value ?? [])) out.push({ value: v, node: element });
        } else {
          const value = this.value(element, 0);
          if (typeof value === 'string') out.push({ value, node: element });
        }
      }
      return out;
    }
    const value = this.value(e, 0);
    if (value === undefined) return [];
    return (typeof value === 'string' ? [value] : value).map((v) => ({ value: v, node: e }));
  }

  /** The initializer of a `const` this identifier names in this file (not a `require()`: that is an import). */
  constInitializer(id: ts.Identifier): ts.Expression | undefined {
    const binding = this.scopes.lookup(id);
    if (binding?.kind !== 'variable' || !binding.node.initializer || !(ts.getCombinedNodeFlags(binding.node) & ts.NodeFlags.Const)) return undefined;
    if (isRequireDeclaration(binding.node)) return undefined;
    if (!ts.isIdentifier(binding.node.name)) return undefined;
    return binding.node.initializer;
  }

  /** Whether an identifier names an import binding (ES import or top-level `require()`), not a local. */
  private importedName(id: ts.Identifier): boolean {
    const binding = this.scopes.lookup(id);
    return (!binding || (binding.kind === 'variable' && isRequireDeclaration(binding.node))) && this.imported(id.text);
  }

  private imported(local: string): boolean {
    const binding = this.imports.find((b) => b.local === local);
    return binding !== undefined && !this.libraries.some((m) => binding.from === m || binding.from.startsWith(`${m}/`));
  }

  /** A string, an array of strings, or undefined when the expression is not a constant this file can name. */
  private value(node: ts.Expression, depth: number): string | string[] | undefined {
    if (depth > MAX_DEPTH) return undefined;
    const e = unwrap(node);
    const literal = stringValue(e);
    if (literal !== undefined) return literal;
    if (ts.isIdentifier(e)) {
      const initializer = this.constInitializer(e);
      if (initializer) return this.value(initializer, depth + 1);
      if (this.importedName(e)) return importedConstant(e.text);
      return undefined;
    }
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
      const object = this.constInitializer(e.expression);
      if (object) {
        const entry = objectEntries(unwrap(object)).find((x) => x.key === e.name.text);
        return entry?.value ? this.value(entry.value, depth + 1) : undefined;
      }
      if (this.importedName(e.expression)) return importedConstant(e.expression.text, e.name.text);
      return undefined;
    }
    if (ts.isElementAccessExpression(e) && ts.isIdentifier(e.expression)) {
      const key = stringValue(e.argumentExpression);
      const object = key !== undefined ? this.constInitializer(e.expression) : undefined;
      const entry = object ? objectEntries(unwrap(object)).find((x) => x.key === key) : undefined;
      return entry?.value ? this.value(entry.value, depth + 1) : undefined;
    }
    if (ts.isTemplateExpression(e)) {
      let text = e.head.text;
      for (const span of e.templateSpans) {
        const part = this.value(span.expression, depth + 1);
        if (typeof part !== 'string' || part.startsWith(IMPORTED_CONSTANT)) return undefined;
        text += part + span.literal.text;
      }
      return text;
    }
    if (ts.isArrayLiteralExpression(e)) {
      const out: string[] = [];
      for (const element of e.elements) {
        const inner = ts.isSpreadElement(element) ? element.expression : element;
        const value = this.value(inner, depth + 1);
        if (value === undefined) continue;
        if (typeof value === 'string') out.push(value);
        else out.push(...value);
      }
      return out;
    }
    return undefined;
  }
}


const NAME_LIKE = /^[A-Za-z_][\w$]*(\.[A-Za-z_][\w$]*)?(\s+as\s+[A-Za-z_][\w$]*)?$/i;
const MAX_EXPORTED = 500;

/**
 * The exported constants of a file whose values look like database names (`export const TABLE = 'users'`,
 * `export const COLUMNS = [...]`, `module.exports = { TABLE }`, `exports.TABLE = 'users'`), for link to
 * resolve other files' imports of them. Messages and other prose are left out.
 */
export function exportedConstants(sourceFile: ts.SourceFile, imports: readonly ImportBinding[]): Record<string, ExportedConstant> | undefined {
  const constants = new Constants(sourceFile, imports);
  const out: Record<string, ExportedConstant> = {};
  let count = 0;
  const keep = (value: string | string[] | undefined): string | string[] | undefined => {
    if (value === undefined) return undefined;
    const list = typeof value === 'string' ? [value] : value;
    if (list.length === 0 || !list.every((v) => NAME_LIKE.test(v) && !v.startsWith(IMPORTED_CONSTANT))) return undefined;
    return value;
  };
  const valueOf = (expression: ts.Expression): ExportedConstant | undefined => {
    const e = unwrap(expression);
    if (ts.isObjectLiteralExpression(e)) {
      const record: Record<string, string | string[]> = {};
      for (const entry of objectEntries(e)) {
        const v = entry.value ? keep(stringsOf(entry.value)) : undefined;
        if (v !== undefined) record[entry.key] = v;
      }
      return Object.keys(record).length > 0 ? record : undefined;
    }
    return keep(stringsOf(e));
  };
  const stringsOf = (expression: ts.Expression): string | string[] | undefined => {
    const e = unwrap(expression);
    if (ts.isArrayLiteralExpression(e)) return constants.strings(e).map((s) => s.value);
    return constants.string(e) ?? (ts.isIdentifier(e) ? constants.strings(e).map((s) => s.value) : undefined);
  };
  const add = (name: string, value: ExportedConstant | undefined): void => {
    if (value === undefined || count >= MAX_EXPORTED || Object.prototype.hasOwnProperty.call(out, name)) return;
    out[name] = value;
    count++;
  };
  const declarations = new Map<string, ts.VariableDeclaration>();
  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
    for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) declarations.set(d.name.text, d);
  }
  for (const [local, names] of exportNames(sourceFile)) {
    const declaration = declarations.get(local);
    if (!declaration?.initializer) continue;
    const value = valueOf(declaration.initializer);
    for (const name of names) if (name !== '*') add(name, value);
  }
  // `module.exports = { TABLE: 'users' }`, `exports.TABLE = 'users'`: values written in place.
  for (const statement of sourceFile.statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression) || statement.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
    const target = commonJsExport(statement.expression.left);
    const right = unwrap(statement.expression.right);
    if (target === '*' && ts.isObjectLiteralExpression(right)) {
      for (const p of right.properties) {
        if (!ts.isPropertyAssignment(p)) continue;
        const key = propertyName(p.name);
        if (key !== undefined && !ts.isIdentifier(unwrap(p.initializer))) add(key, valueOf(p.initializer));
      }
    } else if (target !== undefined && target !== '*' && !ts.isIdentifier(right)) add(target, valueOf(right));
  }
  return count > 0 ? out : undefined;
}
