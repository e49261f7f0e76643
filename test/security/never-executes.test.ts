/**
 * rollsafe never executes the project it analyses. Every file a tool might run — application code, TS/JS
 * migrations, tool configs, package scripts, dependencies in node_modules, a `git` in node_modules/.bin —
 * is a trap that leaves a marker when run. A full check (code of the worktree and the base, TS migrations
 * read statically) must leave none. The one exception is by design: rollsafe.config.{ts,js} is the project's
 * own configuration and is loaded; `--config rollsafe.config.json` keeps even that from running.
 */
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { incidentRepo, parseJson, runCli } from '../faults/support.js';
import type { Files, TestRepo } from '../support/git-repo.js';

let r: TestRepo;
let markers: string;

/** JavaScript that leaves a marker named after `name` (CommonJS or ESM, by what the file is). */
function trap(name: string, kind: 'cjs' | 'esm'): string {
  const target = JSON.stringify(join(markers, name.replace(/[^\w.-]/g, '_')));
  return kind === 'cjs' ? `require('node:fs').writeFileSync(${target}, 'ran');\n` : `import { writeFileSync } from 'node:fs';\nwriteFileSync(${target}, 'ran');\n`;
}

function traps(): Files {
  const files: Files = {};
  const esm = ['src/esm.mjs', 'drizzle.config.ts', 'prisma.config.ts', 'vitest.config.ts', 'eslint.config.mjs', 'src/types.mts'];
  const cjs = ['knexfile.js', 'ormconfig.js', '.sequelizerc', 'jest.config.js', 'babel.config.js', '.eslintrc.js', 'src/legacy.cjs', 'scripts/seed.js'];
  for (const f of esm) files[f] = trap(f, 'esm');
  for (const f of cjs) files[f] = trap(f, 'cjs');
  // Code rollsafe parses (it queries the database), with a trap in it.
  files['src/jobs.ts'] = `${trap('src/jobs.ts', 'esm')}import { Pool } from 'pg';\nconst pool = new Pool();\nexport const kinds = () => pool.query('SELECT kind FROM jobs');\n`;
  files['src/jobs-cjs.js'] = `${trap('src/jobs-cjs.js', 'cjs')}const { Pool } = require('pg');\nmodule.exports = () => new Pool().query('SELECT kind FROM jobs');\n`;
  // A Knex migration set: read statically, never run.
  files['migrations/20240101000000_jobs_note.js'] = `${trap('migration.js', 'cjs')}exports.up = (knex) => knex.schema.alterTable('jobs', (t) => { t.dropColumn('kind'); });\nexports.down = () => {};\n`;
  files['migrations/20230101000000_jobs.ts'] = `${trap('migration.ts', 'esm')}import type { Knex } from 'knex';\nexport async function up(knex: Knex) { await knex.raw('SELECT 1'); }\nexport async function down() {}\n`;
  // Dependencies the code imports.
  files['node_modules/pg/package.json'] = JSON.stringify({ name: 'pg', main: 'index.js' });
  files['node_modules/pg/index.js'] = trap('node_modules-pg', 'cjs');
  files['node_modules/knex/package.json'] = JSON.stringify({ name: 'knex', main: 'index.js' });
  files['node_modules/knex/index.js'] = trap('node_modules-knex', 'cjs');
  files['package.json'] = JSON.stringify({ name: 'hostile', scripts: { preinstall: 'node scripts/seed.js', postinstall: 'node scripts/seed.js', prepare: 'node scripts/seed.js', test: 'node scripts/seed.js', lint: 'node scripts/seed.js' }, dependencies: { pg: '*', knex: '*' } });
  return files;
}

beforeAll(() => {
  r = incidentRepo({}, {}, 'rollsafe-hostile-');
  markers = join(r.root, '.markers');
  mkdirSync(markers);
  r.commit('traps', traps());
}, 60_000);
afterAll(() => r?.remove());

function ran(): string[] {
  return existsSync(markers) ? readdirSync(markers).sort() : [];
}

describe('rollsafe never executes project files', () => {
  it('a full check over trapped code, migrations, configs, scripts and dependencies runs none of them', async () => {
    // A `git` in node_modules/.bin, as `npm run` puts that folder first on PATH: it must not be the git rollsafe runs.
    mkdirSync(join(r.root, 'node_modules/.bin'), { recursive: true });
    writeFileSync(join(r.root, 'node_modules/.bin/git'), `#!/bin/sh\necho ran > ${JSON.stringify(join(markers, 'node_modules-bin-git'))}\nexit 1\n`);
    chmodSync(join(r.root, 'node_modules/.bin/git'), 0o755);
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json'], { env: { PATH: `${join(r.root, 'node_modules/.bin')}:${process.env.PATH ?? ''}` } });
    expect(run.stderr).toBe('');
    const out = parseJson(run.stdout);
    expect(out.findings.map((f) => f.rule)).toContain('dropped-column-in-use');
    expect(ran()).toEqual([]);
  });

  it('a JSON config named with --config: even a rollsafe.config.ts beside it is not run', async () => {
    r.write({ 'rollsafe.config.ts': trap('rollsafe.config.ts', 'esm') + 'export default {};\n', 'rollsafe.config.json': '{ "migrations": ["db/migrations"] }\n' });
    const run = await runCli(r.root, ['check', '--config', 'rollsafe.config.json', '--base', 'base', '--format', 'json']);
    expect(run.code).toBe(1);
    expect(ran()).toEqual([]);
  });

  it('by design, a rollsafe.config.ts found by itself is loaded (it is the project\'s own configuration)', async () => {
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(run.code).toBe(1);
    expect(ran()).toEqual(['rollsafe.config.ts']);
  });
});
