import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { validateConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import type { RollsafeConfig } from '../../src/config/types.js';
import { CONFIG_END, CONFIG_START, renderConfigReference, resolveConfig } from '../../src/report/config-docs.js';
import { rollsafe } from '../support/cli.js';
import { TestRepo } from '../support/git-repo.js';

const root = join(import.meta.dirname, '..', '..');

describe('configuration reference', () => {
  it('the README block is generated from the config schema (run npm run docs)', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain(CONFIG_START);
    const block = readme.slice(readme.indexOf(CONFIG_START) + CONFIG_START.length, readme.indexOf(CONFIG_END)).trim();
    expect(block).toBe(renderConfigReference().trim());
  });

  it('has a row for every key of the schema, nested ones included, with its type and default', () => {
    const text = renderConfigReference();
    for (const key of Object.keys(configSchema.properties).filter((k) => k !== '$schema' && k !== 'orm')) expect(text).toContain(`| \`${key}\` |`);
    expect(text).toMatch(/\| `pgVersion` \| integer \(9–30\) \| `18` \|/);
    expect(text).toMatch(/\| `deployModel` \| `"before-deploy"` \\\| `"after-deploy"` \| `"before-deploy"` \|/);
    expect(text).toContain('| `migrations[].layout` |');
    expect(text).toContain('| `orm.drizzle.casing` |');
    // Rendered from the schema it is given: a new key shows up, with its description.
    const extended = { ...configSchema, properties: { ...configSchema.properties, lockTimeout: { type: 'string', description: 'How long to wait | at most.' } } };
    expect(renderConfigReference(extended)).toContain('| `lockTimeout` | string |  | How long to wait \\| at most. |');
  });
});

describe('resolved configuration (--print-config)', () => {
  it('fills in the defaults, keeps what is configured, and stays valid against the schema', () => {
    const config: RollsafeConfig = { pgVersion: 15, rules: { 'require-concurrent-index': 'warning' }, code: { exclude: ['legacy/**'] } };
    const resolved = resolveConfig({ config, detected: [{ dir: 'db/migrations', layout: 'sql' }], rules });
    expect(resolved).toMatchObject({
      migrations: [{ dir: 'db/migrations', layout: 'sql' }],
      postDeployMigrations: [],
      code: { exclude: ['legacy/**'] },
      liveRefs: [],
      deployModel: 'before-deploy',
      pgVersion: 15,
      searchPath: ['public'],
      orm: {},
      baseline: 'rollsafe-baseline.json',
    });
    expect(resolved).not.toHaveProperty('base');
    expect(Object.keys(resolved.rules!)).toEqual(rules.map((r) => r.id));
    expect(resolved.rules!['require-concurrent-index']).toBe('warning');
    expect(resolved.rules!['dropped-column-in-use']).toBe('error');
    expect(validateConfig(JSON.parse(JSON.stringify(resolved)), 'printed')).toEqual(resolved);
  });

  it('prefers the --migrations folders and flags over the config', () => {
    const resolved = resolveConfig({ config: { migrations: 'sql' }, detected: [{ dir: 'prisma/migrations', layout: 'prisma' }], rules, migrationDirs: ['prisma/migrations/'], pgVersion: 14, base: 'origin/main' });
    expect(resolved.migrations).toEqual([{ dir: 'prisma/migrations/', layout: 'prisma' }]);
    expect(resolved.pgVersion).toBe(14);
    expect(resolved.base).toBe('origin/main');
  });

  const repos: TestRepo[] = [];
  afterAll(() => repos.forEach((r) => r.remove()));

  it('rollsafe check --print-config prints the configuration in effect as JSON and exits 0', async () => {
    const repo = new TestRepo('rollsafe-print-config-');
    repos.push(repo);
    repo.commit('init', {
      'db/migrations/001_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n',
      'rollsafe.config.json': JSON.stringify({ deployModel: 'after-deploy', rules: { 'unknown-column-reference': 'off' } }),
    });
    const run = await rollsafe(repo.root, ['check', '--print-config']);
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout) as RollsafeConfig;
    expect(printed.migrations).toEqual([{ dir: 'db/migrations', layout: 'sql' }]);
    expect(printed.deployModel).toBe('after-deploy');
    expect(printed.pgVersion).toBe(18);
    expect(printed.rules!['unknown-column-reference']).toBe('off');
    expect(validateConfig(printed, 'printed')).toEqual(printed);
    const flagged = JSON.parse((await rollsafe(repo.root, ['check', '--print-config', '--pg-version', '16'])).stdout) as RollsafeConfig;
    expect(flagged.pgVersion).toBe(16);
    const missing = await rollsafe(repo.root, ['check', '--print-config', '--migrations', 'nope']);
    expect(missing.code).toBe(2);
  });
});
