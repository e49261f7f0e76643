/** One TS/JS migration file, parsed once with the TypeScript parser (syntax only), with locations. */
import type { ts } from 'ts-morph';
import type { SourceLocation } from '../../location.js';
import { parseScript } from '../../migrations/script-syntax.js';

export class ScriptSource {
  readonly path: string;
  readonly text: string;
  readonly file: ts.SourceFile;

  constructor(path: string, text: string) {
    this.path = path;
    this.text = text;
    this.file = parseScript(path, text);
  }

  /** Location of a node, from its first token (not its leading comments). */
  locate(node: ts.Node): SourceLocation {
    return this.range(node.getStart(this.file), node.getEnd());
  }

  /** Location of a string-offset range of the file. */
  range(start: number, end: number = start): SourceLocation {
    const a = this.file.getLineAndCharacterOfPosition(Math.max(0, Math.min(start, this.text.length)));
    const b = this.file.getLineAndCharacterOfPosition(Math.max(0, Math.min(Math.max(start, end), this.text.length)));
    return { path: this.path, line: a.line + 1, column: a.character + 1, endLine: b.line + 1, endColumn: b.character + 1 };
  }

  textOf(node: ts.Node): string {
    return node.getText(this.file);
  }
}
