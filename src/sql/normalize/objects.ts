/**
 * Indexes, views, types, schemas, sequences, functions, renames, drops and maintenance statements → Changes.
 */
import type { ConstraintSpec, LockMode, QualifiedName } from '../types.js';
import { constraintSpec, typeRef, type ConstraintNode } from './columns.js';
import { figureColname } from './queries.js';
import {
  expressionText,
  list,
  listName,
  nodeOf,
  rangeVarName,
  strings,
  type ChangeBody,
  type NodeMap,
  type RangeVarNode,
  type StatementContext,
} from './context.js';

export function createIndex(ctx: StatementContext, node: NodeMap): ChangeBody {
  const relation = node.relation as RangeVarNode | undefined;
  const table = rangeVarName(ctx, relation);
  const elems = list(node.indexParams).map((e) => nodeOf<{ name?: string; expr?: unknown }>(e, 'IndexElem'));
  // FigureIndexColname: an expression is named after its function, else `expr`.
  const nameParts = elems.map((e) => {
    if (e?.name) return e.name;
    const [name, strength] = figureColname(e?.expr);
    return strength > 0 && name !== '?column?' ? name : 'expr';
  });
  const change: ChangeBody = {
    kind: 'create-index',
    table,
    columns: elems.map((e) => e?.name ?? null),
    include: list(node.indexIncludingParams).flatMap((e) => {
      const name = nodeOf<{ name?: string }>(e, 'IndexElem')?.name;
      return name ? [name] : [];
    }),
    unique: node.unique === true,
    concurrently: node.concurrent === true,
    ifNotExists: node.if_not_exists === true,
    method: typeof node.accessMethod === 'string' ? node.accessMethod : 'btree',
    only: relation?.inh !== true,
    nameParts,
  };
  // An index lives in its table's schema.
  if (typeof node.idxname === 'string') change.index = { schema: table.schema, name: node.idxname };
  if (node.whereClause) change.where = expressionText(ctx, node.whereClause, ctx.stmt.end);
  return change;
}

function objectName(ctx: StatementContext, object: unknown): QualifiedName {
  const items = nodeOf<{ items?: unknown[] }>(object, 'List');
  if (items) return listName(ctx, strings(items.items));
  const typeName = nodeOf<{ names?: unknown[] }>(object, 'TypeName');
  if (typeName) return listName(ctx, strings(typeName.names));
  const s = nodeOf<{ sval?: string }>(object, 'String');
  if (s) return { schema: s.sval ?? '', name: s.sval ?? '' };
  const withArgs = nodeOf<{ objname?: unknown[] }>(object, 'ObjectWithArgs');
  if (withArgs) return listName(ctx, strings(withArgs.objname));
  return { schema: ctx.session.creationSchema, name: '' };
}

function words(objtype: unknown): string {
  return String(objtype ?? '').replace(/^OBJECT_/, '').replace(/_/g, ' ');
}

export function drop(ctx: StatementContext, node: NodeMap): ChangeBody[] {
  const ifExists = node.missing_ok === true;
  const cascade = node.behavior === 'DROP_CASCADE';
  const type = node.removeType;
  return list(node.objects).map((object): ChangeBody => {
    const name = objectName(ctx, object);
    switch (type) {
      case 'OBJECT_TABLE':
        return { kind: 'drop-table', table: name, ifExists, cascade };
      case 'OBJECT_INDEX':
        return { kind: 'drop-index', index: name, concurrently: node.concurrent === true, ifExists, cascade };
      case 'OBJECT_VIEW':
      case 'OBJECT_MATVIEW':
        return { kind: 'drop-view', view: name, materialized: type === 'OBJECT_MATVIEW', ifExists, cascade };
      case 'OBJECT_TYPE':
      case 'OBJECT_DOMAIN':
        return { kind: 'drop-type', type: name, ifExists, cascade, domain: type === 'OBJECT_DOMAIN' };
      case 'OBJECT_SCHEMA':
        return { kind: 'drop-schema', schema: name.name, ifExists, cascade };
      case 'OBJECT_SEQUENCE':
        return { kind: 'drop-sequence', sequence: name, ifExists };
      default:
        return { kind: 'other', description: `DROP ${words(type)} ${name.name}`.trim() };
    }
  });
}

export function rename(ctx: StatementContext, node: NodeMap): ChangeBody {
  const relation = node.relation as RangeVarNode | undefined;
  const target = relation ? rangeVarName(ctx, relation) : objectName(ctx, node.object);
  const newName = typeof node.newname === 'string' ? node.newname : '';
  const subname = typeof node.subname === 'string' ? node.subname : '';
  switch (node.renameType) {
    case 'OBJECT_TABLE':
    case 'OBJECT_FOREIGN_TABLE':
      return { kind: 'rename-table', table: target, newName };
    case 'OBJECT_COLUMN':
      // Also for views: apply() renames a view's output column.
      return { kind: 'rename-column', table: target, column: subname, newName };
    case 'OBJECT_TABCONSTRAINT':
      return { kind: 'rename-constraint', table: target, name: subname, newName };
    case 'OBJECT_INDEX':
      return { kind: 'rename-index', index: target, newName };
    case 'OBJECT_VIEW':
    case 'OBJECT_MATVIEW':
      return { kind: 'rename-view', view: target, materialized: node.renameType === 'OBJECT_MATVIEW', newName };
    case 'OBJECT_TYPE':
    case 'OBJECT_DOMAIN':
      return { kind: 'rename-type', type: target, newName };
    case 'OBJECT_SCHEMA':
      return { kind: 'rename-schema', schema: subname, newName };
    default:
      return { kind: 'other', description: `ALTER ${words(node.renameType)} ${target.name} RENAME`, ...(relation ? { table: target } : {}) };
  }
}

export function setSchema(ctx: StatementContext, node: NodeMap): ChangeBody {
  const newSchema = typeof node.newschema === 'string' ? node.newschema : '';
  const relation = node.relation as RangeVarNode | undefined;
  if (relation && ['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE'].includes(String(node.objectType))) {
    return { kind: 'set-table-schema', table: rangeVarName(ctx, relation), newSchema };
  }
  const name = relation ? rangeVarName(ctx, relation) : objectName(ctx, node.object);
  return { kind: 'other', description: `ALTER ${words(node.objectType)} ${name.name} SET SCHEMA ${newSchema}` };
}

export function createEnum(ctx: StatementContext, node: NodeMap): ChangeBody {
  return { kind: 'create-enum', type: listName(ctx, strings(node.typeName)), values: strings(node.vals) };
}

export function alterEnum(ctx: StatementContext, node: NodeMap): ChangeBody {
  const type = listName(ctx, strings(node.typeName));
  const newValue = typeof node.newVal === 'string' ? node.newVal : '';
  if (typeof node.oldVal === 'string') return { kind: 'rename-enum-value', type, value: node.oldVal, newValue };
  const change: ChangeBody = { kind: 'add-enum-value', type, value: newValue, ifNotExists: node.skipIfNewValExists === true };
  if (typeof node.newValNeighbor === 'string') {
    if (node.newValIsAfter === true) change.after = node.newValNeighbor;
    else change.before = node.newValNeighbor;
  }
  return change;
}

export function createDomain(ctx: StatementContext, node: NodeMap): ChangeBody {
  const checks: string[] = [];
  let notNull = false;
  for (const c of list(node.constraints)) {
    const constraint = nodeOf<ConstraintNode>(c, 'Constraint');
    if (constraint?.contype === 'CONSTR_NOTNULL') notNull = true;
    if (constraint?.contype === 'CONSTR_CHECK') checks.push(expressionText(ctx, constraint.raw_expr, ctx.stmt.end));
  }
  return {
    kind: 'create-domain',
    type: listName(ctx, strings(node.domainname)),
    baseType: typeRef(ctx, node.typeName as NodeMap),
    checks,
    notNull,
  };
}

export function alterDomain(ctx: StatementContext, node: NodeMap): ChangeBody {
  const type = listName(ctx, strings(node.typeName));
  const c = nodeOf<ConstraintNode>(node.def, 'Constraint');
  if (node.subtype === 'C' && c) {
    const spec: ConstraintSpec | null = constraintSpec(ctx, c, ctx.stmt.end);
    if (spec) return { kind: 'add-domain-constraint', type, constraint: { ...spec, columns: [] } };
  }
  return { kind: 'other', description: `ALTER DOMAIN ${type.name}` };
}

export function createSchema(node: NodeMap): ChangeBody {
  const role = (node.authrole as { rolename?: string } | undefined)?.rolename;
  return { kind: 'create-schema', schema: typeof node.schemaname === 'string' ? node.schemaname : (role ?? ''), ifNotExists: node.if_not_exists === true };
}

function stringOption(options: unknown, name: string): unknown {
  return list(options)
    .map((o) => nodeOf<{ defname?: string; arg?: unknown }>(o, 'DefElem'))
    .find((d) => d?.defname === name)?.arg;
}

/** LANGUAGE of a CREATE FUNCTION / DO (default sql for functions, plpgsql for DO). */
export function languageOf(options: unknown, fallback: string): string {
  return nodeOf<{ sval?: string }>(stringOption(options, 'language'), 'String')?.sval ?? fallback;
}

export function createFunction(ctx: StatementContext, node: NodeMap): ChangeBody {
  return {
    kind: 'create-function',
    function: listName(ctx, strings(node.funcname)),
    language: node.sql_body ? 'sql' : languageOf(node.options, 'sql'),
    orReplace: node.replace === true,
    reads: [],
  };
}

export function createTrigger(ctx: StatementContext, node: NodeMap): ChangeBody {
  return {
    kind: 'create-trigger',
    name: typeof node.trigname === 'string' ? node.trigname : '',
    table: rangeVarName(ctx, node.relation as RangeVarNode),
    function: listName(ctx, strings(node.funcname)),
  };
}

const REINDEX_TARGETS = {
  REINDEX_OBJECT_INDEX: 'index',
  REINDEX_OBJECT_TABLE: 'table',
  REINDEX_OBJECT_SCHEMA: 'schema',
  REINDEX_OBJECT_DATABASE: 'database',
  REINDEX_OBJECT_SYSTEM: 'system',
} as const;

export function reindex(ctx: StatementContext, node: NodeMap): ChangeBody {
  const target = REINDEX_TARGETS[node.kind as keyof typeof REINDEX_TARGETS] ?? 'table';
  const relation = node.relation as RangeVarNode | undefined;
  let name: QualifiedName | null = null;
  if (relation) name = rangeVarName(ctx, relation);
  else if (target === 'schema' && typeof node.name === 'string') name = { schema: node.name, name: node.name };
  const concurrently = list(node.params).some((p) => nodeOf<{ defname?: string }>(p, 'DefElem')?.defname === 'concurrently');
  return { kind: 'reindex', target, name, concurrently };
}

const LOCK_MODES: LockMode[] = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
];

function relations(ctx: StatementContext, nodes: unknown): QualifiedName[] {
  return list(nodes).map((n) => rangeVarName(ctx, nodeOf<RangeVarNode>(n, 'RangeVar')));
}

export function lockTable(ctx: StatementContext, node: NodeMap): ChangeBody {
  const mode = typeof node.mode === 'number' ? LOCK_MODES[node.mode - 1] : undefined;
  return { kind: 'lock-table', tables: relations(ctx, node.relations), mode: mode ?? 'ACCESS EXCLUSIVE' };
}

export function truncate(ctx: StatementContext, node: NodeMap): ChangeBody {
  return { kind: 'truncate', tables: relations(ctx, node.relations), cascade: node.behavior === 'DROP_CASCADE' };
}

export function vacuum(ctx: StatementContext, node: NodeMap): ChangeBody {
  const tables = list(node.rels).map((r) => rangeVarName(ctx, nodeOf<{ relation?: RangeVarNode }>(r, 'VacuumRelation')?.relation));
  const options = list(node.options).map((o) => nodeOf<{ defname?: string }>(o, 'DefElem')?.defname);
  if (node.is_vacuumcmd !== true) return { kind: 'analyze', tables };
  return { kind: 'vacuum', tables, full: options.includes('full'), analyze: options.includes('analyze') };
}

export function cluster(ctx: StatementContext, node: NodeMap): ChangeBody {
  const relation = node.relation as RangeVarNode | undefined;
  const change: ChangeBody = { kind: 'cluster', table: relation ? rangeVarName(ctx, relation) : null };
  if (typeof node.indexname === 'string') change.index = node.indexname;
  return change;
}

export function refresh(ctx: StatementContext, node: NodeMap): ChangeBody {
  return {
    kind: 'refresh-materialized-view',
    view: rangeVarName(ctx, node.relation as RangeVarNode),
    concurrently: node.concurrent === true,
    withData: node.skipData !== true,
  };
}

export function createSequence(ctx: StatementContext, node: NodeMap): ChangeBody {
  return { kind: 'create-sequence', sequence: rangeVarName(ctx, node.sequence as RangeVarNode), ifNotExists: node.if_not_exists === true };
}

export function createExtension(node: NodeMap): ChangeBody {
  return { kind: 'create-extension', name: typeof node.extname === 'string' ? node.extname : '', ifNotExists: node.if_not_exists === true };
}

/** `CreatePolicyStmt` → `CREATE POLICY`, for statements rollsafe does not model. */
export function describeStatement(type: string, node: NodeMap): string {
  const base = type
    .replace(/Stmt$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toUpperCase();
  const objtype = node.objtype ?? node.objectType ?? node.removeType;
  return typeof objtype === 'string' ? `${base} ${words(objtype)}` : base;
}

/** The table a statement is about, when it has one (`relation` or `table` RangeVar). */
export function statementTable(ctx: StatementContext, node: NodeMap): QualifiedName | undefined {
  const rv = (node.relation ?? node.table) as RangeVarNode | undefined;
  if (rv && typeof rv === 'object' && typeof rv.relname === 'string') return rangeVarName(ctx, rv);
  return undefined;
}

