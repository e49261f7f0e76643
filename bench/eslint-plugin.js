// `node bench/eslint-plugin.js`: what the ESLint plugin costs per file once its project index is warm.
// Generates a project (bench/generate.js: code through seven clients, plain SQL migrations, a `base` branch),
// lints it with ESLint's Linter and the recommended config, and prints the time of the rollsafe rules per
// file (ESLint's own `stats`, so parsing the file is not counted), the first lint (index build) and a lint
// right after a migration changed. Options: --files N (default 1500), --migrations N (default 200), --keep.
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { generateProject } from './generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..');
const entry = join(repo, 'dist', 'src', 'eslint', 'index.js');
if (!existsSync(entry)) {
  console.error('rollsafe is not built: run `npm run build` first.');
  process.exit(2);
}

const argv = process.argv.slice(2);
const value = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const FILES = value('files', 1500);
const MIGRATIONS = value('migrations', 200);

const { Linter } = await import('eslint');
const { default: tseslint } = await import('typescript-eslint');
const { default: plugin } = await import(pathToFileURL(entry).href);

const root = mkdtempSync(join(tmpdir(), 'rollsafe-bench-eslint-'));
process.stderr.write(`generating ${FILES} files and ${MIGRATIONS} migrations in ${root}\n`);
const project = generateProject(root, { files: FILES, bytes: FILES * 2500, tables: Math.max(20, Math.round(MIGRATIONS / 2)), migrations: MIGRATIONS, newMigrations: 1, changedFiles: 10 });

const linter = new Linter({ cwd: root });
const config = [
  { files: ['**/*.{ts,tsx}'], languageOptions: { parser: tseslint.parser } },
  ...plugin.configs.recommended,
  { settings: { rollsafe: { base: 'base' } } },
];

/** Lints one file (its text edited when `edit` is given); returns the ms of the rollsafe rules and of the whole verify. */
function lint(path, edit) {
  const text = readFileSync(join(root, path), 'utf8') + (edit === undefined ? '' : `\n// edit ${edit}\n`);
  const started = performance.now();
  // ESLint collects `stats` in verifyAndFix (per fix pass); nothing is fixed here.
  const { messages } = linter.verifyAndFix(text, config, { filename: join(root, path), stats: true, fix: false });
  const total = performance.now() - started;
  let rules = 0;
  for (const pass of linter.getTimes().passes) {
    for (const [id, time] of Object.entries(pass.rules ?? {})) if (id.startsWith('rollsafe/')) rules += time.total;
  }
  return { rules, total, messages };
}

const codePaths = project.codePaths.filter((p) => /\.(ts|tsx|js)$/.test(p));
const first = lint(codePaths[0]);
process.stdout.write(`first lint (index build: config, ${project.migrations} migrations parsed and replayed, ${project.codeFiles} code files scanned): ${first.total.toFixed(0)} ms\n`);

// Warm-up: every file once (ESLint's and the extractors' code paths get compiled by V8).
for (const path of codePaths) lint(path);

const db = new Set(project.dbPaths);
/** One pass over every code file: rule times of all files and of those that use the database. */
function pass(edit) {
  const all = [];
  const dbOnly = [];
  let problems = 0;
  for (const path of codePaths) {
    const { rules, messages } = lint(path, edit);
    all.push(rules);
    if (db.has(path)) dbOnly.push(rules);
    problems += messages.filter((m) => m.ruleId?.startsWith('rollsafe/')).length;
  }
  return { all, dbOnly, problems };
}
const same = pass();
const edited = pass('x');

const stats = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  const mean = sorted.reduce((s, t) => s + t, 0) / Math.max(1, sorted.length);
  return `mean ${mean.toFixed(2)} ms, median ${at(0.5).toFixed(2)}, p95 ${at(0.95).toFixed(2)}, max ${at(1).toFixed(2)}`;
};
process.stdout.write(`rollsafe rules per file, warm, text as on disk (${same.all.length} files): ${stats(same.all)}\n`);
process.stdout.write(`  files that use the database (${same.dbOnly.length}): ${stats(same.dbOnly)}\n`);
process.stdout.write(`rollsafe rules per file, warm, text edited (extracted again): ${stats(edited.all)}\n`);
process.stdout.write(`  files that use the database: ${stats(edited.dbOnly)}\n`);
process.stdout.write(`rollsafe problems reported per pass: ${same.problems}\n`);

const newMigration = project.migrationPaths[project.migrationPaths.length - 1];
const sql = lint(newMigration);
process.stdout.write(`new migration ${newMigration} (first: base ref scanned for the code-aware rules): ${sql.total.toFixed(0)} ms, ${sql.messages.length} problems\n`);
const sqlWarm = lint(newMigration);
process.stdout.write(`the same migration again: ${sqlWarm.rules.toFixed(1)} ms in the rollsafe rules\n`);

writeFileSync(join(root, 'db', 'migrations', '99999_more.sql'), 'ALTER TABLE accounts ADD COLUMN bench_note text;\n');
const rebuilt = lint(codePaths[1]);
process.stdout.write(`first lint after a migration was added (migrations gathered again, unchanged files not parsed again): ${rebuilt.total.toFixed(0)} ms\n`);

if (!argv.includes('--keep')) rmSync(root, { recursive: true, force: true });
