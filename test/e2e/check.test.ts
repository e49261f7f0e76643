/**
 * `rollsafe check` end to end: real git repositories made by each test, the CLI run in-process.
 */
import { cpSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { checkJson, rollsafe, type CheckJson } from '../support/cli.js';
import { TestRepo, type Files } from '../support/git-repo.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));
const fixtures = join(import.meta.dirname, '..', '..', 'fixtures');

function repo(): TestRepo {
  const r = new TestRepo('rollsafe-e2e-');
  repos.push(r);
  return r;
}

/** These tests are about the code-aware and suppression rules; lock rules have their own tests. */
const ours = new Set(rules.filter((r) => r.family === 'code-aware' || r.family === 'meta').map((r) => r.id));
const codeFindings = (json: CheckJson): CheckJson['findings'] => json.findings.filter((f) => ours.has(f.rule));

const pg = (sql: string): string => `import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query(\`${sql}\`);\n`;

/** A repository whose base release (tag `base`) has `base` files; `head` is written on top, uncommitted. */
function scenario(base: Files, head: Files): TestRepo {
  const r = repo();
  r.commit('base', base).tag('base');
  r.write(head);
  return r;
}

describe('the incident', () => {
  it('flags the dropped column that the running release still polls, and points at its poller', async () => {
    const r = repo();
    cpSync(join(fixtures, 'demo', 'release-1'), r.root, { recursive: true });
    r.commit('release 1').tag('release-1');
    cpSync(join(fixtures, 'demo', 'release-2'), r.root, { recursive: true });
    const { code, json } = await checkJson(r.root, ['--base', 'release-1']);
    expect(code).toBe(1);
    expect(json.base).toBe('release-1');
    expect(json.summary.newMigrations).toEqual(['db/migrations/003_replace_state_with_status.sql']);
    expect(codeFindings(json).map((f) => [f.rule, f.severity, f.migration?.line, f.target?.column])).toEqual([['dropped-column-in-use', 'error', 5, 'state']]);
    const refs = json.findings[0]!.references;
    expect(new Set(refs.map((x) => `${x.source} ${x.ref} ${x.path}`))).toEqual(new Set(['base release-1 src/worker/poller.ts']));
    expect(refs.map((x) => x.line)).toEqual([13, 14, 15]);
    expect(json.findings[0]!.fix?.steps.at(-1)?.sql).toBe('ALTER TABLE jobs DROP COLUMN state;');
  });

  it('passes the expand/contract version of the same change', async () => {
    const r = repo();
    cpSync(join(fixtures, 'demo', 'release-1'), r.root, { recursive: true });
    r.commit('release 1').tag('release-1');
    cpSync(join(fixtures, 'demo', 'release-2-safe'), r.root, { recursive: true });
    r.commit('release 2 safe');
    const { code, json } = await checkJson(r.root, ['--base', 'release-1']);
    expect(codeFindings(json)).toEqual([]);
    expect(code).toBe(0);
  });

  it('prints the finding for people: code frame, the running code, the fix', async () => {
    const r = repo();
    cpSync(join(fixtures, 'demo', 'release-1'), r.root, { recursive: true });
    r.commit('release 1').tag('release-1');
    cpSync(join(fixtures, 'demo', 'release-2'), r.root, { recursive: true });
    const { code, stdout } = await rollsafe(r.root, ['check', '--base', 'release-1']);
    expect(code).toBe(1);
    expect(stdout).toContain('db/migrations/003_replace_state_with_status.sql');
    expect(stdout).toMatch(/5:1\s+error\s+Column jobs\.state is dropped while the release still running \(base release-1\) still uses it/);
    expect(stdout).toContain('> 5 | ALTER TABLE jobs DROP COLUMN state;');
    expect(stdout).toContain('base release-1  src/worker/poller.ts:13:');
    expect(stdout).toContain('Fix: Drop the column in two releases');
    expect(stdout).toMatch(/✖ 1 error in 1 migration \(checked 1 new migration of 3 migrations, \d+ code files; base release-1 \(--base\)\)/);
    expect(stdout.includes('\u001b[')).toBe(false); // no colours when not a TTY
  });
});

describe('code-aware rules through ORMs', () => {
  const users = 'CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL, name text);\n';

  it('renamed-column-in-use: a Prisma model field of the running release is an implicit reference', async () => {
    const schema = (field: string): string =>
      `datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel User {\n  id    BigInt @id @default(autoincrement())\n  email String\n  ${field}\n  @@map("users")\n}\n`;
    const r = scenario(
      { 'prisma/migrations/20240101000000_init/migration.sql': users, 'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n', 'prisma/schema.prisma': schema('name  String?') },
      {
        'prisma/migrations/20240201000000_rename/migration.sql': 'ALTER TABLE "users" RENAME COLUMN "name" TO "full_name";\n',
        'prisma/schema.prisma': schema('fullName String? @map("full_name")'),
      },
    );
    const { code, json } = await checkJson(r.root, ['--base', 'base']);
    expect(code).toBe(1);
    const f = codeFindings(json).find((x) => x.rule === 'renamed-column-in-use')!;
    expect(f.references.map((x) => [x.source, x.path, x.kind, x.implicit])).toEqual([['base', 'prisma/schema.prisma', 'model', true]]);
    expect(f.fix?.steps.some((s) => s.sql?.includes('ADD COLUMN full_name text'))).toBe(true);
  });

  it('required-column-not-written: the running release inserts without the new required column', async () => {
    const r = scenario(
      { 'db/migrations/001_users.sql': users, 'src/signup.ts': pg('INSERT INTO users (email, name) VALUES ($1, $2)') },
      { 'db/migrations/002_plan.sql': 'ALTER TABLE users ADD COLUMN plan text NOT NULL;\n' },
    );
    const { json } = await checkJson(r.root, ['--base', 'base']);
    const f = codeFindings(json).find((x) => x.rule === 'required-column-not-written')!;
    expect(f.references.map((x) => [x.source, x.path, x.kind])).toEqual([
      ['base', 'src/signup.ts', 'insert'],
      ['worktree', 'src/signup.ts', 'insert'],
    ]);
  });

  it('changed-type-in-use: an incompatible type change under code that reads it; widening is information', async () => {
    const r = scenario(
      { 'db/migrations/001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, quantity integer, note varchar(20));\n', 'src/orders.ts': pg('SELECT quantity, note FROM orders') },
      { 'db/migrations/002_types.sql': 'ALTER TABLE orders ALTER COLUMN quantity TYPE text;\nALTER TABLE orders ALTER COLUMN note TYPE text;\n' },
    );
    const { json } = await checkJson(r.root, ['--base', 'base']);
    const typeFindings = codeFindings(json).filter((x) => x.rule === 'changed-type-in-use').map((x) => [x.target?.column, x.severity]);
    expect(typeFindings).toEqual([
      ['quantity', 'error'],
      ['note', 'info'],
    ]);
  });

  it('dropped-table-in-use: a table still used in tests only is a warning', async () => {
    const r = scenario(
      { 'db/migrations/001.sql': 'CREATE TABLE audit (id bigint PRIMARY KEY, entry text);\n', 'test/audit.test.ts': pg('SELECT entry FROM audit') },
      { 'db/migrations/002.sql': 'DROP TABLE audit;\n' },
    );
    const { code, json } = await checkJson(r.root, ['--base', 'base']);
    expect(codeFindings(json).filter((f) => f.rule === 'dropped-table-in-use').map((f) => f.severity)).toEqual(['warning']);
    expect(code).toBe(0);
  });
});

describe('ready signals', () => {
  it('the running release no longer references the column', async () => {
    const r = scenario(
      { 'db/migrations/001.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, legacy text, name text);\n', 'src/u.ts': pg('SELECT id, name FROM users') },
      { 'db/migrations/002.sql': 'ALTER TABLE users DROP COLUMN legacy;\n' },
    );
    const { code, json } = await checkJson(r.root, ['--base', 'base']);
    expect(codeFindings(json).filter((f) => f.rule.endsWith('-in-use'))).toEqual([]);
    expect(code).toBe(0);
  });

  it('a compatibility view keeps the old table name', async () => {
    const r = scenario(
      { 'db/migrations/001.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n', 'src/u.ts': pg('SELECT email FROM users') },
      { 'db/migrations/002.sql': 'BEGIN;\nALTER TABLE users RENAME TO accounts;\nCREATE VIEW users AS SELECT * FROM accounts;\nCOMMIT;\n' },
    );
    const { json } = await checkJson(r.root, ['--base', 'base']);
    expect(codeFindings(json).filter((f) => f.rule.endsWith('-in-use'))).toEqual([]);
  });

  it('a table created by the new migrations is not the one the running release used (a reused name)', async () => {
    const r = scenario(
      {
        'db/migrations/001.sql': 'CREATE TABLE sessions (id bigint PRIMARY KEY, token text);\n',
        'db/migrations/002.sql': 'DROP TABLE sessions;\n',
        'src/old.ts': pg('SELECT token FROM sessions'),
      },
      {
        'db/migrations/003.sql': 'CREATE TABLE sessions (id bigint PRIMARY KEY, token text, device text);\n',
        'db/migrations/004.sql': 'ALTER TABLE sessions DROP COLUMN token;\n',
        'src/old.ts': null,
      },
    );
    const { json } = await checkJson(r.root, ['--base', 'base']);
    expect(codeFindings(json).filter((f) => f.rule === 'dropped-column-in-use')).toEqual([]);
  });

  it('a TypeORM column that is neither selected nor written by default', async () => {
    const entity = (extra: string): string =>
      `import { Entity, PrimaryGeneratedColumn, Column } from 'typeorm';\n\n@Entity('users')\nexport class User {\n  @PrimaryGeneratedColumn()\n  id!: number;\n\n  @Column()\n  email!: string;\n${extra}}\n`;
    const r = scenario(
      {
        'db/migrations/001.sql': 'CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL, secret text, legacy text);\n',
        'src/user.entity.ts': entity("\n  @Column({ select: false, insert: false, update: false })\n  secret?: string;\n\n  @Column({ select: false })\n  legacy?: string;\n"),
      },
      { 'db/migrations/002.sql': 'ALTER TABLE users DROP COLUMN secret;\nALTER TABLE users DROP COLUMN legacy;\n' },
    );
    const { json } = await checkJson(r.root, ['--base', 'base']);
    // `secret` is never read or written by default; `legacy` is still inserted by every save().
    expect(codeFindings(json).filter((f) => f.rule === 'dropped-column-in-use').map((f) => f.target?.column)).toEqual(['legacy']);
  });
});

describe('deploy models', () => {
  it('after-deploy: the new code must survive the old schema; the running release is gone when migrations run', async () => {
    const r = scenario(
      {
        'rollsafe.config.json': JSON.stringify({ deployModel: 'after-deploy' }),
        'db/migrations/001.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, legacy text);\n',
        'src/u.ts': pg('SELECT legacy FROM users'),
      },
      {
        'db/migrations/002.sql': 'ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users DROP COLUMN legacy;\n',
        'src/u.ts': pg('SELECT nickname FROM users'),
      },
    );
    const { code, json } = await checkJson(r.root, ['--base', 'base']);
    expect(codeFindings(json).map((f) => [f.rule, f.severity, f.target?.column])).toEqual([['unknown-column-reference', 'error', 'nickname']]);
    expect(code).toBe(1);
  });

  it('post-deploy migrations only need the new code to survive them', async () => {
    const base = {
      'rollsafe.config.json': JSON.stringify({ postDeployMigrations: ['db/post_migrate'] }),
      'db/migrate/001.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, legacy text, name text);\n',
      'db/post_migrate/.keep': '',
      'src/u.ts': pg('SELECT legacy FROM users'),
    };
    const clean = scenario(base, { 'db/post_migrate/002_drop.sql': 'ALTER TABLE users DROP COLUMN legacy;\n', 'src/u.ts': pg('SELECT name FROM users') });
    expect(codeFindings((await checkJson(clean.root, ['--base', 'base'])).json).filter((f) => f.rule.endsWith('-in-use'))).toEqual([]);
    const stillUsed = scenario(base, { 'db/post_migrate/002_drop.sql': 'ALTER TABLE users DROP COLUMN legacy;\n' });
    const { json } = await checkJson(stillUsed.root, ['--base', 'base']);
    expect(codeFindings(json).filter((f) => f.rule === 'dropped-column-in-use').flatMap((f) => f.references.map((x) => x.source))).toEqual(['worktree']);
  });
});

describe('which migrations are new', () => {
  it('a monorepo with two migration sets', async () => {
    const r = scenario(
      {
        'packages/api/prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "Post" (id serial PRIMARY KEY, title text);\n',
        'packages/api/prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
        'packages/billing/db/migrations/001_invoices.sql': 'CREATE TABLE invoices (id bigint PRIMARY KEY, total bigint);\n',
        'packages/billing/src/i.ts': pg('SELECT total FROM invoices'),
      },
      { 'packages/billing/db/migrations/002_drop.sql': 'ALTER TABLE invoices DROP COLUMN total;\n' },
    );
    const { json } = await checkJson(r.root, ['--base', 'base']);
    expect(json.summary.newMigrations).toEqual(['packages/billing/db/migrations/002_drop.sql']);
    expect(json.summary.migrations).toBe(3);
    expect(codeFindings(json).map((f) => f.rule)).toContain('dropped-column-in-use');
  });

  it('a merge commit: new = added relative to its first parent', async () => {
    const r = repo();
    r.commit('base', { 'db/migrations/001.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, legacy text);\n', 'src/u.ts': pg('SELECT legacy FROM users') });
    r.git('checkout', '-q', '-b', 'feature');
    r.commit('feature', { 'db/migrations/002.sql': 'ALTER TABLE users DROP COLUMN legacy;\n' });
    r.git('checkout', '-q', 'main');
    r.commit('unrelated', { 'README.md': 'hello\n' });
    r.git('merge', '-q', '--no-ff', '-m', 'merge feature', 'feature');
    const { json } = await checkJson(r.root, ['--base', 'HEAD^1']);
    expect(json.summary.newMigrations).toEqual(['db/migrations/002.sql']);
    expect(codeFindings(json).map((f) => f.rule)).toEqual(['dropped-column-in-use']);
  });

  it('files given on the command line are the new migrations', async () => {
    const r = scenario({ 'db/migrations/001.sql': 'CREATE TABLE t (id int);\n', 'db/migrations/002.sql': 'ALTER TABLE t ADD COLUMN c int;\n' }, {});
    const { json } = await checkJson(r.root, ['db/migrations/002.sql']);
    expect(json.summary.newMigrations).toEqual(['db/migrations/002.sql']);
    expect(json.base).toBeNull();
  });

  it('without a base, the staged migrations (pre-commit)', async () => {
    const r = scenario({ 'db/migrations/001.sql': 'CREATE TABLE t (id int);\n' }, { 'db/migrations/002.sql': 'ALTER TABLE t ADD COLUMN c int;\n', 'db/migrations/003.sql': 'SELECT 1;\n' });
    r.git('add', 'db/migrations/002.sql');
    const { json } = await checkJson(r.root);
    expect(json.summary.newMigrations).toEqual(['db/migrations/002.sql']);
  });

  it('takes the base from GITHUB_BASE_REF and says so', async () => {
    const r = scenario({ 'db/migrations/001.sql': 'CREATE TABLE t (id int);\n' }, { 'db/migrations/002.sql': 'ALTER TABLE t ADD COLUMN c int;\n' });
    r.git('update-ref', 'refs/remotes/origin/main', 'base');
    const { json } = await checkJson(r.root, [], { GITHUB_BASE_REF: 'main' });
    expect(json.base).toBe('origin/main');
    expect(json.summary.baseChosenBy).toBe('GITHUB_BASE_REF');
    expect(json.summary.newMigrations).toEqual(['db/migrations/002.sql']);
  });
});

describe('precision traps', () => {
  const history = 'CREATE TABLE users (id bigint PRIMARY KEY, email text, nickname text);\nCREATE TABLE orders (id bigint PRIMARY KEY, email text);\n';
  const drop = { 'db/migrations/002.sql': 'ALTER TABLE users DROP COLUMN email;\n' };

  it('the same column name on another table', async () => {
    const r = scenario({ 'db/migrations/001.sql': history, 'src/o.ts': pg('SELECT email FROM orders') }, drop);
    expect(codeFindings((await checkJson(r.root, ['--base', 'base'])).json)).toEqual([]);
  });

  it('an alias of another table', async () => {
    const r = scenario({ 'db/migrations/001.sql': history, 'src/o.ts': pg('SELECT u.nickname, o.email FROM users u JOIN orders o ON o.id = u.id') }, drop);
    expect(codeFindings((await checkJson(r.root, ['--base', 'base'])).json)).toEqual([]);
  });

  it('identifiers in comments and an API field with the column name', async () => {
    const code = `import { Pool } from 'pg';\nconst pool = new Pool();\n// SELECT email FROM users\nexport async function me(res: { json(v: unknown): void }) {\n  const { rows } = await pool.query('SELECT id, nickname FROM users');\n  res.json({ email: rows[0].nickname });\n}\n`;
    const r = scenario({ 'db/migrations/001.sql': history, 'src/me.ts': code }, drop);
    expect(codeFindings((await checkJson(r.root, ['--base', 'base'])).json)).toEqual([]);
  });

  it("a migration folder's own SQL is not live code", async () => {
    const r = scenario({ 'db/migrations/001.sql': history + "INSERT INTO users (id, email) VALUES (1, 'a@b.c');\n" }, drop);
    expect(codeFindings((await checkJson(r.root, ['--base', 'base'])).json)).toEqual([]);
  });
});

describe('suppressions', () => {
  const base = { 'db/migrations/001.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, legacy text);\n', 'src/u.ts': pg('SELECT legacy FROM users') };

  it('a reasoned suppression before the statement silences the finding', async () => {
    const r = scenario(base, { 'db/migrations/002.sql': '-- rollsafe-ignore dropped-column-in-use -- the poller is off since release 41\nALTER TABLE users DROP COLUMN legacy;\n' });
    const { code, json } = await checkJson(r.root, ['--base', 'base']);
    expect(codeFindings(json)).toEqual([]);
    expect(code).toBe(0);
  });

  it('reports a suppression without a reason, and one that suppresses nothing', async () => {
    const r = scenario(base, {
      'db/migrations/002.sql': '-- rollsafe-ignore dropped-column-in-use\nALTER TABLE users DROP COLUMN legacy;\n-- rollsafe-ignore dropped-table-in-use -- nothing here\nALTER TABLE users ADD COLUMN x text;\n',
    });
    const { json } = await checkJson(r.root, ['--base', 'base']);
    expect(codeFindings(json).map((f) => [f.rule, f.location.line])).toEqual([
      ['suppression-without-reason', 1],
      ['unused-suppression', 3],
    ]);
  });

  it('a suppression comment in code silences that reference', async () => {
    const code = `import { Pool } from 'pg';\nconst pool = new Pool();\n// rollsafe-ignore dropped-column-in-use -- dead code, removed in this release\nexport const q = () => pool.query('SELECT legacy FROM users');\n`;
    const r = scenario({ ...base, 'src/u.ts': code }, { 'db/migrations/002.sql': 'ALTER TABLE users DROP COLUMN legacy;\n', 'src/u.ts': null });
    expect(codeFindings((await checkJson(r.root, ['--base', 'base'])).json)).toEqual([]);
  });
});

describe('usage errors exit 2 with one clear line', () => {
  it('a base ref that does not exist', async () => {
    const r = scenario({ 'db/migrations/001.sql': 'CREATE TABLE t (id int);\n' }, {});
    const { code, stderr } = await rollsafe(r.root, ['check', '--base', 'nope']);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^rollsafe: git ref "nope" does not exist in this repository/);
  });

  it('a missing --migrations folder', async () => {
    const r = scenario({ 'db/migrations/001.sql': 'CREATE TABLE t (id int);\n' }, {});
    const { code, stderr } = await rollsafe(r.root, ['check', '--migrations', 'db/nowhere']);
    expect(code).toBe(2);
    expect(stderr).toContain('db/nowhere');
  });

  it('an unknown flag and a bad format', async () => {
    const r = scenario({ 'db/migrations/001.sql': 'CREATE TABLE t (id int);\n' }, {});
    expect((await rollsafe(r.root, ['check', '--frobnicate'])).code).toBe(2);
    expect((await rollsafe(r.root, ['check', '--format', 'xml'])).stderr).toContain('--format must be one of');
  });

  it('a config file with an unknown key', async () => {
    const r = scenario({ 'rollsafe.config.json': '{ "deployModle": "after-deploy" }', 'db/migrations/001.sql': 'CREATE TABLE t (id int);\n' }, {});
    const { code, stderr } = await rollsafe(r.root, ['check']);
    expect(code).toBe(2);
    expect(stderr).toBe('rollsafe: rollsafe.config.json: unknown key "deployModle"; did you mean "deployModel"?\n');
  });
});

describe('bad input never loses findings elsewhere', () => {
  it('an unparsable statement is a diagnostic; the finding in the next statement is still reported', async () => {
    const r = scenario(
      { 'db/migrations/001.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, legacy text);\n', 'src/u.ts': pg('SELECT legacy FROM users'), 'src/broken.ts': 'export const = ;\n' },
      { 'db/migrations/002.sql': 'ALTER TABLE users ADD COLUMN oops;\nALTER TABLE users DROP COLUMN legacy;\n' },
    );
    const { code, json } = await checkJson(r.root, ['--base', 'base']);
    expect(code).toBe(1);
    expect(codeFindings(json).map((f) => f.rule)).toEqual(['dropped-column-in-use']);
    expect(json.diagnostics.map((d) => [d.path, d.line, d.code])).toContainEqual(['db/migrations/002.sql', 1, 'sql-syntax']);
  });
});

it('fixtures used here exist', () => {
  expect(readdirSync(join(fixtures, 'demo'))).toContain('release-1');
});
