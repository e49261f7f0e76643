/**
 * What the scanner must know about the extractors before loading them: their names (the cache version) and
 * the extra file kinds they read (file selection). Loading them brings in the TypeScript compiler (~9 MB of
 * JavaScript), which a run answered from the cache, or a project without code, never needs.
 * test/perf/manifest.test.ts checks this list against `extractors` in ./index.ts.
 */
import type { Extractor } from '../extractor.js';

export interface ExtractorManifest {
  readonly names: readonly string[];
  readonly extraExtensions: readonly string[];
  load(): Promise<readonly Extractor[]>;
}

export const extractorManifest: ExtractorManifest = {
  names: ['prisma', 'raw-sql', 'drizzle', 'typeorm', 'knex', 'kysely', 'sequelize', 'mikro-orm', 'package-json', 'constants'],
  extraExtensions: ['.prisma', 'package.json'],
  load: () => import('./index.js').then((m) => m.extractors),
};
