/**
 * Where the tool readers put what they find. A builder call becomes the SQL that the tool's Postgres
 * dialect sends for it, which is then parsed and normalized exactly like a .sql file; raw SQL strings are
 * parsed from the file's own text. Either way each Change points into the .ts/.js file: a builder Change at
 * the call that made it, with the whole top-level call as its statement; a raw SQL Change at its SQL.
 */
import type { ts } from 'ts-morph';
import type { Diagnostic } from '../../diagnostic.js';
import type { SourceLocation } from '../../location.js';
import { normalizeStatement, SessionState, type NormalizeResult } from '../normalize.js';
import { parseSqlFile, type SqlFile } from '../statements.js';
import type { Change, StatementInfo } from '../types.js';
import type { ScriptSource } from './source.js';
import type { SqlText } from './sql-text.js';

/** Where a Change points: a node of the file, or an offset range (a step in the middle of a builder chain). */
export type At = ts.Node | { start: number; end: number };

/** What a tool reader emits for one call of the migration. */
export interface Emitter {
  /** SQL the tool builds for the call (one or more statements), located at `at` (the builder call that asked for it). */
  sql(sql: string, at: At): void;
  /** SQL written in the file (a string literal, a template, constants), with its own locations. */
  raw(text: SqlText, at: At, hasHoles: boolean): void;
  /** A call that changes nothing rollsafe models (a grant, a comment, a trigger): an `other` Change naming it. */
  other(description: string, at: At): void;
  /** A part of the call that cannot be read statically, and why. */
  unanalysed(at: At, reason: string): void;
}

type Action =
  | { kind: 'sql'; sql: string; at: At }
  | { kind: 'raw'; text: SqlText; at: At; hasHoles: boolean }
  | { kind: 'other'; description: string; at: At }
  | { kind: 'unanalysed'; at: At; reason: string };

export interface SinkResult {
  changes: Change[];
  diagnostics: Diagnostic[];
  calls: { analysed: number; unanalysed: number };
}

export class MigrationSink {
  private readonly source: ScriptSource;
  private readonly session: SessionState;
  private readonly changes: Change[] = [];
  private readonly diagnostics: Diagnostic[] = [];
  private index = 0;
  private analysed = 0;
  private unanalysedCount = 0;

  constructor(source: ScriptSource, searchPath: readonly string[]) {
    this.source = source;
    this.session = new SessionState([...searchPath]);
  }

  /**
   * One call of the migration (`knex.schema.alterTable(…)`): `type` names it, `node` is the whole call.
   * `unanalysable` (a loop over a run-time list, a catch block…) turns whatever it emits into a single
   * `unanalysed-statement` for the call.
   */
  operation(type: string, node: ts.Node, unanalysable: string | undefined, build: (emit: Emitter) => void): void {
    const actions: Action[] = [];
    build({
      sql: (sql, at) => actions.push({ kind: 'sql', sql, at }),
      raw: (text, at, hasHoles) => actions.push({ kind: 'raw', text, at, hasHoles }),
      other: (description, at) => actions.push({ kind: 'other', description, at }),
      unanalysed: (at, reason) => actions.push({ kind: 'unanalysed', at, reason }),
    });
    if (actions.length === 0) return;
    if (unanalysable !== undefined) {
      this.reportUnanalysed(type, node, unanalysable);
      return;
    }
    const info: StatementInfo = { index: 0, type, text: this.source.textOf(node), location: this.source.locate(node) };
    let changed = false;
    for (const action of actions) {
      if (action.kind === 'unanalysed') this.reportUnanalysed(type, action.at, action.reason);
      else if (action.kind === 'sql') changed = this.builderSql(action.sql, action.at, info, type) || changed;
      else if (action.kind === 'other') {
        this.changes.push({ kind: 'other', description: action.description, location: this.locate(action.at), statement: { ...info, index: this.index++ } });
        changed = true;
      }
      else changed = this.rawSql(action.text, action.at, action.hasHoles, type) || changed;
    }
    if (changed) this.analysed++;
  }

  /** A call that cannot be read at all (a helper from another file given the tool object…). */
  unanalysedCall(type: string, at: ts.Node, reason: string): void {
    this.reportUnanalysed(type, at, reason);
  }

  result(): SinkResult {
    return { changes: this.changes, diagnostics: this.diagnostics, calls: { analysed: this.analysed, unanalysed: this.unanalysedCount } };
  }

  /** A problem with the file itself (no `up` found…). */
  diagnostic(d: Diagnostic): void {
    this.diagnostics.push(d);
  }

  private locate(at: At): SourceLocation {
    return 'kind' in at ? this.source.locate(at) : this.source.range(at.start, at.end);
  }

  private reportUnanalysed(type: string, at: At, reason: string): void {
    this.unanalysedCount++;
    this.diagnostics.push({
      code: 'unanalysed-statement',
      severity: 'warning',
      message: `rollsafe cannot read this ${type} call statically: ${reason}. Its schema changes are not checked.`,
      location: this.locate(at),
      hint: 'Use string literals or constants of this file for names, raw SQL for what the builder cannot express, or check this change by hand.',
    });
  }

  private builderSql(sql: string, at: At, opInfo: StatementInfo, type: string): boolean {
    const file = parseSqlFile(this.source.path, sql);
    if (file.diagnostics.length > 0 || file.statements.length === 0) {
      // The SQL was built from the file's own values (a type name, a default): Postgres would reject it too.
      const why = file.diagnostics[0]?.message.replace(/^Postgres cannot parse the statement starting at line \d+: /, '') ?? 'no statement';
      this.reportUnanalysed(type, at, `the SQL it stands for (${oneLine(sql)}) does not parse: ${why}`);
      return false;
    }
    const location = this.locate(at);
    const out = this.normalizeAll(file, (change, index) => {
      const statementInfo: StatementInfo = { ...opInfo, index };
      if (change.statement.searchPath) statementInfo.searchPath = change.statement.searchPath;
      return { ...change, location, statement: statementInfo };
    });
    this.changes.push(...out.changes);
    this.diagnostics.push(...out.diagnostics.map((d) => ({ ...d, location })));
    return out.changes.length > 0;
  }

  private rawSql(text: SqlText, at: At, hasHoles: boolean, type: string): boolean {
    const file = parseSqlFile(this.source.path, text.text);
    const sqlSource = file.source;
    const remap = (loc: SourceLocation): SourceLocation => {
      const start = sqlSource.offsetOf(loc.line, loc.column);
      const end = sqlSource.offsetOf(loc.endLine, loc.endColumn);
      const fileStart = text.fileOffset(start);
      return this.source.range(fileStart, end > start ? Math.max(fileStart, text.fileEnd(end)) : fileStart);
    };
    if (file.diagnostics.length > 0) {
      if (hasHoles) {
        this.reportUnanalysed(type, at, 'its SQL is built from values known only at run time, and does not parse without them');
        return false;
      }
      // A real syntax error in the file's SQL: the migration would fail when it runs.
      this.diagnostics.push(...file.diagnostics.map((d) => ({ ...d, location: remap(d.location) })));
      this.unanalysedCount++;
    }
    const out = this.normalizeAll(file, (change, index) => ({
      ...change,
      location: remap(change.location),
      statement: { ...change.statement, index, location: remap(change.statement.location) },
    }));
    this.changes.push(...out.changes);
    this.diagnostics.push(...out.diagnostics.map((d) => ({ ...d, location: remap(d.location) })));
    return out.changes.length > 0;
  }

  /** Normalize every statement of SQL built for one call, numbering them in the migration and placing each Change in the .ts/.js file. */
  private normalizeAll(file: SqlFile, place: (change: Change, index: number) => Change): NormalizeResult {
    const out: NormalizeResult = { changes: [], diagnostics: [], functionBodyChanges: [] };
    for (const statement of file.statements) {
      const index = this.index++;
      const before = out.changes.length;
      normalizeStatement(file, { ...statement, index }, this.session, out);
      for (let i = before; i < out.changes.length; i++) out.changes[i] = place(out.changes[i]!, index);
    }
    return out;
  }
}

function oneLine(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
