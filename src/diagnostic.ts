import type { SourceLocation } from './location.js';

export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/**
 * A problem with the input itself (unparsable statement, unreadable file, missing git ref…),
 * as opposed to a Finding about a migration. A diagnostic never stops the run.
 */
export interface Diagnostic {
  /** Stable kebab-case code, e.g. `sql-syntax`, `file-unreadable`, `migration-order`, `ts-syntax`, `git-blob-missing`. */
  code: string;
  severity: DiagnosticSeverity;
  message: string;
  location: SourceLocation;
  /** Optional next step for the user. */
  hint?: string;
}
