#!/usr/bin/env node
/**
 * `prepare`, for one case only: rollsafe installed from a git URL or a folder (`npm install
 * github:rollsafe/rollsafe`, `npm install -g git+file://…`, the pre-commit framework's `language: node`).
 * npm then packs the checkout itself and runs only `prepare` before packing (not `prepack`), so the build
 * has to happen here, or the installed package has no `dist/`.
 *
 * npm marks those runs: `npm_package_resolved` when it packs a folder, `_PACOTE_NO_PREPARE_` while it
 * installs a git checkout's dependencies. Anywhere else (`npm ci` in a development checkout, an install from
 * the registry, which never runs `prepare`) this does nothing: the build is `npm run build`, and `npm pack`
 * and `npm publish` build through `prepack`.
 *
 * A global git install (`npm install -g git+…`, what pre-commit runs) installs the checkout's dependencies
 * globally, not into the checkout, so TypeScript is not there: then this installs the locked build
 * dependencies into the checkout first (`npm ci --ignore-scripts`), then builds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const fromGitOrFolder = process.env.npm_package_resolved !== undefined || process.env._PACOTE_NO_PREPARE_ !== undefined;
if (!fromGitOrFolder || existsSync(join(root, 'dist', 'src', 'cli', 'bin.js'))) process.exit(0);

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env, shell: process.platform === 'win32' });
  if (result.status !== 0) {
    process.stderr.write(`rollsafe prepare: ${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`})\n`);
    process.exit(1);
  }
}

function resolvable(name) {
  try {
    createRequire(join(root, 'package.json')).resolve(`${name}/package.json`);
    return true;
  } catch {
    return false;
  }
}

if (!resolvable('typescript') || !resolvable('@types/node')) {
  // A local install into this checkout, whatever the outer npm was asked (global, a prefix).
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_(global|location|prefix|omit|production)$/i.test(key)));
  const lock = existsSync(join(root, 'package-lock.json'));
  run('npm', [lock ? 'ci' : 'install', '--prefix', root, '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save'], env);
}
rmSync(join(root, 'dist'), { recursive: true, force: true });
run(process.execPath, [createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')]);
