/**
 * One application file against the project index: its references (extracted from the editor's text,
 * linked with the rest of the project) weighed by the engine's own code-aware rules. The ESLint rules
 * `no-dropped-column`, `no-dropped-table` and `no-unknown-column` read the result.
 */
import type { SourceLocation } from '../location.js';
import type { CodeSuppression, FileFacts } from '../code/facts.js';
import type { Reference } from '../code/reference.js';
import { ReferenceIndex } from '../code/reference-index.js';
import { DEFAULT_PG_VERSION, configureRules } from '../engine/check.js';
import { evaluate, type PreparedSet } from '../engine/evaluate.js';
import { describeTarget, resolves } from '../engine/live.js';
import type { DeployModel, Finding, LiveReference, SetSummary } from '../engine/types.js';
import { objectKey } from '../schema/model.js';
import { rules as engineRules } from '../../rules/index.js';
import { ProjectError, type MigrationState, type ProjectIndex } from './project.js';

export type CodeRuleName = 'no-dropped-column' | 'no-dropped-table' | 'no-unknown-column';

/** The engine rules behind each ESLint rule on code. */
export const ENGINE_RULES: Record<CodeRuleName, readonly string[]> = {
  'no-dropped-column': ['dropped-column-in-use', 'renamed-column-in-use'],
  'no-dropped-table': ['dropped-table-in-use', 'renamed-table-in-use'],
  'no-unknown-column': ['unknown-column-reference'],
};

export interface CodeProblem {
  rule: CodeRuleName;
  message: string;
  /** The reference in the linted file. */
  location: SourceLocation;
  /** A rename: the code can use the new name instead. */
  rename?: { from: string; to: string };
}

export interface CodeAnalysis {
  problems: CodeProblem[];
  /** The index could not be built: the first rule reports it once. */
  error?: ProjectError;
}

const NOTHING: CodeAnalysis = { problems: [] };

export function analyzeCode(project: ProjectIndex, file: string, text: string): CodeAnalysis {
  const path = project.relative(file);
  if (path === null) return NOTHING;
  const state = project.currentOrError();
  if (state instanceof ProjectError) return { problems: [], error: state };
  if (state.sets.length === 0 || !project.isCode(path)) return NOTHING;
  const facts = project.extract(path, text);
  if (!facts) return NOTHING;
  const references = project.link(facts);
  if (references.length === 0) return NOTHING;
  const suppressions = facts.suppressions ?? [];
  return {
    problems: [...pendingChanges(state, facts, references, suppressions), ...unknownNames(state, references, suppressions)].sort(
      (a, b) => a.location.line - b.location.line || a.location.column - b.location.column || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
    ),
  };
}

/** References to what a pending migration drops or renames: the engine's in-use rules on this file alone. */
function pendingChanges(state: MigrationState, facts: FileFacts, references: Reference[], suppressions: CodeSuppression[]): CodeProblem[] {
  if (!state.hasNew) return [];
  const { config } = state.gathered;
  const wanted = new Set([...ENGINE_RULES['no-dropped-column'], ...ENGINE_RULES['no-dropped-table']]);
  const rules = configureRules(
    engineRules.filter((r) => wanted.has(r.id)),
    config,
  );
  if (rules.length === 0) return [];
  const findings = evaluate(state.sets, {
    rules,
    pgVersion: config.pgVersion ?? DEFAULT_PG_VERSION,
    deployModel: (config.deployModel ?? 'before-deploy') as DeployModel,
    live: [{ name: 'worktree', ref: null, label: 'worktree', references: new ReferenceIndex(references) }],
    codeSuppressions: new Map([['worktree', new Map([[facts.path, suppressions]])]]),
    ...(config.transaction ? { transaction: config.transaction } : {}),
  });
  const problems: CodeProblem[] = [];
  for (const finding of findings) {
    const rule: CodeRuleName = ENGINE_RULES['no-dropped-column'].includes(finding.rule) ? 'no-dropped-column' : 'no-dropped-table';
    const change = describeChange(state.sets, finding);
    const refs = finding.references.filter((r) => r.location.path === facts.path);
    for (const ref of rule === 'no-dropped-table' ? onePerUse(refs) : refs) {
      problems.push({
        rule,
        message: `${change.what} ${change.verb} by pending migration ${finding.location.path}:${finding.location.line}; this code fails once it runs.${implicitNote(ref)}`,
        location: ref.location,
        ...(change.rename && namesInDatabaseTerms(ref) ? { rename: change.rename } : {}),
      });
    }
  }
  return problems;
}

/**
 * A table is named once by a query but by every column around it: show the query's table reference, one
 * reference per line where there is none, and only the first field of a model.
 */
function onePerUse(refs: readonly LiveReference[]): LiveReference[] {
  const tableLines = new Set(refs.filter((r) => r.column === undefined).map((r) => r.location.line));
  const lines = new Set<number>();
  let model = false;
  return refs.filter((r) => {
    if (r.column === undefined) return true;
    if (r.kind === 'model' || r.kind === 'declare') {
      if (model) return false;
      model = true;
      return true;
    }
    if (tableLines.has(r.location.line) || lines.has(r.location.line)) return false;
    lines.add(r.location.line);
    return true;
  });
}

/** Query strings name tables and columns as the database does; ORM code names fields, which a rename does not change. */
function namesInDatabaseTerms(ref: LiveReference): boolean {
  return ['raw-sql', 'knex', 'kysely'].includes(ref.extractor) && ref.kind !== 'model' && ref.kind !== 'declare' && !ref.implicit && ref.via === undefined;
}

function implicitNote(ref: LiveReference): string {
  if (ref.kind === 'model') return ` The ${ref.extractor} model selects it on every read.`;
  if (ref.implicit) return ' The code uses it without naming it (SELECT *, RETURNING *, or a positional INSERT).';
  return '';
}

/** What the finding's change does, in words, and the new name of a rename. */
function describeChange(sets: readonly PreparedSet[], finding: Finding): { what: string; verb: string; rename?: { from: string; to: string } } {
  const target = finding.target;
  const what = target ? `${target.column === undefined ? 'Table' : 'Column'} ${describeTarget({ schema: target.schema, name: target.table }, target.column)}` : 'This';
  const migration = sets.flatMap((s) => s.migrations).find((m) => m.migration.path === finding.migration);
  for (const { change } of migration?.steps ?? []) {
    if (change.location.line !== finding.location.line || change.location.column !== finding.location.column) continue;
    if (change.kind === 'rename-column' && target?.column === change.column) {
      return { what, verb: `is renamed to ${change.newName}`, rename: { from: change.column, to: change.newName } };
    }
    if (change.kind === 'rename-table' && target?.column === undefined) {
      return { what, verb: `is renamed to ${change.newName}`, rename: { from: change.table.name, to: change.newName } };
    }
    if (change.kind === 'set-table-schema' && target?.column === undefined) {
      return { what, verb: `is moved to schema ${change.newSchema}` };
    }
  }
  return { what, verb: 'is dropped' };
}

/**
 * Columns and tables the migrated schema does not have. Columns: the engine's `unknown-column-reference`.
 * Tables: only those the migration history knows (created once, dropped or renamed since); a table no
 * migration ever created may live in another database.
 */
function unknownNames(state: MigrationState, references: Reference[], suppressions: CodeSuppression[]): CodeProblem[] {
  const { config } = state.gathered;
  const rule = engineRules.find((r) => r.id === 'unknown-column-reference');
  const configured = rule ? configureRules([rule], config)[0] : undefined;
  if (!rule || !configured) return [];
  const summaries = state.sets.map(summarize).filter((s): s is SetSummary => s !== undefined);
  const problems: CodeProblem[] = [];
  const suppressed = (ref: Reference): boolean => isSuppressed(ref, suppressions, rule.id);
  rule.checkRun?.({
    sets: summaries,
    severity: configured.severity,
    deployModel: (config.deployModel ?? 'before-deploy') as DeployModel,
    live: [{ name: 'worktree', ref: null, label: 'worktree', references: new ReferenceIndex(references) }],
    options: configured.options,
    // The file open in the editor is the one being changed.
    changedFiles: null,
    report: (finding) => {
      if (finding.migration !== null || !finding.target?.column) return; // "only a new migration adds it": not unknown
      const target = describeTarget({ schema: finding.target.schema, name: finding.target.table }, finding.target.column);
      for (const ref of finding.references ?? []) {
        if (suppressed(ref)) continue;
        problems.push({ rule: 'no-unknown-column', message: `Column ${target} does not exist in the schema the migrations build.`, location: ref.location });
      }
    },
  });
  problems.push(...unknownTables(state, summaries, references, suppressed));
  return problems;
}

function unknownTables(state: MigrationState, summaries: readonly SetSummary[], references: Reference[], suppressed: (ref: Reference) => boolean): CodeProblem[] {
  const byTable = new Map<string, Reference[]>();
  for (const ref of references) {
    if (ref.confidence === 'weak' || ref.kind === 'declare' || suppressed(ref)) continue;
    const name = { schema: ref.schema ?? 'public', name: ref.table };
    if (!state.knownTables.has(objectKey(name))) continue;
    if (summaries.some((s) => resolves(s.final, name) || resolves(s.beforeNew, name))) continue;
    const key = objectKey(name);
    let list = byTable.get(key);
    if (!list) byTable.set(key, (list = []));
    list.push(ref);
  }
  const problems: CodeProblem[] = [];
  for (const refs of byTable.values()) {
    // A query names the table once; a model's fields all name it: show the table-level uses, else the first.
    const tableLevel = refs.filter((r) => r.column === undefined);
    const first = refs[0]!;
    const target = describeTarget({ schema: first.schema ?? 'public', name: first.table });
    for (const ref of tableLevel.length > 0 ? tableLevel : [first]) {
      problems.push({ rule: 'no-unknown-column', message: `Table ${target} does not exist in the schema the migrations build (an earlier migration dropped or renamed it).`, location: ref.location });
    }
  }
  return problems;
}

/** The set as rules that look at the whole run see it (as `evaluate` builds it). */
function summarize(set: PreparedSet): SetSummary | undefined {
  const last = set.migrations[set.migrations.length - 1];
  if (!last) return undefined;
  const newOnes = set.migrations.filter((m) => m.isNew);
  const beforeNew = newOnes[0]?.before ?? last.after;
  return {
    dir: set.dir,
    beforeNew,
    final: last.after,
    newMigrations: newOnes.map((m) => m.migration),
    addedByNew: (table, column) => {
      if (resolves(beforeNew, table, column)) return undefined;
      return newOnes.find((m) => resolves(m.after, table, column))?.migration.path;
    },
  };
}

/** `// rollsafe-ignore <rule>` on the reference's line or the line before, or `rollsafe-ignore-file`. */
function isSuppressed(ref: Reference, suppressions: readonly CodeSuppression[], rule: string): boolean {
  return suppressions.some(
    (s) => s.rules.includes(rule) && (s.scope === 'file' || s.line === ref.location.line || s.line === ref.location.line - 1),
  );
}
