// `npm run bench -- --scale` or `node bench/scale.js` (after `npm run build`): how rollsafe's time and memory
// grow with the size of its input (issue 15, items 2 and 9). Generates git repositories in the temp folder:
// one migration of 10k/50k/100k short statements, 10k/20k/50k migration files (one new table each), code read
// because a new migration drops a column it uses: one file of 6k/12k/24k lines (files over 1 MB are skipped as
// generated) and 10k/50k/100k lines in files of 5,000. For each size it prints wall
// time, CPU time (user + system, children included) and peak RSS, and for each doubling of the input the
// growth of CPU time, with a pass/fail line for "doubling costs at most ~2.2×". Then it measures how late a
// SIGTERM/SIGINT sent during the 50k-statement check ends the process (issue 15: within a second).
// Options: --quick (small sizes, to try the script), --runs N (default 1), --keep (leave the repositories),
// --only statements,migrations,code,signals.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { cleanupScratch, measure } from './measure.js';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = join(here, '..', 'bin', 'rollsafe.js');
const argv = process.argv.slice(2).filter((a) => a !== '--scale');
const flag = (name) => argv.includes(`--${name}`);
const value = (name) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const QUICK = flag('quick');
const RUNS = Number(value('runs') ?? 1);
const ONLY = value('only')?.split(',');
const wanted = (id) => !ONLY || ONLY.includes(id);
/** The growth allowed per doubling of the input (linear is 2×; the rest is noise and fixed costs). */
const LIMIT = 2.2;

const SIZES = QUICK
  ? { statements: [2_000, 4_000, 8_000], migrations: [500, 1_000, 2_000], codeFile: [1_500, 3_000], code: [2_000, 4_000], signalStatements: 8_000 }
  : { statements: [10_000, 50_000, 100_000], migrations: [10_000, 20_000, 50_000], codeFile: [6_000, 12_000, 24_000], code: [10_000, 50_000, 100_000], signalStatements: 50_000 };

if (!existsSync(join(here, '..', 'dist', 'src', 'cli', 'bin.js'))) {
  console.error('rollsafe is not built: run `npm run build` first.');
  process.exit(2);
}

const log = (line) => process.stderr.write(`${line}\n`);
const temp = mkdtempSync(join(tmpdir(), 'rollsafe-scale-'));
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
const git = (cwd, ...args) => execFileSync('git', args, { cwd, env: gitEnv, stdio: 'ignore' });

/** A repository whose tag `base` has `baseFiles`, with `newFiles` written (uncommitted) on top. */
function repository(name, baseFiles, newFiles) {
  const root = join(temp, name);
  const write = (files) => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
  };
  // Caches go to the repository's node_modules/.cache (not the shared temp folder), cleared before each run.
  mkdirSync(join(root, 'node_modules'), { recursive: true });
  git(root, 'init', '-q');
  write({ '.gitignore': 'node_modules/\n', ...baseFiles });
  git(root, 'add', '-A');
  git(root, 'commit', '-qm', 'base');
  git(root, 'tag', 'base');
  write(newFiles);
  return root;
}

const TABLE = 'CREATE TABLE t (id bigint PRIMARY KEY, v text, w integer);\n';

/** One migration of `n` short INSERTs (about 35 bytes each: 100k stay under the 5 MB file limit). */
function statementsRepo(n) {
  let sql = '';
  for (let i = 0; i < n; i++) sql += `INSERT INTO t VALUES (${i}, 'v${i % 97}');\n`;
  return repository(`statements-${n}`, { 'db/migrations/0001_t.sql': TABLE }, { 'db/migrations/0002_data.sql': sql });
}

/** `n` new migrations, each creating one table. */
function migrationsRepo(n) {
  const files = {};
  for (let i = 0; i < n; i++) files[`db/migrations/${String(i + 2).padStart(6, '0')}_t${i}.sql`] = `CREATE TABLE t${i} (id bigint PRIMARY KEY, v text);\n`;
  return repository(`migrations-${n}`, { 'db/migrations/000001_t.sql': TABLE }, files);
}

/** `n` lines of code querying `t` (a query every fourth line). */
function codeLines(n, prefix) {
  const lines = ["import { Pool } from 'pg';", 'const pool = new Pool();'];
  for (let i = 0; lines.length < n; i++) {
    lines.push(`export async function ${prefix}${i}(id: number) {`);
    lines.push(`  const r = await pool.query('SELECT id, ${i % 2 ? 'v' : 'w'} FROM t WHERE id = $1', [id + ${i}]);`);
    lines.push('  return r.rows;');
    lines.push('}');
  }
  return `${lines.slice(0, n).join('\n')}\n`;
}

const DROP_W = { 'db/migrations/0002_drop.sql': 'ALTER TABLE t DROP COLUMN w;\n' };

/** One code file of `n` lines (code files over 1 MB are skipped as generated: 24k lines is about 0.9 MB). */
function codeFileRepo(n) {
  return repository(`code-file-${n}`, { 'db/migrations/0001_t.sql': TABLE, 'src/queries.ts': codeLines(n, 'q') }, DROP_W);
}

/** `n` lines of code in files of 5,000 lines. */
function codeFilesRepo(n) {
  const files = { 'db/migrations/0001_t.sql': TABLE };
  for (let i = 0; i * 5000 < n; i++) files[`src/queries-${i}.ts`] = codeLines(Math.min(5000, n - i * 5000), `q${i}_`);
  return repository(`code-files-${n}`, files, DROP_W);
}

const fmtS = (ms) => `${(ms / 1000).toFixed(2)} s`;
const rows = [];
const growth = [];

async function series(id, title, sizes, make, unit) {
  let previous;
  for (const size of sizes) {
    log(`${title}: ${size.toLocaleString('en-US')} ${unit}…`);
    const root = make(size);
    // Every run cold: no cached migration or code file.
    const m = await measure('node', [BIN, 'check', '--base', 'base', '--format', 'json'], {
      cwd: root,
      runs: RUNS,
      okCodes: [0, 1],
      before: () => rmSync(join(root, 'node_modules', '.cache'), { recursive: true, force: true }),
    });
    const row = { id, title, size, unit, wallMs: m.ms, cpuMs: m.cpuMs, rssMb: m.rssMb, findings: findingsOf(m.stdout) };
    rows.push(row);
    log(`  wall ${fmtS(m.ms)}, CPU ${m.cpuMs === null ? 'n/a' : fmtS(m.cpuMs)}, peak RSS ${m.rssMb === null ? 'n/a' : `${Math.round(m.rssMb)} MB`}, ${row.findings}`);
    if (previous && previous.cpuMs && row.cpuMs) {
      // Time per doubling: the ratio of CPU times scaled to a factor of two of the input.
      const factor = size / previous.size;
      const ratio = row.cpuMs / previous.cpuMs;
      const perDoubling = ratio ** (1 / Math.log2(factor));
      growth.push({ title, from: previous.size, to: size, unit, ratio, perDoubling, pass: perDoubling <= LIMIT });
    }
    if (!flag('keep')) rmSync(root, { recursive: true, force: true });
    previous = row;
  }
}

function findingsOf(stdout) {
  try {
    const parsed = JSON.parse(stdout);
    return `${parsed.findings.length} finding(s), ${parsed.diagnostics.length} diagnostic(s)`;
  } catch {
    return 'output not JSON';
  }
}

/** Sends `signal` `delayMs` after the start of a check and measures how long the process takes to end after it. */
function signalRun(root, signal, delayMs) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let sentAt = null;
    const child = spawn(process.execPath, [BIN, 'check', '--base', 'base', '--format', 'json'], { cwd: root, stdio: 'ignore' });
    const timer = setTimeout(() => {
      sentAt = performance.now();
      child.kill(signal);
    }, delayMs);
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      clearTimeout(timer);
      const ended = performance.now();
      resolve({ signal, delayMs, code, sig, totalMs: ended - started, lateMs: sentAt === null ? null : ended - sentAt });
    });
  });
}

async function signals() {
  const n = SIZES.signalStatements;
  log(`Signals during a check of ${n.toLocaleString('en-US')} statements…`);
  const root = statementsRepo(n);
  // The shortest of two uninterrupted runs (the machine's load varies): signals are sent at fractions of it.
  const full = await measure('node', [BIN, 'check', '--base', 'base', '--format', 'json'], { cwd: root, runs: 2 });
  full.ms = full.minMs;
  const results = [];
  for (const signal of ['SIGTERM', 'SIGINT']) {
    for (const fraction of [0.15, 0.3, 0.45, 0.6, 0.75]) {
      const r = await signalRun(root, signal, Math.round(full.ms * fraction));
      const leftovers = tmpFiles(root);
      results.push({ ...r, leftovers });
      log(`  ${signal} at ${fmtS(r.delayMs)}: ${r.sig ? `killed by ${r.sig}` : `exit ${r.code}`} ${r.lateMs === null ? '(ended before the signal)' : `${Math.round(r.lateMs)} ms later`}${leftovers.length ? `, temporary files left: ${leftovers.join(', ')}` : ''}`);
    }
  }
  if (!flag('keep')) rmSync(root, { recursive: true, force: true });
  return { n, fullMs: full.ms, results };
}

function tmpFiles(root) {
  const out = [];
  const visit = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.name === '.git') continue;
      const path = join(dir, e.name);
      if (e.isDirectory()) visit(path);
      else if (e.name.endsWith('.tmp')) out.push(path.slice(root.length + 1));
    }
  };
  visit(root);
  return out;
}

const load = loadavg()[0];
try {
  if (wanted('statements')) await series('statements', 'One migration of short statements', SIZES.statements, statementsRepo, 'statements');
  if (wanted('migrations')) await series('migrations', 'Migration files, one new table each', SIZES.migrations, migrationsRepo, 'migrations');
  if (wanted('code')) {
    await series('code-file', 'One code file read for a dropped column', SIZES.codeFile, codeFileRepo, 'lines');
    await series('code-files', 'Code in files of 5,000 lines, read for a dropped column', SIZES.code, codeFilesRepo, 'lines');
  }
  const signal = wanted('signals') ? await signals() : undefined;

  const lines = [];
  lines.push(`Node ${process.version}, ${cpus().length} logical cores; load average ${load.toFixed(2)} at the start, ${loadavg()[0].toFixed(2)} at the end (wall times stretch with it; CPU times much less).`, '');
  lines.push(`| Input | Size | Wall | CPU | Peak RSS | Output |`, `| --- | ---: | ---: | ---: | ---: | --- |`);
  for (const r of rows) lines.push(`| ${r.title} | ${r.size.toLocaleString('en-US')} ${r.unit} | ${fmtS(r.wallMs)} | ${r.cpuMs === null ? 'n/a' : fmtS(r.cpuMs)} | ${r.rssMb === null ? 'n/a' : `${Math.round(r.rssMb)} MB`} | ${r.findings} |`);
  lines.push('', `| Growth (CPU) | From → to | Ratio | Per doubling | ≤ ${LIMIT}× |`, `| --- | --- | ---: | ---: | --- |`);
  for (const g of growth) lines.push(`| ${g.title} | ${g.from.toLocaleString('en-US')} → ${g.to.toLocaleString('en-US')} ${g.unit} | ${g.ratio.toFixed(2)}× | ${g.perDoubling.toFixed(2)}× | ${g.pass ? 'pass' : 'FAIL'} |`);
  if (signal) {
    lines.push('', `Signals during a check of ${signal.n.toLocaleString('en-US')} statements (${fmtS(signal.fullMs)} uninterrupted):`, '', `| Signal | Sent at | Ended | After the signal | Temporary files left |`, `| --- | ---: | --- | ---: | --- |`);
    for (const r of signal.results) lines.push(`| ${r.signal} | ${fmtS(r.delayMs)} | ${r.sig ? `killed by ${r.sig}` : `exit ${r.code}`} | ${r.lateMs === null ? 'before the signal' : `${Math.round(r.lateMs)} ms`} | ${r.leftovers.length ? r.leftovers.join(', ') : 'none'} |`);
  }
  const failed = growth.filter((g) => !g.pass);
  const late = signal?.results.filter((r) => r.lateMs !== null && r.lateMs > 1000) ?? [];
  lines.push('');
  lines.push(growth.length ? `${failed.length === 0 ? 'PASS' : 'FAIL'}: every doubling of the input costs at most ${LIMIT}× the CPU time${failed.length ? ` (not: ${failed.map((g) => `${g.title} ${g.from} → ${g.to}`).join('; ')})` : ''}` : 'No growth measured.');
  if (signal) lines.push(`${late.length === 0 ? 'PASS' : 'FAIL'}: every signal ended the run within 1 s${late.length ? ` (not: ${late.map((r) => `${r.signal} at ${fmtS(r.delayMs)}: ${Math.round(r.lateMs)} ms`).join('; ')})` : ''}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exitCode = failed.length || late.length ? 1 : 0;
} finally {
  if (!flag('keep')) rmSync(temp, { recursive: true, force: true });
  cleanupScratch();
}
