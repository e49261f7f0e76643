/**
 * Every format, from real runs: byte-identical across runs and across repositories whose files were created
 * in a different order (so directory listings differ), and the real SARIF is valid against the schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { runCheck } from '../../src/engine/check.js';
import type { CheckResult } from '../../src/engine/result.js';
import { FORMATS, writeReport, type FormatName } from '../../src/report/index.js';
import { TestRepo, type Files } from '../support/git-repo.js';
import { sarifValidator } from '../support/sarif-schema.js';
import { runCli } from '../faults/support.js';

const history: Files = {
  'db/migrations/001_jobs.sql': 'CREATE TABLE jobs (id bigint PRIMARY KEY, state text NOT NULL, kind text);\n',
  'db/migrations/002_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, note text);\n',
  'src/poller.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const poll = () => pool.query(`SELECT id, state FROM jobs WHERE state = 'queued'`);\n",
  'src/orders.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const notes = () => pool.query(`SELECT note FROM orders`);\n",
  'src/a/deep/more.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const kinds = () => pool.query(`SELECT kind FROM jobs`);\n",
};
const head: Files = {
  'db/migrations/003_drop_state.sql': 'ALTER TABLE jobs DROP COLUMN state;\n',
  'db/migrations/004_orders.sql': '-- tidy orders\nCREATE INDEX orders_customer_idx ON orders (customer_id);\nALTER TABLE orders DROP COLUMN note;\n',
  'db/migrations/005_kind.sql': 'ALTER TABLE jobs RENAME COLUMN kind TO type;\n',
};

function build(order: 'forward' | 'reverse'): TestRepo {
  const repo = new TestRepo('rollsafe-report-');
  const ordered = (files: Files): Files => Object.fromEntries(order === 'forward' ? Object.entries(files) : Object.entries(files).reverse());
  repo.commit('base', ordered(history)).tag('base');
  repo.write(ordered(head));
  return repo;
}

async function check(repo: TestRepo): Promise<CheckResult> {
  return runCheck({ root: repo.root, config: {}, rules, env: {}, base: 'base' });
}

function render(result: CheckResult, format: FormatName): string {
  let out = '';
  writeReport(result, format, { write: (t) => void (out += t), isTTY: false }, {}, { version: '0.0.0-test' });
  return out;
}

const repos: TestRepo[] = [];
let forward: CheckResult;
let reverse: CheckResult;
let again: CheckResult;

beforeAll(async () => {
  repos.push(build('forward'), build('reverse'));
  forward = await check(repos[0]!);
  reverse = await check(repos[1]!);
  again = await check(repos[0]!);
});
afterAll(() => repos.forEach((r) => r.remove()));

describe('report determinism', () => {
  it('the runs find the planted problems', () => {
    const rulesFound = new Set(forward.findings.map((f) => f.rule));
    for (const id of ['dropped-column-in-use', 'renamed-column-in-use', 'require-concurrent-index']) expect(rulesFound).toContain(id);
    expect(forward.newMigrations).toHaveLength(3);
  });

  for (const format of FORMATS) {
    it(`${format}: byte-identical across runs and file-system orders, with repository-relative paths`, () => {
      const a = render(forward, format);
      expect(a.length).toBeGreaterThan(100);
      expect(render(again, format)).toBe(a);
      expect(render(reverse, format)).toBe(a);
      for (const repo of repos) expect(a).not.toContain(repo.root);
    });
  }

  it('json and sarif: byte-identical when runs happen at the same time, in-process and as CLI processes sharing a cache', async () => {
    const [a, b, c] = await Promise.all([check(repos[0]!), check(repos[1]!), check(repos[0]!)]);
    for (const format of ['json', 'sarif'] as const) {
      const expected = render(forward, format);
      expect(render(a, format)).toBe(expected);
      expect(render(b, format)).toBe(expected);
      expect(render(c, format)).toBe(expected);
    }
    const cli = (repo: TestRepo, format: string) => runCli(repo.root, ['check', '--base', 'base', '--format', format]);
    const [p, q, r, s] = await Promise.all([cli(repos[0]!, 'json'), cli(repos[1]!, 'json'), cli(repos[0]!, 'sarif'), cli(repos[1]!, 'sarif')]);
    expect(p.stdout.length).toBeGreaterThan(100);
    expect(q.stdout).toBe(p.stdout);
    expect(s.stdout).toBe(r.stdout);
  }, 60_000);

  it('the SARIF of a real run is valid against the official schema', () => {
    const validate = sarifValidator();
    const log = JSON.parse(render(forward, 'sarif')) as { runs: { results: { relatedLocations?: unknown[] }[] }[] };
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.runs[0]!.results.some((r) => (r.relatedLocations?.length ?? 0) > 0)).toBe(true);
  });
});
