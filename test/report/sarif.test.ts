import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { FINGERPRINT_KEY, formatSarif, INPUT_PROBLEM_TAG, toSarif } from '../../src/report/sarif.js';
import { sarifValidator } from '../support/sarif-schema.js';
import { CONTROL_CHARS, DROP_MIGRATION, dropFinding, emptyResult, INDEX_MIGRATION, sampleResult } from './sample-result.js';

const validate = sarifValidator();

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version: string; rules: { id: string; name: string; helpUri: string; help: { text: string; markdown: string }; defaultConfiguration: { level: string }; shortDescription: { text: string } }[] } };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string }; descriptor: { id: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    results: {
      ruleId: string;
      ruleIndex: number;
      level: string;
      message: { text: string };
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, number> } }[];
      relatedLocations?: { id: number; message: { text: string }; physicalLocation: { artifactLocation: { uri: string } } }[];
      partialFingerprints: Record<string, string>;
      fixes?: unknown;
      properties?: Record<string, unknown>;
    }[];
  }[];
}

const sarif = (result = sampleResult()): SarifLog => JSON.parse(formatSarif(result, { version: '1.2.3' })) as SarifLog;

describe('sarif format', () => {
  it('is valid SARIF 2.1.0 against the official schema, with findings and without', () => {
    for (const result of [sampleResult(), emptyResult()]) {
      const ok = validate(JSON.parse(formatSarif(result, { version: '1.2.3' })));
      expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('the schema check catches a broken log (the validator is not a no-op)', () => {
    const log = toSarif(sampleResult(), { version: '1.2.3' }) as SarifLog;
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
    const broken = structuredClone(log);
    (broken.runs[0]!.results[0] as unknown as Record<string, unknown>).level = 'fatal';
    expect(validate(broken)).toBe(false);
  });

  it('describes every rule: ids, names, help text and markdown from the docs, helpUri, default level', () => {
    const driver = sarif().runs[0]!.tool.driver;
    expect(driver.name).toBe('rollsafe');
    expect(driver.version).toBe('1.2.3');
    // Every rule in registry order, then one descriptor per input-problem code of this run.
    expect(driver.rules.map((r) => r.id)).toEqual([...rules.map((r) => r.id), 'sql-syntax', 'migration-order']);
    const drop = driver.rules.find((r) => r.id === 'dropped-column-in-use')!;
    const rule = rules.find((r) => r.id === 'dropped-column-in-use')!;
    expect(drop.name).toBe('DroppedColumnInUse');
    expect(drop.helpUri).toBe(rule.url);
    expect(drop.shortDescription.text).toBe(rule.summary);
    expect(drop.help.markdown).toContain('## Safe alternative');
    expect(drop.help.markdown).toContain(rule.docs.solution.trim().split('\n')[0]!);
    expect(drop.help.text).toContain(rule.docs.problem.trim().split('\n')[0]!);
    for (const r of driver.rules.slice(0, rules.length)) expect(r.defaultConfiguration.level).toBe({ error: 'error', warning: 'warning', info: 'note' }[rules.find((x) => x.id === r.id)!.severity]);
  });

  it('gives each result its rule index, level, repository-relative location and region', () => {
    const run = sarif().runs[0]!;
    const [drop, index, code] = run.results;
    expect(run.tool.driver.rules[drop!.ruleIndex]!.id).toBe('dropped-column-in-use');
    expect(run.tool.driver.rules[index!.ruleIndex]!.id).toBe('require-concurrent-index');
    expect([drop!.level, index!.level, code!.level]).toEqual(['error', 'warning', 'note']);
    expect(drop!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: { uri: DROP_MIGRATION, uriBaseId: '%SRCROOT%' },
      region: { startLine: 2, startColumn: 18, endLine: 2, endColumn: 35 },
    });
    // A path with a space, a comma and quotes is a valid relative URI reference.
    expect(index!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('db/migrations/004%20index%2C%20%22orders%22.sql');
    expect(decodeURIComponent(index!.locations[0]!.physicalLocation.artifactLocation.uri)).toBe(INDEX_MIGRATION);
    expect(code!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('src/api/users.ts');
    expect(code!.properties).not.toHaveProperty('migration');
  });

  it('lists the live code as related locations that name their source, linked from the message', () => {
    const [drop] = sarif().runs[0]!.results;
    expect(drop!.relatedLocations!.map((r) => [r.id, r.physicalLocation.artifactLocation.uri])).toEqual([
      [1, 'src/worker/poller.ts'],
      [2, 'src/worker/poller.ts'],
    ]);
    expect(drop!.relatedLocations![0]!.message.text).toContain('release still running, base release-1');
    expect(drop!.relatedLocations![1]!.message.text).toContain('new code (worktree)');
    expect(drop!.message.text).toContain('[src/worker/poller.ts:14](1) (release-1)');
    expect(drop!.message.text).toContain('[src/worker/poller.ts:13](2) (new code)');
    expect(drop!.message.text).toContain('Fix: Drop the column in two releases');
    expect(drop!.properties).toMatchObject({ migration: DROP_MIGRATION, target: { table: 'jobs', column: 'state' } });
  });

  it('has no fixes (rollsafe fixes are release plans, not file edits) and reports diagnostics as notifications', () => {
    const run = sarif().runs[0]!;
    for (const r of run.results) expect(r).not.toHaveProperty('fixes');
    const notes = run.invocations[0]!.toolExecutionNotifications;
    expect(notes.map((n) => [n.level, n.descriptor.id, n.locations[0]!.physicalLocation.artifactLocation.uri])).toEqual([
      ['error', 'sql-syntax', 'db/migrations/005_broken.sql'],
      ['warning', 'migration-order', DROP_MIGRATION],
    ]);
    expect(notes[0]!.message.text).toContain('fix the statement');
  });

  it('reports unparsable SQL and other input problems as results too (code scanning shows only results), under a rule of their code', () => {
    const log = sarif();
    const run = log.runs[0]!;
    const problems = run.results.filter((r) => (r.properties?.tags as string[] | undefined)?.includes(INPUT_PROBLEM_TAG));
    expect(problems.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri, r.locations[0]!.physicalLocation.region.startLine])).toEqual([
      ['sql-syntax', 'error', 'db/migrations/005_broken.sql', 3],
      ['migration-order', 'warning', DROP_MIGRATION, 1],
    ]);
    for (const r of problems) {
      const descriptor = run.tool.driver.rules[r.ruleIndex]!;
      expect(descriptor.id).toBe(r.ruleId);
      expect(rules.some((x) => x.id === descriptor.id)).toBe(false);
    }
    expect(problems[0]!.message.text).toBe('syntax error at or near "TABEL" (fix the statement)');
    // The rule findings keep their indexes, and a run without diagnostics adds no descriptors.
    expect(run.results.filter((r) => !problems.includes(r))).toHaveLength(3);
    expect(sarif(sampleResult({ diagnostics: [] })).runs[0]!.tool.driver.rules).toHaveLength(rules.length);
  });

  it('declares %SRCROOT%, the base of every location, without an absolute path', () => {
    const run = (toSarif(sampleResult(), { version: '1.2.3' }) as { runs: { originalUriBaseIds: Record<string, { uri?: string; description: { text: string } }> }[] }).runs[0]!;
    expect(Object.keys(run.originalUriBaseIds)).toEqual(['%SRCROOT%']);
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBeUndefined();
    expect(run.originalUriBaseIds['%SRCROOT%']!.description.text).toContain('root of the repository');
    const uses = new Set([...formatSarif(sampleResult(), { version: '1.2.3' }).matchAll(/"uriBaseId": "([^"]+)"/g)].map((m) => m[1]));
    expect([...uses]).toEqual(['%SRCROOT%']);
  });

  it('escapes control characters and literal brackets in message text', () => {
    const text = formatSarif(sampleResult(), { version: '1.2.3' });
    expect(text).not.toMatch(CONTROL_CHARS);
    const [, index] = sarif().runs[0]!.results;
    expect(index!.message.text).not.toMatch(CONTROL_CHARS);
    expect(index!.message.text).toContain('\\[100% of rows\\]');
    // sanitize shows ESC as the text \u001b; its backslash and bracket are then escaped for SARIF.
    expect(index!.message.text).toContain('\\\\u001b\\[31mred');
  });

  it('fingerprints survive lines moving, and differ between statements', () => {
    const fp = (finding: ReturnType<typeof dropFinding>): string => sarif(sampleResult({ findings: [finding] })).runs[0]!.results[0]!.partialFingerprints[FINGERPRINT_KEY]!;
    const moved = fp(dropFinding(40));
    expect(moved).toMatch(/^[0-9a-f]{32}$/);
    expect(moved).toBe(fp(dropFinding(2)));
    const other = dropFinding();
    other.statement = { ...other.statement!, text: 'ALTER TABLE jobs DROP COLUMN state CASCADE;' };
    expect(fp(other)).not.toBe(moved);
  });

  it('puts no absolute path and no time in the log', () => {
    const text = formatSarif(sampleResult(), { version: '1.2.3' });
    const uris = [...text.matchAll(/"uri": "([^"]*)"/g)].map((m) => m[1]!);
    expect(uris.length).toBeGreaterThan(5);
    for (const uri of uris) expect(uri).toMatch(/^(db|src)\/[^:]*$/);
    expect(text).not.toMatch(/Utc"/);
  });
});
