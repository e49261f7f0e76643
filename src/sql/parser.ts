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

function toSyntaxError(error: unknown): SqlSyntaxError {
  if (pg.hasSqlDetails(error) && error.sqlDetails) {
    const cursor = error.sqlDetails.cursorPosition;
    return new SqlSyntaxError(error.sqlDetails.message, cursor > 0 ? cursor - 1 : undefined);
  }
  return new SqlSyntaxError(error instanceof Error ? error.message : String(error), undefined);
}

/** Parse SQL text; throws SqlSyntaxError. */
export function parseSql(text: string): ParseResult {
  assertReady();
  try {
    return pg.parseSync(text);
  } catch (error) {
    throw toSyntaxError(error);
  }
}

/** Parse a PL/pgSQL function or DO body (given as a full CREATE FUNCTION / DO statement); throws SqlSyntaxError. */
export function parsePlpgsql(text: string): unknown {
  assertReady();
  try {
    return pg.parsePlPgSQLSync(text);
  } catch (error) {
    throw toSyntaxError(error);
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
  try {
    result = pg.scanSync(text);
  } catch (error) {
    throw toSyntaxError(error);
  }
  return result.tokens.map((t) => ({
    start: t.start,
    end: t.end,
    text: t.text,
    tokenName: t.tokenName,
    keyword: t.keywordKind !== 0 ? t.text.toUpperCase() : '',
  }));
}

export type { Node, ParseResult };
