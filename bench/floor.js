// The parse floor: read every script file of a project and `ts.createSourceFile` it, nothing else.
// Usage: node bench/floor.js <project root>. Prints { files, bytes, ms } as JSON.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ts } from 'ts-morph';

const root = process.argv[2];
const started = performance.now();
const SCRIPT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
const paths = execFileSync('git', ['ls-files', '-z'], { cwd: root, maxBuffer: 256 * 1024 * 1024 })
  .toString('utf8')
  .split('\0')
  .filter((p) => SCRIPT.test(p) && !/\.d\.[cm]?ts$/.test(p));
let bytes = 0;
for (const path of paths) {
  const text = readFileSync(join(root, path), 'utf8');
  bytes += text.length;
  const kind = path.endsWith('.tsx') ? ts.ScriptKind.TSX : /\.[cm]?jsx?$/.test(path) ? (path.endsWith('x') ? ts.ScriptKind.JSX : ts.ScriptKind.JS) : ts.ScriptKind.TS;
  ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, kind);
}
process.stdout.write(JSON.stringify({ files: paths.length, bytes, ms: Math.round(performance.now() - started) }) + '\n');
