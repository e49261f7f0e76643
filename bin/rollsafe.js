#!/usr/bin/env node
// Runs the built CLI (npm ci builds it through the `prepare` script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('rollsafe: the build is missing; run `npm run build` (npm ci runs it for you).\n');
  process.exit(2);
}
await import(entry.href);
