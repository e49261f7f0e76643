/**
 * `@mrleebo/prisma-ast` searches for a `prisma-ast` configuration (package.json key, `.prisma-astrc*`,
 * `prisma-ast.config.js` …) from the current directory when it loads, and would execute a JS one: a file of
 * the project under analysis. rollsafe never executes project files, so while the library loads its config
 * search finds nothing. This module must be imported before the library (ESM evaluates imports in order).
 */
import { createRequire } from 'node:module';

interface Lilconfig {
  lilconfigSync: (...args: unknown[]) => unknown;
}

const require = createRequire(import.meta.url);
const lilconfig = require(require.resolve('lilconfig', { paths: [require.resolve('@mrleebo/prisma-ast')] })) as Lilconfig;
const original = lilconfig.lilconfigSync;

lilconfig.lilconfigSync = () => ({
  search: () => null,
  load: () => null,
  clearLoadCache: () => undefined,
  clearSearchCache: () => undefined,
  clearCaches: () => undefined,
});

/** Called once the library has loaded. */
export function restoreConfigSearch(): void {
  lilconfig.lilconfigSync = original;
}
