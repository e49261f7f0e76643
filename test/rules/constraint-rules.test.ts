/** Constraint rules: NOT VALID foreign keys and checks, unique constraints USING INDEX, SET NOT NULL. */
import { describe, expect, it } from 'vitest';
import { lintRule } from '../support/lint-sql.js';

const H = 'CREATE TABLE customers (id bigint PRIMARY KEY, email text);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric);';

describe('require-not-valid-foreign-key', () => {
  const rule = 'require-not-valid-foreign-key';
  it('fires with the lock on both tables and the NOT VALID + VALIDATE sequence', async () => {
    const [f] = await lintRule(rule, { history: H, sql: 'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE;' });
    expect(f!.lock).toEqual({ mode: 'SHARE ROW EXCLUSIVE', table: 'orders', blocks: 'writes' });
    expect(f!.message).toContain('customers');
    expect(f!.fix!.steps.map((s) => s.sql)).toEqual([
      'ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE NOT VALID;',
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk;',
    ]);
  });
  it('names the constraint Postgres generates, and slices one sub-command of a multi-command ALTER', async () => {
    const [f] = await lintRule(rule, { history: H, sql: 'ALTER TABLE orders ADD COLUMN note text, ADD FOREIGN KEY (customer_id) REFERENCES customers (id);' });
    expect(f!.fix!.steps.map((s) => s.sql)).toEqual([
      'ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;',
      'ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey;',
    ]);
  });
  it('fires on a new column with an inline REFERENCES', async () => {
    const [f] = await lintRule(rule, { history: H, sql: 'ALTER TABLE orders ADD COLUMN buyer_id bigint REFERENCES customers (id);' });
    expect(f!.fix!.steps[0]!.sql).toBe('ALTER TABLE orders ADD COLUMN buyer_id bigint;');
  });
  it('is silent for NOT VALID, and for a table created in this change (even referencing an old one)', async () => {
    expect(await lintRule(rule, { history: H, sql: 'ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;' })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: 'CREATE TABLE refunds (id bigint, order_id bigint);\nALTER TABLE refunds ADD FOREIGN KEY (order_id) REFERENCES orders (id);' })).toEqual([]);
  });
});

describe('require-not-valid-check', () => {
  const rule = 'require-not-valid-check';
  it('fires with ACCESS EXCLUSIVE and the two-step fix', async () => {
    const [f] = await lintRule(rule, { history: H, sql: 'ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total >= 0);' });
    expect(f!.lock?.mode).toBe('ACCESS EXCLUSIVE');
    expect(f!.fix!.steps.map((s) => s.sql)).toEqual(['ALTER TABLE orders ADD CONSTRAINT total_positive CHECK (total >= 0) NOT VALID;', 'ALTER TABLE orders VALIDATE CONSTRAINT total_positive;']);
  });
  it('fires on an inline CHECK of a new column', async () => {
    expect(await lintRule(rule, { history: H, sql: 'ALTER TABLE orders ADD COLUMN qty int CHECK (qty > 0);' })).toHaveLength(1);
  });
  it('is silent for NOT VALID, VALIDATE, and new tables', async () => {
    expect(await lintRule(rule, { history: H, sql: 'ALTER TABLE orders ADD CONSTRAINT c CHECK (total >= 0) NOT VALID;' })).toEqual([]);
    expect(await lintRule(rule, { sql: 'CREATE TABLE t (a int);\nALTER TABLE t ADD CONSTRAINT c CHECK (a > 0);' })).toEqual([]);
  });
});

describe('require-unique-using-index', () => {
  const rule = 'require-unique-using-index';
  it('fires on ADD UNIQUE with the concurrent index and USING INDEX', async () => {
    const [f] = await lintRule(rule, { history: H, sql: 'ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE (email);' });
    expect(f!.fix!.steps.map((s) => s.sql)).toEqual([
      'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS customers_email_key ON customers (email);',
      'ALTER TABLE customers ADD CONSTRAINT customers_email_key UNIQUE USING INDEX customers_email_key;',
    ]);
  });
  it('fires on a primary key over nullable columns, adding the NOT NULL recipe', async () => {
    const [f] = await lintRule(rule, { history: 'CREATE TABLE events (id bigint, body text);', sql: 'ALTER TABLE events ADD PRIMARY KEY (id);' });
    expect(f!.fix!.steps.map((s) => s.sql ?? '').join('\n')).toContain('CHECK (id IS NOT NULL) NOT VALID');
  });
  it('fires on PRIMARY KEY USING INDEX when the columns are nullable (SET NOT NULL scans)', async () => {
    const [f] = await lintRule(rule, { history: 'CREATE TABLE events (id bigint, body text);\nCREATE UNIQUE INDEX events_id_idx ON events (id);', sql: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;' });
    expect(f!.message).toContain('makes id NOT NULL');
  });
  it('fires on EXCLUDE, which has no concurrent form', async () => {
    const [f] = await lintRule(rule, { history: 'CREATE TABLE rooms (id bigint, during tsrange);', sql: 'ALTER TABLE rooms ADD CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&);' });
    expect(f!.message).toContain('no concurrent way');
  });
  it('is silent for USING INDEX over NOT NULL columns, and on new tables', async () => {
    expect(await lintRule(rule, { history: 'CREATE TABLE events (id bigint NOT NULL);\nCREATE UNIQUE INDEX events_id_idx ON events (id);', sql: 'ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_id_idx;' })).toEqual([]);
    expect(await lintRule(rule, { sql: 'CREATE TABLE t (a int);\nALTER TABLE t ADD UNIQUE (a);' })).toEqual([]);
  });
});

describe('set-not-null-scans-table', () => {
  const rule = 'set-not-null-scans-table';
  const SET = 'ALTER TABLE customers ALTER COLUMN email SET NOT NULL;';
  it('fires with the CHECK NOT VALID → VALIDATE → SET NOT NULL → DROP recipe on 12+', async () => {
    const [f] = await lintRule(rule, { history: H, sql: SET });
    expect(f!.lock?.mode).toBe('ACCESS EXCLUSIVE');
    expect(f!.fix!.steps.map((s) => s.sql)).toEqual([
      'ALTER TABLE customers ADD CONSTRAINT customers_email_not_null CHECK (email IS NOT NULL) NOT VALID;',
      'ALTER TABLE customers VALIDATE CONSTRAINT customers_email_not_null;',
      'ALTER TABLE customers ALTER COLUMN email SET NOT NULL;\nALTER TABLE customers DROP CONSTRAINT customers_email_not_null;',
    ]);
  });
  it('before 12 recommends keeping the CHECK instead', async () => {
    const [f] = await lintRule(rule, { history: H, sql: SET, pgVersion: 11 });
    expect(f!.fix!.steps).toHaveLength(1);
    expect(f!.fix!.steps[0]!.title).toContain('Postgres 11');
  });
  it('is silent when a validated CHECK (col IS NOT NULL) exists, from history or earlier in the change', async () => {
    const proven = `${H}\nALTER TABLE customers ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE customers VALIDATE CONSTRAINT email_nn;`;
    expect(await lintRule(rule, { history: proven, sql: SET })).toEqual([]);
    expect(await lintRule(rule, { history: H, sql: ['ALTER TABLE customers ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;', 'ALTER TABLE customers VALIDATE CONSTRAINT email_nn;', SET] })).toEqual([]);
  });
  it('fires when the CHECK is not validated, is about another column, or on Postgres 11', async () => {
    expect(await lintRule(rule, { history: `${H}\nALTER TABLE customers ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;`, sql: SET })).toHaveLength(1);
    expect(await lintRule(rule, { history: `${H}\nALTER TABLE customers ADD CONSTRAINT id_nn CHECK (id IS NOT NULL);`, sql: SET })).toHaveLength(1);
    const proven = `${H}\nALTER TABLE customers ADD CONSTRAINT email_nn CHECK (email IS NOT NULL);`;
    expect(await lintRule(rule, { history: proven, sql: SET, pgVersion: 11 })).toHaveLength(1);
  });
  it('fires on ADD CONSTRAINT … NOT NULL without NOT VALID (Postgres 18)', async () => {
    expect(await lintRule(rule, { history: H, sql: 'ALTER TABLE customers ADD CONSTRAINT email_nn NOT NULL email;' })).toHaveLength(1);
    expect(await lintRule(rule, { history: H, sql: 'ALTER TABLE customers ADD CONSTRAINT email_nn NOT NULL email NOT VALID;' })).toEqual([]);
  });
  it('is silent on a table created in this change and on an already NOT NULL column', async () => {
    expect(await lintRule(rule, { sql: 'CREATE TABLE t (a int);\nALTER TABLE t ALTER COLUMN a SET NOT NULL;' })).toEqual([]);
    expect(await lintRule(rule, { history: 'CREATE TABLE t (a int NOT NULL);', sql: 'ALTER TABLE t ALTER COLUMN a SET NOT NULL;' })).toEqual([]);
  });
});
