/**
 * The rules on application code, with ESLint's RuleTester: the code under test is the editor's text of a
 * file in the fixture shop (a git repository whose pending migrations drop nickname, rename name to
 * full_name, drop carts and rename vendors to suppliers).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, it } from 'vitest';
import plugin from '../../src/eslint/index.js';
import { shopRepo } from './project.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const repo = shopRepo();
afterAll(() => repo.remove());

const file = join(repo.root, 'src', 'check.ts');
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });
const pg = (sql: string): string => `import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query('${sql}');\n`;
/** Column (1-based) of `needle` in the query line of `pg()` code. */
const col = (sql: string, needle: string): number => "export const q = () => pool.query('".length + sql.indexOf(needle) + 1;

const nickname = 'SELECT id, nickname FROM customers WHERE id = $1';
const quotedName = 'SELECT "name" FROM customers';
const bareName = 'SELECT name FROM customers';
const drizzleNames = 'export const names = () => db.select({ n: customers.name }).from(customers);';

tester.run('no-dropped-column', plugin.rules['no-dropped-column'], {
  valid: [
    { code: pg('SELECT id, nickname FROM vendors'), filename: file },
    { code: pg('SELECT id, email, full_name FROM customers'), filename: file },
    { code: `export const body = { nickname: 'api field', name: 'x' };\n// customers.nickname is read by the old release only\n`, filename: file },
    {
      code: `import { Pool } from 'pg';\nconst pool = new Pool();\n// rollsafe-ignore dropped-column-in-use -- reads the backup copy until the next release\nexport const q = () => pool.query('${nickname}');\n`,
      filename: file,
    },
    // Not application code: a TS migration folder, and a file outside the repository.
    { code: pg(nickname), filename: join(repo.root, 'db', 'migrations', '010_backfill.ts') },
    { code: pg(nickname), filename: join(tmpdir(), 'rollsafe-eslint-elsewhere', 'check.ts') },
  ],
  invalid: [
    {
      // A Kysely chain on a receiver no import traces (the shop depends on kysely), its column in a constant.
      code: `const COLUMNS = ['id', 'nickname'];\nexport const q = (ctx: any) => ctx.db.selectFrom('customers').select(COLUMNS).execute();\n`,
      filename: file,
      errors: [{ message: 'Column customers.nickname is dropped by pending migration db/migrations/004_drop_nickname.sql:1; this code fails once it runs.', line: 2 }],
    },
    {
      code: pg(nickname),
      filename: file,
      errors: [
        {
          message: 'Column customers.nickname is dropped by pending migration db/migrations/004_drop_nickname.sql:1; this code fails once it runs.',
          line: 3,
          column: col(nickname, 'nickname'),
          endColumn: col(nickname, 'nickname') + 'nickname'.length,
        },
      ],
    },
    {
      code: pg(quotedName),
      filename: file,
      errors: [
        {
          message: 'Column customers.name is renamed to full_name by pending migration db/migrations/005_rename_name.sql:1; this code fails once it runs.',
          line: 3,
          column: col(quotedName, '"name"'),
          suggestions: [{ desc: 'Use the new name "full_name".', output: pg('SELECT "full_name" FROM customers') }],
        },
      ],
    },
    {
      code: pg(bareName),
      filename: file,
      errors: [{ message: /^Column customers\.name is renamed to full_name/, line: 3, column: col(bareName, 'name'), suggestions: [{ desc: 'Use the new name "full_name".', output: pg('SELECT full_name FROM customers') }] }],
    },
    {
      // A Drizzle usage in this file resolves to the model declared in src/db/schema.ts.
      code: `import { db } from './db/client.js';\nimport { customers } from './db/schema.js';\n${drizzleNames}\n`,
      filename: file,
      errors: [{ message: /renamed to full_name by pending migration db\/migrations\/005_rename_name\.sql:1/, line: 3, column: drizzleNames.indexOf('customers.name') + 1 }],
    },
  ],
});

tester.run('no-dropped-table', plugin.rules['no-dropped-table'], {
  valid: [{ code: pg('SELECT id FROM customers'), filename: file }, { code: pg('SELECT id, nickname FROM suppliers'), filename: file }],
  invalid: [
    {
      // One report for the query, at the table's name, not one per column.
      code: pg('SELECT id, created_at FROM carts WHERE customer_id = $1'),
      filename: file,
      errors: [
        {
          message: 'Table carts is dropped by pending migration db/migrations/006_drop_carts.sql:1; this code fails once it runs.',
          line: 3,
          column: col('SELECT id, created_at FROM carts WHERE customer_id = $1', 'carts'),
        },
      ],
    },
    {
      code: pg('SELECT id, nickname FROM vendors'),
      filename: file,
      errors: [
        {
          message: 'Table vendors is renamed to suppliers by pending migration db/migrations/008_rename_vendors.sql:1; this code fails once it runs.',
          suggestions: [{ desc: 'Use the new name "suppliers".', output: pg('SELECT id, nickname FROM suppliers') }],
        },
      ],
    },
  ],
});

tester.run('no-unknown-column', plugin.rules['no-unknown-column'], {
  valid: [
    { code: pg('SELECT id FROM warehouse_events'), filename: file },
    { code: pg('SELECT email, full_name FROM customers'), filename: file },
    // Dropped by a pending migration: no-dropped-column's finding, not an unknown column.
    { code: pg(nickname), filename: file },
  ],
  invalid: [
    {
      code: pg('SELECT phone FROM customers'),
      filename: file,
      errors: [{ message: 'Column customers.phone does not exist in the schema the migrations build.', line: 3, column: col('SELECT phone FROM customers', 'phone') }],
    },
    {
      code: pg('SELECT code FROM coupons'),
      filename: file,
      errors: [
        {
          message: 'Table coupons does not exist in the schema the migrations build (an earlier migration dropped or renamed it).',
          column: col('SELECT code FROM coupons', 'coupons'),
        },
      ],
    },
  ],
});

const released = shopRepo({ pending: false });
afterAll(() => released.remove());

tester.run('no-dropped-column without pending migrations', plugin.rules['no-dropped-column'], {
  valid: [{ code: pg(nickname), filename: join(released.root, 'src', 'check.ts') }],
  invalid: [],
});
