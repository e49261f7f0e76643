import type { Command } from '../command.js';
import { EXIT_CLEAN, EXIT_FINDINGS, UsageError } from '../io.js';
import { openProject } from '../project.js';
import { CheckUsageError, runCheck } from '../../engine/check.js';
import { MigrationsConfigError } from '../../migrations/index.js';
import { rules } from '../../../rules/index.js';
import { writeReport, FORMATS, type FormatName } from '../../report/index.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'Check new migrations against the schema history and the code still live (the default command).',
  usage: 'rollsafe check [files…] [--base <ref>] [--migrations <dir>]… [--format pretty|json] [--pg-version N] [--config <file>]',
  options: {
    base: { type: 'string', description: 'git ref of the release still running (default: CI target branch, else origin/HEAD)', placeholder: 'ref' },
    migrations: { type: 'string', multiple: true, description: 'migration folder (repeatable); overrides detection and config', placeholder: 'dir' },
    format: { type: 'string', short: 'f', description: `output format: ${FORMATS.join(', ')}`, placeholder: 'name' },
    'pg-version': { type: 'string', description: 'Postgres major version the migrations run on (default 18)', placeholder: 'N' },
    config: { type: 'string', short: 'c', description: 'configuration file (default: rollsafe.config.* or package.json "rollsafe")', placeholder: 'file' },
    root: { type: 'string', description: 'repository root (default: the git top level of the current folder)', placeholder: 'dir' },
    staged: { type: 'boolean', description: 'with no base ref, check the migrations staged for commit (pre-commit hooks)' },
  },
  async run(args, io) {
    const format = (args.values.format as string | undefined) ?? 'pretty';
    if (!FORMATS.includes(format as FormatName)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const pgRaw = args.values['pg-version'] as string | undefined;
    const pgVersion = pgRaw === undefined ? undefined : Number(pgRaw);
    if (pgVersion !== undefined && (!Number.isInteger(pgVersion) || pgVersion < 9 || pgVersion > 30)) throw new UsageError('--pg-version must be a Postgres major version such as 16');
    const project = await openProject(io, { root: args.values.root as string | undefined, config: args.values.config as string | undefined });
    const base = args.values.base as string | undefined;
    if (base !== undefined && !project.isGit) throw new UsageError(`--base needs a git repository, and ${project.root} is not one`);
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
      });
    } catch (error) {
      if (error instanceof CheckUsageError) throw new UsageError(error.hint ? `${error.message}\n  hint: ${error.hint}` : error.message);
      if (error instanceof MigrationsConfigError) throw new UsageError(error.message);
      throw error;
    }
    writeReport(result, format as FormatName, io.stdout, io.env);
    const failing = result.findings.some((f) => f.severity === 'error') || result.diagnostics.some((d) => d.severity === 'error');
    return failing ? EXIT_FINDINGS : EXIT_CLEAN;
  },
};
