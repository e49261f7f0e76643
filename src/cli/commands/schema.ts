import { discoverMigrationSets, MigrationsConfigError } from '../../migrations/index.js';
import type { MigrationSet } from '../../migrations/migration.js';
import { loadParser } from '../../sql/parser.js';
import { loadMigrationReaders, replaySet } from '../../schema/history.js';
import { colorLevel, painter } from '../../report/color.js';
import { formatSchema, schemaToJson } from '../../report/schema.js';
import { sanitize, sanitizeJson } from '../../report/sanitize.js';
import type { Command } from '../command.js';
import { UsageError } from '../io.js';
import { openProject } from '../project.js';

export const schemaCommand: Command = {
  name: 'schema',
  summary: 'Print the schema rollsafe replays from the migrations (all of them, or up to one).',
  usage: 'rollsafe schema [--at <migration>] [--migrations <dir>]… [--format pretty|json]',
  options: {
    at: { type: 'string', description: 'stop after this migration (path, file name, or version)', placeholder: 'migration' },
    migrations: { type: 'string', multiple: true, description: 'migration folder (repeatable); overrides detection and config', placeholder: 'dir' },
    format: { type: 'string', short: 'f', description: 'pretty or json', placeholder: 'name' },
    config: { type: 'string', short: 'c', description: 'configuration file', placeholder: 'file' },
    root: { type: 'string', description: 'repository root (default: the git top level of the current folder)', placeholder: 'dir' },
  },
  async run(args, io) {
    const format = (args.values.format as string | undefined) ?? 'pretty';
    if (format !== 'pretty' && format !== 'json') throw new UsageError('--format must be pretty or json');
    const project = await openProject(io, { root: args.values.root as string | undefined, config: args.values.config as string | undefined });
    const config = project.config.config;
    const configured = typeof config.migrations === 'string' ? [config.migrations] : (config.migrations ?? []).map((m) => (typeof m === 'string' ? m : m.dir));
    const dirs = (args.values.migrations as string[] | undefined) ?? configured;
    let found;
    try {
      found = await discoverMigrationSets(project.root, dirs.length ? { dirs } : {});
    } catch (error) {
      if (error instanceof MigrationsConfigError) throw new UsageError(error.message);
      throw error;
    }
    const at = args.values.at as string | undefined;
    let sets: MigrationSet[] = found.sets;
    let until: string | undefined;
    if (at !== undefined) {
      const all = found.sets.flatMap((s) => s.migrations.map((m) => ({ set: s, m })));
      const match = all.filter(({ m }) => m.path === at || m.path.endsWith(`/${at}`) || m.version === at || m.name === at);
      if (match.length === 0) throw new UsageError(`--at: no migration matches "${at}"`);
      if (match.length > 1) throw new UsageError(`--at: "${at}" matches ${match.length} migrations (${match.slice(0, 3).map((x) => x.m.path).join(', ')}…); give its path`);
      sets = [match[0]!.set];
      until = match[0]!.m.path;
    }
    if (sets.length === 0) {
      io.stderr.write('rollsafe: no migrations found (pass --migrations <dir>)\n');
      return 0;
    }
    await loadParser();
    await loadMigrationReaders(sets.flatMap((s) => s.migrations));
    const histories = sets.map((set) => replaySet(set, { searchPath: config.searchPath ?? ['public'], ...(until ? { until } : {}) }));
    const diagnostics = [...found.diagnostics, ...histories.flatMap((h) => [...h.read.flatMap((r) => r.diagnostics), ...h.replay.diagnostics])];
    if (format === 'json') {
      const json = {
        version: 1,
        sets: histories.map((h) => ({ dir: h.set.dir, layout: h.set.layout, migrations: h.read.length, schema: schemaToJson(h.replay.final) })),
        diagnostics: diagnostics.map((d) => ({ path: d.location.path, line: d.location.line, column: d.location.column, severity: d.severity, code: d.code, message: d.message })),
      };
      io.stdout.write(sanitizeJson(JSON.stringify(json, null, 2)) + '\n');
      return 0;
    }
    const chalk = painter(colorLevel(io.env, io.stdout.isTTY));
    for (const h of histories) {
      io.stdout.write(chalk.dim(sanitize(`-- ${h.set.dir} (${h.set.layout}, ${h.read.length} migration${h.read.length === 1 ? '' : 's'}${until ? `, up to ${until}` : ''})`) + '\n\n'));
      io.stdout.write(formatSchema(h.replay.final, chalk));
    }
    for (const d of diagnostics) io.stderr.write(`${sanitize(`${d.location.path}:${d.location.line}:${d.location.column}  ${d.severity}  ${d.message}  (${d.code})`)}\n`);
    return 0;
  },
};
