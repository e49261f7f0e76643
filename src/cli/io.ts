/** What a command may touch of the outside world; tests pass their own. */
export interface CliIO {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: { write(text: string): void; isTTY?: boolean };
  stderr: { write(text: string): void; isTTY?: boolean };
  /** Asks the user a question and resolves to the answer line (null at end of input). Absent: stdin is used when it is a terminal. */
  prompt?(question: string): Promise<string | null>;
}

/** A mistake in how rollsafe was called or configured: exit code 2, one clear line. */
export class UsageError extends Error {
  /** Lines printed under the message, indented (a config's problems, a hint); each escaped on its own. */
  readonly lines: readonly string[];
  constructor(message: string, lines: readonly string[] = []) {
    super(message);
    this.name = 'UsageError';
    this.lines = lines;
  }
}

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
