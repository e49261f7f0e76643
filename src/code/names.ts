/**
 * Table and column names as builder strings write them (`'public.users as u'`, `'u.email as mail'`), and the
 * placeholders of imported constants. No TypeScript here: link uses these, and a scan answered from the cache
 * never loads the compiler.
 */

export interface TableSource {
  table: string;
  schema?: string;
  alias?: string;
}

const IDENTIFIER = /^[A-Za-z_][\w$]*$/;

/** `'users'`, `'users as u'`, `'public.users u'` → table, schema, alias. */
export function parseTable(spec: string): TableSource | undefined {
  const m = /^\s*([A-Za-z_][\w$]*(?:\.[A-Za-z_][\w$]*)?)(?:\s+(?:as\s+)?([A-Za-z_][\w$]*))?\s*$/i.exec(spec);
  if (!m) return undefined;
  const [qualified, alias] = [m[1]!, m[2]];
  const dot = qualified.indexOf('.');
  const table = dot < 0 ? qualified : qualified.slice(dot + 1);
  return { table, ...(dot < 0 ? {} : { schema: qualified.slice(0, dot) }), ...(alias !== undefined ? { alias } : {}) };
}

/** `'u.email as mail'` → qualifier u, column email; `'*'`/`'u.*'` → star; anything else (functions, SQL) → undefined. */
export function parseColumn(text: string): { schema?: string; qualifier?: string; column: string } | undefined {
  const m = /^\s*([^\s]+?)(?:\s+as\s+[A-Za-z_][\w$]*)?\s*$/i.exec(text);
  if (!m) return undefined;
  const parts = m[1]!.split('.');
  if (parts.length > 3 || !parts.every((p, i) => IDENTIFIER.test(p) || (p === '*' && i === parts.length - 1))) return undefined;
  const column = parts.at(-1)!;
  if (parts.length === 1) return { column };
  if (parts.length === 2) return { qualifier: parts[0]!, column };
  return { schema: parts[0]!, qualifier: parts[1]!, column };
}


/** What a file exports as constants: strings, arrays of strings, objects of strings (by key). */
export type ExportedConstant = string | string[] | Record<string, string | string[]>;

/** Starts a placeholder for an imported constant; a valid identifier, so table and column parsers keep it whole. */
export const IMPORTED_CONSTANT = '_$rollsafe$';

/** The placeholder of an imported name, or of one key of it (`TABLES.users` → `…TABLES$users`). */
export function importedConstant(local: string, key?: string): string {
  return `${IMPORTED_CONSTANT}${local}${key !== undefined ? `$${key}` : ''}`;
}

/** `{ local, key }` of a placeholder; undefined for any other text. */
export function parseImportedConstant(text: string): { local: string; key?: string } | undefined {
  if (!text.startsWith(IMPORTED_CONSTANT)) return undefined;
  const rest = text.slice(IMPORTED_CONSTANT.length);
  const dollar = rest.indexOf('$');
  return dollar < 0 ? { local: rest } : { local: rest.slice(0, dollar), key: rest.slice(dollar + 1) };
}

