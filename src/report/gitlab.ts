/**
 * GitLab Code Quality (a subset of the Code Climate issue format), for `artifacts:reports:codequality`.
 * GitLab keeps one issue per fingerprint, so equal findings get distinct fingerprints by occurrence.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostic.js';
import type { CheckResult } from '../engine/result.js';
import { findingFingerprint, lineTextIn } from '../engine/baseline.js';
import type { Finding, Severity } from '../engine/types.js';
import { sanitize } from './sanitize.js';

export type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: CodeQualitySeverity;
  location: { path: string; lines: { begin: number; end?: number } };
}

/** A migration that breaks the running release is an outage: `critical`; input problems rank just below. */
const FINDING_SEVERITY: Record<Severity, CodeQualitySeverity> = { error: 'critical', warning: 'minor', info: 'info' };
const DIAGNOSTIC_SEVERITY: Record<Diagnostic['severity'], CodeQualitySeverity> = { error: 'major', warning: 'minor', info: 'info' };

function describe(finding: Finding): string {
  const parts = [finding.message];
  const refs = finding.references;
  if (refs.length) {
    const shown = refs.slice(0, 3).map((r) => `${r.location.path}:${r.location.line} (${r.source === 'worktree' ? 'new code' : (r.ref ?? r.source)})`);
    parts.push(`Live code: ${shown.join(', ')}${refs.length > 3 ? `, and ${refs.length - 3} more` : ''}.`);
  }
  if (finding.fix) parts.push(`Fix: ${finding.fix.summary}`);
  else if (finding.help) parts.push(finding.help);
  return sanitize(parts.join(' '));
}

function lines(begin: number, end: number): { begin: number; end?: number } {
  return end > begin ? { begin, end } : { begin };
}

export function toGitlab(result: CheckResult): CodeQualityIssue[] {
  const lineText = lineTextIn(result.texts);
  const seen = new Map<string, number>();
  const unique = (base: string): string => {
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return n === 0 ? base : createHash('sha256').update(`${base}:${n}`).digest('hex').slice(0, 32);
  };
  const issues: CodeQualityIssue[] = result.findings.map((f) => ({
    description: describe(f),
    check_name: `rollsafe/${f.rule}`,
    fingerprint: unique(findingFingerprint(f, lineText(f))),
    severity: FINDING_SEVERITY[f.severity],
    location: { path: f.location.path, lines: lines(f.location.line, f.location.endLine) },
  }));
  for (const d of result.diagnostics) {
    const base = createHash('sha256').update(['diagnostic', d.code, d.location.path, d.message].join('\u0000')).digest('hex').slice(0, 32);
    issues.push({
      description: sanitize(d.hint ? `${d.message} (${d.hint})` : d.message),
      check_name: `rollsafe/${d.code}`,
      fingerprint: unique(base),
      severity: DIAGNOSTIC_SEVERITY[d.severity],
      location: { path: d.location.path, lines: lines(d.location.line, d.location.endLine) },
    });
  }
  return issues;
}

export function formatGitlab(result: CheckResult): string {
  return JSON.stringify(toGitlab(result), null, 2) + '\n';
}
