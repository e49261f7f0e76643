/**
 * Silent green: a run that could check nothing (not a git repository, no migration folder, no base ref, a
 * shallow clone without the base) must not look like a clean one. It says on stderr what was not checked and
 * why, and `--fail-on-unchecked` (config `failOnUnchecked`; on by default under CI when no base resolves)
 * makes it exit 2.
 */
import { cloneKind, fetchCommand, resolveRef } from '../git.js';
import type { CheckResult } from '../engine/result.js';

export interface Unchecked {
  /** `no-base`: nothing could be compared with the release still running; `no-migrations`: nothing to compare. */
  kind: 'no-base' | 'no-migrations';
  message: string;
  hint: string;
}

export interface UncheckedInput {
  root: string;
  isGit: boolean;
  gitProblem?: string;
  /** Migrations named on the command line: they are checked whatever the base. */
  files: readonly string[];
  /** `--staged` given: checking the index without a base is what was asked (a pre-commit hook, locally or in CI). */
  stagedAsked: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/** Whether `CI` says this is a CI run (set, and not `false` or `0`). */
export function underCi(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
}

/** Why this run checked nothing, or null when it checked what it should (or was told which files to check). */
export async function whyUnchecked(result: CheckResult, input: UncheckedInput): Promise<Unchecked | null> {
  if (input.files.length > 0 || result.newMigrations.length > 0) return null;
  if (result.migrationDirs !== undefined && result.migrationDirs.length === 0) {
    return {
      kind: 'no-migrations',
      message: `no migration folder found under ${input.root}`,
      hint: 'name it in rollsafe.config.json ("migrations": "db/migrations") or pass --migrations <dir>',
    };
  }
  if (!input.isGit) {
    return {
      kind: 'no-base',
      message: `${input.gitProblem ?? `${input.root} is not a git repository`}: without git no migration is new (no base ref, no staged files)`,
      hint: 'run rollsafe in a clone of the repository, or name the migrations to check: rollsafe check <file>…',
    };
  }
  const ci = underCi(input.env);
  // `--staged` asks for the index, not a base: a hook (also when the pre-commit framework runs in CI). Without
  // it, a run with no base checks the staged migrations only as a fallback, and under CI nothing is staged.
  if (input.stagedAsked) return null;
  if (result.base.ref !== null) {
    // Under CI, origin/HEAD on the default branch is the very commit checked out (a push to main): nothing can
    // be new, and the run would pass whatever the push brought.
    if (!ci || result.base.chosenBy !== 'origin/HEAD') return null;
    const [base, head] = await Promise.all([resolveRef(input.root, result.base.ref), resolveRef(input.root, 'HEAD')]).catch(() => [null, null]);
    if (base === null || base !== head) return null;
    return {
      kind: 'no-base',
      message: 'the base ref origin/HEAD is the commit checked out: nothing can be new',
      hint: 'name the release still running with --base; on a push, the commit before it (GitHub: ${{ github.event.before }}, GitLab: $CI_COMMIT_BEFORE_SHA), fetched',
    };
  }
  const kind = await cloneKind(input.root).catch(() => ({ shallow: false, singleBranch: false }));
  const fetch = fetchCommand('origin/main', 'origin', { shallow: kind.shallow, singleBranch: kind.singleBranch || kind.shallow });
  const tried = 'none of --base, the config\'s "base", GITHUB_BASE_REF, CI_MERGE_REQUEST_TARGET_BRANCH_NAME or origin/HEAD names a ref here';
  const clone = kind.shallow ? 'this is a shallow clone, and ' : kind.singleBranch ? 'this is a single-branch clone, and ' : '';
  return {
    kind: 'no-base',
    message: `no base ref to compare with: ${clone}${tried}${ci ? '' : '; only migrations staged for commit were checked'}`,
    hint: `fetch the branch of the release still running and name it, e.g. ${fetch} then rollsafe check --base origin/main${kind.shallow || kind.singleBranch ? ' (or set fetch-depth: 0 in actions/checkout)' : ''}`,
  };
}

/** Whether "nothing could be checked" is a failure (exit 2): the option or config, else CI with no base. */
export function failsUnchecked(unchecked: Unchecked, flag: boolean | undefined, configured: boolean | undefined, env: Readonly<Record<string, string | undefined>>): boolean {
  if (flag) return true;
  if (configured !== undefined) return configured;
  return unchecked.kind === 'no-base' && underCi(env);
}
