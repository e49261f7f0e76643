/**
 * `--format compact`: one line per finding or diagnostic, `path:line:column: severity rule message`, the shape
 * terminals, editors' problem matchers and grep expect; then one count line when there is anything to count.
 */
import type { CheckResult } from '../engine/result.js';
import { compareStrings } from '../compare.js';
import { sanitize } from './sanitize.js';

/** One line, whatever the text holds: line breaks and control characters are shown escaped. */
function oneLine(text: string): string {
  return sanitize(text.replace(/\r\n|\r|\n/g, '\\n').replace(/\t/g, ' '));
}

export function formatCompact(result: CheckResult): string {
  const rows: { path: string; line: number; column: number; text: string }[] = [];
  for (const f of result.findings) {
    const { path, line, column } = f.location;
    rows.push({ path, line, column, text: `${oneLine(path)}:${line}:${column}: ${f.severity} ${f.rule} ${oneLine(f.message)}` });
  }
  for (const d of result.diagnostics) {
    const { path, line, column } = d.location;
    rows.push({ path, line, column, text: `${oneLine(path)}:${line}:${column}: ${d.severity} ${d.code} ${oneLine(d.message)}` });
  }
  rows.sort((a, b) => compareStrings(a.path, b.path) || a.line - b.line || a.column - b.column || compareStrings(a.text, b.text));
  if (rows.length === 0) return '';
  const count = (severity: string): number =>
    result.findings.filter((f) => f.severity === severity).length + result.diagnostics.filter((d) => d.severity === severity).length;
  const parts = (['error', 'warning', 'info'] as const).map((s) => [s, count(s)] as const).filter(([, n]) => n > 0);
  const summary = `${rows.length} problem${rows.length === 1 ? '' : 's'} (${parts.map(([s, n]) => `${n} ${s}${n === 1 ? '' : 's'}`).join(', ')})`;
  return `${rows.map((r) => r.text).join('\n')}\n\n${summary}\n`;
}
