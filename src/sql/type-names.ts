/**
 * Type names as Postgres stores and prints them: the parser's TypeName → a TypeRef with the pg_type name,
 * modifiers, array dimensions and the `format_type` text (`character varying(20)`, `timestamp with time zone`).
 */
import type { TypeRef } from './types.js';

/** A TypeName node as libpg-query returns it (only the fields read here). */
export interface TypeNameNode {
  names?: unknown[];
  typmods?: unknown[];
  arrayBounds?: unknown[];
  setof?: boolean;
  pct_type?: boolean;
}

/** pg_catalog type names that an unqualified name resolves to before any user schema. */
const BUILTIN_TYPES = new Set([
  'bool', 'bytea', 'char', 'name', 'int8', 'int2', 'int4', 'regproc', 'text', 'oid', 'tid', 'xid', 'cid', 'json', 'xml',
  'point', 'lseg', 'path', 'box', 'polygon', 'line', 'float4', 'float8', 'circle', 'money', 'macaddr', 'macaddr8', 'inet',
  'cidr', 'bpchar', 'varchar', 'date', 'time', 'timestamp', 'timestamptz', 'interval', 'timetz', 'bit', 'varbit', 'numeric',
  'refcursor', 'regclass', 'regtype', 'regprocedure', 'regoper', 'regoperator', 'regconfig', 'regdictionary', 'regnamespace',
  'regrole', 'regcollation', 'uuid', 'pg_lsn', 'tsvector', 'tsquery', 'gtsvector', 'jsonb', 'jsonpath', 'txid_snapshot',
  'pg_snapshot', 'int4range', 'numrange', 'tsrange', 'tstzrange', 'daterange', 'int8range', 'int4multirange',
  'nummultirange', 'tsmultirange', 'tstzmultirange', 'datemultirange', 'int8multirange', 'record', 'cstring', 'any',
  'anyarray', 'anyelement', 'anyenum', 'anynonarray', 'anyrange', 'void', 'trigger', 'event_trigger', 'int2vector',
  'oidvector', 'aclitem', 'xid8',
]);

/** Names that Postgres accepts as aliases when written unqualified (grammar keywords come pre-resolved by the parser). */
const ALIASES: Record<string, string> = {
  integer: 'int4',
  int: 'int4',
  smallint: 'int2',
  bigint: 'int8',
  boolean: 'bool',
  real: 'float4',
  decimal: 'numeric',
};

const SERIALS: Record<string, { base: string; serial: NonNullable<TypeRef['serial']> }> = {
  serial: { base: 'int4', serial: 'serial' },
  serial4: { base: 'int4', serial: 'serial' },
  bigserial: { base: 'int8', serial: 'bigserial' },
  serial8: { base: 'int8', serial: 'bigserial' },
  smallserial: { base: 'int2', serial: 'smallserial' },
  serial2: { base: 'int2', serial: 'smallserial' },
};

/** format_type names of built-ins whose printed name differs from pg_type.typname. */
const DISPLAY_NAMES: Record<string, string> = {
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  float4: 'real',
  float8: 'double precision',
  bool: 'boolean',
  varchar: 'character varying',
  bpchar: 'character',
  varbit: 'bit varying',
  char: '"char"',
};

function stringsOf(list: unknown[] | undefined): string[] {
  return (list ?? []).map((item) => {
    const s = (item as { String?: { sval?: string } }).String;
    return s?.sval ?? '';
  });
}

/** The integer of an A_Const in a typmod list (libpg-query omits the value 0: `{ ival: {} }`). */
function modifierValue(node: unknown): number | null {
  const c = (node as { A_Const?: { ival?: { ival?: number } } }).A_Const;
  return c?.ival ? (c.ival.ival ?? 0) : null;
}

/** Interval field masks (src/include/utils/datetime.h) → the words intervaltypmodout prints. */
const INTERVAL_FIELDS: Record<number, string> = {
  [1 << 2]: ' year',
  [1 << 1]: ' month',
  [1 << 3]: ' day',
  [1 << 10]: ' hour',
  [1 << 11]: ' minute',
  [1 << 12]: ' second',
  [(1 << 2) | (1 << 1)]: ' year to month',
  [(1 << 3) | (1 << 10)]: ' day to hour',
  [(1 << 3) | (1 << 10) | (1 << 11)]: ' day to minute',
  [(1 << 3) | (1 << 10) | (1 << 11) | (1 << 12)]: ' day to second',
  [(1 << 10) | (1 << 11)]: ' hour to minute',
  [(1 << 10) | (1 << 11) | (1 << 12)]: ' hour to second',
  [(1 << 11) | (1 << 12)]: ' minute to second',
};
const INTERVAL_FULL_RANGE = 0x7fff;

/** format_type quotes a name that is not a plain lower-case identifier or is a keyword (quote_identifier). */
function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

// Reserved and type/column-name keywords most likely to be used as names; quote_ident quotes these.
const RESERVED = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check', 'collate',
  'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time', 'current_timestamp',
  'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for',
  'foreign', 'from', 'grant', 'group', 'having', 'in', 'initially', 'intersect', 'into', 'lateral', 'leading', 'limit',
  'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on', 'only', 'or', 'order', 'placing', 'primary', 'references',
  'returning', 'select', 'session_user', 'some', 'symmetric', 'system_user', 'table', 'then', 'to', 'trailing', 'true',
  'union', 'unique', 'user', 'using', 'variadic', 'when', 'where', 'window', 'with', 'between', 'bigint', 'bit', 'boolean',
  'char', 'character', 'coalesce', 'dec', 'decimal', 'exists', 'extract', 'float', 'greatest', 'inout', 'int', 'integer',
  'interval', 'least', 'national', 'nchar', 'none', 'numeric', 'out', 'overlay', 'position', 'precision', 'real', 'row',
  'setof', 'smallint', 'substring', 'time', 'timestamp', 'treat', 'trim', 'values', 'varchar', 'xmlelement', 'authorization',
  'binary', 'collation', 'concurrently', 'cross', 'freeze', 'full', 'ilike', 'inner', 'is', 'isnull', 'join', 'left', 'like',
  'natural', 'notnull', 'outer', 'overlaps', 'right', 'similar', 'tablesample', 'verbose',
]);

/** The format_type text of a built-in type with its modifiers (array suffix not included). */
function builtinDisplay(name: string, modifiers: number[]): string {
  const [a, b] = modifiers;
  switch (name) {
    case 'varchar':
    case 'bpchar':
    case 'bit':
    case 'varbit':
      if (name === 'bpchar' && a === undefined) return 'bpchar';
      return a === undefined ? DISPLAY_NAMES[name] ?? name : `${DISPLAY_NAMES[name] ?? name}(${a})`;
    case 'numeric':
      if (a === undefined) return 'numeric';
      return `numeric(${a},${b ?? 0})`;
    case 'timestamp':
    case 'timestamptz':
    case 'time':
    case 'timetz': {
      const base = name.startsWith('timestamp') ? 'timestamp' : 'time';
      const zone = name.endsWith('tz') ? ' with time zone' : ' without time zone';
      return `${base}${a === undefined ? '' : `(${a})`}${zone}`;
    }
    case 'interval': {
      if (modifiers.length === 0) return 'interval';
      const fields = a === undefined || a === INTERVAL_FULL_RANGE ? '' : INTERVAL_FIELDS[a] ?? '';
      return `interval${fields}${b === undefined ? '' : `(${b})`}`;
    }
    default:
      return (DISPLAY_NAMES[name] ?? name) + (modifiers.length ? `(${modifiers.join(',')})` : '');
  }
}

/**
 * A TypeName node → TypeRef. `resolveSchema` gives the schema an unqualified user type resolves to
 * (the first schema of the search_path); `displaySchemaVisible` says whether format_type would omit it.
 */
export function typeRefOf(
  typeName: TypeNameNode,
  resolveSchema: (name: string) => string,
  visibleSchema: (schema: string) => boolean = (s) => s === 'public',
): TypeRef {
  const names = stringsOf(typeName.names);
  const arrayDims = typeName.arrayBounds?.length ?? 0;
  const modifiers0 = (typeName.typmods ?? []).map(modifierValue).filter((m): m is number => m !== null);
  let schema: string | undefined;
  let name = names[names.length - 1] ?? 'unknown';
  const qualifier = names.length > 1 ? names[names.length - 2] : undefined;
  let serial: TypeRef['serial'];
  if (qualifier === undefined && SERIALS[name] && arrayDims === 0) {
    serial = SERIALS[name].serial;
    name = SERIALS[name].base;
  } else if (qualifier === undefined || qualifier === 'pg_catalog') {
    name = ALIASES[name] && qualifier === undefined ? ALIASES[name] : name;
    if (!BUILTIN_TYPES.has(name)) schema = qualifier ?? resolveSchema(name);
  } else {
    schema = qualifier;
  }
  const modifiers = name === 'interval' && modifiers0.length === 1 && modifiers0[0] === INTERVAL_FULL_RANGE ? [] : modifiers0;
  let display: string;
  if (schema === undefined) display = builtinDisplay(name, modifiers);
  else {
    const base = visibleSchema(schema) ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
    display = base + (modifiers.length ? `(${modifiers.join(',')})` : '');
  }
  if (arrayDims > 0) display += '[]';
  const ref: TypeRef = { name, modifiers, arrayDims, display };
  if (schema !== undefined) ref.schema = schema;
  if (serial) ref.serial = serial;
  return ref;
}

/** Whether two types are the same Postgres type (ignoring how they were spelled). */
export function sameType(a: TypeRef, b: TypeRef): boolean {
  return a.name === b.name && (a.schema ?? '') === (b.schema ?? '') && a.arrayDims > 0 === b.arrayDims > 0 && a.modifiers.join(',') === b.modifiers.join(',');
}

/** The same user type under a new schema or name, with format_type's text updated. */
export function renameUserType(ref: TypeRef, schema: string, name: string): TypeRef {
  const base = schema === 'public' ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
  const display = base + (ref.modifiers.length ? `(${ref.modifiers.join(',')})` : '') + (ref.arrayDims > 0 ? '[]' : '');
  return { ...ref, schema, name, display };
}
