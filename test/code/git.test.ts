import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatFileBatch, GitError, hashBlob, isShallow, lsTree, parseLsTree, repoRoot, requireRef, resolveRef } from '../../src/git.js';

let dir: string;
const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
const sh = (...args: string[]): string => execFileSync('git', args, { cwd: dir, env, encoding: 'utf8' });
let first: string;
let second: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rollsafe-git-'));
  sh('init', '-q', '-b', 'main');
  mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
  writeFileSync(join(dir, 'src', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(dir, 'src', 'deep', 'b ü.ts'), 'héllo\n');
  writeFileSync(join(dir, 'empty.txt'), '');
  sh('add', '.');
  sh('commit', '-q', '-m', 'one');
  first = sh('rev-parse', 'HEAD').trim();
  writeFileSync(join(dir, 'src', 'a.ts'), 'export const a = 2;\n');
  sh('commit', '-q', '-am', 'two');
  sh('tag', 'v2');
  second = sh('rev-parse', 'HEAD').trim();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('git', () => {
  it('finds the repository root from a subfolder', async () => {
    expect(await repoRoot(join(dir, 'src', 'deep'))).toBe(execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, encoding: 'utf8' }).trim());
  });

  it('says plainly when a folder is not a repository or does not exist', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'rollsafe-nogit-'));
    try {
      await expect(repoRoot(outside)).rejects.toMatchObject({ code: 'not-a-repository' });
      await expect(repoRoot(join(outside, 'nope'))).rejects.toMatchObject({ code: 'missing-directory' });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('says that a bare repository has no working tree, but still reads its refs', async () => {
    const bare = mkdtempSync(join(tmpdir(), 'rollsafe-bare-'));
    try {
      execFileSync('git', ['clone', '-q', '--bare', dir, bare]);
      await expect(repoRoot(bare)).rejects.toMatchObject({ code: 'bare-repository', message: `${bare} is a bare git repository (it has no working tree)` });
      await expect(repoRoot(join(dir, '.git'))).rejects.toMatchObject({ code: 'no-work-tree', message: `${join(dir, '.git')} is inside a .git folder, not in a working tree` });
      expect((await lsTree(bare, 'v2')).map((e) => e.path)).toEqual(['empty.txt', 'src/a.ts', 'src/deep/b ü.ts']);
    } finally {
      rmSync(bare, { recursive: true, force: true });
    }
  });

  it('resolves refs to commits and unknown refs to null', async () => {
    expect(await resolveRef(dir, 'HEAD')).toBe(second);
    expect(await resolveRef(dir, 'HEAD~1')).toBe(first);
    expect(await resolveRef(dir, 'v2')).toBe(second);
    expect(await resolveRef(dir, 'no-such-branch')).toBeNull();
    expect(await resolveRef(dir, '--all')).toBeNull();
    expect(await isShallow(dir)).toBe(false);
    const error = await requireRef(dir, 'no-such-branch').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error).toMatchObject({ code: 'unknown-ref', message: 'git ref "no-such-branch" does not exist in this repository' });
    expect(error).toMatchObject({ hint: 'check the name, or fetch it (git fetch origin no-such-branch)' });
    // A ref of a remote: the hint fetches the branch from that remote (a branch named feature/x is not a remote).
    expect(await requireRef(dir, 'origin/release').catch((e: unknown) => e)).toMatchObject({ hint: 'check the name, or fetch it (git fetch origin release)' });
    expect(await requireRef(dir, 'feature/x').catch((e: unknown) => e)).toMatchObject({ hint: 'check the name, or fetch it (git fetch origin feature/x)' });
  });

  it('says what a tree or blob id given as a ref is, rather than that it does not exist', async () => {
    const tree = execFileSync('git', ['rev-parse', 'v2^{tree}'], { cwd: dir, encoding: 'utf8' }).trim();
    const blob = execFileSync('git', ['rev-parse', 'v2:src/a.ts'], { cwd: dir, encoding: 'utf8' }).trim();
    expect(await requireRef(dir, tree).catch((e: unknown) => e)).toMatchObject({ code: 'unknown-ref', message: `git ref "${tree}" is a tree, not a commit` });
    expect(await requireRef(dir, blob).catch((e: unknown) => e)).toMatchObject({ code: 'unknown-ref', message: `git ref "${blob}" is a blob, not a commit` });
    expect(await requireRef(dir, 'v2:src/a.ts').catch((e: unknown) => e)).toMatchObject({ message: 'git ref "v2:src/a.ts" is a blob, not a commit' });
  });

  it('lists a tree with sizes and unquoted paths, and limits it to paths', async () => {
    const entries = await lsTree(dir, first);
    expect(entries.map((e) => [e.path, e.type, e.size])).toEqual([
      ['empty.txt', 'blob', 0],
      ['src/a.ts', 'blob', 20],
      ['src/deep/b ü.ts', 'blob', 7],
    ]);
    expect((await lsTree(dir, first, ['src/deep'])).map((e) => e.path)).toEqual(['src/deep/b ü.ts']);
    await expect(lsTree(dir, 'nope')).rejects.toMatchObject({ code: 'unknown-ref' });
  });

  it('parses submodule entries without a size', () => {
    expect(parseLsTree('160000 commit 1234567890123456789012345678901234567890       -\tvendor/x\0')).toEqual([
      { path: 'vendor/x', mode: '160000', type: 'commit', sha: '1234567890123456789012345678901234567890' },
    ]);
  });

  it('reads blobs through one cat-file process, in order, with missing ones as null', async () => {
    const entries = await lsTree(dir, first);
    const batch = new CatFileBatch(dir);
    try {
      const results = await Promise.all([
        ...entries.map((e) => batch.read(e.sha)),
        batch.read('0123456789012345678901234567890123456789'),
        batch.read('HEAD\nHEAD'),
      ]);
      expect(results.map((r) => r?.toString('utf8') ?? null)).toEqual(['', 'export const a = 1;\n', 'héllo\n', null, null]);
      for (const [i, e] of entries.entries()) expect(hashBlob(results[i]!)).toBe(e.sha);
      // A blob larger than one pipe chunk arrives whole.
      const big = Buffer.alloc(300_000, 'x');
      const sha = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: big, encoding: 'utf8' }).trim();
      expect((await batch.read(sha))?.equals(big)).toBe(true);
    } finally {
      await batch.close();
    }
    await expect(batch.read(entries[0]!.sha)).rejects.toBeInstanceOf(GitError);
  });

  it('hashes content the way git does', () => {
    expect(hashBlob(Buffer.from(''))).toBe('e69de29bb2d1d6434b8b29ae775ad8c2e48c5391');
    expect(hashBlob(Buffer.from('hello\n'))).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
  });
});
