/** Where the repository is and what its configuration says, for every command. */
import { GitError, repoRoot } from '../git.js';
import { ConfigError, loadConfig, NO_CODE_CONFIG_ENV, type LoadedConfig } from '../config/load.js';
import { UsageError, type CliIO } from './io.js';
import { resolve } from 'node:path';
import { existsSync, realpathSync, statSync } from 'node:fs';

export interface Project {
  root: string;
  /** False when the folder is not a git repository (no base ref, no staged files). */
  isGit: boolean;
  /** Why git cannot be used, when that is not simply "not a repository" (git missing from PATH). */
  gitProblem?: string;
  config: LoadedConfig;
}

export async function openProject(io: CliIO, options: { root?: string; config?: string; ruleIds?: readonly string[] }): Promise<Project> {
  const start = options.root ? resolve(io.cwd, options.root) : io.cwd;
  if (!existsSync(start) || !statSync(start).isDirectory()) throw new UsageError(`--root: ${options.root ?? start} is not a directory`);
  let root = start;
  let isGit = true;
  let gitProblem: string | undefined;
  try {
    const top = await repoRoot(start);
    // An explicit --root is the root, even inside a larger repository (then git features are off).
    if (options.root) isGit = realpathSync(top) === realpathSync(start);
    else root = top;
  } catch (error) {
    if (!(error instanceof GitError) || !['not-a-repository', 'bare-repository', 'no-work-tree', 'git-missing'].includes(error.code)) throw error;
    isGit = false;
    // A folder outside any repository is the plain case; git missing or a repository without a working tree is said.
    if (error.code !== 'not-a-repository') gitProblem = `${error.message}${error.hint ? ` (${error.hint})` : ''}`;
  }
  try {
    return { root, isGit, ...(gitProblem ? { gitProblem } : {}), config: await loadConfig(root, options.config, { allowCode: !io.env[NO_CODE_CONFIG_ENV], ...(options.ruleIds ? { ruleIds: options.ruleIds } : {}) }) };
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.problems.length ? `${error.source}: ${error.problems.length} problems:` : error.message, error.problems.map((p) => `- ${p}`));
    throw error;
  }
}
