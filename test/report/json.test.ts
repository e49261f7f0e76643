/**
 * The JSON format is a contract (docs/json-format.md): these are the keys other tools read, in this order,
 * with these types. A field may be added; none may be renamed or removed within version 1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatJson } from '../../src/report/json.js';
import { CONTROL_CHARS, DROP_MIGRATION, sampleResult } from './sample-result.js';

type Json = Record<string, unknown>;
const parse = (): Json => JSON.parse(formatJson(sampleResult())) as Json;

describe('--format json', () => {
  it('has the documented top level, finding, reference and diagnostic keys', () => {
    const json = parse();
    expect(Object.keys(json)).toEqual(['version', 'base', 'findings', 'diagnostics', 'summary']);
    expect(json.version).toBe(1);
    expect(json.base).toBe('release-1');
    const finding = (json.findings as Json[])[0]!;
    expect(Object.keys(finding)).toEqual(['rule', 'severity', 'message', 'migration', 'location', 'target', 'references', 'lock', 'fix', 'help', 'notes', 'docs']);
    expect(finding.migration).toEqual({ path: DROP_MIGRATION, line: 2, column: 1 });
    expect(finding.target).toEqual({ schema: 'public', table: 'jobs', column: 'state' });
    const ref = (finding.references as Json[])[0]!;
    expect(Object.keys(ref)).toEqual(['path', 'line', 'column', 'source', 'ref', 'kind', 'confidence', 'implicit', 'context', 'extractor', 'snippet']);
    expect(ref).toMatchObject({ path: 'src/worker/poller.ts', line: 14, column: 44, source: 'base', ref: 'release-1', kind: 'read', confidence: 'certain', implicit: false, context: 'app' });
    expect((finding.references as Json[])[1]).toMatchObject({ source: 'worktree', ref: null });
    expect(finding.fix).toMatchObject({ summary: expect.any(String), steps: expect.arrayContaining([expect.objectContaining({ sql: 'ALTER TABLE jobs DROP COLUMN state;' })]) });
    const diagnostic = (json.diagnostics as Json[])[0]!;
    expect(Object.keys(diagnostic)).toEqual(['path', 'line', 'column', 'severity', 'code', 'message']);
    expect(Object.keys(json.summary as Json)).toEqual(['newMigrations', 'migrations', 'codeFiles', 'baseChosenBy', 'baselined', 'migrationCalls']);
  });

  it('gives findings about code alone a null migration and their own location', () => {
    const codeOnly = (parse().findings as Json[]).find((f) => f.migration === null)!;
    expect(codeOnly).toBeDefined();
    expect((codeOnly.location as Json).path).toMatch(/^src\//);
  });

  it('escapes control characters from the analysed files', () => {
    expect(formatJson(sampleResult())).not.toMatch(CONTROL_CHARS);
  });

  it('documents every key it prints', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'json-format.md'), 'utf8');
    for (const key of ['version', 'base', 'findings[].rule', 'findings[].severity', 'findings[].migration', 'findings[].location', 'findings[].target', 'findings[].references[]', 'findings[].lock', 'findings[].fix', 'diagnostics[]', 'summary', 'migrationCalls', 'baselined']) {
      expect(doc, key).toContain(key);
    }
  });
});
