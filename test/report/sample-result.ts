/** A CheckResult built by hand, with every feature the CI formats carry and text that needs escaping. */
import type { Diagnostic } from '../../src/diagnostic.js';
import type { SourceLocation } from '../../src/location.js';
import type { CheckResult } from '../../src/engine/result.js';
import type { Finding, LiveReference } from '../../src/engine/types.js';
import { rules } from '../../rules/index.js';

/** C0 and C1 control characters other than tab and line feed: no report may let one through raw. */
// eslint-disable-next-line no-control-regex
export const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

export const loc = (path: string, line: number, column: number, endLine = line, endColumn = column): SourceLocation => ({ path, line, column, endLine, endColumn });

export const DROP_MIGRATION = 'db/migrations/003_drop_state.sql';
export const INDEX_MIGRATION = 'db/migrations/004 index, "orders".sql';
export const DROP_SQL = '-- drop the old column\nALTER TABLE jobs DROP COLUMN state;\n';
export const INDEX_SQL = 'CREATE INDEX orders_customer_idx ON orders (customer_id);\n';

export function reference(overrides: Partial<LiveReference> = {}): LiveReference {
  return {
    table: 'jobs',
    column: 'state',
    kind: 'read',
    confidence: 'certain',
    implicit: false,
    context: 'app',
    location: loc('src/worker/poller.ts', 14, 44, 14, 49),
    extractor: 'raw-sql',
    snippet: "WHERE state = 'queued'",
    source: 'base',
    ref: 'release-1',
    ...overrides,
  };
}

export function dropFinding(line = 2): Finding {
  const statementLocation = loc(DROP_MIGRATION, line, 1, line, 35);
  return {
    rule: 'dropped-column-in-use',
    severity: 'error',
    message: 'Column jobs.state is dropped while the release still running (base release-1) still uses it (2 references).',
    migration: DROP_MIGRATION,
    location: loc(DROP_MIGRATION, line, 18, line, 35),
    statement: { index: 0, type: 'AlterTableStmt', text: 'ALTER TABLE jobs DROP COLUMN state;', location: statementLocation },
    target: { schema: 'public', table: 'jobs', column: 'state' },
    references: [reference(), reference({ kind: 'write', location: loc('src/worker/poller.ts', 13, 22, 13, 27), snippet: "UPDATE jobs SET state = 'running'", source: 'worktree', ref: null })],
    fix: {
      summary: 'Drop the column in two releases (expand/contract).',
      steps: [{ title: 'Stop using the column in the code (this release).' }, { title: 'Then drop the column in a later migration.', sql: 'ALTER TABLE jobs DROP COLUMN state;' }],
    },
    help: 'Remove the column from the code, release that, then drop it.',
  };
}

/** A lock finding whose message carries characters every format must escape. */
export function indexFinding(): Finding {
  return {
    rule: 'require-concurrent-index',
    severity: 'warning',
    message: 'CREATE INDEX on "orders" [100% of rows], scan: 1,2\r\nnext \u001b[31mred\u001b[0m <b>&\'quoted\' \ud800',
    migration: INDEX_MIGRATION,
    location: loc(INDEX_MIGRATION, 1, 1, 1, 57),
    statement: { index: 0, type: 'IndexStmt', text: INDEX_SQL.trim(), location: loc(INDEX_MIGRATION, 1, 1, 1, 57) },
    target: { schema: 'public', table: 'orders' },
    references: [],
    lock: { mode: 'SHARE', table: 'orders', blocks: 'writes' },
    help: 'Create the index CONCURRENTLY.',
  };
}

export function codeOnlyFinding(): Finding {
  return {
    rule: 'unknown-column-reference',
    severity: 'info',
    message: 'The new code uses column users.nickname, which the migrated schema does not have (1 reference).',
    migration: null,
    location: loc('src/api/users.ts', 7, 10, 7, 18),
    target: { schema: 'public', table: 'users', column: 'nickname' },
    references: [reference({ table: 'users', column: 'nickname', location: loc('src/api/users.ts', 7, 10, 7, 18), source: 'worktree', ref: null, snippet: 'SELECT nickname FROM users' })],
  };
}

export function diagnostics(): Diagnostic[] {
  return [
    { code: 'sql-syntax', severity: 'error', message: 'syntax error at or near "TABEL"', location: loc('db/migrations/005_broken.sql', 3, 8, 3, 13), hint: 'fix the statement' },
    { code: 'migration-order', severity: 'warning', message: 'two migrations share version 003', location: loc('db/migrations/003_drop_state.sql', 1, 1) },
  ];
}

export function sampleResult(overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    base: { ref: 'release-1', chosenBy: '--base' },
    findings: [dropFinding(), indexFinding(), codeOnlyFinding()],
    diagnostics: diagnostics(),
    newMigrations: [DROP_MIGRATION, INDEX_MIGRATION, 'db/migrations/005_broken.sql'],
    migrationCount: 5,
    codeFileCount: 3,
    texts: new Map([
      [DROP_MIGRATION, DROP_SQL],
      [INDEX_MIGRATION, INDEX_SQL],
    ]),
    rules,
    ...overrides,
  };
}

export function emptyResult(): CheckResult {
  return sampleResult({ findings: [], diagnostics: [], newMigrations: [], texts: new Map() });
}
