/**
 * JUnit XML for CI test-report readers (GitLab `artifacts:reports:junit`, Jenkins): one testsuite per new
 * migration with one testcase per finding (a migration without findings has one passing testcase, so that
 * it shows as checked); error findings are failures, warnings and notes pass with the finding in
 * system-out. Code-only findings and input problems get a suite each.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { CheckResult } from '../engine/result.js';
import type { Finding } from '../engine/types.js';
import { compareStrings } from '../compare.js';
import { sanitize, sanitizeLine as line } from './sanitize.js';

/** Characters XML 1.0 cannot carry at all (after sanitize, only lone surrogates and U+FFFE/U+FFFF remain). */
const NOT_XML = /[\uD800-\uDFFF\uFFFE\uFFFF]/gu;

function xmlText(text: string): string {
  return sanitize(text).replace(NOT_XML, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

interface TestCase {
  classname: string;
  name: string;
  file?: string;
  line?: number;
  failure?: { message: string; type: string; body: string };
  error?: { message: string; type: string; body: string };
  out?: string;
}

interface TestSuite {
  name: string;
  cases: TestCase[];
}

function findingText(finding: Finding, docs: string | undefined): string {
  // The body has several lines; every name and message in them is escaped so that none starts a line of its own.
  const l = finding.location;
  const lines = [`${line(l.path)}:${l.line}:${l.column} ${finding.severity} ${line(finding.message)}`];
  for (const r of finding.references) {
    const source = r.source === 'worktree' ? 'new code' : r.ref ? `${r.source} ${line(r.ref)}` : r.source;
    lines.push(`  live code (${source}): ${line(r.location.path)}:${r.location.line}:${r.location.column} ${r.kind}${r.implicit ? ', implicit' : ''}${r.snippet ? `  ${line(r.snippet)}` : ''}`);
  }
  if (finding.lock) lines.push(`  lock: ${finding.lock.mode} on ${line(finding.lock.table)}, blocks ${finding.lock.blocks}`);
  if (finding.fix) {
    lines.push(`  fix: ${line(finding.fix.summary)}`);
    finding.fix.steps.forEach((s, i) => {
      lines.push(`    ${i + 1}. ${line(s.title)}`);
      if (s.sql) for (const l of s.sql.split('\n')) lines.push(`       ${l}`);
      if (s.code) for (const l of s.code.split('\n')) lines.push(`       ${l}`);
    });
  } else if (finding.help) lines.push(`  help: ${line(finding.help)}`);
  if (docs) lines.push(`  docs: ${docs}`);
  return lines.join('\n');
}

/** One finding, one testcase: `<rule> <path>:<line>`, failing when the finding is an error. */
function findingCase(classname: string, finding: Finding, docs: string | undefined): TestCase {
  const l = finding.location;
  const test: TestCase = { classname, name: `${finding.rule} ${l.path}:${l.line}`, file: l.path, line: l.line };
  const body = findingText(finding, docs);
  if (finding.severity === 'error') test.failure = { message: finding.message, type: finding.rule, body };
  else test.out = body;
  return test;
}

function diagnosticCase(d: Diagnostic): TestCase {
  const body = `${line(d.location.path)}:${d.location.line}:${d.location.column} ${d.severity} ${line(d.message)}${d.hint ? `\n  hint: ${line(d.hint)}` : ''}`;
  const test: TestCase = { classname: d.location.path, name: `${d.code} ${d.location.path}:${d.location.line}`, file: d.location.path, line: d.location.line };
  if (d.severity === 'error') test.error = { message: d.message, type: d.code, body };
  else test.out = body;
  return test;
}

export function junitSuites(result: CheckResult): TestSuite[] {
  const docs = new Map(result.rules.map((r) => [r.id, r.url]));
  const migrations = [...new Set([...result.newMigrations, ...result.findings.flatMap((f) => (f.migration === null ? [] : [f.migration]))])].sort(compareStrings);
  const suites: TestSuite[] = [];
  for (const migration of migrations) {
    const findings = result.findings.filter((f) => f.migration === migration);
    const cases = findings.length ? findings.map((f) => findingCase(migration, f, docs.get(f.rule))) : [{ classname: migration, name: 'no findings', file: migration }];
    suites.push({ name: migration, cases });
  }
  const codeOnly = result.findings.filter((f) => f.migration === null);
  if (codeOnly.length) suites.push({ name: 'rollsafe: application code', cases: codeOnly.map((f) => findingCase(f.location.path, f, docs.get(f.rule))) });
  if (result.diagnostics.length) suites.push({ name: 'rollsafe: input problems', cases: result.diagnostics.map(diagnosticCase) });
  return suites;
}

function renderCase(test: TestCase): string[] {
  const attrs = `classname="${xmlAttr(test.classname)}" name="${xmlAttr(test.name)}"${test.file ? ` file="${xmlAttr(test.file)}"` : ''}${test.line ? ` line="${test.line}"` : ''}`;
  if (!test.failure && !test.error && !test.out) return [`    <testcase ${attrs}/>`];
  const lines = [`    <testcase ${attrs}>`];
  for (const [tag, problem] of [['failure', test.failure], ['error', test.error]] as const) {
    if (problem) lines.push(`      <${tag} message="${xmlAttr(problem.message)}" type="${xmlAttr(problem.type)}">${xmlText(problem.body)}</${tag}>`);
  }
  if (test.out) lines.push(`      <system-out>${xmlText(test.out)}</system-out>`);
  lines.push('    </testcase>');
  return lines;
}

function counts(cases: readonly TestCase[]): string {
  return `tests="${cases.length}" failures="${cases.filter((c) => c.failure).length}" errors="${cases.filter((c) => c.error).length}" skipped="0"`;
}

export function formatJunit(result: CheckResult): string {
  const suites = junitSuites(result);
  const all = suites.flatMap((s) => s.cases);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="rollsafe" ${counts(all).replace(' skipped="0"', '')}>`];
  for (const suite of suites) {
    lines.push(`  <testsuite name="${xmlAttr(suite.name)}" ${counts(suite.cases)}>`);
    for (const test of suite.cases) lines.push(...renderCase(test));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
