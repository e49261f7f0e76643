/**
 * Each tool's fixture migrations, read statically, give the same schema as an equivalent .sql history.
 * Reading follows `up` only and never runs the migration files.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { comparable, FIXTURES, fixturePath, replayFolder, TOOLS } from './support.js';

describe.each(TOOLS)('%s', (tool) => {
  it('replays to the schema of the equivalent .sql history', async () => {
    const script = await replayFolder(fixturePath(tool));
    const sql = await replayFolder(fixturePath(tool, 'expected'));
    expect(script.set.layout).toBe(tool);
    expect(sql.set.layout).toBe('sql');
    expect(script.history.replay.diagnostics).toEqual([]);
    expect(sql.history.replay.diagnostics).toEqual([]);
    const fromScripts = comparable(script.history.replay.final);
    expect(fromScripts).toEqual(comparable(sql.history.replay.final));
    // The contract migration really happened: a fixture that read nothing would compare equal only to an empty history.
    expect(fromScripts.columns).toContain('public.users.full_name character varying(100)');
    expect(fromScripts.columns).toContain('public.orders.total bigint not null');
    expect(fromScripts.columns).toContain('public.users.plan text not null');
    expect(fromScripts.columns.some((c) => c.includes('legacy_flag'))).toBe(false);
  });

  it('reads up only, reports the one unanalysable call with its line, and never runs a file', async () => {
    const { set, history } = await replayFolder(fixturePath(tool));
    const dir = FIXTURES[tool].dir;
    expect(set.dir).toBe(dir);
    const diagnostics = history.read.flatMap((r) => r.diagnostics);
    expect(diagnostics.map((d) => [d.code, d.location.path])).toEqual([['unanalysed-statement', `${dir}/${FIXTURES[tool].newMigration}`]]);
    const file = history.read.find((r) => r.migration.path.endsWith(FIXTURES[tool].newMigration))!;
    const unanalysedLine = file.migration.text.split('\n').findIndex((l) => l.includes('ARCHIVE_TABLE')) + 1;
    expect(diagnostics[0]!.location.line).toBe(unanalysedLine);
    expect(diagnostics[0]!.message).toMatch(/ARCHIVE_TABLE/);
    expect(file.calls?.unanalysed).toBe(1);
    expect(file.calls?.analysed).toBeGreaterThanOrEqual(3);
    // The second migration's `down` drops users: had it been read, users would be gone.
    expect(history.replay.final.tables.has('public.users')).toBe(true);
    expect(history.read.flatMap((r) => r.changes).some((c) => c.kind === 'drop-table')).toBe(false);
    // Executing the second migration would have written this marker.
    expect(readdirSync(join(fixturePath(tool), dir)).filter((f) => f === 'EXECUTED')).toEqual([]);
    expect(existsSync(join(fixturePath(tool), dir, 'EXECUTED'))).toBe(false);
  });
});
