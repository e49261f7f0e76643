/**
 * SET / RESET / set_config() and transaction control. search_path changes are tracked so that later
 * unqualified names resolve in the right schema.
 */
import type { TransactionAction } from '../types.js';
import { expressionText, list, nodeOf, parseSearchPath, strings, type ChangeBody, type NodeMap, type StatementContext } from './context.js';

/** The text of a SET argument: `'5s'` → `5s`, `1000` → `1000`, `interval '1 s'` → its source. */
function settingValue(ctx: StatementContext, arg: unknown): string {
  const c = nodeOf<{ sval?: { sval?: string }; ival?: { ival?: number }; fval?: { fval?: string }; boolval?: { boolval?: boolean } }>(arg, 'A_Const');
  if (c?.sval) return c.sval.sval ?? '';
  if (c?.ival) return String(c.ival.ival ?? 0);
  if (c?.fval) return c.fval.fval ?? '';
  if (c?.boolval) return c.boolval.boolval ? 'true' : 'false';
  return expressionText(ctx, arg, ctx.stmt.end);
}

export function variableSet(ctx: StatementContext, node: NodeMap): ChangeBody {
  const kind = node.kind;
  const name = typeof node.name === 'string' ? node.name.toLowerCase() : 'all';
  const local = node.is_local === true;
  let value: string | null = null;
  if (kind === 'VAR_SET_VALUE') {
    const args = list(node.args);
    value = args.map((a) => settingValue(ctx, a)).join(', ');
    // Postgres quotes each SET argument as one identifier (GUC_LIST_QUOTE): `SET search_path = 'a, b'` names one schema.
    if (name === 'search_path') ctx.session.setSearchPath(args.map((a) => settingValue(ctx, a)), local);
  } else if (kind === 'VAR_SET_MULTI') {
    value = ctx.stmt.text.replace(/^\s*set\s+(session\s+|local\s+)?/i, '');
  } else if (name === 'search_path' || kind === 'VAR_RESET_ALL') {
    ctx.session.setSearchPath(null, local);
  }
  return { kind: 'set-setting', name, value, local };
}

/** `SELECT set_config('name', 'value', is_local)` with constant arguments, one per call; null if the SELECT is anything else. */
export function setConfigCalls(ctx: StatementContext, node: NodeMap): ChangeBody[] | null {
  if (node.fromClause || node.whereClause || !Array.isArray(node.targetList)) return null;
  const changes: ChangeBody[] = [];
  for (const target of list(node.targetList)) {
    const val = nodeOf<{ val?: unknown }>(target, 'ResTarget')?.val;
    const call = nodeOf<{ funcname?: unknown[]; args?: unknown[] }>(val, 'FuncCall');
    const fname = strings(call?.funcname);
    if (!call || fname[fname.length - 1] !== 'set_config') return null;
    const args = list(call.args);
    const consts = args.map((a) => nodeOf<{ sval?: { sval?: string }; boolval?: { boolval?: boolean }; isnull?: boolean }>(a, 'A_Const'));
    if (args.length !== 3 || consts.some((c) => c === undefined) || consts[0]?.sval === undefined) return null;
    const name = (consts[0].sval.sval ?? '').toLowerCase();
    const value = consts[1]?.isnull ? null : (consts[1]?.sval?.sval ?? '');
    const local = consts[2]?.boolval?.boolval === true;
    if (name === 'search_path') ctx.session.setSearchPath(value === null ? null : parseSearchPath([value]), local);
    changes.push({ kind: 'set-setting', name, value, local });
  }
  return changes.length ? changes : null;
}

const TRANSACTION_ACTIONS: Record<string, TransactionAction> = {
  TRANS_STMT_BEGIN: 'begin',
  TRANS_STMT_START: 'begin',
  TRANS_STMT_COMMIT: 'commit',
  TRANS_STMT_ROLLBACK: 'rollback',
  TRANS_STMT_SAVEPOINT: 'savepoint',
  TRANS_STMT_RELEASE: 'release',
  TRANS_STMT_ROLLBACK_TO: 'rollback-to',
  TRANS_STMT_PREPARE: 'prepare',
  TRANS_STMT_COMMIT_PREPARED: 'commit-prepared',
  TRANS_STMT_ROLLBACK_PREPARED: 'rollback-prepared',
};

export function transaction(ctx: StatementContext, node: NodeMap): ChangeBody {
  const action = TRANSACTION_ACTIONS[String(node.kind)] ?? 'begin';
  if (action === 'commit' || action === 'rollback' || action === 'prepare') ctx.session.endTransaction();
  return { kind: 'transaction', action };
}

