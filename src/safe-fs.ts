/**
 * The one way rollsafe reads a file of the repository, and the one way it writes a file.
 *
 * A repository is untrusted input: a committed symbolic link can point at `/dev/zero`, `/proc/self/pagemap`
 * (a "regular" file whose size says 0 and whose reading never ends) or a secret outside the checkout.
 * `readRepoFile` refuses what is not a regular file, refuses a link whose target leaves the repository, and
 * stops after `maxBytes` bytes whatever `stat` says. `writeFileNoFollow` never writes through a link: it
 * writes a temporary file beside the destination and renames it into place, and refuses a destination that
 * is a link (or a folder). Neither throws for a refusal of the repository's making: a read says why, in a
 * sentence that names no target and quotes nothing of the file.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, sep } from 'node:path';

export type SafeRead =
  | { ok: true; bytes: Buffer }
  | { ok: false; reason: 'missing' | 'outside' | 'not-a-file' | 'too-large' | 'unreadable'; message: string };

export interface ReadRepoFileOptions {
  /** Bytes read at most; a longer file is `too-large` (counted while reading, not taken from `stat`). */
  maxBytes: number;
  /** Return the first `maxBytes` bytes of a longer file instead of refusing it (a file head, for detection). */
  truncate?: boolean;
  /** Refuse a symbolic link even when it stays inside the repository (the code scan reads no links, as in git trees). */
  noLinks?: boolean;
}

const realRoots = new Map<string, string>();

/** The real path of a repository root (links resolved), remembered: roots do not move while rollsafe runs. */
function realRoot(root: string): string {
  let real = realRoots.get(root);
  if (real === undefined) {
    try {
      real = realpathSync.native(root);
    } catch {
      real = root;
    }
    realRoots.set(root, real);
  }
  return real;
}

/** Whether the absolute, link-free path `real` is `root` or below it. */
export function isWithin(real: string, root: string): boolean {
  const rootReal = realRoot(root);
  return real === rootReal || real.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);
}

/** The real location of `path` when it stays inside `root`; undefined when it leaves it or cannot be resolved. */
export function realPathWithin(root: string, path: string): string | undefined {
  try {
    const real = realpathSync.native(path);
    return isWithin(real, root) ? real : undefined;
  } catch {
    return undefined;
  }
}

const CHUNK = 64 * 1024;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;
}

/**
 * A file of the repository at `root` (`path` absolute, or relative to `root`). `root: null` is for a file the
 * user named outside any repository (`--config /etc/…`): then only the kind and size checks apply.
 */
export function readRepoFile(root: string | null, path: string, options: ReadRepoFileOptions): SafeRead {
  const abs = isAbsolute(path) || root === null ? path : join(root, path);
  let link;
  try {
    link = lstatSync(abs, { throwIfNoEntry: false });
  } catch (error) {
    return unreadable(error);
  }
  if (!link) return { ok: false, reason: 'missing', message: 'The file does not exist.' };
  let real = abs;
  if (root !== null || link.isSymbolicLink()) {
    if (link.isSymbolicLink() && options.noLinks) return { ok: false, reason: 'not-a-file', message: 'The file is a symbolic link; links are not read.' };
    try {
      real = realpathSync.native(abs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { ok: false, reason: 'missing', message: 'The file is a symbolic link to nothing (a dangling link); it was skipped.' };
      return unreadable(error);
    }
    if (root !== null && !isWithin(real, root)) {
      return { ok: false, reason: 'outside', message: 'The file is a symbolic link to a location outside the repository; rollsafe reads nothing outside the repository, so it was skipped.' };
    }
  }
  let fd: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer. O_NOFOLLOW: `real` has no link left, and a
    // link swapped in since realpath is refused rather than followed.
    fd = openSync(real, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0));
    const info = fstatSync(fd);
    if (!info.isFile()) {
      const kind = info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a FIFO' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'not a regular file';
      return { ok: false, reason: 'not-a-file', message: `The path is ${kind}, not a regular file; it was skipped.` };
    }
    if (info.size > options.maxBytes && !options.truncate) return tooLarge(info.size, options.maxBytes);
    // `size` is a hint only (/proc files say 0; a file may grow while it is read): the cap counts what is read.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      // Whole chunks past the limit (some kernel files refuse reads of odd sizes): at most one chunk over it.
      const want = options.truncate ? Math.min(Math.max(info.size - total, CHUNK), options.maxBytes - total) : Math.min(Math.max(info.size - total, CHUNK), options.maxBytes - total + CHUNK);
      if (want <= 0) break;
      const buffer = Buffer.allocUnsafe(want);
      const n = readSync(fd, buffer, 0, want, null);
      if (n === 0) break;
      chunks.push(n === want ? buffer : buffer.subarray(0, n));
      total += n;
      if (total > options.maxBytes) return tooLarge(total, options.maxBytes, true);
    }
    return { ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, reason: 'missing', message: 'The file does not exist.' };
    if (code === 'ELOOP') return { ok: false, reason: 'not-a-file', message: 'The file changed into a symbolic link while being read; it was skipped.' };
    if (code === 'EISDIR') return { ok: false, reason: 'not-a-file', message: 'The path is a folder, not a regular file; it was skipped.' };
    return unreadable(error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function tooLarge(size: number, max: number, atLeast = false): SafeRead {
  return { ok: false, reason: 'too-large', message: `The file is ${atLeast ? 'over ' : ''}${megabytes(size)}, over the ${megabytes(max)} limit; it was skipped.` };
}

function unreadable(error: unknown): SafeRead {
  const code = (error as NodeJS.ErrnoException).code;
  return { ok: false, reason: 'unreadable', message: `The file cannot be read (${code ?? (error instanceof Error ? error.message : String(error))}); it was skipped.` };
}

/** `readRepoFile` as UTF-8 text; a refusal becomes an Error whose message is the refusal's sentence. */
export function readRepoText(root: string | null, path: string, options: ReadRepoFileOptions): string {
  const read = readRepoFile(root, path, options);
  if (!read.ok) throw new RepoReadError(read.reason, read.message);
  return read.bytes.toString('utf8');
}

export class RepoReadError extends Error {
  readonly reason: Exclude<SafeRead, { ok: true }>['reason'];
  constructor(reason: RepoReadError['reason'], message: string) {
    super(message);
    this.name = 'RepoReadError';
    this.reason = reason;
  }
}

/** Why a write was refused or failed, in one sentence (no stack). `why` is the sentence without the path. */
export class WriteError extends Error {
  readonly code: string | undefined;
  readonly why: string;
  constructor(file: string, why: string, code?: string) {
    super(`cannot write ${file}: ${why}`);
    this.name = 'WriteError';
    this.why = why;
    this.code = code;
  }
}

export interface WriteOptions {
  /** When set, the destination's folder must resolve inside this folder (a repository file: never written through a linked folder). */
  within?: string;
  /** Mode of a new file (default 0o666 before umask). An existing file keeps its mode. */
  mode?: number;
}

/**
 * Writes `data` to `file` without ever following a link: the bytes go to a new temporary file beside it
 * (created exclusively, so a planted link there is not followed either), which is then renamed over the
 * destination. A destination that is a symbolic link or not a regular file is refused. On any failure
 * (ENOSPC, EROFS, EACCES…) the temporary file is removed and a WriteError says what happened.
 */
export function writeFileNoFollow(file: string, data: string | Uint8Array, options: WriteOptions = {}): void {
  const dir = dirname(file);
  let existing;
  try {
    existing = lstatSync(file, { throwIfNoEntry: false });
  } catch (error) {
    throw writeError(file, error);
  }
  if (existing?.isSymbolicLink()) throw new WriteError(file, 'it is a symbolic link, and rollsafe never writes through a link', 'ELINK');
  if (existing && !existing.isFile()) throw new WriteError(file, `it is ${existing.isDirectory() ? 'a folder' : 'not a regular file'}`, existing.isDirectory() ? 'EISDIR' : 'ENOTFILE');
  let dirInfo;
  try {
    dirInfo = lstatSync(dir, { throwIfNoEntry: false });
  } catch (error) {
    throw writeError(file, error);
  }
  if (!dirInfo) throw new WriteError(file, 'its folder does not exist', 'ENOENT');
  if (options.within !== undefined) {
    let real;
    try {
      real = realpathSync.native(dir);
    } catch (error) {
      throw writeError(file, error);
    }
    if (!isWithin(real, options.within)) throw new WriteError(file, 'its folder leads outside the repository through a symbolic link', 'ELINK');
  }
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), existing ? existing.mode & 0o7777 : (options.mode ?? 0o666));
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (error) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already closed or never open
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw writeError(file, error);
  }
}

function writeError(file: string, error: unknown): WriteError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason: Record<string, string> = {
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EISDIR: 'it is a folder',
    ENOTDIR: 'a part of its path is not a folder',
    ENOENT: 'its folder does not exist',
  };
  const why = (code && reason[code]) ?? (error instanceof Error ? error.message : String(error));
  return new WriteError(file, `${why}${code && reason[code] ? ` (${code})` : ''}`, code);
}

/** `path` relative to `root` with forward slashes, for messages. */
export function shownPath(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}
