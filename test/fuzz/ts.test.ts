/**
 * Application code rollsafe was never shown: the fixture apps mutated character by character, unterminated
 * templates and strings, huge generated files, expressions nested thousands deep. `extractFile` with every
 * extractor must never throw, must point inside the file, and a file that does not parse must say so.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { ts } from 'ts-morph';
import { beforeAll, describe, expect, it } from 'vitest';
import { extractFile } from '../../src/code/extract-file.js';
import { extractors } from '../../src/code/extractors/index.js';
import type { FileFacts } from '../../src/code/facts.js';
import type { SourceLocation } from '../../src/location.js';
import { loadParser } from '../../src/sql/parser.js';
import { FUZZ, property } from './support/runs.js';

const root = join(import.meta.dirname, '..', '..');
const CODE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|prisma)$/;

function codeFixtures(): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        if (name !== 'node_modules') walk(full);
      } else if (CODE.test(name)) out.push({ path: relative(root, full).split('\\').join('/'), text: readFileSync(full, 'utf8') });
    }
  };
  for (const dir of ['fixtures/apps', 'fixtures/eslint', 'fixtures/demo']) walk(join(root, dir));
  return out;
}

const corpus = codeFixtures();

beforeAll(async () => {
  await loadParser();
});

/** Why a location is not inside a file of `lines` lines, or null. */
function outside(location: SourceLocation, lines: number): string | null {
  const { line, column, endLine } = location;
  return line >= 1 && line <= lines && endLine >= line && endLine <= lines && column >= 1 ? null : `${line}:${column}-${endLine} in ${lines} lines`;
}

/** Extract, and check what every result must satisfy. */
function extracted(path: string, text: string): FileFacts {
  const facts = extractFile(path, text, 'app', extractors);
  expect(facts.path).toBe(path);
  // Lines as TypeScript counts them (a lone CR and U+2028/9 end lines too), which is how code locations are given.
  const lines = text.split(/\r\n|[\r\n\u2028\u2029]/).length;
  const located: [string, SourceLocation][] = [
    ...facts.references.map((r): [string, SourceLocation] => [`reference ${r.table}.${r.column ?? ''}`, r.location]),
    ...facts.diagnostics.map((d): [string, SourceLocation] => [`diagnostic ${d.code}`, d.location]),
    ...facts.models.flatMap((m) => [[`model ${m.name}`, m.location] as [string, SourceLocation], ...m.fields.map((f): [string, SourceLocation] => [`field ${f.name}`, f.location])]),
    ...facts.usages.flatMap((u) => u.fields.map((f): [string, SourceLocation] => [`usage field ${f.name}`, f.location])),
  ];
  const wrong = located.flatMap(([what, location]) => {
    const why = outside(location, lines);
    return why ? [`${what}: ${why}`] : [];
  });
  expect(wrong, 'locations outside the file').toEqual([]);
  // Facts are cached as JSON, so they must survive it unchanged.
  const json = JSON.stringify(facts);
  expect(JSON.stringify(JSON.parse(json)) === json && (JSON.parse(json) as FileFacts).references.length === facts.references.length).toBe(true);
  return facts;
}

const SCRIPT_KINDS: Record<string, ts.ScriptKind> = { tsx: ts.ScriptKind.TSX, jsx: ts.ScriptKind.JSX, js: ts.ScriptKind.JS, mjs: ts.ScriptKind.JS, cjs: ts.ScriptKind.JS };

function hasSyntaxErrors(path: string, text: string): boolean {
  const ext = path.slice(path.lastIndexOf('.') + 1);
  const file = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, SCRIPT_KINDS[ext] ?? ts.ScriptKind.TS);
  return ((file as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics ?? []).length > 0;
}

const tokens = ['`', '${', '}', '{', '/*', '*/', '"', "'", '(', ')', '<', '>', '\\', '\u0000', '\ud800', '\u202e', '\u001b[2J', '\r', '@Entity(', 'sql`', '$queryRaw`', "knex('users')", 'pool.query(`SELECT ', ' FROM users', '#!', '\n', '// rollsafe-ignore', 'model X {', '@@map("', 'pgTable("t", {', ';', ',', '=>', '?.', 'import ', 'export default '];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...tokens) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 300 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), text: fc.string({ maxLength: 3 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, m: Mutation): string {
  const at = m.at % (text.length + 1);
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, at);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.length);
    case 'duplicate':
      return text.slice(0, at + m.length) + text.slice(at);
    case 'replace':
      return text.slice(0, at) + m.text + text.slice(at + m.text.length);
  }
}

describe('mutated application code', () => {
  it('every extractor on mutated fixture files: never a throw, locations inside the file, syntax errors reported', () => {
    property(
      fc.tuple(fc.nat({ max: corpus.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 5 })),
      ([index, mutations]) => {
        const { path, text } = corpus[index]!;
        let mutated = text;
        for (const m of mutations) mutated = mutate(mutated, m);
        const facts = extracted(path, mutated);
        const parsed = facts.imports.length > 0 || facts.references.length > 0 || facts.models.length > 0 || facts.diagnostics.length > 0;
        if (parsed && !path.endsWith('.prisma') && hasSyntaxErrors(path, mutated)) {
          expect(facts.diagnostics.map((d) => d.code)).toContain('ts-syntax');
        }
      },
      { seed: 301, sample: 150, full: 12_000 },
    );
  });

  it('an unterminated template, string or comment at any point of a file that queries the database', () => {
    const file = corpus.find((f) => f.text.includes('`SELECT')) ?? corpus[0]!;
    property(
      fc.tuple(fc.nat(), fc.constantFrom('`', '`SELECT ${', "'", '"', '/*', '${', 'sql`SELECT * FROM users WHERE id = ${id')),
      ([at, opener]) => {
        const cut = at % (file.text.length + 1);
        const text = file.text.slice(0, cut) + opener;
        const facts = extracted(file.path, text);
        if (facts.imports.length > 0 && hasSyntaxErrors(file.path, text)) expect(facts.diagnostics.map((d) => d.code)).toContain('ts-syntax');
      },
      { seed: 302, sample: 40, full: 4_000 },
    );
  });
});

const HEAD = [
  "import { Pool } from 'pg';",
  "import { sql } from 'drizzle-orm';",
  "import knex from 'knex';",
  "import { PrismaClient } from '@prisma/client';",
  "import { Entity, Column } from 'typeorm';",
  "import { Kysely } from 'kysely';",
  "import { Model, DataTypes } from 'sequelize';",
  'const pool = new Pool();',
  '',
].join('\n');

/** Shapes that recurse in a parser or a tree walker, nested `n` deep. */
const deep: Record<string, (n: number) => string> = {
  parentheses: (n) => `const x = ${'('.repeat(n)}1${')'.repeat(n)};\n`,
  calls: (n) => `const x = ${'f('.repeat(n)}1${')'.repeat(n)};\n`,
  'binary operators': (n) => `const x = ${Array(n).fill('1').join(' + ')};\n`,
  'string concatenation in a query': (n) => `pool.query(${Array(n).fill("'SELECT 1 '").join(' + ')});\n`,
  'builder chain': (n) => `const x = knex('users')${".where('a', 1)".repeat(n)};\n`,
  'member chain': (n) => `const x = a${'.b'.repeat(n)};\n`,
  arrays: (n) => `const x = ${'['.repeat(n)}${']'.repeat(n)};\n`,
  objects: (n) => `const x = ${'{a:'.repeat(n)}1${'}'.repeat(n)};\n`,
  templates: (n) => `const x = ${'`${'.repeat(n)}1${'}`'.repeat(n)};\n`,
  arrows: (n) => `const x = ${'() => '.repeat(n)}1;\n`,
  blocks: (n) => `${'{'.repeat(n)}${'}'.repeat(n)}\n`,
  'if statements': (n) => `${'if (a) '.repeat(n)}pool.query('SELECT 1');\n`,
  conditionals: (n) => `const x = ${'a ? 1 : '.repeat(n)}2;\n`,
  'SQL parentheses': (n) => `pool.query(\`SELECT ${'('.repeat(n)}1${')'.repeat(n)} FROM users\`);\n`,
  'SQL subqueries': (n) => `pool.query(\`SELECT * FROM ${'(SELECT * FROM '.repeat(n)}users${') x'.repeat(n)}\`);\n`,
};

describe('line ends', () => {
  it('a file with lone CR (or U+2028) line ends: references point at the line TypeScript counts, with its text (seed 956708649)', () => {
    for (const eol of ['\r', '\r\n', '\u2028']) {
      const text = [`import { Pool } from 'pg';`, 'const pool = new Pool();', '', "export const q = () => pool.query('SELECT email FROM users');", ''].join(eol);
      const facts = extracted('src/eol.ts', text);
      const ref = facts.references.find((r) => r.column === 'email');
      expect(ref?.location.line, JSON.stringify(eol)).toBe(4);
      expect(ref?.snippet, JSON.stringify(eol)).toBe("export const q = () => pool.query('SELECT email FROM users');");
    }
  });
});

describe('deeply nested and huge files', () => {
  const depths = FUZZ ? [100, 1_000, 5_000, 20_000, 100_000] : [200, 5_000];
  for (const [shape, make] of Object.entries(deep)) {
    it(`${shape}, nested ${depths.join(', ')} deep: a diagnostic at worst, never a throw`, () => {
      for (const n of depths) {
        const facts = extracted('src/deep.ts', HEAD + make(n));
        const failed = facts.diagnostics.filter((d) => d.code === 'ts-unparsable' || d.code === 'extractor-failed');
        for (const d of failed) expect(d.message).toMatch(/cannot parse|failed on this file/);
      }
    });
  }

  it('a JSX tree nested 5,000 deep', () => {
    const facts = extracted('src/deep.tsx', `${HEAD}const x = ${'<a>'.repeat(5_000)}${'</a>'.repeat(5_000)};\n`);
    expect(facts.diagnostics.map((d) => d.code)).toContain('ts-unparsable');
  });

  it(`a generated file of ${FUZZ ? '60,000 queries (6 MB)' : '4,000 queries (400 KB)'}: every query read`, () => {
    const count = FUZZ ? 60_000 : 4_000;
    const lines = Array.from({ length: count }, (_, i) => `export const q${i} = () => pool.query(\`SELECT id, email FROM users WHERE id = \${${i}}\`);`);
    const facts = extracted('src/generated.ts', `${HEAD}${lines.join('\n')}\n`);
    expect(facts.diagnostics).toEqual([]);
    expect(facts.references.filter((r) => r.column === 'email')).toHaveLength(count);
  });

  it('a huge single line and a file of only a string literal', () => {
    extracted('src/line.ts', `${HEAD}const s = '${'x'.repeat(FUZZ ? 10_000_000 : 1_000_000)}';\n`);
    extracted('src/str.ts', `${HEAD}pool.query('${"'' ".repeat(100_000)}`);
  });
});
