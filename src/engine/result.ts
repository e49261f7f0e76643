import type { Diagnostic } from '../diagnostic.js';
import type { Finding, Rule } from './types.js';

/** Everything a reporter needs from a `check` run. */
export interface CheckResult {
  /** The base ref the running release was read from, and how it was chosen (`--base`, `GITHUB_BASE_REF`, `origin/HEAD`). */
  base: { ref: string | null; chosenBy: string };
  findings: Finding[];
  diagnostics: Diagnostic[];
  /** Paths of the migrations checked as new. */
  newMigrations: string[];
  /** The migration folders found (configured, `--migrations` or detected); absent in results made by hand. */
  migrationDirs?: string[];
  /** Every migration read (history included). */
  migrationCount: number;
  /** Code files scanned across live sources (0 when no code scan was needed). */
  codeFileCount: number;
  /** TS/JS migrations among the new ones: the tool calls read into Changes, and those that could not be. */
  scriptCalls?: { analysed: number; unanalysed: number };
  /** Repository-relative path → text, for code frames of migrations. */
  texts: ReadonlyMap<string, string>;
  rules: readonly Rule[];
  /** Findings the baseline file accepts: not in `findings`, counted in the summary (set by the CLI). */
  baselined?: number;
  /** Diagnostics about files the change does not touch, left out without `--verbose` (they repeat on every PR). */
  hiddenDiagnostics?: number;
  /** Ids of the rules the configuration enables (set by the CLI); absent means every rule of `rules`. */
  activeRules?: readonly string[];
}
