/** Enum values added in a transaction; constraints added to domains in use. */
import { describe, expect, it } from 'vitest';
import { lintRule } from '../support/lint-sql.js';

const E = "CREATE TYPE status AS ENUM ('new', 'paid');\nCREATE TABLE orders (id bigint PRIMARY KEY, status status);";

describe('enum-value-in-transaction', () => {
  const rule = 'enum-value-in-transaction';
  it('before 12: fires whenever ADD VALUE runs in a transaction block', async () => {
    expect(await lintRule(rule, { history: E, sql: "ALTER TYPE status ADD VALUE 'void';", pgVersion: 11, transaction: 'wrapped' })).toHaveLength(1);
    expect(await lintRule(rule, { history: E, sql: "BEGIN;\nALTER TYPE status ADD VALUE 'void';\nCOMMIT;", pgVersion: 11 })).toHaveLength(1);
    expect(await lintRule(rule, { history: E, sql: "ALTER TYPE status ADD VALUE 'void';", pgVersion: 11 })).toEqual([]);
  });
  it('12+: fires only when a later statement of the same transaction uses the value', async () => {
    const use = "ALTER TYPE status ADD VALUE 'void';\nUPDATE orders SET status = 'void' WHERE id = 1;";
    const [f] = await lintRule(rule, { history: E, sql: use, transaction: 'wrapped' });
    expect(f!.message).toContain('line 2');
    expect(await lintRule(rule, { history: E, sql: "ALTER TYPE status ADD VALUE 'void';", transaction: 'wrapped' })).toEqual([]);
    // Not in the same transaction: each statement runs on its own.
    expect(await lintRule(rule, { history: E, sql: use })).toEqual([]);
    // Committed before the use.
    expect(await lintRule(rule, { history: E, sql: "BEGIN;\nALTER TYPE status ADD VALUE 'void';\nCOMMIT;\nUPDATE orders SET status = 'void';" })).toEqual([]);
  });
  it('does not mistake another value for the new one', async () => {
    expect(await lintRule(rule, { history: E, sql: "ALTER TYPE status ADD VALUE 'void';\nUPDATE orders SET status = 'paid' WHERE id = 1;", transaction: 'wrapped' })).toEqual([]);
  });
});

describe('domain-constraint-validates-columns', () => {
  const rule = 'domain-constraint-validates-columns';
  const D = 'CREATE DOMAIN email AS text;\nCREATE TABLE a (id bigint, e email);\nCREATE TABLE b (id bigint, contact email);';
  it('lists every column of the domain and the SHARE lock on their tables', async () => {
    const [f] = await lintRule(rule, { history: D, sql: "ALTER DOMAIN email ADD CONSTRAINT at CHECK (VALUE ~ '@');" });
    expect(f!.message).toContain('a.e, b.contact');
    expect(f!.lock).toEqual({ mode: 'SHARE', table: 'a', blocks: 'writes' });
    expect(f!.fix!.steps.map((s) => s.sql)).toEqual([
      "ALTER TABLE a ADD CONSTRAINT a_e_check CHECK (e ~ '@') NOT VALID;\nALTER TABLE a VALIDATE CONSTRAINT a_e_check;",
      "ALTER TABLE b ADD CONSTRAINT b_contact_check CHECK (contact ~ '@') NOT VALID;\nALTER TABLE b VALIDATE CONSTRAINT b_contact_check;",
    ]);
  });
  it('NOT VALID defers the check: the later VALIDATE is reported instead', async () => {
    expect(await lintRule(rule, { history: D, sql: "ALTER DOMAIN email ADD CONSTRAINT at CHECK (VALUE ~ '@') NOT VALID;" })).toEqual([]);
    const [f] = await lintRule(rule, { history: `${D}\nALTER DOMAIN email ADD CONSTRAINT at CHECK (VALUE ~ '@') NOT VALID;`, sql: 'ALTER DOMAIN email VALIDATE CONSTRAINT at;' });
    expect(f!.message).toContain('Validating a constraint of the domain email');
  });
  it('is silent for a domain no existing table uses', async () => {
    expect(await lintRule(rule, { history: 'CREATE DOMAIN email AS text;', sql: "ALTER DOMAIN email ADD CONSTRAINT at CHECK (VALUE ~ '@');" })).toEqual([]);
    expect(await lintRule(rule, { history: 'CREATE DOMAIN email AS text;', sql: "CREATE TABLE c (e email);\nALTER DOMAIN email ADD CONSTRAINT at CHECK (VALUE ~ '@');" })).toEqual([]);
  });
});
