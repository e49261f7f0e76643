/**
 * Blanking: the parts of a migration file its tool does not run become spaces, line breaks kept, so that
 * every offset, line and column of the blanked SQL is the same as in the file.
 */

/** `text` with every character outside the `[start, end)` ranges turned into a space (line breaks kept). */
export function keepOnly(text: string, ranges: ReadonlyArray<readonly [number, number]>): string {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  let out = '';
  let at = 0;
  for (const [start, end] of sorted) {
    if (start > at) out += blank(text.slice(at, start));
    const from = Math.max(start, at);
    if (end > from) out += text.slice(from, end);
    at = Math.max(at, end);
  }
  if (at < text.length) out += blank(text.slice(at));
  return out;
}

/** A leading byte-order mark blanked: Postgres would take it for part of the first keyword. */
export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
}

function blank(part: string): string {
  return part.replace(/[^\r\n]/g, ' ');
}
