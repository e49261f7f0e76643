import type { ts } from 'ts-morph';
import type { SourceLocation } from '../location.js';

/** Location of a node (from its first token, not its leading trivia). */
export function nodeLocation(path: string, sourceFile: ts.SourceFile, node: ts.Node): SourceLocation {
  const start = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile));
  const end = sourceFile.getLineAndCharacterOfPosition(node.getEnd());
  return { path, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1 };
}

/** Location of a string offset range inside a file's text (for SQL inside string literals). */
export function offsetLocation(path: string, sourceFile: ts.SourceFile, start: number, end: number = start): SourceLocation {
  const a = sourceFile.getLineAndCharacterOfPosition(start);
  const b = sourceFile.getLineAndCharacterOfPosition(end);
  return { path, line: a.line + 1, column: a.character + 1, endLine: b.line + 1, endColumn: b.character + 1 };
}

const SNIPPET_MAX = 160;

// Line starts of the last text asked about: extractors ask for many lines of the same file, and counting
// from the top each time made a generated file of 20,000 queries take minutes. Lines end as TypeScript ends
// them (LF, CRLF, a lone CR, U+2028, U+2029), since the line numbers asked for come from TypeScript.
let startsOf: { text: string; starts: number[] } | undefined;

function lineStarts(text: string): number[] {
  if (startsOf?.text !== text) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      } else if (c === 10 || c === 0x2028 || c === 0x2029) starts.push(i + 1);
    }
    startsOf = { text, starts };
  }
  return startsOf.starts;
}

/** The trimmed text of a 1-based line, capped, for reports. */
export function lineSnippet(text: string, line: number): string {
  const starts = lineStarts(text);
  if (line > starts.length) return '';
  const index = Math.max(0, line - 1);
  const start = starts[index]!;
  const end = index + 1 < starts.length ? starts[index + 1]! : text.length;
  const snippet = text.slice(start, end).trim();
  return snippet.length > SNIPPET_MAX ? `${snippet.slice(0, SNIPPET_MAX - 1)}…` : snippet;
}
