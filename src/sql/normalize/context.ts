/**
 * What normalizing one statement needs: where it is (for locations and expression text), the session state
 * that carries across statements of a file (search_path), and helpers for names.
 */
import type { Diagnostic } from '../../diagnostic.js';
import type { SourceLocation } from '../../location.js';
import { scanSql } from '../parser.js';
import type { SqlFile, SqlStatement } from '../statements.js';
import { SourceText } from '../../text.js';
import type { Change, QualifiedName, StatementInfo } from '../types.js';

export type NodeMap = Record<string, unknown>;

/** The part of Change every kind shares, filled in by the normalizer. */
export type ChangeBody = Change extends infer C ? (C extends Change ? Omit<C, 'location' | 'statement'> : never) : never;

/** Session settings that outlive a statement. `SET LOCAL` lasts until the transaction ends. */
export class SessionState {
  private session: string[];
  private local: string[] | undefined;
  private readonly initial: string[];

  constructor(searchPath: string[] = ['public']) {
    this.initial = searchPath;
    this.session = searchPath;
  }

  get searchPath(): string[] {
    return this.local ?? this.session;
  }

  setSearchPath(path: string[] | null, local: boolean): void {
    const value = path ?? this.initial;
    if (local) this.local = value;
    else {
      this.session = value;
      this.local = undefined;
    }
  }

  clone(): SessionState {
    const copy = new SessionState(this.initial);
    copy.session = this.session;
    copy.local = this.local;
    return copy;
  }

  endTransaction(): void {
    this.local = undefined;
  }

  /** Schema that unqualified names resolve to: the first usable entry of search_path. */
  get creationSchema(): string {
    return this.searchPath.find((s) => s !== '$user' && s !== 'pg_catalog' && s !== 'pg_temp') ?? 'public';
  }
}

/** Parse a search_path value (`"$user", public`, `'app, "Mixed"'`) into schema names. */
export function parseSearchPath(values: string[]): string[] {
  const out: string[] = [];
  for (const value of values) {
    for (const part of value.split(',')) {
      const p = part.trim();
      if (p === '') continue;
      out.push(p.startsWith('"') && p.endsWith('"') && p.length >= 2 ? p.slice(1, -1).replace(/""/g, '"') : p.toLowerCase());
    }
  }
  return out;
}

export interface StatementContext {
  file: SqlFile;
  stmt: SqlStatement;
  info: StatementInfo;
  session: SessionState;
  diagnostics: Diagnostic[];
}

/** A token of a statement, with string offsets in its file. */
interface FileToken {
  start: number;
  end: number;
  text: string;
  tokenName: string;
  keyword: string;
}

const tokenCache = new WeakMap<SqlStatement, FileToken[] | null>();

/** The statement's tokens, scanned once however many expressions of it are read (null when it cannot be scanned). */
function statementTokens(stmt: SqlStatement): FileToken[] | null {
  let tokens = tokenCache.get(stmt);
  if (tokens === undefined) {
    try {
      const local = new SourceText(stmt.text);
      tokens = scanSql(stmt.text).map((t) => ({ ...t, start: stmt.start + local.byteToChar(t.start), end: stmt.start + local.byteToChar(t.end) }));
    } catch {
      tokens = null;
    }
    tokenCache.set(stmt, tokens);
  }
  return tokens;
}

/** Index of the first token starting at or after `offset`. */
function firstTokenAt(tokens: readonly FileToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function isObject(value: unknown): value is NodeMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `{ Type: payload }` → [Type, payload]. */
export function unwrap(node: unknown): [string, NodeMap] | undefined {
  if (!isObject(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const payload = node[keys[0]!];
  return isObject(payload) ? [keys[0]!, payload] : undefined;
}

/** Payload of a node of a given type, or undefined. */
export function nodeOf<T = NodeMap>(node: unknown, type: string): T | undefined {
  const u = unwrap(node);
  return u && u[0] === type ? (u[1] as T) : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** The strings of a list of `String` nodes (name lists). */
export function strings(value: unknown): string[] {
  return list(value).flatMap((n) => {
    const s = nodeOf<{ sval?: string }>(n, 'String');
    return s ? [s.sval ?? ''] : [];
  });
}

export interface RangeVarNode {
  schemaname?: string;
  relname?: string;
  location?: number;
  inh?: boolean;
  relpersistence?: string;
  alias?: { aliasname?: string; colnames?: unknown[] };
}

export function qualify(ctx: StatementContext, schema: string | undefined, name: string): QualifiedName {
  return { schema: schema ?? ctx.session.creationSchema, name };
}

export function rangeVarName(ctx: StatementContext, rv: RangeVarNode | undefined): QualifiedName {
  return qualify(ctx, rv?.schemaname, rv?.relname ?? '');
}

/** A dotted name list (`[schema, name]` or `[name]`). */
export function listName(ctx: StatementContext, names: string[]): QualifiedName {
  const name = names[names.length - 1] ?? '';
  return qualify(ctx, names.length > 1 ? names[names.length - 2] : undefined, name);
}

/** Location of a string-offset range in the file. */
export function locate(ctx: StatementContext, start: number, end: number): SourceLocation {
  return ctx.file.locate(start, end);
}

/** Every `location` field inside a node, as string offsets in the file. */
function nodeOffsets(ctx: StatementContext, node: unknown, out: number[]): void {
  if (Array.isArray(node)) {
    for (const item of node) nodeOffsets(ctx, item, out);
    return;
  }
  if (!isObject(node)) return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'location' && typeof value === 'number' && value >= 0) out.push(ctx.file.nodeOffset(ctx.stmt, value));
    else if (typeof value === 'object' && value !== null) nodeOffsets(ctx, value, out);
  }
}

/** Keywords that end a column DEFAULT expression (the next column constraint). */
export const COLUMN_CONSTRAINT_KEYWORDS = new Set(['NOT', 'NULL', 'CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'REFERENCES', 'GENERATED', 'COLLATE', 'DEFAULT', 'DEFERRABLE', 'INITIALLY']);

/**
 * Source text of an expression node. libpg-query gives only start locations, so the end is found with the
 * scanner: after the last located token, the expression ends at a `,`/`)` of its own nesting level, at one
 * of `stopKeywords`, or at `limit` (string offset).
 */
export function expressionText(ctx: StatementContext, node: unknown, limit: number, stopKeywords: ReadonlySet<string> = new Set()): string {
  const offsets: number[] = [];
  nodeOffsets(ctx, node, offsets);
  if (offsets.length === 0) return '';
  const text = ctx.file.text;
  let start = Math.min(...offsets);
  const last = Math.max(...offsets);
  const tokens = statementTokens(ctx.stmt);
  if (!tokens) return text.slice(start, limit).trim();
  let depth = 0;
  let minDepth = 0;
  let end = start;
  for (let i = firstTokenAt(tokens, start); i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.start >= limit) break;
    if (t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT') continue;
    const after = t.start > last;
    const base = depth === minDepth;
    if (after && base && (t.text === ',' || t.text === ')' || t.text === ';' || stopKeywords.has(t.keyword))) break;
    if (t.text === '(' || t.text === '[' || t.keyword === 'CASE') depth++;
    else if (t.text === ')' || t.text === ']' || t.keyword === 'END') {
      depth--;
      minDepth = Math.min(minDepth, depth);
    }
    end = t.end;
  }
  // The expression opened with parentheses before its first located node: `(a + b) * 2`.
  for (let open = -minDepth; open > 0; open--) {
    const before = text.slice(0, start).trimEnd();
    if (!before.endsWith('(')) break;
    start = before.length - 1;
  }
  return text.slice(start, end).trim();
}
