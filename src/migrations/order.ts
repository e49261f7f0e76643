/** Orderings and sequence checks that several layouts share. */
import type { Diagnostic, DiagnosticSeverity } from '../diagnostic.js';
import { migrationDiagnostic } from './diagnostics.js';
import type { MigrationEntry } from './layout.js';

/** Compares two strings of decimal digits by value, without overflow (`0010` equals `10`). */
export function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Natural order: runs of digits compare by value (`2_x.sql` before `10_x.sql`); ties fall back to code units. */
export function naturalCompare(a: string, b: string): number {
  const pa = a.match(/\d+|\D+/g) ?? [];
  const pb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    const digits = /^\d/.test(x) && /^\d/.test(y);
    const c = digits ? compareDigits(x, y) : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c;
  }
  if (pa.length !== pb.length) return pa.length - pb.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Plain code-unit order, as Go's and Rust's string sorts do for file names. */
export function codeUnitCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * One diagnostic per file whose version (by `keyOf`) an earlier file of the set already uses.
 * `consequence` says what the tool does about it, in one sentence.
 */
export function duplicateVersions(
  entries: readonly MigrationEntry[],
  severity: DiagnosticSeverity,
  consequence: string,
  keyOf: (entry: MigrationEntry) => string = (e) => e.version,
): Diagnostic[] {
  const seen = new Map<string, MigrationEntry>();
  const diagnostics: Diagnostic[] = [];
  for (const entry of entries) {
    if (entry.repeatable) continue;
    const key = keyOf(entry);
    const first = seen.get(key);
    if (first) {
      diagnostics.push(
        migrationDiagnostic(
          'migration-duplicate-version',
          severity,
          `Version ${entry.version} is also used by ${baseName(first.path)}. ${consequence}`,
          entry.path,
          {},
          'Give each migration its own version.',
        ),
      );
    } else seen.set(key, entry);
  }
  return diagnostics;
}

/**
 * For sets numbered 1, 2, 3… (not timestamps): a diagnostic at the first file after each hole in the sequence,
 * which usually means a migration was lost in a merge or renumbering.
 */
export function sequenceGaps(entries: readonly MigrationEntry[], consequence: string): Diagnostic[] {
  const numbered = entries.filter((e) => /^\d+$/.test(e.version));
  if (numbered.length < 2 || numbered.length !== entries.length) return [];
  // Timestamps (20240101120000) and dates are not meant to be contiguous.
  if (numbered.some((e) => e.version.replace(/^0+/, '').length > 5)) return [];
  const diagnostics: Diagnostic[] = [];
  for (let i = 1; i < numbered.length; i++) {
    const prev = Number(numbered[i - 1]!.version);
    const cur = Number(numbered[i]!.version);
    if (cur > prev + 1) {
      const missing = cur - prev === 2 ? `${prev + 1} is missing` : `${prev + 1}–${cur - 1} are missing`;
      diagnostics.push(
        migrationDiagnostic(
          'migration-gap',
          'warning',
          `The numbering jumps from ${numbered[i - 1]!.version} to ${numbered[i]!.version}: ${missing}. ${consequence}`,
          numbered[i]!.path,
        ),
      );
    }
  }
  return diagnostics;
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
