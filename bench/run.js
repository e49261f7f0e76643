// `npm run bench`: the scenarios of issue 8 (and issue 3's scan), side by side with squawk and the parse
// floor, on projects generated into a temp folder. Prints a table and rewrites the generated part of
// bench/RESULTS.md. Options: --runs N (default 5), --quick (small projects, to try the runner), --keep
// (leave the projects in the temp folder), --only name,name (scenario ids); --scale runs bench/scale.js.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, platform, release, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { generateProject } from './generate.js';
import { cleanupScratch, gnuTimePath, measure } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const BIN = join(repo, 'bin', 'rollsafe.js');
const RESULTS = join(here, 'RESULTS.md');

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const value = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const RUNS = Number(value('runs') ?? 5);
const QUICK = flag('quick');
const ONLY = value('only')?.split(',');
const wanted = (id) => !ONLY || ONLY.includes(id);

const SIZES = QUICK
  ? { sqlFiles: 200, full: { files: 700, bytes: 2_000_000, migrations: 60, tables: 30 }, scan: { files: 500, bytes: 1_400_000, migrations: 40, tables: 30 } }
  : { sqlFiles: 2000, full: { files: 7000, bytes: 20_000_000, migrations: 300, tables: 150 }, scan: { files: 5000, bytes: 14_000_000, migrations: 200, tables: 120 } };

// `npm run bench -- --scale`: growth with input size instead (bench/scale.js).
if (process.argv.includes('--scale')) {
  await import('./scale.js');
  process.exit(process.exitCode ?? 0);
}

if (!existsSync(join(repo, 'dist', 'src', 'cli', 'bin.js'))) {
  console.error('rollsafe is not built: run `npm run build` first (npm run bench does).');
  process.exit(2);
}

const log = (line) => process.stderr.write(`${line}\n`);
const temp = mkdtempSync(join(tmpdir(), 'rollsafe-bench-'));
const results = [];
const benchStarted = performance.now();
const load = { start: loadavg()[0] };

function squawkBinary() {
  // The npm package is a node launcher around a native binary: run the binary itself (no node start-up).
  const require = createRequire(join(repo, 'package.json'));
  const pkg = { 'linux-x64': '@squawk-cli/linux-x64', 'linux-arm64': '@squawk-cli/linux-arm64', 'darwin-x64': '@squawk-cli/darwin-x64', 'darwin-arm64': '@squawk-cli/darwin-arm64', 'win32-x64': '@squawk-cli/win32-x64' }[
    `${process.platform}-${process.arch}`
  ];
  try {
    return require.resolve(`${pkg}/bin/${process.platform === 'win32' ? 'squawk.exe' : 'squawk'}`);
  } catch {
    return null;
  }
}

function record(id, title, m, extra = {}) {
  const seconds = m.ms / 1000;
  const row = {
    id,
    title,
    ms: m.ms,
    minMs: m.minMs,
    maxMs: m.maxMs,
    rssMb: m.rssMb,
    cpuMs: m.cpuMs,
    runs: m.runs,
    ...(extra.files !== undefined ? { filesPerSec: extra.files / seconds } : {}),
    ...(extra.bytes !== undefined ? { mbPerSec: extra.bytes / 1e6 / seconds } : {}),
    ...(extra.statements !== undefined ? { statementsPerSec: extra.statements / seconds } : {}),
    ...extra,
  };
  results.push(row);
  log(`  ${title}: ${fmtMs(m.ms)} (min ${fmtMs(m.minMs)}, max ${fmtMs(m.maxMs)}), CPU ${m.cpuMs === null ? 'n/a' : fmtMs(m.cpuMs)}, peak RSS ${m.rssMb === null ? 'n/a' : `${Math.round(m.rssMb)} MB`}`);
  return row;
}

const ratioOf = (a, b) => (a === null || b === null || b === 0 ? null : a / b);
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const fmtRate = (v) => (v === undefined ? '' : v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(1));
const rollsafe = (args) => [BIN, ...args];

async function sqlOnlyScenarios() {
  const root = join(temp, 'sql-only');
  log(`generating the SQL-only project (${SIZES.sqlFiles} migrations)…`);
  const t = performance.now();
  mkdirSync(root);
  const info = generateProject(root, { sqlOnly: true, migrations: SIZES.sqlFiles - 1, newMigrations: 1, tables: 150, seed: 7 });
  log(`  ${info.migrations} files, ${info.statements} statements, ${(info.sqlBytes / 1e6).toFixed(1)} MB (${fmtMs(performance.now() - t)})`);
  const sizes = { files: info.migrations, bytes: info.sqlBytes, statements: info.statements };

  log('SQL-only lint: rollsafe check (every migration new, no code in the project)');
  const ours = record('sql-only', `SQL-only lint of ${info.migrations} migration files (rollsafe check)`, await measure('node', rollsafe(['check', '--base', 'base']), { cwd: root, runs: RUNS, warmup: 1 }), sizes);
  const binary = squawkBinary();
  if (!binary) {
    log('  squawk is not installed (npm i -D squawk-cli): no side-by-side');
    return;
  }
  log('SQL-only lint: squawk (default rules) on the same files');
  const theirs = record('squawk', `squawk on the same ${info.migrations} files`, await measure(binary, ['db/migrations/*.sql'], { cwd: root, runs: RUNS, warmup: 1, okCodes: [0, 1, 2] }), sizes);
  ours.ratio = { label: 'rollsafe/squawk', value: ours.ms / theirs.ms, cpu: ratioOf(ours.cpuMs, theirs.cpuMs), target: 1.5 };
}

async function fullProjectScenarios() {
  const root = join(temp, 'full');
  const size = SIZES.full;
  log(`generating the full project (${size.files} files, ~${size.bytes / 1e6} MB, ${size.migrations} migrations)…`);
  const t = performance.now();
  mkdirSync(root);
  const info = generateProject(root, { ...size, dbShare: 0.25, changedFiles: 20, seed: 3 });
  log(`  ${info.codeFiles} code files (${info.dbFiles} touch the database), ${(info.codeBytes / 1e6).toFixed(1)} MB, ${info.migrations} migrations, base differs in ${info.changedFiles} files (${fmtMs(performance.now() - t)})`);
  const cache = join(root, 'node_modules', '.cache', 'rollsafe');
  const dropCache = () => rmSync(cache, { recursive: true, force: true });
  // Both sources are scanned: the worktree and the base ref (which shares most blobs).
  const sizes = { files: info.codeFiles, bytes: info.codeBytes, statements: info.statements };

  if (wanted('floor') || wanted('cold')) {
    log('parse floor: ts.createSourceFile over every code file');
    record('floor', `Parse floor: ts.createSourceFile over the ${info.codeFiles} code files`, await measure('node', [join(here, 'floor.js'), root], { runs: RUNS }), sizes);
  }
  if (wanted('cold')) {
    log('cold full check (worktree + base, no cache)');
    const cold = record('cold', `Cold full check (worktree + base) of ${info.codeFiles} files / ${(info.codeBytes / 1e6).toFixed(0)} MB`, await measure('node', rollsafe(['check', '--base', 'base']), { cwd: root, runs: RUNS, before: dropCache }), sizes);
    const floor = results.find((r) => r.id === 'floor');
    if (floor) cold.ratio = { label: 'rollsafe/floor', value: cold.ms / floor.ms, cpu: ratioOf(cold.cpuMs, floor.cpuMs) };
  }
  if (wanted('warm')) {
    log('warm re-run, nothing changed');
    record('warm', 'Warm re-run, nothing changed', await measure('node', rollsafe(['check', '--base', 'base']), { cwd: root, runs: RUNS, warmup: 1 }), sizes);
  }
  if (wanted('one-file')) {
    log('warm re-run after a 1-file change');
    const path = join(root, info.dbPaths[Math.floor(info.dbPaths.length / 2)]);
    const original = readFileSync(path, 'utf8');
    try {
      const m = await measure('node', rollsafe(['check', '--base', 'base']), {
        cwd: root,
        runs: RUNS,
        warmup: 1,
        // A new blob each run (a new function), so every measured run has one file to parse again.
        before: (i) => writeFileSync(path, `${original}\nexport const edited${i} = ${i};\n`),
      });
      record('one-file', 'Warm re-run after a 1-file change', m, sizes);
    } finally {
      writeFileSync(path, original);
    }
  }
  if (wanted('refs')) {
    log(`rollsafe refs ${info.sampleColumn} (warm cache)`);
    record('refs', `\`rollsafe refs ${info.sampleColumn}\` (warm)`, await measure('node', rollsafe(['refs', info.sampleColumn]), { cwd: root, runs: RUNS, warmup: 1 }), sizes);
  }
  if (wanted('startup')) {
    log('start-up: rollsafe --version');
    record('startup', '`rollsafe --version` (start-up)', await measure('node', rollsafe(['--version']), { cwd: root, runs: RUNS, warmup: 1, okCodes: [0] }));
  }
}

/** The ESLint plugin's own benchmark (bench/eslint-plugin.js, by its author): rule time per file after warm-up. */
async function eslintScenario() {
  const script = join(here, 'eslint-plugin.js');
  if (!existsSync(join(repo, 'dist', 'src', 'eslint', 'index.js')) || !existsSync(script)) {
    log('ESLint plugin: not built or no bench/eslint-plugin.js, skipped');
    return;
  }
  const files = QUICK ? 200 : 300;
  log(`ESLint plugin: bench/eslint-plugin.js --files ${files} (per file after the first)`);
  const m = await measure('node', [script, '--files', String(files)], { runs: 1, okCodes: [0] });
  const mean = (label) => {
    const line = m.stdout.split('\n').find((l) => l.startsWith(label));
    const found = line && /mean ([\d.]+) ms, median ([\d.]+), p95 ([\d.]+)/.exec(line);
    return found ? { mean: Number(found[1]), median: Number(found[2]), p95: Number(found[3]) } : null;
  };
  const same = mean('rollsafe rules per file, warm, text as on disk');
  const edited = mean('rollsafe rules per file, warm, text edited');
  const first = /first lint \(index build[^)]*\): (\d+) ms/.exec(m.stdout);
  const row = record('eslint', `ESLint plugin on ${files} files: rollsafe rules per file after the first (bench/eslint-plugin.js, one run)`, m);
  row.perFile = { same, edited, firstMs: first ? Number(first[1]) : null, pluginMsPerFile: Math.max(same?.mean ?? Infinity, edited?.mean ?? 0) };
  log(`  per file: ${same ? `${same.mean} ms (unchanged text)` : 'n/a'}, ${edited ? `${edited.mean} ms (edited text)` : 'n/a'}`);
}

async function scanScenarios() {
  const root = join(temp, 'scan');
  const size = SIZES.scan;
  log(`generating the scan project (${size.files} files)…`);
  mkdirSync(root);
  const info = generateProject(root, { ...size, dbShare: 0.25, changedFiles: 0, seed: 5 });
  const cache = join(root, 'node_modules', '.cache', 'rollsafe');
  const sizes = { files: info.codeFiles, bytes: info.codeBytes };
  log('code scan (worktree), cold');
  // Issue 3's scenario is not bound by issue 8's five runs: three keep the whole benchmark under five minutes.
  const runs = Math.min(RUNS, 3);
  record('scan-cold', `Code scan of ${info.codeFiles} files (issue 3), cold`, await measure('node', [join(here, 'scan.js'), root, 'db/migrations'], { runs, before: () => rmSync(cache, { recursive: true, force: true }) }), sizes);
  log('code scan (worktree), warm');
  record('scan-warm', `Code scan of ${info.codeFiles} files (issue 3), warm`, await measure('node', [join(here, 'scan.js'), root, 'db/migrations'], { runs, warmup: 1 }), sizes);
}

const TARGETS = {
  cold: { ms: 4000, rssMb: 600 },
  warm: { ms: 500 },
  'one-file': { ms: 700 },
  'sql-only': { ratio: 1.5 },
  eslint: { perFileMs: 5 },
};

function verdict(row) {
  const target = TARGETS[row.id];
  if (!target) return '';
  const parts = [];
  if (target.ms !== undefined) parts.push(row.ms <= target.ms ? `✓ ≤ ${fmtMs(target.ms)}` : `✗ ${fmtMs(target.ms)} missed by ${fmtMs(row.ms - target.ms)} (${Math.round((row.ms / target.ms - 1) * 100)} %)`);
  if (target.rssMb !== undefined && row.rssMb !== null) parts.push(row.rssMb <= target.rssMb ? `✓ ≤ ${target.rssMb} MB` : `✗ ${target.rssMb} MB missed by ${Math.round(row.rssMb - target.rssMb)} MB`);
  if (target.ratio !== undefined && row.ratio) {
    const cpu = row.ratio.cpu ? `, ${row.ratio.cpu.toFixed(2)}× in CPU time` : '';
    parts.push(row.ratio.value <= target.ratio ? `✓ ≤ ${target.ratio}×${cpu}` : `✗ ${target.ratio}× missed (${row.ratio.value.toFixed(2)}× wall${cpu})`);
  }
  if (target.perFileMs !== undefined && row.perFile) {
    const v = row.perFile.pluginMsPerFile;
    parts.push(v <= target.perFileMs ? `✓ ≤ ${target.perFileMs} ms/file` : `✗ ${target.perFileMs} ms/file missed (${v.toFixed(1)})`);
  }
  return parts.join('; ');
}

function table() {
  const lines = [
    '| Scenario | Wall (median) | min – max | CPU (median) | Peak RSS | files/s | MB/s | statements/s | Ratio | Target |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of results) {
    const ratio = r.ratio
      ? `${r.ratio.label} ${r.ratio.value.toFixed(2)}× wall${r.ratio.cpu ? `, ${r.ratio.cpu.toFixed(2)}× CPU` : ''}`
      : r.perFile
        ? `${r.perFile.same?.mean ?? 'n/a'} ms/file unchanged, ${r.perFile.edited?.mean ?? 'n/a'} ms/file edited (mean)`
        : '';
    lines.push(
      `| ${r.title} | ${fmtMs(r.ms)} | ${fmtMs(r.minMs)} – ${fmtMs(r.maxMs)} | ${r.cpuMs === null ? 'n/a' : fmtMs(r.cpuMs)} | ${r.rssMb === null ? 'n/a' : `${Math.round(r.rssMb)} MB`} | ${fmtRate(r.filesPerSec)} | ${fmtRate(r.mbPerSec)} | ${fmtRate(r.statementsPerSec)} | ${ratio} | ${verdict(r)} |`,
    );
  }
  return lines.join('\n');
}

function machine() {
  const cpu = cpus();
  return [
    `- Date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    `- Machine: ${cpu.length} logical cores (${cpu[0]?.model.trim() ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory (${(freemem() / 2 ** 30).toFixed(1)} GiB free at the end), ${platform()} ${release()}`,
    `- Node ${process.version}; load average ${load.start.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end (other processes share the cores: see the notes on noise)`,
    `- ${RUNS} measured runs per scenario of issue 8 (median shown; warm scenarios after one unmeasured run), ${Math.min(RUNS, 3)} for issue 3's scan, 1 for the ESLint plugin's own script; CPU is user + system time of the process and its children (git); peak RSS is the largest of the runs, from ${gnuTimePath() ? 'GNU time (%M)' : "the child's process.resourceUsage().maxRSS"}${QUICK ? '; **--quick sizes (not the issue\'s)**' : ''}`,
    `- Whole benchmark: ${fmtMs(performance.now() - benchStarted)} (projects generated, every scenario run)`,
  ].join('\n');
}

function writeResults() {
  const generated = `<!-- bench:start (generated by npm run bench; do not edit by hand) -->\n${machine()}\n\n${table()}\n<!-- bench:end -->`;
  let text = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : '# rollsafe benchmark results\n\n<!-- bench:start -->\n<!-- bench:end -->\n\n## Notes\n';
  text = text.replace(/<!-- bench:start[\s\S]*?<!-- bench:end -->/, () => generated);
  writeFileSync(RESULTS, text);
}

try {
  if (wanted('sql-only') || wanted('squawk')) await sqlOnlyScenarios();
  if (['floor', 'cold', 'warm', 'one-file', 'refs', 'startup'].some(wanted)) await fullProjectScenarios();
  if (wanted('scan')) await scanScenarios();
  if (wanted('eslint')) await eslintScenario();
  const out = `\n${machine()}\n\n${table()}\n`;
  process.stdout.write(out);
  if (!QUICK && !ONLY) writeResults();
  else log(`(bench/RESULTS.md not rewritten: ${QUICK ? '--quick' : '--only'} run)`);
} finally {
  cleanupScratch();
  if (flag('keep')) log(`projects kept in ${temp}`);
  else rmSync(temp, { recursive: true, force: true });
}
