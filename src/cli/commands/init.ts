/**
 * `rollsafe init`: looks at the repository (migration layouts, ORM, package manager, hook tooling, CI) and
 * proposes the config, a pre-commit entry, a CI step and the ESLint lines; writes them after a yes. It never
 * replaces a file, and edits an existing one only where the edit is plain (a JSON key, a YAML block appended);
 * everything else is printed for the user to paste. A second run finds everything in place and writes nothing.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from '../command.js';
import { EXIT_CLEAN, UsageError, type CliIO } from '../io.js';
import { git, GitError, repoRoot } from '../../git.js';
import { CONFIG_FILES, MAX_CONFIG_BYTES } from '../../config/load.js';
import { readRepoFile, writeFileNoFollow } from '../../safe-fs.js';
import { discoverMigrationSets } from '../../migrations/index.js';
import type { LayoutName } from '../../migrations/migration.js';

type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun';
type ConfigFormat = 'json' | 'ts' | 'mjs';

interface PackageJson {
  text: string;
  value: Record<string, unknown>;
}

/** What init found in the repository. */
export interface ProjectFacts {
  root: string;
  sets: { dir: string; layout: LayoutName }[];
  orms: string[];
  packageManager: PackageManager;
  pkg: PackageJson | null;
  deps: Record<string, string>;
  /** The existing rollsafe config (file name, or `package.json`), if any. */
  config: string | null;
  husky: boolean;
  /** Where lint-staged is configured: `package.json`, an rc file, or `dependency` when only installed. */
  lintStaged: string | null;
  lefthook: string | null;
  preCommitFramework: boolean;
  gitlabCi: boolean;
  eslintConfig: string | null;
  eslint: boolean;
  /** TypeScript sources (`.ts`, `.tsx`, `.mts`, `.cts`), a tsconfig.json or `typescript` installed. */
  typescript: boolean;
  /** `.jsx` files. */
  jsx: boolean;
  isGit: boolean;
}

/** One file init writes: created, or edited with `content` as its new text. */
export interface PlannedWrite {
  path: string;
  kind: 'create' | 'edit';
  content: string;
  /** What is added, shown before asking. */
  preview: string;
  why: string;
  executable?: boolean;
}

export interface InitPlan {
  writes: PlannedWrite[];
  /** Done already, or left to the user (with what to paste). */
  notes: string[];
}

export interface InitOptions {
  configFormat: ConfigFormat;
  gitHook: boolean;
  /** How hooks and CI run rollsafe. */
  command?: string;
}

const ORM_PACKAGES: [string, string][] = [
  ['prisma', 'prisma'],
  ['@prisma/client', 'prisma'],
  ['drizzle-orm', 'drizzle'],
  ['typeorm', 'typeorm'],
  ['kysely', 'kysely'],
  ['knex', 'knex'],
  ['sequelize', 'sequelize'],
  ['@mikro-orm/core', 'mikro-orm'],
  ['pg', 'raw SQL (pg)'],
  ['postgres', 'raw SQL (postgres.js)'],
  ['slonik', 'raw SQL (slonik)'],
  ['@vercel/postgres', 'raw SQL (@vercel/postgres)'],
];

const LINT_STAGED_FILES = ['.lintstagedrc', '.lintstagedrc.json', '.lintstagedrc.yaml', '.lintstagedrc.yml', '.lintstagedrc.mjs', '.lintstagedrc.cjs', '.lintstagedrc.js', 'lint-staged.config.js', 'lint-staged.config.mjs', 'lint-staged.config.cjs', 'lint-staged.config.ts'];
const LEFTHOOK_FILES = ['lefthook.yml', 'lefthook.yaml', '.lefthook.yml', '.lefthook.yaml'];
const ESLINT_FILES = ['eslint.config.js', 'eslint.config.mjs', 'eslint.config.cjs', 'eslint.config.ts', 'eslint.config.mts', 'eslint.config.cts'];
const TS_LAYOUTS: ReadonlySet<LayoutName> = new Set(['knex', 'kysely', 'typeorm', 'node-pg-migrate', 'sequelize', 'mikro-orm']);
export const WORKFLOW_PATH = '.github/workflows/rollsafe.yml';
export const ACTION_REF = 'rollsafe/rollsafe@v0';

/** A file of the repository through the one bounded read (no link out of it, no device); null when absent or refused. */
function readText(root: string, path: string): string | null {
  const read = readRepoFile(root, join(root, path), { maxBytes: MAX_CONFIG_BYTES });
  return read.ok ? read.bytes.toString('utf8') : null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readPackageJson(root: string): PackageJson | null {
  const text = readText(root, 'package.json');
  if (text === null) return null;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? { text, value } : null;
  } catch {
    return null;
  }
}

function packageManager(root: string, pkg: PackageJson | null): PackageManager {
  const declared = typeof pkg?.value.packageManager === 'string' ? pkg.value.packageManager.split('@')[0] : undefined;
  if (declared === 'pnpm' || declared === 'yarn' || declared === 'bun' || declared === 'npm') return declared;
  if (existsSync(join(root, 'pnpm-lock.yaml'))) return 'pnpm';
  if (existsSync(join(root, 'yarn.lock'))) return 'yarn';
  if (existsSync(join(root, 'bun.lockb')) || existsSync(join(root, 'bun.lock'))) return 'bun';
  return 'npm';
}

/** Whether a file whose name matches is in the project (not in node_modules, build output or dot folders); a bounded walk. */
function hasSourceFile(root: string, name: RegExp, limit = 20_000): boolean {
  const stack = [root];
  let seen = 0;
  while (stack.length > 0) {
    let entries;
    const dir = stack.pop()!;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      if (++seen > limit) return false;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !['node_modules', 'dist', 'build', 'coverage'].includes(entry.name)) stack.push(join(dir, entry.name));
      } else if (entry.isFile() && name.test(entry.name)) return true;
    }
  }
  return false;
}

export async function detectProject(root: string): Promise<ProjectFacts> {
  const pkg = readPackageJson(root);
  const deps: Record<string, string> = {};
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    const list = pkg?.value[field];
    if (isRecord(list)) for (const [name, version] of Object.entries(list)) if (typeof version === 'string') deps[name] = version;
  }
  const found = await discoverMigrationSets(root).catch(() => ({ sets: [] }));
  const has = (name: string): boolean => existsSync(join(root, name));
  const lintStagedFile = LINT_STAGED_FILES.find(has);
  let isGit = true;
  try {
    await repoRoot(root);
  } catch (error) {
    if (!(error instanceof GitError)) throw error;
    isGit = false;
  }
  return {
    root,
    sets: found.sets.map((s) => ({ dir: s.dir, layout: s.layout })),
    orms: [...new Set(ORM_PACKAGES.filter(([name]) => name in deps).map(([, orm]) => orm))],
    packageManager: packageManager(root, pkg),
    pkg,
    deps,
    config: CONFIG_FILES.find(has) ?? (pkg && 'rollsafe' in pkg.value ? 'package.json' : null),
    husky: has('.husky') || 'husky' in deps,
    lintStaged: pkg && 'lint-staged' in pkg.value ? 'package.json' : (lintStagedFile ?? ('lint-staged' in deps ? 'dependency' : null)),
    lefthook: LEFTHOOK_FILES.find(has) ?? ('lefthook' in deps || '@evilmartians/lefthook' in deps ? 'dependency' : null),
    preCommitFramework: has('.pre-commit-config.yaml'),
    gitlabCi: has('.gitlab-ci.yml'),
    eslintConfig: ESLINT_FILES.find(has) ?? null,
    eslint: 'eslint' in deps || ESLINT_FILES.some(has),
    typescript: has('tsconfig.json') || 'typescript' in deps || hasSourceFile(root, /\.(?:[cm]?ts|tsx)$/),
    jsx: hasSourceFile(root, /\.jsx$/),
    isGit,
  };
}

/** The command hooks and CI use: the package manager's way to run a local binary. */
function runner(facts: ProjectFacts, options: InitOptions): string {
  if (options.command) return options.command;
  return { npm: 'npx rollsafe', pnpm: 'pnpm exec rollsafe', yarn: 'yarn rollsafe', bun: 'bunx rollsafe' }[facts.packageManager];
}

/** Globs of the migration files, for hook tools that run on matching staged files. */
function migrationGlobs(facts: ProjectFacts): string[] {
  if (facts.sets.length === 0) return ['**/*.sql'];
  return facts.sets.map((s) => `${s.dir === '' ? '' : `${s.dir}/`}**/*.${TS_LAYOUTS.has(s.layout) ? '{ts,js,mjs,cjs}' : 'sql'}`);
}

function configObject(facts: ProjectFacts): Record<string, unknown> {
  return {
    ...(facts.sets.length ? { migrations: facts.sets.map((s) => ({ dir: s.dir, layout: s.layout })) } : {}),
    deployModel: 'before-deploy',
  };
}

export function renderConfig(facts: ProjectFacts, format: ConfigFormat): { path: string; content: string } {
  const json = JSON.stringify(configObject(facts), null, 2);
  if (format === 'ts') return { path: 'rollsafe.config.ts', content: `import type { RollsafeConfig } from 'rollsafe';\n\nexport default ${json} satisfies RollsafeConfig;\n` };
  if (format === 'mjs') return { path: 'rollsafe.config.mjs', content: `/** @type {import('rollsafe').RollsafeConfig} */\nexport default ${json};\n` };
  return { path: 'rollsafe.config.json', content: `${json}\n` };
}

/** package.json and rc files keep their indentation when a key is added. */
function indentOf(text: string): string {
  return /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
}

function stringifyLike(original: string, value: unknown): string {
  return JSON.stringify(value, null, indentOf(original)) + (original.endsWith('\n') ? '\n' : '');
}

const mentionsRollsafe = (text: string | null): boolean => text !== null && /\brollsafe\b/.test(text);

function planLintStaged(facts: ProjectFacts, command: string, plan: InitPlan): void {
  const where = facts.lintStaged;
  const globs = migrationGlobs(facts);
  const entry = `${command} check --staged`;
  const snippet = JSON.stringify(Object.fromEntries(globs.map((g) => [g, entry])), null, 2);
  const path = where === 'dependency' ? 'package.json' : where!;
  const text = readText(facts.root, path);
  let config: Record<string, unknown> | null = null;
  let container: Record<string, unknown> | null = null;
  if (text !== null && (path === 'package.json' || path === '.lintstagedrc' || path === '.lintstagedrc.json')) {
    try {
      const value: unknown = JSON.parse(text);
      if (isRecord(value)) {
        container = value;
        config = path === 'package.json' ? (isRecord(value['lint-staged']) ? value['lint-staged'] : value['lint-staged'] === undefined ? {} : null) : value;
      }
    } catch {
      config = null;
    }
  }
  if (!config || !container) {
    if (mentionsRollsafe(text)) plan.notes.push(`lint-staged (${path}) already runs rollsafe.`);
    else plan.notes.push(`Add to your lint-staged configuration (${path}):\n${indent(snippet)}`);
    return;
  }
  if (Object.values(config).some((v) => mentionsRollsafe(JSON.stringify(v)))) {
    plan.notes.push(`lint-staged (${path}) already runs rollsafe.`);
    return;
  }
  const next = { ...config };
  for (const glob of globs) {
    const existing = next[glob];
    next[glob] = existing === undefined ? entry : Array.isArray(existing) ? [...(existing as unknown[]), entry] : [existing, entry];
  }
  const updated = path === 'package.json' ? { ...container, 'lint-staged': next } : next;
  plan.writes.push({ path, kind: 'edit', content: stringifyLike(text!, updated), preview: `"lint-staged": ${snippet}`, why: 'run rollsafe on staged migrations (lint-staged)' });
}

function planHusky(facts: ProjectFacts, command: string, plan: InitPlan): void {
  const path = '.husky/pre-commit';
  const text = readText(facts.root, path);
  if (mentionsRollsafe(text)) {
    plan.notes.push('The husky pre-commit hook already runs rollsafe.');
    return;
  }
  const line = `${command} check --staged`;
  if (text === null) plan.writes.push({ path, kind: 'create', content: `${line}\n`, preview: line, why: 'husky pre-commit hook', executable: true });
  else plan.writes.push({ path, kind: 'edit', content: `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${line}\n`, preview: line, why: 'husky pre-commit hook', executable: true });
}

function planLefthook(facts: ProjectFacts, command: string, plan: InitPlan): void {
  const path = facts.lefthook === 'dependency' ? 'lefthook.yml' : facts.lefthook!;
  const text = readText(facts.root, path);
  const globs = migrationGlobs(facts);
  const glob = globs.length === 1 ? globs[0]! : `{${globs.join(',')}}`;
  const block = (pad: string): string => `${pad}rollsafe:\n${pad}  glob: ${JSON.stringify(glob)}\n${pad}  run: ${command} check --staged\n`;
  if (mentionsRollsafe(text)) {
    plan.notes.push(`lefthook (${path}) already runs rollsafe.`);
    return;
  }
  if (text === null || !/^pre-commit:/m.test(text)) {
    const addition = `pre-commit:\n  commands:\n${block('    ')}`;
    const content = text === null ? addition : `${text}${text.endsWith('\n') ? '' : '\n'}\n${addition}`;
    plan.writes.push({ path, kind: text === null ? 'create' : 'edit', content, preview: addition.trimEnd(), why: 'lefthook pre-commit command' });
    return;
  }
  // Insert under `pre-commit: commands:` when the block has that plain shape; otherwise leave it to the user.
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^pre-commit:\s*(#.*)?$/.test(l));
  let commands = -1;
  for (let i = start + 1; i < lines.length && (lines[i] === '' || /^\s/.test(lines[i]!)); i++) {
    if (/^\s+commands:\s*(#.*)?$/.test(lines[i]!)) {
      commands = i;
      break;
    }
  }
  const indentation = commands >= 0 ? /^(\s+)/.exec(lines[commands]!)![1]! : '';
  if (commands < 0 || indentation.includes('\t')) {
    plan.notes.push(`Add to the pre-commit commands of ${path}:\n${indent(block('    '))}`);
    return;
  }
  const pad = indentation + indentation;
  const addition = block(pad).trimEnd();
  lines.splice(commands + 1, 0, ...addition.split('\n'));
  plan.writes.push({ path, kind: 'edit', content: lines.join('\n'), preview: addition, why: 'lefthook pre-commit command' });
}

async function planGitHook(facts: ProjectFacts, command: string, plan: InitPlan): Promise<void> {
  const hooks = (await git(['rev-parse', '--git-path', 'hooks'], facts.root, { keepHooksPath: true })).trim();
  const dir = isAbsolute(hooks) ? hooks : join(facts.root, hooks);
  const path = relative(facts.root, join(dir, 'pre-commit')).split('\\').join('/');
  const text = readText(facts.root, path);
  const line = `exec ${command} check --staged`;
  if (mentionsRollsafe(text)) plan.notes.push(`${path} already runs rollsafe.`);
  else if (text !== null) plan.notes.push(`${path} exists; add this line to it:\n${indent(`${command} check --staged || exit 1`)}`);
  else {
    plan.writes.push({
      path,
      kind: 'create',
      content: `#!/bin/sh\n# Installed by rollsafe init: checks the migrations staged for commit.\n${line}\n`,
      preview: line,
      why: 'plain git pre-commit hook',
      executable: true,
    });
  }
}

async function planHook(facts: ProjectFacts, options: InitOptions, command: string, plan: InitPlan): Promise<void> {
  const huskyRunsLintStaged = /lint-staged/.test(readText(facts.root, '.husky/pre-commit') ?? '');
  if (facts.lintStaged && (huskyRunsLintStaged || !facts.husky)) {
    planLintStaged(facts, command, plan);
    if (!facts.husky) plan.notes.push('lint-staged runs from a git hook: make sure one calls it (husky, simple-git-hooks).');
  } else if (facts.husky) planHusky(facts, command, plan);
  else if (facts.lefthook) planLefthook(facts, command, plan);
  else if (options.gitHook && facts.isGit) await planGitHook(facts, command, plan);
  else {
    plan.notes.push(
      facts.preCommitFramework
        ? 'Pre-commit: add rollsafe to .pre-commit-config.yaml (see docs/integrations.md, "pre-commit framework").'
        : 'Pre-commit: no husky, lint-staged or lefthook found; run `rollsafe init --git-hook` for a plain .git/hooks/pre-commit, or see docs/integrations.md.',
    );
  }
}

function installSteps(pm: PackageManager): string[] {
  return {
    npm: ['npm ci'],
    pnpm: ['corepack enable', 'pnpm install --frozen-lockfile'],
    yarn: ['corepack enable', 'yarn install'],
    bun: ['npm install --global bun', 'bun install'],
  }[pm];
}

const CHECK_STAGES = ['test', 'verify', 'check', 'lint', 'validate', 'quality'];

/** The stage of the job: `test` (GitLab's default), else a checking stage the file lists, else its first. */
function gitlabStage(text: string): string {
  const match = /^stages:[ \t]*\n((?:[ \t]+-[^\n]*\n?)+)/m.exec(text);
  if (!match) return 'test';
  const stages = match[1]!.split('\n').map((l) => l.replace(/^\s*-\s*/, '').replace(/["']/g, '').trim()).filter(Boolean);
  return CHECK_STAGES.find((s) => stages.includes(s)) ?? stages[0] ?? 'test';
}

function planCi(facts: ProjectFacts, command: string, plan: InitPlan): void {
  if (facts.gitlabCi) {
    const text = readText(facts.root, '.gitlab-ci.yml') ?? '';
    if (mentionsRollsafe(text)) {
      plan.notes.push('.gitlab-ci.yml already runs rollsafe.');
      return;
    }
    const base = '"origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"';
    const job = [
      'rollsafe:',
      `  stage: ${gitlabStage(text)}`,
      '  image: node:22',
      '  rules:',
      '    - if: $CI_PIPELINE_SOURCE == "merge_request_event"',
      '  script:',
      ...installSteps(facts.packageManager).map((s) => `    - ${s}`),
      // An explicit refspec: the runner's clone is shallow and may not map other branches to origin/*.
      '    - git fetch --no-tags --depth=1 origin "+refs/heads/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME:refs/remotes/origin/$CI_MERGE_REQUEST_TARGET_BRANCH_NAME"',
      `    - ${command} check --base ${base} --format gitlab > gl-code-quality-report.json || true`,
      `    - ${command} check --base ${base}`,
      '  artifacts:',
      '    when: always',
      '    reports:',
      '      codequality: gl-code-quality-report.json',
    ].join('\n');
    plan.writes.push({ path: '.gitlab-ci.yml', kind: 'edit', content: `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}\n${job}\n`, preview: job, why: 'GitLab CI job (merge requests)' });
    return;
  }
  const existing = readText(facts.root, WORKFLOW_PATH);
  const workflow = [
    'name: rollsafe',
    'on:',
    '  pull_request:',
    '  merge_group:',
    'permissions:',
    '  contents: read',
    '  security-events: write # upload the SARIF to code scanning',
    'jobs:',
    '  rollsafe:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@d23441a48e516b6c34aea4fa41551a30e30af803 # v6.1.0',
    `      - uses: ${ACTION_REF}`,
    '',
  ].join('\n');
  if (existing !== null) plan.notes.push(existing === workflow || mentionsRollsafe(existing) ? `${WORKFLOW_PATH} is already there.` : `${WORKFLOW_PATH} exists and is left as it is.`);
  else plan.writes.push({ path: WORKFLOW_PATH, kind: 'create', content: workflow, preview: workflow.trimEnd(), why: 'GitHub Actions workflow (pull requests; SARIF to code scanning, annotations)' });
}

const ESLINT_IMPORT = "import rollsafe from 'rollsafe/eslint-plugin';";
const ESLINT_ENTRY = '  ...rollsafe.configs.recommended,';
/** The configurations docs/eslint.md shows, for a JavaScript and for a TypeScript project. */
const ESLINT_JS_SNIPPET = `${ESLINT_IMPORT}\n\nexport default [\n  // … your configuration\n${ESLINT_ENTRY}\n];`;
export const ESLINT_TS_SNIPPET = [
  '// eslint.config.js',
  "import { defineConfig } from 'eslint/config';",
  "import tseslint from 'typescript-eslint';",
  ESLINT_IMPORT,
  '',
  'export default defineConfig(',
  '  ...tseslint.configs.recommended,',
  ESLINT_ENTRY,
  ');',
].join('\n');
/** A config that sets a TypeScript parser up (typescript-eslint, or its parser alone). */
const TS_PARSER = /\btypescript-eslint\b|@typescript-eslint\/parser|\btseslint\b/;
/** A config that parses JSX (typescript-eslint does for `.jsx`; espree needs `ecmaFeatures.jsx`, React configs set it). */
const JSX_PARSER = /\bjsx\b|react/i;

/**
 * Where the entry goes in the file: before the closing `]` of `export default [ … ]`, or the closing `)` of
 * `export default defineConfig( … )` / `tseslint.config( … )`, when that is the plain shape of the file.
 * `null` when the file is anything else (a variable, a function, a comment after the last entry).
 */
function eslintEntryEdit(text: string): string | null {
  const exports = text.match(/^export default\b/gm) ?? [];
  if (exports.length !== 1) return null;
  const shape = /^export default (?:\[|(?:defineConfig|[A-Za-z_$][\w$]*\.config)\()/m.exec(text);
  if (!shape) return null;
  const closer = shape[0].endsWith('[') ? ']' : ')';
  const close = new RegExp(`\\n\\${closer};?(\\s*)$`).exec(text);
  if (!close || close.index < shape.index) return null;
  const before = text.slice(0, close.index).trimEnd();
  const lastLine = before.slice(before.lastIndexOf('\n') + 1);
  const last = before.at(-1);
  // The last entry needs a comma before rollsafe's; a line ending in a comment cannot take one safely.
  let body = before;
  if (last !== ',' && last !== '[' && last !== '(') {
    if (lastLine.includes('//') || lastLine.trimEnd().endsWith('*/')) return null;
    body = `${before},`;
  }
  return `${body}\n${ESLINT_ENTRY}\n${closer};${close[1]}`;
}

/**
 * The script files rollsafe's code config makes ESLint lint (`**\/*.{js,jsx,ts,tsx,…}`) that this ESLint
 * config cannot parse: without a TypeScript parser, ESLint reads `.ts` files with its JavaScript parser and
 * reports a parse error on each one.
 */
function unparseableKinds(facts: ProjectFacts, text: string): string[] {
  const kinds: string[] = [];
  const tsParser = TS_PARSER.test(text);
  if (facts.typescript && !tsParser) kinds.push('TypeScript');
  if (facts.jsx && !tsParser && !JSX_PARSER.test(text)) kinds.push('JSX');
  return kinds;
}

function planEslint(facts: ProjectFacts, plan: InitPlan): void {
  if (!facts.eslint) return;
  const path = facts.eslintConfig;
  const text = path ? readText(facts.root, path) : null;
  if (mentionsRollsafe(text)) {
    plan.notes.push(`${path} already uses the rollsafe ESLint plugin.`);
    return;
  }
  const snippet = facts.typescript ? `npm install --save-dev typescript-eslint\n\n${ESLINT_TS_SNIPPET}` : ESLINT_JS_SNIPPET;
  const advice = `add the plugin to mark code that uses dropped or renamed columns in the editor:\n${indent(snippet)}`;
  if (text === null || !path) {
    plan.notes.push(`ESLint (flat config${path ? `, ${path}` : ''}): ${advice}`);
    return;
  }
  const unparseable = unparseableKinds(facts, text);
  if (unparseable.length > 0) {
    // Adding rollsafe's code config here would turn a clean `eslint .` into a parse error per file.
    plan.notes.push(
      `ESLint (${path}): not edited. It has no parser for this project's ${unparseable.join(' and ')} files, which ` +
        `rollsafe's rules make ESLint lint: each would be a parse error. Set a parser up for them (typescript-eslint) and ${advice}`,
    );
    return;
  }
  // Edited only when the plugin can be imported (rollsafe installed) and the file has a plain shape.
  const withEntry = 'rollsafe' in facts.deps && !/^\s*(const|let|var)\s+rollsafe\b/m.test(text) ? eslintEntryEdit(text) : null;
  if (withEntry === null) {
    plan.notes.push(`ESLint (flat config, ${path}): ${advice}`);
    return;
  }
  const importLines = [...withEntry.matchAll(/^import [^\n]*;[ \t]*$/gm)];
  const at = importLines.length ? importLines[importLines.length - 1]!.index! + importLines[importLines.length - 1]![0].length : -1;
  const content = at >= 0 ? `${withEntry.slice(0, at)}\n${ESLINT_IMPORT}${withEntry.slice(at)}` : `${ESLINT_IMPORT}\n\n${withEntry}`;
  plan.writes.push({ path, kind: 'edit', content, preview: `${ESLINT_IMPORT}\n…\n${ESLINT_ENTRY}`, why: 'ESLint plugin (editor diagnostics)' });
}

function indent(text: string, pad = '    '): string {
  return text
    .split('\n')
    .map((l) => (l ? pad + l : l))
    .join('\n');
}

export async function planInit(facts: ProjectFacts, options: InitOptions): Promise<InitPlan> {
  const plan: InitPlan = { writes: [], notes: [] };
  const command = runner(facts, options);
  if (facts.config) plan.notes.push(`Configuration: ${facts.config} is already there.`);
  else {
    const { path, content } = renderConfig(facts, options.configFormat);
    plan.writes.push({ path, kind: 'create', content, preview: content.trimEnd(), why: 'rollsafe configuration' });
  }
  await planHook(facts, options, command, plan);
  planCi(facts, command, plan);
  planEslint(facts, plan);
  if (facts.pkg && !('rollsafe' in facts.deps) && !options.command) {
    const add = { npm: 'npm install --save-dev rollsafe', pnpm: 'pnpm add --save-dev rollsafe', yarn: 'yarn add --dev rollsafe', bun: 'bun add --dev rollsafe' }[facts.packageManager];
    plan.notes.push(`Add rollsafe to the project so hooks and CI run the same version: ${add}`);
  }
  return plan;
}

function describeFacts(facts: ProjectFacts): string {
  const sets = facts.sets.length ? facts.sets.map((s) => `${s.dir || '.'} (${s.layout})`).join(', ') : 'none found';
  const hooks = [facts.husky ? 'husky' : '', facts.lintStaged ? 'lint-staged' : '', facts.lefthook ? 'lefthook' : '', facts.preCommitFramework ? 'pre-commit' : ''].filter(Boolean).join(', ') || 'none';
  return [
    `Migrations:      ${sets}`,
    `ORM / SQL:       ${facts.orms.join(', ') || 'none found'}`,
    `Package manager: ${facts.packageManager}`,
    `Hooks:           ${hooks}`,
    `CI:              ${facts.gitlabCi ? 'GitLab CI' : 'GitHub Actions'}`,
  ].join('\n');
}

function describePlan(plan: InitPlan): string {
  const out: string[] = [];
  for (const w of plan.writes) out.push(`${w.kind === 'create' ? 'Create' : 'Edit'} ${w.path} (${w.why}):`, indent(w.preview), '');
  for (const note of plan.notes) out.push(`• ${note}`);
  return out.join('\n').trimEnd() + '\n';
}

export function applyPlan(root: string, plan: InitPlan): void {
  for (const w of plan.writes) {
    const file = join(root, w.path);
    // A file that appeared since the plan was shown is not replaced.
    if (w.kind === 'create' && existsSync(file)) continue;
    try {
      mkdirSync(dirname(file), { recursive: true });
      // Never through a link: a planted link named like the file is refused, not written through.
      writeFileNoFollow(file, w.content, { within: root, mode: w.executable ? 0o777 : 0o666 });
      if (w.executable) chmodSync(file, statSync(file).mode | 0o111);
    } catch (error) {
      throw new UsageError(`init: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

async function askYesNo(io: CliIO, question: string): Promise<boolean | null> {
  let answer: string | null;
  if (io.prompt) answer = await io.prompt(question);
  else if (process.stdin.isTTY) {
    const { createInterface } = await import('node:readline/promises');
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      answer = await rl.question(question);
    } finally {
      rl.close();
    }
  } else return null;
  return /^\s*y(es)?\s*$/i.test(answer ?? '');
}

export const initCommand: Command = {
  name: 'init',
  summary: 'Set rollsafe up: the config, a pre-commit hook, a CI step and the ESLint lines (shows them and asks first).',
  usage: 'rollsafe init [--yes] [--dry-run] [--config-format json|ts|mjs] [--git-hook] [--command <cmd>] [--root <dir>]',
  options: {
    yes: { type: 'boolean', short: 'y', description: 'write without asking (for scripts)' },
    'dry-run': { type: 'boolean', description: 'show what would be written, write nothing' },
    'config-format': { type: 'string', description: 'json (default: never executed, safe for untrusted pull requests), ts or mjs', placeholder: 'format' },
    'git-hook': { type: 'boolean', description: 'with no hook manager (husky, lint-staged, lefthook), write .git/hooks/pre-commit' },
    command: { type: 'string', description: 'how hooks and CI run rollsafe (default: from the package manager, e.g. npx rollsafe)', placeholder: 'cmd' },
    root: { type: 'string', description: 'repository root (default: the git top level of the current folder)', placeholder: 'dir' },
  },
  async run(args, io) {
    const format = (args.values['config-format'] as string | undefined) ?? 'json';
    if (format !== 'json' && format !== 'ts' && format !== 'mjs') throw new UsageError('--config-format must be json, ts or mjs');
    if (args.positionals.length) throw new UsageError(`init takes no arguments (got ${args.positionals.join(' ')})`);
    const rootArg = args.values.root as string | undefined;
    const start = rootArg ? resolve(io.cwd, rootArg) : io.cwd;
    if (!existsSync(start) || !statSync(start).isDirectory()) throw new UsageError(`--root: ${rootArg ?? start} is not a directory`);
    const root = rootArg ? start : await repoRoot(start).catch(() => start);
    const facts = await detectProject(root);
    const command = args.values.command as string | undefined;
    const plan = await planInit(facts, { configFormat: format, gitHook: Boolean(args.values['git-hook']), ...(command ? { command } : {}) });

    io.stdout.write(`${describeFacts(facts)}\n\n`);
    if (plan.writes.length === 0) {
      io.stdout.write(`${describePlan(plan)}\nNothing to write: rollsafe is set up here.\n`);
      return EXIT_CLEAN;
    }
    io.stdout.write(describePlan(plan));
    if (args.values['dry-run']) {
      io.stdout.write('\nDry run: nothing written.\n');
      return EXIT_CLEAN;
    }
    if (!args.values.yes) {
      const yes = await askYesNo(io, `\nWrite ${plan.writes.length} file${plan.writes.length === 1 ? '' : 's'}? [y/N] `);
      if (yes === null) throw new UsageError('init asks before writing: run it in a terminal, or pass --yes');
      if (!yes) {
        io.stdout.write('Nothing written.\n');
        return EXIT_CLEAN;
      }
    }
    applyPlan(root, plan);
    io.stdout.write(`\n${plan.writes.map((w) => `${w.kind === 'create' ? 'Created' : 'Edited'} ${w.path}`).join('\n')}\nNext: review and commit these files; \`rollsafe check\` runs the checks now.\n`);
    return EXIT_CLEAN;
  },
};
