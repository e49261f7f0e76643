/**
 * Persisted schema snapshots (issue 16): a warm check replays only what follows the longest known prefix of the
 * history, and what it then reports is exactly what a full replay reports; a changed history, a changed
 * rollsafe version or a damaged snapshot file never lets a stale schema through.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverMigrationSets } from '../../src/migrations/index.js';
import type { Migration, MigrationSet } from '../../src/migrations/migration.js';
import { loadParser } from '../../src/sql/parser.js';
import { replaySet } from '../../src/schema/history.js';
import { replayWithSnapshots, SchemaSnapshots } from '../../src/engine/schema-snapshot.js';
import type { Schema } from '../../src/schema/model.js';
import { rollsafe } from '../support/cli.js';
import { TestRepo } from '../support/git-repo.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'histories');
const temps: string[] = [];
const repos: TestRepo[] = [];
afterAll(() => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
  repos.forEach((r) => r.remove());
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rollsafe-snapshot-'));
  temps.push(dir);
  return dir;
}

beforeAll(async () => {
  await loadParser();
});

async function historySet(name: string): Promise<MigrationSet> {
  const root = tempDir();
  cpSync(join(fixtures, name), join(root, 'db', 'migrations'), { recursive: true });
  const { sets } = await discoverMigrationSets(root, { dirs: ['db/migrations'] });
  expect(sets).toHaveLength(1);
  return sets[0]!;
}

const searchPath = ['public'];

/** A schema as plain sorted data (the model's maps are persistent maps; a snapshot reads back plain ones). */
function plain(schema: Schema): unknown {
  const entries = <V>(m: ReadonlyMap<string, V>): [string, V][] => [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return {
    schemas: [...schema.schemas].sort(),
    tables: entries(schema.tables),
    views: entries(schema.views),
    indexes: entries(schema.indexes),
    types: entries(schema.types),
    sequences: [...schema.sequences].sort(),
  };
}
const never = (): undefined => undefined;

describe('a snapshot holds the schema the replay built', () => {
  for (const name of readdirSync(fixtures).sort()) {
    it(`${name}: saved and read back, the schema is the replayed one`, async () => {
      const set = await historySet(name);
      const full = replaySet(set, { searchPath });
      const snapshots = new SchemaSnapshots(tempDir(), tempDir());
      const keys = snapshots.prefixKeys(set.migrations, searchPath);
      snapshots.save(keys.at(-1)!, full.replay.final, []);
      const back = snapshots.longest(keys, keys.length);
      expect(back?.length).toBe(set.migrations.length);
      expect(plain(back!.schema)).toEqual(plain(full.replay.final));
    });
  }
});

describe('replayWithSnapshots', () => {
  it('a second run starts from the history before the new migrations, and replays to the same schemas', async () => {
    const set = await historySet('long');
    const cache = tempDir();
    const newOnes = new Set(set.migrations.slice(-5).map((m) => m.path));
    const isNew = (m: Migration): boolean => newOnes.has(m.path);
    const first = replayWithSnapshots(set, { searchPath, isNew, known: never, snapshots: new SchemaSnapshots(tempDir(), cache) });
    expect(first.fromSnapshot).toBe(0);
    const second = replayWithSnapshots(set, { searchPath, isNew, known: never, snapshots: new SchemaSnapshots(tempDir(), cache) });
    expect(second.fromSnapshot).toBe(set.migrations.length - 5);
    // What the rules see, the new migrations with their steps and schemas, is the same.
    const view = (r: typeof first): unknown =>
      r.replay.migrations.slice(-5).map((m) => ({ path: m.migration.path, before: plain(m.before), after: plain(m.after), steps: m.steps.map((s) => [s.change.kind, plain(s.before), plain(s.after)]) }));
    expect(view(second)).toEqual(view(first));
    expect(plain(second.replay.final)).toEqual(plain(first.replay.final));
    expect([...second.names].sort()).toEqual([...first.names].sort());
    // Once the change is committed, every migration is old: the snapshot of the whole set covers them all.
    const committed = replayWithSnapshots(set, { searchPath, isNew: () => false, known: never, snapshots: new SchemaSnapshots(tempDir(), cache) });
    expect(committed.fromSnapshot).toBe(set.migrations.length);
    expect(plain(committed.replay.final)).toEqual(plain(first.replay.final));
  });

  it('a changed old migration invalidates the snapshots from it on: the change is seen', async () => {
    const set = await historySet('long');
    const cache = tempDir();
    const isNew = (m: Migration): boolean => m === set.migrations.at(-1);
    replayWithSnapshots(set, { searchPath, isNew, known: never, snapshots: new SchemaSnapshots(tempDir(), cache) });
    // Migration 3 of the history now also creates a table.
    const edited: MigrationSet = {
      ...set,
      migrations: set.migrations.map((m, i) => (i === 2 ? { ...m, text: `${m.text}\nCREATE TABLE sneaky (id int);\n`, sql: `${m.sql ?? m.text}\nCREATE TABLE sneaky (id int);\n` } : m)),
    };
    const after = replayWithSnapshots(edited, { searchPath, isNew, known: never, snapshots: new SchemaSnapshots(tempDir(), cache) });
    expect(after.fromSnapshot).toBeLessThanOrEqual(2);
    expect(after.replay.final.tables.has('public.sneaky')).toBe(true);
    expect(plain(after.replay.final)).toEqual(plain(replaySet(edited, { searchPath }).replay.final));
  });

  it('another rollsafe version never reads the snapshots', async () => {
    const set = await historySet('long');
    const cache = tempDir();
    const isNew = (m: Migration): boolean => m === set.migrations.at(-1);
    replayWithSnapshots(set, { searchPath, isNew, known: never, snapshots: new SchemaSnapshots(tempDir(), cache, '1.0.0') });
    const other = replayWithSnapshots(set, { searchPath, isNew, known: never, snapshots: new SchemaSnapshots(tempDir(), cache, '1.0.1') });
    expect(other.fromSnapshot).toBe(0);
  });

  it('a damaged or foreign snapshot file is ignored, never trusted', async () => {
    const set = await historySet('long');
    const cache = tempDir();
    const isNew = (m: Migration): boolean => m === set.migrations.at(-1);
    const first = replayWithSnapshots(set, { searchPath, isNew, known: never, snapshots: new SchemaSnapshots(tempDir(), cache) });
    const files = readdirSync(cache).filter((f) => f.startsWith('schema-'));
    expect(files.length).toBeGreaterThan(0);
    const originals = new Map(files.map((f) => [f, readFileSync(join(cache, f), 'utf8')]));
    const damages: [string, (text: string) => string][] = [
      ['truncated', (text) => text.slice(0, 100)],
      ['a key that is not its own', (text) => JSON.stringify({ ...JSON.parse(text), key: 'f'.repeat(40) })],
      ['tables that are not entries', (text) => JSON.stringify({ ...JSON.parse(text), schema: { ...JSON.parse(text).schema, tables: 'nope' } })],
      ['another format', (text) => JSON.stringify({ ...JSON.parse(text), format: 999 })],
    ];
    for (const [what, damage] of damages) {
      for (const [file, text] of originals) writeFileSync(join(cache, file), damage(text));
      const again = replayWithSnapshots(set, { searchPath, isNew, known: never, snapshots: new SchemaSnapshots(tempDir(), cache) });
      expect(again.fromSnapshot, what).toBe(0);
      expect(plain(again.replay.final), what).toEqual(plain(first.replay.final));
      // The damaged file was replaced by a good one: the next run starts from it.
      const healed = replayWithSnapshots(set, { searchPath, isNew, known: never, snapshots: new SchemaSnapshots(tempDir(), cache) });
      expect(healed.fromSnapshot, what).toBe(set.migrations.length - 1);
    }
  });
});

describe('rollsafe check with snapshots', () => {
  it('cold, warm and committed runs print the same findings', async () => {
    const r = new TestRepo('rollsafe-snapshot-');
    repos.push(r);
    const names = readdirSync(join(fixtures, 'long')).sort();
    const files = (list: string[]): Record<string, string> => Object.fromEntries(list.map((n) => [`db/migrations/${n}`, readFileSync(join(fixtures, 'long', n), 'utf8')]));
    r.commit('base', files(names.slice(0, -6))).tag('base');
    r.write(files(names.slice(-6)));
    // A new repository: its cache (in the temp folder, keyed by its path) starts empty.
    const run = async (): Promise<string> => {
      const result = await rollsafe(r.root, ['check', '--base', 'base', '--format', 'json']);
      expect(result.stderr).toBe('');
      return result.stdout;
    };
    const cold = await run();
    expect(JSON.parse(cold).findings.length).toBeGreaterThan(0);
    expect(await run()).toBe(cold);
    expect(await run()).toBe(cold);
  });
});
