/**
 * Differential testing against Postgres itself: run migration SQL in PGlite (embedded Postgres 18), read
 * the catalog, and put the result in the same comparable shape as rollsafe's replayed Schema.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { parseSqlFile } from '../../src/sql/statements.js';
import type { Schema } from '../../src/schema/model.js';

export interface ColumnRow {
  /** `schema.table.column`. */
  column: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  /** Default text normalized for comparison, when it is a constant or a call without arguments; otherwise null. */
  defaultKey: string | null;
  identity: '' | 'a' | 'd';
  generated: '' | 's' | 'v';
}

export interface CatalogSnapshot {
  columns: ColumnRow[];
  /** `schema.type: a, b, c`. */
  enums: string[];
  /** `schema.view (m): a, b` (`m` for materialized). */
  views: string[];
  /** `schema.index on schema.table (unique)`. */
  indexes: string[];
}

export interface StatementError {
  path: string;
  statement: string;
  /** Lines of the statement in its file. */
  line: number;
  endLine: number;
  message: string;
}

/** A comparable form of a default: lower case, casts and spaces removed; null when not a simple constant or call. */
export function defaultKey(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  let key = text
    .toLowerCase()
    .replace(/::("[^"]*"|[a-z_][a-z0-9_]*)(\.("[^"]*"|[a-z_][a-z0-9_]*))?( [a-z]+)*(\(\d+(,\d+)?\))?(\[\])?/g, '')
    .replace(/\s+/g, '');
  while (key.startsWith('(') && key.endsWith(')')) key = key.slice(1, -1);
  key = key.replace(/^'(-?\d+(\.\d+)?)'$/, '$1');
  return /^('[^']*'|-?\d+(\.\d+)?|true|false|null|[a-z_]+\(\)|nextval\('[^']+'\)|current_timestamp|current_date)$/.test(key) ? key : null;
}

const SYSTEM_SCHEMAS = `n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_toast%' and n.nspname not like 'pg\\_temp%'`;

export class PostgresHarness {
  private constructor(private readonly db: PGlite) {}

  static async start(options: ConstructorParameters<typeof PGlite>[0] = {}): Promise<PostgresHarness> {
    const db = new PGlite(options);
    await db.waitReady;
    return new PostgresHarness(db);
  }

  get pglite(): PGlite {
    return this.db;
  }

  /** Back to an empty database: every user schema dropped, `public` recreated, settings reset. */
  async reset(): Promise<void> {
    await this.rollbackIfAborted();
    const { rows } = await this.db.query<{ nspname: string }>(`select nspname from pg_namespace n where ${SYSTEM_SCHEMAS}`);
    const drops = rows.map((r) => `drop schema "${r.nspname.replace(/"/g, '""')}" cascade;`).join('\n');
    await this.db.exec(`${drops}\ncreate schema public;\nreset all;`);
  }

  /**
   * Run migrations in order, statement by statement as `psql -f` does (so CREATE INDEX CONCURRENTLY works),
   * going on after an error like rollsafe does. Returns the statements Postgres rejected.
   */
  async run(migrations: { path: string; sql: string }[]): Promise<StatementError[]> {
    const errors: StatementError[] = [];
    for (const migration of migrations) {
      const file = parseSqlFile(migration.path, migration.sql);
      for (const statement of file.statements) {
        try {
          await this.db.exec(statement.text);
        } catch (error) {
          const { line, endLine } = statement.location;
          errors.push({ path: migration.path, statement: statement.text, line, endLine, message: error instanceof Error ? error.message : String(error) });
        }
      }
      await this.rollbackIfAborted();
      // Each migration starts in a fresh session (as `psql -f` gives it, and as rollsafe assumes).
      await this.db.exec('reset all');
    }
    return errors;
  }

  private async rollbackIfAborted(): Promise<void> {
    try {
      await this.db.query('select 1');
    } catch {
      await this.db.exec('rollback');
    }
  }

  async snapshot(): Promise<CatalogSnapshot> {
    const columns = await this.db.query<{
      table_schema: string;
      table_name: string;
      column_name: string;
      type: string;
      is_nullable: string;
      column_default: string | null;
      attidentity: string;
      attgenerated: string;
    }>(`
      select c.table_schema, c.table_name, c.column_name, format_type(a.atttypid, a.atttypmod) as type, c.is_nullable,
             c.column_default, a.attidentity::text as attidentity, a.attgenerated::text as attgenerated
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      join pg_namespace n on n.nspname = c.table_schema
      join pg_class r on r.relnamespace = n.oid and r.relname = c.table_name
      join pg_attribute a on a.attrelid = r.oid and a.attname = c.column_name
      where t.table_type = 'BASE TABLE' and ${SYSTEM_SCHEMAS}
      order by c.table_schema, c.table_name, c.ordinal_position`);
    const enums = await this.db.query<{ name: string; labels: string[] }>(`
      select n.nspname || '.' || t.typname as name, array_agg(e.enumlabel order by e.enumsortorder) as labels
      from pg_type t join pg_namespace n on n.oid = t.typnamespace join pg_enum e on e.enumtypid = t.oid
      group by 1 order by 1`);
    const views = await this.db.query<{ name: string; kind: string; columns: string[] }>(`
      select n.nspname || '.' || c.relname as name, c.relkind::text as kind, array_agg(a.attname::text order by a.attnum) as columns
      from pg_class c join pg_namespace n on n.oid = c.relnamespace join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where c.relkind in ('v', 'm') and ${SYSTEM_SCHEMAS}
      group by 1, 2 order by 1`);
    const indexes = await this.db.query<{ name: string; tab: string; unique: boolean }>(`
      select n.nspname || '.' || i.relname as name, tn.nspname || '.' || t.relname as tab, x.indisunique as unique
      from pg_index x join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = i.relnamespace
      join pg_class t on t.oid = x.indrelid join pg_namespace tn on tn.oid = t.relnamespace
      where ${SYSTEM_SCHEMAS}
      order by 1`);
    return {
      columns: columns.rows.map((r) => ({
        column: `${r.table_schema}.${r.table_name}.${r.column_name}`,
        type: r.type,
        notNull: r.is_nullable === 'NO',
        hasDefault: r.column_default !== null,
        defaultKey: defaultKey(r.column_default),
        identity: r.attidentity as ColumnRow['identity'],
        generated: r.attgenerated as ColumnRow['generated'],
      })),
      enums: enums.rows.map((r) => `${r.name}: ${r.labels.join(', ')}`),
      views: views.rows.map((r) => `${r.name}${r.kind === 'm' ? ' (m)' : ''}: ${r.columns.join(', ')}`),
      indexes: indexes.rows.map((r) => `${r.name} on ${r.tab}${r.unique ? ' (unique)' : ''}`),
    };
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}

/** The replayed model in the catalog's shape. */
export function modelSnapshot(schema: Schema): CatalogSnapshot {
  const sorted = <T>(items: Iterable<T>, key: (t: T) => string): T[] => [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const byName = (a: { schema: string; name: string }) => `${a.schema}\u0000${a.name}`;
  const tables = sorted(
    [...schema.tables.values()].filter((t) => t.persistence !== 'temporary'),
    byName,
  );
  return {
    columns: tables.flatMap((t) =>
      t.columns.map((c) => ({
        column: `${t.schema}.${t.name}.${c.name}`,
        type: c.type.display,
        notNull: c.notNull,
        hasDefault: c.default !== undefined && c.generated === undefined,
        defaultKey: c.generated === undefined ? defaultKey(c.default?.text) : null,
        identity: c.identity === 'always' ? 'a' : c.identity === 'by-default' ? 'd' : '',
        generated: c.generated ? (c.generated.stored ? 's' : 'v') : '',
      })),
    ),
    enums: sorted([...schema.types.values()].filter((t) => t.kind === 'enum'), (t) => `${t.schema}.${t.name}`).map((t) => `${t.schema}.${t.name}: ${t.kind === 'enum' ? t.values.join(', ') : ''}`),
    views: sorted(schema.views.values(), (v) => `${v.schema}.${v.name}`).map((v) => `${v.schema}.${v.name}${v.materialized ? ' (m)' : ''}: ${v.columns.join(', ')}`),
    indexes: sorted(schema.indexes.values(), (i) => `${i.schema}.${i.name}`).map((i) => `${i.schema}.${i.name} on ${i.table.schema}.${i.table.name}${i.unique ? ' (unique)' : ''}`),
  };
}

/** Natural order: `2_x.sql` before `10_x.sql`. */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The `.sql` files of a history folder (recursively), in natural order, with repository-relative paths. */
export function readHistory(root: string, dir: string): { path: string; sql: string }[] {
  const out: { path: string; sql: string }[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort(naturalCompare)) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.sql')) out.push({ path: relative(root, full).split('\\').join('/'), sql: readFileSync(full, 'utf8') });
    }
  };
  walk(dir);
  return out;
}
