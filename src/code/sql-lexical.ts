/**
 * References in SQL that Postgres cannot parse (a fragment, a dialect quirk, a placeholder we could not
 * place), found with Postgres' own scanner: tables after FROM / JOIN / INTO / UPDATE, `alias.column`, INSERT
 * column lists and `SET col =`. Everything found here is `likely`, never `certain`.
 */
import { scanSql, type Token } from '../sql/parser.js';
import type { QueryRef } from '../sql/query-refs.js';

const TABLE_KEYWORDS = new Set(['FROM', 'JOIN', 'INTO', 'UPDATE', 'TABLE']);
const CLAUSE_END = new Set(['WHERE', 'SET', 'ON', 'USING', 'GROUP', 'ORDER', 'LIMIT', 'OFFSET', 'RETURNING', 'VALUES', 'SELECT', 'HAVING', 'WINDOW', 'UNION', 'EXCEPT', 'INTERSECT', 'JOIN', 'LEFT', 'RIGHT', 'INNER', 'FULL', 'CROSS', 'NATURAL', 'LATERAL', 'DEFAULT', 'FOR']);

interface LexTable {
  schema?: string;
  table: string;
  alias?: string;
  location: number;
}

function isName(t: Token | undefined): boolean {
  // Unreserved keywords (`name`, `status`, `type`) are valid column names; the scanner gives them a keyword too.
  return t !== undefined && (t.tokenName === 'IDENT' || (t.keyword !== '' && !CLAUSE_END.has(t.keyword) && !TABLE_KEYWORDS.has(t.keyword) && /^[A-Za-z_]\w*$/.test(t.text)));
}

function ident(t: Token): string {
  return t.text.startsWith('"') ? t.text.slice(1, -1).replace(/""/g, '"') : t.text.toLowerCase();
}

/** Refs with byte locations into `text` (like libpg-query's), or [] when the text cannot be scanned. */
export function lexicalRefs(text: string): QueryRef[] {
  let tokens: Token[];
  try {
    tokens = scanSql(text).filter((t) => t.tokenName !== 'SQL_COMMENT' && t.tokenName !== 'C_COMMENT');
  } catch {
    return [];
  }
  const refs: QueryRef[] = [];
  const tables: LexTable[] = [];
  const add = (t: LexTable, kind: QueryRef['kind'], location: number, column?: string, extra: Partial<QueryRef> = {}): void => {
    refs.push({
      table: t.table,
      ...(t.schema !== undefined ? { schema: t.schema } : {}),
      ...(column !== undefined ? { column } : {}),
      kind,
      implicit: false,
      ambiguous: false,
      confidence: 'likely',
      location,
      ...extra,
    });
  };
  const used = new Set<number>();
  let statementKind: 'select' | 'insert' | 'update' | 'delete' = 'select';
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.keyword === 'INSERT') statementKind = 'insert';
    else if (t.keyword === 'UPDATE' && i === 0) statementKind = 'update';
    else if (t.keyword === 'DELETE') statementKind = 'delete';
    if (!TABLE_KEYWORDS.has(t.keyword)) continue;
    let j = i + 1;
    if (tokens[j]?.keyword === 'ONLY') j++;
    for (;;) {
      const first = tokens[j];
      if (!isName(first)) break;
      let schema: string | undefined;
      let nameToken = first!;
      used.add(j);
      if (tokens[j + 1]?.text === '.' && isName(tokens[j + 2])) {
        schema = ident(first!);
        nameToken = tokens[j + 2]!;
        used.add(j + 2);
        j += 2;
      }
      const entry: LexTable = { table: ident(nameToken), ...(schema !== undefined ? { schema } : {}), location: first!.start };
      j++;
      if (tokens[j]?.keyword === 'AS') j++;
      if (isName(tokens[j]) && tokens[j + 1]?.text !== '(') {
        entry.alias = ident(tokens[j]!);
        used.add(j);
        j++;
      }
      tables.push(entry);
      const kind = t.keyword === 'INTO' && statementKind === 'insert' ? 'insert' : t.keyword === 'UPDATE' ? 'write' : t.keyword === 'FROM' && statementKind === 'delete' && tables.length === 1 ? 'delete' : 'read';
      if (kind === 'insert' && tokens[j]?.text === '(') {
        const columns: { name: string; location: number }[] = [];
        let k = j + 1;
        for (; k < tokens.length && tokens[k]!.text !== ')'; k++) {
          if (isName(tokens[k])) {
            columns.push({ name: ident(tokens[k]!), location: tokens[k]!.start });
            used.add(k);
          }
        }
        add(entry, 'insert', entry.location, undefined, { insertColumns: columns.map((c) => c.name) });
        for (const c of columns) add(entry, 'write', c.location, c.name);
        j = k;
      } else add(entry, kind, entry.location);
      // `FROM a, b`
      if (tokens[j]?.text === ',' && t.keyword === 'FROM') {
        j++;
        continue;
      }
      break;
    }
    i = Math.max(i, j - 1);
  }
  if (tables.length === 0) return refs;
  const byName = new Map<string, LexTable>();
  for (const t of tables) {
    byName.set(t.alias ?? t.table, t);
    if (!t.alias) byName.set(t.table, t);
  }
  const only = tables.length === 1 || new Set(tables.map((t) => `${t.schema ?? ''}.${t.table}`)).size === 1 ? tables[0] : undefined;
  const updateTarget = statementKind === 'update' ? tables[0] : undefined;
  for (let i = 0; i < tokens.length; i++) {
    if (used.has(i)) continue;
    const t = tokens[i]!;
    if (!isName(t)) continue;
    const prev = tokens[i - 1];
    const next = tokens[i + 1];
    if (next?.text === '.' && isName(tokens[i + 2])) {
      const owner = byName.get(ident(t));
      if (owner) add(owner, 'read', t.start, ident(tokens[i + 2]!));
      used.add(i + 2);
      i += 2;
      continue;
    }
    if (prev?.text === '.' || prev?.text === '::' || prev?.keyword === 'AS' || next?.text === '(' || t.tokenName !== 'IDENT') continue;
    const name = ident(t);
    if (byName.has(name)) continue;
    // `UPDATE t SET a = …, b = …`
    if (updateTarget && (prev?.keyword === 'SET' || prev?.text === ',') && next?.text === '=') {
      add(updateTarget, 'write', t.start, name);
      continue;
    }
    if (only) add(only, 'read', t.start, name);
  }
  return refs;
}
