/**
 * Two rollsafe processes sharing one cache at once (two CI jobs on one runner, an editor and a hook): both
 * succeed with the same report, and the cache is whole afterwards (temp file + rename, the last rename wins).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TestRepo } from '../support/git-repo.js';
import { cachedRepo, checkArgs as check, expectWholeCache, runCli } from './support.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

describe('two rollsafe processes sharing one cache', () => {
  it('both succeed with the same report, and the cache is whole afterwards', async () => {
    const r = cachedRepo(150);
    repos.push(r);
    const [a, b] = await Promise.all([runCli(r.root, check), runCli(r.root, check)]);
    expect([a.code, b.code]).toEqual([1, 1]);
    expect(a.stderr).toBe('');
    expect(b.stdout).toBe(a.stdout);
    expectWholeCache(r.root);
  });
});

