/** Session rules: lock_timeout, statement_timeout, BEGIN without COMMIT, nesting, explicit transactions in wrapped migrations. */
import { describe, expect, it } from 'vitest';
import { lintRule } from '../support/lint-sql.js';

const H = 'CREATE TABLE users (id bigint PRIMARY KEY, email text);';
const ADD = 'ALTER TABLE users ADD COLUMN nickname text;';

describe('require-lock-timeout', () => {
  const rule = 'require-lock-timeout';
  it('fires once, at the first statement that blocks traffic on an existing table', async () => {
    const f = await lintRule(rule, { history: H, sql: `CREATE TABLE t (a int);\nALTER TABLE t ADD COLUMN b int;\n${ADD}\n${ADD.replace('nickname', 'bio')}` });
    expect(f.map((x) => x.location.line)).toEqual([3]);
    expect(f[0]!.lock).toEqual({ mode: 'ACCESS EXCLUSIVE', table: 'users', blocks: 'reads and writes' });
    expect(f[0]!.fix!.steps[0]!.sql).toBe("SET lock_timeout = '5s';");
  });
  it('suggests SET LOCAL in a wrapped migration', async () => {
    const [f] = await lintRule(rule, { history: H, sql: ADD, transaction: 'wrapped' });
    expect(f!.fix!.steps[0]!.sql).toBe("SET LOCAL lock_timeout = '5s';");
  });
  it('is silent after SET, set_config() or SET LOCAL inside a transaction', async () => {
    expect(await lintRule(rule, { history: H, sql: `SET lock_timeout = '2s';\n${ADD}` })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: `SELECT set_config('lock_timeout', '2s', false);\n${ADD}` })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: `SET LOCAL lock_timeout = '2s';\n${ADD}`, transaction: 'wrapped' })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: `BEGIN;\nSET LOCAL lock_timeout = '2s';\n${ADD}\nCOMMIT;` })).toEqual([]);
  });
  it('fires when the timeout is 0, reset, or a SET LOCAL outside a transaction', async () => {
    expect(await lintRule(rule, { history: H, sql: `SET lock_timeout = 0;\n${ADD}` })).toHaveLength(1);
    expect(await lintRule(rule, { history: H, sql: `SET lock_timeout = '2s';\nRESET lock_timeout;\n${ADD}` })).toHaveLength(1);
    const [f] = await lintRule(rule, { history: H, sql: `SET LOCAL lock_timeout = '2s';\n${ADD}` });
    expect(f!.message).toContain('SET LOCAL lock_timeout on line 1 has no effect');
  });
  it('counts the lock on a referenced table and on a partitioned parent', async () => {
    expect(await lintRule(rule, { history: H, sql: 'CREATE TABLE posts (id bigint, user_id bigint REFERENCES users (id));' })).toHaveLength(1);
    const P = 'CREATE TABLE m (id int, d date) PARTITION BY RANGE (d);';
    const [f] = await lintRule(rule, { history: P, sql: "CREATE TABLE m1 PARTITION OF m FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');" });
    expect(f!.lock).toEqual({ mode: 'ACCESS EXCLUSIVE', table: 'm', blocks: 'reads and writes' });
  });
  it('is silent for statements that do not block traffic', async () => {
    expect(await lintRule(rule, { history: H, sql: 'CREATE INDEX CONCURRENTLY ON users (email);\nALTER TABLE users VALIDATE CONSTRAINT users_pkey;\nCREATE TABLE t (a int);' })).toEqual([]);
  });
  it('reports a lock_timeout set for a role or database, which outlives the migration', async () => {
    const [f] = await lintRule(rule, { history: H, sql: `ALTER ROLE app SET lock_timeout = '1s';` });
    expect(f!.message).toContain('every future session');
  });
});

describe('require-statement-timeout', () => {
  const rule = 'require-statement-timeout';
  it('fires on a rewrite or scan under a blocking lock without statement_timeout', async () => {
    const [f] = await lintRule(rule, { history: H, sql: 'ALTER TABLE users ALTER COLUMN id TYPE numeric;' });
    expect(f!.lock?.mode).toBe('ACCESS EXCLUSIVE');
    expect(f!.fix!.steps[0]!.sql).toBe("SET statement_timeout = '30s';");
  });
  it('is silent with a statement_timeout, for instant changes, and for non-blocking long work', async () => {
    expect(await lintRule(rule, { history: H, sql: "SET statement_timeout = '10s';\nALTER TABLE users ALTER COLUMN id TYPE numeric;" })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: ADD })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: 'CREATE INDEX CONCURRENTLY ON users (email);' })).toEqual([]);
  });
  it('reports a statement_timeout set for a database', async () => {
    expect(await lintRule(rule, { sql: "ALTER DATABASE app SET statement_timeout = '5s';" })).toHaveLength(1);
  });
});

describe('unclosed-transaction', () => {
  const rule = 'unclosed-transaction';
  it('fires on BEGIN without COMMIT, at the BEGIN', async () => {
    const [f] = await lintRule(rule, { history: H, sql: `SELECT 1;\nBEGIN;\n${ADD}` });
    expect(f!.location.line).toBe(2);
  });
  it('also in a file sent as one query (the implicit transaction does not commit an explicit BEGIN)', async () => {
    expect(await lintRule(rule, { history: H, sql: `BEGIN;\n${ADD}`, transaction: 'wrapped', transactionScope: 'implicit' })).toHaveLength(1);
  });
  it('is silent when committed or rolled back, and when the tool commits its own transaction', async () => {
    expect(await lintRule(rule, { history: H, sql: `BEGIN;\n${ADD}\nCOMMIT;` })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: `BEGIN;\n${ADD}\nROLLBACK;` })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: `BEGIN;\n${ADD}`, transaction: 'wrapped', transactionScope: 'migration' })).toEqual([]);
  });
});

describe('nested-transaction', () => {
  const rule = 'nested-transaction';
  it('fires on BEGIN inside BEGIN, COMMIT without a transaction, and SAVEPOINT outside one', async () => {
    expect((await lintRule(rule, { history: H, sql: `BEGIN;\n${ADD}\nBEGIN;\nCOMMIT;` })).map((f) => f.location.line)).toEqual([3]);
    expect((await lintRule(rule, { history: H, sql: `${ADD}\nCOMMIT;` })).map((f) => f.location.line)).toEqual([2]);
    const [f] = await lintRule(rule, { history: H, sql: `SAVEPOINT s;\n${ADD}` });
    expect(f!.severity).toBe('error');
  });
  it('is silent for a well-formed transaction with savepoints', async () => {
    expect(await lintRule(rule, { history: H, sql: `BEGIN;\nSAVEPOINT s;\n${ADD}\nROLLBACK TO SAVEPOINT s;\nCOMMIT;` })).toEqual([]);
  });
});

describe('transaction-in-wrapped-migration', () => {
  const rule = 'transaction-in-wrapped-migration';
  it('fires when the tool opens the transaction (per migration, or per batch)', async () => {
    expect(await lintRule(rule, { history: H, sql: `BEGIN;\n${ADD}\nCOMMIT;`, transaction: 'wrapped', transactionScope: 'migration', layout: 'flyway' })).toHaveLength(1);
    const [f] = await lintRule(rule, { history: H, sql: `${ADD}\nCOMMIT;`, transaction: 'wrapped', transactionScope: 'batch', layout: 'drizzle' });
    expect(f!.message).toContain('every earlier migration of the same run');
    const [r] = await lintRule(rule, { history: H, sql: `${ADD}\nROLLBACK;`, transaction: 'wrapped', transactionScope: 'migration' });
    expect(r!.severity).toBe('error');
  });
  it('is silent for implicit transactions (an explicit BEGIN takes over) and unwrapped migrations', async () => {
    expect(await lintRule(rule, { history: H, sql: `BEGIN;\n${ADD}\nCOMMIT;`, transaction: 'wrapped', transactionScope: 'implicit', layout: 'prisma' })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: `BEGIN;\n${ADD}\nCOMMIT;` })).toEqual([]);
  });
});
