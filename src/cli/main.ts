/**
 * `rollsafe <command> [options]`. Exit codes: 0 clean, 1 findings at error severity, 2 usage or config error.
 */
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { EXIT_USAGE, UsageError, type CliIO } from './io.js';
import { GitError } from '../git.js';
import { ROLLSAFE_VERSION } from '../version.js';
import { sanitizeLine } from '../report/sanitize.js';
import type { didYouMean } from '../suggest.js';

export const VERSION = ROLLSAFE_VERSION;

function globalHelp(commands: readonly Command[], defaultCommand: Command | undefined): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `rollsafe ${VERSION} — migration safety for PostgreSQL: does the code still running survive this migration?`,
    '',
    'Usage: rollsafe [command] [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}${c === defaultCommand ? ' (default)' : ''}`),
    '',
    'Run `rollsafe <command> --help` for a command\'s options.',
    'Exit codes: 0 clean, 1 findings at error severity, 2 usage or configuration error.',
    '',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const lines = [`Usage: ${command.usage}`, '', command.summary, '', 'Options:'];
  const entries = Object.entries(command.options).map(([name, spec]) => {
    const flag = `${spec.short ? `-${spec.short}, ` : '    '}--${name}${spec.type === 'string' ? ` <${spec.placeholder ?? 'value'}>` : ''}`;
    return [flag, spec.description] as const;
  });
  entries.push(['-h, --help', 'show this help']);
  const width = Math.max(...entries.map(([f]) => f.length));
  for (const [flag, description] of entries) lines.push(`  ${flag.padEnd(width)}  ${description}`);
  return lines.join('\n') + '\n';
}

export async function run(argv: string[], io: CliIO): Promise<number> {
  try {
    const first = argv[0];
    if (first === '--version' || first === '-v') {
      io.stdout.write(`${VERSION}\n`);
      return 0;
    }
    // Loaded here, not at the top: `--version` (editors and hooks probe it) loads nothing else.
    const { commands, defaultCommand } = await import('./commands/index.js');
    if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
      if (first === undefined && defaultCommand) return await runCommand(defaultCommand, [], io);
      io.stdout.write(globalHelp(commands, defaultCommand));
      return 0;
    }
    const named = commands.find((c) => c.name === first);
    if (named) return await runCommand(named, argv.slice(1), io);
    if (first.startsWith('-') || !defaultCommand) {
      if (!defaultCommand) throw new UsageError(`unknown command "${first}"${(await suggest())(first, commands.map((c) => c.name))}; run rollsafe --help`);
      return await runCommand(defaultCommand, argv, io);
    }
    // A positional that is not a command: files for the default command (check), if it looks like a path.
    if (/[./\\]/.test(first)) return await runCommand(defaultCommand, argv, io);
    const names = commands.map((c) => c.name);
    throw new UsageError(`unknown command "${first}"${(await suggest())(first, names) || `; commands are ${names.join(', ')}`}`);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`rollsafe: ${sanitizeLine(error.message)}\n${error.lines.map((line) => `  ${sanitizeLine(line)}\n`).join('')}`);
      return EXIT_USAGE;
    }
    // git refused (a corrupt repository, a failing git): one line, as for any other environment problem.
    if (error instanceof GitError) {
      io.stderr.write(`rollsafe: ${sanitizeLine(error.message)}${error.hint ? `\n  hint: ${sanitizeLine(error.hint)}` : ''}\n`);
      return EXIT_USAGE;
    }
    throw error;
  }
}

/** "Did you mean", loaded only on a mistake: `--version` and every correct command line never load it. */
async function suggest(): Promise<typeof didYouMean> {
  return (await import('../suggest.js')).didYouMean;
}

async function runCommand(command: Command, argv: string[], io: CliIO): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  let parsed;
  try {
    const options = Object.fromEntries(
      Object.entries(command.options).map(([name, spec]) => {
        const { description: _d, placeholder: _p, ...rest } = spec;
        return [name, rest];
      }),
    );
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    let message = error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, '') : String(error);
    // node:util's parseArgs names the unknown option: offer the closest one of this command.
    const unknown = (error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-{1,2}[^'\s=]+)/.exec(message)?.[1] : undefined;
    if (unknown?.startsWith('--')) {
      const suggestion = (await suggest())(unknown.slice(2), Object.keys(command.options));
      if (suggestion) message += suggestion.replace(/"([^"]+)"/, '"--$1"');
    }
    if (!/did you mean/.test(message)) message += ` (rollsafe ${command.name} --help lists the options)`;
    throw new UsageError(`${command.name}: ${message}`);
  }
  return command.run(parsed as Parameters<Command['run']>[0], io);
}
