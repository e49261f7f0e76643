/**
 * The cache folder in the shared temp directory, for a repository without a writable `node_modules`.
 *
 * `$TMPDIR` is shared by every user of the machine: a folder there that another user created (or can write
 * to) could hold a compiled config that rollsafe would import and run, or cached results it would trust. As
 * Python's pycache prefix and ccache do for their per-user caches, the folder is per user
 * (`rollsafe-cache-<uid>/<hash>`), created with mode 0700, and checked before every use: it must be a real
 * folder (not a link), owned by the current user, with no write permission for group or others. When the
 * check fails the folder is not used at all.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The folder under the temp directory that holds every repository's cache of the current user. */
export function tempCacheBase(): string {
  const uid = process.getuid?.();
  // Windows has no uid, and its temp folder is already per user.
  return join(tmpdir(), uid === undefined ? 'rollsafe-cache' : `rollsafe-cache-${uid}`);
}

/** Name of a repository's cache folder under `tempCacheBase()`. */
export function repositoryCacheName(root: string): string {
  return createHash('sha1').update(root).digest('hex').slice(0, 12);
}

/**
 * Creates `dir` with mode 0700 when missing, then says whether it is safe to use: a folder (not a link) owned
 * by the current user that neither group nor others can write to.
 */
export function ensurePrivateDir(dir: string): boolean {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return false;
  }
  return isPrivateDir(dir);
}

/** Whether `dir` is a folder (not a link) owned by the current user, not writable by group or others. */
export function isPrivateDir(dir: string): boolean {
  const uid = process.getuid?.();
  let info;
  try {
    info = lstatSync(dir);
  } catch {
    return false;
  }
  if (!info.isDirectory()) return false;
  if (uid === undefined) return true;
  return info.uid === uid && (info.mode & 0o022) === 0;
}

/**
 * The temp-directory cache folder of `root`, created and checked; null when it (or the per-user folder above
 * it) is not private, so that nothing is read from or written to it. `fresh`: a new private folder made with
 * mkdtemp (always 0700, always new), for a file that must be written somewhere even when the shared one was
 * tampered with; the caller removes it.
 */
export function privateCacheDir(root: string, options: { fresh?: boolean } = {}): string | null {
  if (options.fresh) {
    try {
      return mkdtempSync(join(tmpdir(), 'rollsafe-'));
    } catch {
      return null;
    }
  }
  const base = tempCacheBase();
  const dir = join(base, repositoryCacheName(root));
  return ensurePrivateDir(base) && ensurePrivateDir(dir) ? dir : null;
}
