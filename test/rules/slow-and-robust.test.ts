/** Locks held across statements of one transaction, and statements that break a re-run of a non-transactional migration. */
import { describe, expect, it } from 'vitest';
import { lintRule } from '../support/lint-sql.js';

const H = 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, note text);';
const FK = 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;';
const VALIDATE = 'ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;';

describe('slow-statement-under-lock', () => {
  const rule = 'slow-statement-under-lock';
  it('fires on VALIDATE in the same transaction as the NOT VALID add', async () => {
    const [f] = await lintRule(rule, { history: H, sql: `${FK}\n${VALIDATE}`, transaction: 'wrapped' });
    expect(f!.location.line).toBe(2);
    expect(f!.lock).toEqual({ mode: 'SHARE ROW EXCLUSIVE', table: 'orders', blocks: 'writes' });
    expect(f!.fix!.steps[1]!.sql).toBe(`${VALIDATE}`);
  });
  it('fires on a backfill after a schema change in one explicit transaction', async () => {
    const [f] = await lintRule(rule, { history: H, sql: "BEGIN;\nALTER TABLE orders ADD COLUMN status text;\nUPDATE orders SET status = 'new';\nCOMMIT;" });
    expect(f!.message).toContain('ACCESS EXCLUSIVE lock that line took on orders');
  });
  it('is silent when the statements run in separate transactions', async () => {
    expect(await lintRule(rule, { history: H, sql: `${FK}\n${VALIDATE}` })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: `BEGIN;\n${FK}\nCOMMIT;\n${VALIDATE}` })).toEqual([]);
  });
  it('is silent when the lock is on a table created in this change, or the later work is quick', async () => {
    expect(await lintRule(rule, { history: H, sql: "CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;\nINSERT INTO t (a) VALUES (1);", transaction: 'wrapped' })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: "ALTER TABLE orders ADD COLUMN status text;\nINSERT INTO customers (id) VALUES (1);", transaction: 'wrapped' })).toEqual([]);
  });
  it('reports each held lock once', async () => {
    const f = await lintRule(rule, { history: H, sql: "ALTER TABLE orders ADD COLUMN a text;\nUPDATE orders SET a = 'x';\nUPDATE orders SET a = 'y';", transaction: 'wrapped' });
    expect(f.map((x) => x.location.line)).toEqual([2]);
  });
});

describe('prefer-robust-statements', () => {
  const rule = 'prefer-robust-statements';
  it('fires in a migration that must run outside a transaction, on statements followed by others', async () => {
    const sql = 'CREATE TABLE audit (id bigint);\nALTER TABLE orders ADD COLUMN audited_at timestamptz;\nCREATE INDEX CONCURRENTLY orders_audited_idx ON orders (audited_at);';
    const f = await lintRule(rule, { history: H, sql });
    expect(f.map((x) => x.location.line)).toEqual([1, 2]);
    expect(f[0]!.fix!.steps[0]!.sql).toBe('CREATE TABLE IF NOT EXISTS audit (id bigint);');
    expect(f[1]!.fix!.steps[0]!.sql).toBe('ALTER TABLE orders ADD COLUMN IF NOT EXISTS audited_at timestamptz;');
  });
  it('gives re-runnable SQL for DROP COLUMN and ADD CONSTRAINT', async () => {
    const sql = 'ALTER TABLE "orders" DROP note;\nALTER TABLE orders ADD UNIQUE (customer_id);\nVACUUM orders;';
    const f = await lintRule(rule, { history: H, sql });
    expect(f.map((x) => x.fix!.steps[0]!.sql)).toEqual([
      'ALTER TABLE orders DROP COLUMN IF EXISTS note;',
      'ALTER TABLE orders DROP CONSTRAINT IF EXISTS orders_customer_id_key, ADD CONSTRAINT orders_customer_id_key UNIQUE (customer_id);',
    ]);
  });
  it('fires for a tool known to run statements one by one', async () => {
    expect(await lintRule(rule, { history: H, sql: 'ALTER TABLE orders ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;', layout: 'dbmate' })).toHaveLength(1);
  });
  it('is silent in a transaction, for the last statement, for IF [NOT] EXISTS, and for plain SQL folders with an unknown runner', async () => {
    expect(await lintRule(rule, { history: H, sql: 'ALTER TABLE orders ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;', layout: 'dbmate', transaction: 'wrapped', transactionScope: 'migration' })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: 'ALTER TABLE orders ADD COLUMN IF NOT EXISTS a text;\nCREATE INDEX CONCURRENTLY IF NOT EXISTS i ON orders (a);' })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: 'ALTER TABLE orders ADD COLUMN a text;\nALTER TABLE orders ADD COLUMN b text;' })).toEqual([]);
  });
});
