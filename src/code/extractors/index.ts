import type { Extractor } from '../extractor.js';
import { drizzleExtractor } from './drizzle.js';
import { prismaExtractor } from './prisma.js';
import { rawSql } from './raw-sql.js';
import { typeormExtractor } from './typeorm.js';
import { knexExtractor } from './knex.js';
import { kyselyExtractor } from './kysely.js';
import { sequelizeExtractor } from './sequelize.js';
import { mikroOrmExtractor } from './mikro-orm.js';
import { constantsExtractor, packageJsonExtractor } from './package-json.js';

/** Every extractor, one module each. Adding an ORM: one new file in this folder and one line here. */
export const extractors: Extractor[] = [
  prismaExtractor,
  rawSql,
  drizzleExtractor,
  typeormExtractor,
  knexExtractor,
  kyselyExtractor,
  sequelizeExtractor,
  mikroOrmExtractor,
  packageJsonExtractor,
  constantsExtractor,
];
