/**
 * Which tables and columns a query touches: SELECT / INSERT / UPDATE / DELETE / MERGE (with WITH), as
 * parsed by libpg-query. Aliases, CTEs and subqueries are resolved to base tables; a CTE name is not a
 * table. Used for SQL found in application code and for view definitions, so it knows nothing of either.
 */
import type {
  ColumnRef,
  CommonTableExpr,
  CopyStmt,
  DeleteStmt,
  InsertStmt,
  JoinExpr,
  MergeStmt,
  MergeWhenClause,
  Node,
  RangeFunction,
  RangeSubselect,
  RangeVar,
  ResTarget,
  ReturningClause,
  SelectStmt,
  UpdateStmt,
  WithClause,
} from '@pgsql/types';

/**
 * - `read`: a column read anywhere in the query, or a table read (FROM, JOIN, USING);
 * - `write`: a column assigned (INSERT column list, UPDATE SET, MERGE); table-level for an UPDATE target;
 * - `insert`: rows inserted into the table (table-level, with `insertColumns` when the query lists them);
 * - `delete`: rows deleted from the table (table-level).
 */
export type QueryRefKind = 'read' | 'write' | 'insert' | 'delete';

export interface QueryRef {
  /** Table name as Postgres sees it (unquoted identifiers already folded to lower case by the parser). */
  table: string;
  /** Schema as written in the query, or the first schema of `searchPath` when the caller gives one. */
  schema?: string;
  /** Absent for table-level references. */
  column?: string;
  kind: QueryRefKind;
  /** The query does not name the column: `SELECT *`, `t.*`, `RETURNING *` (a table-level read of every column). */
  implicit: boolean;
  /** An unqualified column in a scope with several tables: attributed to each candidate table. */
  ambiguous: boolean;
  /** `certain` when the reference resolved to exactly one table, `likely` when ambiguous. */
  confidence: 'certain' | 'likely';
  /** For `insert`: the columns listed; absent for a positional insert (`INSERT INTO t VALUES …`, `INSERT INTO t SELECT …`). */
  insertColumns?: string[];
  /** UTF-8 byte offset in the parsed text (libpg-query's `location`), or -1 when the parser gives none. */
  location: number;
}

/** A column whose qualifier names nothing in scope (`x.col` without an `x`). */
export interface UnresolvedColumn {
  qualifier: string;
  column: string;
  location: number;
}

export interface QueryAnalysis {
  refs: QueryRef[];
  /** False for statements that are not queries (DDL, utility): `refs` is then empty. */
  supported: boolean;
  unresolved: UnresolvedColumn[];
  /** Output column names (SELECT list or RETURNING); null when a `*` makes them unknown. */
  outputColumns: string[] | null;
}

export interface QueryOptions {
  /** Schemas unqualified table names resolve in; when given, refs to unqualified tables get its first schema. */
  searchPath?: readonly string[];
  /**
   * Columns of a table when the caller knows them (the replayed schema): lets an unqualified column in a
   * multi-table scope resolve to the one table that has it. Return undefined when unknown.
   */
  columnsOf?(table: { schema?: string; name: string }): readonly string[] | undefined;
}

/** Catalog schemas: references into them are not application tables. */
const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast']);

interface TableEntry {
  type: 'table';
  /** Name a column qualifier uses (alias, else the table name). */
  name: string;
  /** Qualifier without alias may also be `schema.table`. */
  schemaQualifier?: string;
  table: string;
  schema?: string;
  location: number;
}

interface DerivedEntry {
  type: 'derived';
  name: string;
  /** Output columns, or null when unknown (`SELECT *`, a set-returning function without a column list). */
  columns: string[] | null;
}

type Entry = TableEntry | DerivedEntry;

interface Cte {
  columns: string[] | null;
}

class Scope {
  readonly entries: Entry[] = [];
  readonly ctes = new Map<string, Cte>();
  /** Output aliases of the SELECT list, which ORDER BY / GROUP BY may name. */
  outputAliases = new Set<string>();
  constructor(readonly parent: Scope | undefined) {}

  cte(name: string): Cte | undefined {
    return this.ctes.get(name) ?? this.parent?.cte(name);
  }
}

type NodeMap = Record<string, unknown>;

function isObject(value: unknown): value is NodeMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The one key and payload of a wrapped node (`{ SelectStmt: {…} }`). */
function unwrap(node: unknown): [string, NodeMap] | undefined {
  if (!isObject(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1) return undefined;
  const payload = node[keys[0]!];
  return isObject(payload) ? [keys[0]!, payload] : undefined;
}

function stringValue(node: Node | undefined): string | undefined {
  return node && 'String' in node ? node.String.sval : undefined;
}

function names(nodes: Node[] | undefined): string[] {
  return (nodes ?? []).map(stringValue).filter((s): s is string => s !== undefined);
}

class Analyzer {
  readonly refs: QueryRef[] = [];
  readonly unresolved: UnresolvedColumn[] = [];
  private readonly seen = new Set<string>();

  constructor(private readonly options: QueryOptions) {}

  // ---- references ----

  private add(ref: Omit<QueryRef, 'ambiguous' | 'confidence' | 'implicit'> & { implicit?: boolean; ambiguous?: boolean }): void {
    if (ref.schema !== undefined && SYSTEM_SCHEMAS.has(ref.schema)) return;
    const full: QueryRef = {
      table: ref.table,
      ...(ref.schema !== undefined ? { schema: ref.schema } : {}),
      ...(ref.column !== undefined ? { column: ref.column } : {}),
      kind: ref.kind,
      implicit: ref.implicit ?? false,
      ambiguous: ref.ambiguous ?? false,
      confidence: ref.ambiguous ? 'likely' : 'certain',
      ...(ref.insertColumns ? { insertColumns: ref.insertColumns } : {}),
      location: ref.location,
    };
    const key = `${full.schema ?? ''}.${full.table}.${full.column ?? ''}.${full.kind}.${full.implicit}.${full.location}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.refs.push(full);
  }

  private tableRef(entry: TableEntry, kind: QueryRefKind, location: number, column?: string, extra: Partial<QueryRef> = {}): void {
    this.add({ table: entry.table, ...(entry.schema !== undefined ? { schema: entry.schema } : {}), ...(column !== undefined ? { column } : {}), kind, location, ...extra });
  }

  private tableEntry(rv: RangeVar, alias?: string): TableEntry {
    const table = rv.relname ?? '';
    const schema = rv.schemaname ?? this.options.searchPath?.[0];
    return {
      type: 'table',
      name: alias ?? rv.alias?.aliasname ?? table,
      ...(rv.alias?.aliasname === undefined && alias === undefined && rv.schemaname ? { schemaQualifier: `${rv.schemaname}.${table}` } : {}),
      table,
      ...(schema !== undefined ? { schema } : {}),
      location: rv.location ?? -1,
    };
  }

  // ---- statements ----

  /** Analyses any supported statement in `parent` scope; returns its output columns, or undefined if unsupported. */
  statement(node: unknown, parent: Scope | undefined): string[] | null | undefined {
    const unwrapped = unwrap(node);
    if (!unwrapped) return undefined;
    const [type, payload] = unwrapped;
    switch (type) {
      case 'SelectStmt':
        return this.select(payload as SelectStmt, parent);
      case 'InsertStmt':
        return this.insert(payload as InsertStmt, parent);
      case 'UpdateStmt':
        return this.update(payload as UpdateStmt, parent);
      case 'DeleteStmt':
        return this.delete(payload as DeleteStmt, parent);
      case 'MergeStmt':
        return this.merge(payload as MergeStmt, parent);
      case 'ExplainStmt':
      case 'DeclareCursorStmt':
      case 'CreateTableAsStmt':
      case 'ViewStmt':
      case 'PrepareStmt':
        return this.statement(payload.query, parent) ?? null;
      case 'CopyStmt':
        return this.copy(payload as CopyStmt, parent);
      default:
        return undefined;
    }
  }

  private withClause(clause: WithClause | undefined, scope: Scope): void {
    if (!clause) return;
    for (const node of clause.ctes ?? []) {
      if (!('CommonTableExpr' in node)) continue;
      const cte: CommonTableExpr = node.CommonTableExpr;
      const name = cte.ctename ?? '';
      const aliasColumns = names(cte.aliascolnames);
      // A recursive CTE sees itself; its columns come from the alias list or the non-recursive branch.
      if (clause.recursive) scope.ctes.set(name, { columns: aliasColumns.length > 0 ? aliasColumns : null });
      const output = this.statement(cte.ctequery, scope);
      scope.ctes.set(name, { columns: aliasColumns.length > 0 ? aliasColumns : (output ?? null) });
    }
  }

  private select(stmt: SelectStmt, parent: Scope | undefined): string[] | null {
    const scope = new Scope(parent);
    this.withClause(stmt.withClause, scope);
    if (stmt.op && stmt.op !== 'SETOP_NONE') {
      const left = stmt.larg ? this.select(stmt.larg, scope) : null;
      if (stmt.rarg) this.select(stmt.rarg, scope);
      // ORDER BY of a set operation names output columns only.
      this.expressions([stmt.limitCount, stmt.limitOffset], scope);
      return left;
    }
    for (const item of stmt.fromClause ?? []) this.fromItem(item, scope);
    const targets = (stmt.targetList ?? []).flatMap((n) => ('ResTarget' in n ? [n.ResTarget] : []));
    for (const t of targets) if (t.name) scope.outputAliases.add(t.name);
    const output = this.targetList(targets, scope);
    this.expressions([stmt.whereClause, stmt.havingClause, stmt.limitCount, stmt.limitOffset, stmt.windowClause, stmt.valuesLists], scope);
    this.expressions([stmt.groupClause, stmt.sortClause, stmt.distinctClause], scope, true);
    return output;
  }

  /** SELECT list / RETURNING: `*` reads every column of every table in scope; returns the output names. */
  private targetList(targets: ResTarget[], scope: Scope): string[] | null {
    let output: string[] | null = [];
    for (const target of targets) {
      const val = target.val;
      if (val && 'ColumnRef' in val && this.isStar(val.ColumnRef)) {
        this.star(val.ColumnRef, scope);
        output = null;
        continue;
      }
      this.expression(val, scope, false);
      if (output) {
        const fields = val && 'ColumnRef' in val ? names(val.ColumnRef.fields) : [];
        output.push(target.name ?? fields[fields.length - 1] ?? '?column?');
      }
    }
    return output;
  }

  private insert(stmt: InsertStmt, parent: Scope | undefined): string[] | null {
    const scope = new Scope(parent);
    this.withClause(stmt.withClause, scope);
    if (!stmt.relation) return null;
    const target = this.tableEntry(stmt.relation);
    const cols = (stmt.cols ?? []).flatMap((n) => ('ResTarget' in n && n.ResTarget.name ? [n.ResTarget] : []));
    const listed = cols.map((c) => c.name!);
    const positional = cols.length === 0 && stmt.selectStmt !== undefined;
    this.tableRef(target, 'insert', target.location, undefined, positional ? {} : { insertColumns: listed });
    for (const col of cols) this.tableRef(target, 'write', col.location ?? target.location, col.name);
    // The source query (VALUES or SELECT) cannot see the target table.
    if (stmt.selectStmt) this.statement(stmt.selectStmt, scope);
    const targetScope = new Scope(scope);
    targetScope.entries.push(target);
    const conflict = stmt.onConflictClause;
    if (conflict) {
      const inferLocation = conflict.infer?.location ?? conflict.location ?? target.location;
      for (const elem of conflict.infer?.indexElems ?? []) {
        if (!('IndexElem' in elem)) continue;
        if (elem.IndexElem.name) this.tableRef(target, 'read', inferLocation, elem.IndexElem.name);
        else this.expression(elem.IndexElem.expr, targetScope, false);
      }
      this.expression(conflict.infer?.whereClause, targetScope, false);
      const updateScope = new Scope(scope);
      updateScope.entries.push(target, { ...target, name: 'excluded', schemaQualifier: undefined });
      this.assignments(conflict.targetList, target, updateScope);
      this.expression(conflict.whereClause, updateScope, false);
    }
    return this.returning(stmt.returningClause, target, targetScope);
  }

  private update(stmt: UpdateStmt, parent: Scope | undefined): string[] | null {
    const scope = new Scope(parent);
    this.withClause(stmt.withClause, scope);
    if (!stmt.relation) return null;
    const target = this.tableEntry(stmt.relation);
    this.tableRef(target, 'write', target.location);
    scope.entries.push(target);
    for (const item of stmt.fromClause ?? []) this.fromItem(item, scope);
    this.assignments(stmt.targetList, target, scope);
    this.expression(stmt.whereClause, scope, false);
    return this.returning(stmt.returningClause, target, scope);
  }

  /** `SET col = expr`: a write of the target's column, and reads in `expr`. */
  private assignments(list: Node[] | undefined, target: TableEntry, scope: Scope): void {
    for (const node of list ?? []) {
      if (!('ResTarget' in node)) continue;
      const t = node.ResTarget;
      if (t.name) this.tableRef(target, 'write', t.location ?? target.location, t.name);
      const val = t.val;
      // `SET (a, b) = (SELECT …)` repeats the source in every target; read it once.
      if (val && 'MultiAssignRef' in val) {
        if ((val.MultiAssignRef.colno ?? 1) === 1) this.expression(val.MultiAssignRef.source, scope, false);
      } else this.expression(val, scope, false);
    }
  }

  private delete(stmt: DeleteStmt, parent: Scope | undefined): string[] | null {
    const scope = new Scope(parent);
    this.withClause(stmt.withClause, scope);
    if (!stmt.relation) return null;
    const target = this.tableEntry(stmt.relation);
    this.tableRef(target, 'delete', target.location);
    scope.entries.push(target);
    for (const item of stmt.usingClause ?? []) this.fromItem(item, scope);
    this.expression(stmt.whereClause, scope, false);
    return this.returning(stmt.returningClause, target, scope);
  }

  private merge(stmt: MergeStmt, parent: Scope | undefined): string[] | null {
    const scope = new Scope(parent);
    this.withClause(stmt.withClause, scope);
    if (!stmt.relation) return null;
    const target = this.tableEntry(stmt.relation);
    const sourceScope = new Scope(scope);
    if (stmt.sourceRelation) this.fromItem(stmt.sourceRelation, sourceScope);
    const joined = new Scope(scope);
    joined.entries.push(target, ...sourceScope.entries);
    this.expression(stmt.joinCondition, joined, false);
    for (const node of stmt.mergeWhenClauses ?? []) {
      if (!('MergeWhenClause' in node)) continue;
      const when: MergeWhenClause = node.MergeWhenClause;
      // NOT MATCHED [BY TARGET] sees only the source; the other branches see both.
      const bySource = when.matchKind === 'MERGE_WHEN_NOT_MATCHED_BY_TARGET';
      const whenScope = bySource ? sourceScope : joined;
      this.expression(when.condition, whenScope, false);
      if (when.commandType === 'CMD_UPDATE') {
        this.tableRef(target, 'write', target.location);
        this.assignments(when.targetList, target, joined);
      } else if (when.commandType === 'CMD_INSERT') {
        const cols = (when.targetList ?? []).flatMap((n) => ('ResTarget' in n && n.ResTarget.name ? [n.ResTarget] : []));
        this.tableRef(target, 'insert', target.location, undefined, cols.length > 0 || !when.values ? { insertColumns: cols.map((c) => c.name!) } : {});
        for (const col of cols) this.tableRef(target, 'write', col.location ?? target.location, col.name);
        this.expression(when.values, sourceScope, false);
      } else if (when.commandType === 'CMD_DELETE') {
        this.tableRef(target, 'delete', target.location);
      }
    }
    return this.returning(stmt.returningClause, target, joined);
  }

  private copy(stmt: CopyStmt, parent: Scope | undefined): string[] | null {
    if (stmt.query) return this.statement(stmt.query, parent) ?? null;
    if (!stmt.relation) return null;
    const target = this.tableEntry(stmt.relation);
    const columns = names(stmt.attlist);
    if (stmt.is_from) {
      this.tableRef(target, 'insert', target.location, undefined, columns.length > 0 ? { insertColumns: columns } : {});
      for (const c of columns) this.tableRef(target, 'write', target.location, c);
    } else {
      if (columns.length === 0) this.tableRef(target, 'read', target.location, undefined, { implicit: true });
      for (const c of columns) this.tableRef(target, 'read', target.location, c);
    }
    return null;
  }

  /** RETURNING reads the target, also as `old`/`new` (Postgres 18), and the FROM/USING tables in `scope`. */
  private returning(clause: ReturningClause | undefined, target: TableEntry, scope: Scope): string[] | null {
    if (!clause?.exprs?.length) return [];
    const returning = new Scope(scope.parent);
    returning.entries.push(...scope.entries);
    copyCtes(scope, returning);
    for (const alias of ['old', 'new']) {
      if (!scope.entries.some((e) => e.name === alias)) returning.entries.push({ ...target, name: alias, schemaQualifier: undefined });
    }
    const targets = clause.exprs.flatMap((n) => ('ResTarget' in n ? [n.ResTarget] : []));
    return this.targetList(targets, returning);
  }

  // ---- FROM ----

  /**
   * Adds a FROM item's entries to `scope`. Subqueries see `scope` as their parent: valid SQL only names a
   * sibling from a LATERAL item, so letting every subquery see them costs nothing and keeps CTEs visible.
   */
  private fromItem(node: Node, scope: Scope): void {
    if ('RangeVar' in node) {
      const rv = node.RangeVar;
      const cte = rv.schemaname === undefined && rv.relname !== undefined ? scope.cte(rv.relname) : undefined;
      if (cte) {
        scope.entries.push({ type: 'derived', name: rv.alias?.aliasname ?? rv.relname!, columns: aliasColumns(rv.alias?.colnames) ?? cte.columns });
        return;
      }
      const entry = this.tableEntry(rv);
      this.tableRef(entry, 'read', entry.location);
      scope.entries.push(entry);
    } else if ('JoinExpr' in node) {
      this.join(node.JoinExpr, scope);
    } else if ('RangeSubselect' in node) {
      const sub: RangeSubselect = node.RangeSubselect;
      const output = this.statement(sub.subquery, scope);
      scope.entries.push({ type: 'derived', name: sub.alias?.aliasname ?? '', columns: aliasColumns(sub.alias?.colnames) ?? output ?? null });
    } else if ('RangeFunction' in node) {
      const fn: RangeFunction = node.RangeFunction;
      this.expression(fn.functions, scope, false);
      const columns = aliasColumns(fn.alias?.colnames) ?? (fn.coldeflist ? fn.coldeflist.flatMap((c) => ('ColumnDef' in c && c.ColumnDef.colname ? [c.ColumnDef.colname] : [])) : null);
      scope.entries.push({ type: 'derived', name: fn.alias?.aliasname ?? '', columns });
    } else {
      // RangeTableSample, XMLTABLE, JSON_TABLE…: read their expressions, expose their alias as opaque.
      const unwrapped = unwrap(node);
      if (!unwrapped) return;
      const [, payload] = unwrapped;
      if (isObject(payload.relation)) this.fromItem(payload.relation as Node, scope);
      const alias = isObject(payload.alias) ? (payload.alias as { aliasname?: string }).aliasname : undefined;
      const rest = Object.fromEntries(Object.entries(payload).filter(([k]) => k !== 'relation' && k !== 'alias'));
      this.expression(rest, scope, false);
      if (alias) scope.entries.push({ type: 'derived', name: alias, columns: null });
    }
  }

  private join(join: JoinExpr, scope: Scope): void {
    const left = new Scope(scope);
    if (join.larg) this.fromItem(join.larg, left);
    // The right side sees the left one (LATERAL).
    const right = new Scope(left);
    if (join.rarg) this.fromItem(join.rarg, right);
    const both = [...left.entries, ...right.entries];
    const location = firstTableLocation(right.entries) ?? firstTableLocation(left.entries) ?? -1;
    for (const column of names(join.usingClause)) {
      for (const side of [left.entries, right.entries]) {
        if (side.some((e) => e.type === 'derived' && e.columns?.includes(column))) continue;
        const tables = dedupeTables(side.filter((e): e is TableEntry => e.type === 'table'));
        for (const t of tables) this.tableRef(t, 'read', location, column, tables.length > 1 ? { ambiguous: true } : {});
      }
    }
    const quals = new Scope(scope);
    quals.entries.push(...both);
    this.expression(join.quals, quals, false);
    // `(a JOIN b) AS j` hides the inner names behind j.
    if (join.alias?.aliasname) scope.entries.push({ type: 'derived', name: join.alias.aliasname, columns: null });
    else scope.entries.push(...both);
  }

  // ---- expressions ----

  private expressions(nodes: unknown[], scope: Scope, outputNames = false): void {
    for (const n of nodes) this.expression(n, scope, outputNames);
  }

  /** Walks any expression tree: column references resolve in `scope`, subqueries open a child scope. */
  private expression(node: unknown, scope: Scope, outputNames: boolean): void {
    if (node === undefined || node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const item of node) this.expression(item, scope, outputNames);
      return;
    }
    const map = node as NodeMap;
    const keys = Object.keys(map);
    if (keys.length === 1) {
      const key = keys[0]!;
      const payload = map[key];
      if (key === 'ColumnRef' && isObject(payload)) {
        this.column(payload as ColumnRef, scope, outputNames);
        return;
      }
      if (key === 'SelectStmt' || key === 'InsertStmt' || key === 'UpdateStmt' || key === 'DeleteStmt' || key === 'MergeStmt') {
        this.statement(map, scope);
        return;
      }
      // Relations named in FOR UPDATE OF / table functions are not column reads.
      if (key === 'RangeVar' || key === 'LockingClause') return;
    }
    for (const value of Object.values(map)) {
      if (value !== null && typeof value === 'object') this.expression(value, scope, outputNames);
    }
  }

  private isStar(ref: ColumnRef): boolean {
    const fields = ref.fields ?? [];
    return fields.length > 0 && 'A_Star' in fields[fields.length - 1]!;
  }

  private star(ref: ColumnRef, scope: Scope): void {
    const location = ref.location ?? -1;
    const qualifier = names(ref.fields);
    if (qualifier.length === 0) {
      for (const entry of scope.entries) if (entry.type === 'table') this.tableRef(entry, 'read', location, undefined, { implicit: true });
      return;
    }
    const entry = this.lookup(qualifier, scope);
    if (entry?.type === 'table') this.tableRef(entry, 'read', location, undefined, { implicit: true });
    else if (!entry) this.unresolved.push({ qualifier: qualifier.join('.'), column: '*', location });
  }

  private lookup(qualifier: string[], scope: Scope): Entry | undefined {
    const name = qualifier.join('.');
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      const hit = s.entries.find((e) => e.name === name || (e.type === 'table' && e.schemaQualifier === name));
      if (hit) return hit;
    }
    return undefined;
  }

  private column(ref: ColumnRef, scope: Scope, outputNames: boolean): void {
    if (this.isStar(ref)) {
      this.star(ref, scope);
      return;
    }
    const parts = names(ref.fields);
    const location = ref.location ?? -1;
    if (parts.length === 0) return;
    if (parts.length === 1) {
      this.unqualified(parts[0]!, location, scope, outputNames);
      return;
    }
    // `t.col`, `schema.t.col`, `db.schema.t.col` (a trailing field of a composite is rare; see below).
    const column = parts[parts.length - 1]!;
    const qualifier = parts.slice(Math.max(0, parts.length - 3), parts.length - 1);
    const entry = this.lookup(qualifier, scope) ?? (qualifier.length === 2 ? this.lookup(qualifier.slice(1), scope) : undefined);
    if (entry?.type === 'table') this.tableRef(entry, 'read', location, column);
    else if (!entry) {
      // `(col).field` parses as A_Indirection, so an unknown qualifier here is an alias that is not in scope.
      this.unresolved.push({ qualifier: qualifier.join('.'), column, location });
    }
  }

  private unqualified(name: string, location: number, scope: Scope, outputNames: boolean): void {
    if (outputNames && scope.outputAliases.has(name)) return;
    // `row_to_json(u)`, `SELECT u FROM users u`: a whole-row reference reads every column.
    const row = this.lookup([name], scope);
    if (row?.type === 'table' && !this.options.columnsOf?.({ ...(row.schema !== undefined ? { schema: row.schema } : {}), name: row.table })?.includes(name)) {
      this.tableRef(row, 'read', location, undefined, { implicit: true });
      return;
    }
    if (row?.type === 'derived') return;
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (s.entries.length === 0) continue;
      if (s.entries.some((e) => e.type === 'derived' && e.columns?.includes(name))) return;
      const columnsOf = this.options.columnsOf;
      const tables = s.entries.filter((e): e is TableEntry => {
        if (e.type !== 'table') return false;
        const known = columnsOf?.({ ...(e.schema !== undefined ? { schema: e.schema } : {}), name: e.table });
        return known === undefined || known.includes(name);
      });
      const opaque = s.entries.some((e) => e.type === 'derived' && e.columns === null);
      if (tables.length === 0) {
        if (opaque) return;
        continue;
      }
      const unique = dedupeTables(tables);
      const ambiguous = unique.length > 1 || opaque;
      for (const t of unique) this.tableRef(t, 'read', location, name, ambiguous ? { ambiguous: true } : {});
      return;
    }
  }
}

function aliasColumns(colnames: Node[] | undefined): string[] | undefined {
  const list = names(colnames);
  return list.length > 0 ? list : undefined;
}

function firstTableLocation(entries: Entry[]): number | undefined {
  const t = entries.find((e): e is TableEntry => e.type === 'table');
  return t?.location;
}

function copyCtes(from: Scope, to: Scope): void {
  for (const [k, v] of from.ctes) to.ctes.set(k, v);
}

/** The same table reached twice (target + `excluded`/`old`/`new`) counts once for ambiguity. */
function dedupeTables(tables: TableEntry[]): TableEntry[] {
  const seen = new Set<string>();
  return tables.filter((t) => {
    const key = `${t.schema ?? ''}.${t.table}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Tables and columns one parsed statement reads and writes. `stmt` is a statement node as libpg-query
 * returns it (`{ SelectStmt: {…} }`); locations in the result are byte offsets into the parsed text.
 */
export function analyzeQuery(stmt: Node, options: QueryOptions = {}): QueryAnalysis {
  const analyzer = new Analyzer(options);
  const output = analyzer.statement(stmt, undefined);
  return {
    refs: analyzer.refs,
    supported: output !== undefined,
    unresolved: analyzer.unresolved,
    outputColumns: output ?? null,
  };
}
