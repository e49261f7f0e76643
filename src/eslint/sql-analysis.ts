/**
 * One `.sql` migration as ESLint sees it (the editor's text) through the engine: the same prepared sets,
 * rules and live code as `rollsafe check`, with this migration read from the given text. Only new
 * migrations (not at the base ref) have findings, as in the CLI.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { SourceLocation } from '../location.js';
import { DEFAULT_PG_VERSION, configureRules } from '../engine/check.js';
import { evaluate, type PreparedSet } from '../engine/evaluate.js';
import type { DeployModel, Finding, LiveSource } from '../engine/types.js';
import { rules as engineRules } from '../../rules/index.js';
import { ProjectError, type ProjectIndex } from './project.js';
import { WorkerCallError } from './sync-worker.js';

/** The ESLint rule that reports what keeps a migration from being read: syntax errors, changes Postgres would reject. */
export const VALID_MIGRATION = 'valid-migration';

export interface SqlProblem {
  /** An engine rule id, or `valid-migration`. */
  rule: string;
  message: string;
  location: SourceLocation;
}

export interface SqlAnalysis {
  problems: SqlProblem[];
  error?: ProjectError;
}

const NOTHING: SqlAnalysis = { problems: [] };

export function analyzeMigration(project: ProjectIndex, file: string, text: string): SqlAnalysis {
  const path = project.relative(file);
  if (path === null) return NOTHING;
  const state = project.currentOrError();
  if (state instanceof ProjectError) return { problems: [], error: state };
  const at = state.byPath.get(path);
  if (!at) return NOTHING;
  const prepared = state.sets[at.set]!.migrations[at.index]!;
  if (!prepared.isNew) return NOTHING;

  let error: ProjectError | undefined;
  let sets: readonly PreparedSet[] = state.sets;
  let diagnostics: readonly Diagnostic[] = state.diagnostics.get(path) ?? [];
  if (text !== prepared.migration.text) {
    try {
      const unsaved = project.readUnsaved(prepared.migration, text);
      if (unsaved) {
        const replayed = project.withMigration(unsaved.migration);
        sets = replayed.sets;
        diagnostics = [...unsaved.diagnostics, ...replayed.diagnostics];
      }
    } catch (cause) {
      // The saved version is still checked; the message says why the unsaved one is not.
      if (!(cause instanceof WorkerCallError)) throw cause;
      error = new ProjectError({ message: `the unsaved text of ${path} could not be read (${cause.message.split('\n')[0]}); the saved version was checked` });
    }
  }

  const { config } = state.gathered;
  const worktree = project.worktree();
  const live: LiveSource[] = [worktree.source];
  try {
    live.push(...project.liveSources());
  } catch (cause) {
    if (!(cause instanceof ProjectError)) throw cause;
    error = cause;
  }
  const findings = evaluate(sets, {
    rules: configureRules(engineRules, config),
    pgVersion: config.pgVersion ?? DEFAULT_PG_VERSION,
    deployModel: (config.deployModel ?? 'before-deploy') as DeployModel,
    live,
    codeSuppressions: new Map([['worktree', worktree.suppressions]]),
    ...(config.transaction ? { transaction: config.transaction } : {}),
  });

  const problems: SqlProblem[] = [];
  for (const finding of findings) {
    if (finding.location.path !== path) continue;
    problems.push({ rule: finding.rule, message: messageOf(finding), location: span(finding) });
  }
  for (const d of diagnostics) {
    if (d.severity === 'info' || d.location.path !== path) continue;
    problems.push({ rule: VALID_MIGRATION, message: `${d.message}${d.hint ? ` ${d.hint}` : ''}`, location: d.location });
  }
  return { problems, ...(error ? { error } : {}) };
}

/** The finding's sentence, what to do, and the code that makes it unsafe. */
function messageOf(finding: Finding): string {
  const parts = [finding.message];
  if (finding.help) parts.push(finding.help);
  const places = [...new Set(finding.references.map((r) => `${r.location.path}:${r.location.line}${r.source === 'worktree' ? '' : ` (${r.ref ?? r.source})`}`))];
  if (places.length > 0) parts.push(`Used at ${places.slice(0, 3).join(', ')}${places.length > 3 ? ` and ${places.length - 3} more` : ''}.`);
  return parts.join(' ');
}

/**
 * From the start of the statement to the end of the offending part: a problem then starts on the
 * statement's first line, where `-- eslint-disable-next-line` (like `-- rollsafe-ignore`) applies to it.
 */
function span(finding: Finding): SourceLocation {
  const at = finding.location;
  const statement = finding.statement?.location;
  if (!statement || statement.path !== at.path || statement.line > at.line || (statement.line === at.line && statement.column >= at.column)) return at;
  return { ...at, line: statement.line, column: statement.column };
}
