/**
 * node-pg-migrate migrations: `pgm.*` calls compiled the way node-pg-migrate writes them
 * (src/operations/**): column definitions with the `id` shorthand (serial primary key) and the file's own
 * `shorthands`, type adapters (`int` → integer, `string` → text, `datetime` → timestamp…), default index
 * names `<table>_<columns>[_unique]_index`, and `pgm.sql` read as written.
 */
import { ts } from 'ts-morph';
import { ident, literal, qualified, type ObjectName } from './ddl.js';
import type { At, Emitter } from './emit.js';
import { rawSqlOf, valueSql } from './raw.js';
import { asString, asStrings, evaluate, notStatic, type Chain, type Link, type Located, type Scope, type StaticValue } from './scope.js';
import type { ScriptSource } from './source.js';
import { arg, argNode, option, optionBoolean, optionString, paramRoots, type ScriptTool } from './tool.js';
import type { CallContext } from './walk.js';

export const nodePgMigrateTool: ScriptTool = {
  roots: new Set(['pgm']),
  params: paramRoots('pgm'),
  call: pgmCall,
};

const TYPE_ADAPTERS: Record<string, string> = { int: 'integer', string: 'text', float: 'real', double: 'double precision', datetime: 'timestamp', bool: 'boolean' };

/** Calls that change nothing rollsafe models: an `other` Change each. */
const OTHER = /^(create|drop|rename|alter)(Function|Trigger|Policy|Role|Domain|Operator\w*|Cast)$|^(grant|revoke)\w*$|^(addToOperatorFamily|removeFromOperatorFamily)$/;

type Obj = Extract<StaticValue, { kind: 'object' }>;

function pgmCall(chain: Chain, node: ts.Expression, ctx: CallContext): boolean {
  if (chain.root !== 'pgm') return false;
  const head = chain.links[0];
  if (!head) return true;
  if (head.name === 'db' && chain.links[1] && /^(query|select)$/.test(chain.links[1].name)) {
    const q = chain.links[1];
    ctx.operation(`pgm.db.${q.name}`, q.node, (emit) => rawCall(q, emit, ctx.walker.source));
    return true;
  }
  if (!head.args || /^(noTransaction|func|literal|decamelize)$/.test(head.name)) return true;
  const type = `pgm.${head.name}`;
  ctx.operation(type, head.node, (emit) => {
    const op = new PgmOperation(head, emit, ctx);
    op.run();
  });
  return true;
}

function rawCall(link: Link, emit: Emitter, source: ScriptSource): void {
  const sqlArg = link.args?.[0];
  if (!sqlArg) return;
  const built = rawSqlOf(sqlArg, link.scope, source);
  if (!built.ok) return emit.unanalysed(sqlArg, built.reason);
  let sql = built.sql;
  // pgm.sql('… {name} …', { name: value }): each {key} is replaced by the escaped value.
  const args = arg(link, 1);
  if (args.kind === 'object' && /\{\w+\}/.test(sql.text.text)) {
    for (const [key, located] of args.props) {
      const v = evaluate(located.expr, located.scope);
      const text = v.kind === 'chain' ? funcText(v) : valueSql(v);
      if (text === undefined) return emit.unanalysed(located.expr, `the value of {${key}} is known only at run time`);
      const at = sql.text.text.indexOf(`{${key}}`);
      if (at < 0) continue;
      const before = sql.text.slice(0, at);
      const after = sql.text.slice(at + key.length + 2, sql.text.length);
      const replaced = before.appendAt(text, sql.text.fileOffset(at), sql.text.fileEnd(at + key.length + 2)).append(after);
      sql = { text: replaced, hasHoles: sql.hasHoles };
    }
  }
  emit.raw(sql.text, link.node, sql.hasHoles);
}

/** `pgm.func('now()')` (and `PgLiteral.create`) as SQL text. */
function funcText(v: Extract<StaticValue, { kind: 'chain' }>): string | undefined {
  const last = v.chain.links[v.chain.links.length - 1];
  if (last && (last.name === 'func' || last.name === 'create') && last.args) return asString(arg(last, 0));
  return undefined;
}

/** node-pg-migrate's escapeValue: strings quoted, PgLiterals as written, arrays as ARRAY[…]. */
function escapeValue(v: StaticValue): string | undefined {
  if (v.kind === 'chain') return funcText(v);
  if (v.kind === 'array') {
    const items = v.items.map((i) => escapeValue(evaluate(i.expr, i.scope)));
    return items.every((i) => i !== undefined) ? `ARRAY[${items.join(',')}]` : undefined;
  }
  return valueSql(v);
}

class PgmOperation {
  private readonly link: Link;
  private readonly emit: Emitter;
  private readonly ctx: CallContext;

  constructor(link: Link, emit: Emitter, ctx: CallContext) {
    this.link = link;
    this.emit = emit;
    this.ctx = ctx;
  }

  run(): void {
    const { link, emit } = this;
    const m = link.name;
    if (m === 'sql') return rawCall(link, emit, this.ctx.walker.source);
    if (OTHER.test(m)) return emit.other(`node-pg-migrate ${m}`, link.node);
    switch (m) {
      case 'createTable':
        return this.createTable();
      case 'dropTable':
        return this.withName(0, (t) => this.sql(`DROP TABLE ${this.flag(1, 'ifExists', 'IF EXISTS ')}${qualified(t)}${this.flag(1, 'cascade', ' CASCADE')}`));
      case 'renameTable':
        return this.withName(0, (t) => this.withString(1, (to) => this.sql(`ALTER TABLE ${qualified(t)} RENAME TO ${ident(to)}`)));
      case 'alterTable':
        return this.withName(0, (t) => {
          const opts = arg(link, 1);
          const level = opts.kind === 'object' ? optionString(opts, 'levelSecurity') : undefined;
          const unlogged = opts.kind === 'object' ? optionBoolean(opts, 'unlogged') : undefined;
          if (level) this.sql(`ALTER TABLE ${qualified(t)} ${level} ROW LEVEL SECURITY`);
          if (unlogged !== undefined) this.sql(`ALTER TABLE ${qualified(t)} SET ${unlogged ? 'UNLOGGED' : 'LOGGED'}`);
        });
      case 'addColumns':
      case 'addColumn':
        return this.withName(0, (t) => {
          const columns = this.columns(1, t);
          if (!columns) return;
          const ifNotExists = this.flag(2, 'ifNotExists', 'IF NOT EXISTS ');
          for (const c of columns.defs) this.emit.sql(`ALTER TABLE ${qualified(t)} ADD ${ifNotExists}${c.sql}`, c.at);
          for (const c of columns.constraints) this.sql(`ALTER TABLE ${qualified(t)} ADD ${c}`);
        });
      case 'dropColumns':
      case 'dropColumn':
        return this.withName(0, (t) => {
          const v = arg(link, 1);
          const names = v.kind === 'object' ? [...v.props.keys()] : asStrings(v);
          if (!names) return emit.unanalysed(argNode(link, 1), notStatic('the column names', v));
          const ifExists = this.flag(2, 'ifExists', 'IF EXISTS ');
          const cascade = this.flag(2, 'cascade', ' CASCADE');
          this.sql(`ALTER TABLE ${qualified(t)} ${names.map((n) => `DROP ${ifExists}${ident(n)}${cascade}`).join(', ')}`);
        });
      case 'renameColumn':
        return this.withName(0, (t) => this.withString(1, (from) => this.withString(2, (to) => this.sql(`ALTER TABLE ${qualified(t)} RENAME ${ident(from)} TO ${ident(to)}`))));
      case 'alterColumn':
        return this.withName(0, (t) => this.withString(1, (col) => this.alterColumn(t, col)));
      case 'addConstraint':
      case 'createConstraint':
        return this.withName(0, (t) => {
          const nameValue = arg(link, 1);
          const name = nameValue.kind === 'null' || nameValue.kind === 'undefined' ? null : asString(nameValue);
          if (name === undefined) return emit.unanalysed(argNode(link, 1), notStatic('the constraint name', nameValue));
          const spec = arg(link, 2);
          if (spec.kind === 'string') return this.sql(`ALTER TABLE ${qualified(t)} ADD ${name ? `CONSTRAINT ${ident(name)} ` : ''}${spec.value}`);
          if (spec.kind !== 'object') return emit.unanalysed(argNode(link, 2), notStatic('the constraint', spec));
          const constraints = this.constraints(t, spec, name);
          if (constraints && constraints.length > 0) this.sql(`ALTER TABLE ${qualified(t)} ${constraints.map((c) => `ADD ${c}`).join(', ')}`);
        });
      case 'dropConstraint':
        return this.withName(0, (t) =>
          this.withString(1, (name) => this.sql(`ALTER TABLE ${qualified(t)} DROP CONSTRAINT ${this.flag(2, 'ifExists', 'IF EXISTS ')}${ident(name)}${this.flag(2, 'cascade', ' CASCADE')}`)),
        );
      case 'renameConstraint':
        return this.withName(0, (t) => this.withString(1, (from) => this.withString(2, (to) => this.sql(`ALTER TABLE ${qualified(t)} RENAME CONSTRAINT ${ident(from)} TO ${ident(to)}`))));
      case 'createIndex':
      case 'addIndex':
        return this.withName(0, (t) => this.createIndex(t));
      case 'dropIndex':
        return this.withName(0, (t) => {
          const name = this.indexName(t, 2);
          if (name === undefined) return;
          this.sql(`DROP INDEX ${this.flag(2, 'concurrently', 'CONCURRENTLY ')}${this.flag(2, 'ifExists', 'IF EXISTS ')}${qualified(name)}${this.flag(2, 'cascade', ' CASCADE')}`);
        });
      case 'createType':
      case 'addType':
        return this.withName(0, (t) => {
          const v = arg(link, 1);
          const values = asStrings(v);
          if (values) return this.sql(`CREATE TYPE ${qualified(t)} AS ENUM (${values.map(literal).join(', ')})`);
          if (v.kind === 'object') {
            const attrs = [...v.props].map(([k, located]) => `${ident(k)} ${this.typeOf(evaluate(located.expr, located.scope)) ?? 'text'}`);
            return this.sql(`CREATE TYPE ${qualified(t)} AS (${attrs.join(', ')})`);
          }
          emit.unanalysed(argNode(link, 1), notStatic('the type definition', v));
        });
      case 'addTypeValue':
        return this.withName(0, (t) =>
          this.withString(1, (value) => {
            const opts = arg(link, 2);
            const before = opts.kind === 'object' ? optionString(opts, 'before') : undefined;
            const after = opts.kind === 'object' ? optionString(opts, 'after') : undefined;
            const place = before !== undefined ? ` BEFORE ${literal(before)}` : after !== undefined ? ` AFTER ${literal(after)}` : '';
            this.sql(`ALTER TYPE ${qualified(t)} ADD VALUE ${this.flag(2, 'ifNotExists', 'IF NOT EXISTS ')}${literal(value)}${place}`);
          }),
        );
      case 'renameTypeValue':
        return this.withName(0, (t) => this.withString(1, (from) => this.withString(2, (to) => this.sql(`ALTER TYPE ${qualified(t)} RENAME VALUE ${literal(from)} TO ${literal(to)}`))));
      case 'dropType':
        return this.withName(0, (t) => this.sql(`DROP TYPE ${this.flag(1, 'ifExists', 'IF EXISTS ')}${qualified(t)}${this.flag(1, 'cascade', ' CASCADE')}`));
      case 'renameType':
        return this.withName(0, (t) => this.withString(1, (to) => this.sql(`ALTER TYPE ${qualified(t)} RENAME TO ${ident(to)}`)));
      case 'createSchema':
        return this.withString(0, (s) => this.sql(`CREATE SCHEMA ${this.flag(1, 'ifNotExists', 'IF NOT EXISTS ')}${ident(s)}`));
      case 'dropSchema':
        return this.withString(0, (s) => this.sql(`DROP SCHEMA ${this.flag(1, 'ifExists', 'IF EXISTS ')}${ident(s)}${this.flag(1, 'cascade', ' CASCADE')}`));
      case 'renameSchema':
        return this.withString(0, (s) => this.withString(1, (to) => this.sql(`ALTER SCHEMA ${ident(s)} RENAME TO ${ident(to)}`)));
      case 'createExtension':
      case 'addExtension':
      case 'dropExtension': {
        const v = arg(link, 0);
        const names = asStrings(v);
        if (!names) return emit.unanalysed(argNode(link, 0), notStatic('the extension name', v));
        const create = m !== 'dropExtension';
        for (const n of names) this.sql(create ? `CREATE EXTENSION ${this.flag(1, 'ifNotExists', 'IF NOT EXISTS ')}${ident(n)}` : `DROP EXTENSION ${this.flag(1, 'ifExists', 'IF EXISTS ')}${ident(n)}`);
        return;
      }
      case 'createSequence':
        return this.withName(0, (t) => this.sql(`CREATE SEQUENCE ${this.flag(1, 'ifNotExists', 'IF NOT EXISTS ')}${qualified(t)}`));
      case 'dropSequence':
        return this.withName(0, (t) => this.sql(`DROP SEQUENCE ${this.flag(1, 'ifExists', 'IF EXISTS ')}${qualified(t)}`));
      case 'createView':
      case 'createMaterializedView':
        return this.withName(0, (t) => {
          const definition = arg(link, 2);
          if (definition.kind !== 'string') return emit.unanalysed(argNode(link, 2), notStatic('the view definition', definition));
          const materialized = m === 'createMaterializedView';
          const replace = !materialized && this.flag(1, 'replace', 'OR REPLACE ');
          this.sql(`CREATE ${replace}${materialized ? 'MATERIALIZED ' : ''}VIEW ${materialized ? this.flag(1, 'ifNotExists', 'IF NOT EXISTS ') : ''}${qualified(t)} AS ${definition.value}`);
        });
      case 'dropView':
      case 'dropMaterializedView':
        return this.withName(0, (t) =>
          this.sql(`DROP ${m === 'dropMaterializedView' ? 'MATERIALIZED ' : ''}VIEW ${this.flag(1, 'ifExists', 'IF EXISTS ')}${qualified(t)}${this.flag(1, 'cascade', ' CASCADE')}`),
        );
      case 'refreshMaterializedView':
        return this.withName(0, (t) => this.sql(`REFRESH MATERIALIZED VIEW ${this.flag(1, 'concurrently', 'CONCURRENTLY ')}${qualified(t)}`));
      default:
        return emit.unanalysed(link.node, `rollsafe does not model \`pgm.${m}\``);
    }
  }

  private sql(sql: string, at: At = this.link.node): void {
    this.emit.sql(sql, at);
  }

  /** `text` when option `key` of argument `i` is true, else ''. */
  private flag(i: number, key: string, text: string): string {
    const v = arg(this.link, i);
    return v.kind === 'object' && optionBoolean(v, key) ? text : '';
  }

  /** A name argument: a string or `{ schema, name }`. */
  private withName(i: number, then: (name: ObjectName) => void): void {
    const v = arg(this.link, i);
    const name = objectName(v);
    if (!name) return this.emit.unanalysed(argNode(this.link, i), notStatic('the name', v));
    then(name);
  }

  private withString(i: number, then: (s: string) => void): void {
    const v = arg(this.link, i);
    if (v.kind !== 'string') return this.emit.unanalysed(argNode(this.link, i), notStatic('the name', v));
    then(v.value);
  }

  private createTable(): void {
    this.withName(0, (t) => {
      const columns = this.columns(1, t);
      if (!columns) return;
      const opts = arg(this.link, 2);
      const parts = [...columns.defs.map((c) => c.sql), ...columns.constraints];
      if (opts.kind === 'object') {
        const constraints = option(opts, 'constraints');
        if (constraints.kind === 'object') parts.push(...(this.constraints(t, constraints, null) ?? []));
        const like = objectName(option(opts, 'like'));
        if (like) parts.unshift(`LIKE ${qualified(like)}`);
      }
      const kind = this.flag(2, 'temporary', 'TEMPORARY ') || this.flag(2, 'unlogged', 'UNLOGGED ');
      const inherits = opts.kind === 'object' ? objectName(option(opts, 'inherits')) : undefined;
      this.sql(`CREATE ${kind}TABLE ${this.flag(2, 'ifNotExists', 'IF NOT EXISTS ')}${qualified(t)} (${parts.join(', ')})${inherits ? ` INHERITS (${qualified(inherits)})` : ''}`);
    });
  }

  /** The file's `shorthands` export (`exports.shorthands = {…}` / `export const shorthands = {…}`). */
  private shorthands(): Map<string, Located> {
    const found = new Map<string, Located>();
    let top: Scope = this.link.scope;
    while (top.parent) top = top.parent;
    const exported = top.lookup('shorthands');
    const add = (v: StaticValue): void => {
      if (v.kind === 'object') for (const [k, l] of v.props) found.set(k, l);
    };
    if (exported?.kind === 'expr') add(evaluate(exported.expr, exported.scope));
    for (const statement of this.ctx.walker.source.file.statements) {
      if (!ts.isExpressionStatement(statement) || !ts.isBinaryExpression(statement.expression)) continue;
      const left = statement.expression.left;
      if (ts.isPropertyAccessExpression(left) && left.name.text === 'shorthands') add(evaluate(statement.expression.right, top));
    }
    return found;
  }

  /** A column definition (`'text'` or `{ type, notNull, … }`) with its type's shorthand (the file's, or `id`) merged in. */
  private definition(v: StaticValue, shorthands: Map<string, Located>, depth = 0): Map<string, StaticValue> | undefined {
    let props: Map<string, StaticValue>;
    if (v.kind === 'string') props = new Map([['type', v]]);
    else if (v.kind === 'object') props = new Map([...v.props].map(([k, l]) => [k, evaluate(l.expr, l.scope)]));
    else return undefined;
    const type = props.get('type');
    if (type?.kind === 'string' && depth <= 5) {
      const located = shorthands.get(type.value);
      const base = located
        ? this.definition(evaluate(located.expr, located.scope), shorthands, depth + 1)
        : type.value === 'id'
          ? new Map<string, StaticValue>([
              ['type', { kind: 'string', value: 'serial' }],
              ['primaryKey', { kind: 'boolean', value: true }],
            ])
          : undefined;
      if (base) {
        for (const [k, x] of props) if (k !== 'type') base.set(k, x);
        return base;
      }
    }
    return props;
  }

  private typeOf(v: StaticValue): string | undefined {
    if (v.kind === 'string') return TYPE_ADAPTERS[v.value] ?? v.value;
    return undefined;
  }

  /** Column definitions of argument `i`: their SQL (at each property), and table constraints they imply. */
  private columns(i: number, table: ObjectName): { defs: { sql: string; at: At }[]; constraints: string[] } | undefined {
    const v = arg(this.link, i);
    if (v.kind !== 'object') {
      this.emit.unanalysed(argNode(this.link, i), notStatic('the column definitions', v));
      return undefined;
    }
    const shorthands = this.shorthands();
    const defs: { name: string; props: Map<string, StaticValue>; at: At }[] = [];
    for (const [name, located] of v.props) {
      const at: At = located.expr.parent && ts.isPropertyAssignment(located.expr.parent) ? located.expr.parent : located.expr;
      const props = this.definition(evaluate(located.expr, located.scope), shorthands);
      if (!props) {
        this.emit.unanalysed(at, `the definition of column ${name} is known only at run time`);
        continue;
      }
      defs.push({ name, props, at });
    }
    const primary = defs.filter((d) => isTrue(d.props.get('primaryKey')));
    const out: { sql: string; at: At }[] = [];
    for (const d of defs) {
      const sql = this.columnSql(d.name, d.props, primary.length > 1, d.at);
      if (sql) out.push({ sql, at: d.at });
    }
    const constraints = primary.length > 1 ? [`CONSTRAINT ${ident(`${table.name}_pkey`)} PRIMARY KEY (${primary.map((p) => ident(p.name)).join(', ')})`] : [];
    return { defs: out, constraints };
  }

  private columnSql(name: string, props: Map<string, StaticValue>, compositeKey: boolean, at: At): string | undefined {
    const type = this.typeOf(props.get('type') ?? { kind: 'undefined' });
    if (!type) {
      this.emit.unanalysed(at, `the type of column ${name} is known only at run time`);
      return undefined;
    }
    const parts: string[] = [];
    const str = (k: string): string | undefined => {
      const v = props.get(k);
      return v?.kind === 'string' ? v.value : undefined;
    };
    if (str('collation')) parts.push(`COLLATE ${str('collation')}`);
    const def = props.get('default');
    if (def && def.kind !== 'undefined') parts.push(`DEFAULT ${escapeValue(def) ?? '$1'}`);
    if (isTrue(props.get('unique'))) parts.push('UNIQUE');
    if (isTrue(props.get('primaryKey')) && !compositeKey) parts.push('PRIMARY KEY');
    if (isTrue(props.get('notNull'))) parts.push('NOT NULL');
    if (str('check')) parts.push(`CHECK (${str('check')})`);
    const references = props.get('references');
    if (references && references.kind !== 'undefined') {
      const refName = str('referencesConstraintName');
      const ref = references.kind === 'string' && (references.value.startsWith('"') || references.value.endsWith(')')) ? references.value : objectName(references);
      if (!ref) {
        this.emit.unanalysed(at, `the table column ${name} references is known only at run time`);
        return undefined;
      }
      let clause = `${refName ? `CONSTRAINT ${ident(refName)} ` : ''}REFERENCES ${typeof ref === 'string' ? ref : qualified(ref)}`;
      if (str('onDelete')) clause += ` ON DELETE ${str('onDelete')}`;
      if (str('onUpdate')) clause += ` ON UPDATE ${str('onUpdate')}`;
      parts.push(clause);
    }
    const generated = props.get('sequenceGenerated');
    if (generated?.kind === 'object') parts.push(`GENERATED ${optionString(generated, 'precedence') ?? 'BY DEFAULT'} AS IDENTITY`);
    if (str('expressionGenerated')) parts.push(`GENERATED ALWAYS AS (${str('expressionGenerated')}) STORED`);
    const array = props.get('array');
    const fullType = array?.kind === 'boolean' && array.value ? `${type} ARRAY` : array?.kind === 'number' ? `${type} ARRAY[${array.value}]` : type;
    return `${ident(name)} ${fullType}${parts.length > 0 ? ` ${parts.join(' ')}` : ''}`;
  }

  /** `CONSTRAINT …` clauses of a constraints object, named as node-pg-migrate names them. */
  private constraints(table: ObjectName, spec: Obj, name: string | null): string[] | undefined {
    const out: string[] = [];
    const t = table.name;
    const check = option(spec, 'check');
    const checks = asStrings(check);
    if (checks) {
      if (check.kind === 'array') checks.forEach((c, i) => out.push(`CONSTRAINT ${ident(name || `${t}_chck_${i + 1}`)} CHECK (${c})`));
      else out.push(`CONSTRAINT ${ident(name || `${t}_chck`)} CHECK (${checks[0]})`);
    }
    const unique = option(spec, 'unique');
    if (unique.kind !== 'undefined') {
      const sets = unique.kind === 'array' && unique.items.some((i) => evaluate(i.expr, i.scope).kind === 'array') ? unique.items.map((i) => asStrings(evaluate(i.expr, i.scope))) : [asStrings(unique)];
      for (const cols of sets) {
        if (!cols) {
          this.emit.unanalysed(this.link.node, 'the unique columns are known only at run time');
          return undefined;
        }
        out.push(`CONSTRAINT ${ident(name || `${t}_uniq_${cols.join('_')}`)} UNIQUE (${cols.map(ident).join(', ')})`);
      }
    }
    const primary = option(spec, 'primaryKey');
    if (primary.kind !== 'undefined') {
      const cols = asStrings(primary);
      if (!cols) {
        this.emit.unanalysed(this.link.node, 'the primary key columns are known only at run time');
        return undefined;
      }
      out.push(`CONSTRAINT ${ident(name || `${t}_pkey`)} PRIMARY KEY (${cols.map(ident).join(', ')})`);
    }
    const fks = option(spec, 'foreignKeys');
    if (fks.kind !== 'undefined') {
      const list = fks.kind === 'array' ? fks.items.map((i) => evaluate(i.expr, i.scope)) : [fks];
      for (const fk of list) {
        const cols = fk.kind === 'object' ? asStrings(option(fk, 'columns')) : undefined;
        const ref = fk.kind === 'object' ? objectName(option(fk, 'references')) : undefined;
        if (fk.kind !== 'object' || !cols || !ref) {
          this.emit.unanalysed(this.link.node, 'the foreign key is known only at run time');
          return undefined;
        }
        let clause = `CONSTRAINT ${ident(optionString(fk, 'referencesConstraintName') || name || `${t}_fk_${cols.join('_')}`)} FOREIGN KEY (${cols.map(ident).join(', ')}) REFERENCES ${qualified(ref)}`;
        const onDelete = optionString(fk, 'onDelete');
        const onUpdate = optionString(fk, 'onUpdate');
        if (onDelete) clause += ` ON DELETE ${onDelete}`;
        if (onUpdate) clause += ` ON UPDATE ${onUpdate}`;
        out.push(clause);
      }
    }
    const exclude = optionString(spec, 'exclude');
    if (exclude) out.push(`CONSTRAINT ${ident(name || `${t}_excl`)} EXCLUDE ${exclude}`);
    return out;
  }

  private alterColumn(table: ObjectName, column: string): void {
    const opts = arg(this.link, 2);
    if (opts.kind !== 'object') return this.emit.unanalysed(argNode(this.link, 2), notStatic('the column options', opts));
    const actions: string[] = [];
    const def = option(opts, 'default');
    if (def.kind === 'null') actions.push('DROP DEFAULT');
    else if (def.kind !== 'undefined') actions.push(`SET DEFAULT ${escapeValue(def) ?? '$1'}`);
    const type = optionString(opts, 'type');
    if (type) {
      const collation = optionString(opts, 'collation');
      const using = optionString(opts, 'using');
      actions.push(`SET DATA TYPE ${TYPE_ADAPTERS[type] ?? type}${collation ? ` COLLATE ${collation}` : ''}${using ? ` USING ${using}` : ''}`);
    }
    const notNull = optionBoolean(opts, 'notNull');
    if (notNull) actions.push('SET NOT NULL');
    else if (notNull === false || optionBoolean(opts, 'allowNull')) actions.push('DROP NOT NULL');
    if (actions.length > 0) this.sql(`ALTER TABLE ${qualified(table)} ${actions.map((a) => `ALTER ${ident(column)} ${a}`).join(', ')}`);
  }

  /** The index name: `options.name`, else `<table>_<columns>[_unique]_index`. */
  private indexName(table: ObjectName, optionsIndex: number): ObjectName | undefined {
    const opts = arg(this.link, optionsIndex);
    const explicit = opts.kind === 'object' ? optionString(opts, 'name') : undefined;
    if (explicit) return table.schema ? { schema: table.schema, name: explicit } : { name: explicit };
    const columns = this.indexColumns();
    if (!columns) return undefined;
    const unique = opts.kind === 'object' && optionBoolean(opts, 'unique') ? '_unique' : '';
    const name = `${table.name}_${columns.map((c) => c.name).join('_')}${unique}_index`;
    return table.schema ? { schema: table.schema, name } : { name };
  }

  private indexColumns(): { name: string; sql: string }[] | undefined {
    const v = arg(this.link, 1);
    const items = v.kind === 'array' ? v.items.map((i) => evaluate(i.expr, i.scope)) : [v];
    const out: { name: string; sql: string }[] = [];
    for (const item of items) {
      if (item.kind === 'string') {
        const expression = /[^\w".]/.test(item.value);
        out.push({ name: item.value, sql: expression ? (/\)$/.test(item.value) ? item.value : `(${item.value})`) : ident(item.value) });
      } else if (item.kind === 'object' && optionString(item, 'name')) {
        const name = optionString(item, 'name')!;
        const sort = optionString(item, 'sort');
        const opclass = optionString(item, 'opclass');
        out.push({ name, sql: `${ident(name)}${opclass ? ` ${opclass}` : ''}${sort ? ` ${sort}` : ''}` });
      } else {
        this.emit.unanalysed(argNode(this.link, 1), notStatic('the indexed columns', item));
        return undefined;
      }
    }
    return out;
  }

  private createIndex(table: ObjectName): void {
    const columns = this.indexColumns();
    const name = this.indexName(table, 2);
    if (!columns || !name) return;
    const opts = arg(this.link, 2);
    const method = opts.kind === 'object' ? optionString(opts, 'method') : undefined;
    const where = opts.kind === 'object' ? optionString(opts, 'where') : undefined;
    const include = opts.kind === 'object' ? asStrings(option(opts, 'include')) : undefined;
    this.sql(
      `CREATE ${this.flag(2, 'unique', 'UNIQUE ')}INDEX ${this.flag(2, 'concurrently', 'CONCURRENTLY ')}${this.flag(2, 'ifNotExists', 'IF NOT EXISTS ')}${ident(name.name)} ON ${qualified(table)}${method ? ` USING ${method}` : ''} (${columns.map((c) => c.sql).join(', ')})${include ? ` INCLUDE (${include.map(ident).join(', ')})` : ''}${where ? ` WHERE ${where}` : ''}`,
    );
  }
}

function objectName(v: StaticValue): ObjectName | undefined {
  if (v.kind === 'string') return { name: v.value };
  if (v.kind === 'object') {
    const name = optionString(v, 'name');
    const schema = optionString(v, 'schema');
    if (name !== undefined) return schema !== undefined ? { schema, name } : { name };
  }
  return undefined;
}

function isTrue(v: StaticValue | undefined): boolean {
  return v?.kind === 'boolean' && v.value;
}

