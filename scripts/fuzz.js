#!/usr/bin/env node
// `npm run fuzz`: every property and fuzz test of test/fuzz at full counts, with fresh seeds, then the total
// number of generated cases. ROLLSAFE_FUZZ_SCALE=2 doubles every count; ROLLSAFE_FUZZ_SEED (and
// ROLLSAFE_FUZZ_PATH) replay a failure that fast-check printed. Extra arguments go to vitest (a file filter).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REQUIRED = 100_000;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'rollsafe-fuzz-'));
const counts = join(dir, 'counts');
writeFileSync(counts, '');
const started = Date.now();
const args = process.argv.slice(2);
const vitest = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', 'vitest.fuzz.config.ts', ...args], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, ROLLSAFE_FUZZ: '1', ROLLSAFE_FUZZ_COUNTS: counts },
});
const total = readFileSync(counts, 'utf8')
  .split('\n')
  .filter(Boolean)
  .reduce((sum, line) => sum + Number(line), 0);
rmSync(dir, { recursive: true, force: true });
const minutes = ((Date.now() - started) / 60_000).toFixed(1);
const failed = vitest.status !== 0;
const short = args.length === 0 && total < REQUIRED;
process.stdout.write(`\nrollsafe fuzz: ${total.toLocaleString('en')} generated cases in ${minutes} min${failed ? ', with failures (see above)' : ', no failure'}${short ? ` — fewer than the ${REQUIRED.toLocaleString('en')} required` : ''}\n`);
process.exit(failed || short ? 1 : 0);
