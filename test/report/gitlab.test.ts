import { describe, expect, it } from 'vitest';
import { formatGitlab, toGitlab } from '../../src/report/gitlab.js';
import { CONTROL_CHARS, DROP_MIGRATION, dropFinding, emptyResult, INDEX_MIGRATION, sampleResult } from './sample-result.js';

describe('gitlab format (Code Quality)', () => {
  it('writes one issue per finding and diagnostic with the fields GitLab requires', () => {
    const issues = JSON.parse(formatGitlab(sampleResult())) as ReturnType<typeof toGitlab>;
    expect(issues.map((i) => [i.check_name, i.severity, i.location.path, i.location.lines.begin])).toEqual([
      ['rollsafe/dropped-column-in-use', 'critical', DROP_MIGRATION, 2],
      ['rollsafe/require-concurrent-index', 'minor', INDEX_MIGRATION, 1],
      ['rollsafe/unknown-column-reference', 'info', 'src/api/users.ts', 7],
      ['rollsafe/sql-syntax', 'major', 'db/migrations/005_broken.sql', 3],
      ['rollsafe/migration-order', 'minor', DROP_MIGRATION, 1],
    ]);
    for (const issue of issues) {
      expect(Object.keys(issue).sort()).toEqual(['check_name', 'description', 'fingerprint', 'location', 'severity']);
      expect(issue.fingerprint).toMatch(/^[0-9a-f]{32}$/);
      expect(issue.description.length).toBeGreaterThan(10);
    }
    expect(issues[0]!.description).toContain('Live code: src/worker/poller.ts:14 (release-1), src/worker/poller.ts:13 (new code).');
    expect(issues[3]!.description).toContain('(fix the statement)');
  });

  it('gives equal findings distinct fingerprints, and keeps them when lines move', () => {
    const twice = toGitlab(sampleResult({ findings: [dropFinding(2), dropFinding(9)], diagnostics: [] }));
    expect(twice[0]!.fingerprint).not.toBe(twice[1]!.fingerprint);
    const moved = toGitlab(sampleResult({ findings: [dropFinding(30), dropFinding(41)], diagnostics: [] }));
    expect(moved.map((i) => i.fingerprint)).toEqual(twice.map((i) => i.fingerprint));
    expect(moved[0]!.location.lines.begin).toBe(30);
  });

  it('escapes control characters and is an empty array for a clean run', () => {
    const text = formatGitlab(sampleResult());
    expect(text).not.toMatch(CONTROL_CHARS);
    expect(text).not.toMatch(/(?<!\\)\\u001b/); // nor as a JSON escape that decodes to ESC
    const index = (JSON.parse(text) as ReturnType<typeof toGitlab>)[1]!;
    expect(index.description).toContain('\\u001b[31mred');
    expect(index.description).not.toMatch(CONTROL_CHARS);
    expect(formatGitlab(emptyResult())).toBe('[]\n');
  });
});
