/**
 * SARIF 2.1.0 for code scanning (GitHub `upload-sarif`, Azure DevOps, IDE viewers). The same run gives
 * byte-identical output: no timestamps, no absolute paths, rules in registry order, results in finding order.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { SourceLocation } from '../location.js';
import type { CheckResult } from '../engine/result.js';
import { findingFingerprint, lineTextIn } from '../engine/baseline.js';
import type { Finding, LiveReference, Rule, Severity } from '../engine/types.js';
import { sanitize } from './sanitize.js';
import { PACKAGE_URL } from '../links.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const INFORMATION_URI = PACKAGE_URL;
/** The key of rollsafe's own fingerprint in `partialFingerprints` (GitHub adds its line hash beside it). */
export const FINGERPRINT_KEY = 'rollsafeFindingHash/v1';

/** Related locations named in the message; the rest are still listed, up to what code scanning keeps. */
const LINKED_REFERENCES = 5;
const MAX_RELATED_LOCATIONS = 1000;

export interface SarifOptions {
  /** rollsafe's version, for `tool.driver.version`. */
  version: string;
}

type Level = 'error' | 'warning' | 'note';

function level(severity: Severity): Level {
  return severity === 'info' ? 'note' : severity;
}

/** `[` and `]` start embedded links in SARIF message text; literal ones (and the escape) are escaped. */
function messageText(text: string): string {
  return sanitize(text).replace(/[\\[\]]/g, '\\$&');
}

function uri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function region(location: SourceLocation): Record<string, number> {
  const spans = location.endLine > location.line || (location.endLine === location.line && location.endColumn > location.column);
  return spans
    ? { startLine: location.line, startColumn: location.column, endLine: location.endLine, endColumn: location.endColumn }
    : { startLine: location.line, startColumn: location.column };
}

function physicalLocation(location: SourceLocation): object {
  return { artifactLocation: { uri: uri(location.path), uriBaseId: '%SRCROOT%' }, region: region(location) };
}

/** `dropped-column-in-use` → `DroppedColumnInUse`: SARIF's `name` is an identifier-like form of the id. */
function ruleName(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _dash: string, c: string) => c.toUpperCase());
}

function firstParagraph(markdown: string): string {
  return markdown.trim().split(/\n\s*\n/)[0]!.replace(/\s+/g, ' ');
}

function ruleDescriptor(rule: Rule): object {
  const markdown = [`**${rule.summary}**`, '', '## Problem', '', rule.docs.problem.trim(), '', '## Safe alternative', '', rule.docs.solution.trim(), '', `[Documentation](${rule.url})`].join('\n');
  const text = [rule.summary, '', rule.docs.problem.trim(), '', rule.docs.solution.trim(), '', `Documentation: ${rule.url}`].join('\n');
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: sanitize(rule.summary) },
    fullDescription: { text: sanitize(firstParagraph(rule.docs.problem)) },
    help: { text: sanitize(text), markdown: sanitize(markdown) },
    helpUri: rule.url,
    defaultConfiguration: { level: level(rule.severity) },
    properties: { tags: ['postgresql', 'migrations', rule.family] },
  };
}

function sourceLabel(reference: LiveReference): string {
  if (reference.source === 'worktree') return 'new code (worktree)';
  const name = reference.source === 'base' ? 'release still running' : `live ref ${reference.source}`;
  return reference.ref ? `${name}, base ${reference.ref}` : name;
}

function relatedLocation(reference: LiveReference, id: number): object {
  const tags = [reference.kind, reference.implicit ? 'implicit' : '', reference.confidence !== 'certain' ? reference.confidence : ''].filter(Boolean).join(', ');
  const snippet = reference.snippet ? `: ${reference.snippet}` : '';
  return {
    id,
    physicalLocation: physicalLocation(reference.location),
    message: { text: messageText(`${sourceLabel(reference)} — ${tags}${snippet}`) },
  };
}

function resultMessage(finding: Finding): string {
  const parts = [messageText(finding.message)];
  if (finding.references.length) {
    const links = finding.references.slice(0, LINKED_REFERENCES).map((r, i) => {
      const where = messageText(`${r.location.path}:${r.location.line}`);
      return `[${where}](${i + 1}) (${messageText(r.source === 'worktree' ? 'new code' : (r.ref ?? r.source))})`;
    });
    const more = finding.references.length - LINKED_REFERENCES;
    parts.push(`Live code: ${links.join(', ')}${more > 0 ? `, and ${more} more` : ''}.`);
  }
  if (finding.fix) parts.push(`Fix: ${messageText(finding.fix.summary)}`);
  else if (finding.help) parts.push(messageText(finding.help));
  return parts.join(' ');
}

function resultProperties(finding: Finding): object | undefined {
  const properties: Record<string, unknown> = {};
  if (finding.migration !== null) properties.migration = finding.migration;
  if (finding.target) properties.target = { schema: finding.target.schema, table: finding.target.table, column: finding.target.column ?? null };
  if (finding.lock) properties.lock = { mode: finding.lock.mode, table: sanitize(finding.lock.table), blocks: finding.lock.blocks };
  if (finding.fix) {
    properties.fix = {
      summary: sanitize(finding.fix.summary),
      steps: finding.fix.steps.map((s) => ({ title: sanitize(s.title), ...(s.sql !== undefined ? { sql: sanitize(s.sql) } : {}), ...(s.code !== undefined ? { code: sanitize(s.code) } : {}) })),
    };
  }
  return Object.keys(properties).length ? properties : undefined;
}

function notification(diagnostic: Diagnostic): object {
  return {
    level: level(diagnostic.severity),
    message: { text: sanitize(diagnostic.hint ? `${diagnostic.message} (${diagnostic.hint})` : diagnostic.message) },
    locations: [{ physicalLocation: physicalLocation(diagnostic.location) }],
    descriptor: { id: diagnostic.code },
  };
}

/** Tag of the descriptors and results that are input problems (unparsable SQL, unreadable files), not rule findings. */
export const INPUT_PROBLEM_TAG = 'rollsafe-input-problem';

/**
 * A descriptor for an input-problem code (`sql-syntax`, `migration-order`, …): code scanning shows results
 * only, not notifications, so each diagnostic is a result too, under a rule of its own code.
 */
function diagnosticDescriptor(code: string, severity: Severity): object {
  return {
    id: code,
    name: ruleName(code),
    shortDescription: { text: sanitize(`rollsafe could not check this input (${code})`) },
    fullDescription: { text: sanitize(`An input problem rather than a rule finding: rollsafe could not fully read or order this file (${code}), so what it says is not checked. The message says what is wrong and how to fix it.`) },
    help: { text: 'Fix the input so that rollsafe can read it; until then the rules do not see what it contains.' },
    defaultConfiguration: { level: level(severity) },
    properties: { tags: ['postgresql', 'migrations', INPUT_PROBLEM_TAG] },
  };
}

function diagnosticResult(diagnostic: Diagnostic, index: number): object {
  return {
    ruleId: diagnostic.code,
    ruleIndex: index,
    level: level(diagnostic.severity),
    message: { text: messageText(diagnostic.hint ? `${diagnostic.message} (${diagnostic.hint})` : diagnostic.message) },
    locations: [{ physicalLocation: physicalLocation(diagnostic.location) }],
    properties: { tags: [INPUT_PROBLEM_TAG] },
  };
}

export function toSarif(result: CheckResult, options: SarifOptions): object {
  const ruleIndex = new Map(result.rules.map((r, i) => [r.id, i]));
  // Input-problem descriptors follow the rules, one per code, in order of first appearance.
  const inputRules: object[] = [];
  for (const d of result.diagnostics) {
    if (ruleIndex.has(d.code)) continue;
    ruleIndex.set(d.code, result.rules.length + inputRules.length);
    inputRules.push(diagnosticDescriptor(d.code, d.severity));
  }
  const lineText = lineTextIn(result.texts);
  const results = result.findings.map((finding) => {
    const index = ruleIndex.get(finding.rule);
    const properties = resultProperties(finding);
    return {
      ruleId: finding.rule,
      ...(index !== undefined ? { ruleIndex: index } : {}),
      level: level(finding.severity),
      message: { text: resultMessage(finding) },
      locations: [{ physicalLocation: physicalLocation(finding.location) }],
      ...(finding.references.length ? { relatedLocations: finding.references.slice(0, MAX_RELATED_LOCATIONS).map((r, i) => relatedLocation(r, i + 1)) } : {}),
      partialFingerprints: { [FINGERPRINT_KEY]: findingFingerprint(finding, lineText(finding)) },
      ...(properties ? { properties } : {}),
    };
  });
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rollsafe',
            informationUri: INFORMATION_URI,
            version: options.version,
            semanticVersion: options.version,
            rules: [...result.rules.map(ruleDescriptor), ...inputRules],
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: result.diagnostics.map(notification) }],
        // Locations are relative to the repository root; the consumer supplies it (upload-sarif's checkout_path).
        // No absolute path here: the same run gives the same bytes on every machine.
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The root of the repository checked (the git top level).' } } },
        columnKind: 'utf16CodeUnits',
        results: [...results, ...result.diagnostics.map((d) => diagnosticResult(d, ruleIndex.get(d.code)!))],
        properties: {
          base: result.base.ref,
          baseChosenBy: result.base.chosenBy,
          newMigrations: result.newMigrations,
          baselined: result.baselined ?? 0,
        },
      },
    ],
  };
}

export function formatSarif(result: CheckResult, options: SarifOptions): string {
  return JSON.stringify(toSarif(result, options), null, 2) + '\n';
}
