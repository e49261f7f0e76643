/**
 * A rule's documentation page, rendered from its metadata. docs/rules/<id>.md is this output (a test
 * keeps them equal; `npm run docs` rewrites them), and `rollsafe explain <id>` prints it.
 */
import type { Rule, RuleExample } from '../engine/types.js';

const FAMILY: Record<Rule['family'], string> = {
  'code-aware': 'Code-aware: compares the migration with the code still live',
  lock: 'Locks and rewrites',
  'type-choice': 'Type choices',
  meta: 'Suppressions',
};

function example(e: RuleExample, kind: 'invalid' | 'valid'): string {
  const parts: string[] = [];
  parts.push(`**${kind === 'invalid' ? '✗' : '✓'} ${e.title ?? (kind === 'invalid' ? 'Reported' : 'Not reported')}**${e.pgVersion ? ` (Postgres ${e.pgVersion})` : ''}`);
  parts.push('');
  if (e.history) parts.push('Already deployed:', '', '```sql', e.history.trim(), '```', '');
  parts.push(e.history ? 'New migration:' : 'Migration:', '', '```sql', e.sql.trim(), '```');
  for (const [path, text] of Object.entries(e.code ?? {})) parts.push('', `Code of the release still running, \`${path}\`:`, '', '```ts', text.trim(), '```');
  return parts.join('\n');
}

/** A setting that differs from the default: turn a rule the default preset keeps off on, or change the level. */
function configExample(rule: Rule): string {
  const current = rule.defaultSeverity ?? rule.severity;
  if (current === 'off' || current !== rule.severity) return rule.severity;
  return rule.severity === 'error' ? 'warning' : 'error';
}

export function renderRuleDoc(rule: Rule): string {
  const d = rule.docs;
  const lines: string[] = [
    `# ${rule.id}`,
    '',
    `> ${rule.summary}`,
    '',
    `- Family: ${FAMILY[rule.family]}`,
    ...(rule.defaultSeverity !== undefined && rule.defaultSeverity !== rule.severity
      ? [`- Default severity: ${rule.defaultSeverity} (\`strict\` preset: ${rule.severity})`, ...(d.defaultWhy ? [`- Why: ${d.defaultWhy}`] : [])]
      : [`- Default severity: ${rule.severity}`]),
    ...(d.versions ? [`- Postgres versions: ${d.versions}`] : []),
    ...(d.squawk?.length ? [`- Covers squawk: ${d.squawk.map((s) => `\`${s}\``).join(', ')}`] : []),
    '',
    '## Problem',
    '',
    d.problem.trim(),
    '',
    '## Safe alternative',
    '',
    d.solution.trim(),
    '',
    '## Examples',
    '',
    ...d.examples.invalid.map((e) => example(e, 'invalid') + '\n'),
    ...d.examples.valid.map((e) => example(e, 'valid') + '\n'),
  ];
  if (d.options && Object.keys(d.options).length) {
    lines.push('## Options', '');
    for (const [name, text] of Object.entries(d.options)) lines.push(`- \`${name}\`: ${text}`);
    lines.push('');
  }
  lines.push('## Configuration', '', '```json', JSON.stringify({ rules: { [rule.id]: configExample(rule) } }, null, 2), '```', '');
  lines.push(`Suppress one statement with \`-- rollsafe-ignore ${rule.id} -- <reason>\` on the line before it.`, '');
  return lines.join('\n');
}
