import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatMarkdown, mdCode, mdText } from '../../src/report/markdown.js';
import { rollsafe } from '../support/cli.js';
import { TestRepo } from '../support/git-repo.js';
import { CONTROL_CHARS, DROP_MIGRATION, dropFinding, emptyResult, sampleResult } from './sample-result.js';

const cleanup: string[] = [];
afterAll(() => cleanup.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('markdown (job summary, pull request comment)', () => {
  it('has the summary line, each finding with its live code and its fix, the docs link, then input problems', () => {
    const md = formatMarkdown(sampleResult());
    expect(md.startsWith('## rollsafe\n\n✖ 2 errors \\(1 finding, an input that could not be checked\\: sql\\-syntax\\), 2 warnings in 2 migrations')).toBe(true);
    expect(md).toContain(`### ❌ \`dropped-column-in-use\` at \`${DROP_MIGRATION}:2\``);
    expect(md).toContain('| base release\\-1 | `src/worker/poller.ts:14`');
    expect(md).toContain("| new code | `src/worker/poller.ts:13` `UPDATE jobs SET state = 'running'` | write |");
    expect(md).toContain('**Fix:** Drop the column in two releases \\(expand/contract\\).');
    expect(md).toContain('2. Then drop the column in a later migration.\n   ```sql\n   ALTER TABLE jobs DROP COLUMN state;\n   ```');
    expect(md).toContain('[Rule documentation](');
    expect(md).toContain('### Input problems\n\n- `db/migrations/005_broken.sql:3` error `sql-syntax`: syntax error at or near "TABEL" (fix the statement)');
    // Errors first.
    expect(md.indexOf('dropped-column-in-use')).toBeLessThan(md.indexOf('require-concurrent-index'));
    expect(formatMarkdown(emptyResult())).toContain('✔ No problems');
  }, 180_000);

  it('text from the repository cannot become HTML, a link, an image or a table cell, and control characters are escaped', () => {
    const hostile = { ...dropFinding(), message: '<img src=x onerror=alert(1)> [click](https://evil.example) ![i](https://evil.example/i.png) a|b `x`' };
    const md = formatMarkdown(sampleResult({ findings: [hostile], diagnostics: [] }));
    expect(md).not.toContain('<img');
    expect(md).not.toMatch(/\]\(https:\/\/evil/);
    expect(md).not.toMatch(CONTROL_CHARS);
    expect(mdText('a|b')).toBe('a\\|b');
    expect(mdCode('a `b` c')).toBe('``a `b` c``');
    expect(mdCode('x|y')).toBe('`x\\|y`');
    expect(formatMarkdown(sampleResult())).not.toMatch(CONTROL_CHARS);
  }, 180_000);

  it('check appends it to $GITHUB_STEP_SUMMARY for the readable formats, not for machine formats', async () => {
    const r = new TestRepo('rollsafe-summary-');
    cleanup.push(r.root);
    r.commit('base', {
      'db/migrations/001_jobs.sql': 'CREATE TABLE jobs (id bigint PRIMARY KEY, state text NOT NULL);\n',
      'src/poller.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query(`SELECT id, state FROM jobs`);\n",
    });
    r.tag('base');
    r.write({ 'db/migrations/002_drop.sql': 'ALTER TABLE jobs DROP COLUMN state;\n' });
    const dir = mkdtempSync(join(tmpdir(), 'rollsafe-summary-file-'));
    cleanup.push(dir);
    const file = join(dir, 'summary.md');
    writeFileSync(file, 'earlier step\n');
    const run = await rollsafe(r.root, ['check', '--base', 'base'], { GITHUB_STEP_SUMMARY: file });
    expect(run.code).toBe(1);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('earlier step\n## rollsafe\n')).toBe(true);
    expect(text).toContain('### ❌ `dropped-column-in-use` at `db/migrations/002_drop.sql:1`');
    expect(text).toContain('`src/poller.ts:3`');
    await rollsafe(r.root, ['check', '--base', 'base', '--format', 'sarif'], { GITHUB_STEP_SUMMARY: file });
    expect(readFileSync(file, 'utf8')).toBe(text);
    // An unwritable summary file is a note, not a crash.
    const broken = await rollsafe(r.root, ['check', '--base', 'base'], { GITHUB_STEP_SUMMARY: join(dir, 'no-such-dir', 'x.md') });
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('rollsafe: cannot write the job summary to GITHUB_STEP_SUMMARY');
  }, 180_000);
});
