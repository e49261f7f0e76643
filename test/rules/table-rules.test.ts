/** Table rules: DROP TABLE, TRUNCATE CASCADE, VACUUM FULL, CLUSTER, LOCK TABLE, DETACH PARTITION, REFRESH, DROP DATABASE. */
import { describe, expect, it } from 'vitest';
import { lintRule } from '../support/lint-sql.js';

const H = `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE audit (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
CREATE TABLE notes (id bigint PRIMARY KEY, audit_id bigint REFERENCES audit (id));
CREATE INDEX audit_user_idx ON audit (user_id);`;

describe('ban-drop-table', () => {
  const rule = 'ban-drop-table';
  it('names the referenced tables it also locks, and drops the foreign keys first in the fix', async () => {
    const [f] = await lintRule(rule, { history: H, sql: 'DROP TABLE notes;' });
    expect(f!.message).toContain('and on audit');
    expect(f!.lock).toEqual({ mode: 'ACCESS EXCLUSIVE', table: 'audit', blocks: 'reads and writes' });
    expect(f!.fix!.steps.map((s) => s.sql ?? '').join('\n')).toContain('ALTER TABLE notes DROP CONSTRAINT notes_audit_id_fkey;');
  });
  it('is silent for a table created in this change and for IF EXISTS of an unknown table', async () => {
    expect(await lintRule(rule, { sql: ['CREATE TABLE t (a int);', 'DROP TABLE t;'] })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: 'DROP TABLE IF EXISTS never_existed;' })).toEqual([]);
  });
});

describe('ban-truncate-cascade', () => {
  const rule = 'ban-truncate-cascade';
  it('lists every table the cascade reaches, transitively', async () => {
    const [f] = await lintRule(rule, { history: H, sql: 'TRUNCATE users CASCADE;' });
    expect(f!.severity).toBe('error');
    expect(f!.message).toContain('also audit, notes');
    expect(f!.fix!.steps[0]!.sql).toBe('TRUNCATE TABLE audit, notes, users;');
  });
  it('warns when no table references it yet', async () => {
    const [f] = await lintRule(rule, { history: H, sql: 'TRUNCATE notes CASCADE;' });
    expect(f!.severity).toBe('warning');
  });
  it('is silent without CASCADE', async () => {
    expect(await lintRule(rule, { history: H, sql: 'TRUNCATE notes;' })).toEqual([]);
  });
});

describe('ban-vacuum-full and ban-cluster', () => {
  it('fire on existing tables and on the whole database', async () => {
    expect(await lintRule('ban-vacuum-full', { history: H, sql: 'VACUUM FULL users;' })).toHaveLength(1);
    expect((await lintRule('ban-vacuum-full', { history: H, sql: 'VACUUM FULL;' }))[0]!.message).toContain('every table of the database');
    expect(await lintRule('ban-cluster', { history: H, sql: 'CLUSTER audit USING audit_user_idx;' })).toHaveLength(1);
    expect(await lintRule('ban-cluster', { history: H, sql: 'CLUSTER;' })).toHaveLength(1);
  });
  it('are silent on plain VACUUM, on CLUSTER ON, and on new tables', async () => {
    expect(await lintRule('ban-vacuum-full', { history: H, sql: 'VACUUM users;' })).toEqual([]);
    expect(await lintRule('ban-vacuum-full', { sql: 'CREATE TABLE t (a int);\nVACUUM FULL t;' })).toEqual([]);
    expect(await lintRule('ban-cluster', { history: H, sql: 'ALTER TABLE audit CLUSTER ON audit_user_idx;' })).toEqual([]);
  });
});

describe('ban-lock-table', () => {
  const rule = 'ban-lock-table';
  it('fires on a blocking mode inside a transaction', async () => {
    const [f] = await lintRule(rule, { history: H, sql: 'BEGIN;\nLOCK TABLE users IN SHARE MODE;\nCOMMIT;' });
    expect(f!.lock).toEqual({ mode: 'SHARE', table: 'users', blocks: 'writes' });
  });
  it('reports as an error a LOCK TABLE that Postgres refuses outside a transaction', async () => {
    const [f] = await lintRule(rule, { history: H, sql: 'LOCK TABLE users;' });
    expect(f!.severity).toBe('error');
  });
  it('is silent for modes that block neither reads nor writes, and in a wrapped migration on new tables', async () => {
    expect(await lintRule(rule, { history: H, sql: 'LOCK TABLE users IN ROW EXCLUSIVE MODE;', transaction: 'wrapped' })).toEqual([]);
    expect(await lintRule(rule, { sql: 'CREATE TABLE t (a int);\nLOCK TABLE t;', transaction: 'wrapped' })).toEqual([]);
  });
});

describe('require-concurrent-partition-detach', () => {
  const rule = 'require-concurrent-partition-detach';
  const P = "CREATE TABLE m (id int, d date) PARTITION BY RANGE (d);\nCREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');";
  it('fires on Postgres 14+ only', async () => {
    const [f] = await lintRule(rule, { history: P, sql: 'ALTER TABLE m DETACH PARTITION m1;' });
    expect(f!.fix!.steps[0]!.sql).toBe('ALTER TABLE m DETACH PARTITION m1 CONCURRENTLY;');
    expect(await lintRule(rule, { history: P, sql: 'ALTER TABLE m DETACH PARTITION m1;', pgVersion: 13 })).toEqual([]);
  });
  it('is silent for CONCURRENTLY and FINALIZE', async () => {
    expect(await lintRule(rule, { history: P, sql: 'ALTER TABLE m DETACH PARTITION m1 CONCURRENTLY;' })).toEqual([]);
    expect(await lintRule(rule, { history: P, sql: 'ALTER TABLE m DETACH PARTITION m1 FINALIZE;' })).toEqual([]);
  });
});

describe('require-concurrent-refresh', () => {
  const rule = 'require-concurrent-refresh';
  const V = 'CREATE TABLE s (d date, n int);\nCREATE MATERIALIZED VIEW totals AS SELECT d, sum(n) AS n FROM s GROUP BY d;';
  it('fires, and asks for the unique index CONCURRENTLY needs when there is none', async () => {
    const [f] = await lintRule(rule, { history: V, sql: 'REFRESH MATERIALIZED VIEW totals;' });
    expect(f!.lock?.mode).toBe('ACCESS EXCLUSIVE');
    expect(f!.fix!.steps[0]!.sql).toContain('CREATE UNIQUE INDEX CONCURRENTLY');
    const [g] = await lintRule(rule, { history: `${V}\nCREATE UNIQUE INDEX totals_d ON totals (d);`, sql: 'REFRESH MATERIALIZED VIEW totals;' });
    expect(g!.fix!.steps.map((s) => s.sql)).toEqual(['REFRESH MATERIALIZED VIEW CONCURRENTLY totals;']);
  });
  it('is silent for CONCURRENTLY, WITH NO DATA, and a view created in this change', async () => {
    expect(await lintRule(rule, { history: V, sql: 'REFRESH MATERIALIZED VIEW CONCURRENTLY totals;' })).toEqual([]);
    expect(await lintRule(rule, { history: V, sql: 'REFRESH MATERIALIZED VIEW totals WITH NO DATA;' })).toEqual([]);
    expect(await lintRule(rule, { history: 'CREATE TABLE s (d date);', sql: 'CREATE MATERIALIZED VIEW v AS SELECT d FROM s;\nREFRESH MATERIALIZED VIEW v;' })).toEqual([]);
  });
});

describe('ban-drop-database', () => {
  it('fires on DROP DATABASE, not on other drops', async () => {
    expect(await lintRule('ban-drop-database', { sql: 'DROP DATABASE app;' })).toHaveLength(1);
    expect(await lintRule('ban-drop-database', { history: H, sql: 'DROP SCHEMA IF EXISTS archive;' })).toEqual([]);
  });
});
