/**
 * How many cases each property runs. `npm test` runs a small sample with fixed seeds (the same cases on
 * every run); `npm run fuzz` (ROLLSAFE_FUZZ=1) runs the full counts with fresh seeds, scaled by
 * ROLLSAFE_FUZZ_SCALE, and each file adds its count to ROLLSAFE_FUZZ_COUNTS so the script can print the total.
 * A failure prints its seed and path: replay it with ROLLSAFE_FUZZ_SEED / ROLLSAFE_FUZZ_PATH, then keep it
 * as a regression case.
 */
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

export const FUZZ = process.env.ROLLSAFE_FUZZ === '1';
const SCALE = Number(process.env.ROLLSAFE_FUZZ_SCALE ?? '1') || 1;
const FIXED_SEED = process.env.ROLLSAFE_FUZZ_SEED === undefined ? undefined : Number(process.env.ROLLSAFE_FUZZ_SEED);
const FIXED_PATH = process.env.ROLLSAFE_FUZZ_PATH;

/** Sample count in `npm test`, full count (times the scale) in `npm run fuzz`. */
export function runs(sample: number, full: number): number {
  return FUZZ ? Math.max(1, Math.round(full * SCALE)) : sample;
}

/** Cases run so far in this test file (one process per file). */
let cases = 0;

export function countCases(n: number): void {
  cases += n;
  const file = process.env.ROLLSAFE_FUZZ_COUNTS;
  if (file) appendFileSync(file, `${n}\n`);
}

export function casesRun(): number {
  return cases;
}

function parameters<T>(sampleSeed: number, numRuns: number): fc.Parameters<T> {
  const seed = FIXED_SEED ?? (FUZZ ? Date.now() ^ (Math.random() * 0x7fffffff) : sampleSeed);
  return { numRuns, seed, ...(FIXED_PATH ? { path: FIXED_PATH } : {}) };
}

/** `fc.assert` with the run count of the mode, counting the cases it ran. */
export function property<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => void, options: { seed: number; sample: number; full: number }): void {
  let ran = 0;
  try {
    fc.assert(
      fc.property(arbitrary, (value) => {
        ran++;
        predicate(value);
      }),
      parameters<[T]>(options.seed, runs(options.sample, options.full)),
    );
  } finally {
    countCases(ran);
  }
}

export async function asyncProperty<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, options: { seed: number; sample: number; full: number }): Promise<void> {
  let ran = 0;
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        ran++;
        await predicate(value);
      }),
      parameters<[T]>(options.seed, runs(options.sample, options.full)),
    );
  } finally {
    countCases(ran);
  }
}
