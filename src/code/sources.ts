/**
 * Code sources: the working tree, or a git ref read straight from the object database (`ls-tree` + one
 * `cat-file --batch` process). Never a checkout, never a temp directory.
 */
import { lstatSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CatFileBatch, git, GitError, isPartialClone, missingObjects, parseLsTree, requireRef } from '../git.js';
import type { FileStat } from './cache.js';
import type { FileSelection } from './files.js';
import { readRepoFile } from '../safe-fs.js';

/**
 * The most bytes read of one code file. Files over the scan's own limit (1 MB by default) are skipped by
 * their listed size before reading; this bounds a file whose size lied (it grew, or the file system says 0).
 */
export const MAX_CODE_FILE_READ_BYTES = 64 * 1024 * 1024;

export interface SourceFile {
  /** Path relative to the scanned root, with forward slashes. */
  path: string;
  /** Size in bytes when known before reading. */
  size?: number;
  /** Git blob SHA when known before reading (always for refs). */
  sha?: string;
  /** Worktree: the file's lstat when listed (regular files only), so an unchanged file need not be read to know its SHA. */
  stat?: FileStat;
}

export interface CodeSource {
  /** For messages: `working tree` or `origin/main (3f2a9c1)`. */
  readonly label: string;
  /** Name of the cache pack: `worktree`, or `ref-<commit sha>` (a commit's files never change). */
  readonly cacheName: string;
  readonly hashFormat: 'sha1' | 'sha256';
  /** The files under the root that `selection` keeps, sorted by path. */
  list(selection: FileSelection): Promise<SourceFile[]>;
  /** Bytes of a file, or null when it vanished (deleted from the worktree, blob missing from the repository). */
  read(file: SourceFile): Promise<Buffer | null>;
  close(): Promise<void>;
}

function byPath(a: SourceFile, b: SourceFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

interface RepositoryFacts {
  format: 'sha1' | 'sha256';
  /** The root's path inside the repository (`app/` or ''). */
  prefix: string;
}

// Neither changes while a process runs, and every source of a run asks: one git call per root.
const repositoryFacts = new Map<string, Promise<RepositoryFacts>>();

function repositoryOf(root: string): Promise<RepositoryFacts> {
  let facts = repositoryFacts.get(root);
  if (!facts) {
    facts = git(['rev-parse', '--show-object-format', '--show-prefix'], root).then(
      (out): RepositoryFacts => {
        const [format, prefix] = out.split('\n');
        return { format: format?.trim() === 'sha256' ? 'sha256' : 'sha1', prefix: prefix?.trim() ?? '' };
      },
      async (error: unknown): Promise<RepositoryFacts> => {
        // git before 2.25 has no --show-object-format, and only SHA-1 repositories.
        if (!(error instanceof GitError) || error.code !== 'failed') throw error;
        return { format: 'sha1', prefix: (await git(['rev-parse', '--show-prefix'], root)).trim() };
      },
    );
    // A failure (not a repository) is not remembered: the folder may become one.
    facts.catch(() => repositoryFacts.delete(root));
    repositoryFacts.set(root, facts);
  }
  return facts;
}

/** The working tree under `root`: git's view of it (tracked + untracked, minus ignored) when it is a repository, else a folder walk. */
export async function worktreeSource(root: string): Promise<CodeSource> {
  const format = await repositoryOf(root).then(
    (r) => r.format,
    () => 'sha1' as const,
  );
  return {
    label: 'working tree',
    cacheName: 'worktree',
    hashFormat: format,
    async list(selection) {
      let paths: string[] | null = null;
      try {
        const out = await git(['ls-files', '-z', '--cached', '--others', '--exclude-standard', '-x', 'node_modules', '-x', '.git'], root, { maxBuffer: 512 * 1024 * 1024 });
        paths = [...new Set(out.split('\0').filter((p) => p !== ''))];
      } catch (error) {
        if (!(error instanceof GitError) || !['not-a-repository', 'bare-repository', 'no-work-tree', 'git-missing'].includes(error.code)) throw error;
      }
      paths ??= await walk(root, selection);
      const files: SourceFile[] = [];
      for (const path of paths) {
        if (selection.skipReason(path) !== null) continue;
        // Synchronous: thousands of tiny metadata calls cost more through the thread pool than they take.
        let stat;
        try {
          stat = lstatSync(join(root, path), { throwIfNoEntry: false });
        } catch {
          stat = undefined; // unreadable: read() says why
        }
        // Symlinks are not read, as in refs (ls-tree shows them as links, not as the files they point to).
        if (stat?.isFile()) files.push({ path, size: stat.size, stat: { size: stat.size, mtimeMs: stat.mtimeMs, ctimeMs: stat.ctimeMs, ino: stat.ino } });
        else files.push({ path });
      }
      return files.sort(byPath);
    },
    async read(file) {
      // Through the one bounded read: no link (as in refs), no FIFO or device, no link out of the repository.
      const read = readRepoFile(root, join(root, file.path), { maxBytes: MAX_CODE_FILE_READ_BYTES, noLinks: true });
      if (read.ok) return read.bytes;
      if (read.reason === 'missing' || read.reason === 'not-a-file' || read.reason === 'outside') return null;
      throw new Error(read.reason === 'too-large' ? `over the ${MAX_CODE_FILE_READ_BYTES / 1024 / 1024} MB read limit` : (/\(([^)]*)\)/.exec(read.message)?.[1] ?? read.message));
    },
    async close() {},
  };
}

async function walk(root: string, selection: FileSelection): Promise<string[]> {
  const out: string[] = [];
  const visit = async (rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(rel === '' ? root : join(root, rel), { withFileTypes: true });
    } catch {
      return; // unreadable folder: nothing of it is scanned
    }
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (selection.wantsDir(path)) await visit(path);
      } else if (entry.isFile()) out.push(path);
    }
  };
  await visit('');
  return out;
}

/** The tree of `ref` under `root` (which may be a subfolder of the repository), read without a checkout. */
export async function refSource(root: string, ref: string): Promise<CodeSource> {
  const commit = await requireRef(root, ref);
  const { prefix, format } = await repositoryOf(root);
  let batch: CatFileBatch | undefined;
  let partial: boolean | undefined;
  let missing = new Set<string>();
  const knowMissing = async (): Promise<void> => {
    if (partial !== undefined) return;
    partial = await isPartialClone(root);
    if (partial) missing = await missingObjects(root, commit);
  };
  return {
    label: `${ref} (${commit.slice(0, 7)})`,
    cacheName: `ref-${commit}`,
    hashFormat: format,
    async list(selection) {
      // In a partial clone, sizes (-l) and reads of blobs it lacks would make git fetch them: the blobs it
      // lacks are found first without fetching, and never asked for (read() answers null: a diagnostic).
      await knowMissing();
      // The commit is resolved already (lsTree() would resolve it again).
      const out = await git(['ls-tree', '-r', '-z', ...(partial === true ? [] : ['-l']), '--full-tree', commit, '--', ...(prefix ? [prefix] : [])], root, { maxBuffer: 512 * 1024 * 1024 });
      const entries = parseLsTree(out);
      const files: SourceFile[] = [];
      for (const entry of entries) {
        // Only regular files: symlinks (120000) and submodules (160000) are not the app's source here.
        if (entry.type !== 'blob' || entry.mode === '120000') continue;
        if (prefix && !entry.path.startsWith(prefix)) continue;
        const path = entry.path.slice(prefix.length);
        if (selection.skipReason(path) !== null) continue;
        files.push({ path, sha: entry.sha, ...(entry.size !== undefined ? { size: entry.size } : {}) });
      }
      return files.sort(byPath);
    },
    async read(file) {
      if (!file.sha) return null;
      await knowMissing();
      if (missing.has(file.sha)) return null;
      batch ??= new CatFileBatch(root);
      return batch.read(file.sha);
    },
    async close() {
      await batch?.close();
    },
  };
}
