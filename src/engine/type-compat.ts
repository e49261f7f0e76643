/**
 * Would code written for a column of type A keep working when the column becomes type B? Judged from the
 * client's side: what it reads back (a JS number vs a string) and what it may write.
 */
import type { TypeRef } from '../sql/types.js';

export type TypeChangeImpact =
  /** Same type: nothing changes for the client. */
  | { impact: 'same' }
  /** Every old value fits and the client reads the same kind of value (varchar(20) → text, int → bigint). */
  | { impact: 'widening'; note?: string }
  /** The client reads another kind of value or writes may fail (int → text, text → jsonb, narrowing). */
  | { impact: 'incompatible'; reason: string };

const INTEGER_WIDTH: Record<string, number> = { int2: 2, int4: 4, int8: 8 };
const FLOAT_WIDTH: Record<string, number> = { float4: 4, float8: 8 };
const STRINGS = new Set(['varchar', 'text', 'bpchar', 'citext']);

function sameRef(a: TypeRef, b: TypeRef): boolean {
  return a.name === b.name && (a.schema ?? '') === (b.schema ?? '') && a.arrayDims === b.arrayDims && a.modifiers.join(',') === b.modifiers.join(',');
}

export function classifyTypeChange(from: TypeRef, to: TypeRef): TypeChangeImpact {
  if (sameRef(from, to)) return { impact: 'same' };
  if (from.arrayDims !== to.arrayDims) return { impact: 'incompatible', reason: `${from.display} and ${to.display} differ in array dimensions` };
  const a = from.name;
  const b = to.name;
  if (a in INTEGER_WIDTH && b in INTEGER_WIDTH) {
    if (INTEGER_WIDTH[b]! < INTEGER_WIDTH[a]!) return { impact: 'incompatible', reason: `${to.display} is narrower than ${from.display}: larger values are rejected` };
    return b === 'int8'
      ? { impact: 'widening', note: 'node-postgres returns bigint as a string unless a type parser is set' }
      : { impact: 'widening' };
  }
  if (a in FLOAT_WIDTH && b in FLOAT_WIDTH) {
    return FLOAT_WIDTH[b]! >= FLOAT_WIDTH[a]! ? { impact: 'widening' } : { impact: 'incompatible', reason: `${to.display} loses precision` };
  }
  if (a in INTEGER_WIDTH && b in FLOAT_WIDTH) return { impact: 'widening' };
  if (STRINGS.has(a) && STRINGS.has(b)) {
    const fromLen = a === 'text' || a === 'citext' ? Infinity : (from.modifiers[0] ?? Infinity);
    const toLen = b === 'text' || b === 'citext' ? Infinity : (to.modifiers[0] ?? Infinity);
    if (toLen < fromLen) return { impact: 'incompatible', reason: `${to.display} is shorter than ${from.display}: longer values are rejected` };
    if (a === 'bpchar' && b !== 'bpchar') return { impact: 'widening', note: 'trailing spaces of char(n) values are dropped' };
    return { impact: 'widening' };
  }
  if (a === 'numeric' && b === 'numeric') {
    const [p1, s1] = [from.modifiers[0] ?? Infinity, from.modifiers[1] ?? 0];
    const [p2, s2] = [to.modifiers[0] ?? Infinity, to.modifiers[1] ?? (to.modifiers.length ? 0 : Infinity)];
    if (p2 - Math.min(s2, p2) >= p1 - s1 && s2 >= s1) return { impact: 'widening' };
    return { impact: 'incompatible', reason: `${to.display} cannot hold every ${from.display} value` };
  }
  if (a === 'json' && b === 'jsonb') return { impact: 'widening', note: 'jsonb drops duplicate keys and key order' };
  if (a === 'timestamp' && b === 'timestamptz') {
    return { impact: 'incompatible', reason: 'existing values are reinterpreted in the session time zone and the client reads instants instead of local times' };
  }
  if (a === 'timestamptz' && b === 'timestamp') return { impact: 'incompatible', reason: 'the time zone is dropped: the client reads local times instead of instants' };
  if ((a === 'varchar' || a === 'text') && b === 'uuid') return { impact: 'incompatible', reason: 'writes of strings that are not UUIDs are rejected' };
  return { impact: 'incompatible', reason: `the client reads and writes ${to.display} values instead of ${from.display}` };
}
