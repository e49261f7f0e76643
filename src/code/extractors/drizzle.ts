/**
 * Drizzle: `pgTable(…)` declarations (a declared column is an implicit reference: `select()` and
 * `.returning()` read them all, and every INSERT lists them) and query-builder usages by table symbol
 * (`db.select().from(users)`, `eq(users.email, …)`, `db.insert(users).values({ … })`, `db.query.users…`).
 */
import type { Extractor, Naming } from '../extractor.js';
import { applyCasing, isDrizzleCasing } from './drizzle/casing.js';
import { extractDrizzleQueries } from './drizzle/queries.js';
import { extractDrizzleTables } from './drizzle/tables.js';

/**
 * Options: `{ casing: 'snake_case' | 'camelCase' }`, as given to `drizzle()` and drizzle-kit. It names only
 * columns declared without a name (`createdAt: timestamp()`); a `drizzle({ casing })` call in the tables'
 * own file wins over the option.
 */
export const drizzleNaming: Naming = {
  orm: 'drizzle',
  table: (model) => model.name,
  column: (field, model, options) => {
    const fromFile = model.options?.casing;
    const casing = isDrizzleCasing(fromFile) ? fromFile : isDrizzleCasing(options.casing) ? options.casing : undefined;
    return applyCasing(field.name, casing);
  },
};

const DRIZZLE_TEXT = /drizzle|pgTable|\.(?:from|insert|update|delete|innerJoin|leftJoin)\s*\(|\.query\.[\w$]+\.find(?:Many|First)\s*\(/;

export const drizzleExtractor: Extractor = {
  name: 'drizzle',
  wants: (text) => DRIZZLE_TEXT.test(text),
  extract(input, facts) {
    const sourceFile = input.sourceFile;
    if (!sourceFile) return;
    const tables = extractDrizzleTables(input, sourceFile, facts);
    extractDrizzleQueries(input, sourceFile, tables, facts);
  },
  naming: drizzleNaming,
};
