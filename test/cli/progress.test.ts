/**
 * Long runs: a progress line on stderr only when stderr is a terminal and the format is pretty (none in
 * non-TTY output, none with another format), no colours under NO_COLOR, and one line of stage timings with
 * --verbose. No timing values are asserted.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { TestRepo } from '../support/git-repo.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

function incident(): TestRepo {
  const r = new TestRepo('rollsafe-progress-');
  repos.push(r);
  r.commit('base', {
    'db/migrations/001_jobs.sql': 'CREATE TABLE jobs (id bigint PRIMARY KEY, state text NOT NULL);\n',
    'src/poller.ts': "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const q = () => pool.query(`SELECT id, state FROM jobs`);\n",
  });
  r.tag('base');
  r.write({ 'db/migrations/002_drop.sql': 'ALTER TABLE jobs DROP COLUMN state;\n' });
  return r;
}

async function check(cwd: string, argv: string[], tty: boolean, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(['check', '--base', 'base', ...argv], {
    cwd,
    env,
    stdout: { write: (t: string) => void (stdout += t), isTTY: tty },
    stderr: { write: (t: string) => void (stderr += t), isTTY: tty },
  });
  return { code, stdout, stderr };
}

// eslint-disable-next-line no-control-regex
const COLOUR = /\u001b\[(?:3\d|9\d|2m|22m|39m)/;

describe('progress', () => {
  it('on a terminal with the pretty format: each stage on one rewritten line, cleared before the report', async () => {
    const r = incident();
    const out = await check(r.root, [], true, { NO_COLOR: '1' });
    expect(out.code).toBe(1);
    for (const stage of ['finding migrations', 'reading 2 migrations (1 new)', 'scanning the code (worktree, base base)', 'checking 1 new migration']) {
      expect(out.stderr).toContain(`\r\u001b[2K`);
      expect(out.stderr).toMatch(new RegExp(`\\r\\u001b\\[2K. ${stage.replace(/[()]/g, '\\$&')}… \\d+s`));
    }
    // The line is cleared at the end: nothing of it is left after the last clear.
    expect(out.stderr.endsWith('\r\u001b[2K')).toBe(true);
    expect(out.stderr).not.toMatch(COLOUR); // NO_COLOR
    expect(out.stdout).toContain('dropped-column-in-use');
  }, 180_000);

  it('colours the spinner on a colour terminal', async () => {
    const out = await check(incident().root, [], true, { FORCE_COLOR: '1' });
    expect(out.stderr).toMatch(COLOUR);
  }, 180_000);

  it('never in non-TTY output, and never with another format', async () => {
    const r = incident();
    expect((await check(r.root, [], false)).stderr).toBe('');
    for (const format of ['json', 'sarif', 'github', 'junit']) expect((await check(r.root, ['--format', format], true)).stderr).toBe('');
  }, 180_000);

  it('--verbose: one line of timings per stage, on stderr, in any format', async () => {
    const r = incident();
    const out = await check(r.root, ['--verbose', '--format', 'json'], false);
    expect(out.stderr).toMatch(/^rollsafe: \d+\.\d s \(find \d+\.\d s, migrations \d+\.\d s, code \d+\.\d s, rules \d+\.\d s, report \d+\.\d s\)\n$/);
    expect(JSON.parse(out.stdout)).toHaveProperty('findings');
  }, 180_000);
});
