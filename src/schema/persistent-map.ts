/**
 * Immutable maps and sets with string keys for the schema model. Replay keeps the schema before and after
 * every change; copying a native Map per change made a 10,000-statement dump take seconds and gigabytes
 * (quadratic), so a write here copies one path of a trie instead (O(log n)) and shares the rest.
 * Iteration follows insertion order, as a native Map's does.
 */

const BITS = 5;
const WIDTH = 1 << BITS;
const MASK = WIDTH - 1;

/** 32-bit FNV-1a of a string's UTF-16 code units. */
function hash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

// ---- Hash trie: key → slot (position in insertion order) ----

type Trie = Branch | Leaf | Collision;
interface Branch {
  t: 0;
  bitmap: number;
  children: Trie[];
}
interface Leaf {
  t: 1;
  hash: number;
  key: string;
  slot: number;
}
interface Collision {
  t: 2;
  hash: number;
  leaves: Leaf[];
}

function trieGet(node: Trie | undefined, h: number, key: string, shift: number): number | undefined {
  while (node) {
    if (node.t === 1) return node.key === key ? node.slot : undefined;
    if (node.t === 2) return node.hash === h ? node.leaves.find((l) => l.key === key)?.slot : undefined;
    const bit = 1 << ((h >>> shift) & MASK);
    if ((node.bitmap & bit) === 0) return undefined;
    node = node.children[popcount(node.bitmap & (bit - 1))];
    shift += BITS;
  }
  return undefined;
}

function merge(a: Leaf, b: Leaf, shift: number): Trie {
  if (a.hash === b.hash || shift >= 32) return { t: 2, hash: a.hash, leaves: [a, b] };
  const ia = (a.hash >>> shift) & MASK;
  const ib = (b.hash >>> shift) & MASK;
  if (ia === ib) return { t: 0, bitmap: 1 << ia, children: [merge(a, b, shift + BITS)] };
  return { t: 0, bitmap: (1 << ia) | (1 << ib), children: ia < ib ? [a, b] : [b, a] };
}

function trieSet(node: Trie | undefined, leaf: Leaf, shift: number): Trie {
  if (!node) return leaf;
  if (node.t === 1) return node.key === leaf.key ? leaf : merge(node, leaf, shift);
  if (node.t === 2) {
    if (node.hash !== leaf.hash) return splitCollision(node, leaf, shift);
    const leaves = node.leaves.filter((l) => l.key !== leaf.key);
    leaves.push(leaf);
    return { t: 2, hash: node.hash, leaves };
  }
  const bit = 1 << ((leaf.hash >>> shift) & MASK);
  const at = popcount(node.bitmap & (bit - 1));
  const children = node.children.slice();
  if (node.bitmap & bit) children[at] = trieSet(children[at], leaf, shift + BITS);
  else children.splice(at, 0, leaf);
  return { t: 0, bitmap: node.bitmap | bit, children };
}

/** A collision node meets a leaf of another hash: push the collision one level down. */
function splitCollision(node: Collision, leaf: Leaf, shift: number): Trie {
  const ic = (node.hash >>> shift) & MASK;
  const il = (leaf.hash >>> shift) & MASK;
  if (ic === il) return { t: 0, bitmap: 1 << ic, children: [splitCollision(node, leaf, shift + BITS)] };
  return { t: 0, bitmap: (1 << ic) | (1 << il), children: ic < il ? [node, leaf] : [leaf, node] };
}

function trieDelete(node: Trie | undefined, h: number, key: string, shift: number): Trie | undefined {
  if (!node) return undefined;
  if (node.t === 1) return node.key === key ? undefined : node;
  if (node.t === 2) {
    if (node.hash !== h) return node;
    const leaves = node.leaves.filter((l) => l.key !== key);
    return leaves.length === 1 ? leaves[0] : { t: 2, hash: node.hash, leaves };
  }
  const bit = 1 << ((h >>> shift) & MASK);
  if ((node.bitmap & bit) === 0) return node;
  const at = popcount(node.bitmap & (bit - 1));
  const child = trieDelete(node.children[at], h, key, shift + BITS);
  if (child === node.children[at]) return node;
  const children = node.children.slice();
  if (child) children[at] = child;
  else children.splice(at, 1);
  if (children.length === 0) return undefined;
  // A branch left with one leaf collapses into it (a branch child must stay, it holds deeper keys).
  if (children.length === 1 && children[0]!.t !== 0) return children[0];
  return { t: 0, bitmap: child ? node.bitmap : node.bitmap & ~bit, children };
}

// ---- Vector: slot → entry, in insertion order (a deleted entry leaves a hole) ----

type Vec<E> = { leaf: true; items: (E | undefined)[] } | { leaf: false; items: Vec<E>[] };

function vecGet<E>(node: Vec<E>, shift: number, index: number): E | undefined {
  let n: Vec<E> | undefined = node;
  while (n && !n.leaf) {
    n = n.items[(index >>> shift) & MASK];
    shift -= BITS;
  }
  return n?.items[index & MASK];
}

function vecSet<E>(node: Vec<E> | undefined, shift: number, index: number, value: E | undefined): Vec<E> {
  if (shift === 0) {
    const items = node && node.leaf ? node.items.slice() : [];
    items[index & MASK] = value;
    return { leaf: true, items };
  }
  const items = node && !node.leaf ? node.items.slice() : [];
  const at = (index >>> shift) & MASK;
  items[at] = vecSet(items[at], shift - BITS, index, value);
  return { leaf: false, items };
}

function* vecEntries<E>(node: Vec<E>): Generator<E> {
  if (node.leaf) {
    for (const e of node.items) if (e !== undefined) yield e;
  } else for (const child of node.items) if (child) yield* vecEntries(child);
}

interface Entry<V> {
  key: string;
  value: V;
}

/** Entries of `a` that are not the very entry `b` holds in the same slot; subtrees the two share are skipped. */
function* vecChanged<E>(a: Vec<E> | undefined, b: Vec<E> | undefined): Generator<E> {
  if (!a || a === b) return;
  if (a.leaf) {
    const other = b?.leaf ? b.items : undefined;
    for (let i = 0; i < a.items.length; i++) {
      const e = a.items[i];
      if (e !== undefined && e !== other?.[i]) yield e;
    }
  } else {
    const other = b && !b.leaf ? b.items : undefined;
    for (let i = 0; i < a.items.length; i++) yield* vecChanged(a.items[i], other?.[i]);
  }
}

/** `vec` as a tree of depth `to` (a shift): a map that grew wrapped its old root as the first child. */
function deepened<E>(vec: Vec<E>, from: number, to: number): Vec<E> {
  let out = vec;
  for (let shift = from; shift < to; shift += BITS) out = { leaf: false, items: [out] };
  return out;
}

const emptyVec: Vec<never> = { leaf: true, items: [] };

export class PersistentMap<V> implements ReadonlyMap<string, V> {
  private constructor(
    private readonly trie: Trie | undefined,
    private readonly vec: Vec<Entry<V>>,
    /** Depth of `vec` as a shift: 0 for a single leaf. */
    private readonly shift: number,
    /** Slots used so far (entries and holes). */
    private readonly slots: number,
    readonly size: number,
  ) {}

  static empty<V>(): PersistentMap<V> {
    return new PersistentMap<V>(undefined, emptyVec, 0, 0, 0);
  }

  /** The same entries as `map`, in its order; `map` itself when it already is persistent. */
  static from<V>(map: ReadonlyMap<string, V>): PersistentMap<V> {
    if (map instanceof PersistentMap) return map as PersistentMap<V>;
    let out = PersistentMap.empty<V>();
    for (const [k, v] of map) out = out.set(k, v);
    return out;
  }

  get(key: string): V | undefined {
    const slot = trieGet(this.trie, hash(key), key, 0);
    return slot === undefined ? undefined : vecGet(this.vec, this.shift, slot)?.value;
  }

  has(key: string): boolean {
    return trieGet(this.trie, hash(key), key, 0) !== undefined;
  }

  set(key: string, value: V): PersistentMap<V> {
    const h = hash(key);
    const slot = trieGet(this.trie, h, key, 0);
    if (slot !== undefined) {
      if (vecGet(this.vec, this.shift, slot)?.value === value) return this;
      return new PersistentMap(this.trie, vecSet(this.vec, this.shift, slot, { key, value }), this.shift, this.slots, this.size);
    }
    // Compact when holes outnumber entries, so deletes do not make iteration slow forever.
    if (this.slots > 64 && this.slots > 2 * this.size) return PersistentMap.rebuild<V>(this.entryList()).set(key, value);
    let vec: Vec<Entry<V>> = this.vec;
    let shift = this.shift;
    if (this.slots >= WIDTH << shift) {
      vec = { leaf: false, items: [vec] };
      shift += BITS;
    }
    const trie = trieSet(this.trie, { t: 1, hash: h, key, slot: this.slots }, 0);
    return new PersistentMap(trie, vecSet(vec, shift, this.slots, { key, value }), shift, this.slots + 1, this.size + 1);
  }

  delete(key: string): PersistentMap<V> {
    const h = hash(key);
    const slot = trieGet(this.trie, h, key, 0);
    if (slot === undefined) return this;
    return new PersistentMap(trieDelete(this.trie, h, key, 0), vecSet(this.vec, this.shift, slot, undefined), this.shift, this.slots, this.size - 1);
  }

  /**
   * The values of this map that `since` (typically an earlier version of it) does not hold under the same key:
   * the values set or added since, in insertion order. Parts of the vector the two maps share are not visited,
   * so after a few writes this costs what the writes did, not the size of the map.
   */
  changedSince(since: ReadonlyMap<string, V>): V[] {
    const out: V[] = [];
    if (since === this) return out;
    if (!(since instanceof PersistentMap)) {
      for (const [key, value] of this.entries()) if (since.get(key) !== value || !since.has(key)) out.push(value);
      return out;
    }
    const older = since as PersistentMap<V>;
    const depth = Math.max(this.shift, older.shift);
    for (const e of vecChanged(deepened(this.vec, this.shift, depth), deepened(older.vec, older.shift, depth))) {
      if (older.get(e.key) !== e.value || !older.has(e.key)) out.push(e.value);
    }
    return out;
  }

  private entryList(): Entry<V>[] {
    return [...vecEntries(this.vec)];
  }

  private static rebuild<V>(entries: Entry<V>[]): PersistentMap<V> {
    let out = PersistentMap.empty<V>();
    for (const e of entries) out = out.set(e.key, e.value);
    return out;
  }

  *entries(): MapIterator<[string, V]> {
    for (const e of vecEntries(this.vec)) yield [e.key, e.value];
  }

  *keys(): MapIterator<string> {
    for (const e of vecEntries(this.vec)) yield e.key;
  }

  *values(): MapIterator<V> {
    for (const e of vecEntries(this.vec)) yield e.value;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const e of vecEntries(this.vec)) callback.call(thisArg, e.value, e.key, this);
  }

  get [Symbol.toStringTag](): string {
    return 'PersistentMap';
  }
}

export class PersistentSet implements ReadonlySet<string> {
  private constructor(private readonly map: PersistentMap<true>) {}

  static from(set: ReadonlySet<string>): PersistentSet {
    if (set instanceof PersistentSet) return set;
    let map = PersistentMap.empty<true>();
    for (const v of set) map = map.set(v, true);
    return new PersistentSet(map);
  }

  get size(): number {
    return this.map.size;
  }

  has(value: string): boolean {
    return this.map.has(value);
  }

  add(value: string): PersistentSet {
    const next = this.map.set(value, true);
    return next === this.map ? this : new PersistentSet(next);
  }

  delete(value: string): PersistentSet {
    const next = this.map.delete(value);
    return next === this.map ? this : new PersistentSet(next);
  }

  *values(): SetIterator<string> {
    yield* this.map.keys();
  }

  keys(): SetIterator<string> {
    return this.values();
  }

  *entries(): SetIterator<[string, string]> {
    for (const v of this.map.keys()) yield [v, v];
  }

  [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }

  forEach(callback: (value: string, value2: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const v of this.map.keys()) callback.call(thisArg, v, v, this);
  }

  get [Symbol.toStringTag](): string {
    return 'PersistentSet';
  }
}

/** The values of `map` that `since` does not hold under the same key (all of them when `map` is not persistent). */
export function changedValues<V>(map: ReadonlyMap<string, V>, since: ReadonlyMap<string, V>): V[] {
  if (map instanceof PersistentMap) return (map as PersistentMap<V>).changedSince(since);
  const out: V[] = [];
  for (const [key, value] of map) if (since.get(key) !== value || !since.has(key)) out.push(value);
  return out;
}
