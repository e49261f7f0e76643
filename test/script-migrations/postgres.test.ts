/**
 * Differential check of the script readers against Postgres itself: the equivalent .sql history of each
 * fixture, run in PGlite, has the columns (type, nullability, default) and indexes rollsafe reads from the
 * tool's migrations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresHarness, readHistory } from '../support/pglite.js';
import { comparable, fixturePath, replayFolder, TOOLS } from './support.js';

let pg: PostgresHarness;
beforeAll(async () => {
  pg = await PostgresHarness.start();
}, 30_000);
afterAll(() => pg?.close());

describe.each(TOOLS)('%s', (tool) => {
  it('matches what Postgres makes of the .sql history', async () => {
    const script = await replayFolder(fixturePath(tool));
    await pg.reset();
    const errors = await pg.run(readHistory(fixturePath(tool), fixturePath(tool, 'expected')));
    expect(errors).toEqual([]);
    const catalog = await pg.snapshot();
    const model = comparable(script.history.replay.final);
    const fromCatalog = catalog.columns.map((c) => `${c.column} ${c.type}${c.notNull ? ' not null' : ''}${c.hasDefault ? ' default' : ''}`).sort();
    expect(model.columns).toEqual(fromCatalog);
    expect(model.indexes.map((i) => i.replace(/ on .*/, ''))).toEqual(catalog.indexes.map((i) => i.replace(/ on .*/, '')).sort());
  });

});
