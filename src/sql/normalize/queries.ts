/**
 * Queries inside migrations: view definitions (output columns, what they read) and DML (backfills).
 * Table/column resolution is query-refs' job; this module only maps its answer to ColumnReads.
 */
import type { Node } from '@pgsql/types';
import { analyzeQuery } from '../query-refs.js';
import type { ColumnRead, QualifiedName } from '../types.js';
import { isObject, list, nodeOf, rangeVarName, strings, unwrap, type ChangeBody, type NodeMap, type RangeVarNode, type StatementContext } from './context.js';

/** What a query reads, as ColumnReads (table-level reads have no column). */
export function queryReads(ctx: StatementContext, query: unknown): ColumnRead[] {
  if (!isObject(query)) return [];
  const analysis = analyzeQuery(query as Node, { searchPath: [ctx.session.creationSchema] });
  const seen = new Set<string>();
  const reads: ColumnRead[] = [];
  for (const ref of analysis.refs) {
    if (ref.kind !== 'read') continue;
    const table: QualifiedName = { schema: ref.schema ?? ctx.session.creationSchema, name: ref.table };
    const key = `${table.schema}.${table.name}.${ref.column ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    reads.push(ref.column !== undefined ? { table, column: ref.column } : { table });
  }
  return reads;
}

const SQL_VALUE_NAMES: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'current_date',
  SVFOP_CURRENT_TIME: 'current_time',
  SVFOP_CURRENT_TIME_N: 'current_time',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
  SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
  SVFOP_LOCALTIME: 'localtime',
  SVFOP_LOCALTIME_N: 'localtime',
  SVFOP_LOCALTIMESTAMP: 'localtimestamp',
  SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
  SVFOP_CURRENT_ROLE: 'current_role',
  SVFOP_CURRENT_USER: 'current_user',
  SVFOP_USER: 'user',
  SVFOP_SESSION_USER: 'session_user',
  SVFOP_CURRENT_CATALOG: 'current_catalog',
  SVFOP_CURRENT_SCHEMA: 'current_schema',
};

/** Postgres' FigureColname: the name of an unaliased output column, with its strength (2 = a real name). */
export function figureColname(node: unknown): [string, number] {
  const u = unwrap(node);
  if (!u) return ['?column?', 0];
  const [type, n] = u;
  switch (type) {
    case 'ColumnRef': {
      const fields = strings(n.fields);
      return fields.length ? [fields[fields.length - 1]!, 2] : ['?column?', 0];
    }
    case 'A_Indirection': {
      const names = strings(n.indirection);
      return names.length ? [names[names.length - 1]!, 2] : figureColname(n.arg);
    }
    case 'FuncCall': {
      const names = strings(n.funcname);
      return [names[names.length - 1] ?? '?column?', 2];
    }
    case 'A_Expr':
      return n.kind === 'AEXPR_NULLIF' ? ['nullif', 2] : ['?column?', 0];
    case 'TypeCast': {
      const inner = figureColname(n.arg);
      if (inner[1] > 1) return inner;
      const typeNames = strings((n.typeName as NodeMap | undefined)?.names);
      return [typeNames[typeNames.length - 1] ?? '?column?', 1];
    }
    case 'CollateClause':
      return figureColname(n.arg);
    case 'CaseExpr': {
      const inner = figureColname(n.defresult);
      return inner[1] > 1 ? inner : ['case', 1];
    }
    case 'A_ArrayExpr':
      return ['array', 2];
    case 'RowExpr':
      return ['row', 2];
    case 'CoalesceExpr':
      return ['coalesce', 2];
    case 'MinMaxExpr':
      return [n.op === 'IS_LEAST' ? 'least' : 'greatest', 2];
    case 'SQLValueFunction':
      return [SQL_VALUE_NAMES[String(n.op)] ?? '?column?', 2];
    case 'SubLink': {
      if (n.subLinkType === 'EXISTS_SUBLINK') return ['exists', 2];
      if (n.subLinkType === 'ARRAY_SUBLINK') return ['array', 2];
      if (n.subLinkType === 'EXPR_SUBLINK') {
        const first = nodeOf<{ name?: string; val?: unknown }>(list(nodeOf<NodeMap>(n.subselect, 'SelectStmt')?.targetList)[0], 'ResTarget');
        if (first?.name) return [first.name, 2];
        return first ? figureColname(first.val) : ['?column?', 0];
      }
      return ['?column?', 0];
    }
    case 'GroupingFunc':
      return ['grouping', 2];
    default:
      return ['?column?', 0];
  }
}

/** FROM-clause tables in order with the name a `*` qualifier would use (alias, else table name). */
function fromTables(ctx: StatementContext, items: unknown[], out: { qualifier: string; table: QualifiedName }[] = []): typeof out {
  for (const item of items) {
    const rv = nodeOf<RangeVarNode>(item, 'RangeVar');
    const join = nodeOf<{ larg?: unknown; rarg?: unknown }>(item, 'JoinExpr');
    if (rv) out.push({ qualifier: rv.alias?.aliasname ?? rv.relname ?? '', table: rangeVarName(ctx, rv) });
    else if (join) fromTables(ctx, [join.larg, join.rarg], out);
  }
  return out;
}

/**
 * Output column names of a view's query. `*` and `t.*` become `schema.table.*` markers, one per table,
 * that apply() expands with the columns the table has when the view is created (as Postgres does).
 */
export function outputColumns(ctx: StatementContext, query: unknown, aliases: string[]): string[] {
  let select = nodeOf<NodeMap>(query, 'SelectStmt');
  while (select && select.op && select.op !== 'SETOP_NONE' && select.larg) select = select.larg as NodeMap;
  const columns: string[] = [];
  if (select) {
    if (select.valuesLists) {
      const first = nodeOf<{ items?: unknown[] }>(list(select.valuesLists)[0], 'List');
      list(first?.items).forEach((_, i) => columns.push(`column${i + 1}`));
    }
    const tables = fromTables(ctx, list(select.fromClause));
    for (const target of list(select.targetList)) {
      const t = nodeOf<{ name?: string; val?: unknown }>(target, 'ResTarget');
      if (!t) continue;
      const ref = nodeOf<{ fields?: unknown[] }>(t.val, 'ColumnRef');
      const fields = list(ref?.fields);
      if (ref && fields.length && nodeOf(fields[fields.length - 1], 'A_Star') !== undefined) {
        const qualifier = strings(fields).pop();
        for (const { qualifier: q, table } of tables) if (qualifier === undefined || qualifier === q) columns.push(`${table.schema}.${table.name}.*`);
        continue;
      }
      columns.push(t.name ?? figureColname(t.val)[0]);
    }
  }
  return columns.map((c, i) => aliases[i] ?? c);
}

export function createView(ctx: StatementContext, node: NodeMap): ChangeBody {
  const view = rangeVarName(ctx, node.view as RangeVarNode);
  return {
    kind: 'create-view',
    view,
    materialized: false,
    orReplace: node.replace === true,
    columns: outputColumns(ctx, node.query, strings(node.aliases)),
    reads: queryReads(ctx, node.query),
    withData: true,
  };
}

export function createMaterializedView(ctx: StatementContext, node: NodeMap, into: NodeMap): ChangeBody {
  return {
    kind: 'create-view',
    view: rangeVarName(ctx, into.rel as RangeVarNode),
    materialized: true,
    orReplace: false,
    columns: outputColumns(ctx, node.query, strings(into.colNames)),
    reads: queryReads(ctx, node.query),
    withData: into.skipData !== true,
  };
}

const DML_OPS: Record<string, 'insert' | 'update' | 'delete' | 'select' | 'merge' | 'copy'> = {
  InsertStmt: 'insert',
  UpdateStmt: 'update',
  DeleteStmt: 'delete',
  SelectStmt: 'select',
  MergeStmt: 'merge',
  CopyStmt: 'copy',
};

export function dml(ctx: StatementContext, type: string, node: NodeMap): ChangeBody {
  const op = DML_OPS[type] ?? 'select';
  const relation = node.relation as RangeVarNode | undefined;
  const change: ChangeBody = {
    kind: 'dml',
    op,
    hasWhere: node.whereClause !== undefined || (op === 'merge' && node.joinCondition !== undefined),
    reads: queryReads(ctx, { [type]: node }),
    assignments: assignmentLists(op, node),
  };
  if (relation) change.table = rangeVarName(ctx, relation);
  return change;
}

/** Whole-column targets of INSERT (…), UPDATE SET and each MERGE action (`SET a.x = …` assigns part of a composite column). */
function assignmentLists(op: string, node: NodeMap): string[][] {
  const targets = (list: unknown): string[] =>
    (Array.isArray(list) ? list : [])
      .map((t) => (t as { ResTarget?: { name?: string; indirection?: unknown[] } }).ResTarget)
      .filter((t): t is { name: string; indirection?: unknown[] } => typeof t?.name === 'string' && !t.indirection?.length)
      .map((t) => t.name);
  if (op === 'update') return [targets(node.targetList)];
  if (op === 'insert') return node.cols ? [targets(node.cols)] : [];
  if (op === 'merge') {
    return (Array.isArray(node.mergeWhenClauses) ? node.mergeWhenClauses : [])
      .map((clause) => targets((clause as { MergeWhenClause?: { targetList?: unknown } }).MergeWhenClause?.targetList))
      .filter((list) => list.length > 0);
  }
  return [];
}
