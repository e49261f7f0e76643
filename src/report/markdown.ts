/**
 * A Markdown report for GitHub's job summary (`$GITHUB_STEP_SUMMARY`) and the action's pull request
 * comment: the summary line, then each finding with the live code that makes it unsafe and the fix.
 * Everything taken from the repository (paths, messages, snippets, SQL) is escaped: it must not become
 * markup, a link, an image or raw HTML.
 */
import { appendFileSync } from 'node:fs';
import type { Diagnostic } from '../diagnostic.js';
import type { CheckResult } from '../engine/result.js';
import type { Finding, LiveReference } from '../engine/types.js';
import { painter } from './color.js';
import { summaryLine } from './pretty.js';
import { sanitize } from './sanitize.js';

/** Findings shown in full; the rest are listed one line each. */
const DETAILED_FINDINGS = 30;
const LISTED_REFERENCES = 10;
/** GitHub keeps at most 1 MiB of summary per step; stay well under it. */
const MAX_LENGTH = 512 * 1024;

/** Text in Markdown prose: no markup, no HTML, no autolinks, one line. */
export function mdText(text: string): string {
  return sanitize(text)
    .replace(/\r?\n/g, ' ')
    .replace(/[\\`*_{}[\]()<>#+!|~&:-]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`));
}

/** Inline code: a fence longer than any backtick run inside, newlines as spaces, `|` escaped for tables. */
export function mdCode(text: string): string {
  const clean = sanitize(text).replace(/\r?\n/g, ' ');
  const longest = Math.max(0, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = clean.startsWith('`') || clean.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${clean}${pad}${fence}`.replace(/\|/g, '\\|');
}

/** A fenced block whose fence no line inside can close. */
function codeBlock(text: string, lang: string): string[] {
  const clean = sanitize(text);
  const longest = Math.max(2, ...[...clean.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${lang}`, ...clean.split('\n'), fence];
}

function where(path: string, line: number): string {
  return mdCode(`${path}:${line}`);
}

function sourceLabel(r: LiveReference): string {
  return r.source === 'worktree' ? 'new code' : r.ref ? `${r.source} ${r.ref}` : r.source;
}

function findingSection(finding: Finding, docs: string | undefined): string[] {
  const icon = finding.severity === 'error' ? '❌' : finding.severity === 'warning' ? '⚠️' : 'ℹ️';
  const out = [`### ${icon} ${mdCode(finding.rule)} at ${where(finding.location.path, finding.location.line)}`, '', mdText(finding.message), ''];
  if (finding.statement) out.push(...codeBlock(finding.statement.text, 'sql'), '');
  if (finding.references.length) {
    out.push(finding.migration === null ? '**Used here:**' : '**Live code that depends on it:**', '', '| Source | Where | Use |', '| --- | --- | --- |');
    for (const r of finding.references.slice(0, LISTED_REFERENCES)) {
      const use = [r.kind, r.implicit ? 'implicit' : '', r.confidence !== 'certain' ? r.confidence : ''].filter(Boolean).join(', ');
      out.push(`| ${mdText(sourceLabel(r))} | ${where(r.location.path, r.location.line)}${r.snippet ? ` ${mdCode(r.snippet)}` : ''} | ${mdText(use)} |`);
    }
    if (finding.references.length > LISTED_REFERENCES) out.push(`| | … and ${finding.references.length - LISTED_REFERENCES} more | |`);
    out.push('');
  }
  if (finding.lock) out.push(`**Lock:** ${mdText(`${finding.lock.mode} on ${finding.lock.table}, blocks ${finding.lock.blocks}`)}`, '');
  if (finding.fix) {
    out.push(`**Fix:** ${mdText(finding.fix.summary)}`, '');
    finding.fix.steps.forEach((step, i) => {
      out.push(`${i + 1}. ${mdText(step.title)}`);
      if (step.sql) out.push(...codeBlock(step.sql, 'sql').map((l) => `   ${l}`));
      if (step.code) out.push(...codeBlock(step.code, '').map((l) => `   ${l}`));
    });
    out.push('');
  } else if (finding.help) out.push(mdText(finding.help), '');
  if (docs) out.push(`[Rule documentation](${docs})`, '');
  return out;
}

function diagnosticLine(d: Diagnostic): string {
  return `- ${where(d.location.path, d.location.line)} ${d.severity} ${mdCode(d.code)}: ${mdText(d.message)}${d.hint ? ` (${mdText(d.hint)})` : ''}`;
}

export function formatMarkdown(result: CheckResult): string {
  const docs = new Map(result.rules.map((r) => [r.id, r.url]));
  const out = ['## rollsafe', '', mdText(summaryLine(painter(0), result)), ''];
  const findings = [...result.findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : b.severity === 'error' ? 1 : 0));
  for (const f of findings.slice(0, DETAILED_FINDINGS)) out.push(...findingSection(f, docs.get(f.rule)));
  if (findings.length > DETAILED_FINDINGS) {
    out.push(`**${findings.length - DETAILED_FINDINGS} more findings:**`, '');
    for (const f of findings.slice(DETAILED_FINDINGS)) out.push(`- ${f.severity} ${mdCode(f.rule)} at ${where(f.location.path, f.location.line)}: ${mdText(f.message)}`);
    out.push('');
  }
  if (result.diagnostics.length) out.push('### Input problems', '', ...result.diagnostics.map(diagnosticLine), '');
  let text = out.join('\n');
  if (text.length > MAX_LENGTH) text = `${text.slice(0, MAX_LENGTH)}\n\n… (cut; the job log has every finding)\n`;
  return text;
}

/** Appends the Markdown report to `$GITHUB_STEP_SUMMARY` when it is set; a failure is a note, never a crash. */
export function writeStepSummary(result: CheckResult, env: Readonly<Record<string, string | undefined>>, note: (line: string) => void): void {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return;
  try {
    appendFileSync(file, formatMarkdown(result) + '\n');
  } catch (error) {
    note(`cannot write the job summary to GITHUB_STEP_SUMMARY: ${error instanceof Error ? error.message : String(error)}`);
  }
}
