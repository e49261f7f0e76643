/** `RepoFiles` over the worktree on disk. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readRepoFile, realPathWithin } from '../safe-fs.js';
import { MAX_MIGRATION_BYTES, type FileRead, type FolderEntries, type RepoFiles } from './layout.js';

export function worktreeFiles(root: string): RepoFiles {
  const listings = new Map<string, Promise<FolderEntries | undefined>>();
  const abs = (path: string): string => (path === '' ? root : join(root, ...path.split('/')));

  async function listUncached(dir: string): Promise<FolderEntries | undefined> {
    const at = abs(dir);
    // A folder reached through a link that leaves the repository (a configured path, a link given as the
    // folder itself) is not listed: nothing outside the repository is read.
    if (realPathWithin(root, at) === undefined) return undefined;
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
          // Only links cost a stat; a dangling one is neither file nor folder. One that leaves the repository is
          // never walked; it is listed as a file, so that reading it (refused) says so when it is named like a migration.
          const path = join(at, d.name);
          let target;
          try {
            target = await stat(path);
          } catch {
            return; // dangling link
          }
          if (realPathWithin(root, path) === undefined) files.push(d.name);
          else if (target.isDirectory()) {
            dirs.push(d.name);
            links.push(d.name);
          } else files.push(d.name);
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
      const read = readRepoFile(root, abs(path), { maxBytes: bytes, truncate: true });
      return read.ok ? read.bytes.toString('utf8') : undefined;
    },
    async realPath(path) {
      return realPathWithin(root, abs(path));
    },
    async read(path): Promise<FileRead> {
      const read = readRepoFile(root, abs(path), { maxBytes: MAX_MIGRATION_BYTES });
      if (read.ok) return { ok: true, bytes: new Uint8Array(read.bytes.buffer, read.bytes.byteOffset, read.bytes.length) };
      if (read.reason === 'missing' && read.message === 'The file does not exist.') return { ok: false, reason: 'missing', message: read.message };
      if (read.reason === 'too-large') {
        return { ok: false, reason: 'too-large', message: read.message.replace(' limit;', ' limit for a migration;') };
      }
      return { ok: false, reason: 'unreadable', message: read.message };
    },
  };
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
