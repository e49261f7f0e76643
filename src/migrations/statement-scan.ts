/**
 * A light scan of SQL text for statement boundaries: enough to count statements and read their first words
 * for transaction decisions (does this file hold one statement or several? does one start with
 * `CREATE INDEX CONCURRENTLY`?). It knows comments, quoted strings and identifiers, and dollar quotes; it is
 * not a parser — `src/sql` parses for real, later, and this stage must not depend on it.
 */

export interface ScannedStatement {
  /** String offsets of the statement, from its first non-comment character to its `;` (excluded) or the end. */
  start: number;
  end: number;
  /** Its first words, upper-cased, comments removed, single-spaced (e.g. `CREATE UNIQUE INDEX CONCURRENTLY IDX`). */
  head: string;
}

const HEAD_WORDS = 8;

/** Whether the text holds a statement at all (not only comments and `;`): stops at the first one. */
export function hasStatement(sql: string): boolean {
  return scanStatements(sql, 1).length > 0;
}

/** The statements of `sql`, or its first `limit` ones. */
export function scanStatements(sql: string, limit = Infinity): ScannedStatement[] {
  const ranges: { start: number; end: number }[] = [];
  // `code` is `sql` with comments (and `;`) replaced by spaces, to read statement heads without them. It is
  // built from pieces joined once at the end: reading heads from a string grown by `+=` flattened it once per
  // statement, which made this scan quadratic in the statement count.
  const code: string[] = [];
  let copied = 0;
  const blank = (from: number, to: number, text: string): void => {
    code.push(sql.slice(copied, from), text);
    copied = to;
  };
  let start = -1;
  let i = 0;
  const n = sql.length;
  const end = (at: number): void => {
    if (start >= 0) ranges.push({ start, end: at });
    start = -1;
  };
  while (i < n && ranges.length < limit) {
    const c = sql[i]!;
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const stop = sql.indexOf('\n', i);
      const to = stop === -1 ? n : stop;
      blank(i, to, ' '.repeat(to - i));
      i = to;
      continue;
    }
    if (c === '/' && next === '*') {
      const to = blockCommentEnd(sql, i);
      blank(i, to, sql.slice(i, to).replace(/[^\n]/g, ' '));
      i = to;
      continue;
    }
    if (c === ';') {
      blank(i, i + 1, ' ');
      end(i);
      i++;
      continue;
    }
    if (start < 0 && !/\s/.test(c)) start = i;
    if (c === "'") i = quotedEnd(sql, i, "'", isEscapeString(sql, i));
    else if (c === '"') i = quotedEnd(sql, i, '"', false);
    else if (c === '$') i = dollarQuoteEnd(sql, i) ?? i + 1;
    else i++;
  }
  if (ranges.length < limit) end(n);
  code.push(sql.slice(copied, i));
  const flat = code.join('');
  return ranges.map((r) => ({ start: r.start, end: r.end, head: headOf(flat, r.start, r.end) }));
}

function headOf(code: string, start: number, end: number): string {
  const words = code.slice(start, Math.min(end, start + 400)).trim().split(/\s+/, HEAD_WORDS);
  return words.join(' ').toUpperCase();
}

/** End (exclusive) of a block comment starting at `i`; Postgres block comments nest. */
function blockCommentEnd(sql: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < sql.length) {
    if (sql[j] === '/' && sql[j + 1] === '*') {
      depth++;
      j += 2;
    } else if (sql[j] === '*' && sql[j + 1] === '/') {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return sql.length;
}

/** `E'…'` strings take backslash escapes. */
function isEscapeString(sql: string, quote: number): boolean {
  const before = sql[quote - 1];
  return (before === 'E' || before === 'e') && !/[\w$]/.test(sql[quote - 2] ?? '');
}

function quotedEnd(sql: string, i: number, quote: string, backslashEscapes: boolean): number {
  let j = i + 1;
  while (j < sql.length) {
    const c = sql[j]!;
    if (backslashEscapes && c === '\\') j += 2;
    else if (c === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return sql.length;
}

/** End of a `$tag$…$tag$` string starting at `i`, or undefined when `$` does not open one (`$1`, `a$b`). */
function dollarQuoteEnd(sql: string, i: number): number | undefined {
  if (/[\w$]/.test(sql[i - 1] ?? '')) return undefined;
  const open = /^\$([A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 64));
  if (!open) return undefined;
  const close = sql.indexOf(open[0], i + open[0].length);
  return close === -1 ? sql.length : close + open[0].length;
}
