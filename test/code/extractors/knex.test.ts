import { describe, expect, it } from 'vitest';
import { extractFile } from '../../../src/code/extract-file.js';
import { knexExtractor } from '../../../src/code/extractors/knex.js';
import { parseColumn, parseTable } from '../../../src/code/extractors/knex/builder-query.js';
import { linkFacts } from '../../../src/code/link.js';
import { fixtureReferences, formatReferences, referencesIn } from '../../support/extract.js';

const extractors = [knexExtractor];

function refsOf(files: Record<string, string>): string[] {
  const facts = Object.entries(files).map(([path, text]) => extractFile(path, text, 'app', extractors));
  return formatReferences(linkFacts(facts, extractors));
}

const EXPECTED = [
  'users insert(email,display_name,status) likely explicit script scripts/seed.ts:5',
  'users.email write likely explicit script scripts/seed.ts:6',
  'users.display_name write likely explicit script scripts/seed.ts:6',
  'users.email write likely explicit script scripts/seed.ts:7',
  'users.display_name write likely explicit script scripts/seed.ts:7',
  'users.status write likely explicit script scripts/seed.ts:7',
  'pets.status read likely explicit src/pets/pet-service.ts:11',
  'pets.id read likely explicit src/pets/pet-service.ts:11',
  'pets.name read likely explicit src/pets/pet-service.ts:11',
  'pets insert likely implicit src/pets/pet-service.ts:16',
  'pets.owner_id write likely explicit src/pets/pet-service.ts:16',
  'users.id read likely explicit src/pets/pet-service.ts:17',
  'users.pet_count write likely explicit src/pets/pet-service.ts:17',
  'pets read likely implicit src/pets/pet-service.ts:22',
  'pets.species read likely explicit src/pets/pet-service.ts:22',
  'pets.name read likely explicit src/pets/pet-service.ts:23',
  'users read likely implicit src/users/user-repository.ts:10',
  'users.email read likely explicit src/users/user-repository.ts:10',
  'users.id read likely explicit src/users/user-repository.ts:15',
  'users.email read likely explicit src/users/user-repository.ts:15',
  'users.display_name read likely explicit src/users/user-repository.ts:15',
  'users.status read likely explicit src/users/user-repository.ts:17',
  'users.created_at read likely explicit src/users/user-repository.ts:18',
  'users insert(email,display_name) likely explicit src/users/user-repository.ts:22',
  'users.email write likely explicit src/users/user-repository.ts:22',
  'users.display_name write likely explicit src/users/user-repository.ts:22',
  'users.id read likely explicit src/users/user-repository.ts:22',
  'users.id read likely explicit src/users/user-repository.ts:27',
  'users.display_name write likely explicit src/users/user-repository.ts:27',
  'users delete likely explicit src/users/user-repository.ts:31',
  'users.id read likely explicit src/users/user-repository.ts:31',
  'pets.owner_id read likely explicit src/users/user-repository.ts:36',
  'users.id read likely explicit src/users/user-repository.ts:36',
  'users.email read likely explicit src/users/user-repository.ts:36',
  'pets.name read likely explicit src/users/user-repository.ts:36',
  'users.id read likely explicit src/users/user-repository.ts:40',
  'users.status read likely explicit src/users/user-repository.ts:40',
  'users.id read likely explicit src/users/user-repository.ts:45',
  'users.email read likely explicit src/users/user-repository.ts:47',
  'users.display_name read likely explicit src/users/user-repository.ts:47',
  'users read likely implicit src/users/user-repository.ts:52',
  'users.id read likely explicit src/users/user-repository.ts:52',
  'pets.owner_id read likely explicit src/users/user-repository.ts:53',
  'users insert(email) likely explicit test test/users.test.ts:8',
  'users.email write likely explicit test test/users.test.ts:8',
];

describe('knex extractor on fixtures/apps/knex', () => {
  const lines = formatReferences(fixtureReferences('apps/knex', extractors).references);

  it('finds table and column strings of queries on the exported instance, a typed instance and transactions', () => {
    expect(lines).toEqual(EXPECTED);
  });

  it('trap: an alias names its own table (`p.name` is pets.name, not users.name)', () => {
    expect(lines.filter((l) => l.endsWith('user-repository.ts:36'))).toEqual([
      'pets.owner_id read likely explicit src/users/user-repository.ts:36',
      'users.id read likely explicit src/users/user-repository.ts:36',
      'users.email read likely explicit src/users/user-repository.ts:36',
      'pets.name read likely explicit src/users/user-repository.ts:36',
    ]);
  });

  it('trap: the same column name on another table', () => {
    expect(lines.filter((l) => l.includes('.status') && l.includes('pet-service'))).toEqual(['pets.status read likely explicit src/pets/pet-service.ts:11']);
  });

  it('trap: comments, API fields, and `.where()` on objects that are not knex give nothing', () => {
    expect(referencesIn(lines, 'src/api/responses.ts')).toEqual([]);
  });

  it('reads no migration or schema-builder calls', () => {
    expect(lines.filter((l) => l.includes('migrations/'))).toEqual([]);
    expect(referencesIn(lines, 'scripts/seed.ts').some((l) => l.includes(':4'))).toBe(false);
  });
});

describe('knex instances', () => {
  it('keeps references through an import only when that module exports a knex instance', () => {
    const service = `import { db } from './db';\nexport const f = () => db('users').where('email', 'a').first();`;
    expect(refsOf({ 'src/db.ts': `import knex from 'knex';\nexport const db = knex({ client: 'pg' });`, 'src/s.ts': service })).toEqual([
      'users read likely implicit src/s.ts:2',
      'users.email read likely explicit src/s.ts:2',
    ]);
    expect(refsOf({ 'src/db.ts': `export const db = (t: string) => ({ where: () => t });`, 'src/s.ts': service })).toEqual([]);
  });

  it('accepts CommonJS instances (`module.exports = require("knex")(config)`)', () => {
    const refs = refsOf({
      'lib/db.js': `module.exports = require('knex')({ client: 'pg' });`,
      'lib/users.js': `const db = require('./db');\nexports.names = () => db.pluck('name').from('users');`,
    });
    expect(refs).toEqual(['users.name read likely explicit lib/users.js:2']);
  });

  it('marks an unqualified column of a join as weak on each candidate table', () => {
    const refs = refsOf({
      'src/q.ts': `import { knex } from 'knex';\nconst db = knex({});\nexport const q = db('users').join('pets', 'pets.owner_id', 'users.id').where('name', 'Rex').select('users.email');`,
    });
    expect(refs).toEqual([
      'pets.owner_id read likely explicit src/q.ts:3',
      'users.id read likely explicit src/q.ts:3',
      'users.name read weak explicit src/q.ts:3',
      'pets.name read weak explicit src/q.ts:3',
      'users.email read likely explicit src/q.ts:3',
    ]);
  });

  it('reads insert columns, on-conflict merges, schemas and CTE names', () => {
    const refs = refsOf({
      'src/q.ts': `import type { Knex } from 'knex';
export async function upsert(db: Knex, rows: { email: string }[]) {
  await db('users').insert({ email: 'a', name: 'b' }).onConflict('email').merge(['name']);
  await db.withSchema('billing').select('total').from('invoices');
  await db.with('recent', (qb) => qb.select('id').from('orders')).select('id').from('recent');
  await db('users').insert(rows);
}`,
    });
    expect(refs).toEqual([
      'users insert(email,name) likely explicit src/q.ts:3',
      'users.email write likely explicit src/q.ts:3',
      'users.name write likely explicit src/q.ts:3',
      'users.email read likely explicit src/q.ts:3',
      'users.name write likely explicit src/q.ts:3',
      'billing.invoices.total read likely explicit src/q.ts:4',
      'orders.id read likely explicit src/q.ts:5',
      'users insert likely implicit src/q.ts:6',
    ]);
  });

  it('ignores an untyped parameter and a local function named like knex', () => {
    const refs = refsOf({
      'src/q.ts': `export function f(db: any) { return db('users').where({ email: 1 }); }\nfunction knex(t: string) { return { where: (o: object) => [t, o] }; }\nexport const g = knex('users').where({ email: 1 });`,
    });
    expect(refs).toEqual([]);
  });
});

describe('table and column strings', () => {
  it('parses table specs', () => {
    expect(parseTable('users')).toEqual({ table: 'users' });
    expect(parseTable('users as u')).toEqual({ table: 'users', alias: 'u' });
    expect(parseTable('billing.invoices AS i')).toEqual({ table: 'invoices', schema: 'billing', alias: 'i' });
    expect(parseTable('users u')).toEqual({ table: 'users', alias: 'u' });
    expect(parseTable('count(*)')).toBeUndefined();
  });

  it('parses column specs', () => {
    expect(parseColumn('email')).toEqual({ column: 'email' });
    expect(parseColumn('u.email as mail')).toEqual({ qualifier: 'u', column: 'email' });
    expect(parseColumn('public.users.email')).toEqual({ schema: 'public', qualifier: 'users', column: 'email' });
    expect(parseColumn('u.*')).toEqual({ qualifier: 'u', column: '*' });
    expect(parseColumn('count(id)')).toBeUndefined();
    expect(parseColumn('a b c')).toBeUndefined();
  });
});
