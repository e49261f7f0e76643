import type { Command } from '../command.js';
import { EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, UsageError } from '../io.js';
import { openProject } from '../project.js';
import { CheckUsageError, runCheck } from '../../engine/check.js';
import { MigrationsConfigError } from '../../migrations/index.js';
import { rules } from '../../../rules/index.js';
import { writeReport, FORMATS, type FormatName } from '../../report/index.js';
import { failsUnchecked, whyUnchecked } from '../unchecked.js';
import { writeStepSummary } from '../../report/markdown.js';
import { Progress } from '../progress.js';
import { sanitizeLine } from '../../report/sanitize.js';
// rollsafe:baseline+print-config — begin
import { existsSync } from 'node:fs';
import { readRepoFile, WriteError, writeFileNoFollow } from '../../safe-fs.js';
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
  usage: 'rollsafe check [files…] [--base <ref>] [--migrations <dir>]… [--format <name>] [--pg-version N] [--config <file>] [--fail-on-unchecked] [--update-baseline] [--print-config] [--verbose]',
  options: {
    base: { type: 'string', description: 'git ref of the release still running (default: CI target branch, else origin/HEAD)', placeholder: 'ref' },
    migrations: { type: 'string', multiple: true, description: 'migration folder (repeatable); overrides detection and config', placeholder: 'dir' },
    format: { type: 'string', short: 'f', description: `output format: ${FORMATS.join(', ')}`, placeholder: 'name' },
    'pg-version': { type: 'string', description: 'Postgres major version the migrations run on (default 18)', placeholder: 'N' },
    config: { type: 'string', short: 'c', description: 'configuration file (default: rollsafe.config.* or package.json "rollsafe")', placeholder: 'file' },
    root: { type: 'string', description: 'repository root (default: the git top level of the current folder)', placeholder: 'dir' },
    staged: { type: 'boolean', description: 'with no base ref, check the migrations staged for commit (pre-commit hooks)' },
    'fail-on-unchecked': { type: 'boolean', description: 'exit 2 when nothing could be checked (no git, no migration folder, no base ref); default under CI when no base ref resolves (config "failOnUnchecked")' },
    'update-baseline': { type: 'boolean', description: 'accept every current finding: write them to the baseline file (config "baseline", default rollsafe-baseline.json)' },
    'print-config': { type: 'boolean', description: 'print the configuration in effect, defaults filled in, as JSON, and exit' },
    verbose: { type: 'boolean', description: 'also show diagnostics about files the change does not touch, and one line of timings per stage on stderr at the end' },
  },
  async run(args, io) {
    const format = (args.values.format as string | undefined) ?? 'pretty';
    if (!FORMATS.includes(format as FormatName)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const pgRaw = args.values['pg-version'] as string | undefined;
    const pgVersion = pgRaw === undefined ? undefined : Number(pgRaw);
    if (pgVersion !== undefined && (!Number.isInteger(pgVersion) || pgVersion < 9 || pgVersion > 30)) throw new UsageError('--pg-version must be a Postgres major version such as 16');
    const project = await openProject(io, { root: args.values.root as string | undefined, config: args.values.config as string | undefined, ruleIds: rules.map((r) => r.id) });
    const base = args.values.base as string | undefined;
    if (base !== undefined && !project.isGit) throw new UsageError(`--base needs git: ${project.gitProblem ?? `${project.root} is not a git repository`}`);
    if (args.values['print-config']) {
      const migrationDirs = args.values.migrations as string[] | undefined;
      io.stdout.write(JSON.stringify(await printableConfig(project.root, project.config.config, { migrationDirs, pgVersion, base }), null, 2) + '\n');
      return EXIT_CLEAN;
    }
    const progress = new Progress(io.stderr, io.env, format);
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
        note: (line) => {
          progress.stop();
          io.stderr.write(`rollsafe: ${sanitizeLine(line)}\n`);
        },
        progress: (stage, detail) => progress.stage(stage, detail),
        verbose: Boolean(args.values.verbose),
      });
    } catch (error) {
      progress.stop();
      if (error instanceof CheckUsageError) throw new UsageError(error.message, error.hint ? [`hint: ${error.hint}`] : []);
      if (error instanceof MigrationsConfigError) throw new UsageError(error.message);
      throw error;
    }
    progress.stage('report', 'writing the report');
    progress.stop();
    result = applyBaseline(result, project.root, project.config.config, Boolean(args.values['update-baseline']), io.stderr);
    if (result.hiddenDiagnostics) {
      const n = result.hiddenDiagnostics;
      io.stderr.write(`rollsafe: ${n} diagnostic${n === 1 ? '' : 's'} about files this change does not touch not shown (--verbose shows them)\n`);
    }
    const { VERSION } = await import('../main.js');
    // Silent green: a run that checked nothing says so, and under the option (or CI without a base) fails.
    const unchecked = await whyUnchecked(result, {
      root: project.root,
      isGit: project.isGit,
      ...(project.gitProblem ? { gitProblem: project.gitProblem } : {}),
      files: args.positionals,
      stagedAsked: Boolean(args.values.staged),
      env: io.env,
    });
    if (unchecked) {
      const fails = failsUnchecked(unchecked, args.values['fail-on-unchecked'] as boolean | undefined, project.config.config.failOnUnchecked, io.env);
      io.stderr.write(`rollsafe: not checked: ${sanitizeLine(unchecked.message)}\n  hint: ${sanitizeLine(unchecked.hint)}\n`);
      if (fails) {
        io.stderr.write('rollsafe: exit 2: nothing could be checked (--fail-on-unchecked, config "failOnUnchecked", on by default under CI without a base ref)\n');
        return EXIT_USAGE;
      }
    }
    writeReport(result, format as FormatName, io.stdout, io.env, { version: VERSION });
    // On GitHub Actions the readable formats also fill the job summary (machine formats are for files).
    if (format === 'pretty' || format === 'github') writeStepSummary(result, io.env, (line) => io.stderr.write(`rollsafe: ${sanitizeLine(line)}\n`));
    if (args.values.verbose) io.stderr.write(`${progress.timings()}\n`);
    const failing = result.findings.some((f) => f.severity === 'error') || result.diagnostics.some((d) => d.severity === 'error');
    return failing ? EXIT_FINDINGS : EXIT_CLEAN;
  },
};

// rollsafe:baseline+print-config — begin
/** A baseline over this size is refused: tens of thousands of accepted findings fit in a few MB. */
const MAX_BASELINE_BYTES = 64 * 1024 * 1024;

/** Drops the findings the baseline accepts (after rewriting it with `--update-baseline`) and reports stale entries. */
function applyBaseline(result: CheckResult, root: string, config: RollsafeConfig, update: boolean, stderr: { write(text: string): void }): CheckResult {
  const file = resolve(root, config.baseline ?? DEFAULT_BASELINE_FILE);
  const path = relative(root, file).split('\\').join('/');
  const activeRules = configureRules(rules, config).map((c) => c.rule.id);
  const scope: BaselineScope = { checkedMigrations: result.newMigrations, activeRules, knownRules: rules.map((r) => r.id) };
  const lineText = lineTextIn(result.texts);
  const diagnostics: Diagnostic[] = [];
  let text: string | null = null;
  // The one bounded read: a baseline that links out of the repository, is a device or never ends is refused
  // (its bytes never reach a message), and the run goes on without it.
  const read = readRepoFile(root, file, { maxBytes: MAX_BASELINE_BYTES });
  if (read.ok) text = read.bytes.toString('utf8');
  else if (read.reason !== 'missing' || read.message !== 'The file does not exist.') {
    diagnostics.push({ code: 'baseline-invalid', severity: 'error', message: `cannot read the baseline: ${read.message}`, location: { path, line: 1, column: 1, endLine: 1, endColumn: 1 } });
  }
  let parsed = text === null ? null : parseBaseline(text, path);
  if (update) {
    const next = updateBaseline(result.findings, parsed?.baseline ?? null, scope, { fileExists: (p) => existsSync(resolve(root, p)), lineText });
    text = formatBaseline(next);
    try {
      // Never through a link: a baseline that is a link (to a file outside, say) is refused, not overwritten.
      writeFileNoFollow(file, text, { within: root });
    } catch (error) {
      // A read-only checkout, a folder, a missing parent: a problem with how rollsafe was called, exit 2.
      throw new UsageError(`--update-baseline: cannot write ${path}: ${error instanceof WriteError ? error.why : error instanceof Error ? error.message : String(error)}`);
    }
    const entries = Object.values(next.files).reduce((n, byRule) => n + Object.values(byRule).reduce((m, list) => m + list.length, 0), 0);
    stderr.write(`rollsafe: wrote ${sanitizeLine(path)} (${entries} accepted finding${entries === 1 ? '' : 's'} in ${Object.keys(next.files).length} file${Object.keys(next.files).length === 1 ? '' : 's'})\n`);
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
