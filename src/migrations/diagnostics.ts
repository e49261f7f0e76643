import type { Diagnostic, DiagnosticSeverity } from '../diagnostic.js';
import { SourceText } from '../text.js';

/** Where in a file a migration problem sits: line/column (1-based), optionally how many characters it spans. */
export interface ProblemAt {
  line?: number;
  column?: number;
  length?: number;
}

/** A Diagnostic about a migration file or set, pointing at a line of `path` (the first one by default). */
export function migrationDiagnostic(
  code: string,
  severity: DiagnosticSeverity,
  message: string,
  path: string,
  at: ProblemAt = {},
  hint?: string,
): Diagnostic {
  const line = at.line ?? 1;
  const column = at.column ?? 1;
  const diagnostic: Diagnostic = {
    code,
    severity,
    message,
    location: { path, line, column, endLine: line, endColumn: column + (at.length ?? 0) },
  };
  if (hint !== undefined) diagnostic.hint = hint;
  return diagnostic;
}

/** The line/column of a string offset in `text`, with the span up to `end` when it stays on that line. */
export function problemAtOffset(text: string, offset: number, end = offset): ProblemAt {
  const source = new SourceText(text);
  const start = source.position(offset);
  const stop = source.position(end);
  return { line: start.line, column: start.column, length: stop.line === start.line ? stop.column - start.column : 0 };
}
