/**
 * rollsafe makes no network connection: the real CLI runs with every network API of Node replaced at preload
 * (net, tls, dns, http(s), http2, dgram, fetch, WebSocket) by functions that record the attempt and throw.
 * Every command must succeed as usual with nothing recorded, and git must be the only program it starts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingKeys, incidentRepo, parseJson, runCli } from '../faults/support.js';
import type { TestRepo } from '../support/git-repo.js';

const preload = pathToFileURL(join(import.meta.dirname, 'support', 'no-network.mjs')).href;
let r: TestRepo;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rollsafe-no-net-'));
  r = incidentRepo(
    {
      // A TypeScript config (compiled and loaded), Prisma, and a live ref besides the base: every path that reads.
      'rollsafe.config.ts': "export default { migrations: ['db/migrations'], liveRefs: ['base'], pgVersion: 16 };\n",
      'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\nmodel Job {\n  id BigInt @id\n  kind String?\n  @@map("jobs")\n}\n',
      'node_modules/.keep': '',
    },
    {},
    'rollsafe-no-net-',
  );
});
afterAll(() => {
  r?.remove();
  rmSync(dir, { recursive: true, force: true });
});

function logFile(name: string): string {
  const file = join(dir, `${name}.log`);
  writeFileSync(file, '');
  return file;
}

async function offline(name: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; attempts: string[]; programs: string[] }> {
  const log = logFile(name);
  const run = await runCli(r.root, args, { nodeArgs: ['--import', preload], env: { ROLLSAFE_NET_LOG: log } });
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return {
    ...run,
    attempts: lines.filter((l) => !l.startsWith('child_process.')),
    programs: [...new Set(lines.filter((l) => l.startsWith('child_process.')).map((l) => l.split(' ')[1]!))],
  };
}

describe('no network', () => {
  it('the preload does block and record (the test can fail)', async () => {
    const log = logFile('sanity');
    const { spawnSync } = await import('node:child_process');
    // An ES module, as rollsafe is: named imports of builtins must see the replaced functions too.
    const code = [
      "import { connect } from 'node:net';",
      "import { lookup } from 'node:dns';",
      "import { execFileSync } from 'node:child_process';",
      "try { await fetch('http://127.0.0.1:9/'); } catch {}",
      "try { connect(9, '127.0.0.1'); } catch {}",
      "try { lookup('example.com', () => {}); } catch {}",
      "execFileSync('git', ['--version']);",
    ].join('\n');
    const probe = spawnSync(process.execPath, ['--import', preload, '--input-type=module', '-e', code], { env: { ...process.env, ROLLSAFE_NET_LOG: log } });
    expect(probe.status).toBe(0);
    expect(readFileSync(log, 'utf8')).toMatch(/^fetch .*\nnet\.connect .*\ndns\.lookup .*\nchild_process\.execFileSync git\n$/);
  });

  it('check (config compiled, code of the worktree and two refs scanned): the finding, no attempt, only git run', async () => {
    const run = await offline('check', ['check', '--base', 'base', '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    expect(findingKeys(parseJson(run.stdout))).toContain('dropped-column-in-use db/migrations/002_drop_state.sql:1');
    expect(run.attempts).toEqual([]);
    expect(run.programs.length).toBeGreaterThan(0);
    expect(run.programs.every((p) => p === 'git' || p.endsWith('/git')), run.programs.join(', ')).toBe(true);
  });

  it('refs, schema and explain: no attempt either', async () => {
    for (const args of [['refs', 'jobs.state', '--format', 'json'], ['schema', '--format', 'json'], ['explain', 'dropped-column-in-use']]) {
      const run = await offline(args[0]!, args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      expect(run.attempts).toEqual([]);
    }
  });
});
