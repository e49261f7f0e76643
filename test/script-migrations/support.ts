/** Shared by the script-migration tests: the fixture projects and a comparable form of a replayed schema. */
import { fileURLToPath } from 'node:url';
import { discoverMigrationSets, type MigrationSet } from '../../src/migrations/index.js';
import { loadMigrationReaders, replaySet, type SetHistory } from '../../src/schema/history.js';
import type { Schema } from '../../src/schema/model.js';
import { loadParser } from '../../src/sql/parser.js';

export const TOOLS = ['knex', 'kysely', 'typeorm', 'node-pg-migrate', 'sequelize', 'mikro-orm'] as const;
export type Tool = (typeof TOOLS)[number];

/** Where each fixture project keeps its migrations, and the migration the e2e tests add on top of the base release. */
export const FIXTURES: Record<Tool, { dir: string; newMigration: string }> = {
  knex: { dir: 'db/migrations', newMigration: '20240103000000_contract_users.js' },
  kysely: { dir: 'src/db/migrations', newMigration: '1704240000000_contract_users.ts' },
  typeorm: { dir: 'src/migrations', newMigration: '1704240000000-ContractUsers.ts' },
  'node-pg-migrate': { dir: 'migrations', newMigration: '1704240000000_contract-users.js' },
  sequelize: { dir: 'db/migrations', newMigration: '20240103000000-contract-users.js' },
  'mikro-orm': { dir: 'src/migrations', newMigration: 'Migration20240103000000_contract_users.ts' },
};

export function fixturePath(tool: Tool, part: 'project' | 'expected' = 'project'): string {
  return fileURLToPath(new URL(`../../fixtures/script-migrations/${tool}/${part}`, import.meta.url));
}

/** The one migration set of a folder, read and replayed. */
export async function replayFolder(root: string): Promise<{ set: MigrationSet; history: SetHistory }> {
  await loadParser();
  const { sets } = await discoverMigrationSets(root);
  if (sets.length !== 1) throw new Error(`expected one migration set in ${root}, found ${sets.map((s) => `${s.dir} (${s.layout})`).join(', ') || 'none'}`);
  const set = sets[0]!;
  await loadMigrationReaders(set.migrations);
  return { set, history: replaySet(set) };
}

export interface ComparableSchema {
  /** `table.column type [not null] [default]`. */
  columns: string[];
  /** `index on table (columns) [unique]`. */
  indexes: string[];
  enums: string[];
}

/** Tables, columns (type, nullability, whether a default exists), indexes and enums, sorted. */
export function comparable(schema: Schema): ComparableSchema {
  const columns: string[] = [];
  for (const t of schema.tables.values()) {
    for (const c of t.columns) columns.push(`${t.schema}.${t.name}.${c.name} ${c.type.display}${c.notNull ? ' not null' : ''}${c.default ? ' default' : ''}`);
  }
  const indexes = [...schema.indexes.values()].map((i) => `${i.schema}.${i.name} on ${i.table.name} (${i.columns.join(', ')})${i.unique ? ' unique' : ''}`);
  const enums = [...schema.types.values()].filter((t) => t.kind === 'enum').map((t) => `${t.schema}.${t.name}: ${t.kind === 'enum' ? t.values.join(', ') : ''}`);
  return { columns: columns.sort(), indexes: indexes.sort(), enums: enums.sort() };
}
