/**
 * Ctrl-C during a run: rollsafe ends (exit 130) at its next await, so a cache file, written to a temp file and
 * renamed in one synchronous step, is never left half-written or behind.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestRepo } from '../support/git-repo.js';
import { cachedRepo, cacheFiles, checkArgs as check, runCli } from './support.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

describe('Ctrl-C during a run', () => {
  it('SIGINT at any moment: the process ends (exit 130), and no partial or temporary cache file remains', async () => {
    const r = cachedRepo(400);
    repos.push(r);
    const delays = [50, 300, 700, 1200];
    const outcomes: string[] = [];
    for (const delay of delays) {
      let timer: NodeJS.Timeout | undefined;
      const run = await runCli(r.root, check, {
        onSpawn: (pid) => {
          timer = setTimeout(() => process.kill(pid, 'SIGINT'), delay);
        },
      });
      clearTimeout(timer);
      // Interrupted (130); or killed before rollsafe's handler was set up (nothing written yet); or already done (1).
      const outcome = run.code === null ? `signal ${run.signal}` : `exit ${run.code}`;
      expect(['exit 130', 'signal SIGINT', 'exit 1']).toContain(outcome);
      outcomes.push(outcome);
      for (const file of cacheFiles(r.root)) {
        expect(file).not.toMatch(/\.tmp$/);
        expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
      }
    }
    // At least one run was interrupted while working, by rollsafe's own handler.
    expect(outcomes).toContain('exit 130');
  });
});
