/**
 * Drizzle table declarations: `export const users = pgTable('users', { id: serial('id'), email: text() })`,
 * `pgSchema('auth').table(…)`, tables of a `pgTableCreator`, columns given as an object or as a callback
 * (`(t) => ({ … })`), and spreads of shared column objects declared in the same file.
 */
import { ts } from 'ts-morph';
import type { ExtractInput } from '../../extractor.js';
import type { FieldDeclaration, FileFacts, ModelDeclaration } from '../../facts.js';
import { lineSnippet, nodeLocation } from '../../node-location.js';
import { isDrizzleCasing } from './casing.js';
import { stringValue, unwrap } from '../syntax.js';

const PG_CORE = 'drizzle-orm/pg-core';

/** Tables declared in one file, with the nodes that declare them (queries skip what is inside). */
export interface FileTables {
  models: ModelDeclaration[];
  /** Local variable name → table model. */
  byLocal: Map<string, ModelDeclaration>;
  /** `pgTable(…)` calls: column references inside them (`.references(() => users.id)`, indexes) are not queries. */
  declarations: Set<ts.Node>;
}

interface TableFactories {
  /** Local names of `pgTable` (imported, possibly renamed). */
  pgTable: Set<string>;
  /** `const createTable = pgTableCreator((name) => \`app_${name}\`)` → prefix and suffix around the name. */
  creators: Map<string, { prefix: string; suffix: string }>;
  /** `const auth = pgSchema('auth')` → schema name. */
  schemas: Map<string, string>;
  pgSchema: Set<string>;
}

export function extractDrizzleTables(input: ExtractInput, sourceFile: ts.SourceFile, facts: FileFacts): FileTables {
  const result: FileTables = { models: [], byLocal: new Map(), declarations: new Set() };
  const factories = tableFactories(input, sourceFile);
  const sharedColumns = sharedColumnObjects(sourceFile);
  const exported = exportedNames(sourceFile);
  const casing = fileCasing(sourceFile);

  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const isExported = statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
      const call = tableCall(declaration.initializer, factories);
      if (!call) continue;
      const local = declaration.name.text;
      const names = [...(isExported ? [local] : []), ...(exported.get(local) ?? [])];
      const model = tableModel(input, sourceFile, local, declaration.name, call, names, sharedColumns);
      if (!model) continue;
      if (casing) model.options = { ...model.options, casing };
      result.models.push(model);
      result.byLocal.set(local, model);
      result.declarations.add(call.node);
    }
  }
  facts.models.push(...result.models);
  return result;
}

interface TableCall {
  node: ts.CallExpression;
  table: string;
  schema?: string;
}

function tableFactories(input: ExtractInput, sourceFile: ts.SourceFile): TableFactories {
  const fromPgCore = input.imports.filter((b) => b.from === PG_CORE || b.from.startsWith(`${PG_CORE}/`));
  const local = (name: string): Set<string> => new Set(fromPgCore.filter((b) => b.imported === name).map((b) => b.local));
  const factories: TableFactories = { pgTable: local('pgTable'), creators: new Map(), schemas: new Map(), pgSchema: local('pgSchema') };
  // Tables are also declared through a project's own re-export of pg-core; the names are distinctive enough.
  factories.pgTable.add('pgTable');
  factories.pgSchema.add('pgSchema');
  const creatorNames = local('pgTableCreator');
  creatorNames.add('pgTableCreator');
  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
      const init = unwrap(declaration.initializer);
      if (!ts.isCallExpression(init) || !ts.isIdentifier(init.expression)) continue;
      if (factories.pgSchema.has(init.expression.text)) {
        const schema = init.arguments[0] && stringValue(unwrap(init.arguments[0]));
        if (schema !== undefined) factories.schemas.set(declaration.name.text, schema);
      } else if (creatorNames.has(init.expression.text)) {
        const affixes = creatorAffixes(init.arguments[0]);
        if (affixes) factories.creators.set(declaration.name.text, affixes);
      }
    }
  }
  return factories;
}

/** `(name) => \`app_${name}\`` → { prefix: 'app_', suffix: '' }; anything else is not understood. */
function creatorAffixes(fn: ts.Expression | undefined): { prefix: string; suffix: string } | undefined {
  if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn))) return undefined;
  const param = fn.parameters[0]?.name;
  if (!param || !ts.isIdentifier(param)) return undefined;
  let body: ts.Node = fn.body;
  if (ts.isBlock(body)) {
    const ret = body.statements.find(ts.isReturnStatement);
    if (!ret?.expression) return undefined;
    body = ret.expression;
  }
  body = unwrap(body as ts.Expression);
  if (ts.isIdentifier(body) && body.text === param.text) return { prefix: '', suffix: '' };
  if (!ts.isTemplateExpression(body) || body.templateSpans.length !== 1) return undefined;
  const span = body.templateSpans[0]!;
  if (!ts.isIdentifier(span.expression) || span.expression.text !== param.text) return undefined;
  return { prefix: body.head.text, suffix: span.literal.text };
}

/** The `pgTable(…)`-like call behind a variable's initializer (also under `.enableRLS()`). */
function tableCall(initializer: ts.Expression, factories: TableFactories): TableCall | undefined {
  let e = unwrap(initializer);
  while (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ['enableRLS', 'withRLS'].includes(e.expression.name.text)) e = unwrap(e.expression.expression);
  if (!ts.isCallExpression(e) || e.arguments.length < 2) return undefined;
  const name = stringValue(unwrap(e.arguments[0]!));
  if (name === undefined) return undefined;
  const callee = e.expression;
  if (ts.isIdentifier(callee)) {
    if (factories.pgTable.has(callee.text)) return { node: e, table: name };
    const creator = factories.creators.get(callee.text);
    if (creator) return { node: e, table: `${creator.prefix}${name}${creator.suffix}` };
    return undefined;
  }
  if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'table') {
    const target = unwrap(callee.expression);
    if (ts.isIdentifier(target)) {
      const schema = factories.schemas.get(target.text);
      return schema === undefined ? undefined : { node: e, table: name, schema };
    }
    if (ts.isCallExpression(target) && ts.isIdentifier(target.expression) && factories.pgSchema.has(target.expression.text)) {
      const schema = target.arguments[0] && stringValue(unwrap(target.arguments[0]));
      return schema === undefined ? undefined : { node: e, table: name, schema };
    }
  }
  return undefined;
}

function tableModel(
  input: ExtractInput,
  sourceFile: ts.SourceFile,
  local: string,
  nameNode: ts.Identifier,
  call: TableCall,
  exportedAs: string[],
  sharedColumns: ReadonlyMap<string, ts.ObjectLiteralExpression>,
): ModelDeclaration | undefined {
  const columns = columnsObject(call.node.arguments[1]!);
  if (!columns) return undefined;
  const fields: FieldDeclaration[] = [];
  collectFields(input.path, sourceFile, columns, sharedColumns, fields, new Set());
  const location = nodeLocation(input.path, sourceFile, nameNode);
  return {
    orm: 'drizzle',
    name: local,
    table: call.table,
    ...(call.schema !== undefined ? { schema: call.schema } : {}),
    fields,
    ...(exportedAs.length > 0 ? { exportedAs } : {}),
    location,
    snippet: lineSnippet(sourceFile.text, location.line),
  };
}

/** The columns argument: an object literal, or a callback returning one (`(t) => ({ id: t.integer() })`). */
function columnsObject(argument: ts.Expression): ts.ObjectLiteralExpression | undefined {
  let e = unwrap(argument);
  if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) {
    if (ts.isBlock(e.body)) {
      const ret = e.body.statements.find(ts.isReturnStatement);
      if (!ret?.expression) return undefined;
      e = unwrap(ret.expression);
    } else e = unwrap(e.body);
  }
  return ts.isObjectLiteralExpression(e) ? e : undefined;
}

function collectFields(
  path: string,
  sourceFile: ts.SourceFile,
  columns: ts.ObjectLiteralExpression,
  sharedColumns: ReadonlyMap<string, ts.ObjectLiteralExpression>,
  fields: FieldDeclaration[],
  seen: Set<ts.ObjectLiteralExpression>,
): void {
  if (seen.has(columns)) return;
  seen.add(columns);
  for (const property of columns.properties) {
    if (ts.isSpreadAssignment(property)) {
      const spread = unwrap(property.expression);
      const shared = ts.isIdentifier(spread) ? sharedColumns.get(spread.text) : undefined;
      if (shared) collectFields(path, sourceFile, shared, sharedColumns, fields, seen);
      continue;
    }
    if (!ts.isPropertyAssignment(property) && !ts.isShorthandPropertyAssignment(property)) continue;
    const key = property.name;
    const name = ts.isIdentifier(key) || ts.isStringLiteral(key) || ts.isNoSubstitutionTemplateLiteral(key) ? key.text : undefined;
    if (name === undefined) continue;
    const builder = ts.isPropertyAssignment(property) ? columnBuilder(property.initializer) : undefined;
    const location = nodeLocation(path, sourceFile, key);
    const field: FieldDeclaration = {
      name,
      ...(builder?.column !== undefined ? { column: builder.column } : {}),
      selected: true,
      // Drizzle's INSERT lists every column (`default` for those not given) except generated-always ones.
      written: !(builder?.generatedAlways ?? false),
      location,
      snippet: lineSnippet(sourceFile.text, location.line),
    };
    // Later keys win in an object literal (a table overriding a shared column).
    const existing = fields.findIndex((f) => f.name === name);
    if (existing >= 0) fields.splice(existing, 1);
    fields.push(field);
  }
}

/** `text('email').notNull()` → its explicit name; `generatedAlwaysAs(…)`/`…AsIdentity()` are never inserted. */
function columnBuilder(initializer: ts.Expression): { column?: string; generatedAlways: boolean } {
  let e = unwrap(initializer);
  let generatedAlways = false;
  while (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression)) {
    const method = e.expression.name.text;
    if (method === 'generatedAlwaysAs' || method === 'generatedAlwaysAsIdentity') generatedAlways = true;
    const inner = unwrap(e.expression.expression);
    // `t.integer('id')` in the callback form: the builder is the last call on the parameter.
    if (!ts.isCallExpression(inner)) break;
    e = inner;
  }
  if (!ts.isCallExpression(e)) return { generatedAlways };
  const first = e.arguments[0];
  const column = first ? stringValue(unwrap(first)) : undefined;
  return { ...(column !== undefined ? { column } : {}), generatedAlways };
}

/** Top-level `const timestamps = { createdAt: timestamp(), … }` objects that tables spread. */
function sharedColumnObjects(sourceFile: ts.SourceFile): Map<string, ts.ObjectLiteralExpression> {
  const shared = new Map<string, ts.ObjectLiteralExpression>();
  for (const statement of sourceFile.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (!ts.isIdentifier(declaration.name) || !declaration.initializer) continue;
      const init = unwrap(declaration.initializer);
      if (ts.isObjectLiteralExpression(init)) shared.set(declaration.name.text, init);
    }
  }
  return shared;
}

/** `export { users, posts as articles }` and `export default users` → local → exported names. */
function exportedNames(sourceFile: ts.SourceFile): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const add = (local: string, exported: string): void => {
    const list = names.get(local) ?? [];
    list.push(exported);
    names.set(local, list);
  };
  for (const statement of sourceFile.statements) {
    if (ts.isExportDeclaration(statement) && !statement.moduleSpecifier && statement.exportClause && ts.isNamedExports(statement.exportClause)) {
      for (const element of statement.exportClause.elements) add((element.propertyName ?? element.name).text, element.name.text);
    } else if (ts.isExportAssignment(statement) && !statement.isExportEquals && ts.isIdentifier(statement.expression)) {
      add(statement.expression.text, 'default');
    }
  }
  return names;
}

/** `drizzle(client, { casing: 'snake_case' })` in the same file as its tables. */
function fileCasing(sourceFile: ts.SourceFile): string | undefined {
  if (!sourceFile.text.includes('casing')) return undefined;
  let casing: string | undefined;
  const visit = (node: ts.Node): void => {
    if (casing) return;
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'drizzle') {
      for (const argument of node.arguments) {
        const object = unwrap(argument);
        if (!ts.isObjectLiteralExpression(object)) continue;
        for (const property of object.properties) {
          if (ts.isPropertyAssignment(property) && ts.isIdentifier(property.name) && property.name.text === 'casing') {
            const value = stringValue(unwrap(property.initializer));
            if (isDrizzleCasing(value)) casing = value;
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return casing;
}
