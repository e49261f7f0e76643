/** `RepoFiles` over the worktree on disk. */
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MAX_MIGRATION_BYTES, type FileRead, type FolderEntries, type RepoFiles } from './layout.js';

export function worktreeFiles(root: string): RepoFiles {
  const listings = new Map<string, Promise<FolderEntries | undefined>>();
  const abs = (path: string): string => (path === '' ? root : join(root, ...path.split('/')));

  async function listUncached(dir: string): Promise<FolderEntries | undefined> {
    const at = abs(dir);
    let dirents;
    try {
      dirents = await readdir(at, { withFileTypes: true });
    } catch {
      return undefined;
    }
    const files: string[] = [];
    const dirs: string[] = [];
    const links: string[] = [];
    await Promise.all(
      dirents.map(async (d) => {
        if (d.isFile()) files.push(d.name);
        else if (d.isDirectory()) dirs.push(d.name);
        else if (d.isSymbolicLink()) {
          // Only links cost a stat; a dangling one is neither file nor folder.
          try {
            const target = await stat(join(at, d.name));
            if (target.isDirectory()) {
              dirs.push(d.name);
              links.push(d.name);
            } else if (target.isFile()) files.push(d.name);
          } catch {
            /* dangling link */
          }
        }
      }),
    );
    files.sort(byCodeUnit);
    dirs.sort(byCodeUnit);
    return links.length > 0 ? { files, dirs, links: links.sort(byCodeUnit) } : { files, dirs };
  }

  return {
    list(dir) {
      let listing = listings.get(dir);
      if (!listing) {
        listing = listUncached(dir);
        listings.set(dir, listing);
      }
      return listing;
    },
    // Reads are synchronous: a migration folder is thousands of small files, and each asynchronous read costs
    // four trips through the thread pool (open, stat, read, close) for a few microseconds of work.
    async head(path, bytes) {
      let fd: number | undefined;
      try {
        fd = openSync(abs(path), 'r');
        const buffer = Buffer.alloc(bytes);
        const bytesRead = readSync(fd, buffer, 0, bytes, 0);
        return buffer.subarray(0, bytesRead).toString('utf8');
      } catch {
        return undefined;
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
    async realPath(path) {
      try {
        return await realpath(abs(path));
      } catch {
        return undefined;
      }
    },
    async read(path): Promise<FileRead> {
      const at = abs(path);
      let fd: number | undefined;
      try {
        fd = openSync(at, 'r');
        const info = fstatSync(fd);
        if (info.size > MAX_MIGRATION_BYTES) {
          return {
            ok: false,
            reason: 'too-large',
            message: `The file is ${(info.size / 1024 / 1024).toFixed(1)} MB, over the ${MAX_MIGRATION_BYTES / 1024 / 1024} MB limit for a migration; it was skipped.`,
          };
        }
        return { ok: true, bytes: new Uint8Array(readFileSync(fd)) };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return { ok: false, reason: 'missing', message: 'The file does not exist.' };
        return { ok: false, reason: 'unreadable', message: `The file cannot be read (${code ?? String(error)}); it was skipped.` };
      } finally {
        if (fd !== undefined) closeSync(fd);
      }
    },
  };
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
