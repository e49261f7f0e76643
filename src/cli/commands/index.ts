import type { Command } from '../command.js';

/** Every CLI command, in the order `--help` lists them. */
export const commands: Command[] = [];

/** The command run when none is named (`rollsafe` = `rollsafe check`). */
export const defaultCommand: Command | undefined = commands.find((c) => c.name === 'check');
