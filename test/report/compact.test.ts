import { describe, expect, it } from 'vitest';
import { formatCompact } from '../../src/report/compact.js';
import { writeReport } from '../../src/report/index.js';
import { DROP_MIGRATION, emptyResult, loc, sampleResult } from './sample-result.js';

describe('--format compact', () => {
  it('prints one path:line:column: severity rule message line per finding and diagnostic, sorted, then a count', () => {
    const result = sampleResult();
    const text = formatCompact(result);
    const lines = text.trimEnd().split('\n');
    const body = lines.slice(0, -2);
    expect(body).toHaveLength(result.findings.length + result.diagnostics.length);
    for (const line of body) expect(line).toMatch(/^[^\n]+:\d+:\d+: (error|warning|info) [a-z][a-z0-9-]* \S/);
    expect(body.some((l) => l.startsWith(`${DROP_MIGRATION}:2:18: error dropped-column-in-use `))).toBe(true);
    const keys = body.map((l) => /^(.*):(\d+):(\d+): /.exec(l)!.slice(1));
    const sorted = [...keys].sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : Number(a[1]) - Number(b[1]) || Number(a[2]) - Number(b[2])));
    expect(keys).toEqual(sorted);
    expect(lines.at(-2)).toBe('');
    expect(lines.at(-1)).toMatch(/^\d+ problems \(\d+ errors?(, \d+ warnings?)?(, \d+ infos?)?\)$/);
  });

  it('prints nothing for a clean run', () => {
    expect(formatCompact(emptyResult())).toBe('');
  });

  it('keeps each finding on one line whatever its path and message hold (LF, CR, ESC)', () => {
    const base = sampleResult();
    const finding = { ...base.findings[0]!, message: 'first line\nsecond line\r', location: loc('db/mig\nrations/\u001b[31m1.sql', 3, 4) };
    const text = formatCompact({ ...base, findings: [finding], diagnostics: [] });
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('db/mig\\nrations/\\u001b[31m1.sql:3:4: error dropped-column-in-use first line\\nsecond line\\n');
  });

  it('is chosen with --format compact and never colours or annotates', () => {
    let out = '';
    writeReport(sampleResult(), 'compact', { write: (t) => void (out += t), isTTY: true }, { FORCE_COLOR: '3', GITHUB_ACTIONS: 'true' });
    expect(out).toBe(formatCompact(sampleResult()));
    // eslint-disable-next-line no-control-regex
    expect(out).not.toMatch(/\u001b\[/);
    expect(out).not.toMatch(/^::/m);
  });
});
