/**
 * The JSON format: a contract other tools rely on (docs/json-format.md). Key order and array order are
 * fixed, so the same input gives byte-identical output.
 */
import type { CheckResult } from '../engine/result.js';

export const JSON_FORMAT_VERSION = 1;

export function toJson(result: CheckResult): object {
  return {
    version: JSON_FORMAT_VERSION,
    base: result.base.ref,
    findings: result.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      migration: f.migration === null ? null : { path: f.migration, line: (f.statement?.location ?? f.location).line, column: (f.statement?.location ?? f.location).column },
      location: { path: f.location.path, line: f.location.line, column: f.location.column, endLine: f.location.endLine, endColumn: f.location.endColumn },
      target: f.target ? { schema: f.target.schema, table: f.target.table, column: f.target.column ?? null } : null,
      references: f.references.map((r) => ({
        path: r.location.path,
        line: r.location.line,
        column: r.location.column,
        source: r.source === 'worktree' ? 'worktree' : 'base',
        ref: r.ref,
        kind: r.kind,
        confidence: r.confidence,
        implicit: r.implicit,
        context: r.context,
        extractor: r.extractor,
        snippet: r.snippet,
      })),
      lock: f.lock ?? null,
      fix: f.fix ?? null,
      help: f.help ?? null,
      notes: f.notes ?? [],
      docs: result.rules.find((r) => r.id === f.rule)?.url ?? null,
    })),
    diagnostics: result.diagnostics.map((d) => ({
      path: d.location.path,
      line: d.location.line,
      column: d.location.column,
      severity: d.severity,
      code: d.code,
      message: d.message,
    })),
    summary: {
      newMigrations: result.newMigrations,
      migrations: result.migrationCount,
      codeFiles: result.codeFileCount,
      baseChosenBy: result.base.chosenBy,
      baselined: result.baselined ?? 0,
      migrationCalls: result.scriptCalls ?? null,
    },
  };
}

export function formatJson(result: CheckResult): string {
  return JSON.stringify(toJson(result), null, 2) + '\n';
}
