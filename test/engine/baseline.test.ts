import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BASELINE_VERSION,
  findingFingerprint,
  formatBaseline,
  matchBaseline,
  parseBaseline,
  staleDiagnostics,
  updateBaseline,
  type Baseline,
  type BaselineScope,
} from '../../src/engine/baseline.js';
import type { Finding } from '../../src/engine/types.js';
import { rollsafe } from '../support/cli.js';
import { TestRepo } from '../support/git-repo.js';
import { codeOnlyFinding, DROP_MIGRATION, dropFinding, indexFinding, INDEX_MIGRATION } from '../report/sample-result.js';

const ALL_RULES = ['dropped-column-in-use', 'require-concurrent-index', 'unknown-column-reference'];
const scope = (overrides: Partial<BaselineScope> = {}): BaselineScope => ({
  checkedMigrations: [DROP_MIGRATION, INDEX_MIGRATION],
  activeRules: ALL_RULES,
  knownRules: ALL_RULES,
  ...overrides,
});
const always = { fileExists: () => true };

/** The same finding, shifted down `by` lines (the migration got a comment at the top). */
function shifted(finding: Finding, by: number): Finding {
  const move = <T extends { line: number; endLine: number }>(l: T): T => ({ ...l, line: l.line + by, endLine: l.endLine + by });
  return { ...finding, location: move(finding.location), ...(finding.statement ? { statement: { ...finding.statement, location: move(finding.statement.location) } } : {}) };
}

describe('finding fingerprints', () => {
  it('survive lines moving and the statement being re-wrapped', () => {
    const f = dropFinding(2);
    expect(findingFingerprint(shifted(f, 17))).toBe(findingFingerprint(f));
    // Re-wrapped: the statement spans two lines, the sub-command starts the second one.
    const rewrapped: Finding = {
      ...f,
      location: { path: f.location.path, line: 3, column: 3, endLine: 3, endColumn: 20 },
      statement: { ...f.statement!, text: 'ALTER TABLE jobs\n  DROP COLUMN state;', location: { path: f.location.path, line: 2, column: 1, endLine: 3, endColumn: 21 } },
    };
    expect(findingFingerprint(rewrapped)).toBe(findingFingerprint(f));
    expect(findingFingerprint({ ...rewrapped, location: { ...rewrapped.location, column: 4 } })).not.toBe(findingFingerprint(f));
  });

  it('change with the rule, file, target, statement and the sub-command it points at', () => {
    const f = dropFinding();
    const base = findingFingerprint(f);
    expect(findingFingerprint({ ...f, rule: 'renamed-column-in-use' })).not.toBe(base);
    expect(findingFingerprint({ ...f, location: { ...f.location, path: 'db/other.sql' } })).not.toBe(base);
    expect(findingFingerprint({ ...f, target: { schema: 'public', table: 'jobs', column: 'kind' } })).not.toBe(base);
    expect(findingFingerprint({ ...f, statement: { ...f.statement!, text: 'ALTER TABLE jobs DROP COLUMN state CASCADE;' } })).not.toBe(base);
    // Same statement, another sub-command of it (columns 1–11 instead of 18–34).
    expect(findingFingerprint({ ...f, location: { ...f.location, column: 1, endColumn: 11 } })).not.toBe(base);
  });

  it('use the line text for findings with neither statement nor target', () => {
    const suppression: Finding = { ...codeOnlyFinding(), rule: 'unused-suppression', target: undefined, migration: DROP_MIGRATION, location: { path: DROP_MIGRATION, line: 1, column: 1, endLine: 1, endColumn: 30 } };
    expect(findingFingerprint(suppression, '-- rollsafe-ignore ban-drop-table')).toBe(findingFingerprint(shifted(suppression, 4), '-- rollsafe-ignore  ban-drop-table '));
    expect(findingFingerprint(suppression, '-- rollsafe-ignore ban-drop-table')).not.toBe(findingFingerprint(suppression, '-- rollsafe-ignore ban-truncate-cascade'));
  });
});

describe('matching a baseline', () => {
  const baseline = updateBaseline([dropFinding(), indexFinding(), codeOnlyFinding()], null, scope(), always);

  it('accepts the findings it records, even after they moved, and reports the others', () => {
    const fresh: Finding = { ...dropFinding(), target: { schema: 'public', table: 'jobs', column: 'kind' } };
    const match = matchBaseline([shifted(dropFinding(), 3), indexFinding(), fresh, codeOnlyFinding()], baseline, scope());
    expect(match.baselined.map((f) => f.rule)).toEqual(['dropped-column-in-use', 'require-concurrent-index', 'unknown-column-reference']);
    expect(match.findings).toEqual([fresh]);
    expect(match.stale).toEqual([]);
  });

  it('counts equal fingerprints: a second copy of an accepted statement is reported', () => {
    const match = matchBaseline([dropFinding(2), dropFinding(9)], baseline, scope());
    expect(match.baselined).toHaveLength(1);
    expect(match.findings.map((f) => f.location.line)).toEqual([9]);
  });

  it('reports entries in scope that match nothing as stale, and leaves the others alone', () => {
    const match = matchBaseline([indexFinding()], baseline, scope());
    expect(match.stale.map((s) => [s.file, s.rule])).toEqual([
      [DROP_MIGRATION, 'dropped-column-in-use'],
      ['src/api/users.ts', 'unknown-column-reference'],
    ]);
    // Not checked in this run (another migration, no new migration at all, or the rule turned off): not stale.
    expect(matchBaseline([indexFinding()], baseline, scope({ checkedMigrations: [INDEX_MIGRATION] })).stale.map((s) => s.rule)).toEqual(['unknown-column-reference']);
    expect(matchBaseline([], baseline, scope({ checkedMigrations: [] })).stale).toEqual([]);
    expect(matchBaseline([indexFinding()], baseline, scope({ activeRules: ['require-concurrent-index'] })).stale).toEqual([]);
    // A rule that no longer exists: stale wherever it is.
    expect(matchBaseline([], baseline, scope({ checkedMigrations: [], knownRules: ['require-concurrent-index', 'unknown-column-reference'] })).stale.map((s) => s.rule)).toEqual(['dropped-column-in-use']);
  });

  it('points stale warnings at their line of the baseline file', () => {
    const text = formatBaseline(baseline);
    const stale = matchBaseline([indexFinding(), codeOnlyFinding()], baseline, scope()).stale;
    const [d] = staleDiagnostics(stale, 'rollsafe-baseline.json', text);
    expect(d).toMatchObject({ code: 'baseline-stale', severity: 'warning', location: { path: 'rollsafe-baseline.json' } });
    expect(text.split('\n')[d!.location.line - 1]).toContain(stale[0]!.entry.fingerprint);
    expect(d!.message).toContain('dropped-column-in-use');
    expect(d!.message).toContain('jobs.state');
  });
});

describe('writing a baseline', () => {
  it('is sorted by file, rule and fingerprint whatever the finding order, and parses back', () => {
    const a = formatBaseline(updateBaseline([dropFinding(), indexFinding(), codeOnlyFinding()], null, scope(), always));
    const b = formatBaseline(updateBaseline([codeOnlyFinding(), indexFinding(), dropFinding()], null, scope(), always));
    expect(b).toBe(a);
    const parsed = JSON.parse(a) as Baseline;
    expect(parsed.version).toBe(BASELINE_VERSION);
    expect(Object.keys(parsed.files)).toEqual([DROP_MIGRATION, INDEX_MIGRATION, 'src/api/users.ts']);
    expect(parsed.files[DROP_MIGRATION]!['dropped-column-in-use']).toEqual([
      { fingerprint: findingFingerprint(dropFinding()), migration: DROP_MIGRATION, target: 'jobs.state', statement: 'ALTER TABLE jobs DROP COLUMN state;' },
    ]);
    expect(parseBaseline(a, 'rollsafe-baseline.json')).toEqual({ baseline: parsed, diagnostics: [] });
  });

  it('keeps entries this run did not look at while their file exists, and drops stale ones', () => {
    const previous = updateBaseline([dropFinding(), indexFinding()], null, scope(), always);
    // This run checked only the index migration, and it no longer has its finding.
    const next = updateBaseline([], previous, scope({ checkedMigrations: [INDEX_MIGRATION] }), always);
    expect(Object.keys(next.files)).toEqual([DROP_MIGRATION]);
    const gone = updateBaseline([], previous, scope({ checkedMigrations: [INDEX_MIGRATION] }), { fileExists: (p) => p !== DROP_MIGRATION });
    expect(gone.files).toEqual({});
  });
});

describe('reading a baseline', () => {
  it('turns a broken file into a diagnostic and an empty baseline', () => {
    const notJson = parseBaseline('{ nope', 'rollsafe-baseline.json');
    expect(notJson.baseline.files).toEqual({});
    expect(notJson.diagnostics.map((d) => [d.code, d.severity])).toEqual([['baseline-invalid', 'error']]);
    expect(parseBaseline('{"version": 2, "files": {}}', 'b.json').diagnostics[0]!.message).toContain('"version": 1');
    const badEntry = parseBaseline('{\n  "version": 1,\n  "files": {\n    "a.sql": { "r": [ { "migration": "a.sql" } ] }\n  }\n}\n', 'b.json');
    expect(badEntry.diagnostics.map((d) => d.location.line)).toEqual([4]);
  });
});

describe('rollsafe check with a baseline', () => {
  const repos: TestRepo[] = [];
  afterAll(() => repos.forEach((r) => r.remove()));
  const unsafe = 'CREATE INDEX orders_customer_idx ON orders (customer_id);\n';

  it('--update-baseline accepts the findings; moved lines stay accepted; new and stale ones are reported', async () => {
    const repo = new TestRepo('rollsafe-baseline-');
    repos.push(repo);
    // Committed long ago: on a table created minutes before, a lock finding is only a warning (likely small).
    process.env.GIT_COMMITTER_DATE = '2020-01-01T00:00:00Z';
    try {
      repo.commit('base', { 'db/migrations/001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, email text);\n' }).tag('base');
    } finally {
      delete process.env.GIT_COMMITTER_DATE;
    }
    repo.write({ 'db/migrations/002_index.sql': unsafe });

    const first = await rollsafe(repo.root, ['check', '--base', 'base']);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('require-concurrent-index');

    const update = await rollsafe(repo.root, ['check', '--base', 'base', '--update-baseline']);
    expect(update.code).toBe(0);
    expect(update.stderr).toMatch(/wrote rollsafe-baseline\.json \(\d+ accepted findings? in 1 file\)/);
    const written = readFileSync(join(repo.root, 'rollsafe-baseline.json'), 'utf8');
    expect(JSON.parse(written).files['db/migrations/002_index.sql']['require-concurrent-index']).toHaveLength(1);

    repo.write({ 'db/migrations/002_index.sql': `-- orders by customer\n\n${unsafe}` });
    const moved = await rollsafe(repo.root, ['check', '--base', 'base', '--format', 'json']);
    expect(moved.code).toBe(0);
    const json = JSON.parse(moved.stdout) as { findings: unknown[]; summary: { baselined: number } };
    expect(json.findings).toEqual([]);
    expect(json.summary.baselined).toBeGreaterThanOrEqual(1);
    const pretty = await rollsafe(repo.root, ['check', '--base', 'base']);
    expect(pretty.stdout).toMatch(/baselined findings? not shown/);

    repo.write({ 'db/migrations/002_index.sql': 'CREATE INDEX orders_email_idx ON orders (email);\n' });
    const changed = await rollsafe(repo.root, ['check', '--base', 'base', '--format', 'json']);
    expect(changed.code).toBe(1);
    const after = JSON.parse(changed.stdout) as { findings: { rule: string; location: { line: number } }[]; diagnostics: { code: string; path: string; line: number }[] };
    expect(after.findings.map((f) => f.rule)).toContain('require-concurrent-index');
    const stale = after.diagnostics.filter((d) => d.code === 'baseline-stale');
    expect(stale.length).toBeGreaterThanOrEqual(1);
    expect(stale.every((d) => d.path === 'rollsafe-baseline.json' && d.line > 1)).toBe(true);
  });

  it('reads the baseline from the path in the config', async () => {
    const repo = new TestRepo('rollsafe-baseline-');
    repos.push(repo);
    repo.commit('base', { 'db/migrations/001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);\n' }).tag('base');
    repo.write({ 'db/migrations/002_index.sql': unsafe, 'rollsafe.config.json': '{ "baseline": "ci/accepted.json" }\n' });
    repo.write({ 'ci/.keep': '' });
    expect((await rollsafe(repo.root, ['check', '--base', 'base', '--update-baseline'])).code).toBe(0);
    expect(readFileSync(join(repo.root, 'ci', 'accepted.json'), 'utf8')).toContain('require-concurrent-index');
    expect((await rollsafe(repo.root, ['check', '--base', 'base'])).code).toBe(0);
  });
});
