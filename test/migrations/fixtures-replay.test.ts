import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverMigrationSets } from '../../src/migrations/index.js';
import { fixture } from './helpers.js';

// The layout fixtures must be real, runnable histories: the schema stage replays them against Postgres.
let db: PGlite;
beforeAll(async () => {
  db = new PGlite();
  await db.waitReady;
});
afterAll(async () => {
  await db.close();
});

const projects = ['sql', 'prisma', 'drizzle', 'flyway', 'golang-migrate', 'dbmate', 'supabase', 'monorepo'];

describe('layout fixtures run in order on Postgres', () => {
  it.each(projects)('%s', async (name) => {
    const { sets, diagnostics } = await discoverMigrationSets(fixture(name));
    expect(diagnostics).toEqual([]);
    expect(sets.length).toBeGreaterThan(0);
    for (const set of sets) {
      await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
      for (const migration of set.migrations) {
        // Each file as the tool sends it: the SQL it runs, in one round trip.
        await expect(db.exec(migration.sql!), migration.path).resolves.toBeDefined();
      }
    }
  });
});
