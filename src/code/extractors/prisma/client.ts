/**
 * Prisma Client calls in TS/JS (`prisma.user.findMany({ select, where, orderBy })`) → ModelUsages named by
 * delegate (`user`), resolved to models in `link`. The receiver must look like a Prisma client: an instance
 * of `PrismaClient`, something typed `Prisma…`, a `$transaction` callback's client, or a conventional name
 * (`prisma`, `db`, `ctx.prisma`, `this.prisma`) that no local declaration contradicts.
 */
import { ts } from 'ts-morph';
import type { ExtractInput } from '../../extractor.js';
import type { FileFacts, ImportBinding, ModelUsage } from '../../facts.js';
import { lineSnippet, nodeLocation } from '../../node-location.js';
import { propertyKey, propertyValue, unwrap } from '../syntax.js';
import type { ReferenceKind } from '../../reference.js';

const READ_METHODS = new Set(['findMany', 'findFirst', 'findFirstOrThrow', 'findUnique', 'findUniqueOrThrow']);
const AGGREGATE_METHODS = new Set(['count', 'aggregate', 'groupBy']);
const CREATE_METHODS = new Set(['create', 'createMany', 'createManyAndReturn']);
const UPDATE_METHODS = new Set(['update', 'updateMany', 'updateManyAndReturn']);
const DELETE_METHODS = new Set(['delete', 'deleteMany']);
const METHODS = new Set([...READ_METHODS, ...AGGREGATE_METHODS, ...CREATE_METHODS, ...UPDATE_METHODS, ...DELETE_METHODS, 'upsert']);

/** Names under which code conventionally holds a Prisma client. */
const CLIENT_NAMES = new Set(['prisma', 'db', 'tx', 'prismaClient', 'prismaService', 'database']);
/** Members that hold the client on a context object: `ctx.prisma`, `event.locals.db`. */
const CLIENT_MEMBERS = new Set(['prisma', 'db', 'prismaClient']);
/** Packages whose exports are never a Prisma client. */
const OTHER_CLIENT_PACKAGES = ['drizzle-orm', 'kysely', 'knex', 'typeorm', 'sequelize', 'sequelize-typescript', 'mongoose', '@mikro-orm', 'pg', 'postgres', 'mysql2', 'redis', 'ioredis', '@supabase/supabase-js', '@vercel/postgres', '@neondatabase/serverless'];
/** Operators inside a field filter (`email: { contains: … }`), as opposed to fields of a compound unique key. */
const FILTER_OPERATORS = new Set([
  'equals', 'in', 'notIn', 'lt', 'lte', 'gt', 'gte', 'contains', 'startsWith', 'endsWith', 'mode', 'not', 'search',
  'has', 'hasEvery', 'hasSome', 'isEmpty', 'some', 'every', 'none', 'is', 'isNot', 'path', 'set', 'increment',
  'decrement', 'multiply', 'divide', 'push', 'unset',
]);

/** A cheap test for files that may hold client calls. */
export const PRISMA_CLIENT_TEXT = /prisma|\b[\w$]+\.[\w$]+\.(?:findMany|findFirst|findUnique|upsert|createMany|deleteMany|updateMany|aggregate|groupBy|create|update|delete|count)\s*\(/i;

export function isPrismaClientModule(specifier: string): boolean {
  return /^@prisma\/client(\/|$)|(^|\/)\.prisma\/client|(^|\/)generated\/(prisma|client)(\/|$)|(^|\/)prisma\/(generated|client)(\/|$)|prisma-client/.test(specifier);
}

/** A module that plausibly exports the application's client instance (`@/lib/prisma`, `~/server/db`, `@acme/db`). */
function isClientInstanceModule(specifier: string): boolean {
  if (/prisma/i.test(specifier)) return true;
  const last = specifier.split('/').pop() ?? '';
  return ['db', 'database', 'client', 'prisma-client'].includes(last.replace(/\.[cm]?[jt]sx?$/, '').replace(/\.server$/, ''));
}

function isOtherClientPackage(specifier: string): boolean {
  return OTHER_CLIENT_PACKAGES.some((p) => specifier === p || specifier.startsWith(`${p}/`));
}

type Evidence = 'certain' | 'likely' | 'not-prisma';

/** What the file's declarations say about names that may hold a client; positive evidence wins over negative. */
class ClientEvidence {
  private readonly byName = new Map<string, Evidence>();
  constructor(readonly filePrisma: boolean) {}

  add(name: string, evidence: Evidence): void {
    const current = this.byName.get(name);
    if (current === undefined || rank(evidence) > rank(current)) this.byName.set(name, evidence);
  }

  get(name: string): Evidence | undefined {
    return this.byName.get(name);
  }

  /** A conventional name without any declaration saying otherwise. */
  conventional(): 'certain' | 'likely' {
    return this.filePrisma ? 'certain' : 'likely';
  }
}

function rank(evidence: Evidence): number {
  return evidence === 'certain' ? 2 : evidence === 'likely' ? 1 : 0;
}

export function extractPrismaClientUsages(input: ExtractInput, facts: FileFacts): void {
  const sourceFile = input.sourceFile;
  if (!sourceFile) return;
  const prismaImports = input.imports.filter((b) => isPrismaClientModule(b.from));
  const filePrisma = prismaImports.length > 0 || input.imports.some((b) => /prisma/i.test(b.from));
  const clientClasses = new Set(prismaImports.filter((b) => b.imported === 'PrismaClient').map((b) => b.local));
  clientClasses.add('PrismaClient');
  const evidence = new ClientEvidence(filePrisma);
  for (const binding of input.imports) importEvidence(binding, evidence);

  const calls: ts.CallExpression[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) declarationEvidence(node.name.text, node.type, node.initializer, sourceFile, clientClasses, evidence);
    else if (ts.isParameter(node) && ts.isIdentifier(node.name)) parameterEvidence(node, sourceFile, clientClasses, evidence);
    else if (ts.isPropertyDeclaration(node) && ts.isIdentifier(node.name)) declarationEvidence(`this.${node.name.text}`, node.type, node.initializer, sourceFile, clientClasses, evidence);
    else if (ts.isCallExpression(node)) calls.push(node);
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);

  for (const call of calls) {
    const usage = clientCall(call, input, sourceFile, evidence);
    if (usage) facts.usages.push(usage);
  }
}

function importEvidence(binding: ImportBinding, evidence: ClientEvidence): void {
  if (isPrismaClientModule(binding.from)) return; // types and the PrismaClient class, not an instance
  if (isOtherClientPackage(binding.from)) evidence.add(binding.local, 'not-prisma');
  else if (isClientInstanceModule(binding.from)) evidence.add(binding.local, /prisma/i.test(binding.from) ? 'certain' : evidence.conventional());
}

function declarationEvidence(
  name: string,
  type: ts.TypeNode | undefined,
  initializer: ts.Expression | undefined,
  sourceFile: ts.SourceFile,
  clientClasses: ReadonlySet<string>,
  evidence: ClientEvidence,
): void {
  if (type) {
    evidence.add(name, /Prisma/.test(type.getText(sourceFile)) ? 'certain' : 'not-prisma');
    return;
  }
  if (!initializer) return;
  const init = unwrap(initializer);
  if (constructsClient(init, clientClasses)) evidence.add(name, 'certain');
  else if (ts.isObjectLiteralExpression(init) || ts.isArrayLiteralExpression(init) || ts.isFunctionLike(init) || ts.isLiteralExpression(init)) evidence.add(name, 'not-prisma');
  else if (ts.isNewExpression(init)) evidence.add(name, 'not-prisma');
  else if (ts.isCallExpression(init) && ts.isIdentifier(init.expression) && ['drizzle', 'knex', 'postgres', 'createPool', 'createClient'].includes(init.expression.text)) evidence.add(name, 'not-prisma');
}

/** `new PrismaClient()`, also behind `globalThis.prisma ?? …` or `.$extends(…)`. */
function constructsClient(node: ts.Node, clientClasses: ReadonlySet<string>): boolean {
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && clientClasses.has(n.expression.text)) found = true;
    else if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === '$extends') found = true;
    else if (!ts.isFunctionLike(n)) ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function parameterEvidence(parameter: ts.ParameterDeclaration, sourceFile: ts.SourceFile, clientClasses: ReadonlySet<string>, evidence: ClientEvidence): void {
  const name = (parameter.name as ts.Identifier).text;
  const isProperty = ts.isConstructorDeclaration(parameter.parent) && (ts.getCombinedModifierFlags(parameter) & (ts.ModifierFlags.ParameterPropertyModifier)) !== 0;
  const transaction = transactionReceiver(parameter);
  if (transaction) {
    const receiver = receiverConfidence(transaction, evidence);
    evidence.add(name, receiver ?? 'likely');
    return;
  }
  declarationEvidence(name, parameter.type, parameter.initializer, sourceFile, clientClasses, evidence);
  if (isProperty) declarationEvidence(`this.${name}`, parameter.type, undefined, sourceFile, clientClasses, evidence);
}

/** For the first parameter of `x.$transaction(async (tx) => …)`: the `x`. */
function transactionReceiver(parameter: ts.ParameterDeclaration): ts.Expression | undefined {
  const fn = parameter.parent;
  if (!(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) || fn.parameters[0] !== parameter) return undefined;
  const call = fn.parent;
  if (!ts.isCallExpression(call) || call.arguments[0] !== fn) return undefined;
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) && callee.name.text === '$transaction' ? callee.expression : undefined;
}


function receiverConfidence(expression: ts.Expression, evidence: ClientEvidence): 'certain' | 'likely' | undefined {
  const e = unwrap(expression);
  if (ts.isIdentifier(e)) return fromEvidence(evidence.get(e.text), CLIENT_NAMES.has(e.text), evidence);
  if (ts.isPropertyAccessExpression(e)) {
    const member = e.name.text;
    if (e.expression.kind === ts.SyntaxKind.ThisKeyword) return fromEvidence(evidence.get(`this.${member}`), CLIENT_NAMES.has(member), evidence);
    return CLIENT_MEMBERS.has(member) ? evidence.conventional() : undefined;
  }
  if (ts.isCallExpression(e)) {
    const callee = e.expression;
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    return /prisma/i.test(name) ? evidence.conventional() : undefined;
  }
  return undefined;
}

function fromEvidence(found: Evidence | undefined, conventionalName: boolean, evidence: ClientEvidence): 'certain' | 'likely' | undefined {
  if (found === 'not-prisma') return undefined;
  if (found) return found;
  return conventionalName ? evidence.conventional() : undefined;
}

/** `<client>.<delegate>.<method>(args)` → a usage of the delegate's model. */
function clientCall(call: ts.CallExpression, input: ExtractInput, sourceFile: ts.SourceFile, evidence: ClientEvidence): ModelUsage | undefined {
  const callee = call.expression;
  if (!ts.isPropertyAccessExpression(callee) || !METHODS.has(callee.name.text)) return undefined;
  const delegateAccess = callee.expression;
  if (!ts.isPropertyAccessExpression(delegateAccess) || !ts.isIdentifier(delegateAccess.name)) return undefined;
  const delegate = delegateAccess.name.text;
  if (delegate.startsWith('$') || delegate.startsWith('_')) return undefined;
  const confidence = receiverConfidence(delegateAccess.expression, evidence);
  if (!confidence) return undefined;

  const method = callee.name.text;
  const fields = new FieldCollector(input.path, sourceFile);
  const args = call.arguments[0] && ts.isObjectLiteralExpression(unwrap(call.arguments[0])) ? (unwrap(call.arguments[0]) as ts.ObjectLiteralExpression) : undefined;
  let narrowed = false;
  let insertFields: string[] | undefined;
  if (args) {
    for (const property of args.properties) {
      const key = propertyKey(property);
      const value = propertyValue(property);
      if (key === undefined || value === undefined) continue;
      switch (key) {
        case 'select':
          narrowed = true;
          fields.selection(value);
          break;
        case 'where':
        case 'having':
          fields.filter(value);
          break;
        case 'orderBy':
        case 'cursor':
          fields.keysOf(value, 'read');
          break;
        case 'distinct':
        case 'by':
          fields.names(value, 'read');
          break;
        case '_count':
        case '_sum':
        case '_avg':
        case '_min':
        case '_max':
          fields.selection(value);
          break;
        case 'data':
        case 'create':
          fields.keysOf(value, 'write');
          if (method !== 'update' && method !== 'updateMany' && method !== 'updateManyAndReturn') insertFields = literalKeys(value);
          break;
        case 'update':
          fields.keysOf(value, 'write');
          break;
      }
    }
  }

  let effect: ModelUsage['effect'] = 'none';
  if (READ_METHODS.has(method)) effect = narrowed ? 'none' : 'read-all';
  else if (CREATE_METHODS.has(method) || method === 'upsert') effect = 'insert';
  else if (DELETE_METHODS.has(method)) effect = 'delete';

  const location = nodeLocation(input.path, sourceFile, callee);
  return {
    orm: 'prisma',
    model: { modelName: delegate },
    fields: fields.list,
    effect,
    ...(effect === 'insert' ? { insertIncludesDefaults: true, ...(insertFields ? { insertFields } : {}) } : {}),
    confidence,
    location,
    snippet: lineSnippet(sourceFile.text, location.line),
  };
}

/** Property names of an object literal (or an array of them, for `createMany`); undefined when a spread or a non-literal hides some. */
function literalKeys(value: ts.Expression): string[] | undefined {
  const v = unwrap(value);
  const objects = ts.isArrayLiteralExpression(v) ? v.elements.map(unwrap) : [v];
  const keys = new Set<string>();
  for (const object of objects) {
    if (!ts.isObjectLiteralExpression(object)) return undefined;
    for (const property of object.properties) {
      const key = propertyKey(property);
      if (key === undefined) return undefined;
      keys.add(key);
    }
  }
  return [...keys];
}

class FieldCollector {
  readonly list: ModelUsage['fields'] = [];
  constructor(private readonly path: string, private readonly sourceFile: ts.SourceFile) {}

  add(name: string, node: ts.Node, kind: ReferenceKind): void {
    const location = nodeLocation(this.path, this.sourceFile, node);
    this.list.push({ name, kind, location, snippet: lineSnippet(this.sourceFile.text, location.line) });
  }

  /** `select: { email: true, posts: { … }, _count: … }`: every key not set to `false` is read. */
  selection(value: ts.Expression): void {
    const v = unwrap(value);
    if (!ts.isObjectLiteralExpression(v)) return;
    for (const property of v.properties) {
      const key = propertyKey(property);
      if (key === undefined || key.startsWith('_')) continue;
      const inner = propertyValue(property);
      if (inner && unwrap(inner).kind === ts.SyntaxKind.FalseKeyword) continue;
      this.add(key, property.name ?? property, 'read');
    }
  }

  /** `where`: field keys, through `AND`/`OR`/`NOT` and compound unique keys (`email_tenantId: { email, tenantId }`). */
  filter(value: ts.Expression): void {
    const v = unwrap(value);
    if (ts.isArrayLiteralExpression(v)) {
      for (const element of v.elements) this.filter(element);
      return;
    }
    if (!ts.isObjectLiteralExpression(v)) return;
    for (const property of v.properties) {
      const key = propertyKey(property);
      if (key === undefined) continue;
      const inner = propertyValue(property);
      if (key === 'AND' || key === 'OR' || key === 'NOT') {
        if (inner) this.filter(inner);
        continue;
      }
      const innerObject = inner ? unwrap(inner) : undefined;
      if (key.includes('_') && innerObject && ts.isObjectLiteralExpression(innerObject) && isCompoundKey(innerObject)) {
        this.keysOf(innerObject, 'read');
        continue;
      }
      this.add(key, property.name ?? property, 'read');
    }
  }

  /** Keys of an object literal, or of each object in an array literal (`orderBy: [{ a: 'asc' }]`, `createMany`). */
  keysOf(value: ts.Expression, kind: ReferenceKind): void {
    const v = unwrap(value);
    if (ts.isArrayLiteralExpression(v)) {
      for (const element of v.elements) this.keysOf(element, kind);
      return;
    }
    if (!ts.isObjectLiteralExpression(v)) return;
    for (const property of v.properties) {
      const key = propertyKey(property);
      if (key === undefined || key.startsWith('_')) continue;
      this.add(key, property.name ?? property, kind);
    }
  }

  /** `distinct: ['email']`, `by: 'email'`. */
  names(value: ts.Expression, kind: ReferenceKind): void {
    const v = unwrap(value);
    const elements = ts.isArrayLiteralExpression(v) ? v.elements : [v];
    for (const element of elements) {
      if (ts.isStringLiteralLike(element)) this.add(element.text, element, kind);
    }
  }
}

function isCompoundKey(object: ts.ObjectLiteralExpression): boolean {
  return object.properties.length > 0 && object.properties.every((p) => {
    const key = propertyKey(p);
    return key !== undefined && !FILTER_OPERATORS.has(key);
  });
}



