/** src/engine/locks.ts: the lock, rewrite and scan of each Change, transactions and settings per statement. */
import { beforeAll, describe, expect, it } from 'vitest';
import { isNotNullCheck, lockBlocks, lockEffect, settingStates, stepTransactions, timeoutIsSet, typeChangeCost } from '../../src/engine/locks.js';
import type { ChangeStep, RuleContext } from '../../src/engine/types.js';
import type { Migration } from '../../src/migrations/migration.js';
import { emptySchema, type Schema } from '../../src/schema/model.js';
import { readMigration } from '../../src/schema/history.js';
import { replay } from '../../src/schema/replay.js';
import { loadParser } from '../../src/sql/parser.js';
import type { TypeRef } from '../../src/sql/types.js';

beforeAll(() => loadParser());

function migration(path: string, sql: string, transaction: Migration['transaction'] = 'none', scope?: Migration['transactionScope']): Migration {
  return {
    path, layout: 'sql', set: 'db', order: 0, version: '1', name: 'm', language: 'sql', text: sql, sql, transaction,
    transactionReason: 'test', phase: 'pre-deploy', ...(scope ? { transactionScope: scope } : {}),
  };
}

/** Replay `history` then `sql`; the steps of `sql`. */
function steps(history: string, sql: string): { steps: ChangeStep[]; before: Schema } {
  const h = readMigration(migration('db/1.sql', history));
  const m = readMigration(migration('db/2.sql', sql));
  const r = replay([h, m].map((x) => ({ migration: x.migration, changes: x.changes })));
  return { steps: r.migrations[1]!.steps, before: r.migrations[1]!.before };
}

function effectOf(history: string, sql: string, pgVersion = 18, index = 0): ReturnType<typeof lockEffect> {
  const s = steps(history, sql).steps[index]!;
  return lockEffect(s.change, { pgVersion, before: s.before });
}

const T = 'CREATE TABLE t (id bigint PRIMARY KEY, a int, name varchar(20), n numeric(10,2), ts timestamp, c cidr, body text);';

describe('lockEffect', () => {
  it('CREATE INDEX: SHARE, CONCURRENTLY: SHARE UPDATE EXCLUSIVE; both build an index', () => {
    expect(effectOf(T, 'CREATE INDEX ON t (a)')).toMatchObject({ locks: [{ mode: 'SHARE', relation: { name: 't' } }], indexBuild: true });
    expect(effectOf(T, 'CREATE INDEX CONCURRENTLY ON t (a)').locks[0]!.mode).toBe('SHARE UPDATE EXCLUSIVE');
  });

  it('DROP INDEX locks the table the index belongs to', () => {
    expect(effectOf(`${T} CREATE INDEX t_a ON t (a);`, 'DROP INDEX t_a').locks).toEqual([{ relation: { schema: 'public', name: 't' }, kind: 'table', mode: 'ACCESS EXCLUSIVE' }]);
  });

  it('ADD COLUMN: constant default rewrites only before 11; volatile, identity, stored generated and constrained domains always', () => {
    expect(effectOf(T, "ALTER TABLE t ADD COLUMN s text DEFAULT 'x'", 11).rewrite).toBe(false);
    expect(effectOf(T, "ALTER TABLE t ADD COLUMN s text DEFAULT 'x'", 10).rewrite).toBe(true);
    expect(effectOf(T, 'ALTER TABLE t ADD COLUMN s timestamptz DEFAULT now()').rewrite).toBe(false);
    expect(effectOf(T, 'ALTER TABLE t ADD COLUMN s float8 DEFAULT random()').rewrite).toBe(true);
    expect(effectOf(T, 'ALTER TABLE t ADD COLUMN s bigint GENERATED ALWAYS AS IDENTITY').rewrite).toBe(true);
    expect(effectOf(T, 'ALTER TABLE t ADD COLUMN s bigint GENERATED ALWAYS AS (a * 2) STORED').rewrite).toBe(true);
    expect(effectOf(T, 'ALTER TABLE t ADD COLUMN s bigint GENERATED ALWAYS AS (a * 2) VIRTUAL').rewrite).toBe(false);
    expect(effectOf(`${T} CREATE DOMAIN pos AS int CHECK (VALUE > 0);`, 'ALTER TABLE t ADD COLUMN s pos').rewrite).toBe(true);
    expect(effectOf(`${T} CREATE DOMAIN plain AS int;`, 'ALTER TABLE t ADD COLUMN s plain').rewrite).toBe(false);
  });

  it('foreign keys lock both tables SHARE ROW EXCLUSIVE and scan unless NOT VALID', () => {
    const h = `${T} CREATE TABLE u (id bigint PRIMARY KEY, t_id bigint);`;
    const e = effectOf(h, 'ALTER TABLE u ADD FOREIGN KEY (t_id) REFERENCES t (id)');
    expect(e.locks.map((l) => `${l.relation.name}:${l.mode}`)).toEqual(['u:SHARE ROW EXCLUSIVE', 't:SHARE ROW EXCLUSIVE']);
    expect(e.scan).toBe(true);
    expect(effectOf(h, 'ALTER TABLE u ADD FOREIGN KEY (t_id) REFERENCES t (id) NOT VALID').scan).toBe(false);
  });

  it('DROP TABLE also locks the tables its foreign keys reference', () => {
    const e = effectOf(`${T} CREATE TABLE u (id bigint PRIMARY KEY, t_id bigint REFERENCES t (id));`, 'DROP TABLE u');
    expect(e.locks.map((l) => `${l.relation.name}:${l.mode}`)).toEqual(['u:ACCESS EXCLUSIVE', 't:ACCESS EXCLUSIVE']);
  });

  it('SET NOT NULL scans unless a validated CHECK (col IS NOT NULL) proves it, on 12+', () => {
    expect(effectOf(T, 'ALTER TABLE t ALTER COLUMN a SET NOT NULL').scan).toBe(true);
    const proven = `${T} ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID; ALTER TABLE t VALIDATE CONSTRAINT a_nn;`;
    expect(effectOf(proven, 'ALTER TABLE t ALTER COLUMN a SET NOT NULL', 12).scan).toBe(false);
    expect(effectOf(proven, 'ALTER TABLE t ALTER COLUMN a SET NOT NULL', 11).scan).toBe(true);
    const unvalidated = `${T} ALTER TABLE t ADD CONSTRAINT a_nn CHECK (a IS NOT NULL) NOT VALID;`;
    expect(effectOf(unvalidated, 'ALTER TABLE t ALTER COLUMN a SET NOT NULL').scan).toBe(true);
  });

  it('DETACH PARTITION CONCURRENTLY and ATTACH PARTITION (12+) take SHARE UPDATE EXCLUSIVE on the parent', () => {
    const h = "CREATE TABLE m (id int, d date) PARTITION BY RANGE (d); CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01'); CREATE TABLE m2 (id int, d date);";
    expect(effectOf(h, 'ALTER TABLE m DETACH PARTITION m1').locks[0]!.mode).toBe('ACCESS EXCLUSIVE');
    expect(effectOf(h, 'ALTER TABLE m DETACH PARTITION m1 CONCURRENTLY').locks[0]!.mode).toBe('SHARE UPDATE EXCLUSIVE');
    expect(effectOf(h, "ALTER TABLE m ATTACH PARTITION m2 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01')", 12).locks[0]!.mode).toBe('SHARE UPDATE EXCLUSIVE');
    expect(effectOf(h, "ALTER TABLE m ATTACH PARTITION m2 FOR VALUES FROM ('2021-01-01') TO ('2022-01-01')", 11).locks[0]!.mode).toBe('ACCESS EXCLUSIVE');
  });

  it('CREATE TABLE … PARTITION OF locks the parent; REFERENCES locks the referenced table', () => {
    const h = 'CREATE TABLE m (id int, d date) PARTITION BY RANGE (d); CREATE TABLE u (id bigint PRIMARY KEY);';
    expect(effectOf(h, "CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')").locks[0]).toMatchObject({ relation: { name: 'm' }, mode: 'ACCESS EXCLUSIVE' });
    expect(effectOf(h, 'CREATE TABLE v (id bigint, u_id bigint REFERENCES u (id))').locks).toEqual([{ relation: { schema: 'public', name: 'u' }, kind: 'table', mode: 'SHARE ROW EXCLUSIVE' }]);
  });

  it('ALTER DOMAIN ADD CONSTRAINT holds SHARE on every table using the domain, none with NOT VALID', () => {
    const h = 'CREATE DOMAIN email AS text; CREATE TABLE a (e email); CREATE TABLE b (x text);';
    expect(effectOf(h, "ALTER DOMAIN email ADD CONSTRAINT at CHECK (VALUE ~ '@')").locks.map((l) => `${l.relation.name}:${l.mode}`)).toEqual(['a:SHARE']);
    expect(effectOf(h, "ALTER DOMAIN email ADD CONSTRAINT at CHECK (VALUE ~ '@') NOT VALID").locks).toEqual([]);
  });
});

function type(name: string, modifiers: number[] = [], schema?: string): TypeRef {
  return { name, modifiers, arrayDims: 0, display: `${name}${modifiers.length ? `(${modifiers.join(',')})` : ''}`, ...(schema ? { schema } : {}) };
}

describe('typeChangeCost', () => {
  const ctx = { pgVersion: 18, before: emptySchema, column: 'c' };
  const cases: [string, TypeRef, TypeRef, boolean][] = [
    ['varchar(20) → varchar(40)', type('varchar', [20]), type('varchar', [40]), false],
    ['varchar(20) → varchar', type('varchar', [20]), type('varchar'), false],
    ['varchar(20) → text', type('varchar', [20]), type('text'), false],
    ['text → varchar', type('text'), type('varchar'), false],
    ['numeric(10,2) → numeric(12,2)', type('numeric', [10, 2]), type('numeric', [12, 2]), false],
    ['numeric(10,2) → numeric', type('numeric', [10, 2]), type('numeric'), false],
    ['cidr → inet', type('cidr'), type('inet'), false],
    ['timestamp(3) → timestamp', type('timestamp', [3]), type('timestamp'), false],
    ['varchar(20) → varchar(10)', type('varchar', [20]), type('varchar', [10]), true],
    ['text → varchar(10)', type('text'), type('varchar', [10]), true],
    ['numeric(10,2) → numeric(12,4)', type('numeric', [10, 2]), type('numeric', [12, 4]), true],
    ['numeric → numeric(10,2)', type('numeric'), type('numeric', [10, 2]), true],
    ['timestamp → timestamp(3)', type('timestamp'), type('timestamp', [3]), true],
    ['int4 → int8', type('int4'), type('int8'), true],
    ['char(3) → char(5)', type('bpchar', [3]), type('bpchar', [5]), true],
    ['text → jsonb', type('text'), type('jsonb'), true],
  ];
  for (const [title, from, to, rewrite] of cases) {
    it(`${title}: ${rewrite ? 'rewrites' : 'no rewrite'}`, () => expect(typeChangeCost(from, to, ctx).rewrite).toBe(rewrite));
  }

  it('a USING that computes a new value rewrites; USING col::type does not', () => {
    expect(typeChangeCost(type('varchar', [20]), type('text'), { ...ctx, using: 'lower(c)' }).rewrite).toBe(true);
    expect(typeChangeCost(type('varchar', [20]), type('text'), { ...ctx, using: 'c::text' }).rewrite).toBe(false);
  });

  it('timestamp → timestamptz skips the rewrite only on 12+ with the session time zone UTC', () => {
    expect(typeChangeCost(type('timestamp'), type('timestamptz'), { ...ctx, timeZone: 'UTC' }).rewrite).toBe(false);
    expect(typeChangeCost(type('timestamp'), type('timestamptz'), { ...ctx, timeZone: 'Europe/Paris' }).rewrite).toBe(true);
    expect(typeChangeCost(type('timestamp'), type('timestamptz'), { ...ctx, pgVersion: 11, timeZone: 'UTC' }).rewrite).toBe(true);
  });

  it('a collation change rewrites no row but rebuilds indexes', () => {
    expect(typeChangeCost(type('text'), type('text'), { ...ctx, collation: 'C' })).toEqual({ rewrite: false, indexRebuild: true });
  });
});

describe('isNotNullCheck', () => {
  it('recognises col IS NOT NULL, parenthesised, quoted or ANDed', () => {
    expect(isNotNullCheck('email IS NOT NULL', 'email')).toBe(true);
    expect(isNotNullCheck('(email IS NOT NULL)', 'email')).toBe(true);
    expect(isNotNullCheck('"email" is not null', 'email')).toBe(true);
    expect(isNotNullCheck('(email IS NOT NULL) AND (length(email) > 3)', 'email')).toBe(true);
    expect(isNotNullCheck('"Email" IS NOT NULL', 'Email')).toBe(true);
  });
  it('rejects other columns and other conditions', () => {
    expect(isNotNullCheck('other IS NOT NULL', 'email')).toBe(false);
    expect(isNotNullCheck('email IS NULL', 'email')).toBe(false);
    expect(isNotNullCheck('email IS NOT NULL OR other IS NOT NULL', 'email')).toBe(false);
    expect(isNotNullCheck('email_old IS NOT NULL', 'email')).toBe(false);
  });
});

describe('stepTransactions', () => {
  function ctxOf(sql: string, transaction: Migration['transaction'], scope?: Migration['transactionScope']): Pick<RuleContext, 'steps' | 'transaction' | 'migration'> {
    const s = steps('CREATE TABLE t (id int);', sql).steps;
    return { steps: s, transaction, migration: migration('db/2.sql', sql, transaction, scope) };
  }

  it('autocommit: only explicit BEGIN … COMMIT groups statements', () => {
    const tx = stepTransactions(ctxOf('SELECT 1; BEGIN; ALTER TABLE t ADD COLUMN a int; COMMIT; ALTER TABLE t ADD COLUMN b int', 'none'));
    expect(tx.map((t) => t.inBlock)).toEqual([false, true, true, true, false]);
    expect(tx[1]!.id).toBe(tx[2]!.id);
  });

  it('a tool transaction covers the file; an explicit COMMIT ends it', () => {
    const tx = stepTransactions(ctxOf('ALTER TABLE t ADD COLUMN a int; COMMIT; ALTER TABLE t ADD COLUMN b int', 'wrapped', 'migration'));
    expect(tx.map((t) => t.inBlock)).toEqual([true, true, false]);
  });

  it('an implicit transaction restarts after an explicit COMMIT', () => {
    const tx = stepTransactions(ctxOf('ALTER TABLE t ADD COLUMN a int; COMMIT; ALTER TABLE t ADD COLUMN b int', 'wrapped', 'implicit'));
    expect(tx.map((t) => t.inBlock)).toEqual([true, true, true]);
    expect(tx[0]!.id).not.toBe(tx[2]!.id);
  });

  it('a DO block is its own transaction in autocommit', () => {
    const tx = stepTransactions(ctxOf('DO $$ BEGIN ALTER TABLE t ADD COLUMN a int; END $$; ALTER TABLE t ADD COLUMN b int', 'none'));
    expect(tx.map((t) => t.inBlock)).toEqual([true, false]);
  });
});

describe('settingStates and timeouts', () => {
  function states(sql: string, transaction: Migration['transaction'] = 'none'): ReturnType<typeof settingStates> {
    const s = steps('CREATE TABLE t (id int);', sql).steps;
    return settingStates({ steps: s, transaction, migration: migration('db/2.sql', sql, transaction) }, 'lock_timeout');
  }

  it('follows SET, RESET and set_config()', () => {
    expect(states("SET lock_timeout = '2s'; ALTER TABLE t ADD COLUMN a int; RESET lock_timeout; ALTER TABLE t ADD COLUMN b int").map((s) => s.value)).toEqual(['2s', '2s', null, null]);
    expect(states("SELECT set_config('lock_timeout', '3s', false); ALTER TABLE t ADD COLUMN a int").map((s) => s.value)).toEqual(['3s', '3s']);
  });

  it('SET LOCAL lasts until the end of its transaction, and does nothing outside one', () => {
    expect(states("BEGIN; SET LOCAL lock_timeout = '2s'; COMMIT; ALTER TABLE t ADD COLUMN a int").map((s) => s.value)).toEqual([null, '2s', '2s', null]);
    const outside = states("SET LOCAL lock_timeout = '2s'; ALTER TABLE t ADD COLUMN a int");
    expect(outside[1]).toMatchObject({ value: null, ignoredLocal: 1 });
    expect(states("SET LOCAL lock_timeout = '2s'; ALTER TABLE t ADD COLUMN a int", 'wrapped')[1]!.value).toBe('2s');
  });

  it('0 and DEFAULT turn a timeout off', () => {
    expect(timeoutIsSet('0')).toBe(false);
    expect(timeoutIsSet("'0s'")).toBe(false);
    expect(timeoutIsSet('DEFAULT')).toBe(false);
    expect(timeoutIsSet('5s')).toBe(true);
    expect(timeoutIsSet('500')).toBe(true);
  });

  it('says what each lock mode blocks', () => {
    expect(lockBlocks('ACCESS EXCLUSIVE')).toBe('reads and writes');
    expect(lockBlocks('SHARE')).toBe('writes');
    expect(lockBlocks('SHARE UPDATE EXCLUSIVE')).not.toMatch(/reads|writes/);
  });
});
