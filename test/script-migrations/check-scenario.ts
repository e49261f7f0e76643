/** `rollsafe check --base` scenarios on real git repositories made from the fixture projects. */
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { checkJson } from '../support/cli.js';
import { TestRepo } from '../support/git-repo.js';
import { FIXTURES, fixturePath, type Tool } from './support.js';

export const repos: TestRepo[] = [];

/** The fixture project at tag `base` without its last migration, which is then added to the worktree. */
export function scenario(tool: Tool, edit: (text: string) => string = (t) => t): { repo: TestRepo; path: string; text: string } {
  const repo = new TestRepo(`rollsafe-${tool}-`);
  repos.push(repo);
  cpSync(fixturePath(tool), repo.root, { recursive: true });
  const path = `${FIXTURES[tool].dir}/${FIXTURES[tool].newMigration}`;
  const text = edit(readFileSync(join(repo.root, path), 'utf8'));
  rmSync(join(repo.root, path));
  repo.commit('base release').tag('base');
  repo.write({ [path]: text });
  return { repo, path, text };
}

export const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

/** The dropped and renamed columns are flagged in the migration file, and the unanalysable call is reported. */
export async function expectCodeAwareFindings(tool: Tool): Promise<void> {
  const { repo, path, text } = scenario(tool);
  const { code, json } = await checkJson(repo.root, ['--base', 'base']);
  expect(json.summary.newMigrations).toEqual([path]);
  const dropped = json.findings.find((f) => f.rule === 'dropped-column-in-use');
  const renamed = json.findings.find((f) => f.rule === 'renamed-column-in-use');
  expect(dropped?.target).toEqual({ schema: 'public', table: 'users', column: 'legacy_flag' });
  expect(dropped?.location.path).toBe(path);
  expect(dropped?.location.line).toBe(lineOf(text, 'legacy_flag'));
  expect(dropped?.references.some((r) => r.source === 'base')).toBe(true);
  expect(renamed?.target).toEqual({ schema: 'public', table: 'users', column: 'name' });
  expect(renamed?.location.path).toBe(path);
  expect(renamed?.location.line).toBe(lineOf(text, "'name'") || lineOf(text, '"name"'));
  expect(code).toBe(1);
  const unanalysed = json.diagnostics.filter((d) => d.code === 'unanalysed-statement');
  expect(unanalysed.map((d) => [d.path, d.line])).toEqual([[path, lineOf(text, 'ARCHIVE_TABLE')]]);
  expect(json.summary.migrationCalls?.unanalysed).toBe(1);
  expect(json.summary.migrationCalls?.analysed).toBeGreaterThan(1);
  expect(existsSync(join(repo.root, FIXTURES[tool].dir, 'EXECUTED'))).toBe(false);
}
