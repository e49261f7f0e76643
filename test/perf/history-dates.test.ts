/**
 * The dates of the migration history (`git log` over the migration folders, for "this table is recent") are
 * read only when a lock finding asks how old its table is: a pre-commit run on a history of thousands of
 * commits does not pay for a walk it does not need.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestRepo } from '../support/git-repo.js';
import { incidentRepo, runCli } from '../faults/support.js';

const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

/** The git commands one CLI run started, as GIT_TRACE lists them. */
async function gitCommands(r: TestRepo, args: string[]): Promise<{ code: number | null; commands: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'rollsafe-trace-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const trace = join(dir, 'trace.txt');
  const run = await runCli(r.root, args, { env: { GIT_TRACE: trace } });
  const commands = readFileSync(trace, 'utf8')
    .split('\n')
    .map((l) => /built-in: git (.*)$/.exec(l)?.[1])
    .filter((c): c is string => c !== undefined);
  return { code: run.code, commands };
}

const walksHistory = (commands: string[]): boolean => commands.some((c) => /^log .*--diff-filter=A/.test(c));

describe('history dates', () => {
  it('are not read when no lock finding asks for them', async () => {
    const r = incidentRepo();
    cleanups.push(() => r.remove());
    const { code, commands } = await gitCommands(r, ['check', '--base', 'base', '--format', 'json']);
    expect(code).toBe(1); // the dropped column the running release reads: a code-aware finding, not a lock one
    expect(commands.length).toBeGreaterThan(0);
    expect(walksHistory(commands)).toBe(false);
  });

  it('are read, once, when a lock finding on an existing table asks how old it is', async () => {
    const r = incidentRepo({}, { 'db/migrations/003_index.sql': 'CREATE INDEX jobs_kind_idx ON jobs (kind);\n' });
    cleanups.push(() => r.remove());
    const { commands } = await gitCommands(r, ['check', '--base', 'base', '--format', 'json']);
    expect(commands.filter((c) => /^log .*--diff-filter=A/.test(c))).toHaveLength(1);
  });
});
