/**
 * Random migration histories that Postgres accepts, statement by statement (with a few deliberate mistakes).
 * fast-check draws a list of abstract steps (numbers); `renderHistory` interprets them against a small model of
 * its own (schemas, tables, columns, views, enum types, indexes) so that every statement fits the schema the
 * earlier ones built — except the mistakes, which Postgres must reject and rollsafe must flag.
 * Shrinking works on the numbers, so a failure shrinks to a short history.
 */
import fc from 'fast-check';

interface EnumType {
  schema: string;
  name: string;
  values: string[];
}

type ColumnType =
  | { kind: 'int'; sql: 'integer' | 'bigint' | 'smallint' }
  | { kind: 'text'; sql: 'text' | 'varchar(40)' | 'varchar(200)' }
  | { kind: 'other'; sql: 'boolean' | 'numeric(10,2)' | 'timestamptz' | 'date' | 'jsonb' | 'uuid' | 'text[]' }
  | { kind: 'enum'; type: EnumType };

interface Column {
  name: string;
  type: ColumnType;
  notNull: boolean;
  default?: string;
  /** serial / identity: no type changes on these. */
  generatedKey?: boolean;
}

interface Table {
  schema: string;
  name: string;
  columns: Column[];
  primaryKey?: Column;
}

interface View {
  schema: string;
  name: string;
  table: Table;
  /** The table columns the view reads (by identity: they follow renames). */
  reads: Column[];
  outputs: string[];
}

interface Index {
  schema: string;
  name: string;
  table: Table;
  columns: Column[];
}

interface State {
  schemas: string[];
  tables: Table[];
  views: View[];
  enums: EnumType[];
  indexes: Index[];
  counter: number;
}

/** One abstract step: which operation, and numbers that pick its targets and options. */
export type Step = [op: number, a: number, b: number, c: number];

export const step: fc.Arbitrary<Step> = fc.tuple(fc.nat(99), fc.nat(1000), fc.nat(1000), fc.nat(1000));

export interface GeneratedStatement {
  sql: string;
  /** A deliberate mistake: Postgres rejects it. */
  mistake: boolean;
}

export interface GeneratedMigration {
  statements: GeneratedStatement[];
  text: string;
}

const KEYWORDS = new Set(['user', 'order', 'table', 'select', 'from', 'check', 'default', 'column']);

export function quote(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) && !KEYWORDS.has(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

function qualified(o: { schema: string; name: string }): string {
  return o.schema === 'public' ? quote(o.name) : `${quote(o.schema)}.${quote(o.name)}`;
}

function pick<T>(items: readonly T[], n: number): T | undefined {
  return items.length === 0 ? undefined : items[n % items.length];
}

function typeSql(t: ColumnType): string {
  return t.kind === 'enum' ? qualified(t.type) : t.sql;
}

function defaultFor(t: ColumnType, n: number): string | undefined {
  switch (t.kind) {
    case 'int':
      return ['0', '42', '-1'][n % 3];
    case 'text':
      return ["'x'", "''", "'it''s'"][n % 3];
    case 'enum':
      return t.type.values.length > 0 ? `'${t.type.values[n % t.type.values.length]}'` : undefined;
    default:
      return { boolean: 'false', 'numeric(10,2)': '1.50', timestamptz: 'now()', date: 'CURRENT_DATE', jsonb: "'{}'", uuid: 'gen_random_uuid()', 'text[]': "'{}'" }[t.sql];
  }
}

const PLAIN_TYPES: ColumnType[] = [
  { kind: 'int', sql: 'integer' },
  { kind: 'int', sql: 'bigint' },
  { kind: 'int', sql: 'smallint' },
  { kind: 'text', sql: 'text' },
  { kind: 'text', sql: 'varchar(40)' },
  { kind: 'other', sql: 'boolean' },
  { kind: 'other', sql: 'numeric(10,2)' },
  { kind: 'other', sql: 'timestamptz' },
  { kind: 'other', sql: 'date' },
  { kind: 'other', sql: 'jsonb' },
  { kind: 'other', sql: 'uuid' },
  { kind: 'other', sql: 'text[]' },
];

class Generator {
  readonly state: State = { schemas: ['public'], tables: [], views: [], enums: [], indexes: [], counter: 0 };
  readonly out: GeneratedStatement[] = [];

  private fresh(prefix: string, n: number): string {
    this.state.counter++;
    // Now and then a name that needs quotes.
    return n % 11 === 0 ? `${prefix.toUpperCase()}${this.state.counter} x` : `${prefix}${this.state.counter}`;
  }

  private emit(sql: string, mistake = false): void {
    this.out.push({ sql, mistake });
  }

  private typeFor(n: number, schema: string): ColumnType {
    const enums = this.state.enums.filter((e) => e.schema === 'public' || e.schema === schema);
    if (n % 7 === 0 && enums.length > 0) return { kind: 'enum', type: enums[n % enums.length]! };
    return PLAIN_TYPES[n % PLAIN_TYPES.length]!;
  }

  private columnDef(c: Column): string {
    if (c.generatedKey) return `${quote(c.name)} ${c.type.kind === 'int' && c.type.sql === 'integer' ? 'serial' : 'bigint GENERATED ALWAYS AS IDENTITY'}`;
    return `${quote(c.name)} ${typeSql(c.type)}${c.default !== undefined ? ` DEFAULT ${c.default}` : ''}${c.notNull ? ' NOT NULL' : ''}`;
  }

  private newColumn(n: number, schema: string, taken: readonly Column[]): Column {
    let name = this.fresh('c', n);
    if (taken.some((c) => c.name === name)) name = `${name}_b`;
    const type = this.typeFor(n >> 2, schema);
    const column: Column = { name, type, notNull: n % 3 === 0 };
    const def = n % 2 === 0 ? defaultFor(type, n >> 3) : undefined;
    if (def !== undefined) column.default = def;
    return column;
  }

  private viewsReading(c: Column): View[] {
    return this.state.views.filter((v) => v.reads.includes(c));
  }

  private dropViews(views: readonly View[]): void {
    this.state.views = this.state.views.filter((v) => !views.includes(v));
  }

  private dropTableObjects(t: Table): void {
    this.dropViews(this.state.views.filter((v) => v.table === t));
    this.state.indexes = this.state.indexes.filter((i) => i.table !== t);
    this.state.tables = this.state.tables.filter((x) => x !== t);
  }

  /** Clone the state (for BEGIN … ROLLBACK), keeping identities consistent inside the copy. */
  private snapshot(): State {
    const enums = new Map(this.state.enums.map((e) => [e, { ...e, values: [...e.values] }]));
    const columns = new Map<Column, Column>();
    const col = (c: Column): Column => {
      let copy = columns.get(c);
      if (!copy) {
        copy = { ...c, type: c.type.kind === 'enum' ? { kind: 'enum', type: enums.get(c.type.type)! } : c.type };
        columns.set(c, copy);
      }
      return copy;
    };
    const tables = new Map(this.state.tables.map((t) => [t, { ...t, columns: t.columns.map(col), ...(t.primaryKey ? { primaryKey: col(t.primaryKey) } : {}) }]));
    return {
      schemas: [...this.state.schemas],
      tables: [...tables.values()],
      views: this.state.views.map((v) => ({ ...v, table: tables.get(v.table)!, reads: v.reads.map(col), outputs: [...v.outputs] })),
      enums: [...enums.values()],
      indexes: this.state.indexes.map((i) => ({ ...i, table: tables.get(i.table)!, columns: i.columns.map(col) })),
      counter: this.state.counter,
    };
  }

  run([op, a, b, c]: Step, allowMistakes: boolean): void {
    const s = this.state;
    const table = pick(s.tables, a);
    const column = table ? pick(table.columns, b) : undefined;
    switch (op % 30) {
      case 0: {
        const name = this.fresh('s', a);
        s.schemas.push(name);
        return this.emit(`CREATE SCHEMA ${quote(name)}`);
      }
      case 1:
      case 2:
      case 3: {
        const schema = b % 3 === 0 ? (pick(s.schemas, c) ?? 'public') : 'public';
        const t: Table = { schema, name: this.fresh('t', a), columns: [] };
        const count = 1 + (c % 4);
        for (let i = 0; i < count; i++) t.columns.push(this.newColumn(a + b * (i + 1) + c * i, schema, t.columns));
        const parts = t.columns.map((col, i) => {
          if (i === 0 && b % 2 === 0) {
            col.notNull = true;
            t.primaryKey = col;
            if (c % 3 === 0 && col.type.kind === 'int' && col.type.sql !== 'smallint') {
              col.generatedKey = true;
              delete col.default;
            }
            return `${this.columnDef(col)} PRIMARY KEY`;
          }
          return this.columnDef(col);
        });
        s.tables.push(t);
        return this.emit(`CREATE TABLE ${qualified(t)} (${parts.join(', ')})`);
      }
      case 4:
      case 5: {
        if (!table) return;
        const col = this.newColumn(b + c, table.schema, table.columns);
        // NOT NULL without a default is fine on an empty table.
        table.columns.push(col);
        return this.emit(`ALTER TABLE ${qualified(table)} ADD COLUMN ${this.columnDef(col)}`);
      }
      case 6: {
        if (!table || !column) return;
        const views = this.viewsReading(column);
        const cascade = views.length > 0 || c % 4 === 0;
        table.columns = table.columns.filter((x) => x !== column);
        if (table.primaryKey === column) delete table.primaryKey;
        this.dropViews(views);
        s.indexes = s.indexes.filter((i) => !i.columns.includes(column));
        return this.emit(`ALTER TABLE ${qualified(table)} DROP COLUMN ${quote(column.name)}${cascade ? ' CASCADE' : ''}`);
      }
      case 7: {
        if (!table || !column) return;
        const old = column.name;
        column.name = this.fresh('c', c);
        return this.emit(`ALTER TABLE ${qualified(table)} RENAME COLUMN ${quote(old)} TO ${quote(column.name)}`);
      }
      case 8: {
        if (!table) return;
        const old = qualified(table);
        table.name = this.fresh('t', c);
        return this.emit(`ALTER TABLE ${old} RENAME TO ${quote(table.name)}`);
      }
      case 9: {
        if (!table) return;
        const target = pick(s.schemas, b)!;
        // Enum columns of the old schema's types would leave the table pointing across schemas: fine for Postgres, skipped here.
        if (target === table.schema || table.columns.some((x) => x.type.kind === 'enum' && x.type.type.schema !== 'public')) return;
        const old = qualified(table);
        table.schema = target;
        for (const i of s.indexes) if (i.table === table) i.schema = target;
        return this.emit(`ALTER TABLE ${old} SET SCHEMA ${quote(target)}`);
      }
      case 10:
      case 11: {
        if (!table || !column || column.generatedKey || this.viewsReading(column).length > 0) return;
        const from = column.type;
        let to: ColumnType | undefined;
        if (from.kind === 'int') to = c % 2 === 0 ? { kind: 'int', sql: 'bigint' } : { kind: 'text', sql: 'text' };
        else if (from.kind === 'text') to = c % 2 === 0 ? { kind: 'text', sql: 'text' } : { kind: 'text', sql: 'varchar(200)' };
        else if (from.kind === 'enum') to = { kind: 'text', sql: 'text' };
        else if (from.sql === 'boolean' || from.sql === 'date') to = { kind: 'text', sql: 'text' };
        if (!to) return;
        column.type = to;
        // An enum column's default is dropped first: its text ('a'::mood) would not survive as text.
        const dropDefault = from.kind === 'enum' && column.default !== undefined;
        if (dropDefault) delete column.default;
        const using = c % 3 === 0 || from.kind === 'enum' ? ` USING ${quote(column.name)}::${typeSql(to)}` : '';
        if (dropDefault) this.emit(`ALTER TABLE ${qualified(table)} ALTER COLUMN ${quote(column.name)} DROP DEFAULT`);
        return this.emit(`ALTER TABLE ${qualified(table)} ALTER COLUMN ${quote(column.name)} TYPE ${typeSql(to)}${using}`);
      }
      case 12: {
        if (!table || !column) return;
        column.notNull = true;
        return this.emit(`ALTER TABLE ${qualified(table)} ALTER COLUMN ${quote(column.name)} SET NOT NULL`);
      }
      case 13: {
        if (!table || !column || table.primaryKey === column || column.generatedKey) return;
        column.notNull = false;
        return this.emit(`ALTER TABLE ${qualified(table)} ALTER COLUMN ${quote(column.name)} DROP NOT NULL`);
      }
      case 14: {
        if (!table || !column || column.generatedKey) return;
        const def = defaultFor(column.type, c);
        if (def === undefined) return;
        column.default = def;
        return this.emit(`ALTER TABLE ${qualified(table)} ALTER COLUMN ${quote(column.name)} SET DEFAULT ${def}`);
      }
      case 15: {
        if (!table || !column || column.generatedKey) return;
        delete column.default;
        return this.emit(`ALTER TABLE ${qualified(table)} ALTER COLUMN ${quote(column.name)} DROP DEFAULT`);
      }
      case 16: {
        if (!table) return;
        const cascade = s.views.some((v) => v.table === table) || c % 5 === 0;
        this.dropTableObjects(table);
        return this.emit(`DROP TABLE ${qualified(table)}${cascade ? ' CASCADE' : ''}`);
      }
      case 17:
      case 18: {
        if (!table || table.columns.length === 0) return;
        const reads = [...new Set([column!, ...(c % 2 === 0 ? [pick(table.columns, c)!] : [])])];
        const outputs = reads.map((r, i) => (i === 1 && c % 4 === 0 ? `alias${i}` : r.name));
        const existing = pick(s.views.filter((v) => v.table === table && v.schema === table.schema), c);
        // CREATE OR REPLACE may only add columns at the end, keeping the old ones.
        if (existing && b % 2 === 0 && existing.reads.every((r) => table.columns.includes(r)) && !outputs.some((o) => existing.outputs.includes(o))) {
          const list = [...existing.reads.map((r, i) => `${quote(r.name)}${r.name === existing.outputs[i] ? '' : ` AS ${quote(existing.outputs[i]!)}`}`), ...reads.map((r, i) => `${quote(r.name)}${r.name === outputs[i] ? '' : ` AS ${quote(outputs[i]!)}`}`)];
          existing.reads.push(...reads);
          existing.outputs.push(...outputs);
          return this.emit(`CREATE OR REPLACE VIEW ${qualified(existing)} AS SELECT ${list.join(', ')} FROM ${qualified(table)}`);
        }
        const view: View = { schema: table.schema, name: this.fresh('v', a), table, reads, outputs };
        s.views.push(view);
        const list = reads.map((r, i) => `${quote(r.name)}${r.name === outputs[i] ? '' : ` AS ${quote(outputs[i]!)}`}`);
        return this.emit(`CREATE VIEW ${qualified(view)} AS SELECT ${list.join(', ')} FROM ${qualified(table)}`);
      }
      case 19: {
        const view = pick(s.views, a);
        if (!view) return;
        this.dropViews([view]);
        return this.emit(`DROP VIEW ${qualified(view)}`);
      }
      case 20: {
        const view = pick(s.views, a);
        if (!view) return;
        const old = qualified(view);
        view.name = this.fresh('v', b);
        return this.emit(`ALTER VIEW ${old} RENAME TO ${quote(view.name)}`);
      }
      case 21: {
        const schema = b % 4 === 0 ? pick(s.schemas, c)! : 'public';
        const type: EnumType = { schema, name: this.fresh('e', a), values: ['a', 'b', 'c'].slice(0, 1 + (c % 3)) };
        s.enums.push(type);
        return this.emit(`CREATE TYPE ${qualified(type)} AS ENUM (${type.values.map((v) => `'${v}'`).join(', ')})`);
      }
      case 22: {
        const type = pick(s.enums, a);
        if (!type) return;
        const value = `v${++s.counter}`;
        const before = c % 2 === 0 ? pick(type.values, b) : undefined;
        if (before) type.values.splice(type.values.indexOf(before), 0, value);
        else type.values.push(value);
        return this.emit(`ALTER TYPE ${qualified(type)} ADD VALUE '${value}'${before ? ` BEFORE '${before}'` : ''}`);
      }
      case 23: {
        const type = pick(s.enums, a);
        const value = type ? pick(type.values, b) : undefined;
        if (!type || value === undefined) return;
        const next = `r${++s.counter}`;
        type.values[type.values.indexOf(value)] = next;
        // Defaults hold the old label as text: Postgres keeps the enum value (by OID), so they follow.
        for (const t of s.tables) for (const col of t.columns) if (col.type.kind === 'enum' && col.type.type === type && col.default === `'${value}'`) col.default = `'${next}'`;
        return this.emit(`ALTER TYPE ${qualified(type)} RENAME VALUE '${value}' TO '${next}'`);
      }
      case 24: {
        const type = pick(s.enums, a);
        if (!type) return;
        const old = qualified(type);
        type.name = this.fresh('e', b);
        return this.emit(`ALTER TYPE ${old} RENAME TO ${quote(type.name)}`);
      }
      case 25: {
        if (!table || table.columns.length === 0) return;
        const cols = [...new Set([column!, ...(c % 3 === 0 ? [pick(table.columns, c)!] : [])])].filter((x) => x.type.kind !== 'other' || x.type.sql !== 'jsonb');
        if (cols.length === 0) return;
        const unique = c % 4 === 0;
        if (b % 2 === 0) {
          const index: Index = { schema: table.schema, name: this.fresh('i', c), table, columns: cols };
          s.indexes.push(index);
          return this.emit(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${quote(index.name)} ON ${qualified(table)} (${cols.map((x) => quote(x.name)).join(', ')})`);
        }
        // Unnamed: Postgres picks the name; rollsafe must pick the same. Not tracked for later drops.
        return this.emit(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX ON ${qualified(table)} (${cols.map((x) => quote(x.name)).join(', ')})`);
      }
      case 26: {
        const index = pick(s.indexes, a);
        if (!index) return;
        s.indexes = s.indexes.filter((i) => i !== index);
        return this.emit(`DROP INDEX ${qualified(index)}`);
      }
      case 27: {
        const index = pick(s.indexes, a);
        if (!index) return;
        const old = qualified(index);
        index.name = this.fresh('i', b);
        return this.emit(`ALTER INDEX ${old} RENAME TO ${quote(index.name)}`);
      }
      case 28: {
        const schema = pick(s.schemas.filter((x) => x !== 'public'), a);
        if (!schema) return;
        s.schemas = s.schemas.filter((x) => x !== schema);
        for (const t of s.tables.filter((x) => x.schema === schema)) this.dropTableObjects(t);
        this.dropViews(s.views.filter((v) => v.schema === schema));
        s.enums = s.enums.filter((e) => e.schema !== schema);
        return this.emit(`DROP SCHEMA ${quote(schema)} CASCADE`);
      }
      case 29: {
        if (allowMistakes && b % 3 === 0) return this.mistake(a, b, c);
        // A transaction rolled back: nothing of it remains.
        const saved = this.snapshot();
        this.emit('BEGIN');
        this.run([(c % 28) + 1, a, b, c], false);
        Object.assign(this.state, saved);
        return this.emit('ROLLBACK');
      }
    }
  }

  /** A statement Postgres rejects (run on its own, outside a transaction). */
  private mistake(a: number, b: number, c: number): void {
    const s = this.state;
    const table = pick(s.tables, a);
    const column = table ? pick(table.columns, b) : undefined;
    const kinds: (() => string | undefined)[] = [
      () => (table ? `ALTER TABLE ${qualified(table)} DROP COLUMN nope` : undefined),
      () => (table && column ? `ALTER TABLE ${qualified(table)} ADD COLUMN ${quote(column.name)} text` : undefined),
      () => (table ? `CREATE TABLE ${qualified(table)} (x int)` : undefined),
      () => {
        const other = table ? pick(table.columns, c) : undefined;
        return table && column && other && other !== column ? `ALTER TABLE ${qualified(table)} RENAME COLUMN ${quote(column.name)} TO ${quote(other.name)}` : undefined;
      },
      () => 'DROP TABLE missing_table',
      // rollsafe does not judge a table without columns (CREATE TABLE AS): docs/known-differences.md.
      () => (table && table.columns.length > 0 ? `CREATE VIEW ${quote(`bad${++s.counter}`)} AS SELECT nope FROM ${qualified(table)}` : undefined),
      () => {
        const type = pick(s.enums, a);
        return type && type.values.length > 0 ? `ALTER TYPE ${qualified(type)} ADD VALUE '${type.values[0]}'` : undefined;
      },
      () => {
        const schema = pick(s.schemas.filter((x) => x !== 'public' && (s.tables.some((t) => t.schema === x) || s.enums.some((e) => e.schema === x))), a);
        return schema ? `DROP SCHEMA ${quote(schema)}` : undefined;
      },
      () => {
        const view = pick(s.views, a);
        return view && view.reads[0] && view.table.columns.includes(view.reads[0]) ? `ALTER TABLE ${qualified(view.table)} DROP COLUMN ${quote(view.reads[0].name)}` : undefined;
      },
      () => {
        const view = pick(s.views, a);
        return view ? `DROP TABLE ${qualified(view.table)}` : undefined;
      },
      () => (table && table.primaryKey && !table.primaryKey.generatedKey ? `ALTER TABLE ${qualified(table)} ALTER COLUMN ${quote(table.primaryKey.name)} DROP NOT NULL` : undefined),
      () => (table ? `CREATE INDEX ON ${qualified(table)} (nope)` : undefined),
      () => `CREATE TABLE missing_schema.t${++s.counter} (x int)`,
      () => {
        const view = pick(s.views, a);
        const read = view?.reads.find((r) => view.table.columns.includes(r) && r.type.kind === 'int' && r.type.sql !== 'bigint');
        return view && read ? `ALTER TABLE ${qualified(view.table)} ALTER COLUMN ${quote(read.name)} TYPE bigint` : undefined;
      },
    ];
    for (let i = 0; i < kinds.length; i++) {
      const sql = kinds[(c + i) % kinds.length]!();
      if (sql) return this.emit(sql, true);
    }
  }
}

export interface HistoryOptions {
  /** Include deliberate mistakes (default true). */
  mistakes?: boolean;
}

/** Interpret steps into migrations: `cuts` split the statements into files. */
export function renderHistory(steps: readonly Step[], cuts: readonly number[], options: HistoryOptions = {}): GeneratedMigration[] {
  const g = new Generator();
  const boundaries: number[] = [];
  steps.forEach((s, i) => {
    g.run(s, options.mistakes ?? true);
    if (cuts.includes(i)) boundaries.push(g.out.length);
  });
  boundaries.push(g.out.length);
  const migrations: GeneratedMigration[] = [];
  let from = 0;
  for (const to of [...new Set(boundaries)].sort((x, y) => x - y)) {
    const statements = g.out.slice(from, to);
    from = to;
    if (statements.length === 0) continue;
    migrations.push({ statements, text: statements.map((st) => `${st.sql};\n`).join('') });
  }
  return migrations;
}

export const history = (options: HistoryOptions & { maxSteps?: number } = {}): fc.Arbitrary<GeneratedMigration[]> =>
  fc
    .tuple(fc.array(step, { minLength: 1, maxLength: options.maxSteps ?? 40, size: 'max' }), fc.array(fc.nat(60), { maxLength: 6 }))
    .map(([steps, cuts]) => renderHistory(steps, cuts, options));
