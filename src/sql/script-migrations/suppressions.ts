/**
 * `// rollsafe-ignore rule -- reason` comments of a TS/JS migration, with the line of the code that follows
 * each one: a finding on that line (its statement or the builder call it points at) is suppressed, as a
 * `--` comment suppresses the next statement of a .sql file.
 */
import { ts } from 'ts-morph';
import type { SourceLocation } from '../../location.js';
import type { Migration } from '../../migrations/migration.js';
import { ScriptSource } from './source.js';

export interface ScriptSuppressionComment {
  /** The comment as written, `//` or `/* … *\/` included. */
  comment: string;
  location: SourceLocation;
  /** Line of the first code after the comment; absent at the end of the file. */
  targetLine?: number;
}

export function scriptSuppressionComments(migration: Pick<Migration, 'path' | 'text'>): ScriptSuppressionComment[] {
  if (!migration.text.includes('rollsafe-ignore')) return [];
  const source = new ScriptSource(migration.path, migration.text);
  // Comments are trivia before tokens: collect the leading comments of every node (and the file's end).
  const starts = new Map<number, number>();
  const visit = (node: ts.Node): void => {
    for (const range of ts.getLeadingCommentRanges(migration.text, node.getFullStart()) ?? []) starts.set(range.pos, range.end);
    ts.forEachChild(node, visit);
  };
  visit(source.file);
  for (const range of ts.getLeadingCommentRanges(migration.text, source.file.endOfFileToken.getFullStart()) ?? []) starts.set(range.pos, range.end);
  const out: ScriptSuppressionComment[] = [];
  for (const [start, end] of [...starts].sort((a, b) => a[0] - b[0])) {
    const comment = migration.text.slice(start, end);
    if (!comment.includes('rollsafe-ignore')) continue;
    const entry: ScriptSuppressionComment = { comment, location: source.range(start, end) };
    const next = nextCode(migration.text, end);
    if (next !== undefined) entry.targetLine = source.range(next).line;
    out.push(entry);
  }
  return out;
}

/** Offset of the first character after `from` that is neither whitespace nor part of a comment. */
function nextCode(text: string, from: number): number | undefined {
  let i = from;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else return i;
  }
  return undefined;
}
