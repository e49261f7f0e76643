import type { Command } from '../command.js';
import { checkCommand } from './check.js';
import { explainCommand } from './explain.js';
import { initCommand } from './init.js';
import { refsCommand } from './refs.js';
import { schemaCommand } from './schema.js';

/** Every CLI command, in the order `--help` lists them. */
export const commands: Command[] = [checkCommand, refsCommand, schemaCommand, explainCommand, initCommand];

/** The command run when none is named (`rollsafe` = `rollsafe check`). */
export const defaultCommand: Command | undefined = commands.find((c) => c.name === 'check');
