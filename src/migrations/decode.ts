/**
 * Bytes of a migration file to text, with the checks every file gets whatever its tool: binary content and
 * invalid UTF-8 (Postgres tools read UTF-8; a Latin-1 file usually means mojibake in string literals).
 */
import type { Diagnostic } from '../diagnostic.js';
import { migrationDiagnostic } from './diagnostics.js';

export type DecodedFile = { ok: true; text: string; diagnostics: Diagnostic[] } | { ok: false; diagnostic: Diagnostic };

/** How far to look for a NUL byte: text files have none, binary files nearly always have one early. */
const BINARY_SNIFF_BYTES = 8192;

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenient = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

export function decodeMigrationFile(path: string, bytes: Uint8Array): DecodedFile {
  const sniff = bytes.subarray(0, BINARY_SNIFF_BYTES);
  if (sniff.includes(0)) {
    return {
      ok: false,
      diagnostic: migrationDiagnostic('file-binary', 'error', 'The file looks binary (it contains NUL bytes); it was skipped.', path),
    };
  }
  try {
    return { ok: true, text: strict.decode(bytes), diagnostics: [] };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    const before = lenient.decode(bytes.subarray(0, bad));
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return {
      ok: true,
      text: lenient.decode(bytes),
      diagnostics: [
        migrationDiagnostic(
          'file-encoding',
          'warning',
          `The file is not valid UTF-8 (byte 0x${bytes[bad]!.toString(16).padStart(2, '0')}); invalid bytes were read as U+FFFD.`,
          path,
          { line, column },
          'Save the file as UTF-8: Postgres migration tools send it as UTF-8.',
        ),
      ],
    };
  }
}

/** Byte offset of the first byte that does not belong to a well-formed UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let code = b & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      code = (code << 6) | (c & 0x3f);
    }
    if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return i;
    i += need + 1;
  }
  return bytes.length;
}
