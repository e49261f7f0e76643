import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A throw-away repository under the OS temp folder: `files` maps paths to contents, `links` paths to link targets. */
export function tempProject(files: Record<string, string | Uint8Array>, links: Record<string, string> = {}): { root: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'rollsafe-migrations-'));
  for (const [path, content] of Object.entries(files)) {
    const at = join(root, ...path.split('/'));
    mkdirSync(dirname(at), { recursive: true });
    writeFileSync(at, content);
  }
  for (const [path, target] of Object.entries(links)) {
    const at = join(root, ...path.split('/'));
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(target, at);
  }
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}
