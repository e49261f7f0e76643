/**
 * SQL assembled from JavaScript string pieces (string literals, template chunks, spliced fragments), with
 * the file offset of every character, so a location Postgres reports inside the SQL maps back to the exact
 * line and column in the source file. Template holes become placeholders: `$n` where a value goes, an
 * identifier where a name goes (`FROM ${table}`).
 */

/** Identifier placeholders start with this; references to them are dropped. */
export const HOLE_PREFIX = '__rollsafe_hole_';

/** `param`: a bound value (`$1`); `ident`: a name (`FROM ${table}`); `empty`: a fragment that may be nothing (`${whereClause}`). */
export type HoleMode = 'param' | 'ident' | 'empty';

interface LiteralPart {
  type: 'text';
  text: string;
  /** File offset of each character of `text`. */
  offsets: number[];
}

interface HolePart {
  type: 'hole';
  /** File offset of the hole (its `${` or the replaced placeholder). */
  offset: number;
  mode: HoleMode;
}

type Part = LiteralPart | HolePart;

export interface RenderedSql {
  text: string;
  /** File offset of each character of `text`, plus one for the end. */
  offsets: number[];
  /** For each hole, in order: its character range in `text` and its index in the parts. */
  holes: { start: number; end: number; part: number }[];
}

export class SqlText {
  readonly parts: Part[] = [];

  /** Appends the cooked value of a JS literal whose raw text is `fileText[start, end)`. */
  appendLiteral(fileText: string, start: number, end: number, template: boolean): void {
    const { text, offsets } = cook(fileText, start, end, template);
    this.appendChars(text, offsets);
  }

  /** Appends text whose characters all map to one file offset (a spliced identifier, a separator). */
  appendText(text: string, offset: number): void {
    this.appendChars(text, new Array<number>(text.length).fill(offset));
  }

  appendChars(text: string, offsets: number[]): void {
    const last = this.parts[this.parts.length - 1];
    if (last?.type === 'text') {
      last.text += text;
      last.offsets.push(...offsets);
    } else this.parts.push({ type: 'text', text, offsets: [...offsets] });
  }

  appendHole(offset: number, mode: HoleMode): void {
    this.parts.push({ type: 'hole', offset, mode });
  }

  appendSql(other: SqlText): void {
    for (const part of other.parts) {
      if (part.type === 'text') this.appendChars(part.text, part.offsets);
      else this.parts.push({ ...part });
    }
  }

  get holeCount(): number {
    return this.parts.filter((p) => p.type === 'hole').length;
  }

  /** The SQL with placeholders: `$1…` for values, `__rollsafe_hole_n` for names. */
  render(): RenderedSql {
    let text = '';
    const offsets: number[] = [];
    const holes: RenderedSql['holes'] = [];
    let param = 0;
    let ident = 0;
    this.parts.forEach((part, index) => {
      if (part.type === 'text') {
        text += part.text;
        offsets.push(...part.offsets);
        return;
      }
      const placeholder = part.mode === 'param' ? `$${++param}` : part.mode === 'ident' ? `${HOLE_PREFIX}${++ident}` : ' ';
      holes.push({ start: text.length, end: text.length + placeholder.length, part: index });
      text += placeholder;
      for (let i = 0; i < placeholder.length; i++) offsets.push(part.offset);
    });
    const last = this.parts[this.parts.length - 1];
    offsets.push(last === undefined ? 0 : last.type === 'text' ? (last.offsets[last.offsets.length - 1] ?? 0) + 1 : last.offset);
    return { text, offsets, holes };
  }

  /** Switches a hole between value and name placeholders (for a retry after a syntax error). */
  setHoleMode(partIndex: number, mode: HoleMode): void {
    const part = this.parts[partIndex];
    if (part?.type === 'hole') part.mode = mode;
  }

  /** Decides each hole's mode from the SQL before and after it (`FROM ${t}`, `${t}.col` are names). */
  guessHoleModes(): void {
    for (let i = 0; i < this.parts.length; i++) {
      const part = this.parts[i]!;
      if (part.type !== 'hole') continue;
      const before = this.parts[i - 1];
      const after = this.parts[i + 1];
      const prev = before?.type === 'text' ? before.text : '';
      const next = after?.type === 'text' ? after.text : '';
      if (/\b(from|join|into|update|table|only|truncate)\s+$/i.test(prev) || /\.$/.test(prev) || /^\./.test(next)) part.mode = 'ident';
    }
  }

  /**
   * Rewrites client-side placeholders that Postgres does not know into holes: `?` and `??` (knex, Sequelize),
   * `:name` (knex, Sequelize), `{{name}}`, and pg-promise's `${name}`, `$<name>`, `$(name)`, `$/name/`, `$[name]`
   * and `$1:name` / `$1~` (names). Quoted strings and comments are left alone. Returns whether it changed anything.
   */
  rewriteClientPlaceholders(): boolean {
    const out: Part[] = [];
    let changed = false;
    let state: 'code' | 'single' | 'double' | 'line' | 'block' = 'code';
    for (const part of this.parts) {
      if (part.type === 'hole') {
        out.push(part);
        continue;
      }
      const t = part.text;
      let chunkStart = 0;
      const flush = (end: number): void => {
        if (end > chunkStart) out.push({ type: 'text', text: t.slice(chunkStart, end), offsets: part.offsets.slice(chunkStart, end) });
      };
      for (let i = 0; i < t.length; i++) {
        const c = t[i]!;
        if (state === 'single') {
          if (c === "'") state = 'code';
          continue;
        }
        if (state === 'double') {
          if (c === '"') state = 'code';
          continue;
        }
        if (state === 'line') {
          if (c === '\n') state = 'code';
          continue;
        }
        if (state === 'block') {
          if (c === '*' && t[i + 1] === '/') {
            state = 'code';
            i++;
          }
          continue;
        }
        if (c === "'") state = 'single';
        else if (c === '"') state = 'double';
        else if (c === '-' && t[i + 1] === '-') state = 'line';
        else if (c === '/' && t[i + 1] === '*') state = 'block';
        else {
          const match = matchClientPlaceholder(t, i);
          if (!match) continue;
          flush(i);
          out.push({ type: 'hole', offset: part.offsets[i]!, mode: match.mode });
          i += match.length - 1;
          chunkStart = i + 1;
          changed = true;
        }
      }
      flush(t.length);
    }
    if (changed) {
      this.parts.length = 0;
      for (const p of out) {
        if (p.type === 'text') this.appendChars(p.text, p.offsets);
        else this.parts.push(p);
      }
    }
    return changed;
  }
}

function matchClientPlaceholder(t: string, i: number): { length: number; mode: HoleMode } | undefined {
  const c = t[i]!;
  const rest = t.slice(i, i + 80);
  if (c === '{' && t[i + 1] === '{') {
    // `{{name}}`, `{{name::uuid}}`: templating of some query helpers.
    const m = /^\{\{\s*[\w.:]+\s*\}\}/.exec(rest);
    if (m) return { length: m[0].length, mode: 'param' };
  }
  if (c === '?') {
    // `??` is knex's identifier binding; `\?` escapes the jsonb operator.
    if (t[i - 1] === '\\') return undefined;
    if (t[i + 1] === '?') return { length: 2, mode: 'ident' };
    return { length: 1, mode: 'param' };
  }
  if (c === ':' && t[i - 1] !== ':' && t[i + 1] !== ':' && !/\w/.test(t[i - 1] ?? '')) {
    const m = /^:([A-Za-z_]\w*)/.exec(rest);
    if (m) return { length: m[0].length, mode: 'param' };
  }
  if (c === '$') {
    const m = /^\$(?:\{\s*[\w.]+\s*\}|<\s*[\w.]+\s*>|\(\s*[\w.]+\s*\)|\/\s*[\w.]+\s*\/|\[\s*[\w.]+\s*\])(\^|~|:raw|:name|:alias|:value|:csv|:list|:json)?/.exec(rest);
    if (m) return { length: m[0].length, mode: m[1] && /^(~|:name|:alias|:raw|\^)$/.test(m[1]) ? 'ident' : 'param' };
    const n = /^\$\d+(\^|~|:raw|:name|:alias|:value|:csv|:list|:json)/.exec(rest);
    if (n) return { length: n[0].length, mode: /^(~|:name|:alias|:raw|\^)$/.test(n[1]!) ? 'ident' : 'param' };
  }
  return undefined;
}

/**
 * The value of a JS string literal or template chunk, with the file offset of each character: escapes
 * (`\n`, `\'`, `\x41`, `\u{1F600}`, line continuations) and template CRLF normalisation are undone.
 */
export function cook(fileText: string, start: number, end: number, template: boolean): { text: string; offsets: number[] } {
  let text = '';
  const offsets: number[] = [];
  for (let i = start; i < end; i++) {
    const c = fileText[i]!;
    if (c === '\r' && template) {
      text += '\n';
      offsets.push(i);
      if (fileText[i + 1] === '\n') i++;
      continue;
    }
    if (c !== '\\') {
      text += c;
      offsets.push(i);
      continue;
    }
    const at = i;
    const n = fileText[i + 1];
    i++;
    switch (n) {
      case 'n':
        text += '\n';
        break;
      case 't':
        text += '\t';
        break;
      case 'r':
        text += '\r';
        break;
      case 'b':
        text += '\b';
        break;
      case 'f':
        text += '\f';
        break;
      case 'v':
        text += '\v';
        break;
      case '0':
        text += '\0';
        break;
      case '\r':
        if (fileText[i + 1] === '\n') i++;
        continue; // line continuation
      case '\n':
      case '\u2028':
      case '\u2029':
        continue;
      case 'x': {
        const hex = fileText.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(hex)) {
          text += String.fromCharCode(parseInt(hex, 16));
          i += 2;
        } else text += 'x';
        break;
      }
      case 'u': {
        const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(fileText.slice(i + 1, i + 10));
        const plain = /^[0-9a-fA-F]{4}/.exec(fileText.slice(i + 1, i + 5));
        if (braced) {
          const ch = String.fromCodePoint(parseInt(braced[1]!, 16));
          text += ch;
          if (ch.length === 2) offsets.push(at);
          i += braced[0].length;
        } else if (plain) {
          text += String.fromCharCode(parseInt(plain[0], 16));
          i += 4;
        } else text += 'u';
        break;
      }
      case undefined:
        text += '\\';
        break;
      default:
        text += n;
    }
    offsets.push(at);
  }
  return { text, offsets };
}
