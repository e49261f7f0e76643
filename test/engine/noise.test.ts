/**
 * Signal over noise (issue 13), in memory: presets, tool-aware exceptions, one finding per statement per risk,
 * relations a migration creates in ways the replay cannot read, and the fixes Postgres must accept.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { configureRules, presetSeverity } from '../../src/engine/check.js';
import { readMigration } from '../../src/schema/history.js';
import { replay } from '../../src/schema/replay.js';
import { loadParser } from '../../src/sql/parser.js';
import type { Migration } from '../../src/migrations/migration.js';
import { lintRule, lintSql } from '../support/lint-sql.js';

const rule = (id: string) => rules.find((r) => r.id === id)!;

describe('presets', () => {
  it('the default preset turns the hygiene rules off; strict keeps every rule at its full severity', () => {
    const byDefault = new Map(configureRules(rules, {}).map((c) => [c.rule.id, c.severity]));
    const strict = new Map(configureRules(rules, { preset: 'strict' }).map((c) => [c.rule.id, c.severity]));
    for (const id of ['require-lock-timeout', 'require-statement-timeout', 'slow-statement-under-lock', 'prefer-text-over-varchar', 'prefer-text-over-char']) {
      expect(byDefault.has(id), id).toBe(false);
      expect(strict.get(id), id).toBe(rule(id).severity);
    }
    // Strict is today's set: every rule, at the severity it declares.
    expect(strict.size).toBe(rules.length);
    for (const r of rules) expect(strict.get(r.id)).toBe(r.severity);
    // The rules that catch outages keep their severity by default.
    expect(byDefault.get('require-concurrent-index')).toBe('error');
    expect(byDefault.get('dropped-column-in-use')).toBe('error');
  });

  it('a rule configured explicitly wins over the preset', () => {
    const configured = configureRules(rules, { rules: { 'require-lock-timeout': 'error' } });
    expect(configured.find((c) => c.rule.id === 'require-lock-timeout')?.severity).toBe('error');
    expect(presetSeverity(rule('require-lock-timeout'), undefined)).toBe('off');
    expect(presetSeverity(rule('require-lock-timeout'), 'strict')).toBe('warning');
  });
});

describe('tool-aware exceptions', () => {
  const history = 'CREATE TABLE events (id bigint PRIMARY KEY);';
  const sql = 'ALTER TABLE events ADD COLUMN seen_at TIMESTAMP(3);';

  it("prefer-timestamptz is silent on Prisma's DateTime (timestamp(3)) in a Prisma migration", async () => {
    expect(await lintRule('prefer-timestamptz', { history, sql, layout: 'prisma' })).toEqual([]);
  });

  it('prefer-timestamptz still reports timestamp(3) a person wrote, and other precisions in Prisma migrations', async () => {
    expect(await lintRule('prefer-timestamptz', { history, sql, layout: 'sql' })).toHaveLength(1);
    expect(await lintRule('prefer-timestamptz', { history, sql: 'ALTER TABLE events ADD COLUMN seen_at TIMESTAMP(6);', layout: 'prisma' })).toHaveLength(1);
  });

  const longFk = (suffix: string) => `organization_member_invitations_organization_id_organizations_id${suffix}`;
  const drizzleSql = (names: string[]) =>
    names.map((n, i) => `ALTER TABLE "t" ADD CONSTRAINT "${n}" FOREIGN KEY ("c${i}") REFERENCES "public"."o"("id");`).join('\n--> statement-breakpoint\n');
  const drizzleHistory = 'CREATE TABLE o (id bigint PRIMARY KEY);\nCREATE TABLE t (c0 bigint, c1 bigint);';

  it("identifier-too-long is silent on drizzle-kit's generated constraint names, which Postgres truncates the same way each time", async () => {
    expect(await lintRule('identifier-too-long', { history: drizzleHistory, sql: drizzleSql([longFk('_fk')]), layout: 'drizzle' })).toEqual([]);
    // The same name written in a hand-made migration is reported.
    expect(await lintRule('identifier-too-long', { history: drizzleHistory, sql: drizzleSql([longFk('_fk')]), layout: 'sql' })).toHaveLength(1);
  });

  it('identifier-too-long reports generated names whose truncations collide', async () => {
    const a = `${longFk('')}_with_a_suffix_one_fk`;
    const b = `${longFk('')}_with_a_suffix_two_fk`;
    const findings = await lintRule('identifier-too-long', { history: drizzleHistory, sql: drizzleSql([a, b]), layout: 'drizzle' });
    expect(findings.map((f) => f.message.match(/"([^"]+)"/)?.[1])).toEqual([a, b]);
  });
});

describe('one finding per statement per risk', () => {
  const history = 'CREATE TABLE likes (id bigint PRIMARY KEY, subject text);';
  const sql = 'CREATE INDEX likes_subject_idx ON likes (subject);';
  const strictRules = ['require-concurrent-index', 'require-lock-timeout', 'require-statement-timeout', 'slow-statement-under-lock'];

  it('folds lock_timeout and statement_timeout into the index finding, as notes and fix steps', async () => {
    const findings = await lintSql({ history, sql, rules: strictRules });
    expect(findings.map((f) => f.rule)).toEqual(['require-concurrent-index']);
    const [finding] = findings;
    expect(finding!.notes?.map((n) => n.rule)).toEqual(['require-lock-timeout', 'require-statement-timeout']);
    expect(finding!.notes?.[0]!.message).toContain('lock_timeout');
    expect(finding!.fix?.steps[0]?.sql).toBe("SET lock_timeout = '5s';");
    expect(finding!.fix?.steps.some((s) => s.sql === "SET statement_timeout = '5min';")).toBe(true);
  });

  it('keeps a secondary finding that has no primary on its statement', async () => {
    const findings = await lintSql({ history, sql: 'ALTER TABLE likes ADD COLUMN n int;', rules: strictRules });
    expect(findings.map((f) => f.rule)).toEqual(['require-lock-timeout']);
  });

  it('ban-drop-table stands alone when no code-aware finding is on its statement (its lock takes the lock_timeout note)', async () => {
    const findings = await lintSql({ history, sql: 'DROP TABLE likes;', rules: ['ban-drop-table', 'require-lock-timeout'] });
    expect(findings.map((f) => f.rule)).toEqual(['ban-drop-table']);
    expect(findings[0]!.notes?.map((n) => n.rule)).toEqual(['require-lock-timeout']);
  });
});

describe('relations a migration creates in a way the replay cannot read', () => {
  it('an index on a table created by dynamic SQL earlier in the same migration is not a lock hazard', async () => {
    const sql = "DO $$ BEGIN EXECUTE 'CREATE TABLE stats_new AS SELECT 1 AS n'; END $$;\nCREATE INDEX stats_new_n_idx ON stats_new (n);";
    expect(await lintRule('require-concurrent-index', { sql })).toEqual([]);
  });

  it('an index on a table the history does not know, and the migration does not create, is still reported', async () => {
    expect(await lintRule('require-concurrent-index', { sql: 'CREATE INDEX stats_n_idx ON stats (n);' })).toHaveLength(1);
  });
});

function migrationOf(path: string, text: string): Migration {
  return { path, layout: 'sql', set: 'db', order: 0, version: path, name: path, language: 'sql', text, sql: text, transaction: 'none', transactionReason: 'test', phase: 'pre-deploy' };
}

describe('wrong facts', () => {
  let pg: PGlite;
  beforeAll(async () => {
    await loadParser();
    pg = new PGlite();
    await pg.waitReady;
  }, 300_000);
  afterAll(async () => {
    await pg.close();
  });

  /** The definitions Postgres keeps of a table's constraints and indexes. */
  async function catalog(schema: string): Promise<string[]> {
    const { rows } = await pg.query<{ def: string }>(
      `SELECT conname || ': ' || pg_get_constraintdef(c.oid) || ' / ' || pg_get_indexdef(c.conindid) AS def
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
        WHERE n.nspname = $1 AND c.contype = 'u' ORDER BY 1`,
      [schema],
    );
    return rows.map((r) => r.def.replaceAll(`${schema}.`, ''));
  }

  it('the require-unique-using-index fix keeps NULLS NOT DISTINCT and INCLUDE: replayed in PGlite, the catalog is the original one', async () => {
    const history = 'CREATE TABLE members (id bigint PRIMARY KEY, team_id bigint, email text, role text);';
    const original = 'ALTER TABLE members ADD CONSTRAINT members_team_email_key UNIQUE NULLS NOT DISTINCT (team_id, email) INCLUDE (role);';
    const [finding] = await lintRule('require-unique-using-index', { history, sql: original });
    const fixSql = finding!.fix!.steps.flatMap((s) => (s.sql ? [s.sql] : []));
    expect(fixSql.join('\n')).toContain('NULLS NOT DISTINCT');

    await pg.exec(`CREATE SCHEMA a; SET search_path = a; ${history} ${original}`);
    await pg.exec(`CREATE SCHEMA b; SET search_path = b; ${history}`);
    // Each step on its own, as the fix says (CREATE INDEX CONCURRENTLY outside a transaction block).
    for (const sql of fixSql) await pg.exec(sql);
    expect(await catalog('b')).toEqual(await catalog('a'));
    expect((await catalog('a'))[0]).toContain('NULLS NOT DISTINCT');
  });

  it('CREATE TEMP TABLE … AS SELECT is no schema conflict: its columns come from the query, and it lives in pg_temp', async () => {
    const history = 'CREATE TABLE users (id bigint PRIMARY KEY, email text, team_id bigint);';
    const sql = [
      'CREATE TEMP TABLE dupes AS SELECT email, count(*) AS n, min(u.id) AS keep FROM users u GROUP BY email;',
      'CREATE INDEX ON dupes (email, keep);',
      'CREATE TEMP TABLE users AS SELECT * FROM users WHERE team_id IS NULL;',
      'ALTER TABLE dupes ADD COLUMN checked boolean;',
      'SELECT id, team_id INTO TEMP orphan_ids FROM users;',
      'CREATE INDEX ON orphan_ids (team_id);',
    ].join('\n');
    const migrations = [migrationOf('db/1.sql', history), migrationOf('db/2.sql', sql)].map((m) => readMigration(m));
    const replayed = replay(migrations.map((m) => ({ migration: m.migration, changes: m.changes })));
    expect(replayed.diagnostics).toEqual([]);
    // Postgres agrees: the same SQL runs.
    await pg.exec(`CREATE SCHEMA c; SET search_path = c; ${history} ${sql}`);
    const temp = replayed.migrations[1]!.after.tables.get('pg_temp.dupes');
    expect(temp?.columns.map((c) => c.name)).toEqual(['email', 'n', 'keep', 'checked']);
    expect(replayed.migrations[1]!.after.tables.get('pg_temp.users')?.columns.map((c) => c.name)).toEqual(['id', 'email', 'team_id']);
  });
});
