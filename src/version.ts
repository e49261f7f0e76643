import { readFileSync } from 'node:fs';

/** rollsafe's version, from its package.json (found from src/ and from dist/src/, which sit at different depths). */
function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rollsafe' && pkg.version) return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

export const ROLLSAFE_VERSION = readVersion();
