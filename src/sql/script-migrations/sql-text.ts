/**
 * SQL assembled from pieces of a TS/JS file (string literals, template parts, constants, placeholders for
 * holes), remembering for every character the file offset it came from, so that statements and Changes
 * parsed from it point back into the .ts/.js file.
 */
import { ts } from 'ts-morph';

export class SqlText {
  private readonly chunks: string[] = [];
  private readonly offsets: number[] = [];
  private endOffset = 0;

  get text(): string {
    return this.chunks.join('');
  }

  get length(): number {
    return this.offsets.length;
  }

  /** Text whose characters map one to one onto the file from `fileOffset` on. */
  appendExact(text: string, fileOffset: number): this {
    this.chunks.push(text);
    for (let i = 0; i < text.length; i++) this.offsets.push(fileOffset + i);
    this.endOffset = fileOffset + text.length;
    return this;
  }

  /** Text that stands for the file range [start, end) as a whole (a resolved constant, a placeholder). */
  appendAt(text: string, start: number, end: number): this {
    this.chunks.push(text);
    for (let i = 0; i < text.length; i++) this.offsets.push(start);
    this.endOffset = end;
    return this;
  }

  /** Text with one file offset per character. */
  appendMapped(text: string, offsets: readonly number[], end: number): this {
    this.chunks.push(text);
    this.offsets.push(...offsets);
    this.endOffset = end;
    return this;
  }

  append(other: SqlText): this {
    this.chunks.push(other.text);
    this.offsets.push(...other.offsets);
    this.endOffset = other.endOffset;
    return this;
  }

  /** The SQL between two offsets, keeping its mapping. */
  slice(start: number, end: number): SqlText {
    const out = new SqlText();
    const text = this.text.slice(start, end);
    return out.appendMapped(text, this.offsets.slice(start, end), this.fileEnd(end));
  }

  /** File offset of a SQL offset; the end of the SQL maps to the end of the last piece. */
  fileOffset(sqlOffset: number): number {
    if (sqlOffset >= this.offsets.length) return this.endOffset;
    return this.offsets[Math.max(0, sqlOffset)]!;
  }

  /** File offset just after the SQL character before `sqlEnd` (for exclusive range ends). */
  fileEnd(sqlEnd: number): number {
    if (sqlEnd >= this.offsets.length) return this.endOffset;
    if (sqlEnd <= 0) return this.fileOffset(0);
    return this.offsets[sqlEnd - 1]! + 1;
  }
}

/**
 * The cooked text of a string literal or template part, with the file offset of each character: escape
 * sequences map to their backslash. `rawStart` is the file offset of the first character after the quote.
 */
export function literalText(node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateLiteralLikeNode, sourceText: string, rawStart: number, rawEnd: number): SqlText {
  const cooked = node.text;
  const raw = sourceText.slice(rawStart, rawEnd);
  const out = new SqlText();
  if (raw === cooked) return out.appendExact(cooked, rawStart);
  const decoded = decodeEscapes(raw, rawStart);
  if (decoded && decoded.text === cooked) return out.appendMapped(decoded.text, decoded.offsets, rawEnd);
  return out.appendAt(cooked, rawStart, rawEnd);
}

/** JavaScript escape sequences of a literal's raw text; undefined for a sequence this does not know. */
function decodeEscapes(raw: string, base: number): { text: string; offsets: number[] } | undefined {
  let text = '';
  const offsets: number[] = [];
  const push = (s: string, at: number): void => {
    text += s;
    for (let k = 0; k < s.length; k++) offsets.push(base + at);
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\r' && raw[i + 1] === '\n') {
      // Template literals cook CRLF to LF.
      push('\n', i);
      i++;
      continue;
    }
    if (c !== '\\') {
      push(c, i);
      continue;
    }
    const n = raw[i + 1];
    if (n === undefined) return undefined;
    const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', '0': '\0' };
    if (n in simple && !(n === '0' && /[0-9]/.test(raw[i + 2] ?? ''))) {
      push(simple[n]!, i);
      i++;
    } else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 2, i + 4))) {
      push(String.fromCharCode(parseInt(raw.slice(i + 2, i + 4), 16)), i);
      i += 3;
    } else if (n === 'u' && raw[i + 2] === '{') {
      const close = raw.indexOf('}', i + 3);
      if (close < 0) return undefined;
      push(String.fromCodePoint(parseInt(raw.slice(i + 3, close), 16)), i);
      i = close;
    } else if (n === 'u' && /^[0-9a-fA-F]{4}$/.test(raw.slice(i + 2, i + 6))) {
      push(String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16)), i);
      i += 5;
    } else if (n === '\n') {
      i++;
    } else if (n === '\r') {
      i += raw[i + 2] === '\n' ? 2 : 1;
    } else if (/[1-9]/.test(n)) {
      return undefined;
    } else {
      push(n, i);
      i++;
    }
  }
  return { text, offsets };
}

/** File offsets of the raw text of a literal node (inside its quotes or backticks / `}` … `${`). */
export function rawRange(node: ts.StringLiteral | ts.NoSubstitutionTemplateLiteral | ts.TemplateLiteralLikeNode, file: ts.SourceFile): { start: number; end: number } {
  const start = node.getStart(file);
  const end = node.getEnd();
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return { start: start + 1, end: end - 1 };
  // TemplateHead `…${, TemplateMiddle }…${, TemplateTail }…`
  const open = 1;
  const close = node.kind === ts.SyntaxKind.TemplateTail ? 1 : 2;
  return { start: start + open, end: end - close };
}
