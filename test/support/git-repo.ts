/** Real git repositories for tests, built in a temporary folder. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Files = Record<string, string | null>;

export class TestRepo {
  readonly root: string;

  constructor(prefix = 'rollsafe-test-') {
    this.root = mkdtempSync(join(tmpdir(), prefix));
    this.git('init', '-q', '-b', 'main');
  }

  git(...args: string[]): string {
    return this.run(args, {});
  }

  /** git with the author and committer dates set to `at` (Unix seconds): a history of known age. */
  gitAt(at: number, ...args: string[]): string {
    const date = `@${at} +0000`;
    return this.run(args, { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
  }

  private run(args: string[], env: Record<string, string>): string {
    return execFileSync('git', ['-c', 'user.name=rollsafe test', '-c', 'user.email=test@rollsafe.invalid', '-c', 'commit.gpgsign=false', ...args], {
      cwd: this.root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
    });
  }

  /** Write (or, with null, delete) files relative to the root. */
  write(files: Files): this {
    for (const [path, text] of Object.entries(files)) {
      const full = join(this.root, path);
      if (text === null) rmSync(full, { force: true });
      else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, text);
      }
    }
    return this;
  }

  commit(message: string, files?: Files): this {
    if (files) this.write(files);
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this;
  }

  /** A commit dated `at` (Unix seconds). */
  commitAt(at: number, files?: Files): this {
    if (files) this.write(files);
    this.gitAt(at, 'add', '-A');
    this.gitAt(at, 'commit', '-q', '--allow-empty', '-m', `at ${at}`);
    return this;
  }

  tag(name: string): this {
    this.git('tag', name);
    return this;
  }

  remove(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
