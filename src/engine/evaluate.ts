/**
 * The pure part of `check`: prepared migrations (parsed, normalized, replayed) + live code references →
 * findings, after suppressions. No I/O here, so every rule can be tested without files or git.
 */
import type { CodeSuppression } from '../code/facts.js';
import type { Migration, TransactionMode } from '../migrations/migration.js';
import { objectKey, type Schema } from '../schema/model.js';
import type { SqlFile } from '../sql/statements.js';
import type { ScriptSuppressionComment } from '../sql/script-migrations/suppressions.js';
import type { QualifiedName } from '../sql/types.js';
import { parseSuppressionComment } from '../suppression-comment.js';
import { compareStrings } from '../compare.js';
import { resolves } from './live.js';
import { runSync, type Steps } from '../yielding.js';
import type { SchemaStep } from '../schema/replay.js';
import type {
  DeployModel,
  Finding,
  LiveReference,
  LiveSource,
  ReportedFinding,
  Rule,
  RuleContext,
  SetSummary,
  Severity,
  SuppressionInfo,
} from './types.js';

export interface PreparedMigration {
  migration: Migration;
  /** The parsed SQL, for SQL migrations (comments give suppressions). */
  file?: SqlFile;
  /** The `// rollsafe-ignore` comments of a TS/JS migration. */
  scriptComments?: ScriptSuppressionComment[];
  steps: SchemaStep[];
  before: Schema;
  after: Schema;
  isNew: boolean;
}

export interface PreparedSet {
  dir: string;
  migrations: PreparedMigration[];
}

export interface ConfiguredRule {
  rule: Rule;
  severity: Severity;
  options: Readonly<Record<string, unknown>>;
}

export interface EvaluateOptions {
  rules: readonly ConfiguredRule[];
  pgVersion: number;
  deployModel: DeployModel;
  /** Every live source, the worktree first. */
  live: readonly LiveSource[];
  /** Suppression comments in code, by source name then path. */
  codeSuppressions?: ReadonlyMap<string, ReadonlyMap<string, readonly CodeSuppression[]>>;
  /** Overrides every migration's transaction mode (config `transaction`). */
  transaction?: TransactionMode;
  /** Files the change set touches since the base ref; absent or null when unknown (every file counts). */
  changedFiles?: ReadonlySet<string> | null;
  /** What is known of table sizes beyond the schema: config hints and when each migration was committed. */
  tableHints?: TableHints;
}

/** Lock findings on tables that are small are not outages: what config and history say about sizes. */
export interface TableHints {
  /** `table` or `schema.table` names the configuration declares large (never softened) or small (info). */
  large: ReadonlySet<string>;
  small: ReadonlySet<string>;
  /** Unix time (seconds) of the commit that added a migration file; undefined when git does not know. */
  addedAt(migrationPath: string): number | undefined;
  /**
   * Unix time of the commit being checked: "recent" is measured from it, so a replay of history judges alike.
   * A function: reading the history's dates costs a `git log`, paid only when a finding asks.
   */
  now(): number | undefined;
}

/** A table created less than this many days before the checked commit is likely still small. */
export const RECENT_TABLE_DAYS = 30;

interface MigrationSuppression extends SuppressionInfo {
  /** Line of the statement it applies to (`next` scope). */
  targetLine?: number;
}

/**
 * Whether a relation was created by the new migrations of a set: absent before them and present after one of
 * their steps. A relation the replayed history never knew (a table made outside the migrations, history
 * rollsafe could not read) that a new migration drops or renames is not new: the running release may use it.
 */
function createdByNew(beforeNew: Schema, newOnes: readonly PreparedMigration[]): (name: QualifiedName) => boolean {
  const memo = new Map<string, boolean>();
  return (name) => {
    const key = objectKey(name);
    let answer = memo.get(key);
    if (answer === undefined) {
      answer = !beforeNew.tables.has(key) && !beforeNew.views.has(key) && newOnes.some((m) => m.steps.some((s) => s.after.tables.has(key) || s.after.views.has(key)));
      memo.set(key, answer);
    }
    return answer;
  };
}

export function evaluate(sets: readonly PreparedSet[], options: EvaluateOptions): Finding[] {
  return runSync(evaluateSteps(sets, options));
}

/** `evaluate` as steps (src/yielding.ts): it yields after each rule on each new migration. */
export function* evaluateSteps(sets: readonly PreparedSet[], options: EvaluateOptions): Steps<Finding[]> {
  const findings: Finding[] = [];
  const suppressions: SuppressionInfo[] = [];
  const codeSuppressions = collectCodeSuppressions(options);
  suppressions.push(...codeSuppressions.map((c) => c.info));

  const summaries: SetSummary[] = [];
  for (const set of sets) {
    const last = set.migrations[set.migrations.length - 1];
    if (!last) continue;
    const newOnes = set.migrations.filter((m) => m.isNew);
    const beforeNew = newOnes[0]?.before ?? last.after;
    const final = last.after;
    summaries.push({
      dir: set.dir,
      beforeNew,
      final,
      newMigrations: newOnes.map((m) => m.migration),
      addedByNew: (table, column) => {
        if (resolves(beforeNew, table, column)) return undefined;
        return newOnes.find((m) => resolves(m.after, table, column))?.migration.path;
      },
    });
    const isNew = createdByNew(beforeNew, newOnes);

    for (const prepared of newOnes) {
      const migrationSuppressions = parseMigrationSuppressions(prepared);
      suppressions.push(...migrationSuppressions);
      const suppressionIndex = indexSuppressions(migrationSuppressions);
      const live = liveFor(prepared.migration, options);
      for (const configured of options.rules) {
        if (!configured.rule.check) continue;
        const ctx: RuleContext = {
          migration: prepared.migration,
          steps: prepared.steps,
          before: prepared.before,
          after: prepared.after,
          pgVersion: options.pgVersion,
          transaction: options.transaction ?? prepared.migration.transaction,
          deployModel: options.deployModel,
          live,
          isNew,
          options: configured.options,
          severity: configured.severity,
          report: (reported) => {
            const finding = sizeAware(complete(reported, configured, prepared.migration.path), configured, prepared, options.tableHints);
            if (suppressedInMigration(finding, suppressionIndex)) return;
            const kept = filterSuppressedReferences(finding, codeSuppressions);
            if (kept) findings.push(kept);
          },
        };
        configured.rule.check(ctx);
        yield;
      }
    }
  }

  if (summaries.some((s) => s.newMigrations.length > 0)) {
    for (const configured of options.rules) {
      if (!configured.rule.checkRun) continue;
      configured.rule.checkRun({
        sets: summaries,
        severity: configured.severity,
        deployModel: options.deployModel,
        live: options.live,
        options: configured.options,
        changedFiles: options.changedFiles ?? null,
        report: (reported) => {
          const finding = complete(reported, configured, reported.migration);
          const kept = filterSuppressedReferences(finding, codeSuppressions);
          if (kept) findings.push(kept);
        },
      });
    }
  }

  foldSecondaryRisks(findings);

  for (const configured of options.rules) {
    configured.rule.checkSuppressions?.(suppressions, (reported) => findings.push(complete(reported, configured, reported.migration)));
  }
  return sortFindings(findings, sets);
}

/**
 * A lock finding's severity from what is known of the table's size: declared small in the configuration →
 * info; created by a migration committed less than RECENT_TABLE_DAYS before the checked commit → at most a
 * warning that says so; declared large → as the rule says. (A table created by this change is silent already.)
 */
function sizeAware(finding: Finding, configured: ConfiguredRule, prepared: PreparedMigration, hints: TableHints | undefined): Finding {
  if (!hints || configured.rule.family !== 'lock' || !finding.target || finding.severity === 'info') return finding;
  const { schema, table } = finding.target;
  const names = [`${schema}.${table}`, ...(schema === 'public' ? [table] : [])];
  if (names.some((n) => hints.large.has(n))) return finding;
  if (names.some((n) => hints.small.has(n))) {
    return { ...finding, severity: 'info', message: `${finding.message} (${table} is listed in smallTables: the lock is brief.)` };
  }
  if (finding.severity !== 'error') return finding;
  const created = prepared.before.tables.get(objectKey({ schema, name: table }))?.createdBy;
  if (!created || created === prepared.migration.path) return finding;
  const now = hints.now();
  if (now === undefined) return finding;
  const at = hints.addedAt(created);
  if (at === undefined) return finding;
  const days = Math.floor((now - at) / 86400);
  if (days < 0 || days >= RECENT_TABLE_DAYS) return finding;
  const age = days === 0 ? 'today' : days === 1 ? 'a day ago' : `${days} days ago`;
  return {
    ...finding,
    severity: 'warning',
    message: `${finding.message} The table was created ${age} (${created}), so it is likely still small; list it in largeTables if it is not.`,
  };
}

/**
 * Findings whose risk is only a circumstance of another finding's statement: no lock_timeout, no
 * statement_timeout, a slow statement under a lock (next to the statement's lock finding); a DROP TABLE's
 * data loss next to the finding that live code still uses the table. They become notes of that finding (and
 * a step of its fix), so one statement prints one block per risk.
 */
const FOLDED_INTO: Record<string, (primary: Finding) => boolean> = {
  'require-lock-timeout': (p) => p.lock !== undefined,
  'require-statement-timeout': (p) => p.lock !== undefined,
  'slow-statement-under-lock': (p) => p.lock !== undefined,
  'ban-drop-table': (p) => p.rule === 'dropped-table-in-use',
};

const TIMEOUT_STEPS: Record<string, { title: string; sql: string }> = {
  'require-lock-timeout': { title: 'Fail fast instead of queueing traffic behind the lock (retry when it times out):', sql: "SET lock_timeout = '5s';" },
  'require-statement-timeout': { title: 'Bound how long the statement may hold its lock:', sql: "SET statement_timeout = '5min';" },
};

/** Circumstances of a statement's lock; never the primary finding of another. */
const LOCK_CIRCUMSTANCES = new Set(['require-lock-timeout', 'require-statement-timeout', 'slow-statement-under-lock']);

function foldSecondaryRisks(findings: Finding[]): void {
  const statementKey = (f: Finding): string | undefined =>
    f.migration === null ? undefined : `${f.migration}\0${(f.statement?.location ?? f.location).line}:${(f.statement?.location ?? f.location).column}`;
  const folded = new Set<Finding>();
  // Lock circumstances first, so a DROP TABLE that takes their notes hands them on when it is folded in turn.
  for (const pass of [(rule: string) => LOCK_CIRCUMSTANCES.has(rule), (rule: string) => !LOCK_CIRCUMSTANCES.has(rule)]) {
    const byStatement = new Map<string, Finding[]>();
    for (const f of findings) {
      const key = statementKey(f);
      if (key === undefined || LOCK_CIRCUMSTANCES.has(f.rule)) continue;
      const list = byStatement.get(key) ?? [];
      list.push(f);
      byStatement.set(key, list);
    }
    for (let i = findings.length - 1; i >= 0; i--) {
      const f = findings[i]!;
      const accepts = FOLDED_INTO[f.rule];
      const key = statementKey(f);
      if (!accepts || !pass(f.rule) || key === undefined) continue;
      const primary = (byStatement.get(key) ?? []).filter((p) => p !== f && accepts(p)).sort((a, b) => RANK[b.severity] - RANK[a.severity])[0];
      if (!primary) continue;
      findings.splice(i, 1);
      primary.notes = [...(primary.notes ?? []), { rule: f.rule, message: f.message }, ...(f.notes ?? [])];
      folded.add(primary);
      const step = TIMEOUT_STEPS[f.rule];
      if (step && primary.fix && !primary.fix.steps.some((s) => s.sql?.includes(step.sql.split(' =')[0]!))) {
        primary.fix = { ...primary.fix, steps: [{ title: step.title, sql: step.sql }, ...primary.fix.steps] };
      }
    }
  }
  for (const primary of folded) primary.notes?.sort((a, b) => compareStrings(a.rule, b.rule));
}

/** Before-deploy: the running release(s) and the new code must survive; after-deploy and post-deploy migrations: only the new code. */
function liveFor(migration: Migration, options: EvaluateOptions): LiveSource[] {
  if (options.deployModel === 'after-deploy' || migration.phase === 'post-deploy') return options.live.filter((s) => s.name === 'worktree');
  return [...options.live];
}

function complete(reported: ReportedFinding, configured: ConfiguredRule, migration: string | null): Finding {
  const { severity, references, ...rest } = reported;
  // A configured severity lower than the rule's own caps what the rule computed.
  const computed = severity ?? configured.severity;
  return {
    rule: configured.rule.id,
    severity: capSeverity(computed, configured.severity, configured.rule.severity),
    migration,
    references: references ?? [],
    ...rest,
  };
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

function capSeverity(computed: Severity, configured: Severity, ruleDefault: Severity): Severity {
  if (configured === ruleDefault) return computed;
  // Config changed the rule's severity: demotions computed by the rule (tests → warning) still apply below it.
  return RANK[computed] < RANK[ruleDefault] ? (RANK[computed] < RANK[configured] ? computed : configured) : configured;
}

function parseMigrationSuppressions(prepared: PreparedMigration): MigrationSuppression[] {
  const file = prepared.file;
  // TS/JS migrations (issue 6): `//` comments, each for the next line of code (a call or a builder step).
  if (!file && prepared.migration.language !== 'sql') {
    return (prepared.scriptComments ?? []).flatMap((c) => {
      const parsed = parseSuppressionComment(c.comment);
      if (!parsed) return [];
      return [{ ...parsed, location: c.location, migration: prepared.migration.path, used: false, ...(parsed.scope === 'next' && c.targetLine !== undefined ? { targetLine: c.targetLine } : {}) }];
    });
  }
  if (!file || !file.text.includes('rollsafe-ignore')) return [];
  const out: MigrationSuppression[] = [];
  const statements = file.statements;
  for (const comment of file.comments()) {
    const parsed = parseSuppressionComment(comment.text);
    if (!parsed) continue;
    // The first statement starting at or after the comment's end (statements are in file order).
    let lo = 0;
    let hi = statements.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (statements[mid]!.start >= comment.end) hi = mid;
      else lo = mid + 1;
    }
    const next = statements[lo];
    out.push({
      ...parsed,
      location: file.locate(comment.start, comment.end),
      migration: prepared.migration.path,
      used: false,
      ...(parsed.scope === 'next' && next ? { targetLine: next.location.line } : {}),
    });
  }
  return out;
}

/** A migration's suppression comments, indexed by the line they target (a file of thousands of them stays linear). */
interface SuppressionIndex {
  all: MigrationSuppression[];
  /** Positions in `all` of the file-wide ones. */
  fileWide: number[];
  /** Positions in `all` by target line. */
  byLine: Map<number, number[]>;
}

function indexSuppressions(all: MigrationSuppression[]): SuppressionIndex {
  const index: SuppressionIndex = { all, fileWide: [], byLine: new Map() };
  all.forEach((s, i) => {
    if (s.scope === 'file') index.fileWide.push(i);
    else if (s.targetLine !== undefined) {
      const list = index.byLine.get(s.targetLine);
      if (list) list.push(i);
      else index.byLine.set(s.targetLine, [i]);
    }
  });
  return index;
}

function suppressedInMigration(finding: Finding, index: SuppressionIndex): boolean {
  const line = finding.statement?.location.line ?? finding.location.line;
  // A comment above a builder step inside a call (`t.dropColumn('x')`) targets the finding's own line.
  // The first comment (in file order) that names the rule and is file-wide or targets either line.
  let first = -1;
  const consider = (positions: readonly number[] | undefined): void => {
    for (const i of positions ?? []) if ((first < 0 || i < first) && index.all[i]!.rules.includes(finding.rule)) first = i;
  };
  consider(index.fileWide);
  consider(index.byLine.get(line));
  if (finding.location.line !== line) consider(index.byLine.get(finding.location.line));
  if (first < 0) return false;
  index.all[first]!.used = true;
  return true;
}

interface TrackedCodeSuppression {
  source: string;
  path: string;
  suppression: CodeSuppression;
  info: SuppressionInfo;
}

function collectCodeSuppressions(options: EvaluateOptions): TrackedCodeSuppression[] {
  const out: TrackedCodeSuppression[] = [];
  for (const [source, byPath] of options.codeSuppressions ?? []) {
    // Only the worktree's comments are the user's to fix; those of the base release are history.
    for (const [path, list] of byPath) {
      for (const suppression of list) {
        out.push({
          source,
          path,
          suppression,
          info: {
            scope: suppression.scope,
            rules: suppression.rules,
            reason: suppression.reason,
            location: { path, line: suppression.line, column: 1, endLine: suppression.line, endColumn: 1 },
            migration: null,
            // Comments in other releases are not reported as unused: they are not in the code being changed.
            used: source !== 'worktree',
          },
        });
      }
    }
  }
  return out;
}

function filterSuppressedReferences(finding: Finding, tracked: readonly TrackedCodeSuppression[]): Finding | undefined {
  if (finding.references.length === 0 || tracked.length === 0) return finding;
  const kept: LiveReference[] = [];
  for (const ref of finding.references) {
    const hit = tracked.find(
      (t) =>
        t.source === ref.source &&
        t.path === ref.location.path &&
        t.suppression.rules.includes(finding.rule) &&
        (t.suppression.scope === 'file' || t.suppression.line === ref.location.line || t.suppression.line === ref.location.line - 1),
    );
    if (hit) hit.info.used = true;
    else kept.push(ref);
  }
  if (kept.length === 0) return undefined;
  return kept.length === finding.references.length ? finding : { ...finding, references: kept };
}

function sortFindings(findings: Finding[], sets: readonly PreparedSet[]): Finding[] {
  const order = new Map<string, number>();
  let i = 0;
  for (const set of sets) for (const m of set.migrations) order.set(m.migration.path, i++);
  return findings.sort(
    (a, b) =>
      (a.migration === null ? Infinity : (order.get(a.migration) ?? 0)) - (b.migration === null ? Infinity : (order.get(b.migration) ?? 0)) ||
      compareStrings(a.location.path, b.location.path) ||
      a.location.line - b.location.line ||
      a.location.column - b.location.column ||
      compareStrings(a.rule, b.rule) ||
      compareStrings(a.message, b.message),
  );
}
