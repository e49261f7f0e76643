/**
 * The one door to libpg-query (the Postgres 18 parser compiled to WASM). Load it once with
 * `loadParser()`; after that every call is synchronous.
 */
import * as pg from 'libpg-query';
import type { Node, ParseResult } from '@pgsql/types';

let loading: Promise<void> | undefined;
let ready = false;

export function loadParser(): Promise<void> {
  loading ??= pg.loadModule().then(() => {
    ready = true;
  });
  return loading;
}

export function parserReady(): boolean {
  return ready;
}

function assertReady(): void {
  if (!ready) throw new Error('rollsafe: the SQL parser is not loaded; await loadParser() first');
}

export class SqlSyntaxError extends Error {
  /** 0-based byte offset into the parsed text where Postgres reports the error, when it does. */
  readonly byteOffset: number | undefined;
  constructor(message: string, byteOffset: number | undefined) {
    super(message);
    this.name = 'SqlSyntaxError';
    this.byteOffset = byteOffset;
  }
}

/**
 * libpg-query's cursor is a 0-based index in characters (code points), as Postgres counts them; taken for a byte
 * offset (minus one) it pointed before the token, and, after any non-ASCII text, into the wrong statement.
 */
function toSyntaxError(error: unknown, text: string): SqlSyntaxError {
  if (pg.hasSqlDetails(error) && error.sqlDetails) {
    const cursor = error.sqlDetails.cursorPosition;
    return new SqlSyntaxError(error.sqlDetails.message, cursor >= 0 ? byteOffsetOfCodePoint(text, cursor) : undefined);
  }
  return new SqlSyntaxError(error instanceof Error ? error.message : String(error), undefined);
}

function byteOffsetOfCodePoint(text: string, codePoints: number): number {
  let bytes = 0;
  let i = 0;
  for (let n = 0; n < codePoints && i < text.length; n++) {
    const c = text.codePointAt(i)!;
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    i += c >= 0x10000 ? 2 : 1;
  }
  return bytes;
}

// libpg-query hands text to C as a NUL-terminated string: a NUL byte silently ends the file there, hiding the
// statements after it. And its scanner returns tokens as JSON without escaping control characters, so one ESC in
// a comment fails the whole scan. Each is replaced by one byte (offsets do not move): `?`, which Postgres rejects
// outside a comment or a string as it rejects the character itself; vertical tab and form feed, which Postgres
// reads as white space, by a space.
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
// eslint-disable-next-line no-control-regex
const SCANNER_UNSAFE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;

function spaced(text: string, unsafe: RegExp): string {
  return unsafe.test(text) ? text.replace(new RegExp(unsafe.source, 'g'), (c) => (c === '\u000b' || c === '\u000c' ? ' ' : '?')) : text;
}

/** Parse SQL text; throws SqlSyntaxError. */
export function parseSql(text: string): ParseResult {
  assertReady();
  try {
    return pg.parseSync(spaced(text, NUL));
  } catch (error) {
    throw toSyntaxError(error, text);
  }
}

/** Parse a PL/pgSQL function or DO body (given as a full CREATE FUNCTION / DO statement); throws SqlSyntaxError. */
export function parsePlpgsql(text: string): unknown {
  assertReady();
  try {
    return pg.parsePlPgSQLSync(spaced(text, NUL));
  } catch (error) {
    throw toSyntaxError(error, text);
  }
}

export interface Token {
  /** UTF-8 byte offsets into the scanned text. */
  start: number;
  end: number;
  text: string;
  /** `SQL_COMMENT`, `C_COMMENT`, `IDENT`, `SCONST`, `ASCII_59` (;) … or `UNKNOWN` for keywords. */
  tokenName: string;
  /** Upper-case keyword (`ALTER`), or '' for non-keywords. */
  keyword: string;
}

/** Tokenize SQL with Postgres' own scanner; throws SqlSyntaxError on unterminated literals and comments. */
export function scanSql(text: string): Token[] {
  assertReady();
  let result: pg.ScanResult;
  const safe = spaced(text, SCANNER_UNSAFE);
  try {
    result = pg.scanSync(safe);
  } catch (error) {
    throw toSyntaxError(error, text);
  }
  // Token texts come from the original when characters were replaced (a comment keeps its ESC).
  const bytes = safe === text ? undefined : Buffer.from(text, 'utf8');
  return result.tokens.map((t) => ({
    start: t.start,
    end: t.end,
    text: bytes ? bytes.toString('utf8', t.start, t.end) : t.text,
    tokenName: t.tokenName,
    keyword: t.keywordKind !== 0 ? t.text.toUpperCase() : '',
  }));
}

export type { Node, ParseResult };
