/**
 * Ctrl-C during a run: rollsafe ends (exit 130) at its next await, so a cache file, written to a temp file and
 * renamed in one synchronous step, is never left half-written or behind. Long synchronous work (a migration
 * of tens of thousands of statements) pauses every slice so that the handler runs soon; how soon is measured
 * by bench/scale.js, not here.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import type { TestRepo } from '../support/git-repo.js';
import { cachedRepo, cacheFiles, checkArgs as check, incidentRepo, runCli } from './support.js';

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

  it('SIGTERM while a migration of 10,000 statements is checked: exit 143 before the work would finish, nothing written', async () => {
    const inserts = Array.from({ length: 10_000 }, (_, i) => `INSERT INTO jobs (id, state) VALUES (${i}, 'queued');`).join('\n');
    const r = incidentRepo({ 'node_modules/.keep': '' }, { 'db/migrations/003_data.sql': `${inserts}\n` });
    repos.push(r);
    // The uninterrupted run, twice (the second with the cache of the first, as the interrupted runs have it).
    let fullMs = Infinity;
    for (let i = 0; i < 2; i++) {
      const started = performance.now();
      const full = await runCli(r.root, check);
      fullMs = Math.min(fullMs, performance.now() - started);
      expect(full.code).toBe(1);
      expect(full.stdout).not.toBe('');
    }
    // Past start-up and discovery, into the parse, replay and rules of the big migration. A run that ends
    // before its signal is sent (a busy machine runs unevenly) proves nothing and is not counted.
    const interrupted: { code: number | null; stdout: string }[] = [];
    for (const fraction of [0.6, 0.4, 0.25]) {
      let timer: NodeJS.Timeout | undefined;
      let sent = false;
      const run = await runCli(r.root, check, {
        onSpawn: (pid) => {
          timer = setTimeout(() => {
            sent = true;
            process.kill(pid, 'SIGTERM');
          }, fullMs * fraction);
        },
      });
      clearTimeout(timer);
      if (sent && run.code !== 1) interrupted.push({ code: run.code, stdout: run.stdout });
      for (const file of cacheFiles(r.root)) {
        expect(file).not.toMatch(/\.tmp$/);
        expect(() => JSON.parse(readFileSync(file, 'utf8'))).not.toThrow();
      }
    }
    // Ended by rollsafe's handler, before the report was written (the work did not run to its end first).
    expect(interrupted.length).toBeGreaterThan(0);
    for (const run of interrupted) expect(run).toEqual({ code: 143, stdout: '' });
  }, 300_000);
});
