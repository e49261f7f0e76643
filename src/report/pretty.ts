/**
 * The human format: ESLint's stylish layout per file, a code frame of the statement, the live code that
 * makes it unsafe, the fix, then one summary line.
 */
import type { ChalkInstance } from 'chalk';
import type { Diagnostic } from '../diagnostic.js';
import type { SourceLocation } from '../location.js';
import { SourceText } from '../text.js';
import type { CheckResult } from '../engine/result.js';
import type { Finding, LiveReference, Severity } from '../engine/types.js';
import { compareStrings } from '../compare.js';
import { sanitize, sanitizeLine } from './sanitize.js';

export interface PrettyOptions {
  chalk: ChalkInstance;
  /** Show info-level findings (default true). */
  showInfo?: boolean;
}

type Entry = { kind: 'finding'; finding: Finding } | { kind: 'diagnostic'; diagnostic: Diagnostic };

export function formatPretty(result: CheckResult, options: PrettyOptions): string {
  const c = options.chalk;
  const out: string[] = [];
  const byPath = new Map<string, Entry[]>();
  const add = (path: string, entry: Entry): void => {
    let list = byPath.get(path);
    if (!list) byPath.set(path, (list = []));
    list.push(entry);
  };
  for (const finding of result.findings) {
    if (finding.severity === 'info' && options.showInfo === false) continue;
    add(finding.location.path, { kind: 'finding', finding });
  }
  for (const diagnostic of result.diagnostics) add(diagnostic.location.path, { kind: 'diagnostic', diagnostic });

  const sources = new Map<string, SourceText>();
  const sourceOf = (path: string): SourceText | undefined => {
    if (!sources.has(path)) {
      const text = result.texts.get(path);
      if (text !== undefined) sources.set(path, new SourceText(text));
    }
    return sources.get(path);
  };

  for (const [path, entries] of [...byPath].sort((a, b) => compareStrings(a[0], b[0]))) {
    out.push(c.underline(sanitizeLine(path)));
    entries.sort((a, b) => lineOf(a) - lineOf(b));
    for (const entry of entries) {
      if (entry.kind === 'diagnostic') {
        const d = entry.diagnostic;
        out.push(`  ${position(d.location)}  ${severityLabel(c, d.severity)}  ${sanitizeLine(d.message)}  ${c.dim(d.code)}`);
        if (d.hint) out.push(`    ${c.dim(sanitizeLine(d.hint))}`);
        continue;
      }
      const f = entry.finding;
      out.push(`  ${position(f.location)}  ${severityLabel(c, f.severity)}  ${sanitizeLine(f.message)}  ${c.dim(f.rule)}`);
      const source = sourceOf(f.location.path);
      if (source && f.migration !== null) out.push('', ...codeFrame(c, source, f.statement?.location ?? f.location, f.location).map((l) => `    ${l}`));
      if (f.lock) out.push('', `    ${c.bold('Lock:')} ${f.lock.mode} on ${sanitizeLine(f.lock.table)}, blocks ${f.lock.blocks}`);
      if (f.references.length) out.push('', ...referenceLines(c, f, f.migration === null));
      if (f.notes?.length) out.push('', ...f.notes.map((n) => `    ${c.bold('Also:')} ${sanitize(n.message)}  ${c.dim(n.rule)}`));
      if (f.fix) {
        out.push('', `    ${c.bold('Fix:')} ${sanitizeLine(f.fix.summary)}`);
        f.fix.steps.forEach((step, i) => {
          out.push(`      ${i + 1}. ${sanitizeLine(step.title)}`);
          if (step.code) for (const line of step.code.split('\n')) out.push(`         ${c.cyan(sanitize(line))}`);
          if (step.sql) for (const line of step.sql.split('\n')) out.push(`           ${c.green(sanitize(line))}`);
        });
      } else if (f.help) out.push('', `    ${c.bold('Help:')} ${sanitizeLine(f.help)}`);
      const rule = result.rules.find((r) => r.id === f.rule);
      if (rule) out.push(`    ${c.dim(`Docs: rollsafe explain ${rule.id} · ${rule.url}`)}`);
      out.push('');
    }
    out.push('');
  }
  out.push(summaryLine(c, result));
  return out.join('\n') + '\n';
}

function lineOf(entry: Entry): number {
  return entry.kind === 'finding' ? entry.finding.location.line : entry.diagnostic.location.line;
}

function position(location: SourceLocation): string {
  return `${location.line}:${location.column}`.padEnd(7);
}

function severityLabel(c: ChalkInstance, severity: Severity | Diagnostic['severity']): string {
  if (severity === 'error') return c.red('error  ');
  if (severity === 'warning') return c.yellow('warning');
  return c.blue('info   ');
}

const FRAME_MAX_LINES = 8;

/** The statement with a line of context before it, the precise span underlined when it fits on one line. */
export function codeFrame(c: ChalkInstance, source: SourceText, statement: SourceLocation, focus: SourceLocation): string[] {
  const first = Math.max(1, statement.line - 1);
  const last = Math.min(source.lineCount, statement.endLine, statement.line + FRAME_MAX_LINES - 1);
  const width = String(last).length;
  const lines: string[] = [];
  for (let n = first; n <= last; n++) {
    const inStatement = n >= statement.line && n <= statement.endLine;
    const text = sanitize(source.lineText(n));
    const gutter = `${inStatement && n >= focus.line && n <= focus.endLine ? c.red('>') : ' '} ${c.dim(`${String(n).padStart(width)} |`)}`;
    lines.push(`${gutter} ${inStatement ? text : c.dim(text)}`);
    if (n === focus.line && focus.endLine === focus.line && focus.endColumn > focus.column) {
      lines.push(`  ${' '.repeat(width)} ${c.dim('|')} ${' '.repeat(focus.column - 1)}${c.red('^'.repeat(focus.endColumn - focus.column))}`);
    } else if (n === focus.line && focus.endLine > focus.line) {
      lines.push(`  ${' '.repeat(width)} ${c.dim('|')} ${' '.repeat(focus.column - 1)}${c.red('^'.repeat(Math.max(1, text.length - focus.column + 1)))}`);
    }
  }
  if (statement.endLine > last) lines.push(`  ${' '.repeat(width)} ${c.dim('|')} ${c.dim('…')}`);
  return lines;
}

const MAX_REFERENCES = 8;

function referenceLines(c: ChalkInstance, finding: Finding, codeOnly: boolean): string[] {
  const refs = finding.references;
  const lines = [`    ${c.bold(codeOnly ? 'Used here:' : 'Live code that depends on it:')}`];
  const label = (r: LiveReference): string => (r.source === 'worktree' ? 'new code' : r.ref ? `${r.source} ${r.ref}` : r.source);
  const width = Math.min(28, Math.max(...refs.map((r) => label(r).length)));
  for (const r of refs.slice(0, MAX_REFERENCES)) {
    const where = `${r.location.path}:${r.location.line}:${r.location.column}`;
    const tags = [r.kind, r.implicit ? 'implicit' : '', r.context !== 'app' ? r.context : '', r.confidence !== 'certain' ? r.confidence : ''].filter(Boolean).join(', ');
    lines.push(`      ${c.magenta(sanitizeLine(label(r)).padEnd(width))}  ${sanitizeLine(where)}  ${c.dim(`(${tags})`)}`);
    if (r.snippet) lines.push(`      ${' '.repeat(width)}  ${c.dim(sanitizeLine(r.snippet))}${r.via ? c.dim(`  — ${sanitizeLine(r.via)}`) : ''}`);
  }
  if (refs.length > MAX_REFERENCES) lines.push(`      ${c.dim(`… and ${refs.length - MAX_REFERENCES} more (use --format json for all)`)}`);
  return lines;
}

/** `1,629`: thousands grouped as en-US does, without loading Intl's locale data (a fifth of a second). */
export function grouped(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function plural(n: number, word: string): string {
  return `${grouped(n)} ${word}${n === 1 ? '' : 's'}`;
}

export function summaryLine(c: ChalkInstance, result: CheckResult): string {
  const findingErrors = result.findings.filter((f) => f.severity === 'error').length;
  // A diagnostic at error severity (a statement that does not parse, a file that cannot be read) also makes the
  // run exit 1: the summary says so, and which kinds they were, so the exit code is never a mystery.
  const inputErrors = result.diagnostics.filter((d) => d.severity === 'error');
  const errors = findingErrors + inputErrors.length;
  const warnings = result.findings.filter((f) => f.severity === 'warning').length + result.diagnostics.filter((d) => d.severity === 'warning').length;
  const migrationsWithFindings = new Set(result.findings.map((f) => f.migration).filter((m) => m !== null)).size;
  const calls = result.scriptCalls;
  const analysed = calls ? `, ${grouped(calls.analysed)} of ${plural(calls.analysed + calls.unanalysed, 'migration call')} analysed` : '';
  const checked = `checked ${plural(result.newMigrations.length, 'new migration')} of ${plural(result.migrationCount, 'migration')}${analysed}${result.codeFileCount ? `, ${plural(result.codeFileCount, 'code file')}` : ''}`;
  const base = (result.base.ref ? `; base ${result.base.ref} (${result.base.chosenBy})` : '; no base ref') + (result.baselined ? `; ${plural(result.baselined, 'baselined finding')} not shown` : '');
  if (errors === 0 && warnings === 0) return c.green(`✔ No problems (${checked}${base})`);
  let errorPart = errors ? plural(errors, 'error') : '';
  if (inputErrors.length) {
    const codes = [...new Set(inputErrors.map((d) => d.code))].sort(compareStrings).join(', ');
    const inputs = `${inputErrors.length === 1 ? 'an input' : plural(inputErrors.length, 'input')} that could not be checked: ${codes}`;
    errorPart += findingErrors ? ` (${plural(findingErrors, 'finding')}, ${inputs})` : ` (${inputs})`;
  }
  const parts = [errorPart, warnings ? plural(warnings, 'warning') : ''].filter(Boolean).join(', ');
  const where = migrationsWithFindings ? ` in ${plural(migrationsWithFindings, 'migration')}` : '';
  return (errors ? c.red.bold : c.yellow.bold)(`✖ ${parts}${where}`) + c.dim(` (${checked}${base})`);
}
