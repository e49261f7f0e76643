/**
 * ESLint's `--cache` keeps a file's results while the file and the config stay the same; it cannot know
 * that a migration changed. A setting whose value is a digest of the migration folders puts them into the
 * config, so the cache is dropped when they change.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A digest of every file under the given folders (paths and contents), relative to `process.cwd()`. */
export function migrationsCacheKey(...dirs: string[]): string {
  const hash = createHash('sha1');
  const visit = (dir: string, shown: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      hash.update(`${shown}\0missing\0`);
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path, `${shown}/${entry.name}`);
      else if (entry.isFile()) hash.update(`${shown}/${entry.name}\0`).update(readFileSync(path)).update('\0');
    }
  };
  for (const dir of dirs) visit(resolve(dir), dir);
  return hash.digest('hex').slice(0, 16);
}
