import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../../src/diagnostic.js';
import type { MigrationSet } from '../../src/migrations/index.js';

/** Absolute path of a project under fixtures/layouts. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../../fixtures/layouts/${name}`, import.meta.url));
}

/** File names (last path segment, or last two for one-script-per-folder layouts) in set order. */
export function files(set: MigrationSet, segments = 1): string[] {
  return set.migrations.map((m) => m.path.split('/').slice(-segments).join('/'));
}

export function only<T>(items: readonly T[]): T {
  if (items.length !== 1) throw new Error(`expected exactly one item, got ${items.length}`);
  return items[0]!;
}

/** `code path:line:column` for compact assertions on diagnostics. */
export function brief(d: Diagnostic): string {
  return `${d.code} ${d.location.path}:${d.location.line}:${d.location.column}`;
}
