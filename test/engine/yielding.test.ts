/**
 * Long synchronous work runs as steps (src/yielding.ts): `runYielding` gives the event loop a turn every
 * slice, so a signal handler runs while the work goes on; `runSync` never does (the ESLint plugin's path).
 */
import { describe, expect, it } from 'vitest';
import { runSync, runYielding, type Steps } from '../../src/yielding.js';

/** Sends itself SIGUSR2, then works in small steps until its handler has run or `limitMs` has passed. */
function* workUntilSignalled(seen: () => boolean, limitMs: number): Steps<{ handled: boolean; steps: number }> {
  process.kill(process.pid, 'SIGUSR2');
  const started = performance.now();
  let steps = 0;
  while (!seen() && performance.now() - started < limitMs) {
    const until = performance.now() + 1;
    while (performance.now() < until) steps++;
    yield;
  }
  return { handled: seen(), steps };
}

describe('steps', () => {
  it('runYielding lets a signal handler run while the work goes on; runSync runs to the end first', async () => {
    let signalled = false;
    const onSignal = (): void => {
      signalled = true;
    };
    process.on('SIGUSR2', onSignal);
    try {
      // Generous: the handler runs after one slice (50 ms); 20 s only bounds a broken implementation.
      const yielding = await runYielding(workUntilSignalled(() => signalled, 20_000));
      expect(yielding.handled).toBe(true);

      signalled = false;
      const sync = runSync(workUntilSignalled(() => signalled, 300));
      expect(sync.handled).toBe(false);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(signalled).toBe(true);
    } finally {
      process.off('SIGUSR2', onSignal);
    }
  });

  it('both return what the work returns', async () => {
    function* sum(n: number): Steps<number> {
      let total = 0;
      for (let i = 1; i <= n; i++) {
        total += i;
        yield;
      }
      return total;
    }
    expect(runSync(sum(1000))).toBe(500_500);
    expect(await runYielding(sum(1000))).toBe(500_500);
  });
});
