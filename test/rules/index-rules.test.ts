/** Index rules: CONCURRENTLY for CREATE/DROP INDEX and REINDEX, and CONCURRENTLY inside a transaction. */
import { describe, expect, it } from 'vitest';
import { lintRule } from '../support/lint-sql.js';

const ORDERS = 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, status text);\nCREATE INDEX orders_status_idx ON orders (status);';

describe('require-concurrent-index', () => {
  const rule = 'require-concurrent-index';
  it('fires on an existing table, with the SHARE lock and the concurrent statement', async () => {
    const [f] = await lintRule(rule, { history: ORDERS, sql: 'CREATE UNIQUE INDEX orders_customer_idx ON orders (customer_id);' });
    expect(f!.lock).toEqual({ mode: 'SHARE', table: 'orders', blocks: 'writes' });
    expect(f!.message).toContain('blocks writes');
    expect(f!.fix!.steps[0]!.sql).toBe('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_idx ON orders (customer_id);');
  });
  it('fires on a table the history does not know (conservative)', async () => {
    expect(await lintRule(rule, { sql: 'CREATE INDEX ON legacy (x);' })).toHaveLength(1);
  });
  it('fires on a table that a new migration only renamed', async () => {
    expect(await lintRule(rule, { history: ORDERS, sql: ['ALTER TABLE orders RENAME TO purchases;', 'CREATE INDEX ON purchases (customer_id);'] })).toHaveLength(1);
  });
  it('is silent for CONCURRENTLY', async () => {
    expect(await lintRule(rule, { history: ORDERS, sql: 'CREATE INDEX CONCURRENTLY ON orders (customer_id);' })).toEqual([]);
  });
  it('is silent for a table created in the same migration, or in an earlier new migration', async () => {
    expect(await lintRule(rule, { sql: 'CREATE TABLE t (a int);\nCREATE INDEX ON t (a);' })).toEqual([]);
    expect(await lintRule(rule, { sql: ['CREATE TABLE t (a int);', 'CREATE INDEX ON t (a);'] })).toEqual([]);
  });
  it('tells how to leave the transaction when the tool wraps the migration', async () => {
    const [f] = await lintRule(rule, { history: ORDERS, sql: 'CREATE INDEX i ON orders (customer_id);\nSELECT 1;', transaction: 'wrapped', transactionScope: 'implicit', layout: 'prisma' });
    expect(f!.fix!.steps.map((s) => s.title).join('\n')).toContain('Prisma');
  });
});

describe('require-concurrent-index-drop', () => {
  const rule = 'require-concurrent-index-drop';
  it('fires with the ACCESS EXCLUSIVE lock on the index table', async () => {
    const [f] = await lintRule(rule, { history: ORDERS, sql: 'DROP INDEX orders_status_idx;' });
    expect(f!.lock).toEqual({ mode: 'ACCESS EXCLUSIVE', table: 'orders', blocks: 'reads and writes' });
    expect(f!.fix!.steps[0]!.sql).toBe('DROP INDEX CONCURRENTLY IF EXISTS orders_status_idx;');
  });
  it('is silent for CONCURRENTLY, for an index of a new table, and for a constraint index', async () => {
    expect(await lintRule(rule, { history: ORDERS, sql: 'DROP INDEX CONCURRENTLY orders_status_idx;' })).toEqual([]);
    expect(await lintRule(rule, { sql: 'CREATE TABLE t (a int);\nCREATE INDEX t_a ON t (a);\nDROP INDEX t_a;' })).toEqual([]);
    expect(await lintRule(rule, { history: ORDERS, sql: 'DROP INDEX orders_pkey;' })).toEqual([]);
  });
});

describe('require-concurrent-reindex', () => {
  const rule = 'require-concurrent-reindex';
  it('fires on REINDEX INDEX and TABLE, with the fix for the Postgres version', async () => {
    const [f] = await lintRule(rule, { history: ORDERS, sql: 'REINDEX INDEX orders_status_idx;' });
    expect(f!.lock?.mode).toBe('SHARE');
    expect(f!.fix!.steps[0]!.sql).toBe('REINDEX INDEX CONCURRENTLY orders_status_idx;');
    const [old] = await lintRule(rule, { history: ORDERS, sql: 'REINDEX TABLE orders;', pgVersion: 11 });
    expect(old!.fix!.steps[0]!.sql).toContain('CREATE INDEX CONCURRENTLY');
  });
  it('fires on REINDEX SCHEMA', async () => {
    expect(await lintRule(rule, { history: ORDERS, sql: 'REINDEX SCHEMA public;' })).toHaveLength(1);
  });
  it('is silent for CONCURRENTLY and for a table created in this change', async () => {
    expect(await lintRule(rule, { history: ORDERS, sql: 'REINDEX TABLE CONCURRENTLY orders;' })).toEqual([]);
    expect(await lintRule(rule, { sql: 'CREATE TABLE t (a int);\nREINDEX TABLE t;' })).toEqual([]);
  });
});

describe('concurrently-in-transaction', () => {
  const rule = 'concurrently-in-transaction';
  const CIC = 'CREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);';
  it('fires inside an explicit BEGIN, and not after its COMMIT', async () => {
    const f = await lintRule(rule, { history: ORDERS, sql: `BEGIN;\n${CIC}\nCOMMIT;\n${CIC.replace('orders_customer_idx', 'other_idx')}` });
    expect(f.map((x) => x.location.line)).toEqual([2]);
  });
  it('fires when the tool wraps the migration in its transaction', async () => {
    const [f] = await lintRule(rule, { history: ORDERS, sql: CIC, transaction: 'wrapped', transactionScope: 'migration' });
    expect(f!.message).toContain('cannot run inside a transaction block');
  });
  it('fires for a file sent as one multi-statement query (implicit transaction), whatever the statement order', async () => {
    expect(await lintRule(rule, { history: ORDERS, sql: `SET lock_timeout = '5s';\n${CIC}`, transaction: 'wrapped', transactionScope: 'implicit', layout: 'prisma' })).toHaveLength(1);
  });
  it('is silent when the statement runs on its own', async () => {
    expect(await lintRule(rule, { history: ORDERS, sql: CIC })).toEqual([]);
  });
  it('is silent when the tool runs such statements alone (Supabase CLI)', async () => {
    expect(await lintRule(rule, { history: ORDERS, sql: `SELECT 1;\n${CIC}`, transaction: 'wrapped', transactionScope: 'implicit', nonTransactionalStatementsRunAlone: true, layout: 'supabase' })).toEqual([]);
  });
  it('fires in a DO block, a function body', async () => {
    const [f] = await lintRule(rule, { history: ORDERS, sql: `DO $$ BEGIN EXECUTE 'SELECT 1'; ${CIC} END $$;` });
    expect(f!.message).toContain('DO block');
  });
  it('covers DROP INDEX / REINDEX / DETACH CONCURRENTLY and VACUUM', async () => {
    const sql = "BEGIN;\nDROP INDEX CONCURRENTLY orders_status_idx;\nREINDEX TABLE CONCURRENTLY orders;\nVACUUM orders;\nCOMMIT;";
    expect((await lintRule(rule, { history: ORDERS, sql })).map((f) => f.location.line)).toEqual([2, 3, 4]);
  });
});

describe('require-concurrent-index on partitioned tables', () => {
  const rule = 'require-concurrent-index';
  const P = "CREATE TABLE m (id bigint, d date) PARTITION BY RANGE (d);\nCREATE TABLE m_2020 PARTITION OF m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');\nCREATE TABLE m_2021 PARTITION OF m FOR VALUES FROM ('2021-01-01') TO ('2022-01-01');";
  it('gives the ON ONLY + per-partition CONCURRENTLY + ATTACH recipe', async () => {
    const [f] = await lintRule(rule, { history: P, sql: 'CREATE INDEX m_id_idx ON m (id);' });
    expect(f!.fix!.steps.map((s) => s.sql)).toEqual([
      'CREATE INDEX IF NOT EXISTS m_id_idx ON ONLY m (id);',
      'CREATE INDEX CONCURRENTLY IF NOT EXISTS m_2020_m_id_idx ON m_2020 (id);\nALTER INDEX m_id_idx ATTACH PARTITION m_2020_m_id_idx;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS m_2021_m_id_idx ON m_2021 (id);\nALTER INDEX m_id_idx ATTACH PARTITION m_2021_m_id_idx;',
    ]);
  });
  it('reports CONCURRENTLY on the parent, which Postgres refuses, and is silent for ON ONLY', async () => {
    const [f] = await lintRule(rule, { history: P, sql: 'CREATE INDEX CONCURRENTLY m_id_idx ON m (id);' });
    expect(f!.message).toContain('fails');
    expect(await lintRule(rule, { history: P, sql: 'CREATE INDEX m_id_idx ON ONLY m (id);' })).toEqual([]);
  });
});

describe('tables created by the change', () => {
  it('a table dropped and created again by the migration counts as new', async () => {
    expect(await lintRule('require-concurrent-index', { history: ORDERS, sql: 'DROP TABLE orders;\nCREATE TABLE orders (id bigint, customer_id bigint);\nCREATE INDEX ON orders (customer_id);' })).toEqual([]);
  });
});
