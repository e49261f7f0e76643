/**
 * Long synchronous work (replaying tens of thousands of statements, evaluating the rules over them) written
 * as generators that `yield` at points where stopping is safe. `runSync` runs one to the end, for callers
 * that must stay synchronous (the ESLint plugin); `runYielding` lets the event loop turn every few tens of
 * milliseconds, so that a SIGINT/SIGTERM handler (src/cli/bin.ts) runs within a second of the signal
 * instead of when the work is done.
 */

export type Steps<T> = Generator<void, T, void>;

/** Runs the work to its end without ever giving the event loop a turn. */
export function runSync<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** How long the work may run before the event loop gets a turn. */
const SLICE_MS = 50;
let sliceStart = performance.now();

/** A turn of the event loop that passes its poll phase, where signals are delivered. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

/** Gives the event loop a turn if the work has run for a slice since the last one. */
export async function pause(): Promise<void> {
  if (performance.now() - sliceStart < SLICE_MS) return;
  await turn();
  sliceStart = performance.now();
}

/** Runs the work to its end, pausing every slice. */
export async function runYielding<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await pause();
  }
}
