/**
 * `schema.prisma` (or one file of a multi-file `prisma/schema/` folder) → ModelDeclarations. Parsed with
 * `@mrleebo/prisma-ast`; each model and view is a table, each scalar or enum field a column.
 */
import { restoreConfigSearch } from './config-guard.js';
import { getSchema, PrismaParser, VisitorClassFactory } from '@mrleebo/prisma-ast';
import type { Attribute, AttributeArgument, BlockAttribute, CstNodeLocation, Field, Model, Value, View } from '@mrleebo/prisma-ast';
import type { SourceLocation } from '../../../location.js';
import type { FieldDeclaration, FileFacts, ModelDeclaration } from '../../facts.js';

restoreConfigSearch();

const SNIPPET_MAX = 160;

const SCALAR_TYPES = new Set(['String', 'Boolean', 'Int', 'BigInt', 'Float', 'Decimal', 'DateTime', 'Json', 'Bytes']);

/** `@default(…)` functions evaluated by the database, not by the query engine: the INSERT leaves the column out. */
const DATABASE_DEFAULTS = new Set(['autoincrement', 'dbgenerated', 'sequence']);

type PrismaVisitor = InstanceType<ReturnType<typeof VisitorClassFactory>>;

let parsing: { parser: PrismaParser; visitor: PrismaVisitor } | undefined;

/** The parser with location tracking; built once because chevrotain's grammar analysis is costly. */
function prismaParsing(): { parser: PrismaParser; visitor: PrismaVisitor } {
  if (!parsing) {
    const parser = new PrismaParser({ nodeLocationTracking: 'full' });
    const Visitor = VisitorClassFactory(parser);
    parsing = { parser, visitor: new Visitor() };
  }
  return parsing;
}

export function extractPrismaSchema(path: string, text: string, facts: FileFacts): void {
  let blocks;
  try {
    blocks = getSchema(text, prismaParsing()).list;
  } catch (error) {
    facts.diagnostics.push(syntaxDiagnostic(path, error));
    return;
  }
  const lines = new Lines(text);
  const localModels = new Set<string>();
  const localEnums = new Set<string>();
  for (const block of blocks) {
    if (block.type === 'model' || block.type === 'view' || block.type === 'type') localModels.add(block.name);
    else if (block.type === 'enum') localEnums.add(block.name);
  }
  for (const block of blocks) {
    if (block.type === 'model' || block.type === 'view') {
      facts.models.push(modelDeclaration(path, lines, block, localModels, localEnums));
    }
  }
}

function modelDeclaration(path: string, lines: Lines, block: Model | View, localModels: ReadonlySet<string>, localEnums: ReadonlySet<string>): ModelDeclaration {
  const blockAttributes = block.properties.filter((p): p is BlockAttribute => p.type === 'attribute');
  const ignoredModel = blockAttributes.some((a) => a.name === 'ignore' && !a.group);
  const table = stringArgument(blockAttributes.find((a) => a.name === 'map' && !a.group)?.args);
  const schema = stringArgument(blockAttributes.find((a) => a.name === 'schema' && !a.group)?.args);
  const fields: FieldDeclaration[] = [];
  for (const property of block.properties) {
    if (property.type !== 'field') continue;
    fields.push(fieldDeclaration(path, lines, property, block.type === 'view', ignoredModel, localModels, localEnums));
  }
  const location = nameLocation(path, lines, block.location, block.name);
  return {
    orm: 'prisma',
    name: block.name,
    ...(table !== undefined ? { table } : {}),
    ...(schema !== undefined ? { schema } : {}),
    fields,
    ...(block.type === 'view' || ignoredModel ? { options: { ...(block.type === 'view' ? { view: true } : {}), ...(ignoredModel ? { ignored: true } : {}) } } : {}),
    location,
    snippet: lines.snippet(location.line),
  };
}

function fieldDeclaration(
  path: string,
  lines: Lines,
  field: Field,
  inView: boolean,
  ignoredModel: boolean,
  localModels: ReadonlySet<string>,
  localEnums: ReadonlySet<string>,
): FieldDeclaration {
  const attributes = field.attributes ?? [];
  const attribute = (name: string): Attribute | undefined => attributes.find((a) => a.name === name && !a.group);
  const column = stringArgument(attribute('map')?.args);
  const location = nameLocation(path, lines, field.location, field.name);
  const base = { name: field.name, ...(column !== undefined ? { column } : {}), location, snippet: lines.snippet(location.line) };

  const kind = fieldKind(field, localModels, localEnums);
  if (kind === 'relation') return { ...base, selected: false, written: false, virtual: true };
  // The client neither reads nor writes `Unsupported(…)` and `@ignore` fields, nor anything of an `@@ignore` model.
  if (kind === 'unsupported' || ignoredModel || attribute('ignore')) return { ...base, selected: false, written: false };

  const defaultValue = attribute('default')?.args?.[0]?.value;
  const hasDefault = defaultValue !== undefined;
  const databaseDefault = isFunction(defaultValue) && DATABASE_DEFAULTS.has(defaultValue.name);
  // `create` sends client-side defaults (`now()`, `cuid()`, static values) and `@updatedAt`; the generated
  // types make a required field without any default mandatory in `data`.
  const written = !inView && ((hasDefault && !databaseDefault) || attribute('updatedAt') !== undefined || (!hasDefault && !field.optional && !field.array));
  return { ...base, selected: true, written };
}

type FieldKind = 'column' | 'relation' | 'unsupported';

/**
 * A field whose type is declared in another file of a multi-file schema cannot be looked up here (facts are
 * per file): `@relation`, a list, or an optional field named after its type (`profile Profile?`) reads as a
 * relation; attributes only columns take (`@default`, `@map`, `@db.*`, `@id`, `@unique`) read as an enum.
 */
function fieldKind(field: Field, localModels: ReadonlySet<string>, localEnums: ReadonlySet<string>): FieldKind {
  const type = field.fieldType;
  if (typeof type !== 'string') return type.name === 'Unsupported' ? 'unsupported' : 'column';
  if (SCALAR_TYPES.has(type) || localEnums.has(type)) return 'column';
  if (localModels.has(type)) return 'relation';
  const attributes = field.attributes ?? [];
  if (attributes.some((a) => a.name === 'relation' && !a.group)) return 'relation';
  if (attributes.some((a) => a.group === 'db' || (!a.group && ['default', 'map', 'id', 'unique'].includes(a.name)))) return 'column';
  if (field.array) return 'relation';
  if (field.optional && field.name.toLowerCase() === type.toLowerCase()) return 'relation';
  return 'column';
}

function isFunction(value: AttributeArgument['value'] | undefined): value is { type: 'function'; name: string } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && value.type === 'function';
}

/** The string of `@map("x")`, `@map(name: "x")`, `@@schema("x")`. */
function stringArgument(args: readonly AttributeArgument[] | undefined): string | undefined {
  const first = args?.find((a) => typeof a.value === 'string' || (typeof a.value === 'object' && !Array.isArray(a.value) && a.value.type === 'keyValue' && a.value.key === 'name'));
  if (!first) return undefined;
  const value: Value | AttributeArgument['value'] = typeof first.value === 'object' && !Array.isArray(first.value) && first.value.type === 'keyValue' ? first.value.value : first.value;
  return typeof value === 'string' ? unquote(value) : undefined;
}

function unquote(literal: string): string | undefined {
  if (!literal.startsWith('"')) return undefined;
  try {
    const parsed: unknown = JSON.parse(literal);
    return typeof parsed === 'string' ? parsed : undefined;
  } catch {
    return literal.slice(1, -1);
  }
}

/** Location of `name` on the first line of a parsed node (the parser's span starts at a keyword for blocks). */
function nameLocation(path: string, lines: Lines, location: CstNodeLocation | undefined, name: string): SourceLocation {
  const line = location?.startLine ?? 1;
  let column = location?.startColumn ?? 1;
  const lineText = lines.at(line);
  const at = lineText.indexOf(name, column - 1);
  if (at >= 0 && /^\s*(model|view|type)?\s*$/.test(lineText.slice(column - 1, at))) column = at + 1;
  return { path, line, column, endLine: line, endColumn: column + name.length };
}

/** Line starts of a file, so that each field's line is found without rescanning the text. */
class Lines {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  /** Text of a 1-based line, without its line break. */
  at(line: number): string {
    const start = this.starts[line - 1];
    if (start === undefined) return '';
    const next = this.starts[line];
    return this.text.slice(start, next === undefined ? this.text.length : next - 1).replace(/\r$/, '');
  }
  snippet(line: number): string {
    const snippet = this.at(line).trim();
    return snippet.length > SNIPPET_MAX ? `${snippet.slice(0, SNIPPET_MAX - 1)}…` : snippet;
  }
}

function syntaxDiagnostic(path: string, error: unknown) {
  const token = typeof error === 'object' && error !== null && 'token' in error ? (error as { token?: { startLine?: number; startColumn?: number } }).token : undefined;
  const line = token?.startLine && Number.isFinite(token.startLine) ? token.startLine : 1;
  const column = token?.startColumn && Number.isFinite(token.startColumn) ? token.startColumn : 1;
  const message = error instanceof Error ? error.message.replace(/\s+/g, ' ').trim() : String(error);
  return {
    code: 'prisma-syntax',
    severity: 'warning' as const,
    message: `cannot parse this Prisma schema (${message}); its models are missing from the references`,
    location: { path, line, column, endLine: line, endColumn: column },
  };
}
