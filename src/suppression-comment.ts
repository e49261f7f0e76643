/**
 * The suppression comment syntax, shared by migrations (`-- …`) and code (`// …`):
 *   rollsafe-ignore rule-a, rule-b -- reason        (the next statement / the next line of code)
 *   rollsafe-ignore-file rule-a -- reason           (the whole file)
 */
export interface SuppressionComment {
  scope: 'next' | 'file';
  rules: string[];
  /** null when the comment gives no reason (itself a warning). */
  reason: string | null;
}

const PATTERN = /rollsafe-ignore(-file)?(?=\s|$)([^\n]*)/;

/** Reads a comment's text (with or without its `--`, `//`, `/*` markers); undefined when it is not a suppression. */
export function parseSuppressionComment(comment: string): SuppressionComment | undefined {
  const body = comment.replace(/^\s*(--|\/\/|\/\*+)\s*/, '').replace(/\*+\/\s*$/, '');
  if (!body.startsWith('rollsafe-ignore')) return undefined;
  const match = PATTERN.exec(body);
  if (!match) return undefined;
  const rest = match[2] ?? '';
  const separator = rest.indexOf(' -- ');
  const list = separator >= 0 ? rest.slice(0, separator) : rest.replace(/\s--\s*$/, '');
  const reason = separator >= 0 ? rest.slice(separator + 4).trim() : '';
  const rules = list
    .split(/[\s,]+/)
    .map((r) => r.trim())
    .filter(Boolean);
  return { scope: match[1] ? 'file' : 'next', rules, reason: reason === '' ? null : reason };
}
