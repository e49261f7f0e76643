/**
 * One file → FileFacts: parse it once (syntax only, `ts.createSourceFile`), then run every extractor that
 * wants it. An extractor that throws costs its own facts for this file, never the run.
 */
import { ts } from 'ts-morph';
import type { Extractor } from './extractor.js';
import type { FileFacts } from './facts.js';
import { collectImports } from './imports.js';
import type { CodeContext } from './reference.js';
import { parseSuppressionComment } from '../suppression-comment.js';
import { isScriptPath } from './files.js';
import { exportedConstants } from './extractors/constants.js';

export { SCRIPT_EXTENSIONS, isScriptPath } from './files.js';

function scriptKind(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

export function emptyFacts(path: string, context: CodeContext): FileFacts {
  return { path, context, references: [], models: [], usages: [], imports: [], diagnostics: [] };
}

export function extractFile(path: string, text: string, context: CodeContext, extractors: readonly Extractor[]): FileFacts {
  const facts = emptyFacts(path, context);
  const script = isScriptPath(path);
  const wanted = extractors.filter((e) => {
    if (!script && !e.extraExtensions?.some((ext) => path.endsWith(ext))) return false;
    try {
      return e.wants(text, path);
    } catch {
      return false;
    }
  });
  if (wanted.length === 0) return facts;

  let sourceFile: ts.SourceFile | undefined;
  if (script) {
    try {
      sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, scriptKind(path));
    } catch (error) {
      // The parser recurses: expressions nested thousands deep (generated code) exhaust the stack.
      facts.diagnostics.push({
        code: 'ts-unparsable',
        severity: 'warning',
        message: `TypeScript cannot parse this file (${error instanceof Error ? error.message : String(error)}); its references are missing`,
        location: { path, line: 1, column: 1, endLine: 1, endColumn: 1 },
        hint: 'If the file is generated, exclude it with code.exclude in the rollsafe configuration.',
      });
      return facts;
    }
    const parseDiagnostics = (sourceFile as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
    const first = parseDiagnostics[0];
    if (first) {
      const pos = sourceFile.getLineAndCharacterOfPosition(first.start);
      facts.diagnostics.push({
        code: 'ts-syntax',
        severity: 'warning',
        message: `${ts.flattenDiagnosticMessageText(first.messageText, ' ')}${parseDiagnostics.length > 1 ? ` (and ${parseDiagnostics.length - 1} more syntax errors)` : ''}; references in this file may be incomplete`,
        location: { path, line: pos.line + 1, column: pos.character + 1, endLine: pos.line + 1, endColumn: pos.character + 1 },
      });
    }
    try {
      facts.imports = collectImports(sourceFile);
    } catch {
      facts.imports = []; // too deep to walk; each extractor reports its own failure below
    }
  }

  if (text.includes('rollsafe-ignore')) collectSuppressions(text, facts);

  for (const extractor of wanted) {
    try {
      extractor.extract({ path, text, context, sourceFile, imports: facts.imports }, facts);
    } catch (error) {
      facts.diagnostics.push({
        code: 'extractor-failed',
        severity: 'warning',
        message: `the ${extractor.name} extractor failed on this file (${error instanceof Error ? error.message : String(error)}); its references here are missing`,
        location: { path, line: 1, column: 1, endLine: 1, endColumn: 1 },
      });
    }
  }
  if (sourceFile) {
    try {
      const constants = exportedConstants(sourceFile, facts.imports);
      if (constants) facts.constants = constants;
    } catch {
      // too deep to walk: other files' imports of its constants stay unresolved
    }
  }
  return facts;
}

function collectSuppressions(text: string, facts: FileFacts): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const at = lines[i]!.search(/(\/\/|\/\*|#)\s*rollsafe-ignore/);
    if (at < 0) continue;
    const parsed = parseSuppressionComment(lines[i]!.slice(at).replace(/^#\s*/, '// '));
    if (parsed) (facts.suppressions ??= []).push({ line: i + 1, ...parsed });
  }
}
