import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, formatGithub, githubAnnotationsWanted } from '../../src/report/github.js';
import { writeReport } from '../../src/report/index.js';
import { CONTROL_CHARS, DROP_MIGRATION, emptyResult, sampleResult } from './sample-result.js';
import { DOCS_BASE_URL } from '../../src/engine/rule.js';

function capture(format: Parameters<typeof writeReport>[1], env: Record<string, string>): string {
  let out = '';
  writeReport(sampleResult(), format, { write: (t) => void (out += t), isTTY: false }, env);
  return out;
}

describe('github format', () => {
  it('escapes data and property values as the Actions runner reads them', () => {
    expect(escapeData('100%\r\nnext: a, b')).toBe('100%25%0D%0Anext: a, b');
    expect(escapeProperty('100%\r\nnext: a, b')).toBe('100%25%0D%0Anext%3A a%2C b');
    // `%` first, or the escapes themselves would be escaped again.
    expect(escapeProperty('%0A')).toBe('%250A');
  });

  it('writes one ::error/::warning/::notice command per finding, with the precise span and the rule as title', () => {
    const lines = formatGithub(sampleResult()).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(
      new RegExp(`^::error file=${DROP_MIGRATION.replace(/\./g, '\\.')},line=2,col=18,endLine=2,endColumn=35,title=rollsafe%3A dropped-column-in-use::Column jobs\\.state is dropped`),
    );
    expect(lines[0]).toContain('%0ALive code:%0A  base release-1  src/worker/poller.ts:14:44 (read)%0A  new code  src/worker/poller.ts:13:22 (write)');
    expect(lines[0]).toContain('%0AFix: Drop the column in two releases (expand/contract).%0A  1. Stop using');
    expect(lines[0]).toContain(`%0ADocs: ${DOCS_BASE_URL}dropped-column-in-use.md`);
    expect(lines[1]).toMatch(/^::warning file=db\/migrations\/004 index%2C "orders"\.sql,line=1,col=1,endLine=1,endColumn=57,title=rollsafe%3A require-concurrent-index::/);
    expect(lines[2]).toMatch(/^::notice file=src\/api\/users\.ts,line=7,col=10,endLine=7,endColumn=18,title=rollsafe%3A unknown-column-reference::/);
    expect(lines[3]).toMatch(/^::error file=db\/migrations\/005_broken\.sql,line=3,col=8,endLine=3,endColumn=13,title=rollsafe%3A sql-syntax::syntax error at or near "TABEL"%0Afix the statement$/);
    // A zero-width location has no end.
    expect(lines[4]).toBe(`::warning file=${DROP_MIGRATION},line=1,col=1,title=rollsafe%3A migration-order::two migrations share version 003`);
  });

  it('keeps each command on one line and lets no control character through', () => {
    const text = formatGithub(sampleResult());
    for (const line of text.trimEnd().split('\n')) expect(line).toMatch(/^::(error|warning|notice) file=/);
    expect(text).not.toMatch(CONTROL_CHARS);
    const index = text.split('\n')[1]!;
    expect(index).toContain('[100%25 of rows]');
    expect(index).toContain('scan: 1,2%0Anext \\u001b[31mred');
  });

  it('writes nothing for a clean run', () => {
    expect(formatGithub(emptyResult())).toBe('');
  });

  it('follows the pretty output on GitHub Actions, unless ROLLSAFE_NO_GITHUB_ANNOTATIONS is set', () => {
    expect(githubAnnotationsWanted({ GITHUB_ACTIONS: 'true' })).toBe(true);
    expect(githubAnnotationsWanted({})).toBe(false);
    expect(githubAnnotationsWanted({ GITHUB_ACTIONS: 'true', ROLLSAFE_NO_GITHUB_ANNOTATIONS: '1' })).toBe(false);
    const onActions = capture('pretty', { GITHUB_ACTIONS: 'true' });
    expect(onActions).toContain('✖'); // the pretty summary first
    expect(onActions.indexOf('::error file=')).toBeGreaterThan(onActions.indexOf('✖'));
    expect(capture('pretty', { GITHUB_ACTIONS: 'true', ROLLSAFE_NO_GITHUB_ANNOTATIONS: '1' })).not.toContain('::error');
    expect(capture('pretty', {})).not.toContain('::error');
    // Machine formats never get annotations mixed in.
    expect(capture('json', { GITHUB_ACTIONS: 'true' })).not.toContain('::error');
    expect(capture('github', {})).toBe(formatGithub(sampleResult()));
  });
});
