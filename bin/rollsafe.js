#!/usr/bin/env node
// Runs the built CLI (`npm run build` builds it; `npm pack` and git installs build it for you).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/bin.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('rollsafe: the build is missing; run `npm run build`.\n');
  process.exit(2);
}
await import(entry.href);
