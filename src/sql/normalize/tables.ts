/**
 * CREATE TABLE and ALTER TABLE → Changes. Each ALTER TABLE sub-command is its own Change, located at its
 * own text when the statement has several.
 */
import type { SourceLocation } from '../../location.js';
import type { ColumnSpec, ConstraintSpec, QualifiedName } from '../types.js';
import { expressionVolatility } from '../volatility.js';
import { columnSpec, constraintSpec, typeRef, type ColumnDefNode, type ConstraintNode } from './columns.js';
import { outputColumns } from './queries.js';
import { expressionText, list, nodeOf, rangeVarName, strings, type ChangeBody, type NodeMap, type RangeVarNode, type StatementContext } from './context.js';

export interface LocatedChange {
  body: ChangeBody;
  location?: SourceLocation;
}

const PERSISTENCE = { p: 'permanent', u: 'unlogged', t: 'temporary' } as const;

function persistenceOf(rv: RangeVarNode | undefined): 'permanent' | 'unlogged' | 'temporary' {
  return PERSISTENCE[(rv?.relpersistence ?? 'p') as keyof typeof PERSISTENCE] ?? 'permanent';
}

export function createTable(ctx: StatementContext, node: NodeMap): ChangeBody[] {
  const relation = node.relation as RangeVarNode | undefined;
  const table = rangeVarName(ctx, relation);
  if (persistenceOf(relation) === 'temporary' && !relation?.schemaname) table.schema = 'pg_temp';
  const columns: ColumnSpec[] = [];
  const constraints: ConstraintSpec[] = [];
  const like: QualifiedName[] = [];
  const limit = ctx.stmt.end;
  for (const element of list(node.tableElts)) {
    const column = nodeOf<ColumnDefNode>(element, 'ColumnDef');
    const constraint = nodeOf<ConstraintNode>(element, 'Constraint');
    const likeClause = nodeOf<{ relation?: RangeVarNode }>(element, 'TableLikeClause');
    if (column) columns.push(columnSpec(ctx, column, limit, table));
    else if (constraint) {
      const spec = constraintSpec(ctx, constraint, limit);
      if (spec) constraints.push(spec);
    } else if (likeClause) like.push(rangeVarName(ctx, likeClause.relation));
  }
  const inheritsFrom = list(node.inhRelations).map((rv) => rangeVarName(ctx, nodeOf<RangeVarNode>(rv, 'RangeVar')));
  const partitionOf = node.partbound ? inheritsFrom[0] : undefined;
  return [
    {
      kind: 'create-table',
      table,
      columns,
      constraints,
      ifNotExists: node.if_not_exists === true,
      partitioned: node.partspec !== undefined,
      ...(partitionOf ? { partitionOf } : {}),
      inherits: partitionOf ? [] : inheritsFrom,
      asQuery: false,
      like,
      persistence: persistenceOf(relation),
    },
  ];
}

/** CREATE TABLE … AS / SELECT INTO: columns are known only by the explicit list (without types). */
/**
 * CREATE TABLE … AS / SELECT INTO: the columns are the query's output columns (renamed by the column list);
 * `schema.table.*` entries are expanded from the schema when the table is created. A TEMP table lives in
 * pg_temp, like CREATE TEMP TABLE, so it never collides with a permanent table of the same name.
 */
export function createTableAs(ctx: StatementContext, into: NodeMap, ifNotExists: boolean, query: unknown): ChangeBody {
  const relation = into.rel as RangeVarNode | undefined;
  const table = rangeVarName(ctx, relation);
  if (persistenceOf(relation) === 'temporary' && !relation?.schemaname) table.schema = 'pg_temp';
  const columns: ColumnSpec[] = outputColumns(ctx, query, strings(into.colNames)).map((name) => ({
    name,
    type: { name: 'unknown', modifiers: [], arrayDims: 0, display: 'unknown' },
    notNull: false,
    constraints: [],
  }));
  return {
    kind: 'create-table',
    table,
    columns,
    constraints: [],
    ifNotExists,
    partitioned: false,
    inherits: [],
    asQuery: true,
    like: [],
    persistence: persistenceOf(relation),
  };
}

interface AlterTableCmdNode {
  subtype?: string;
  name?: string;
  def?: unknown;
  behavior?: string;
  missing_ok?: boolean;
}

/** ALTER TABLE actions that do not change the modelled schema: words for people, and whether they rewrite the table. */
const OTHER_ACTIONS: Record<string, { action: string; rewrites: boolean; column?: boolean }> = {
  AT_SetLogged: { action: 'SET LOGGED', rewrites: true },
  AT_SetUnLogged: { action: 'SET UNLOGGED', rewrites: true },
  AT_SetTableSpace: { action: 'SET TABLESPACE', rewrites: true },
  AT_SetAccessMethod: { action: 'SET ACCESS METHOD', rewrites: true },
  AT_SetExpression: { action: 'SET EXPRESSION', rewrites: true, column: true },
  AT_DropExpression: { action: 'DROP EXPRESSION', rewrites: false, column: true },
  AT_SetStatistics: { action: 'SET STATISTICS', rewrites: false, column: true },
  AT_SetStorage: { action: 'SET STORAGE', rewrites: false, column: true },
  AT_SetCompression: { action: 'SET COMPRESSION', rewrites: false, column: true },
  AT_SetOptions: { action: 'SET (attribute options)', rewrites: false, column: true },
  AT_ResetOptions: { action: 'RESET (attribute options)', rewrites: false, column: true },
  AT_SetRelOptions: { action: 'SET (storage parameters)', rewrites: false },
  AT_ResetRelOptions: { action: 'RESET (storage parameters)', rewrites: false },
  AT_ClusterOn: { action: 'CLUSTER ON', rewrites: false },
  AT_DropCluster: { action: 'SET WITHOUT CLUSTER', rewrites: false },
  AT_ChangeOwner: { action: 'OWNER TO', rewrites: false },
  AT_EnableRowSecurity: { action: 'ENABLE ROW LEVEL SECURITY', rewrites: false },
  AT_DisableRowSecurity: { action: 'DISABLE ROW LEVEL SECURITY', rewrites: false },
  AT_ForceRowSecurity: { action: 'FORCE ROW LEVEL SECURITY', rewrites: false },
  AT_NoForceRowSecurity: { action: 'NO FORCE ROW LEVEL SECURITY', rewrites: false },
  AT_ReplicaIdentity: { action: 'REPLICA IDENTITY', rewrites: false },
  AT_EnableTrig: { action: 'ENABLE TRIGGER', rewrites: false },
  AT_DisableTrig: { action: 'DISABLE TRIGGER', rewrites: false },
  AT_EnableTrigAll: { action: 'ENABLE TRIGGER ALL', rewrites: false },
  AT_DisableTrigAll: { action: 'DISABLE TRIGGER ALL', rewrites: false },
  AT_EnableTrigUser: { action: 'ENABLE TRIGGER USER', rewrites: false },
  AT_DisableTrigUser: { action: 'DISABLE TRIGGER USER', rewrites: false },
  AT_EnableAlwaysTrig: { action: 'ENABLE ALWAYS TRIGGER', rewrites: false },
  AT_EnableReplicaTrig: { action: 'ENABLE REPLICA TRIGGER', rewrites: false },
  AT_EnableRule: { action: 'ENABLE RULE', rewrites: false },
  AT_DisableRule: { action: 'DISABLE RULE', rewrites: false },
  AT_AddInherit: { action: 'INHERIT', rewrites: false },
  AT_DropInherit: { action: 'NO INHERIT', rewrites: false },
  AT_AddOf: { action: 'OF', rewrites: false },
  AT_DropOf: { action: 'NOT OF', rewrites: false },
  AT_AlterConstraint: { action: 'ALTER CONSTRAINT', rewrites: false },
  AT_GenericOptions: { action: 'OPTIONS', rewrites: false },
  AT_SetIdentity: { action: 'SET (identity options)', rewrites: false, column: true },
};

function alterCommand(ctx: StatementContext, table: QualifiedName, cmd: AlterTableCmdNode, limit: number): ChangeBody {
  const column = cmd.name ?? '';
  const cascade = cmd.behavior === 'DROP_CASCADE';
  switch (cmd.subtype) {
    case 'AT_AddColumn':
    case 'AT_AddColumnToView': {
      const def = nodeOf<ColumnDefNode>(cmd.def, 'ColumnDef') ?? {};
      return { kind: 'add-column', table, column: columnSpec(ctx, def, limit, table), ifNotExists: cmd.missing_ok === true };
    }
    case 'AT_DropColumn':
      return { kind: 'drop-column', table, column, ifExists: cmd.missing_ok === true, cascade };
    case 'AT_AlterColumnType': {
      const def = nodeOf<ColumnDefNode>(cmd.def, 'ColumnDef') ?? {};
      const change: ChangeBody = { kind: 'alter-column-type', table, column, type: typeRef(ctx, def.typeName) };
      if (def.raw_default) change.using = expressionText(ctx, def.raw_default, limit);
      const collation = strings(def.collClause?.collname);
      if (collation.length) change.collation = collation.join('.');
      return change;
    }
    case 'AT_SetNotNull':
      return { kind: 'set-not-null', table, column };
    case 'AT_DropNotNull':
      return { kind: 'drop-not-null', table, column };
    case 'AT_ColumnDefault':
      if (cmd.def === undefined) return { kind: 'drop-default', table, column };
      return { kind: 'set-default', table, column, default: { text: expressionText(ctx, cmd.def, limit), volatility: expressionVolatility(cmd.def) } };
    case 'AT_AddIdentity': {
      const c = nodeOf<ConstraintNode>(cmd.def, 'Constraint');
      return { kind: 'set-identity', table, column, identity: c?.generated_when === 'a' ? 'always' : 'by-default' };
    }
    case 'AT_SetIdentity': {
      const items = list(nodeOf<{ items?: unknown[] }>(cmd.def, 'List')?.items);
      const generated = items.map((i) => nodeOf<{ defname?: string; arg?: unknown }>(i, 'DefElem')).find((d) => d?.defname === 'generated');
      if (generated) {
        const code = nodeOf<{ ival?: number }>(generated.arg, 'Integer')?.ival;
        return { kind: 'set-identity', table, column, identity: code === 97 /* 'a' */ ? 'always' : 'by-default' };
      }
      break;
    }
    case 'AT_DropIdentity':
      return { kind: 'drop-identity', table, column };
    case 'AT_AddConstraint':
    case 'AT_AddIndexConstraint': {
      const c = nodeOf<ConstraintNode>(cmd.def, 'Constraint');
      const spec = c ? constraintSpec(ctx, c, limit) : null;
      if (spec) return { kind: 'add-constraint', table, constraint: spec };
      break;
    }
    case 'AT_ValidateConstraint':
      return { kind: 'validate-constraint', table, name: column };
    case 'AT_DropConstraint':
      return { kind: 'drop-constraint', table, name: column, ifExists: cmd.missing_ok === true, cascade };
    case 'AT_AttachPartition': {
      const pc = nodeOf<{ name?: RangeVarNode }>(cmd.def, 'PartitionCmd');
      return { kind: 'attach-partition', table, partition: rangeVarName(ctx, pc?.name) };
    }
    case 'AT_DetachPartition':
    case 'AT_DetachPartitionFinalize': {
      const pc = nodeOf<{ name?: RangeVarNode; concurrent?: boolean }>(cmd.def, 'PartitionCmd');
      return {
        kind: 'detach-partition',
        table,
        partition: rangeVarName(ctx, pc?.name),
        concurrently: pc?.concurrent === true,
        finalize: cmd.subtype === 'AT_DetachPartitionFinalize',
      };
    }
    default:
      break;
  }
  const other = OTHER_ACTIONS[cmd.subtype ?? ''];
  const words = other ? (other.column ? `ALTER COLUMN ${column} ${other.action}` : other.action) : (cmd.subtype ?? 'unknown').replace(/^AT_/, '');
  return { kind: 'alter-table-other', table, action: words, rewrites: other?.rewrites ?? false };
}

export function alterTable(ctx: StatementContext, node: NodeMap): LocatedChange[] {
  const relation = node.relation as RangeVarNode | undefined;
  const table = rangeVarName(ctx, relation);
  const cmds = list(node.cmds).map((c) => nodeOf<AlterTableCmdNode>(c, 'AlterTableCmd') ?? {});
  if (node.objtype && node.objtype !== 'OBJECT_TABLE' && node.objtype !== 'OBJECT_FOREIGN_TABLE') {
    // ALTER INDEX/VIEW/SEQUENCE … with table-like sub-commands (SET TABLESPACE, OWNER TO…).
    const what = String(node.objtype).replace(/^OBJECT_/, '').toLowerCase();
    return [{ body: { kind: 'other', description: `ALTER ${what.toUpperCase()} ${table.name}`, table } }];
  }
  const spans = cmds.length > 1 ? ctx.file.alterTableCommandSpans(ctx.stmt, cmds.length) : null;
  return cmds.map((cmd, i) => {
    const span = spans?.[i];
    const limit = span ? span.end : ctx.stmt.end;
    const body = alterCommand(ctx, table, cmd, limit);
    return span ? { body, location: ctx.file.locate(span.start, span.end) } : { body };
  });
}
