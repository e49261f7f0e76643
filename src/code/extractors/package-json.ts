/**
 * `package.json` files: the packages a package depends on. Link reads them to decide whether a query chain on a
 * receiver the file cannot trace (`ctx.db.selectFrom('users')`) is the library's: it is when the file's own
 * package, or the workspace root, depends on that library. A manifest that does not parse says nothing.
 */
import type { Extractor } from '../extractor.js';

const isManifest = (path: string): boolean => path === 'package.json' || path.endsWith('/package.json');

const KINDS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

export const packageJsonExtractor: Extractor = {
  name: 'package-json',
  extraExtensions: ['package.json'],
  wants: (_text, path) => isManifest(path),
  extract(input, facts) {
    // Forced extraction (a file naming a known table) offers every file to every extractor.
    if (!isManifest(input.path)) return;
    let manifest: unknown;
    try {
      manifest = JSON.parse(input.text);
    } catch {
      return;
    }
    if (typeof manifest !== 'object' || manifest === null) return;
    const names = new Set<string>();
    for (const kind of KINDS) {
      const deps = (manifest as Record<string, unknown>)[kind];
      if (typeof deps === 'object' && deps !== null && !Array.isArray(deps)) for (const name of Object.keys(deps)) names.add(name);
    }
    facts.dependencies = [...names].sort();
  },
};

/** A file that exports constants looking like database names (`export const TABLE = 'users'`, `module.exports = { … }`). */
const EXPORTS_NAMES =
  /\bexport\s+const\s+[\w$]+\s*(?::[^=\n]+)?=\s*(?:['"`][A-Za-z_][\w.]*['"`]|\[\s*['"`][A-Za-z_]|\{\s*[\w$'"]+\s*:\s*['"`][A-Za-z_][\w.]*['"`])|\bmodule\.exports\s*=\s*\{|\bexports\.[\w$]+\s*=\s*['"`]/;

/**
 * Files of constants (`tables.ts`: `export const USERS = 'users'`) that no ORM extractor asks for: parsed so that
 * extract-file records their exported constants (FileFacts.constants) for link to resolve other files' imports.
 */
export const constantsExtractor: Extractor = {
  name: 'constants',
  wants: (text) => EXPORTS_NAMES.test(text),
  extract() {
    // extract-file collects the exported constants of every file it parses.
  },
};
