/**
 * Volatility of an expression (a column default, a generated column): the worst of the functions it calls.
 * A volatile default forces a table rewrite when a column is added, so unknown functions count as volatile.
 */
import type { Volatility } from './types.js';

/**
 * pg_proc.provolatile of common built-in and extension functions (Postgres 18; uuid-ossp and pgcrypto for
 * theirs), taking the worst over a name's overloads. test/schema/pglite.test.ts checks this table against pg_proc.
 */
export const FUNCTION_VOLATILITY: Readonly<Record<string, Volatility>> = {
  // volatile
  clock_timestamp: 'volatile',
  timeofday: 'volatile',
  random: 'volatile',
  random_normal: 'volatile',
  gen_random_uuid: 'volatile',
  uuidv4: 'volatile',
  uuidv7: 'volatile',
  uuid_generate_v1: 'volatile',
  uuid_generate_v1mc: 'volatile',
  uuid_generate_v4: 'volatile',
  gen_random_bytes: 'volatile',
  gen_salt: 'volatile',
  nextval: 'volatile',
  currval: 'volatile',
  setval: 'volatile',
  lastval: 'volatile',
  // stable
  now: 'stable',
  statement_timestamp: 'stable',
  transaction_timestamp: 'stable',
  age: 'stable',
  array_to_string: 'stable',
  concat: 'stable',
  concat_ws: 'stable',
  current_database: 'stable',
  current_schema: 'stable',
  current_setting: 'stable',
  date_part: 'stable',
  date_trunc: 'stable',
  extract: 'stable',
  format: 'stable',
  inet_client_addr: 'stable',
  json_build_object: 'stable',
  jsonb_build_array: 'stable',
  jsonb_build_object: 'stable',
  length: 'stable',
  make_timestamptz: 'stable',
  numeric: 'stable',
  pg_backend_pid: 'stable',
  pg_current_xact_id: 'stable',
  timezone: 'stable',
  to_char: 'stable',
  to_date: 'stable',
  to_json: 'stable',
  to_jsonb: 'stable',
  to_timestamp: 'stable',
  txid_current: 'stable',
  version: 'stable',
  // immutable
  abs: 'immutable',
  array_length: 'immutable',
  btrim: 'immutable',
  ceil: 'immutable',
  ceiling: 'immutable',
  char_length: 'immutable',
  crypt: 'immutable',
  date_bin: 'immutable',
  decode: 'immutable',
  digest: 'immutable',
  encode: 'immutable',
  floor: 'immutable',
  int4: 'immutable',
  int8: 'immutable',
  jsonb_set: 'immutable',
  left: 'immutable',
  lower: 'immutable',
  ltrim: 'immutable',
  make_date: 'immutable',
  make_interval: 'immutable',
  make_timestamp: 'immutable',
  md5: 'immutable',
  octet_length: 'immutable',
  regexp_replace: 'immutable',
  replace: 'immutable',
  right: 'immutable',
  round: 'immutable',
  rtrim: 'immutable',
  sha256: 'immutable',
  split_part: 'immutable',
  string_to_array: 'immutable',
  substr: 'immutable',
  substring: 'immutable',
  text: 'immutable',
  trunc: 'immutable',
  upper: 'immutable',
  uuid_nil: 'immutable',
};

const RANK: Record<Volatility, number> = { immutable: 0, stable: 1, volatile: 2 };

function worst(a: Volatility, b: Volatility): Volatility {
  return RANK[a] >= RANK[b] ? a : b;
}

/** Volatility of one built-in function by name (schema ignored); unknown names are volatile. */
export function functionVolatility(name: string): Volatility {
  return FUNCTION_VOLATILITY[name] ?? 'volatile';
}

/**
 * Walk a raw expression node. Operators, casts, CASE, COALESCE, NULLIF, GREATEST/LEAST, constants and column
 * references are immutable in themselves (a few operators on timestamptz are stable: accepted imprecision);
 * CURRENT_TIMESTAMP and friends (SQLValueFunction) are stable; subqueries count as volatile.
 */
export function expressionVolatility(node: unknown): Volatility {
  if (node === null || typeof node !== 'object') return 'immutable';
  if (Array.isArray(node)) return node.reduce<Volatility>((acc, item) => worst(acc, expressionVolatility(item)), 'immutable');
  let result: Volatility = 'immutable';
  for (const [key, value] of Object.entries(node)) {
    if (key === 'FuncCall') {
      const call = value as { funcname?: { String?: { sval?: string } }[]; args?: unknown[]; agg_filter?: unknown; over?: unknown };
      const name = call.funcname?.[call.funcname.length - 1]?.String?.sval ?? '';
      result = worst(result, functionVolatility(name));
      result = worst(result, expressionVolatility(call.args));
    } else if (key === 'SQLValueFunction') result = worst(result, 'stable');
    else if (key === 'SubLink') result = 'volatile';
    else if (key === 'TypeCast') result = worst(result, expressionVolatility((value as { arg?: unknown }).arg));
    else if (key !== 'typeName' && typeof value === 'object') result = worst(result, expressionVolatility(value));
    if (result === 'volatile') return result;
  }
  return result;
}
