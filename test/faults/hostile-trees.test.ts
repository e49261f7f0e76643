/**
 * Repository trees that trip naive walkers: symbolic link loops (in the migrations and in the code), a
 * migrations path that is a file. The run ends, and the finding elsewhere is still reported.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rollsafe } from '../support/cli.js';
import type { TestRepo } from '../support/git-repo.js';
import { findingKeys, incidentRepo, parseJson } from './support.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

function repo(...args: Parameters<typeof incidentRepo>): TestRepo {
  const r = incidentRepo(...args);
  repos.push(r);
  return r;
}

const expected = ['dropped-column-in-use db/migrations/002_drop_state.sql:1'];

describe('symbolic link loops', () => {
  it('links to an ancestor, to itself, and a two-link cycle, in the migrations and in the code: the run ends with the finding', async () => {
    const r = repo();
    symlinkSync('.', join(r.root, 'db/migrations/self'));
    symlinkSync('../..', join(r.root, 'db/migrations/up'));
    mkdirSync(join(r.root, 'src/a'));
    symlinkSync('../b', join(r.root, 'src/a/to-b'));
    mkdirSync(join(r.root, 'src/b'));
    symlinkSync('../a', join(r.root, 'src/b/to-a'));
    symlinkSync('loop-2', join(r.root, 'src/loop-1'));
    symlinkSync('loop-1', join(r.root, 'src/loop-2'));
    // Committed too (with the new migration), so git lists the links as well; the base stays the older tag.
    r.commit('links');
    const run = await rollsafe(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(findingKeys(parseJson(run.stdout)).filter((f) => f.startsWith('dropped-column'))).toEqual(expected);
  });

  it('a loop below a folder found by detection (no --migrations)', async () => {
    const r = repo({ 'services/api/db/migrations/001_x.sql': 'CREATE TABLE x (id int);\n' });
    symlinkSync('../..', join(r.root, 'services/api/db/loop'));
    symlinkSync('../services', join(r.root, 'services/api/back'));
    const run = await rollsafe(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(run.code).toBe(1);
    expect(findingKeys(parseJson(run.stdout)).filter((f) => f.startsWith('dropped-column'))).toEqual(expected);
  });
});

describe('a migration folder that is a file', () => {
  it('--migrations naming a file: exit 2 with one line that says so', async () => {
    const r = repo({ 'db/schema.sql': 'CREATE TABLE t (id int);\n' });
    const run = await rollsafe(r.root, ['check', '--migrations', 'db/schema.sql']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rollsafe: The migrations path "db/schema.sql" is a file; give the folder that holds the migrations.\n');
  });

  it('the same from the configuration file', async () => {
    const r = repo({ 'db/schema.sql': 'CREATE TABLE t (id int);\n', 'rollsafe.config.json': JSON.stringify({ migrations: ['db/schema.sql'] }) });
    const run = await rollsafe(r.root, ['check', '--base', 'base']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"db/schema.sql" is a file');
  });
});
