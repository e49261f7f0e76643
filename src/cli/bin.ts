import module from 'node:module';

// Node 22.1+: V8 keeps the compiled code of the modules loaded from here on in a cache on disk (the TypeScript
// compiler alone is ~9 MB of JavaScript to compile on every run otherwise). Older Node versions lack the call.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

// Ctrl-C (and SIGTERM from CI): end at the next await instead of wherever the signal lands. Cache files are
// written to a temp file and renamed in one synchronous step, so none is ever left half-written or behind.
// Long synchronous work (parse, replay, rules) pauses every 50 ms (src/yielding.ts) so that this runs soon.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

const { run } = await import('./main.js');

const code = await run(process.argv.slice(2), {
  cwd: process.cwd(),
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
process.exitCode = code;
