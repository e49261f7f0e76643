/**
 * One SQL file → its statements, with exact locations. A statement Postgres cannot parse becomes one
 * diagnostic and the rest of the file is still analysed.
 *
 * Fast path: parse the whole file once (libpg-query returns each statement's byte range). Only when that
 * fails is the file split with Postgres' scanner and each piece parsed on its own.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { SourceLocation } from '../location.js';
import { SourceText } from '../text.js';
import { scanStatements } from '../migrations/statement-scan.js';
import { parseSql, scanSql, SqlSyntaxError, type Node, type Token } from './parser.js';
import { runSync, type Steps } from '../yielding.js';

export interface SqlStatement {
  index: number;
  /** libpg-query node type, e.g. `AlterTableStmt`. */
  type: string;
  /** The node's payload (`{ relation, cmds, … }` for an AlterTableStmt). */
  node: Record<string, unknown>;
  /** The wrapped node as libpg-query returns it (`{ AlterTableStmt: {…} }`). */
  raw: Node;
  /** String offsets of the statement in the file (without the terminating `;`). */
  start: number;
  end: number;
  text: string;
  location: SourceLocation;
  /** File byte offset that the `location` fields inside `node` are relative to. */
  byteBase: number;
}

export interface SqlComment {
  /** String offsets in the file. */
  start: number;
  end: number;
  text: string;
  line: number;
}

export interface Span {
  start: number;
  end: number;
}

export class SqlFile {
  readonly path: string;
  readonly source: SourceText;
  readonly statements: SqlStatement[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private commentCache: SqlComment[] | undefined;
  /** The pieces the file was cut into when the parser could not read it whole. */
  private pieces: Span[] | undefined;

  constructor(path: string, text: string, parse = true) {
    this.path = path;
    this.source = new SourceText(text);
    if (parse) runSync(this.parse());
  }

  /** Parse `text` as steps (src/yielding.ts): a large file is parsed a chunk at a time. */
  static *parsing(path: string, text: string): Steps<SqlFile> {
    const file = new SqlFile(path, text, false);
    yield* file.parse();
    return file;
  }

  get text(): string {
    return this.source.text;
  }

  /** Location of a string-offset range of this file. */
  locate(start: number, end: number = start): SourceLocation {
    const a = this.source.position(start);
    const b = this.source.position(Math.max(start, end));
    return { path: this.path, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }

  /** String offset in the file of a `location` field (bytes) found inside a statement's node. */
  nodeOffset(statement: SqlStatement, byteLocation: number | undefined): number {
    if (byteLocation === undefined || byteLocation < 0) return statement.start;
    return this.source.byteToChar(statement.byteBase + byteLocation);
  }

  /** Every comment in the file, from Postgres' scanner (falls back to `--` line comments if the file cannot be scanned). */
  comments(): SqlComment[] {
    if (!this.commentCache) this.commentCache = this.scanComments();
    return this.commentCache;
  }

  /**
   * String ranges of the sub-commands of an ALTER TABLE statement, in the order of its `cmds`
   * (libpg-query gives sub-commands no locations). Returns null when the split does not match.
   */
  alterTableCommandSpans(statement: SqlStatement, commandCount: number): Span[] | null {
    const relation = statement.node.relation as { location?: number } | undefined;
    if (!relation || relation.location === undefined) return null;
    let tokens: Token[];
    const stmtByteStart = this.source.charToByte(statement.start);
    try {
      tokens = scanSql(statement.text);
    } catch {
      return null;
    }
    const relByte = statement.byteBase + relation.location - stmtByteStart;
    let i = tokens.findIndex((t) => t.start >= relByte);
    if (i < 0) return null;
    // Skip the (possibly qualified) table name and an optional `*`.
    i++;
    while (i + 1 < tokens.length && tokens[i]!.text === '.') i += 2;
    if (i < tokens.length && tokens[i]!.text === '*') i++;
    const spans: Span[] = [];
    let depth = 0;
    let first = i;
    const toChar = (byteInStatement: number): number => this.source.byteToChar(stmtByteStart + byteInStatement);
    for (; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT') continue;
      if (t.text === '(') depth++;
      else if (t.text === ')') depth--;
      else if (t.text === ',' && depth === 0) {
        spans.push(spanOf(tokens, first, i - 1, toChar));
        first = i + 1;
      }
    }
    if (first < tokens.length) spans.push(spanOf(tokens, first, tokens.length - 1, toChar));
    return spans.length === commandCount ? spans : null;
  }

  private *parse(): Steps<void> {
    const text = this.text;
    if (text.trim() === '') return;
    if (text.length >= CHUNKED_PARSE_MIN && (yield* this.parseInChunks())) return;
    let failure: SqlSyntaxError;
    try {
      const result = parseSql(text);
      for (const s of result.stmts ?? []) {
        const startByte = s.stmt_location ?? 0;
        const endByte = s.stmt_len ? startByte + s.stmt_len : undefined;
        const start = this.source.byteToChar(startByte);
        const end = endByte === undefined ? text.length : this.source.byteToChar(endByte);
        if (s.stmt) this.addStatement(s.stmt, start, end, 0);
      }
      return;
    } catch (error) {
      if (!(error instanceof SqlSyntaxError)) throw error;
      failure = error;
    }
    this.pieces = this.split(failure);
    for (const piece of this.pieces) this.parsePiece(piece);
  }

  /**
   * A large file is parsed in chunks of whole statements, so that the parse can pause between them (a Ctrl-C
   * is then handled within a second) and never holds the parse tree of megabytes of SQL as one JSON text. The
   * chunks are cut after the `;` of statements found by the light scan, so each statement reads exactly as in
   * a parse of the whole file: same offsets (node locations count from the chunk's `byteBase`), same text.
   * Where the light scan and Postgres' grammar could disagree on where a statement ends — `BEGIN ATOMIC`
   * bodies, or a cut inside what Postgres reads as a string, a comment or the parenthesized actions of a
   * rule — a chunk cannot parse: then nothing is kept and the whole file is parsed as before (false).
   */
  private *parseInChunks(): Steps<boolean> {
    const text = this.text;
    if (/atomic/i.test(text)) return false;
    const parsed: { chunk: Span; byteBase: number; stmts: NonNullable<ReturnType<typeof parseSql>['stmts']> }[] = [];
    let from = 0;
    while (from < text.length) {
      // The first statement ending past CHUNK_CHARS, found by scanning a window of the text from `from` (the
      // scan reads left to right, so what it finds before the window's end is what it finds in the whole text).
      let end = text.length;
      for (let size = 2 * CHUNK_CHARS; from + size < text.length; size *= 2) {
        const cut = scanStatements(text.slice(from, from + size)).find((st) => st.end >= CHUNK_CHARS && st.end < size && text[from + st.end] === ';');
        if (cut) {
          end = from + cut.end + 1;
          break;
        }
      }
      const chunk = { start: from, end };
      try {
        parsed.push({ chunk, byteBase: this.source.charToByte(chunk.start), stmts: parseSql(text.slice(chunk.start, chunk.end)).stmts ?? [] });
      } catch (error) {
        if (!(error instanceof SqlSyntaxError)) throw error;
        return false;
      }
      from = end;
      yield;
    }
    for (const { chunk, byteBase, stmts } of parsed) {
      for (const s of stmts) {
        const startByte = byteBase + (s.stmt_location ?? 0);
        const endByte = s.stmt_len ? startByte + s.stmt_len : undefined;
        const start = this.source.byteToChar(startByte);
        const end = endByte === undefined ? chunk.end : this.source.byteToChar(endByte);
        if (s.stmt) this.addStatement(s.stmt, start, end, byteBase);
      }
      yield;
    }
    return true;
  }

  private parsePiece(piece: Span): void {
    const text = this.text.slice(piece.start, piece.end);
    const byteBase = this.source.charToByte(piece.start);
    try {
      const result = parseSql(text);
      for (const s of result.stmts ?? []) {
        const startByte = byteBase + (s.stmt_location ?? 0);
        const endByte = s.stmt_len ? startByte + s.stmt_len : undefined;
        const start = this.source.byteToChar(startByte);
        const end = endByte === undefined ? piece.end : this.source.byteToChar(endByte);
        if (s.stmt) this.addStatement(s.stmt, start, end, byteBase);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const at = error instanceof SqlSyntaxError && error.byteOffset !== undefined ? this.source.byteToChar(byteBase + error.byteOffset) : piece.start;
      const where = this.locate(at);
      const first = this.locate(piece.start);
      this.diagnostics.push({
        code: 'sql-syntax',
        severity: 'error',
        message: `Postgres cannot parse the statement starting at line ${first.line}: ${message}`,
        location: where,
        hint: 'rollsafe skipped this statement and checked the rest of the file; fix the SQL or it will fail when the migration runs.',
      });
    }
  }

  private addStatement(raw: Node, start: number, end: number, byteBase: number): void {
    const type = Object.keys(raw)[0]!;
    const node = (raw as unknown as Record<string, Record<string, unknown>>)[type]!;
    const text = this.text;
    // Trim whitespace, a trailing `;` and comments around the statement.
    start = skipTrivia(text, start, end);
    let e = end;
    while (e > start && /[\s;]/.test(text[e - 1]!)) e--;
    this.statements.push({
      index: this.statements.length,
      type,
      node,
      raw,
      start,
      end: e,
      text: text.slice(start, e),
      location: this.locate(start, e),
      byteBase,
    });
  }

  /**
   * Split the file into statement-sized pieces with Postgres' scanner (string offsets). The scanner stops at
   * what it cannot read (an unterminated literal or comment, `31m`, `""`) without saying where; the parser
   * does. So: the scanner splits what comes before that point, the light statement scan (quotes and comments,
   * no parse) finds the end of the unreadable statement, and the rest starts over, so that one bad statement
   * does not take the following ones with it. An unterminated literal still runs to the end of the file.
   */
  private split(parseFailure: SqlSyntaxError): Span[] {
    const text = this.text;
    const pieces: Span[] = [];
    let from = 0;
    let failure: SqlSyntaxError | undefined = parseFailure;
    while (from < text.length) {
      const byteBase = this.source.charToByte(from);
      try {
        pieces.push(...this.splitTokens(scanSql(text.slice(from)), text.length, byteBase));
        return pieces;
      } catch {
        // Where the parser stops in the rest (the first time, the caller's failure says so).
        if (!failure) {
          try {
            parseSql(text.slice(from));
          } catch (error) {
            if (error instanceof SqlSyntaxError) failure = error;
          }
        }
        const at = failure?.byteOffset !== undefined ? this.source.byteToChar(byteBase + failure.byteOffset) : from;
        failure = undefined;
        let before: Span[] = [];
        try {
          if (at > from) before = this.splitTokens(scanSql(text.slice(from, at)), at, byteBase);
        } catch {
          before = [];
        }
        let start = before.length === 0 ? from : at;
        const last = before[before.length - 1];
        if (last && !text.slice(last.start, last.end).trimEnd().endsWith(';')) start = before.pop()!.start;
        pieces.push(...before);
        const unreadable = scanStatements(text.slice(start))[0];
        if (!unreadable) {
          pieces.push({ start, end: text.length });
          return pieces;
        }
        const end = start + unreadable.end + (text[start + unreadable.end] === ';' ? 1 : 0);
        pieces.push({ start: start + unreadable.start, end });
        if (end <= from) return pieces;
        from = end;
      }
    }
    return pieces;
  }

  /** Statement pieces from scanned tokens: `length` ends an unterminated last piece; token offsets count from `byteBase`. */
  private splitTokens(tokens: Token[], length: number, byteBase = 0): Span[] {
    const pieces: Span[] = [];
    let first = -1;
    let atomicDepth = 0;
    let previousKeyword = '';
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      if (t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT') continue;
      if (first < 0) {
        if (t.text === ';') continue;
        first = i;
      }
      // SQL-standard function bodies (BEGIN ATOMIC … END) contain semicolons of their own.
      if (t.keyword === 'ATOMIC' && previousKeyword === 'BEGIN') atomicDepth++;
      else if (atomicDepth > 0 && t.keyword === 'CASE') atomicDepth++;
      else if (atomicDepth > 0 && t.keyword === 'END') atomicDepth--;
      previousKeyword = t.keyword;
      if (t.text === ';' && atomicDepth === 0) {
        pieces.push({ start: this.source.byteToChar(byteBase + tokens[first]!.start), end: this.source.byteToChar(byteBase + t.end) });
        first = -1;
      }
    }
    if (first >= 0) pieces.push({ start: this.source.byteToChar(byteBase + tokens[first]!.start), end: length });
    return pieces;
  }

  private scanComments(): SqlComment[] {
    const text = this.text;
    try {
      return this.commentsIn(0, text.length);
    } catch {
      // The scanner failed somewhere: scan statement by statement (and the gaps between them), so that one bad
      // statement costs only its own comments, which a search for `--` then finds.
      const spans = [...(this.pieces ?? this.statements)].sort((a, b) => a.start - b.start);
      const regions: Span[] = [];
      let at = 0;
      for (const span of spans) {
        if (span.start > at) regions.push({ start: at, end: span.start });
        if (span.end > at) regions.push({ start: Math.max(at, span.start), end: span.end });
        at = Math.max(at, span.end);
      }
      if (at < text.length) regions.push({ start: at, end: text.length });
      const comments: SqlComment[] = [];
      for (const region of regions) {
        try {
          comments.push(...this.commentsIn(region.start, region.end));
        } catch {
          for (const m of text.slice(region.start, region.end).matchAll(/--[^\n]*/g)) {
            const start = region.start + m.index;
            comments.push({ start, end: start + m[0].length, text: m[0], line: this.source.position(start).line });
          }
        }
      }
      return comments;
    }
  }

  /** Comments of the text between two string offsets, by Postgres' scanner (throws where it cannot scan). */
  private commentsIn(from: number, to: number): SqlComment[] {
    const byteBase = this.source.charToByte(from);
    return scanSql(this.text.slice(from, to))
      .filter((t) => t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT')
      .map((t) => {
        const start = this.source.byteToChar(byteBase + t.start);
        return { start, end: this.source.byteToChar(byteBase + t.end), text: t.text, line: this.source.position(start).line };
      });
  }
}

function spanOf(tokens: Token[], from: number, to: number, toChar: (b: number) => number): Span {
  return { start: toChar(tokens[from]!.start), end: toChar(tokens[to]!.end) };
}

/** Skip whitespace and comments forward from `start`. */
function skipTrivia(text: string, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === ';') i++;
    else if (c === '-' && text[i + 1] === '-') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? end : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return i;
      i = close + 2;
    } else break;
  }
  return i;
}

/** Parse one SQL file (the parser must be loaded). */
export function parseSqlFile(path: string, text: string): SqlFile {
  return new SqlFile(path, text);
}

/** `parseSqlFile` as steps (src/yielding.ts). */
export function parseSqlFileSteps(path: string, text: string): Steps<SqlFile> {
  return SqlFile.parsing(path, text);
}

/** Files from this size (characters) are parsed a chunk at a time, chunks of about this many. */
const CHUNKED_PARSE_MIN = 256 * 1024;
const CHUNK_CHARS = 16 * 1024;
