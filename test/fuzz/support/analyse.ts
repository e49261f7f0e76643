/**
 * The whole SQL analysis in memory, as `check` runs it on one migration set: parse → normalize → replay →
 * evaluate with every rule. Returns what a user would see (findings and diagnostics), or throws if rollsafe does.
 */
import { rules } from '../../../rules/index.js';
import type { Diagnostic } from '../../../src/diagnostic.js';
import { evaluate, type PreparedSet } from '../../../src/engine/evaluate.js';
import type { Finding } from '../../../src/engine/types.js';
import type { Migration, TransactionMode } from '../../../src/migrations/migration.js';
import { readMigration } from '../../../src/schema/history.js';
import type { Schema } from '../../../src/schema/model.js';
import { replay } from '../../../src/schema/replay.js';

export const SET_DIR = 'db/migrations';

export interface Analysis {
  findings: Finding[];
  diagnostics: Diagnostic[];
  /** The schema after the last migration. */
  schema: Schema;
}

export interface AnalyseInput {
  /** Migrations already deployed, in order. */
  history?: readonly string[];
  /** The new migrations, in order. */
  sql: readonly string[];
  transaction?: TransactionMode;
  pgVersion?: number;
}

export function migrationAt(order: number, text: string, transaction: TransactionMode = 'none'): Migration {
  const version = String(order + 1).padStart(4, '0');
  return {
    path: `${SET_DIR}/${version}_m.sql`,
    layout: 'sql',
    set: SET_DIR,
    order,
    version,
    name: 'm',
    language: 'sql',
    text,
    sql: text,
    transaction,
    transactionReason: 'fuzz',
    phase: 'pre-deploy',
  };
}

const configured = rules.map((rule) => ({ rule, severity: rule.severity, options: {} }));

/** The parser must be loaded (`await loadParser()`). */
export function analyse(input: AnalyseInput): Analysis {
  const history = input.history ?? [];
  const all = [...history, ...input.sql];
  const read = all.map((text, i) => readMigration(migrationAt(i, text, i >= history.length ? (input.transaction ?? 'none') : 'none')));
  const replayed = replay(read.map((r) => ({ migration: r.migration, changes: r.changes })));
  const set: PreparedSet = {
    dir: SET_DIR,
    migrations: replayed.migrations.map((r, i) => ({
      migration: r.migration,
      ...(read[i]!.file ? { file: read[i]!.file } : {}),
      steps: r.steps,
      before: r.before,
      after: r.after,
      isNew: i >= history.length,
    })),
  };
  const findings = evaluate([set], { rules: configured, pgVersion: input.pgVersion ?? 18, deployModel: 'before-deploy', live: [] });
  return { findings, diagnostics: [...read.flatMap((r) => r.diagnostics), ...replayed.diagnostics], schema: replayed.final };
}
