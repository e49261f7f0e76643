/**
 * The schema's persistent maps behave like native Maps (same entries, same insertion order, same size) under
 * random sets and deletes, and every earlier version stays as it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { changedValues, PersistentMap, PersistentSet } from '../../src/schema/persistent-map.js';
import { property } from './support/runs.js';

// Few distinct keys, so sets overwrite and deletes hit. The `c…` pairs have equal 32-bit hashes (found by search).
const key = fc.oneof(
  fc.constantFrom('a', 'b', 'public.users', 'public.orders', '', 'c2ya8', 'czki6', 'c2ya9', 'czki7', 'c2ya6', 'czki8'),
  fc.integer({ min: 0, max: 3000 }).map((n) => `k${n}`),
);
const op = fc.oneof(
  fc.tuple(fc.constant('set' as const), key, fc.integer()),
  fc.tuple(fc.constant('delete' as const), key, fc.constant(0)),
);

describe('PersistentMap', () => {
  it('matches a native Map after every operation, and old versions never change', () => {
    property(
      fc.array(op, { maxLength: 400 }),
      (ops) => {
        let map = PersistentMap.empty<number>();
        const native = new Map<string, number>();
        const versions: { map: PersistentMap<number>; entries: [string, number][] }[] = [];
        for (const [kind, k, v] of ops) {
          if (kind === 'set') {
            map = map.set(k, v);
            native.set(k, v);
          } else {
            map = map.delete(k);
            native.delete(k);
          }
          expect(map.size).toBe(native.size);
          expect(map.get(k)).toBe(native.get(k));
          expect(map.has(k)).toBe(native.has(k));
          versions.push({ map, entries: [...native] });
        }
        expect([...map]).toEqual([...native]);
        expect([...map.keys()]).toEqual([...native.keys()]);
        for (const { map: old, entries } of versions) expect([...old.entries()]).toEqual(entries);
      },
      { seed: 11, sample: 60, full: 3000 },
    );
  });

  it('changedSince gives exactly the values added or replaced since an earlier version, in insertion order', () => {
    property(
      fc.tuple(fc.array(op, { maxLength: 300 }), fc.array(op, { maxLength: 60 })),
      ([first, then]) => {
        const run = (start: PersistentMap<number>, ops: typeof first): PersistentMap<number> => {
          let map = start;
          for (const [kind, k, v] of ops) map = kind === 'set' ? map.set(k, v) : map.delete(k);
          return map;
        };
        const older = run(PersistentMap.empty<number>(), first);
        const newer = run(older, then);
        const expected = [...newer].filter(([k, v]) => !older.has(k) || older.get(k) !== v).map(([, v]) => v);
        expect(newer.changedSince(older)).toEqual(expected);
        expect(changedValues(newer, new Map(older))).toEqual(expected);
        expect(newer.changedSince(newer)).toEqual([]);
      },
      { seed: 12, sample: 60, full: 3000 },
    );
    // A map that grew deeper than the version it is compared with (more than 32, then 1024 slots).
    let small = PersistentMap.empty<number>();
    for (let i = 0; i < 20; i++) small = small.set(`t${i}`, i);
    let big = small;
    for (let i = 20; i < 2000; i++) big = big.set(`t${i}`, i);
    expect(big.changedSince(small)).toEqual(Array.from({ length: 1980 }, (_, i) => i + 20));
    expect(small.changedSince(big)).toEqual([]);
  });

  it('holds many keys (colliding hash prefixes, deeper vectors) and compacts after mass deletes', () => {
    let map = PersistentMap.empty<number>();
    for (let i = 0; i < 40_000; i++) map = map.set(`t${i}`, i);
    const full = map;
    for (let i = 0; i < 39_990; i++) map = map.delete(`t${i}`);
    map = map.set('again', -1);
    expect(map.size).toBe(11);
    expect([...map.keys()]).toEqual([...Array.from({ length: 10 }, (_, i) => `t${39_990 + i}`), 'again']);
    expect(full.size).toBe(40_000);
    expect(full.get('t12345')).toBe(12_345);
    expect(PersistentMap.from(new Map([['x', 1]])).get('x')).toBe(1);
    expect(PersistentMap.from(full)).toBe(full);
  });

  it('keeps keys with equal hashes apart', () => {
    const map = PersistentMap.empty<number>().set('c2ya8', 1).set('czki6', 2).set('c2ya9', 3);
    expect([map.get('c2ya8'), map.get('czki6'), map.get('c2ya9')]).toEqual([1, 2, 3]);
    const less = map.delete('c2ya8');
    expect([less.get('c2ya8'), less.get('czki6'), less.size]).toEqual([undefined, 2, 2]);
    expect(less.delete('czki6').delete('c2ya9').size).toBe(0);
  });
});

describe('PersistentSet', () => {
  it('matches a native Set', () => {
    property(
      fc.array(fc.tuple(fc.boolean(), key), { maxLength: 200 }),
      (ops) => {
        let set = PersistentSet.from(new Set(['public']));
        const native = new Set(['public']);
        for (const [add, k] of ops) {
          set = add ? set.add(k) : set.delete(k);
          if (add) native.add(k);
          else native.delete(k);
        }
        expect([...set]).toEqual([...native]);
        expect(set.size).toBe(native.size);
        for (const k of native) expect(set.has(k)).toBe(true);
      },
      { seed: 12, sample: 60, full: 2000 },
    );
  });
});
