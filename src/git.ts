/**
 * The one place that runs git. Everything is read-only: rollsafe reads refs with `ls-tree` and one
 * long-lived `cat-file --batch` process, never a checkout, never a temp directory.
 */
import { execFile, execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { devNull } from 'node:os';
import { delimiter, isAbsolute, join, relative, sep } from 'node:path';

export type GitErrorCode = 'git-missing' | 'not-a-repository' | 'bare-repository' | 'no-work-tree' | 'unknown-ref' | 'missing-directory' | 'output-too-large' | 'failed';

/** A git failure, with a message a person understands and, when there is one, the next step. */
export class GitError extends Error {
  readonly code: GitErrorCode;
  readonly hint: string | undefined;
  constructor(code: GitErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'GitError';
    this.code = code;
    this.hint = hint;
  }
}

export interface GitOptions {
  /** Largest stdout accepted, in bytes (default 64 MiB). */
  maxBuffer?: number;
  /** Leave core.hooksPath as the repository sets it (only `init`, which asks where hooks go; git runs none). */
  keepHooksPath?: boolean;
}

const DEFAULT_MAX_BUFFER = 64 * 1024 * 1024;

/**
 * The overrides every git command runs with, so that nothing in the repository's configuration (`.git/config`
 * and every file it includes) makes git run a program, take a lock, or reach the network. `-c` is the command
 * line level, which git reads last: for these single-valued keys (and credential.helper, whose empty value
 * empties the list) it beats every file, included ones too.
 * See docs/security.md ("What rollsafe runs") for what each one does and the test that proves it.
 */
export const HARDENING_CONFIG: readonly string[] = [
  // ls-files and diff --cached would ask the fsmonitor hook (a program the repository names) what changed.
  'core.fsmonitor=false',
  // No hook can run: git looks for them in a folder that cannot exist.
  `core.hooksPath=${devNull}`,
  // `cat` is git's word for "no pager" (stdout is a pipe anyway, and --no-pager says so again).
  'core.pager=cat',
  // Credentials and transports: an empty helper list, no askpass, every protocol refused (GIT_ALLOW_PROTOCOL
  // below refuses them too), so no ssh command, remote helper or credential helper is ever started.
  'credential.helper=',
  'core.askPass=',
  'protocol.allow=never',
];

/** The git command line: the overrides, then the command, with the flags that keep a diff from running a driver. */
function hardenedArgs(args: readonly string[], options: GitOptions): string[] {
  const config = options.keepHooksPath ? HARDENING_CONFIG.filter((c) => !c.startsWith('core.hooksPath=')) : HARDENING_CONFIG;
  const global = ['--no-pager', '--no-optional-locks', ...config.flatMap((c) => ['-c', c])];
  const [command, ...rest] = args;
  // A diff runs diff.external, diff.<driver>.command and textconv unless told not to.
  if (command === 'diff') return [...global, command, '--no-ext-diff', '--no-textconv', ...rest];
  return [...global, ...args];
}

/**
 * The environment of every git command: no index lock (others may be committing), parseable messages, no
 * prompt, no askpass program, no transport at all, and no lazy fetch of a partial clone's missing objects
 * (GIT_NO_LAZY_FETCH, git >= 2.44; older git is kept from fetching by reading only what is present, and by
 * GIT_ALLOW_PROTOCOL refusing every transport should it try). The user's own environment is otherwise kept:
 * GIT_DIR and GIT_INDEX_FILE are how a pre-commit hook tells git which index to read.
 */
export function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: '',
    SSH_ASKPASS: '',
    GIT_ALLOW_PROTOCOL: '',
    GIT_NO_LAZY_FETCH: '1',
    GIT_PAGER: 'cat',
  };
}

let gitPath: string | undefined;

/**
 * The git to run: the first on PATH, skipping relative entries and `node_modules` folders. `npm run` puts the
 * project's node_modules/.bin first on PATH, and a pull request can add a `git` there; rollsafe must not run it.
 */
export function gitBinary(): string {
  if (gitPath !== undefined) return gitPath;
  if (process.platform === 'win32') return (gitPath = 'git');
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!isAbsolute(dir) || dir.split(sep).includes('node_modules')) continue;
    const candidate = join(dir, 'git');
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return (gitPath = candidate);
    } catch {
      // not here
    }
  }
  // None outside the project: spawning plain `git` then fails as a missing git does.
  return (gitPath = 'git');
}

function missingGit(): GitError {
  return new GitError('git-missing', 'git is not installed or not on PATH', 'install git, or run rollsafe where `git --version` works');
}

function checkCwd(cwd: string): void {
  // A missing cwd makes spawn fail with the same ENOENT as a missing git binary.
  if (!existsSync(cwd)) throw new GitError('missing-directory', `directory ${cwd} does not exist`);
}

function classify(stderr: string, args: readonly string[], cwd: string): GitError {
  const first = stderr.split('\n').find((l) => l.trim() !== '')?.replace(/^(fatal|error): /, '') ?? `git ${args[0] ?? ''} failed`;
  if (/must be run in a work tree/i.test(stderr)) {
    return new GitError('no-work-tree', `${cwd} is not in a working tree (a bare repository, or inside .git)`, 'run rollsafe in a clone with a working tree');
  }
  if (/not a git repository/i.test(stderr)) {
    return new GitError('not-a-repository', `${cwd} is not inside a git repository`, 'run rollsafe from your repository, or pass --root <dir>');
  }
  if (/unknown revision|bad revision|not a valid object name|invalid object name|ambiguous argument|not a tree object|bad object/i.test(stderr)) {
    return new GitError('unknown-ref', first.trim());
  }
  return new GitError('failed', `git ${args.join(' ')}: ${first.trim()}`);
}

/** Run git (no shell) in `cwd` and return its stdout; throws GitError. */
export function git(args: readonly string[], cwd: string, options: GitOptions = {}): Promise<string> {
  return gitBuffer(args, cwd, options).then((out) => out.toString('utf8'));
}

/** Like `git()`, but stdout as bytes. */
export function gitBuffer(args: readonly string[], cwd: string, options: GitOptions = {}): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    try {
      checkCwd(cwd);
    } catch (error) {
      reject(error);
      return;
    }
    const maxBuffer = options.maxBuffer ?? DEFAULT_MAX_BUFFER;
    execFile(gitBinary(), hardenedArgs(args, options), { cwd, env: gitEnv(), maxBuffer, encoding: 'buffer', windowsHide: true }, (error, stdout, stderr) => {
      if (!error) {
        resolve(stdout);
        return;
      }
      const err = error as NodeJS.ErrnoException & { code?: string | number };
      if (err.code === 'ENOENT') reject(missingGit());
      else if (err.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
        reject(new GitError('output-too-large', `git ${args[0] ?? ''} printed more than ${Math.round(maxBuffer / 1048576)} MiB`));
      } else reject(classify(stderr.toString('utf8'), args, cwd));
    });
  });
}

/**
 * Synchronous `git()`, for the ESLint plugin (rules are synchronous). Same overrides and environment;
 * stdout, or null when git fails or is missing.
 */
export function gitSync(args: readonly string[], cwd: string): string | null {
  try {
    return execFileSync(gitBinary(), hardenedArgs(args, {}), { cwd, env: gitEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], windowsHide: true });
  } catch {
    return null;
  }
}

/** The top-level directory of the repository containing `cwd`. */
export async function repoRoot(cwd: string): Promise<string> {
  let top: string;
  try {
    top = (await git(['rev-parse', '--show-toplevel'], cwd)).trim();
  } catch (error) {
    if (!(error instanceof GitError) || error.code !== 'no-work-tree') throw error;
    // No working tree: say which of the two it is, rather than "not a git repository".
    const [bare, inGitDir] = (await git(['rev-parse', '--is-bare-repository', '--is-inside-git-dir'], cwd).catch(() => '')).split('\n').map((l) => l.trim());
    if (bare === 'true') throw new GitError('bare-repository', `${cwd} is a bare git repository (it has no working tree)`, 'run rollsafe in a clone of it: git clone <this folder> <dir>');
    if (inGitDir === 'true') throw new GitError('no-work-tree', `${cwd} is inside a .git folder, not in a working tree`, 'run rollsafe from the working tree');
    throw error;
  }
  // core.worktree in the repository's config (or GIT_WORK_TREE) can make any folder the working tree (`/`,
  // a home folder): rollsafe would read code and configuration from there. The working tree must contain
  // the folder rollsafe runs in.
  if (!within(realpathOr(cwd), realpathOr(top))) {
    throw new GitError('no-work-tree', `${cwd} is outside its repository's working tree (${top}: core.worktree or GIT_WORK_TREE points elsewhere)`, 'run rollsafe from the working tree, or remove core.worktree from .git/config');
  }
  return top;
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function within(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Whether the repository is a shallow clone (history cut off, so old refs may be absent). */
export async function isShallow(cwd: string): Promise<boolean> {
  const out = await git(['rev-parse', '--is-shallow-repository'], cwd);
  return out.trim() === 'true';
}

/** The commit SHA a ref (branch, tag, SHA, `HEAD~3`, `origin/main`) points to, or null when there is none. */
export async function resolveRef(cwd: string, ref: string): Promise<string | null> {
  if (ref === '' || ref.startsWith('-') || /[\0\n]/.test(ref)) return null;
  try {
    const out = await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], cwd);
    const sha = out.trim();
    return sha === '' ? null : sha;
  } catch (error) {
    if (error instanceof GitError && (error.code === 'unknown-ref' || error.code === 'failed')) return null;
    throw error;
  }
}

/** Shallow (history cut off) and single-branch (the fetch refspec names one branch, as `clone --depth` makes it). */
export interface CloneKind {
  shallow: boolean;
  singleBranch: boolean;
}

export async function cloneKind(cwd: string, remote = 'origin'): Promise<CloneKind> {
  const shallow = await isShallow(cwd).catch(() => false);
  const refspecs = (await git(['config', '--get-all', `remote.${remote}.fetch`], cwd).catch(() => '')).split('\n').filter(Boolean);
  // A remote without a refspec (added as actions/checkout adds it) fetches only what is named, too.
  const known = refspecs.length > 0 || (await git(['config', '--get', `remote.${remote}.url`], cwd).catch(() => '')).trim() !== '';
  const singleBranch = known && !refspecs.some((r) => /refs\/heads\/\*:/.test(r));
  return { shallow, singleBranch };
}

/**
 * A command that brings `ref` into this clone. `git fetch --deepen` and `git fetch origin <branch>` do not
 * create `origin/<branch>` in a single-branch clone (what `clone --depth` and actions/checkout make); an
 * explicit refspec does, in any clone. One commit is enough: rollsafe reads the base's tree, not its history.
 */
export function fetchCommand(ref: string, remote: string | undefined, kind: CloneKind): string {
  const depth = kind.shallow ? ' --depth=1' : '';
  if (remote) {
    const branch = ref.slice(remote.length + 1);
    if (!kind.shallow && !kind.singleBranch) return `git fetch ${remote} ${branch}`;
    return `git fetch --no-tags${depth} ${remote} +refs/heads/${branch}:refs/remotes/${remote}/${branch}`;
  }
  if (OBJECT_ID.test(ref)) return `git fetch --no-tags${depth} origin ${ref}`;
  return kind.shallow ? `git fetch --no-tags${depth} origin ${ref}:${ref}` : `git fetch origin ${ref}`;
}

/** Like `resolveRef`, but a missing ref is a GitError that says what to do (fetch it, in a way that works for this clone). */
export async function requireRef(cwd: string, ref: string): Promise<string> {
  const sha = await resolveRef(cwd, ref);
  if (sha) return sha;
  const type = await objectKind(cwd, ref);
  if (type && type !== 'commit') {
    const what = type === 'tag' ? 'a tag of something other than a commit' : `a ${type}, not a commit`;
    return Promise.reject(new GitError('unknown-ref', `git ref "${ref}" is ${what}`, 'pass a commit, branch or tag of the release still running (a tree or blob id names contents, not a release)'));
  }
  const remotes = (await git(['remote'], cwd).catch(() => '')).split('\n').filter(Boolean);
  const remote = remotes.find((r) => ref.startsWith(`${r}/`)) ?? (ref.startsWith('origin/') ? 'origin' : undefined);
  const kind = await cloneKind(cwd, remote ?? 'origin');
  const fetch = fetchCommand(ref, remote, kind);
  if (kind.shallow) {
    return Promise.reject(
      new GitError('unknown-ref', `git ref "${ref}" is not in this shallow clone`, `fetch it first (${fetch}), or set fetch-depth: 0 in actions/checkout`),
    );
  }
  return Promise.reject(new GitError('unknown-ref', `git ref "${ref}" does not exist in this repository`, `check the name, or fetch it (${fetch})`));
}

/** What `ref` names when it is not a commit (`tree`, `blob`, `tag`), or null when it names nothing. */
async function objectKind(cwd: string, ref: string): Promise<string | null> {
  if (ref === '' || ref.startsWith('-') || /[\0\n]/.test(ref)) return null;
  const sha = (await git(['rev-parse', '--verify', '--quiet', '--end-of-options', ref], cwd).catch(() => '')).trim();
  if (!OBJECT_ID.test(sha)) return null;
  const kind = (await git(['cat-file', '-t', sha], cwd).catch(() => '')).trim();
  return kind === '' ? null : kind;
}

export interface TreeEntry {
  /** Repository-relative path with forward slashes. */
  path: string;
  /** `100644`, `100755`, `120000` (symlink), `160000` (submodule). */
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  /** Blob size in bytes (absent for submodules). */
  size?: number;
}

/**
 * Every blob under `ref` (recursive, paths from the repository root), optionally limited to `paths`
 * (pathspecs relative to the root), with sizes unless `sizes: false`.
 */
export async function lsTree(cwd: string, ref: string, paths: readonly string[] = [], options: { sizes?: boolean } = {}): Promise<TreeEntry[]> {
  const sha = await requireRef(cwd, ref);
  // Sizes (-l) make git look every blob up, which a partial clone cannot do without fetching: ask only when needed.
  const out = await git(['ls-tree', '-r', '-z', ...(options.sizes === false ? [] : ['-l']), '--full-tree', sha, '--', ...paths], cwd, { maxBuffer: 512 * 1024 * 1024 });
  return parseLsTree(out);
}

// Whether a repository is a partial clone does not change while a process runs.
const partialClones = new Map<string, Promise<boolean>>();

/**
 * Whether the repository is a partial clone (`git clone --filter=…`): objects it lacks would be fetched from
 * a promisor remote the moment a command asks for them. Read from its configuration, which runs nothing.
 */
export function isPartialClone(cwd: string): Promise<boolean> {
  let known = partialClones.get(cwd);
  if (!known) {
    known = git(['config', '-z', '--get-regexp', '^(remote\\..*\\.promisor|extensions\\.partialclone)$'], cwd).then(
      (out) => out.split('\0').some((record) => record !== '' && !/\n(false|no|off|0)$/i.test(record)),
      // git config exits 1 when no key matches.
      (error: unknown) => {
        if (error instanceof GitError && error.code === 'failed') return false;
        throw error;
      },
    );
    partialClones.set(cwd, known);
  }
  return known;
}

/**
 * The objects reachable from `commit`'s tree that the object store does not have, listed without fetching
 * any (`rev-list --missing=print` never fetches, on every git version that has it: 2.17 and later).
 */
export async function missingObjects(cwd: string, commit: string): Promise<Set<string>> {
  const out = await git(['rev-list', '--objects', '--no-walk', '--missing=print', commit], cwd, { maxBuffer: 512 * 1024 * 1024 });
  const missing = new Set<string>();
  for (const line of out.split('\n')) if (line.startsWith('?')) missing.add(line.slice(1).trim());
  return missing;
}

/** Parses `git ls-tree -r -z -l` output: `<mode> <type> <sha> <size>\t<path>\0`. */
export function parseLsTree(out: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, sha, size] = record.slice(0, tab).trim().split(/\s+/);
    if (!mode || !sha || (type !== 'blob' && type !== 'tree' && type !== 'commit')) continue;
    const entry: TreeEntry = { path: record.slice(tab + 1), mode, type, sha };
    if (size !== undefined && /^\d+$/.test(size)) entry.size = Number(size);
    entries.push(entry);
  }
  return entries;
}

/** Git's object id of a blob with these bytes: sha1("blob <len>\0" + bytes) (sha256 in SHA-256 repositories). */
export function hashBlob(bytes: Uint8Array, format: 'sha1' | 'sha256' = 'sha1'): string {
  return createHash(format).update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** `sha1` or `sha256`: how the repository names objects. */
export async function objectFormat(cwd: string): Promise<'sha1' | 'sha256'> {
  try {
    const out = (await git(['rev-parse', '--show-object-format'], cwd)).trim();
    return out === 'sha256' ? 'sha256' : 'sha1';
  } catch (error) {
    if (error instanceof GitError && error.code === 'failed') return 'sha1';
    throw error;
  }
}

interface PendingRead {
  sha: string;
  resolve(content: Buffer | null): void;
  reject(error: Error): void;
}

const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/i;

/**
 * One long-lived `git cat-file --batch` process: requests are written in order and answered in order.
 * A missing object reads as null. Call `close()` when done.
 */
export class CatFileBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: PendingRead[] = [];
  private header: Buffer[] = [];
  private body: Buffer | undefined;
  private bodyFilled = 0;
  private failure: GitError | undefined;
  private closed = false;
  private readonly exited: Promise<void>;

  constructor(cwd: string) {
    checkCwd(cwd);
    this.child = spawn(gitBinary(), hardenedArgs(['cat-file', '--batch'], {}), { cwd, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    let stderr = '';
    this.child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    // Writes after git died surface here; the exit handler reports the failure.
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (error: NodeJS.ErrnoException) => {
        this.fail(error.code === 'ENOENT' ? missingGit() : new GitError('failed', `git cat-file: ${error.message}`));
        resolve();
      });
      this.child.on('close', (code) => {
        if (this.queue.length > 0 || (!this.closed && code !== 0)) {
          this.fail(stderr.trim() ? classify(stderr, ['cat-file'], cwd) : new GitError('failed', `git cat-file --batch exited (code ${code ?? 'signal'})`));
        }
        this.closed = true;
        resolve();
      });
    });
  }

  /** The object's bytes, or null when the repository does not have it. */
  read(sha: string): Promise<Buffer | null> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(new GitError('failed', 'git cat-file --batch is closed'));
    // Only object ids: anything else could inject a second request line.
    if (!OBJECT_ID.test(sha)) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.queue.push({ sha, resolve, reject });
      this.child.stdin.write(`${sha}\n`);
    });
  }

  /** Ends the process and waits for it to exit. Pending reads still get their answers. */
  async close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.child.stdin.end();
    }
    await this.exited;
  }

  private fail(error: GitError): void {
    this.failure ??= error;
    for (const pending of this.queue.splice(0)) pending.reject(this.failure);
  }

  private onData(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.body) {
        const take = Math.min(this.body.length - this.bodyFilled, chunk.length - offset);
        chunk.copy(this.body, this.bodyFilled, offset, offset + take);
        this.bodyFilled += take;
        offset += take;
        if (this.bodyFilled === this.body.length) {
          const pending = this.queue.shift();
          // The body buffer carries the trailing LF that ends each answer.
          pending?.resolve(this.body.subarray(0, this.body.length - 1));
          this.body = undefined;
        }
        continue;
      }
      const newline = chunk.indexOf(0x0a, offset);
      if (newline < 0) {
        this.header.push(chunk.subarray(offset));
        return;
      }
      this.header.push(chunk.subarray(offset, newline));
      offset = newline + 1;
      const line = Buffer.concat(this.header).toString('utf8');
      this.header = [];
      this.onHeader(line);
    }
  }

  private onHeader(line: string): void {
    // `<sha> <type> <size>` or `<name> missing` / `<name> ambiguous`.
    const parts = line.split(' ');
    if (parts.length === 3 && /^\d+$/.test(parts[2]!)) {
      this.body = Buffer.allocUnsafe(Number(parts[2]) + 1);
      this.bodyFilled = 0;
      return;
    }
    this.queue.shift()?.resolve(null);
  }
}
