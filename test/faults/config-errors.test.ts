/**
 * Configuration files that throw or export the wrong shape: exit 2 with one line that names the file and
 * says what is wrong; never a stack trace, never a run with half a configuration.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rollsafe } from '../support/cli.js';
import { TestRepo, type Files } from '../support/git-repo.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

function repo(files: Files): TestRepo {
  const r = new TestRepo('rollsafe-config-');
  repos.push(r);
  r.commit('base', { 'db/migrations/001_a.sql': 'CREATE TABLE a (id int);\n', ...files });
  return r;
}

const cases: [name: string, files: Files, message: RegExp][] = [
  ['an ES module that throws while loading', { 'rollsafe.config.mjs': "throw new Error('no config for you');\n" }, /^rollsafe: rollsafe\.config\.mjs threw while loading: no config for you$/],
  ['a CommonJS file that throws', { 'rollsafe.config.cjs': "module.exports = (() => { throw new TypeError('bad'); })();\n" }, /^rollsafe: rollsafe\.config\.cjs threw while loading: bad$/],
  ['a TypeScript config with a syntax error', { 'rollsafe.config.ts': 'export default { migrations: [ };\n' }, /^rollsafe: rollsafe\.config\.ts: syntax error at line 1, column 32: Expression or comma expected\.$/],
  ['a TypeScript config that throws', { 'rollsafe.config.ts': "const n: number = 1;\nif (n) throw new Error('typed boom');\nexport default {};\n" }, /^rollsafe: rollsafe\.config\.ts threw while loading: typed boom$/],
  ['a config importing a module that does not exist', { 'rollsafe.config.mjs': "import './nowhere.mjs';\nexport default {};\n" }, /^rollsafe: rollsafe\.config\.mjs threw while loading: .*nowhere\.mjs/],
  ['no default export', { 'rollsafe.config.mjs': 'export const migrations = ["db/migrations"];\n' }, /^rollsafe: rollsafe\.config\.mjs must export a configuration object as its default export/],
  ['a number', { 'rollsafe.config.cjs': 'module.exports = 42;\n' }, /must export a configuration object/],
  ['an array', { 'rollsafe.config.mjs': 'export default ["db/migrations"];\n' }, /must export a configuration object/],
  ['a function that throws', { 'rollsafe.config.mjs': "export default () => { throw new Error('nope'); };\n" }, /^rollsafe: rollsafe\.config\.mjs: the exported function threw: nope$/],
  ['an async function that rejects', { 'rollsafe.config.mjs': "export default async () => { throw new Error('later'); };\n" }, /the exported function threw: later/],
  ['a function returning null', { 'rollsafe.config.mjs': 'export default () => null;\n' }, /must export a configuration object/],
  ['a key of the wrong type', { 'rollsafe.config.mjs': 'export default { pgVersion: "eighteen" };\n' }, /^rollsafe: rollsafe\.config\.mjs: pgVersion must be integer$/],
  ['an unknown key', { 'rollsafe.config.json': '{ "migration": "db/migrations" }\n' }, /^rollsafe: rollsafe\.config\.json: unknown key "migration"; did you mean "migrations"\?$/],
  ['JSON that does not parse (V8 quotes the text, line breaks included)', { 'rollsafe.config.json': '{ "migrations": [ }\n' }, /^rollsafe: rollsafe\.config\.json: not valid JSON \(.*\)$/],
  ['JSON that is not an object', { 'rollsafe.config.json': '"db/migrations"\n' }, /^rollsafe: rollsafe\.config\.json: \(top level\) must be object$/],
  ['a "rollsafe" key in package.json of the wrong shape', { 'package.json': '{ "name": "x", "rollsafe": ["db"] }\n' }, /^rollsafe: package\.json "rollsafe": \(top level\) must be object$/],
];

describe('a configuration file that throws or exports the wrong shape', () => {
  for (const [name, files, message] of cases) {
    it(`${name}: exit 2, one line naming the file`, async () => {
      const r = repo(files);
      const run = await rollsafe(r.root, ['check']);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('--config naming a file that does not exist', async () => {
    const r = repo({});
    const run = await rollsafe(r.root, ['check', '--config', 'conf/rollsafe.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rollsafe: config file not found: conf/rollsafe.json\n');
  });
});
