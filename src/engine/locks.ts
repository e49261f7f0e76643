/**
 * What a Change does to the tables it touches, per Postgres version: the lock it takes (and what that lock
 * blocks), whether it rewrites or scans the table or builds indexes while holding it; which statements of a
 * migration share one transaction (a lock is held until its transaction ends); and which timeouts are in
 * effect at each statement.
 *
 * Sources: the Postgres manual, "Explicit Locking" §13.3.1 Table-Level Locks (which command takes which
 * mode, and the conflict table), the reference pages of ALTER TABLE (each form's lock, and its Notes on
 * rewrites and scans), CREATE INDEX, DROP INDEX, REINDEX, REFRESH MATERIALIZED VIEW, ALTER TYPE, ALTER DOMAIN,
 * and the release notes of the versions named below. Lock modes were checked against Postgres 18 (pg_locks
 * inside a transaction).
 */
import type { Migration } from '../migrations/migration.js';
import { objectKey, type Schema, type Table } from '../schema/model.js';
import { formatQualified } from '../sql/quote.js';
import type { Change, ConstraintSpec, LockMode, QualifiedName, TypeRef } from '../sql/types.js';
import type { LockInfo, RuleContext } from './types.js';

const STRENGTH: Record<LockMode, number> = {
  'ACCESS SHARE': 1,
  'ROW SHARE': 2,
  'ROW EXCLUSIVE': 3,
  'SHARE UPDATE EXCLUSIVE': 4,
  SHARE: 5,
  'SHARE ROW EXCLUSIVE': 6,
  EXCLUSIVE: 7,
  'ACCESS EXCLUSIVE': 8,
};

/** Whether mode `a` is at least as strong as `b` in the table-level lock order. */
export function atLeast(a: LockMode, b: LockMode): boolean {
  return STRENGTH[a] >= STRENGTH[b];
}

/**
 * What a lock mode keeps other sessions from doing, in words (conflict table of §13.3.1): ACCESS EXCLUSIVE
 * conflicts with the ACCESS SHARE of every SELECT; SHARE and stronger conflict with the ROW EXCLUSIVE of
 * INSERT/UPDATE/DELETE; SHARE UPDATE EXCLUSIVE only with other schema changes, VACUUM and index builds.
 */
export function lockBlocks(mode: LockMode): string {
  switch (mode) {
    case 'ACCESS EXCLUSIVE':
      return 'reads and writes';
    case 'EXCLUSIVE':
    case 'SHARE ROW EXCLUSIVE':
    case 'SHARE':
      return 'writes';
    case 'SHARE UPDATE EXCLUSIVE':
      return 'other schema changes, VACUUM and index builds';
    case 'ROW EXCLUSIVE':
      return 'index builds and explicit SHARE locks';
    default:
      return 'only ACCESS EXCLUSIVE locks';
  }
}

/** Whether the lock stops the application's own queries: writes (SHARE and up) or reads as well. */
export function blocksTraffic(mode: LockMode): boolean {
  return atLeast(mode, 'SHARE');
}

export type RelationKind = 'table' | 'index' | 'materialized view' | 'view';

export interface RelationLock {
  relation: QualifiedName;
  kind: RelationKind;
  mode: LockMode;
}

/** What one Change does while it holds its locks. */
export interface LockEffect {
  /** The locks it takes, the altered relation first. */
  locks: RelationLock[];
  /** Rewrites the whole table and its indexes: time grows with the table's size, under the lock. */
  rewrite: boolean;
  /** Reads every row (to validate a constraint or NOT NULL) under the lock. */
  scan: boolean;
  /** Builds or rebuilds indexes under the lock. */
  indexBuild: boolean;
  /** Why it rewrites, scans or builds, in words (`the volatile default random() is computed for every row`). */
  reason?: string;
}

export interface LockContext {
  pgVersion: number;
  /** The schema just before the change. */
  before: Schema;
  /** `SET timezone` in effect for the session (a timestamp ↔ timestamptz change skips its rewrite under UTC on 12+). */
  timeZone?: string | null;
}

const NONE: LockEffect = { locks: [], rewrite: false, scan: false, indexBuild: false };

function effect(locks: RelationLock[], extra: Partial<Omit<LockEffect, 'locks'>> = {}): LockEffect {
  return { locks, rewrite: false, scan: false, indexBuild: false, ...extra };
}

function table(relation: QualifiedName, mode: LockMode): RelationLock {
  return { relation, kind: 'table', mode };
}

/** The lock, rewrite and scan of a Change. Unknown statements (`other`) take no lock rollsafe claims to know. */
export function lockEffect(change: Change, context: LockContext): LockEffect {
  const { pgVersion, before } = context;
  switch (change.kind) {
    case 'create-table': {
      // Referenced tables get the FK triggers: SHARE ROW EXCLUSIVE (§13.3.1). PARTITION OF takes ACCESS
      // EXCLUSIVE on the parent (unlike ATTACH PARTITION, which needs only SHARE UPDATE EXCLUSIVE since 12).
      const locks: RelationLock[] = [];
      if (change.partitionOf) locks.push(table(change.partitionOf, 'ACCESS EXCLUSIVE'));
      const fks = [...change.constraints, ...change.columns.flatMap((c) => c.constraints)].filter((c) => c.type === 'foreign-key' && c.references);
      for (const fk of fks) if (!sameName(fk.references!.table, change.table)) locks.push(table(fk.references!.table, 'SHARE ROW EXCLUSIVE'));
      return effect(dedupe(locks));
    }
    case 'drop-table': {
      // Dropping a table drops its foreign keys, whose triggers live on the referenced tables: ACCESS
      // EXCLUSIVE on those too (and on referencing tables when CASCADE drops their keys).
      const locks = [table(change.table, 'ACCESS EXCLUSIVE')];
      const t = tableOf(before, change.table);
      for (const c of t?.constraints ?? []) if (c.type === 'foreign-key' && c.references) locks.push(table(c.references.table, 'ACCESS EXCLUSIVE'));
      if (change.cascade) for (const r of referencing(before, change.table)) locks.push(table(r, 'ACCESS EXCLUSIVE'));
      return effect(dedupe(locks));
    }
    case 'rename-table':
    case 'set-table-schema':
    case 'drop-column':
    case 'rename-column':
    case 'drop-not-null':
    case 'set-default':
    case 'drop-default':
    case 'set-identity':
    case 'drop-identity':
    case 'rename-constraint':
      return effect([table(change.table, 'ACCESS EXCLUSIVE')]);
    case 'add-column':
      return addColumnEffect(change, context);
    case 'alter-column-type': {
      const column = tableOf(before, change.table)?.columns.find((c) => c.name === change.column);
      const locks = [table(change.table, 'ACCESS EXCLUSIVE')];
      if (!column) return effect(locks, { rewrite: true, indexBuild: true, reason: 'the column type changes (its current type is unknown to rollsafe)' });
      const cost = typeChangeCost(column.type, change.type, { ...context, column: change.column, using: change.using, collation: change.collation });
      const indexed = indexesOnColumn(before, change.table, change.column).length > 0;
      return effect(locks, { rewrite: cost.rewrite, indexBuild: cost.rewrite || (cost.indexRebuild && indexed), reason: cost.reason });
    }
    case 'set-not-null': {
      const proven = notNullProven(before, change.table, change.column, pgVersion);
      return effect([table(change.table, 'ACCESS EXCLUSIVE')], {
        scan: !proven,
        reason: proven ? undefined : `every row is read to check that ${change.column} holds no NULL`,
      });
    }
    case 'add-constraint':
      return addConstraintEffect(change.table, change.constraint, context);
    case 'drop-constraint': {
      const locks = [table(change.table, 'ACCESS EXCLUSIVE')];
      const c = tableOf(before, change.table)?.constraints.find((k) => k.name === change.name);
      if (c?.type === 'foreign-key' && c.references && !sameName(c.references.table, change.table)) locks.push(table(c.references.table, 'ACCESS EXCLUSIVE'));
      return effect(locks);
    }
    case 'validate-constraint':
      // ALTER TABLE: VALIDATE CONSTRAINT takes SHARE UPDATE EXCLUSIVE: reads and writes go on during the scan.
      return effect([table(change.table, 'SHARE UPDATE EXCLUSIVE')], { scan: true, reason: 'every row is checked against the constraint' });
    case 'create-index':
      // CREATE INDEX: SHARE (blocks writes) for the whole build; CONCURRENTLY: SHARE UPDATE EXCLUSIVE.
      return effect([table(change.table, change.concurrently ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE')], {
        indexBuild: true,
        reason: 'the index is built from every row',
      });
    case 'drop-index': {
      // DROP INDEX: ACCESS EXCLUSIVE on the index's table; CONCURRENTLY: SHARE UPDATE EXCLUSIVE.
      const index = before.indexes.get(objectKey(change.index));
      const on = index ? index.table : change.index;
      return effect([{ relation: on, kind: index ? 'table' : 'index', mode: change.concurrently ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE' }]);
    }
    case 'rename-index':
      // ALTER INDEX … RENAME takes SHARE UPDATE EXCLUSIVE since Postgres 12 (release notes), ACCESS EXCLUSIVE before.
      return effect([{ relation: change.index, kind: 'index', mode: pgVersion >= 12 ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE' }]);
    case 'reindex':
      return reindexEffect(change, before);
    case 'refresh-materialized-view':
      // REFRESH MATERIALIZED VIEW: ACCESS EXCLUSIVE (reads wait); CONCURRENTLY: EXCLUSIVE (reads go on).
      return effect([{ relation: change.view, kind: 'materialized view', mode: change.concurrently ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE' }], {
        scan: true,
        reason: "the view's query runs in full",
      });
    case 'truncate': {
      const locks = change.tables.map((t) => table(t, 'ACCESS EXCLUSIVE'));
      if (change.cascade) for (const t of change.tables) for (const r of referencing(before, t)) locks.push(table(r, 'ACCESS EXCLUSIVE'));
      return effect(dedupe(locks));
    }
    case 'vacuum':
      if (!change.full) return effect(change.tables.map((t) => table(t, 'SHARE UPDATE EXCLUSIVE')));
      return effect(change.tables.map((t) => table(t, 'ACCESS EXCLUSIVE')), { rewrite: true, indexBuild: true, reason: 'VACUUM FULL writes a new copy of the table' });
    case 'analyze':
      return effect(change.tables.map((t) => table(t, 'SHARE UPDATE EXCLUSIVE')));
    case 'cluster':
      return effect(change.table ? [table(change.table, 'ACCESS EXCLUSIVE')] : [], { rewrite: true, indexBuild: true, reason: 'CLUSTER writes a new copy of the table in index order' });
    case 'lock-table':
      return effect(change.tables.map((t) => table(t, change.mode)));
    case 'attach-partition':
      // ATTACH PARTITION: SHARE UPDATE EXCLUSIVE on the parent since 12 (ACCESS EXCLUSIVE before), ACCESS
      // EXCLUSIVE on the partition, whose rows are scanned unless a CHECK constraint implies the bound.
      return effect([table(change.table, pgVersion >= 12 ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE'), table(change.partition, 'ACCESS EXCLUSIVE')], {
        scan: true,
        reason: 'the partition is scanned to check its rows fit the partition bound',
      });
    case 'detach-partition':
      // DETACH PARTITION: ACCESS EXCLUSIVE on both; CONCURRENTLY (14+): SHARE UPDATE EXCLUSIVE on the parent.
      if (change.concurrently || change.finalize) return effect([table(change.table, 'SHARE UPDATE EXCLUSIVE'), table(change.partition, 'ACCESS EXCLUSIVE')]);
      return effect([table(change.table, 'ACCESS EXCLUSIVE'), table(change.partition, 'ACCESS EXCLUSIVE')]);
    case 'alter-table-other': {
      const mode = OTHER_ACTION_LOCKS.find(([pattern]) => pattern.test(change.action))?.[1] ?? 'ACCESS EXCLUSIVE';
      return effect([table(change.table, mode)], change.rewrites ? { rewrite: true, indexBuild: true, reason: `${change.action} writes a new copy of the table` } : {});
    }
    case 'create-trigger':
      return effect([table(change.table, 'SHARE ROW EXCLUSIVE')]);
    case 'dml':
      if (!change.table) return NONE;
      return effect([table(change.table, change.op === 'select' ? 'ACCESS SHARE' : 'ROW EXCLUSIVE')]);
    case 'add-domain-constraint': {
      // ALTER DOMAIN … ADD CONSTRAINT checks every column of the domain, holding SHARE on each table
      // (blocks writes); NOT VALID skips the check (then VALIDATE CONSTRAINT checks later).
      if (change.constraint.notValid) return NONE;
      const users = domainUsers(before, change.type);
      return effect(
        users.map((u) => table(u.table, 'SHARE')),
        users.length ? { scan: true, reason: 'every column of the domain is checked against the new constraint' } : {},
      );
    }
    case 'create-view':
      return change.orReplace && before.views.has(objectKey(change.view)) ? effect([{ relation: change.view, kind: 'view', mode: 'ACCESS EXCLUSIVE' }]) : NONE;
    case 'drop-view':
    case 'rename-view':
      return effect([{ relation: change.view, kind: change.materialized ? 'materialized view' : 'view', mode: 'ACCESS EXCLUSIVE' }]);
    default:
      return NONE;
  }
}

/** ALTER TABLE forms that take less than ACCESS EXCLUSIVE (each form's paragraph in ALTER TABLE). */
const OTHER_ACTION_LOCKS: [RegExp, LockMode][] = [
  [/SET STATISTICS$/, 'SHARE UPDATE EXCLUSIVE'],
  [/^SET \(storage parameters\)$|^RESET \(storage parameters\)$/, 'SHARE UPDATE EXCLUSIVE'],
  [/^CLUSTER ON$|^SET WITHOUT CLUSTER$/, 'SHARE UPDATE EXCLUSIVE'],
  [/TRIGGER/, 'SHARE ROW EXCLUSIVE'],
  [/^ALTER CONSTRAINT$/, 'SHARE ROW EXCLUSIVE'],
];

function addColumnEffect(change: Extract<Change, { kind: 'add-column' }>, context: LockContext): LockEffect {
  const { pgVersion, before } = context;
  const c = change.column;
  const locks: RelationLock[] = [table(change.table, 'ACCESS EXCLUSIVE')];
  let rewrite = false;
  let reason: string | undefined;
  // ALTER TABLE Notes: a volatile DEFAULT, a stored generated column, an identity column, or a domain with
  // constraints rewrites the table and its indexes. Before 11, any non-null DEFAULT did.
  if (c.identity) [rewrite, reason] = [true, 'an identity column is filled with a sequence value for every row'];
  else if (c.generated?.stored) [rewrite, reason] = [true, 'a stored generated column is computed and written for every row'];
  else if (c.default && c.default.volatility === 'volatile') {
    [rewrite, reason] = [true, c.type.serial ? `a ${c.type.serial} column takes a sequence value for every row` : `the volatile default ${c.default.text} is computed for every row`];
  } else if (c.default && pgVersion < 11 && !/^null$/i.test(c.default.text.trim())) {
    [rewrite, reason] = [true, `before Postgres 11 every row is rewritten to store the default ${c.default.text}`];
  } else if (constrainedDomain(before, c.type)) {
    [rewrite, reason] = [true, `${c.type.display} is a domain with constraints, which are checked by rewriting every row`];
  }
  let scan = false;
  let indexBuild = rewrite;
  for (const k of c.constraints) {
    if (k.type === 'foreign-key' && k.references) {
      locks.push(table(k.references.table, 'SHARE ROW EXCLUSIVE'));
      if (!k.notValid && !rewrite) [scan, reason] = [true, reason ?? 'every row is checked against the foreign key'];
    } else if (k.type === 'check' && !k.notValid && !rewrite) {
      [scan, reason] = [true, reason ?? 'every row is checked against the CHECK constraint'];
    } else if (k.type === 'unique' || k.type === 'primary-key') {
      indexBuild = true;
      reason ??= `the ${k.type === 'unique' ? 'unique' : 'primary key'} index is built from every row`;
    }
  }
  if (c.notNull && !c.default && !c.identity && !c.generated && !rewrite) {
    [scan, reason] = [true, reason ?? 'every row is checked for NULL (and the statement fails if the table has any row)'];
  }
  return effect(dedupe(locks), { rewrite, scan, indexBuild, reason });
}

function addConstraintEffect(on: QualifiedName, spec: ConstraintSpec, context: LockContext): LockEffect {
  const { before, pgVersion } = context;
  switch (spec.type) {
    case 'foreign-key': {
      // ALTER TABLE: adding a foreign key takes SHARE ROW EXCLUSIVE on the table and on the referenced table.
      const locks = [table(on, 'SHARE ROW EXCLUSIVE')];
      if (spec.references && !sameName(spec.references.table, on)) locks.push(table(spec.references.table, 'SHARE ROW EXCLUSIVE'));
      return effect(locks, spec.notValid ? {} : { scan: true, reason: 'every row is checked against the referenced table' });
    }
    case 'check':
      return effect([table(on, 'ACCESS EXCLUSIVE')], spec.notValid ? {} : { scan: true, reason: 'every row is checked against the constraint' });
    case 'not-null': {
      // NOT NULL constraints can be added NOT VALID since Postgres 18 (ALTER TABLE ADD table_constraint).
      const skip = spec.notValid || notNullProven(before, on, spec.columns[0] ?? '', pgVersion);
      return effect([table(on, 'ACCESS EXCLUSIVE')], skip ? {} : { scan: true, reason: `every row is read to check that ${spec.columns[0] ?? 'the column'} holds no NULL` });
    }
    case 'primary-key':
    case 'unique': {
      const locks = [table(on, 'ACCESS EXCLUSIVE')];
      if (spec.usingIndex) {
        // USING INDEX only attaches the existing index; a primary key still sets NOT NULL on its columns, which scans.
        const nullable = spec.type === 'primary-key' ? nullableColumns(before, on, indexColumns(before, on, spec.usingIndex) ?? spec.columns) : [];
        return effect(locks, nullable.length ? { scan: true, reason: `${nullable.join(', ')} ${nullable.length === 1 ? 'is' : 'are'} made NOT NULL, which reads every row` } : {});
      }
      return effect(locks, { indexBuild: true, reason: `the ${spec.type === 'unique' ? 'unique' : 'primary key'} index is built from every row` });
    }
    case 'exclusion':
      return effect([table(on, 'ACCESS EXCLUSIVE')], { indexBuild: true, reason: 'the exclusion index is built from every row' });
    default:
      return effect([table(on, 'ACCESS EXCLUSIVE')]);
  }
}

function reindexEffect(change: Extract<Change, { kind: 'reindex' }>, before: Schema): LockEffect {
  // REINDEX: SHARE on the table (writes wait) and ACCESS EXCLUSIVE on each index rebuilt (reads that would
  // use it wait); CONCURRENTLY (12+): SHARE UPDATE EXCLUSIVE.
  const extra = { indexBuild: true, reason: 'the index is rebuilt from every row' };
  if (!change.name || change.target === 'schema' || change.target === 'database' || change.target === 'system') return effect([], extra);
  if (change.target === 'index') {
    const index = before.indexes.get(objectKey(change.name));
    if (change.concurrently) return effect([{ relation: index?.table ?? change.name, kind: index ? 'table' : 'index', mode: 'SHARE UPDATE EXCLUSIVE' }], extra);
    const locks: RelationLock[] = [];
    if (index) locks.push(table(index.table, 'SHARE'));
    locks.push({ relation: change.name, kind: 'index', mode: 'ACCESS EXCLUSIVE' });
    return effect(locks, extra);
  }
  return effect([table(change.name, change.concurrently ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE')], extra);
}

/** Type change costs (ALTER TABLE Notes: binary-coercible changes whose USING keeps the contents skip the rewrite). */
export interface TypeChangeCost {
  rewrite: boolean;
  /** Indexes on the column are rebuilt even without a table rewrite (another collation or operator class). */
  indexRebuild: boolean;
  reason?: string;
}

const TEMPORAL = new Set(['timestamp', 'timestamptz', 'time', 'timetz', 'interval']);

export function typeChangeCost(
  from: TypeRef,
  to: TypeRef,
  options: LockContext & { column: string; using?: string | undefined; collation?: string | undefined },
): TypeChangeCost {
  const rewrite = (reason: string): TypeChangeCost => ({ rewrite: true, indexRebuild: true, reason });
  if (options.using !== undefined && !usingKeepsValue(options.using, options.column)) {
    return rewrite(`USING ${options.using} computes a new value for every row`);
  }
  const collationRebuild = options.collation !== undefined;
  const keep = (indexRebuild = collationRebuild): TypeChangeCost => ({ rewrite: false, indexRebuild });
  if (from.arrayDims !== to.arrayDims) return rewrite('every value is converted to the new type');
  const domain = domainOf(options.before, to);
  if (domain) {
    // An unconstrained domain over a coercible type needs no rewrite; a constrained one is checked row by row.
    if (domain.checks.length || domain.notNull) return rewrite(`${to.display} is a domain with constraints, checked by rewriting every row`);
    return typeChangeCost(from, domain.baseType, options);
  }
  const fromDomain = domainOf(options.before, from);
  if (fromDomain) return typeChangeCost(fromDomain.baseType, to, options);
  const a = from.name;
  const b = to.name;
  const [m1, m2] = [from.modifiers, to.modifiers];
  if (a === b && (from.schema ?? '') === (to.schema ?? '')) {
    if (m1.join(',') === m2.join(',')) return keep();
    if (a === 'varchar' || a === 'varbit') {
      // Since 9.2, lengthening (or removing) the limit is binary coercible and keeps the indexes.
      if (m2.length === 0 || (m1.length > 0 && m2[0]! >= m1[0]!)) return keep();
      return rewrite('the limit is lower, so every value is checked and rewritten');
    }
    if (a === 'numeric') {
      if (m2.length === 0) return keep();
      if (m1.length > 0 && (m2[1] ?? 0) === (m1[1] ?? 0) && m2[0]! >= m1[0]!) return keep();
      return rewrite('the scale changes or the precision narrows, so every value is rewritten');
    }
    if (TEMPORAL.has(a)) {
      // Raising or removing the fractional-seconds precision is a no-op; lowering it rounds every value.
      const p1 = m1[m1.length - 1] ?? 6;
      const p2 = m2[m2.length - 1] ?? 6;
      if (a === 'interval' && m1.length > 1 !== m2.length > 1 && m2.length !== 0) return rewrite('every value is converted to the new type');
      if (m2.length === 0 || p2 >= p1) return keep();
      return rewrite('the precision is lower, so every value is rounded and rewritten');
    }
    return rewrite('every value is converted to the new type');
  }
  if ((a === 'varchar' || a === 'text') && b === 'text') return keep();
  if (a === 'text' && b === 'varchar' && m2.length === 0) return keep();
  if (a === 'cidr' && b === 'inet') return keep();
  if ((a === 'text' || a === 'varchar') && b === 'citext') return keep(true);
  if ((a === 'timestamp' && b === 'timestamptz') || (a === 'timestamptz' && b === 'timestamp')) {
    // Postgres 12+: no rewrite when the session time zone is UTC (release notes 12, E.x ALTER TABLE).
    const utc = /^(utc|etc\/utc|gmt|z|zulu|00:00|\+00:?00|0)$/i.test((options.timeZone ?? '').replace(/^'|'$/g, '').trim());
    if (options.pgVersion >= 12 && utc) return keep();
    return rewrite(
      `every value is reinterpreted in the session time zone${options.pgVersion >= 12 ? '; Postgres 12+ skips the rewrite only when the session time zone is UTC' : ''}`,
    );
  }
  return rewrite('every value is converted to the new type');
}

/** `USING col` or `USING col::type` (the default conversion) keeps the stored value. */
function usingKeepsValue(using: string, column: string): boolean {
  const bare = using.trim().replace(/^\(+|\)+$/g, '').replace(/"/g, '').toLowerCase();
  const c = column.toLowerCase();
  return bare === c || new RegExp(`^${escapeRegExp(c)}\\s*::\\s*[\\w\\s(),.]+$`).test(bare);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function domainOf(schema: Schema, type: TypeRef): { checks: string[]; notNull: boolean; baseType: TypeRef } | undefined {
  if (type.schema === undefined || type.arrayDims > 0) return undefined;
  const t = schema.types.get(objectKey({ schema: type.schema, name: type.name }));
  return t?.kind === 'domain' ? t : undefined;
}

function constrainedDomain(schema: Schema, type: TypeRef): boolean {
  const d = domainOf(schema, type);
  return d !== undefined && (d.checks.length > 0 || d.notNull);
}

/** Columns whose type is the domain, with their tables. */
export function domainUsers(schema: Schema, domain: QualifiedName): { table: QualifiedName; column: string }[] {
  const out: { table: QualifiedName; column: string }[] = [];
  for (const t of schema.tables.values()) {
    for (const c of t.columns) if (c.type.schema === domain.schema && c.type.name === domain.name) out.push({ table: { schema: t.schema, name: t.name }, column: c.name });
  }
  return out;
}

/**
 * SET NOT NULL skips its scan when a valid CHECK constraint proves the column holds no NULL (Postgres 12+,
 * ALTER TABLE: SET/DROP NOT NULL), or when a validated NOT NULL constraint already exists.
 */
export function notNullProven(schema: Schema, on: QualifiedName, column: string, pgVersion: number): boolean {
  const t = tableOf(schema, on);
  if (!t) return false;
  if (t.columns.find((c) => c.name === column)?.notNull) return true;
  if (pgVersion < 12) return false;
  return t.constraints.some((c) => c.type === 'check' && c.validated && c.expression !== undefined && isNotNullCheck(c.expression, column));
}

/** `col IS NOT NULL` (parenthesised, quoted, or ANDed with other conditions). */
export function isNotNullCheck(expression: string, column: string): boolean {
  const ident = `(?:"${escapeRegExp(column.replace(/"/g, '""'))}"|${/^[a-z_][a-z0-9_$]*$/.test(column) ? escapeRegExp(column) : '(?!)'})`;
  const body = unwrap(expression);
  // Any OR could let a NULL through: only a conjunction proves it.
  if (/\bOR\b/i.test(body)) return false;
  const terms = body.split(/\s+AND\s+/i).map(unwrap);
  return terms.some((t) => new RegExp(`^${ident}\\s+IS\\s+NOT\\s+NULL$`, 'i').test(t));
}

/** The expression without the parentheses that enclose all of it (`(a) AND (b)` keeps its own). */
function unwrap(expression: string): string {
  let text = expression.trim();
  while (text.startsWith('(') && text.endsWith(')')) {
    let depth = 0;
    let closesAtEnd = true;
    for (let i = 0; i < text.length - 1; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
      if (depth === 0) {
        closesAtEnd = false;
        break;
      }
    }
    if (!closesAtEnd) break;
    text = text.slice(1, -1).trim();
  }
  return text;
}

export function tableOf(schema: Schema, name: QualifiedName): Table | undefined {
  return schema.tables.get(objectKey(name));
}

function indexesOnColumn(schema: Schema, on: QualifiedName, column: string): string[] {
  const out: string[] = [];
  for (const index of schema.indexes.values()) {
    if (sameName(index.table, on) && (index.columns.includes(column) || index.columns.includes(null))) out.push(index.name);
  }
  return out;
}

function indexColumns(schema: Schema, on: QualifiedName, index: string): string[] | undefined {
  const i = schema.indexes.get(objectKey({ schema: on.schema, name: index }));
  return i?.columns.filter((c): c is string => c !== null);
}

function nullableColumns(schema: Schema, on: QualifiedName, columns: string[]): string[] {
  const t = tableOf(schema, on);
  if (!t) return [];
  return columns.filter((name) => {
    const c = t.columns.find((col) => col.name === name);
    return c !== undefined && !c.notNull;
  });
}

/** Tables with a foreign key to `target`. */
export function referencing(schema: Schema, target: QualifiedName): QualifiedName[] {
  const out: QualifiedName[] = [];
  for (const t of schema.tables.values()) {
    if (sameName(t, target)) continue;
    if (t.constraints.some((c) => c.type === 'foreign-key' && c.references && sameName(c.references.table, target))) out.push({ schema: t.schema, name: t.name });
  }
  return out;
}

export function sameName(a: QualifiedName, b: QualifiedName): boolean {
  return a.schema === b.schema && a.name === b.name;
}

function dedupe(locks: RelationLock[]): RelationLock[] {
  const out: RelationLock[] = [];
  for (const l of locks) {
    const existing = out.findIndex((o) => sameName(o.relation, l.relation));
    if (existing < 0) out.push(l);
    else if (!atLeast(out[existing]!.mode, l.mode)) out[existing] = l;
  }
  return out;
}

/** `Finding.lock` for a relation lock. */
export function lockInfo(lock: RelationLock): LockInfo {
  return { mode: lock.mode, table: formatQualified(lock.relation), blocks: lockBlocks(lock.mode) };
}

/** `an ACCESS EXCLUSIVE lock on users, which blocks reads and writes` */
export function describeLock(lock: RelationLock): string {
  const article = lock.mode.startsWith('ACCESS') || lock.mode.startsWith('EXCLUSIVE') ? 'an' : 'a';
  return `${article} ${lock.mode} lock on ${formatQualified(lock.relation)}, which blocks ${lockBlocks(lock.mode)}`;
}

/** Whether a relation existed before the new migrations of this change set. */
export type RelationAge = 'new' | 'existing' | 'unknown';

/**
 * A table (or view) created by a new migration of this change set — earlier in this migration or in an
 * earlier new one — is empty and unused: locking it hurts nobody. A relation missing from the replayed
 * schema (history rollsafe could not read) is `unknown` and treated as existing.
 */
export function relationAge(ctx: RuleContext, before: Schema, name: QualifiedName): RelationAge {
  const key = objectKey(name);
  const t = before.tables.get(key);
  const known = t !== undefined || before.views.has(key);
  if (!known) return createdUnread(ctx.migration.text, name.name) ? 'new' : 'unknown';
  // Dropped and created again by this migration: the table it locks is the new, empty one.
  if (t && t.createdBy === ctx.migration.path && !t.renamedFrom) return 'new';
  if (!ctx.isNew(name)) return 'existing';
  // Renamed (or moved) by a new migration: the table itself is old.
  if (t?.renamedFrom && !ctx.isNew({ schema: t.schema, name: t.renamedFrom.name })) return 'existing';
  return 'new';
}

/**
 * A relation the replay does not know, created by this very migration in a way rollsafe could not read
 * (a Kysely `createView(…).as(builder)`, a `CREATE MATERIALIZED VIEW` in dynamic SQL): the migration's text
 * names it in a create. It is as new and empty as any table the migration creates.
 */
function createdUnread(text: string, name: string): boolean {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `\\bcreate\\w*\\s*\\(\\s*['"\`]${n}['"\`]|\\bCREATE\\s+(?:OR\\s+REPLACE\\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED|MATERIALIZED)\\s+)?(?:TABLE|VIEW)\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?(?:"?\\w+"?\\.)?"?${n}\\b`,
    'i',
  ).test(text);
}

/** Shorthand: the relation may hold rows that live traffic uses. */
export function isExisting(ctx: RuleContext, before: Schema, name: QualifiedName): boolean {
  return relationAge(ctx, before, name) !== 'new';
}

/** Where a step stands with respect to transactions. */
export interface StepTransaction {
  /** Runs inside a transaction block: the tool's, an implicit multi-statement one, an explicit BEGIN, or a DO block. */
  inBlock: boolean;
  /** Steps with the same id share one transaction, so a lock one of them takes is held until the last ends. null: autocommit. */
  id: number | null;
  /** Inside an explicit BEGIN of the file. */
  explicit: boolean;
  /** Why, in words: the tool's behaviour or `the BEGIN on line 3`. */
  reason: string;
}

/**
 * The transaction of every step of the migration, from the tool's behaviour (`transaction`,
 * `transactionScope`) and the file's own BEGIN/COMMIT:
 * - `implicit` (a file sent as one multi-statement query): every statement is in a transaction block; an
 *   explicit COMMIT ends it and the next statement starts another;
 * - `migration`/`batch` (the tool opens the transaction): an explicit BEGIN is ignored by Postgres (with a
 *   warning) and an explicit COMMIT ends the tool's transaction early;
 * - `none`: statements autocommit, except between an explicit BEGIN and COMMIT.
 */
export function stepTransactions(ctx: Pick<RuleContext, 'steps' | 'transaction' | 'migration'>): StepTransaction[] {
  const wrapped = ctx.transaction === 'wrapped';
  const scope = wrapped ? (ctx.migration.transaction === 'wrapped' ? (ctx.migration.transactionScope ?? 'migration') : 'migration') : undefined;
  const toolReason = wrapped
    ? ctx.migration.transaction === 'wrapped'
      ? ctx.migration.transactionReason
      : 'the rollsafe configuration says this migration runs in a transaction'
    : '';
  let counter = 0;
  let toolId: number | null = wrapped ? ++counter : null;
  let explicit = null as { id: number; line: number } | null;
  let doBlock = null as { statement: number; id: number } | null;
  const out: StepTransaction[] = [];
  for (const { change } of ctx.steps) {
    const statement = change.statement;
    if (change.kind === 'transaction') {
      const line = statement.location.line;
      if (change.action === 'begin' && !explicit) explicit = { id: toolId ?? ++counter, line };
      const state = current();
      if (change.action === 'commit' || change.action === 'rollback' || change.action === 'prepare') {
        if (explicit || toolId !== null) {
          explicit = null;
          // A new implicit block starts with the next statement; a tool's own transaction is over.
          toolId = scope === 'implicit' ? ++counter : null;
        }
      }
      out.push(state);
      continue;
    }
    if (statement.nestedIn === 'do-block' && !explicit && toolId === null) {
      if (doBlock?.statement !== statement.index) doBlock = { statement: statement.index, id: ++counter };
      out.push({ inBlock: true, id: doBlock.id, explicit: false, reason: 'a DO block runs as one statement, in its own transaction' });
      continue;
    }
    out.push(current());
  }
  return out;

  function current(): StepTransaction {
    if (explicit) return { inBlock: true, id: explicit.id, explicit: true, reason: `the BEGIN on line ${explicit.line} opened a transaction` };
    if (toolId !== null) return { inBlock: true, id: toolId, explicit: false, reason: toolReason };
    return { inBlock: false, id: null, explicit: false, reason: 'the statement runs on its own (autocommit)' };
  }
}

/** A setting's value in effect at each step (`null`: not set, or reset), following SET, SET LOCAL and set_config(). */
export interface SettingState {
  value: string | null;
  /** Where it was set (line), when it was. */
  line?: number;
  /** A `SET LOCAL` outside any transaction block: Postgres warns and ignores it. */
  ignoredLocal?: number;
}

export function settingStates(ctx: Pick<RuleContext, 'steps' | 'transaction' | 'migration'>, name: string, transactions = stepTransactions(ctx)): SettingState[] {
  let session: { value: string | null; line: number } | null = null;
  let local: { value: string | null; line: number; id: number | null } | null = null;
  let ignoredLocal: number | undefined;
  const out: SettingState[] = [];
  ctx.steps.forEach(({ change }, i) => {
    const tx = transactions[i]!;
    // SET LOCAL lasts until the end of its transaction.
    if (local && local.id !== tx.id) local = null;
    if (change.kind === 'set-setting' && change.name === name) {
      const line = change.statement.location.line;
      if (change.local) {
        if (tx.inBlock) local = { value: change.value, line, id: tx.id };
        else ignoredLocal = line;
      } else session = { value: change.value, line };
    } else if (change.kind === 'set-setting' && change.name === 'all' && change.value === null) {
      session = null;
      local = null;
    }
    const effective = local ?? session;
    out.push({ value: effective?.value ?? null, ...(effective ? { line: effective.line } : {}), ...(ignoredLocal !== undefined ? { ignoredLocal } : {}) });
  });
  return out;
}

/** Whether a timeout setting's value bounds the wait (`0`, `DEFAULT` and `RESET` turn it off). */
export function timeoutIsSet(value: string | null): boolean {
  if (value === null) return false;
  const v = value.trim().replace(/^'|'$/g, '').trim().toLowerCase();
  return v !== '' && v !== 'default' && !/^0+(\.0+)?\s*(us|ms|s|min|h|d)?$/.test(v);
}

/**
 * How to run a statement outside a transaction with the migration's tool, for fixes of CONCURRENTLY and
 * other statements Postgres refuses inside a transaction block.
 */
export function outsideTransactionHint(migration: Migration): string {
  switch (migration.layout) {
    case 'prisma':
      return 'Put the statement alone in a migration of its own: Prisma sends migration.sql as one query, and only a single statement runs outside a transaction.';
    case 'golang-migrate':
      return 'Put the statement alone in a migration file of its own: the postgres driver sends the file as one query, and only a single statement runs outside a transaction.';
    case 'supabase':
      return 'Keep the statement out of any BEGIN/COMMIT block: the Supabase CLI runs it on its own.';
    case 'dbmate':
      return 'Write `-- migrate:up transaction:false` and keep the statement alone in that section (lib/pq sends the section as one query).';
    case 'flyway':
      return 'Put the statement in a migration of its own: Flyway runs a migration holding it outside a transaction (and refuses mixed migrations unless mixed=true).';
    case 'graphile-migrate':
      return 'Put the statement alone in a migration whose body starts with `--! no-transaction`: graphile-migrate then sends it as one query without BEGIN.';
    case 'postgres-migrations':
      return 'Put the statement alone in a migration file marked `-- postgres-migrations disable-transaction`: the file is then sent as one query without a transaction.';
    case 'db-migrate':
    case 'db-migrate-sql':
      return "db-migrate's Postgres driver wraps every migration in BEGIN/COMMIT: run this statement with `db-migrate up --non-transactional`, alone in its migration.";
    case 'drizzle':
      return 'drizzle-kit runs every pending migration in one transaction: run this statement outside its migrator (a separate step of the deploy).';
    default:
      return 'Run the statement outside any transaction block: no BEGIN/COMMIT around it, and a tool setting that does not wrap the migration.';
  }
}

/** The source text of a Change: its ALTER TABLE sub-command when the statement has several, else the statement. */
export function changeText(change: Change): string {
  const { text, location: s } = change.statement;
  const l = change.location;
  if (l.line === s.line && l.column === s.column && l.endLine === s.endLine && l.endColumn === s.endColumn) return text;
  const lines = text.split('\n');
  const offset = (line: number, column: number): number => {
    let at = 0;
    for (let i = 0; i < line - s.line; i++) at += (lines[i]?.length ?? 0) + 1;
    return at + column - (line === s.line ? s.column : 1);
  };
  const a = offset(l.line, l.column);
  const b = offset(l.endLine, l.endColumn);
  if (a < 0 || b > text.length || b <= a) return text;
  return text.slice(a, b).trim().replace(/,$/, '');
}

/** An ALTER TABLE statement for one Change, with `suffix` appended (` NOT VALID`), reusing the migration's own text. */
export function alterTableSql(change: Change, table: QualifiedName, suffix = ''): string {
  const text = changeText(change);
  // A statement with this one sub-command: the statement itself.
  if (text === change.statement.text) return `${text.trim()}${suffix};`;
  return `ALTER TABLE ${formatQualified(table)} ${text}${suffix};`;
}

/** The name Postgres gives a constraint (as the replayed schema recorded it), for VALIDATE steps of fixes. */
export function constraintName(after: Schema, on: QualifiedName, spec: ConstraintSpec): string {
  if (spec.name) return spec.name;
  const t = tableOf(after, on);
  const found = [...(t?.constraints ?? [])].reverse().find((c) => c.type === spec.type && c.columns.join(',') === spec.columns.join(','));
  return found?.name ?? `${on.name}_${spec.columns[0] ?? 'new'}_${spec.type === 'foreign-key' ? 'fkey' : spec.type === 'check' ? 'check' : 'key'}`;
}
