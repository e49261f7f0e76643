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
}

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
            const finding = complete(reported, configured, prepared.migration.path);
            if (suppressedInMigration(finding, migrationSuppressions)) return;
            const kept = filterSuppressedReferences(finding, codeSuppressions);
            if (kept) findings.push(kept);
          },
        };
        configured.rule.check(ctx);
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
        report: (reported) => {
          const finding = complete(reported, configured, reported.migration);
          const kept = filterSuppressedReferences(finding, codeSuppressions);
          if (kept) findings.push(kept);
        },
      });
    }
  }

  for (const configured of options.rules) {
    configured.rule.checkSuppressions?.(suppressions, (reported) => findings.push(complete(reported, configured, reported.migration)));
  }
  return sortFindings(findings, sets);
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
  for (const comment of file.comments()) {
    const parsed = parseSuppressionComment(comment.text);
    if (!parsed) continue;
    const next = file.statements.find((s) => s.start >= comment.end);
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

function suppressedInMigration(finding: Finding, suppressions: MigrationSuppression[]): boolean {
  const line = finding.statement?.location.line ?? finding.location.line;
  // A comment above a builder step inside a call (`t.dropColumn('x')`) targets the finding's own line.
  const hit = suppressions.find(
    (s) => s.rules.includes(finding.rule) && (s.scope === 'file' || (s.targetLine !== undefined && (s.targetLine === line || s.targetLine === finding.location.line))),
  );
  if (hit) hit.used = true;
  return hit !== undefined;
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
