/** Lock-rule findings can be suppressed, and a suppression that silences none of them is reported. */
import { describe, expect, it } from 'vitest';
import { lintSql } from '../support/lint-sql.js';

const H = 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);';
const rules = ['require-concurrent-index', 'require-lock-timeout', 'unused-suppression'];

describe('suppressing lock findings', () => {
  it('a rollsafe-ignore comment before the statement silences that rule only', async () => {
    const sql = '-- rollsafe-ignore require-concurrent-index -- orders holds 40 rows\nCREATE INDEX orders_customer_idx ON orders (customer_id);';
    const findings = await lintSql({ history: H, sql, rules });
    expect(findings.map((f) => f.rule)).toEqual(['require-lock-timeout']);
  });

  it('rollsafe-ignore-file silences the rule in the whole migration', async () => {
    const sql = '-- rollsafe-ignore-file require-concurrent-index, require-lock-timeout -- maintenance window\nCREATE INDEX a ON orders (customer_id);\nCREATE INDEX b ON orders (id, customer_id);';
    expect(await lintSql({ history: H, sql, rules })).toEqual([]);
  });

  it('a suppression that silences nothing is reported by unused-suppression', async () => {
    const sql = "SET lock_timeout = '5s';\n-- rollsafe-ignore require-concurrent-index -- left over\nCREATE INDEX CONCURRENTLY orders_customer_idx ON orders (customer_id);";
    const findings = await lintSql({ history: H, sql, rules });
    expect(findings.map((f) => [f.rule, f.location.line])).toEqual([['unused-suppression', 2]]);
  });

  it('of two comments for the same statement the first is used; each of thousands of statements has its own', async () => {
    const two = '-- rollsafe-ignore require-concurrent-index -- first\n-- rollsafe-ignore require-concurrent-index -- second\nCREATE INDEX a ON orders (customer_id);';
    const findings = await lintSql({ history: H, sql: `SET lock_timeout = '5s';\n${two}`, rules });
    expect(findings.map((f) => [f.rule, f.location.line])).toEqual([['unused-suppression', 3]]);

    const many = Array.from({ length: 3000 }, (_, i) => `-- rollsafe-ignore require-concurrent-index -- ${i}\nCREATE INDEX i${i} ON orders (customer_id);`);
    // One statement without its comment: only it is reported, at its line.
    many[1500] = 'CREATE INDEX lone ON orders (customer_id);';
    const more = await lintSql({ history: H, sql: `SET lock_timeout = '5s';\n${many.join('\n')}`, rules });
    expect(more.map((f) => [f.rule, f.location.line])).toEqual([['require-concurrent-index', 2 + 1500 * 2]]);
  });
});
