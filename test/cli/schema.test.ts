/** `rollsafe schema` on the layout fixtures: the replayed schema, pretty and JSON, and `--at`. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rollsafe } from '../support/cli.js';

const layouts = join(import.meta.dirname, '..', '..', 'fixtures', 'layouts');

interface SchemaJson {
  version: number;
  sets: { dir: string; layout: string; migrations: number; schema: { tables: { name: string; columns: { name: string; type: string; notNull: boolean }[] }[]; views: { name: string; columns: string[] }[]; types: { name: string; values?: string[] }[] } }[];
  diagnostics: unknown[];
}

async function schemaJson(fixture: string, ...args: string[]): Promise<SchemaJson> {
  const run = await rollsafe(join(layouts, fixture), ['schema', '--root', '.', '--format', 'json', ...args]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as SchemaJson;
}

const columns = (json: SchemaJson, table: string): string[] =>
  json.sets[0]!.schema.tables.find((t) => t.name === table)!.columns.map((c) => `${c.name} ${c.type}${c.notNull ? ' not null' : ''}`);

describe('rollsafe schema', () => {
  it('prints the plain SQL fixture as its migrations leave it (renames, drops, enum values, views)', async () => {
    const json = await schemaJson('sql');
    expect(json.sets.map((s) => [s.dir, s.layout, s.migrations])).toEqual([['db/migrations', 'sql', 8]]);
    expect(columns(json, 'authors')).toEqual(['id bigint not null', 'name text not null']);
    expect(columns(json, 'books')).toEqual([
      'id bigint not null',
      'author_id bigint not null',
      'title text not null',
      'format book_format not null',
      'list_price_cents integer',
      'isbn text',
    ]);
    expect(json.sets[0]!.schema.views).toEqual([expect.objectContaining({ name: 'catalog', columns: ['id', 'title', 'isbn', 'author'] })]);
    expect(json.sets[0]!.schema.types).toEqual([expect.objectContaining({ name: 'book_format', values: ['hardcover', 'paperback', 'ebook'] })]);
  });

  it('stops after the migration given with --at', async () => {
    const json = await schemaJson('sql', '--at', '8_rename_price.sql');
    expect(json.sets[0]!.migrations).toBe(4);
    expect(columns(json, 'authors')).toContain('created_at timestamp with time zone not null');
    expect(columns(json, 'books')).not.toContain('isbn text');
    expect(json.sets[0]!.schema.types[0]!.values).toEqual(['hardcover', 'paperback']);
  });

  for (const fixture of ['prisma', 'drizzle', 'flyway', 'golang-migrate', 'dbmate', 'supabase']) {
    it(`reads the ${fixture} fixture without diagnostics`, async () => {
      const json = await schemaJson(fixture);
      expect(json.sets.map((s) => s.layout)).toEqual([fixture]);
      expect(json.sets[0]!.schema.tables.length).toBeGreaterThan(0);
      expect(json.diagnostics).toEqual([]);
    });
  }

  it('prints a table per block for people', async () => {
    const run = await rollsafe(join(layouts, 'sql'), ['schema', '--root', '.']);
    expect(run.stdout).toContain('-- db/migrations (sql, 8 migrations)');
    expect(run.stdout).toMatch(/^books {2}\(db\/migrations\/6_create_books\.sql\)$/m);
    expect(run.stdout).toMatch(/^ {4}format +book_format +not null, default 'paperback'$/m);
    expect(run.stdout).toContain("book_format (enum)  'hardcover', 'paperback', 'ebook'");
  });

  it('says which --at matched nothing, with exit code 2', async () => {
    const run = await rollsafe(join(layouts, 'sql'), ['schema', '--root', '.', '--at', 'nope.sql']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rollsafe: --at: no migration matches "nope.sql"\n');
  });
});
