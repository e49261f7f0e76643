import type { Command } from '../command.js';
import { EXIT_CLEAN, EXIT_FINDINGS, UsageError } from '../io.js';
import { openProject } from '../project.js';
import { CheckUsageError, runCheck } from '../../engine/check.js';
import { MigrationsConfigError } from '../../migrations/index.js';
import { rules } from '../../../rules/index.js';
import { writeReport, FORMATS, type FormatName } from '../../report/index.js';
// rollsafe:baseline+print-config — begin
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Diagnostic } from '../../diagnostic.js';
import { compareStrings } from '../../compare.js';
import type { RollsafeConfig } from '../../config/types.js';
import { configureRules } from '../../engine/check.js';
import type { CheckResult } from '../../engine/result.js';
import {
  DEFAULT_BASELINE_FILE,
  formatBaseline,
  lineTextIn,
  matchBaseline,
  parseBaseline,
  staleDiagnostics,
  updateBaseline,
  type BaselineScope,
} from '../../engine/baseline.js';
import { discoverMigrationSets } from '../../migrations/index.js';
import { resolveConfig } from '../../report/config-docs.js';
// rollsafe:baseline+print-config — end

export const checkCommand: Command = {
  name: 'check',
  summary: 'Check new migrations against the schema history and the code still live (the default command).',
  usage: 'rollsafe check [files…] [--base <ref>] [--migrations <dir>]… [--format <name>] [--pg-version N] [--config <file>] [--update-baseline] [--print-config] [--verbose]',
  options: {
    base: { type: 'string', description: 'git ref of the release still running (default: CI target branch, else origin/HEAD)', placeholder: 'ref' },
    migrations: { type: 'string', multiple: true, description: 'migration folder (repeatable); overrides detection and config', placeholder: 'dir' },
    format: { type: 'string', short: 'f', description: `output format: ${FORMATS.join(', ')}`, placeholder: 'name' },
    'pg-version': { type: 'string', description: 'Postgres major version the migrations run on (default 18)', placeholder: 'N' },
    config: { type: 'string', short: 'c', description: 'configuration file (default: rollsafe.config.* or package.json "rollsafe")', placeholder: 'file' },
    root: { type: 'string', description: 'repository root (default: the git top level of the current folder)', placeholder: 'dir' },
    staged: { type: 'boolean', description: 'with no base ref, check the migrations staged for commit (pre-commit hooks)' },
    'update-baseline': { type: 'boolean', description: 'accept every current finding: write them to the baseline file (config "baseline", default rollsafe-baseline.json)' },
    'print-config': { type: 'boolean', description: 'print the configuration in effect, defaults filled in, as JSON, and exit' },
    verbose: { type: 'boolean', description: 'also show diagnostics about files the change does not touch (said once, not on every PR)' },
  },
  async run(args, io) {
    const format = (args.values.format as string | undefined) ?? 'pretty';
    if (!FORMATS.includes(format as FormatName)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const pgRaw = args.values['pg-version'] as string | undefined;
    const pgVersion = pgRaw === undefined ? undefined : Number(pgRaw);
    if (pgVersion !== undefined && (!Number.isInteger(pgVersion) || pgVersion < 9 || pgVersion > 30)) throw new UsageError('--pg-version must be a Postgres major version such as 16');
    const project = await openProject(io, { root: args.values.root as string | undefined, config: args.values.config as string | undefined });
    const base = args.values.base as string | undefined;
    if (base !== undefined && !project.isGit) throw new UsageError(`--base needs git: ${project.gitProblem ?? `${project.root} is not a git repository`}`);
    if (args.values['print-config']) {
      const migrationDirs = args.values.migrations as string[] | undefined;
      io.stdout.write(JSON.stringify(await printableConfig(project.root, project.config.config, { migrationDirs, pgVersion, base }), null, 2) + '\n');
      return EXIT_CLEAN;
    }
    // Without git nothing is new unless named: say why, rather than pass quietly.
    if (project.gitProblem && args.positionals.length === 0) io.stderr.write(`rollsafe: ${project.gitProblem}; only migrations named on the command line are checked\n`);
    let result;
    try {
      result = await runCheck({
        root: project.root,
        cwd: io.cwd,
        config: project.config.config,
        rules,
        env: io.env,
        files: args.positionals,
        ...(base !== undefined ? { base } : {}),
        ...(args.values.migrations ? { migrationDirs: args.values.migrations as string[] } : {}),
        ...(pgVersion !== undefined ? { pgVersion } : {}),
        staged: Boolean(args.values.staged) || (!base && args.positionals.length === 0 && project.isGit),
        note: (line) => io.stderr.write(`rollsafe: ${line}\n`),
        verbose: Boolean(args.values.verbose),
      });
    } catch (error) {
      if (error instanceof CheckUsageError) throw new UsageError(error.hint ? `${error.message}\n  hint: ${error.hint}` : error.message);
      if (error instanceof MigrationsConfigError) throw new UsageError(error.message);
      throw error;
    }
    result = applyBaseline(result, project.root, project.config.config, Boolean(args.values['update-baseline']), io.stderr);
    if (result.hiddenDiagnostics) {
      const n = result.hiddenDiagnostics;
      io.stderr.write(`rollsafe: ${n} diagnostic${n === 1 ? '' : 's'} about files this change does not touch not shown (--verbose shows them)\n`);
    }
    const { VERSION } = await import('../main.js');
    writeReport(result, format as FormatName, io.stdout, io.env, { version: VERSION });
    const failing = result.findings.some((f) => f.severity === 'error') || result.diagnostics.some((d) => d.severity === 'error');
    return failing ? EXIT_FINDINGS : EXIT_CLEAN;
  },
};

// rollsafe:baseline+print-config — begin
/** Drops the findings the baseline accepts (after rewriting it with `--update-baseline`) and reports stale entries. */
function applyBaseline(result: CheckResult, root: string, config: RollsafeConfig, update: boolean, stderr: { write(text: string): void }): CheckResult {
  const file = resolve(root, config.baseline ?? DEFAULT_BASELINE_FILE);
  const path = relative(root, file).split('\\').join('/');
  const activeRules = configureRules(rules, config).map((c) => c.rule.id);
  const scope: BaselineScope = { checkedMigrations: result.newMigrations, activeRules, knownRules: rules.map((r) => r.id) };
  const lineText = lineTextIn(result.texts);
  const diagnostics: Diagnostic[] = [];
  let text: string | null = null;
  if (existsSync(file)) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      diagnostics.push({ code: 'baseline-invalid', severity: 'error', message: `cannot read the baseline: ${error instanceof Error ? error.message : String(error)}`, location: { path, line: 1, column: 1, endLine: 1, endColumn: 1 } });
    }
  }
  let parsed = text === null ? null : parseBaseline(text, path);
  if (update) {
    const next = updateBaseline(result.findings, parsed?.baseline ?? null, scope, { fileExists: (p) => existsSync(resolve(root, p)), lineText });
    text = formatBaseline(next);
    writeFileSync(file, text);
    const entries = Object.values(next.files).reduce((n, byRule) => n + Object.values(byRule).reduce((m, list) => m + list.length, 0), 0);
    stderr.write(`rollsafe: wrote ${path} (${entries} accepted finding${entries === 1 ? '' : 's'} in ${Object.keys(next.files).length} file${Object.keys(next.files).length === 1 ? '' : 's'})\n`);
    parsed = { baseline: next, diagnostics: [] };
    diagnostics.length = 0;
  }
  if (!parsed && diagnostics.length === 0) return { ...result, activeRules };
  const match = parsed ? matchBaseline(result.findings, parsed.baseline, scope, lineText) : { findings: result.findings, baselined: [], stale: [] };
  diagnostics.push(...(parsed?.diagnostics ?? []), ...staleDiagnostics(match.stale, path, text ?? ''));
  const all = [...result.diagnostics, ...diagnostics].sort(
    (a, b) => compareStrings(a.location.path, b.location.path) || a.location.line - b.location.line || a.location.column - b.location.column,
  );
  return { ...result, findings: match.findings, baselined: match.baselined.length, diagnostics: all, activeRules };
}

/** `--print-config`: the configuration with defaults, and the migration folders as detection finds them. */
async function printableConfig(root: string, config: RollsafeConfig, flags: { migrationDirs?: string[]; pgVersion?: number; base?: string }): Promise<RollsafeConfig> {
  const configured = typeof config.migrations === 'string' ? [config.migrations] : (config.migrations ?? []);
  const dirs = flags.migrationDirs?.length ? flags.migrationDirs : configured.map((m) => (typeof m === 'string' ? m : m.dir));
  let detected;
  try {
    detected = await discoverMigrationSets(root, dirs.length ? { dirs } : { postDeployDirs: config.postDeployMigrations ?? [] });
  } catch (error) {
    if (error instanceof MigrationsConfigError) throw new UsageError(error.message);
    throw error;
  }
  return resolveConfig({
    config,
    detected: detected.sets,
    rules,
    ...(flags.migrationDirs?.length ? { migrationDirs: flags.migrationDirs } : {}),
    ...(flags.pgVersion !== undefined ? { pgVersion: flags.pgVersion } : {}),
    ...(flags.base !== undefined ? { base: flags.base } : {}),
  });
}
// rollsafe:baseline+print-config — end
