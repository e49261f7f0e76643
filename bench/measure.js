// Runs a command in a child process and measures its wall time (from spawn to exit, as a user waits for
// it), CPU time and peak RSS: GNU time's %U+%S and %M when /usr/bin/time is GNU time, else, for node
// commands, process.resourceUsage() reported by the child itself through bench/rss-probe.js.
import { Buffer } from 'node:buffer';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = dirname(fileURLToPath(import.meta.url));
const PROBE = join(here, 'rss-probe.js');

let gnuTime;
/** Path of GNU time, or null (BSD time on macOS has no -f/-o). */
export function gnuTimePath() {
  if (gnuTime !== undefined) return gnuTime;
  gnuTime = null;
  for (const candidate of ['/usr/bin/time', '/usr/local/bin/gtime', '/opt/homebrew/bin/gtime']) {
    if (!existsSync(candidate)) continue;
    const probe = spawnSync(candidate, ['-f', '%M %U %S', 'true'], { encoding: 'utf8' });
    if (probe.status === 0 && /^\d+ [\d.]+ [\d.]+\s*$/m.test(probe.stderr)) {
      gnuTime = candidate;
      break;
    }
  }
  return gnuTime;
}

const scratch = mkdtempSync(join(tmpdir(), 'rollsafe-bench-rss-'));
let serial = 0;

/**
 * One run. `command` is an executable, or 'node' for the current node binary (then the RSS probe can be used
 * when GNU time is missing). Resolves to { ms, rssKb (null when unknown), code, stdout, stderr }.
 */
export function runOnce(command, args, options = {}) {
  const isNode = command === 'node';
  const file = join(scratch, `rss-${process.pid}-${serial++}.txt`);
  const time = gnuTimePath();
  let exe = isNode ? process.execPath : command;
  let argv = [...args];
  const env = { ...process.env, ...options.env };
  if (time) {
    argv = ['-f', '%M %U %S', '-o', file, exe, ...argv];
    exe = time;
  } else if (isNode) {
    argv = ['--import', PROBE, ...argv];
    env.ROLLSAFE_BENCH_RSS_FILE = file;
  }
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(exe, argv, { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    const err = [];
    child.stdout.on('data', (c) => out.push(c));
    child.stderr.on('data', (c) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      let rssKb = null;
      let cpuMs = null;
      try {
        const report = /^(\d+) ([\d.]+) ([\d.]+)$/.exec(readFileSync(file, 'utf8').trim().split('\n').pop());
        if (report) {
          rssKb = Number(report[1]);
          cpuMs = (Number(report[2]) + Number(report[3])) * 1000;
        }
      } catch {
        // no report: RSS and CPU time unknown
      }
      rmSync(file, { force: true });
      resolve({ ms, rssKb, cpuMs, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/**
 * `runs` measured runs (after `warmup` unmeasured ones); `before(i)` runs before each (cold cache, a file
 * change…) and is not timed. A run whose exit code is not in `okCodes` fails the scenario.
 */
export async function measure(command, args, options = {}) {
  const { runs = 5, warmup = 0, before, okCodes = [0, 1], cwd, env } = options;
  const samples = [];
  let last;
  for (let i = 0; i < warmup + runs; i++) {
    if (before) await before(i);
    const r = await runOnce(command, args, { cwd, env });
    if (!okCodes.includes(r.code)) {
      throw new Error(`${command} ${args.join(' ')} exited with ${r.code}\n${r.stderr.slice(0, 2000)}`);
    }
    last = r;
    if (i >= warmup) samples.push(r);
  }
  return summarize(samples, last);
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarize(samples, last) {
  const ms = samples.map((s) => s.ms);
  const rss = samples.map((s) => s.rssKb).filter((v) => v !== null);
  const cpu = samples.map((s) => s.cpuMs).filter((v) => v !== null);
  return {
    runs: samples.length,
    ms: median(ms),
    minMs: Math.min(...ms),
    maxMs: Math.max(...ms),
    // Peak over the runs: the budget is about the worst case.
    rssMb: rss.length ? Math.max(...rss) / 1024 : null,
    // User + system CPU time of the process and its children (git): steadier than wall time on a shared machine.
    cpuMs: cpu.length ? median(cpu) : null,
    stdout: last?.stdout ?? '',
    stderr: last?.stderr ?? '',
  };
}

export function cleanupScratch() {
  rmSync(scratch, { recursive: true, force: true });
}
