/**
 * What rules read (RuleContext) and what they produce (Finding).
 */
import type { SourceLocation } from '../location.js';
import type { Migration, TransactionMode } from '../migrations/migration.js';
import type { Change, LockMode, QualifiedName, StatementInfo } from '../sql/types.js';
import type { Schema } from '../schema/model.js';
import type { Reference } from '../code/reference.js';
import type { ReferenceIndex } from '../code/reference-index.js';

export type Severity = 'error' | 'warning' | 'info';

export type RuleFamily = 'code-aware' | 'lock' | 'type-choice' | 'meta';

/** The code of one release that will run against the new schema. */
export interface LiveSource {
  /** `worktree` (the new code) or `base` (the release still running), or the name of an extra live ref from config. */
  name: string;
  /** Git ref it was read from; null for the working tree. */
  ref: string | null;
  /** For people: `worktree`, `base origin/main`. */
  label: string;
  references: ReferenceIndex;
}

export interface LiveReference extends Reference {
  /** `worktree` or `base` (or an extra live source's name). */
  source: string;
  ref: string | null;
}

export interface FixStep {
  title: string;
  sql?: string;
  /** A code change to make (ORM model edit), as text. */
  code?: string;
}

/** The safe expand/contract sequence to use instead. */
export interface Fix {
  summary: string;
  steps: FixStep[];
}

export interface LockInfo {
  mode: LockMode;
  /** `"public"."users"` as people write it: `users` when in public. */
  table: string;
  /** What the lock blocks, in words: `reads and writes`, `writes`. */
  blocks: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  /** One sentence: what is wrong, in the user's words. */
  message: string;
  /** Path of the migration; null for findings about code alone (a reference to a column no migration creates). */
  migration: string | null;
  /** Where the finding points: the migration statement, or the code reference for code-only findings. */
  location: SourceLocation;
  statement?: StatementInfo;
  target?: { schema: string; table: string; column?: string };
  /** The live code that makes the change unsafe (code-aware rules). */
  references: LiveReference[];
  lock?: LockInfo;
  fix?: Fix;
  /** Short help line (what to change). */
  help?: string;
  /**
   * Secondary risks of the same statement, folded into this finding (one statement prints one block):
   * each the rule that saw it and what it said.
   */
  notes?: { rule: string; message: string }[];
}

/** One change of the migration with the schema just before and just after it. */
export interface ChangeStep {
  change: Change;
  before: Schema;
  after: Schema;
}

export type DeployModel = 'before-deploy' | 'after-deploy';

export interface RuleContext {
  migration: Migration;
  /** Every change of the migration, in order, with the schema around each. */
  steps: ChangeStep[];
  /** Schema before the migration / after it. */
  before: Schema;
  after: Schema;
  /** Postgres major version the migration targets. */
  pgVersion: number;
  /** Whether the migration's tool runs it inside a transaction (explicit BEGIN/COMMIT are Changes). */
  transaction: TransactionMode;
  deployModel: DeployModel;
  /** Code sources that must survive this migration (depends on the deploy model and the migration's phase). */
  live: LiveSource[];
  /** True when a new migration of this change set created the table (or view): no lock hazard, no live user in older releases. A relation the history never knew is not new. */
  isNew(name: QualifiedName): boolean;
  /** Rule options from config. */
  options: Readonly<Record<string, unknown>>;
  /** The rule's severity after configuration; findings default to it. */
  severity: Severity;
  report(finding: ReportedFinding): void;
}

export type ReportedFinding = Omit<Finding, 'rule' | 'severity' | 'migration' | 'references'> & {
  severity?: Severity;
  references?: LiveReference[];
};

export interface RuleExample {
  /** Migrations already deployed before this one (SQL), to give the example its schema. */
  history?: string;
  /** The new migration's SQL. */
  sql: string;
  /** Application code live at the base ref, for code-aware rules: path → text. */
  code?: Record<string, string>;
  /** Postgres major version for the example (default: current). */
  pgVersion?: number;
  /** Whether the migration tool wraps the migration in a transaction (default: not wrapped). */
  transaction?: 'wrapped' | 'none';
  /** Shown above the example in the docs. */
  title?: string;
}

export interface RuleDocs {
  /** Markdown: what goes wrong (the lock, the failure). */
  problem: string;
  /** Markdown: the safe alternative, with SQL. */
  solution: string;
  /** `invalid` examples must each produce at least one finding of this rule; `valid` ones none. Checked by a test. */
  examples: { invalid: RuleExample[]; valid: RuleExample[] };
  /** Postgres versions the rule's behaviour depends on, in words. */
  versions?: string;
  /** Options the rule accepts, in words. */
  options?: Record<string, string>;
  /** Why the default preset shows the rule below its full severity (with `defaultSeverity`), in one sentence. */
  defaultWhy?: string;
  /** squawk rule names this rule covers (for docs/coming-from-squawk.md). */
  squawk?: string[];
}

/** One migration set as a whole, for rules that look at the run rather than one migration. */
export interface SetSummary {
  dir: string;
  /** Schema before the first new migration (what the running release was built against). */
  beforeNew: Schema;
  /** Schema after every migration, new ones included. */
  final: Schema;
  newMigrations: readonly Migration[];
  /** The new migration that creates the table/view (or adds the column), if one does. */
  addedByNew(table: QualifiedName, column?: string): string | undefined;
}

export interface RunContext {
  sets: readonly SetSummary[];
  severity: Severity;
  deployModel: DeployModel;
  /** Every live source (worktree first). */
  live: readonly LiveSource[];
  options: Readonly<Record<string, unknown>>;
  /**
   * Files this change set touches (added, modified, renamed or untracked since the base ref), repository paths;
   * null when unknown (no base ref): then every file counts as touched.
   */
  changedFiles: ReadonlySet<string> | null;
  report(finding: ReportedFinding & { migration: string | null }): void;
}

/** A suppression comment as the engine tracks it. */
export interface SuppressionInfo {
  scope: 'next' | 'file';
  rules: string[];
  reason: string | null;
  /** Where the comment is. */
  location: SourceLocation;
  /** Migration path for migration suppressions; null for code suppressions. */
  migration: string | null;
  /** Whether it silenced at least one finding or reference. */
  used: boolean;
}

export interface RuleDefinition {
  id: string;
  family: RuleFamily;
  /** Severity in the `strict` preset, and the ceiling of what the rule reports. */
  severity: Severity;
  /**
   * Severity in the default preset when it is lower than `severity` (`off`: the rule runs only in the `strict`
   * preset or when configured). Chosen from what the rule printed on ordinary PRs of public projects
   * (bench/noise.md): hygiene that fires on most PRs and is rarely acted on is not shown by default.
   */
  defaultSeverity?: Severity | 'off';
  /** One line, used in the rule table and `--help`. */
  summary: string;
  docs: RuleDocs;
  /** Called once per new migration. */
  check?(ctx: RuleContext): void;
  /** Called once per run with new migrations, for findings about the code as a whole. */
  checkRun?(ctx: RunContext): void;
  /** Meta rules: called once per run with every suppression comment after all other rules ran. */
  checkSuppressions?(suppressions: readonly SuppressionInfo[], report: (finding: ReportedFinding & { migration: string | null }) => void): void;
}

export interface Rule extends RuleDefinition {
  /** Link to the rule's docs page. */
  url: string;
}
