/**
 * Replay migrations in order: the schema before and after each migration and each of its Changes.
 * What Postgres would reject becomes a `schema-conflict` diagnostic at the change, and replay goes on.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { Migration } from '../migrations/migration.js';
import type { Change } from '../sql/types.js';
import { apply } from './apply.js';
import { resolveNames } from './resolve.js';
import { emptySchema, type Schema } from './model.js';
import { runSync, type Steps } from '../yielding.js';

/** One change of a migration with the schema just before and just after it. */
export interface SchemaStep {
  change: Change;
  before: Schema;
  after: Schema;
}

export interface ReplayedMigration {
  migration: Migration;
  before: Schema;
  after: Schema;
  steps: SchemaStep[];
}

export interface ReplayResult {
  migrations: ReplayedMigration[];
  final: Schema;
  diagnostics: Diagnostic[];
}

/** Transaction state inside one migration: ROLLBACK restores the schema of BEGIN, ROLLBACK TO that of the savepoint. */
class Transactions {
  private begun: Schema | undefined;
  private savepoints: { name: string; schema: Schema }[] = [];

  /** The schema after a transaction-control change, given the schema before it. */
  step(change: Change & { kind: 'transaction' }, current: Schema, savepoint: string | undefined): Schema {
    switch (change.action) {
      case 'begin':
        // A BEGIN inside a transaction is only a warning in Postgres.
        this.begun ??= current;
        return current;
      case 'commit':
      case 'prepare':
        this.begun = undefined;
        this.savepoints = [];
        return current;
      case 'rollback': {
        const back = this.begun ?? current;
        this.begun = undefined;
        this.savepoints = [];
        return back;
      }
      case 'savepoint':
        if (this.begun) this.savepoints.push({ name: savepoint ?? '', schema: current });
        return current;
      case 'release': {
        const at = this.find(savepoint);
        if (at >= 0) this.savepoints = this.savepoints.slice(0, at);
        return current;
      }
      case 'rollback-to': {
        const at = this.find(savepoint);
        if (at < 0) return current;
        const back = this.savepoints[at]!.schema;
        this.savepoints = this.savepoints.slice(0, at + 1);
        return back;
      }
      default:
        return current;
    }
  }

  private find(name: string | undefined): number {
    for (let i = this.savepoints.length - 1; i >= 0; i--) if (name === undefined || this.savepoints[i]!.name === name) return i;
    return -1;
  }
}

/** The savepoint a SAVEPOINT / RELEASE / ROLLBACK TO names (from its text: the Change does not carry it). */
function savepointName(change: Change): string | undefined {
  const m = /(?:savepoint|release|to)\s+(?:savepoint\s+)?("(?:[^"]|"")+"|[^\s;]+)\s*$/i.exec(change.statement.text);
  if (!m) return undefined;
  const raw = m[1]!;
  return raw.startsWith('"') ? raw.slice(1, -1).replace(/""/g, '"') : raw.toLowerCase();
}

export function replay(history: { migration: Migration; changes: Change[] }[], start: Schema = emptySchema): ReplayResult {
  return runSync(replaySteps(history, start));
}

/** `replay` as steps (src/yielding.ts): it yields after each change. */
export function* replaySteps(history: { migration: Migration; changes: Change[] }[], start: Schema = emptySchema): Steps<ReplayResult> {
  const diagnostics: Diagnostic[] = [];
  const migrations: ReplayedMigration[] = [];
  let schema = start;
  for (const { migration, changes } of history) {
    const before = schema;
    const steps: SchemaStep[] = [];
    const transactions = new Transactions();
    for (const change of changes) {
      // DDL in a function body runs when the function is called, not with the migration.
      if (change.statement.nestedIn === 'function-body') continue;
      const prior = schema;
      // Steps carry the change with its names resolved through the search_path, as Postgres resolved them.
      const resolved = resolveNames(schema, change);
      if (change.kind === 'transaction') {
        schema = transactions.step(change, schema, savepointName(change));
      } else {
        const result = apply(schema, resolved, migration.path);
        schema = result.schema;
        for (const problem of result.problems) diagnostics.push(conflict(change, problem));
      }
      steps.push({ change: resolved, before: prior, after: schema });
      yield;
    }
    migrations.push({ migration, before, after: schema, steps });
  }
  return { migrations, final: schema, diagnostics };
}

function conflict(change: Change, problem: string): Diagnostic {
  // DO blocks often guard DDL with IF NOT EXISTS checks rollsafe does not evaluate: say so, quietly.
  const guarded = change.statement.nestedIn === 'do-block';
  return {
    code: 'schema-conflict',
    severity: guarded ? 'info' : 'warning',
    message: `Postgres would reject this: ${problem}`,
    location: change.location,
    hint: guarded
      ? 'This statement is inside a DO block; if a condition guards it, ignore this.'
      : 'rollsafe replays every migration to know the schema; this change does not fit the schema the earlier migrations built.',
  };
}
