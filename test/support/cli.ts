/** Runs the CLI in-process, capturing its output. */
import { run } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function rollsafe(cwd: string, argv: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    cwd,
    env,
    stdout: { write: (t: string) => void (stdout += t), isTTY: false },
    stderr: { write: (t: string) => void (stderr += t), isTTY: false },
  });
  return { code, stdout, stderr };
}

/** `rollsafe check --format json` parsed. */
export async function checkJson(cwd: string, argv: string[] = [], env: Record<string, string | undefined> = {}): Promise<{ code: number; json: CheckJson; stderr: string }> {
  const result = await rollsafe(cwd, ['check', '--format', 'json', ...argv], env);
  if (result.code === 2) throw new Error(`rollsafe exited 2: ${result.stderr}`);
  return { code: result.code, json: JSON.parse(result.stdout) as CheckJson, stderr: result.stderr };
}

export interface CheckJson {
  version: number;
  base: string | null;
  findings: {
    rule: string;
    severity: string;
    message: string;
    migration: { path: string; line: number; column: number } | null;
    location: { path: string; line: number; column: number };
    target: { schema: string; table: string; column: string | null } | null;
    references: { path: string; line: number; column: number; source: string; ref: string | null; kind: string; confidence: string; implicit: boolean; context: string }[];
    fix: { summary: string; steps: { title: string; sql?: string; code?: string }[] } | null;
  }[];
  diagnostics: { path: string; line: number; column: number; severity: string; code: string; message: string }[];
  summary: { newMigrations: string[]; migrations: number; codeFiles: number; baseChosenBy: string; migrationCalls: { analysed: number; unanalysed: number } | null };
}
