/** A place in a file of the repository under analysis. Lines and columns are 1-based; columns count UTF-16 code units. */
export interface SourceLocation {
  /** Path relative to the repository root, with forward slashes. */
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A location that covers the first character of a file, for problems that belong to a file as a whole. */
export function fileStart(path: string): SourceLocation {
  return { path, line: 1, column: 1, endLine: 1, endColumn: 1 };
}
