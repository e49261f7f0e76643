/**
 * Lint SQL migrations in memory: parse, normalize, replay and evaluate the rules, without files or git.
 * The history is one deployed migration; `sql` is the new migration (or several, in order).
 */
import { rules as allRules } from '../../rules/index.js';
import { evaluate, type PreparedSet } from '../../src/engine/evaluate.js';
import type { Finding, Rule } from '../../src/engine/types.js';
import type { LayoutName, Migration, TransactionMode } from '../../src/migrations/migration.js';
import { readMigration } from '../../src/schema/history.js';
import { replay } from '../../src/schema/replay.js';
import { loadParser } from '../../src/sql/parser.js';

export interface LintSqlOptions {
  /** SQL already deployed (one migration), giving the schema. */
  history?: string;
  /** The new migration, or several new migrations in order. */
  sql: string | string[];
  pgVersion?: number;
  /** Whether the tool wraps each new migration in a transaction (default `none`). */
  transaction?: TransactionMode;
  transactionScope?: Migration['transactionScope'];
  nonTransactionalStatementsRunAlone?: boolean;
  layout?: LayoutName;
  /** Rule ids to run (default: every rule). */
  rules?: string[];
}

export const DIR = 'db/migrations';

export function migrationPath(index: number): string {
  return `${DIR}/${String(index + 2).padStart(4, '0')}_change.sql`;
}

function migration(path: string, order: number, text: string, options: LintSqlOptions, isNew: boolean): Migration {
  const transaction = isNew ? (options.transaction ?? 'none') : 'none';
  return {
    path,
    layout: options.layout ?? 'sql',
    set: DIR,
    order,
    version: path.replace(/^.*\/(\d+)_.*$/, '$1'),
    name: 'change',
    language: 'sql',
    text,
    sql: text,
    transaction,
    transactionReason: transaction === 'wrapped' ? 'the test says the tool wraps this migration in a transaction' : 'the test says the tool runs statements on their own',
    phase: 'pre-deploy',
    ...(isNew && options.transactionScope ? { transactionScope: options.transactionScope } : {}),
    ...(isNew && options.nonTransactionalStatementsRunAlone ? { nonTransactionalStatementsRunAlone: true } : {}),
  };
}

export async function lintSql(options: LintSqlOptions): Promise<Finding[]> {
  await loadParser();
  const sqls = Array.isArray(options.sql) ? options.sql : [options.sql];
  const migrations: { migration: Migration; isNew: boolean }[] = [
    { migration: migration(`${DIR}/0001_history.sql`, 0, options.history ?? '-- nothing yet\n', options, false), isNew: false },
    ...sqls.map((text, i) => ({ migration: migration(migrationPath(i), i + 1, text, options, true), isNew: true })),
  ];
  const parsed = migrations.map(({ migration: m, isNew }) => ({ ...readMigration(m), isNew }));
  const replayed = replay(parsed.map((p) => ({ migration: p.migration, changes: p.changes })));
  const set: PreparedSet = {
    dir: DIR,
    migrations: replayed.migrations.map((r, i) => ({
      migration: r.migration,
      ...(parsed[i]!.file ? { file: parsed[i]!.file } : {}),
      steps: r.steps,
      before: r.before,
      after: r.after,
      isNew: parsed[i]!.isNew,
    })),
  };
  const selected: Rule[] = options.rules ? options.rules.map((id) => ruleById(id)) : allRules;
  return evaluate([set], {
    rules: selected.map((rule) => ({ rule, severity: rule.severity, options: {} })),
    pgVersion: options.pgVersion ?? 18,
    deployModel: 'before-deploy',
    live: [],
  });
}

function ruleById(id: string): Rule {
  const rule = allRules.find((r) => r.id === id);
  if (!rule) throw new Error(`no rule ${id}`);
  return rule;
}

/** Findings of one rule (only that rule runs unless `rules` says otherwise). */
export async function lintRule(rule: string, options: LintSqlOptions): Promise<Finding[]> {
  const findings = await lintSql({ ...options, rules: options.rules ?? [rule] });
  return findings.filter((f) => f.rule === rule);
}
