import type { ParseArgsConfig } from 'node:util';
import type { CliIO } from './io.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export interface Command {
  name: string;
  summary: string;
  /** `rollsafe refs <table>[.<column>] [options]` */
  usage: string;
  /** Option name → spec, plus a description for --help. */
  options: Record<string, OptionSpec[string] & { description: string; placeholder?: string }>;
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}
