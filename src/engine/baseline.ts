/**
 * The baseline: findings a team has accepted (`rollsafe check --update-baseline`), matched by a fingerprint
 * that survives unrelated edits (lines moving, whitespace), so they stop failing the run. Pure: the CLI reads
 * and writes the file.
 */
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../diagnostic.js';
import { compareStrings } from '../compare.js';
import { SourceText } from '../text.js';
import type { Finding } from './types.js';

export const BASELINE_VERSION = 1;
export const DEFAULT_BASELINE_FILE = 'rollsafe-baseline.json';

export interface BaselineEntry {
  fingerprint: string;
  /** The migration the finding is about; null for findings about code alone. */
  migration: string | null;
  /** For people reviewing the file: the table or column, and the statement. Not used for matching. */
  target?: string;
  statement?: string;
}

/** File (the finding's location) → rule id → accepted findings. */
export interface Baseline {
  version: typeof BASELINE_VERSION;
  files: Record<string, Record<string, BaselineEntry[]>>;
}

/** What a run looked at: only entries inside it can be matched, or found stale. */
export interface BaselineScope {
  /** Migrations checked as new in this run. */
  checkedMigrations: readonly string[];
  /** Rule ids enabled in this run; entries of rules turned off are left alone. */
  activeRules: readonly string[];
  /** Every rule id rollsafe knows; an entry of an unknown rule is stale. */
  knownRules: readonly string[];
}

export interface StaleEntry {
  file: string;
  rule: string;
  entry: BaselineEntry;
}

export interface BaselineMatch {
  /** Findings not in the baseline: reported as usual. */
  findings: Finding[];
  /** Findings the baseline accepts. */
  baselined: Finding[];
  stale: StaleEntry[];
}

const collapse = (text: string): string => text.replace(/\s+/g, ' ').trim();

/** The text of the finding's precise span inside its statement (an ALTER TABLE sub-command), if it is inside. */
function focusText(finding: Finding): string {
  const statement = finding.statement;
  if (!statement) return '';
  const s = statement.location;
  const l = finding.location;
  if (l.line < s.line || l.endLine > s.endLine || (l.line === s.line && l.column < s.column)) return '';
  const source = new SourceText(statement.text);
  const offset = (line: number, column: number): number => source.offsetOf(line - s.line + 1, line === s.line ? column - s.column + 1 : column);
  return collapse(statement.text.slice(offset(l.line, l.column), offset(l.endLine, l.endColumn)));
}

function targetText(finding: Finding): string {
  const t = finding.target;
  if (!t) return '';
  return [t.schema, t.table, t.column].filter((p) => p !== undefined).join('.');
}

/**
 * A finding's identity without line numbers: rule, file, migration, target, and the statement text (with
 * whitespace collapsed) and precise span. Findings with neither statement nor target (a suppression comment)
 * use `lineText`, the text of the line they point at, when the caller has it.
 */
export function findingFingerprint(finding: Finding, lineText?: string): string {
  const anchor = finding.statement ? `${collapse(finding.statement.text)}\u0000${focusText(finding)}` : finding.target ? '' : collapse(lineText ?? finding.message);
  const parts = ['v1', finding.rule, finding.location.path, finding.migration ?? '', targetText(finding), anchor];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

const STATEMENT_PREVIEW = 120;

export function baselineEntry(finding: Finding, lineText?: string): BaselineEntry {
  const target = targetText(finding).replace(/^public\./, '');
  const statement = finding.statement ? collapse(finding.statement.text) : '';
  return {
    fingerprint: findingFingerprint(finding, lineText),
    migration: finding.migration,
    ...(target ? { target } : {}),
    ...(statement ? { statement: statement.length > STATEMENT_PREVIEW ? `${statement.slice(0, STATEMENT_PREVIEW - 1)}…` : statement } : {}),
  };
}

function inScope(entry: BaselineEntry, rule: string, scope: BaselineScope): boolean {
  if (!scope.activeRules.includes(rule)) return false;
  // Code-only findings come from run-level rules, which run whenever there is a new migration.
  return entry.migration === null ? scope.checkedMigrations.length > 0 : scope.checkedMigrations.includes(entry.migration);
}

/**
 * Splits findings into reported and baselined. Equal fingerprints are counted, so a second copy of an accepted
 * statement is still reported. Entries in scope that match nothing are stale.
 */
export function matchBaseline(findings: readonly Finding[], baseline: Baseline, scope: BaselineScope, lineText?: (finding: Finding) => string | undefined): BaselineMatch {
  const remaining = new Map<string, { file: string; rule: string; entry: BaselineEntry; left: number }[]>();
  const key = (file: string, rule: string, fingerprint: string): string => `${file}\u0000${rule}\u0000${fingerprint}`;
  for (const [file, byRule] of Object.entries(baseline.files)) {
    for (const [rule, entries] of Object.entries(byRule)) {
      for (const entry of entries) {
        const k = key(file, rule, entry.fingerprint);
        let list = remaining.get(k);
        if (!list) remaining.set(k, (list = []));
        list.push({ file, rule, entry, left: 1 });
      }
    }
  }
  const result: BaselineMatch = { findings: [], baselined: [], stale: [] };
  for (const finding of findings) {
    const candidates = remaining.get(key(finding.location.path, finding.rule, findingFingerprint(finding, lineText?.(finding))));
    const slot = candidates?.find((c) => c.left > 0);
    if (slot) {
      slot.left--;
      result.baselined.push(finding);
    } else result.findings.push(finding);
  }
  for (const list of remaining.values()) {
    for (const slot of list) {
      if (slot.left === 0) continue;
      const known = scope.knownRules.includes(slot.rule);
      if (!known || inScope(slot.entry, slot.rule, scope)) result.stale.push({ file: slot.file, rule: slot.rule, entry: slot.entry });
    }
  }
  result.stale.sort((a, b) => compareStrings(a.file, b.file) || compareStrings(a.rule, b.rule) || compareStrings(a.entry.fingerprint, b.entry.fingerprint));
  return result;
}

/**
 * The baseline after `--update-baseline`: every finding of this run, plus the previous entries this run did not
 * look at (other migrations, rules turned off) whose file still exists.
 */
export function updateBaseline(
  findings: readonly Finding[],
  previous: Baseline | null,
  scope: BaselineScope,
  options: { fileExists(path: string): boolean; lineText?: (finding: Finding) => string | undefined },
): Baseline {
  const files: Record<string, Record<string, BaselineEntry[]>> = {};
  const add = (file: string, rule: string, entry: BaselineEntry): void => {
    const byRule = (files[file] ??= {});
    (byRule[rule] ??= []).push(entry);
  };
  if (previous) {
    for (const [file, byRule] of Object.entries(previous.files)) {
      if (!options.fileExists(file)) continue;
      for (const [rule, entries] of Object.entries(byRule)) {
        if (!scope.knownRules.includes(rule)) continue;
        for (const entry of entries) if (!inScope(entry, rule, scope)) add(file, rule, entry);
      }
    }
  }
  for (const finding of findings) add(finding.location.path, finding.rule, baselineEntry(finding, options.lineText?.(finding)));
  return sortBaseline({ version: BASELINE_VERSION, files });
}

function sortBaseline(baseline: Baseline): Baseline {
  const files: Baseline['files'] = {};
  for (const file of Object.keys(baseline.files).sort(compareStrings)) {
    const byRule = baseline.files[file]!;
    const rules: Record<string, BaselineEntry[]> = {};
    for (const rule of Object.keys(byRule).sort(compareStrings)) {
      rules[rule] = [...byRule[rule]!]
        .sort((a, b) => compareStrings(a.fingerprint, b.fingerprint) || compareStrings(a.target ?? '', b.target ?? ''))
        .map((e) => ({
          fingerprint: e.fingerprint,
          migration: e.migration,
          ...(e.target !== undefined ? { target: e.target } : {}),
          ...(e.statement !== undefined ? { statement: e.statement } : {}),
        }));
    }
    files[file] = rules;
  }
  return { version: BASELINE_VERSION, files };
}

/** The file's text: keys in a fixed order, sorted, so that it diffs well in review. */
export function formatBaseline(baseline: Baseline): string {
  return JSON.stringify(sortBaseline(baseline), null, 2) + '\n';
}

function baselineDiagnostic(path: string, message: string, line = 1): Diagnostic {
  return {
    code: 'baseline-invalid',
    severity: 'error',
    message,
    location: { path, line, column: 1, endLine: line, endColumn: 1 },
    hint: 'fix the file, or delete it and run rollsafe check --update-baseline',
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a baseline file's text; a broken file becomes a diagnostic and an empty baseline. */
export function parseBaseline(text: string, path: string): { baseline: Baseline; diagnostics: Diagnostic[] } {
  const empty: Baseline = { version: BASELINE_VERSION, files: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { baseline: empty, diagnostics: [baselineDiagnostic(path, `baseline is not valid JSON (${error instanceof Error ? error.message : String(error)})`)] };
  }
  if (!isRecord(value) || value.version !== BASELINE_VERSION || !isRecord(value.files)) {
    return { baseline: empty, diagnostics: [baselineDiagnostic(path, `baseline must be { "version": ${BASELINE_VERSION}, "files": { … } }`)] };
  }
  const files: Baseline['files'] = {};
  const diagnostics: Diagnostic[] = [];
  for (const [file, byRule] of Object.entries(value.files)) {
    if (!isRecord(byRule)) {
      diagnostics.push(baselineDiagnostic(path, `baseline entry for ${file} must map rule ids to lists`, lineOf(text, JSON.stringify(file))));
      continue;
    }
    for (const [rule, entries] of Object.entries(byRule)) {
      if (!Array.isArray(entries)) {
        diagnostics.push(baselineDiagnostic(path, `baseline entry ${file} → ${rule} must be a list`, lineOf(text, JSON.stringify(file))));
        continue;
      }
      for (const entry of entries as unknown[]) {
        if (!isRecord(entry) || typeof entry.fingerprint !== 'string' || !(entry.migration === null || typeof entry.migration === 'string')) {
          diagnostics.push(baselineDiagnostic(path, `baseline entry ${file} → ${rule} needs a "fingerprint" string and a "migration" (path or null)`, lineOf(text, JSON.stringify(file))));
          continue;
        }
        ((files[file] ??= {})[rule] ??= []).push({
          fingerprint: entry.fingerprint,
          migration: entry.migration,
          ...(typeof entry.target === 'string' ? { target: entry.target } : {}),
          ...(typeof entry.statement === 'string' ? { statement: entry.statement } : {}),
        });
      }
    }
  }
  return { baseline: { version: BASELINE_VERSION, files }, diagnostics };
}

function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  return at < 0 ? 1 : new SourceText(text).position(at).line;
}

/** One warning per stale entry, pointing at its line in the baseline file. */
export function staleDiagnostics(stale: readonly StaleEntry[], path: string, text: string): Diagnostic[] {
  return stale.map(({ file, rule, entry }) => {
    const line = lineOf(text, `"${entry.fingerprint}"`);
    const what = entry.target ? ` (${entry.target})` : '';
    return {
      code: 'baseline-stale',
      severity: 'warning',
      message: `Baseline entry for ${rule} in ${file}${what} matches no finding any more.`,
      location: { path, line, column: 1, endLine: line, endColumn: 1 },
      hint: 'run rollsafe check --update-baseline to remove it',
    } satisfies Diagnostic;
  });
}

/** The `lineText` callback for findings of a run: the line a finding points at, from the texts the run kept. */
export function lineTextIn(texts: ReadonlyMap<string, string>): (finding: Finding) => string | undefined {
  const sources = new Map<string, SourceText>();
  return (finding) => {
    const text = texts.get(finding.location.path);
    if (text === undefined) return undefined;
    let source = sources.get(finding.location.path);
    if (!source) sources.set(finding.location.path, (source = new SourceText(text)));
    return source.lineText(finding.location.line);
  };
}
