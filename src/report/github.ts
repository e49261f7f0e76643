/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`): the runner turns each into an
 * annotation on the pull request's diff. Also written after the pretty output when `GITHUB_ACTIONS=true`.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { SourceLocation } from '../location.js';
import type { CheckResult } from '../engine/result.js';
import type { Finding, Severity } from '../engine/types.js';
import { sanitize } from './sanitize.js';

const LISTED_REFERENCES = 5;

/** Environment switch that turns the automatic annotations off. */
export const NO_ANNOTATIONS_ENV = 'ROLLSAFE_NO_GITHUB_ANNOTATIONS';

/** Whether `pretty` output should be followed by annotations: on GitHub Actions, unless opted out. */
export function githubAnnotationsWanted(env: Readonly<Record<string, string | undefined>>): boolean {
  const optOut = env[NO_ANNOTATIONS_ENV];
  return env.GITHUB_ACTIONS === 'true' && (optOut === undefined || optOut === '' || optOut === '0' || optOut === 'false');
}

/** The message part of a command: `%`, CR and LF are escaped as the runner expects (actions/toolkit). */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: also `:` and `,`, which would end the value. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function command(severity: Severity, location: SourceLocation, title: string, message: string): string {
  const props: [string, string][] = [
    ['file', location.path],
    ['line', String(location.line)],
    ['col', String(location.column)],
  ];
  const spans = location.endLine > location.line || (location.endLine === location.line && location.endColumn > location.column);
  if (spans) props.push(['endLine', String(location.endLine)], ['endColumn', String(location.endColumn)]);
  props.push(['title', title]);
  const name = severity === 'info' ? 'notice' : severity;
  return `::${name} ${props.map(([k, v]) => `${k}=${escapeProperty(sanitize(v))}`).join(',')}::${escapeData(sanitize(message))}`;
}

function findingMessage(finding: Finding, docs: string | undefined): string {
  const lines = [finding.message];
  if (finding.references.length) {
    lines.push('Live code:');
    for (const r of finding.references.slice(0, LISTED_REFERENCES)) {
      const source = r.source === 'worktree' ? 'new code' : r.ref ? `${r.source} ${r.ref}` : r.source;
      lines.push(`  ${source}  ${r.location.path}:${r.location.line}:${r.location.column} (${r.kind}${r.implicit ? ', implicit' : ''})`);
    }
    if (finding.references.length > LISTED_REFERENCES) lines.push(`  … and ${finding.references.length - LISTED_REFERENCES} more`);
  }
  if (finding.fix) {
    lines.push(`Fix: ${finding.fix.summary}`);
    finding.fix.steps.forEach((step, i) => {
      lines.push(`  ${i + 1}. ${step.title}`);
      if (step.sql) for (const line of step.sql.split('\n')) lines.push(`     ${line}`);
    });
  } else if (finding.help) lines.push(finding.help);
  if (docs) lines.push(`Docs: ${docs}`);
  return lines.join('\n');
}

function diagnosticCommand(d: Diagnostic): string {
  return command(d.severity, d.location, `rollsafe: ${d.code}`, d.hint ? `${d.message}\n${d.hint}` : d.message);
}

export function formatGithub(result: CheckResult): string {
  const docs = new Map(result.rules.map((r) => [r.id, r.url]));
  const lines = [
    ...result.findings.map((f) => command(f.severity, f.location, `rollsafe: ${f.rule}`, findingMessage(f, docs.get(f.rule)))),
    ...result.diagnostics.map(diagnosticCommand),
  ];
  return lines.length ? lines.join('\n') + '\n' : '';
}
