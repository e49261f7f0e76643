/**
 * rollsafe never executes files of the project it analyses. Libraries it loads must not either:
 * @mrleebo/prisma-ast looks for a JS config file from the current directory when it loads.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from '../support/built.js';

let project: string;
beforeAll(() => {
  ensureBuilt();
  project = mkdtempSync(join(tmpdir(), 'rollsafe-hostile-'));
  const trap = "require('fs').writeFileSync(require('path').join(__dirname, 'EXECUTED'), 'yes'); module.exports = {};\n";
  for (const name of ['prisma-ast.config.js', '.prisma-astrc.js', '.prisma-astrc.cjs']) writeFileSync(join(project, name), trap);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'hostile' }));
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

it('loading the Prisma schema parser in a hostile project runs none of its config files', () => {
  const module = join(repoRoot, 'dist', 'src', 'code', 'extractors', 'prisma', 'schema.js');
  const out = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', `const m = await import(${JSON.stringify(module)}); const facts = { diagnostics: [], models: [] }; m.extractPrismaSchema('schema.prisma', 'model User {\\n  id Int @id\\n  email String\\n}\\n', facts); console.log(JSON.stringify(facts.models[0].fields[1].location));`],
    { cwd: project, encoding: 'utf8' },
  );
  expect(existsSync(join(project, 'EXECUTED'))).toBe(false);
  expect(JSON.parse(out)).toMatchObject({ line: 3, column: 3 });
});
