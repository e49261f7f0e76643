/**
 * A corrupted cache under node_modules/.cache/rollsafe is ignored and rebuilt: never trusted, never a crash.
 * Each run is a real CLI process (an in-process run would keep packs in memory).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestRepo } from '../support/git-repo.js';
import { cachedRepo, cacheFiles, checkArgs as check, expectWholeCache, runCli } from './support.js';

let r: TestRepo;
afterAll(() => r?.remove());

/** Keeps the header (`format`, `version`) so the pack is accepted, and confuses every type below it. */
function confuse(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return depth === 0 ? value : { length: value.length, 0: 'x' };
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, depth === 0 && (k === 'format' || k === 'version') ? v : confuse(v, depth + 1)]));
  }
  if (typeof value === 'string') return depth > 2 ? 42 : value;
  if (typeof value === 'number') return 'NaN';
  return value;
}

describe('a corrupted cache', () => {
  let clean: string;
  beforeAll(async () => {
    r = cachedRepo();
    const first = await runCli(r.root, check);
    expect(first.code).toBe(1);
    clean = first.stdout;
    expectWholeCache(r.root);
  }, 60_000);

  const corruptions: [string, (text: string, i: number) => string][] = [
    ['garbage bytes and truncated files', (text, i) => (i % 2 === 0 ? '\u0000\u00ff{{{ not json' : text.slice(0, Math.floor(text.length / 2)))],
    ['JSON of the wrong shape', (_text, i) => ['null', '[]', '42', '{"format":1}', '{"entries":null}'][i % 5]!],
    ['the right header over entries of the wrong types', (text) => JSON.stringify(confuse(JSON.parse(text)))],
  ];

  for (const [name, corrupt] of corruptions) {
    it(`${name}: ignored, the same report, the cache rebuilt`, async () => {
      cacheFiles(r.root).forEach((file, i) => writeFileSync(file, corrupt(readFileSync(file, 'utf8'), i)));
      const run = await runCli(r.root, check);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(clean);
      expectWholeCache(r.root);
    });
  }
});

