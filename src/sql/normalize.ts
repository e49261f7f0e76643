/**
 * Parsed statements → the closed Change vocabulary (src/sql/types.ts). Every statement gives at least one
 * Change: what rollsafe does not model becomes `other`, so nothing is silently lost.
 *
 * DDL in a DO block runs with the migration, so it is normalized and returned (`nestedIn: 'do-block'`).
 * DDL in a function body runs only when the function is called, never at migration time: it is normalized
 * (`nestedIn: 'function-body'`) but returned apart, in `functionBodyChanges`, and not replayed.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { SourceLocation } from '../location.js';
import { scanSql } from './parser.js';
import { bodyLanguage, bodyStatements } from './plpgsql.js';
import { parseSqlFile, type SqlFile, type SqlStatement } from './statements.js';
import type { Change, StatementInfo } from './types.js';
import { runSync, type Steps } from '../yielding.js';
import { SessionState, type ChangeBody, type NodeMap, type StatementContext } from './normalize/context.js';
import {
  alterDomain,
  alterEnum,
  cluster,
  createDomain,
  createEnum,
  createExtension,
  createFunction,
  createIndex,
  createSchema,
  createSequence,
  createTrigger,
  describeStatement,
  drop,
  lockTable,
  refresh,
  reindex,
  rename,
  setSchema,
  statementTable,
  truncate,
  vacuum,
} from './normalize/objects.js';
import { createMaterializedView, createView, dml } from './normalize/queries.js';
import { setConfigCalls, transaction, variableSet } from './normalize/session.js';
import { alterTable, createTable, createTableAs, type LocatedChange } from './normalize/tables.js';

export { SessionState } from './normalize/context.js';

export interface NormalizeOptions {
  /** search_path at the start of the file (default `public`). */
  searchPath?: string[];
}

export interface NormalizeResult {
  changes: Change[];
  diagnostics: Diagnostic[];
  /** DDL found in LANGUAGE plpgsql function bodies: it does not run at migration time, so it is not in `changes`. */
  functionBodyChanges: Change[];
}

/** Normalize every statement of a parsed SQL file, tracking search_path across statements. */
export function normalizeFile(file: SqlFile, options: NormalizeOptions = {}): NormalizeResult {
  return runSync(normalizeFileSteps(file, options));
}

/** `normalizeFile` as steps (src/yielding.ts): it yields after each statement. */
export function* normalizeFileSteps(file: SqlFile, options: NormalizeOptions = {}): Steps<NormalizeResult> {
  const session = new SessionState(options.searchPath ?? ['public']);
  const result: NormalizeResult = { changes: [], diagnostics: [], functionBodyChanges: [] };
  for (const statement of file.statements) {
    normalizeStatement(file, statement, session, result);
    yield;
  }
  return result;
}

/** NAMEDATALEN - 1. */
const MAX_IDENTIFIER_BYTES = 63;

/** Identifiers over 63 bytes, read from the statement's tokens (22 characters can already be 64 bytes of UTF-8). */
function longIdentifiers(text: string): string[] {
  // ASCII needs 64 characters; only text with other characters can reach 64 bytes sooner. Fixed counts: an open
  // `{64,}` over a 10 MB literal overflows the regular expression engine's stack.
  // eslint-disable-next-line no-control-regex
  if (!/[A-Za-z0-9_$]{64}|"[^"]{64}/.test(text) && !(/[^\x00-\x7f]/.test(text) && /[^\s,;()."']{22}/.test(text))) return [];
  let tokens;
  try {
    tokens = scanSql(text);
  } catch {
    return [];
  }
  const out = new Set<string>();
  for (const token of tokens) {
    if (token.tokenName !== 'IDENT') continue;
    const name = token.text.startsWith('"') ? token.text.slice(1, -1).replace(/""/g, '"') : token.text.toLowerCase();
    if (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) out.add(name);
  }
  return [...out];
}

/** Normalize one statement of `file` into `into` (its changes, diagnostics and function-body changes). */
export function normalizeStatement(file: SqlFile, statement: SqlStatement, session: SessionState, into: NormalizeResult): void {
  const info: StatementInfo = { index: statement.index, type: statement.type, text: statement.text, location: statement.location };
  const searchPath = session.searchPath.filter((s) => s !== '$user' && s !== 'pg_temp' && s !== 'pg_catalog');
  if (searchPath.length > 1) info.searchPath = searchPath;
  const long = longIdentifiers(statement.text);
  if (long.length) info.longIdentifiers = long;
  const ctx: StatementContext = { file, stmt: statement, info, session, diagnostics: into.diagnostics };
  if (statement.type === 'DoStmt' || statement.type === 'CreateFunctionStmt') {
    const nested = nestedChanges(ctx);
    if (statement.type === 'CreateFunctionStmt') {
      into.changes.push(...finish(ctx, located(ctx, [createFunction(ctx, statement.node)])));
      into.functionBodyChanges.push(...nested);
    } else if (nested.length > 0) into.changes.push(...nested);
    else into.changes.push(...finish(ctx, [{ body: { kind: 'other', description: `DO block (${bodyLanguage(statement)})` } }]));
    return;
  }
  let bodies: LocatedChange[];
  try {
    bodies = statementChanges(ctx);
  } catch (error) {
    // An AST shape this code does not expect must not stop the run.
    into.diagnostics.push({
      code: 'normalize-failed',
      severity: 'warning',
      message: `rollsafe could not read this ${statement.type}: ${error instanceof Error ? error.message : String(error)}`,
      location: statement.location,
    });
    bodies = [{ body: { kind: 'other', description: describeStatement(statement.type, statement.node) } }];
  }
  into.changes.push(...finish(ctx, bodies));
}

function located(_ctx: StatementContext, bodies: ChangeBody[]): LocatedChange[] {
  return bodies.map((body) => ({ body }));
}

function finish(ctx: StatementContext, bodies: LocatedChange[]): Change[] {
  return bodies.map(({ body, location }) => ({ ...body, location: location ?? ctx.info.location, statement: ctx.info }) as Change);
}

function statementChanges(ctx: StatementContext): LocatedChange[] {
  const { type, node } = ctx.stmt;
  const one = (body: ChangeBody): LocatedChange[] => [{ body }];
  switch (type) {
    case 'CreateStmt':
      return located(ctx, createTable(ctx, node));
    case 'AlterTableStmt':
      return alterTable(ctx, node);
    case 'CreateTableAsStmt': {
      const into = node.into as NodeMap;
      if (node.objtype === 'OBJECT_MATVIEW') return one(createMaterializedView(ctx, node, into));
      return one(createTableAs(ctx, into, node.if_not_exists === true, node.query));
    }
    case 'ViewStmt':
      return one(createView(ctx, node));
    case 'IndexStmt':
      return one(createIndex(ctx, node));
    case 'DropStmt':
      return located(ctx, drop(ctx, node));
    case 'RenameStmt':
      return one(rename(ctx, node));
    case 'AlterObjectSchemaStmt':
      return one(setSchema(ctx, node));
    case 'CreateEnumStmt':
      return one(createEnum(ctx, node));
    case 'AlterEnumStmt':
      return one(alterEnum(ctx, node));
    case 'CreateDomainStmt':
      return one(createDomain(ctx, node));
    case 'AlterDomainStmt':
      return one(alterDomain(ctx, node));
    case 'CreateSchemaStmt':
      return one(createSchema(node));
    case 'CreateSeqStmt':
      return one(createSequence(ctx, node));
    case 'CreateExtensionStmt':
      return one(createExtension(node));
    case 'CreateTrigStmt':
      return one(createTrigger(ctx, node));
    case 'ReindexStmt':
      return one(reindex(ctx, node));
    case 'RefreshMatViewStmt':
      return one(refresh(ctx, node));
    case 'LockStmt':
      return one(lockTable(ctx, node));
    case 'TruncateStmt':
      return one(truncate(ctx, node));
    case 'VacuumStmt':
      return one(vacuum(ctx, node));
    case 'ClusterStmt':
      return one(cluster(ctx, node));
    case 'VariableSetStmt':
      return one(variableSet(ctx, node));
    case 'TransactionStmt':
      return one(transaction(ctx, node));
    case 'SelectStmt': {
      if (node.intoClause) return one(createTableAs(ctx, node.intoClause as NodeMap, false, { SelectStmt: { ...node, intoClause: undefined } }));
      const settings = setConfigCalls(ctx, node);
      return settings ? located(ctx, settings) : one(dml(ctx, type, node));
    }
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
    case 'CopyStmt':
      return one(dml(ctx, type, node));
    default: {
      const table = statementTable(ctx, node);
      return one({ kind: 'other', description: describeStatement(type, node), ...(table ? { table } : {}) });
    }
  }
}

/**
 * Changes from the statements of a DO block or PL/pgSQL function body. SELECTs are skipped (in PL/pgSQL
 * `SELECT … INTO var` assigns a variable); dynamic EXECUTE becomes an `other` Change saying so.
 */
function nestedChanges(ctx: StatementContext): Change[] {
  const { file, stmt } = ctx;
  const nestedIn = stmt.type === 'DoStmt' ? 'do-block' : 'function-body';
  if (bodyLanguage(stmt) !== 'plpgsql') return [];
  const { statements, diagnostics } = bodyStatements(file, stmt);
  ctx.diagnostics.push(...diagnostics);
  // A function body runs later, in whatever search_path the caller has: do not let its SETs leak.
  const session = nestedIn === 'do-block' ? ctx.session : ctx.session.clone();
  const out: NormalizeResult = { changes: [], diagnostics: ctx.diagnostics, functionBodyChanges: [] };
  for (const embedded of statements) {
    if (embedded.kind === 'dynamic') {
      const location = file.locate(embedded.start, embedded.end);
      const info: StatementInfo = { index: stmt.index, type: 'PLpgSQL_stmt_dynexecute', text: embedded.expression, location, nestedIn };
      out.changes.push({ kind: 'other', description: `EXECUTE of SQL built at run time (${embedded.expression}): not analysable`, location, statement: info });
      continue;
    }
    const inner = embeddedFile(file, embedded.sql, embedded.start, embedded.end, embedded.exact);
    if (!inner) continue;
    for (const innerStatement of inner.file.statements) {
      if (innerStatement.type === 'SelectStmt' && !embedded.executed) continue;
      const before = out.changes.length;
      normalizeStatement(inner.file, { ...innerStatement, index: stmt.index }, session, out);
      for (let i = before; i < out.changes.length; i++) {
        const change = out.changes[i]!;
        const location: SourceLocation = inner.exact ? change.location : file.locate(embedded.start, embedded.end);
        const statementLocation: SourceLocation = inner.exact ? change.statement.location : location;
        out.changes[i] = { ...change, location, statement: { ...change.statement, location: statementLocation, nestedIn } };
      }
    }
  }
  return [...out.changes, ...out.functionBodyChanges];
}

/**
 * A SqlFile for SQL embedded in `file` at [start, end). When the text maps 1:1 onto the file, the rest of
 * the file is blanked (same length, same line breaks) so every location it yields is a location in `file`.
 */
function embeddedFile(file: SqlFile, sql: string, start: number, end: number, exact: boolean): { file: SqlFile; exact: boolean } | null {
  if (exact) {
    const text = file.text;
    const blank = (s: string): string => s.replace(/[^\r\n]/g, ' ');
    const padded = blank(text.slice(0, start)) + text.slice(start, end) + blank(text.slice(end));
    const inner = parseSqlFile(file.path, padded);
    if (inner.diagnostics.length === 0) return { file: inner, exact: true };
  }
  const inner = parseSqlFile(file.path, sql);
  return inner.diagnostics.length === 0 ? { file: inner, exact: false } : null;
}

