#!/usr/bin/env node
// Runs rollsafe on real public repositories at commits whose verdict we know, and compares.
//
// The facts live in test/real-history/*.json (see test/real-history/README.md for the format). The
// repositories are not part of this project: each is a read-only git mirror brought onto the machine
// beforehand, in $ROLLSAFE_MIRRORS/<owner>+<name>/repo or $ROLLSAFE_MIRRORS/<owner>+<name>. A fact whose mirror is missing is reported as skipped, never as
// passed. Nothing of a repository is executed: it is cloned (--shared, no hooks), checked out, and read by
// `rollsafe check` with ROLLSAFE_NO_CODE_CONFIG=1.
//
//   node scripts/real-history.js [--only owner/name] [--stack kysely] [--verbose] [--json out.json] [files…]
//
// Exit code: 0 when every fact that ran holds, 1 when one does not, 2 on a usage error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'rollsafe.js');

function usage(message) {
  process.stderr.write(`real-history: ${message}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const options = { only: null, stack: null, verbose: false, json: null, files: [] };
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '--only') options.only = args[++i] ?? usage('--only needs owner/name');
  else if (arg === '--stack') options.stack = args[++i] ?? usage('--stack needs a name');
  else if (arg === '--verbose' || arg === '-v') options.verbose = true;
  else if (arg === '--json') options.json = args[++i] ?? usage('--json needs a file');
  else if (arg.startsWith('-')) usage(`unknown option ${arg}`);
  else options.files.push(resolve(arg));
}

if (!process.env.ROLLSAFE_MIRRORS) usage('set ROLLSAFE_MIRRORS to the folder that holds the mirrors (<owner>+<name>/repo)');

const factsDir = join(root, 'test', 'real-history');
const files =
  options.files.length > 0
    ? options.files
    : readdirSync(factsDir)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(factsDir, f));

/** @returns {{ file: string, stack: string, fact: any }[]} */
function loadFacts() {
  const out = [];
  for (const file of files) {
    let doc;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      usage(`${file}: ${error.message}`);
    }
    const facts = Array.isArray(doc) ? doc : doc.facts;
    if (!Array.isArray(facts)) usage(`${file}: expected an array of facts or { "facts": [...] }`);
    for (const [i, fact] of facts.entries()) {
      for (const key of ['repo', 'commit', 'kind']) {
        if (typeof fact[key] !== 'string') usage(`${file}: fact ${i}: "${key}" must be a string`);
      }
      if (!['hazard', 'safe', 'ordinary'].includes(fact.kind)) usage(`${file}: fact ${i}: kind must be hazard, safe or ordinary`);
      out.push({ file, stack: fact.stack ?? doc.stack ?? 'unknown', fact });
    }
  }
  return out;
}

function mirrorOf(repo) {
  const name = repo.replace('/', '+');
  const bases = [process.env.ROLLSAFE_MIRRORS].filter(Boolean);
  for (const base of bases) {
    for (const candidate of [join(base, name, 'repo'), join(base, name)]) {
      if (existsSync(join(candidate, 'objects')) || existsSync(join(candidate, '.git'))) return candidate;
    }
  }
  return null;
}

const gitEnv = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_TERMINAL_PROMPT: '0',
  GIT_NO_LAZY_FETCH: '1',
};

function git(cwd, ...gitArgs) {
  const result = spawnSync('git', ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', ...gitArgs], {
    cwd,
    env: gitEnv,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`git ${gitArgs.join(' ')}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

// A folder of this run's own: two runs at once never share a checkout (or its index.lock).
const work = mkdtempSync(join(tmpdir(), 'rollsafe-real-history-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function checkout(repo, commit) {
  const mirror = mirrorOf(repo);
  if (!mirror) return null;
  const dir = join(work, repo.replace('/', '+'));
  if (!existsSync(join(dir, '.git'))) {
    git(work, 'clone', '--quiet', '--shared', '--no-checkout', mirror, dir);
  }
  git(dir, 'checkout', '--quiet', '--force', '--detach', commit);
  git(dir, 'clean', '-qfdx', '-e', '.rollsafe-cache');
  return dir;
}

function matches(finding, want) {
  if (want.rule && finding.rule !== want.rule) return false;
  const path = finding.migration?.path ?? finding.location?.path ?? '';
  if (want.file && !path.includes(want.file)) return false;
  if (want.message && !finding.message.includes(want.message)) return false;
  if (want.table && finding.target?.table !== want.table) return false;
  if (want.column && finding.target?.column !== want.column) return false;
  return true;
}

function describe(want) {
  return Object.entries(want)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

const results = [];
for (const { stack, fact } of loadFacts()) {
  if (options.only && fact.repo !== options.only) continue;
  if (options.stack && stack !== options.stack) continue;
  const label = `${fact.repo}@${fact.commit.slice(0, 9)} [${stack}, ${fact.kind}]`;
  let dir;
  try {
    dir = checkout(fact.repo, fact.commit);
  } catch (error) {
    results.push({ label, fact, stack, status: 'error', problems: [error.message] });
    continue;
  }
  if (!dir) {
    results.push({ label, fact, stack, status: 'skipped', problems: ['no mirror on this machine (bring it with fetch)'] });
    continue;
  }
  const base = fact.base ?? `${fact.commit}^`;
  if (fact.config) writeFileSync(join(dir, 'rollsafe.config.json'), JSON.stringify(fact.config, null, 2));
  const run = spawnSync(process.execPath, [bin, 'check', '--base', base, '--format', 'json', ...(fact.args ?? [])], {
    cwd: dir,
    env: { ...process.env, ROLLSAFE_NO_CODE_CONFIG: '1', NO_COLOR: '1', CI: '', GITHUB_BASE_REF: '' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 10 * 60 * 1000,
  });
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    results.push({ label, fact, stack, status: 'error', problems: [`exit ${run.status}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`] });
    continue;
  }
  const problems = [];
  const findings = report.findings ?? [];
  const found = [];
  for (const want of fact.expect ?? []) {
    const hit = findings.find((f) => matches(f, want));
    if (hit) found.push(want);
    else problems.push(`missed: ${describe(want)}`);
  }
  const falseAlarms = [];
  for (const ban of fact.forbid ?? []) {
    for (const f of findings.filter((x) => matches(x, ban))) {
      falseAlarms.push(f);
      problems.push(`false alarm: ${f.rule} ${f.message}`);
    }
  }
  if (fact.exit !== undefined && run.status !== fact.exit) problems.push(`exit ${run.status}, expected ${fact.exit}`);
  results.push({
    label,
    fact,
    stack,
    status: problems.length === 0 ? 'pass' : 'fail',
    problems,
    expected: (fact.expect ?? []).length,
    found: found.length,
    falseAlarms: falseAlarms.length,
    exit: run.status,
    findings: findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      path: f.migration?.path ?? f.location?.path,
      line: f.migration?.line ?? f.location?.line,
      message: f.message,
    })),
    diagnostics: (report.diagnostics ?? []).length,
    diagnosticList: (report.diagnostics ?? []).map((d) => ({
      severity: d.severity,
      code: d.code,
      path: d.location?.path ?? d.path,
      line: d.location?.line ?? d.line,
      message: d.message,
    })),
  });
}

let failed = 0;
let expected = 0;
let found = 0;
let falseAlarms = 0;
const byStack = new Map();
for (const r of results) {
  const mark = { pass: '✔', fail: '✖', skipped: '–', error: '!' }[r.status];
  process.stdout.write(`${mark} ${r.label}${r.fact.note ? `  ${r.fact.note}` : ''}\n`);
  for (const p of r.problems) process.stdout.write(`    ${p}\n`);
  if (options.verbose && r.findings) {
    for (const f of r.findings) process.stdout.write(`    · ${f.severity} ${f.rule} ${f.path}:${f.line} ${f.message}\n`);
    for (const d of r.diagnosticList ?? []) process.stdout.write(`    ◦ ${d.severity ?? ''} ${d.code ?? ''} ${d.path ?? ''}:${d.line ?? ''} ${d.message}\n`);
  }
  if (r.status === 'fail' || r.status === 'error') failed++;
  expected += r.expected ?? 0;
  found += r.found ?? 0;
  falseAlarms += r.falseAlarms ?? 0;
  const s = byStack.get(r.stack) ?? { facts: 0, ran: 0, expected: 0, found: 0, falseAlarms: 0 };
  s.facts++;
  if (r.status === 'pass' || r.status === 'fail') s.ran++;
  s.expected += r.expected ?? 0;
  s.found += r.found ?? 0;
  s.falseAlarms += r.falseAlarms ?? 0;
  byStack.set(r.stack, s);
}
process.stdout.write('\nstack       facts  ran  recall        false alarms\n');
for (const [stack, s] of [...byStack].sort()) {
  process.stdout.write(
    `${stack.padEnd(11)} ${String(s.facts).padStart(5)} ${String(s.ran).padStart(4)}  ${`${s.found}/${s.expected}`.padEnd(13)} ${s.falseAlarms}\n`,
  );
}
const skipped = results.filter((r) => r.status === 'skipped').length;
process.stdout.write(
  `\nreal history: ${results.length - failed - skipped} held, ${failed} did not, ${skipped} skipped; recall ${found}/${expected}, ${falseAlarms} false alarms\n`,
);
if (options.json) writeFileSync(options.json, JSON.stringify(results, null, 2));
process.exit(failed > 0 ? 1 : 0);
