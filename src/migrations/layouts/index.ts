import type { LayoutName } from '../migration.js';
import type { MigrationLayout } from '../layout.js';
import { dbMigrateSqlLayout } from './db-migrate.js';
import { dbMigrateLayout } from './db-migrate-js.js';
import { dbmateLayout } from './dbmate.js';
import { drizzleLayout } from './drizzle.js';
import { flywayLayout } from './flyway.js';
import { golangMigrateLayout } from './golang-migrate.js';
import { graphileMigrateLayout } from './graphile-migrate.js';
import { knexLayout } from './knex.js';
import { kyselyLayout } from './kysely.js';
import { mikroOrmLayout } from './mikro-orm.js';
import { nodePgMigrateLayout } from './node-pg-migrate.js';
import { postgresMigrationsLayout } from './postgres-migrations.js';
import { prismaLayout } from './prisma.js';
import { sequelizeLayout } from './sequelize.js';
import { sqlLayout } from './sql.js';
import { supabaseLayout } from './supabase.js';
import { typeormLayout } from './typeorm.js';

/**
 * Every migration tool rollsafe reads, one module each. Adding a tool: one new file in this folder and one
 * line here. On equal detection confidence, the earlier layout wins.
 */
export const layouts: readonly MigrationLayout[] = [
  drizzleLayout,
  prismaLayout,
  supabaseLayout,
  flywayLayout,
  dbmateLayout,
  golangMigrateLayout,
  graphileMigrateLayout,
  dbMigrateSqlLayout,
  postgresMigrationsLayout,
  typeormLayout,
  mikroOrmLayout,
  nodePgMigrateLayout,
  kyselyLayout,
  sequelizeLayout,
  dbMigrateLayout,
  knexLayout,
  sqlLayout,
];

export function layoutNamed(name: LayoutName): MigrationLayout | undefined {
  return layouts.find((layout) => layout.name === name);
}
