/**
 * The names Postgres generates for objects the user did not name (makeObjectName / ChooseRelationName in
 * src/backend/commands/indexcmds.c): `users_email_key`, `users_pkey`, `orders_id_seq`, `t_a_b_idx1`.
 */
const NAMEDATALEN = 64;

function byteLength(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Cut a string to at most `bytes` UTF-8 bytes without splitting a character. */
function clip(s: string, bytes: number): string {
  let out = '';
  let used = 0;
  for (const ch of s) {
    const w = byteLength(ch);
    if (used + w > bytes) break;
    out += ch;
    used += w;
  }
  return out;
}

/** `name1_name2_label`, shortening the longer of name1/name2 until it fits in 63 bytes. */
export function makeObjectName(name1: string, name2: string | undefined, label: string | undefined): string {
  const overhead = (label ? byteLength(label) + 1 : 0) + (name2 !== undefined ? 1 : 0);
  const available = NAMEDATALEN - 1 - overhead;
  let n1 = byteLength(name1);
  let n2 = name2 !== undefined ? byteLength(name2) : 0;
  while (n1 + n2 > available) {
    if (n1 > n2) n1--;
    else n2--;
  }
  let name = clip(name1, n1);
  if (name2 !== undefined) name += `_${clip(name2, n2)}`;
  if (label) name += `_${label}`;
  return name;
}

/** The first generated name not in use: `label`, then `label1`, `label2`… */
export function chooseName(name1: string, name2: string | undefined, label: string, taken: (name: string) => boolean): string {
  let candidate = makeObjectName(name1, name2, label);
  for (let pass = 1; taken(candidate) && pass < 10_000; pass++) candidate = makeObjectName(name1, name2, `${label}${pass}`);
  return candidate;
}

/** Column part of an index name: the column names joined by `_` (`expr` for expressions), at most 63 bytes. */
export function indexNameAddition(columns: readonly (string | null)[]): string {
  let out = '';
  for (const column of columns) {
    const name = column ?? 'expr';
    if (out !== '') out += '_';
    out += name;
    if (byteLength(out) >= NAMEDATALEN) break;
  }
  return clip(out, NAMEDATALEN - 1);
}

/** A name as Postgres' quote_identifier writes it: bare when lower-case ASCII and not a keyword, else quoted. */
export function quoteIdentifier(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !KEYWORDS.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

// Keywords that quote_identifier quotes and that could plausibly name a table or sequence.
const KEYWORDS = new Set(['all', 'and', 'any', 'array', 'as', 'case', 'check', 'column', 'constraint', 'default', 'do', 'end', 'for', 'from', 'group', 'order', 'select', 'table', 'to', 'user', 'when', 'where', 'with']);

/** `nextval('seq'::regclass)` as Postgres prints a serial default (the schema shown when not public). */
export function nextvalText(schema: string, sequence: string): string {
  const name = schema === 'public' ? quoteIdentifier(sequence) : `${quoteIdentifier(schema)}.${quoteIdentifier(sequence)}`;
  return `nextval('${name.replace(/'/g, "''")}'::regclass)`;
}
