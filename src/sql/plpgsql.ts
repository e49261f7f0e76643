/**
 * SQL inside PL/pgSQL: the statements of a `DO` block or a LANGUAGE plpgsql function body, found with
 * Postgres' own PL/pgSQL parser and located in the migration file.
 */
import type { Diagnostic } from '../diagnostic.js';
import { parsePlpgsql, scanSql } from './parser.js';
import type { SqlFile, SqlStatement } from './statements.js';
import { SourceText } from '../text.js';

/** One SQL statement found in a body. `exact` when `sql` is the file's text at [start, end) character for character. */
export interface EmbeddedStatement {
  kind: 'sql';
  sql: string;
  start: number;
  end: number;
  exact: boolean;
  /** `EXECUTE 'constant'` rather than a plain statement. */
  executed: boolean;
}

/** `EXECUTE` of a string built at run time: rollsafe cannot know what it runs. */
export interface DynamicStatement {
  kind: 'dynamic';
  /** The EXECUTE argument as written. */
  expression: string;
  start: number;
  end: number;
}

export type BodyStatement = EmbeddedStatement | DynamicStatement;

export interface Body {
  /** String offsets of the body (inside its quotes) in the file. */
  start: number;
  end: number;
  text: string;
  /** False when the body literal has escapes (`'…''…'`), so offsets inside it are approximate. */
  exact: boolean;
}

interface DefElemNode {
  defname?: string;
  arg?: unknown;
  location?: number;
}

function defElems(options: unknown): DefElemNode[] {
  return (Array.isArray(options) ? options : []).flatMap((o) => {
    const d = (o as { DefElem?: DefElemNode }).DefElem;
    return d ? [d] : [];
  });
}

/** The LANGUAGE of a DO (default plpgsql) or CREATE FUNCTION (default sql). */
export function bodyLanguage(statement: SqlStatement): string {
  const options = statement.type === 'DoStmt' ? statement.node.args : statement.node.options;
  const lang = defElems(options).find((d) => d.defname === 'language');
  const name = (lang?.arg as { String?: { sval?: string } } | undefined)?.String?.sval;
  return (name ?? (statement.type === 'DoStmt' ? 'plpgsql' : 'sql')).toLowerCase();
}

/** A string literal's content and where it starts: `'a''b'` → a'b (inexact), `$x$…$x$` → … (exact). */
export function literalContent(literal: string): { content: string; offset: number; exact: boolean } | null {
  const dollar = /^(\$[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*\$|\$\$)/.exec(literal);
  if (dollar) {
    const tag = dollar[1]!;
    if (!literal.endsWith(tag) || literal.length < tag.length * 2) return null;
    return { content: literal.slice(tag.length, literal.length - tag.length), offset: tag.length, exact: true };
  }
  if (literal.startsWith("'") && literal.endsWith("'") && literal.length >= 2) {
    const inner = literal.slice(1, -1);
    return { content: inner.replace(/''/g, "'"), offset: 1, exact: !inner.includes("''") };
  }
  if (/^[eE]'/.test(literal) && literal.endsWith("'")) {
    const inner = literal.slice(2, -1);
    const content = inner.replace(/''/g, "'").replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r' })[c] ?? c);
    return { content, offset: 2, exact: content === inner };
  }
  return null;
}

/** The body of a DO or CREATE FUNCTION statement, located in the file. */
export function findBody(file: SqlFile, statement: SqlStatement): Body | null {
  const options = statement.type === 'DoStmt' ? statement.node.args : statement.node.options;
  const as = defElems(options).find((d) => d.defname === 'as');
  if (!as) return null;
  const from = file.nodeOffset(statement, as.location);
  const text = file.text.slice(from, statement.end);
  let tokens;
  try {
    tokens = scanSql(text);
  } catch {
    return null;
  }
  const local = new SourceText(text);
  const literal = tokens.find((t) => t.tokenName === 'SCONST');
  if (!literal) return null;
  const start = from + local.byteToChar(literal.start);
  const end = from + local.byteToChar(literal.end);
  const parsed = literalContent(file.text.slice(start, end));
  if (!parsed) return null;
  return { start: start + parsed.offset, end: start + parsed.offset + parsed.content.length, text: parsed.content, exact: parsed.exact };
}

interface PlExpr {
  PLpgSQL_expr?: { query?: string };
}

/** Every execsql / dynexecute in a PL/pgSQL parse tree, with its 1-based line in the body. */
function collect(node: unknown, out: { type: 'execsql' | 'dynexecute'; query: string; lineno: number }[]): void {
  if (Array.isArray(node)) {
    for (const item of node) collect(item, out);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'PLpgSQL_stmt_execsql') {
      const v = value as { sqlstmt?: PlExpr; lineno?: number };
      out.push({ type: 'execsql', query: v.sqlstmt?.PLpgSQL_expr?.query ?? '', lineno: v.lineno ?? 1 });
    } else if (key === 'PLpgSQL_stmt_dynexecute') {
      const v = value as { query?: PlExpr; lineno?: number };
      out.push({ type: 'dynexecute', query: v.query?.PLpgSQL_expr?.query ?? '', lineno: v.lineno ?? 1 });
    } else if (typeof value === 'object' && value !== null) collect(value, out);
  }
}

/** Offset in `text` of the start of 1-based `line`. */
function lineOffset(text: string, line: number): number {
  let at = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', at);
    if (nl < 0) return at;
    at = nl + 1;
  }
  return at;
}

/**
 * The SQL statements of a DO block or PL/pgSQL function, in body order, located in the file. A body that
 * PL/pgSQL cannot parse gives a diagnostic and no statements.
 */
export function bodyStatements(file: SqlFile, statement: SqlStatement): { statements: BodyStatement[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const body = findBody(file, statement);
  if (!body) return { statements: [], diagnostics };
  let tree: unknown;
  try {
    tree = parsePlpgsql(statement.text);
  } catch (error) {
    diagnostics.push({
      code: 'plpgsql-syntax',
      severity: 'warning',
      message: `PL/pgSQL cannot parse this ${statement.type === 'DoStmt' ? 'DO block' : 'function body'}: ${error instanceof Error ? error.message : String(error)}`,
      location: statement.location,
      hint: 'rollsafe did not check the statements inside it.',
    });
    return { statements: [], diagnostics };
  }
  const found: { type: 'execsql' | 'dynexecute'; query: string; lineno: number }[] = [];
  collect(tree, found);
  const statements: BodyStatement[] = [];
  let cursor = 0;
  for (const item of found) {
    const lineStart = lineOffset(body.text, item.lineno);
    let at = body.text.indexOf(item.query, Math.max(lineStart, 0));
    if (at < 0) at = body.text.indexOf(item.query, cursor);
    const located = at >= 0 && body.exact;
    const start = located ? body.start + at : statement.start;
    const end = located ? start + item.query.length : statement.end;
    if (at >= 0) cursor = at + item.query.length;
    if (item.type === 'execsql') {
      statements.push({ kind: 'sql', sql: item.query, start, end, exact: located, executed: false });
      continue;
    }
    const literal = constantString(item.query);
    if (literal) {
      const exact = located && literal.exact;
      statements.push({
        kind: 'sql',
        sql: literal.content,
        start: exact ? start + literal.offset : start,
        end: exact ? start + literal.offset + literal.content.length : end,
        exact,
        executed: true,
      });
    } else statements.push({ kind: 'dynamic', expression: item.query, start, end });
  }
  return { statements, diagnostics };
}

/** The content of an EXECUTE argument that is one string constant; null for anything computed. */
function constantString(expression: string): { content: string; offset: number; exact: boolean } | null {
  let tokens;
  try {
    tokens = scanSql(expression);
  } catch {
    return null;
  }
  const significant = tokens.filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT');
  if (significant.length !== 1 || significant[0]!.tokenName !== 'SCONST') return null;
  const leading = new SourceText(expression).byteToChar(significant[0]!.start);
  const parsed = literalContent(expression.slice(leading, new SourceText(expression).byteToChar(significant[0]!.end)));
  return parsed ? { ...parsed, offset: parsed.offset + leading } : null;
}
