import { describe, expect, it } from 'vitest';
import { extractFile } from '../../../src/code/extract-file.js';
import { kyselyExtractor } from '../../../src/code/extractors/kysely.js';
import { linkFacts } from '../../../src/code/link.js';
import { fixtureReferences, formatReferences, referencesIn } from '../../support/extract.js';

const extractors = [kyselyExtractor];

function refsOf(files: Record<string, string>): string[] {
  const facts = Object.entries(files).map(([path, text]) => extractFile(path, text, 'app', extractors));
  return formatReferences(linkFacts(facts, extractors));
}

const EXPECTED = [
  'pet delete likely explicit script scripts/cleanup.ts:7',
  'pet.owner_id read likely explicit script scripts/cleanup.ts:7',
  'person.id read likely explicit src/person-repository.ts:7',
  'person read likely implicit src/person-repository.ts:7',
  'person.first_name read likely explicit src/person-repository.ts:12',
  'person.email read likely explicit src/person-repository.ts:13',
  'person.id read likely explicit src/person-repository.ts:14',
  'person.first_name read likely explicit src/person-repository.ts:14',
  'person.last_name read likely explicit src/person-repository.ts:14',
  'person insert likely implicit src/person-repository.ts:18',
  'person read likely implicit src/person-repository.ts:18',
  'person insert(first_name,email) likely explicit src/person-repository.ts:22',
  'person.first_name write likely explicit src/person-repository.ts:22',
  'person.email write likely explicit src/person-repository.ts:22',
  'person.id read likely explicit src/person-repository.ts:22',
  'person.created_at read likely explicit src/person-repository.ts:22',
  'person.id read likely explicit src/person-repository.ts:26',
  'person.last_name write likely explicit src/person-repository.ts:27',
  'person.email read likely explicit src/person-repository.ts:27',
  'person delete likely explicit src/person-repository.ts:31',
  'person.id read likely explicit src/person-repository.ts:31',
  'person read likely implicit src/person-repository.ts:31',
  'person.id read likely explicit src/person-repository.ts:38',
  'pet.owner_id read likely explicit src/person-repository.ts:38',
  'pet.name read likely explicit src/person-repository.ts:39',
  'person.first_name read likely explicit src/person-repository.ts:39',
  'pet.species read likely explicit src/person-repository.ts:40',
  'pet.name read likely explicit src/person-repository.ts:41',
  'person read likely implicit src/person-repository.ts:48',
  'person.first_name read likely explicit src/person-repository.ts:49',
  'person.last_name read likely explicit src/person-repository.ts:49',
  'person.id read likely explicit src/person-repository.ts:57',
  'pet.id read likely explicit src/person-repository.ts:58',
  'pet.name read likely explicit src/person-repository.ts:58',
  'pet.owner_id read likely explicit src/person-repository.ts:58',
  'person.id read likely explicit src/person-repository.ts:58',
  'person insert(first_name,email) likely explicit src/person-repository.ts:65',
  'person.first_name write likely explicit src/person-repository.ts:66',
  'person.email write likely explicit src/person-repository.ts:66',
  'person.email read likely explicit src/person-repository.ts:67',
  'person.first_name write likely explicit src/person-repository.ts:67',
  'person.first_name read likely explicit src/person-repository.ts:67',
  'person.id read likely explicit src/person-repository.ts:73',
  'person.email read likely explicit src/person-repository.ts:73',
  'pet insert(owner_id,name,species) likely explicit src/person-repository.ts:74',
  'pet.owner_id write likely explicit src/person-repository.ts:74',
  'pet.name write likely explicit src/person-repository.ts:74',
  'pet.species write likely explicit src/person-repository.ts:74',
  'pet.created_at read likely explicit src/stats-service.ts:9',
  'pet.created_at read likely explicit src/stats-service.ts:9',
  'pet.species read likely explicit src/stats-service.ts:15',
  'pet.id read likely explicit src/stats-service.ts:15',
  'pet.species read likely explicit src/stats-service.ts:16',
  'person.email read likely explicit test test/person-repository.test.ts:7',
  'person.id read likely explicit test test/person-repository.test.ts:7',
];

describe('kysely extractor on fixtures/apps/kysely', () => {
  const lines = formatReferences(fixtureReferences('apps/kysely', extractors).references);

  it('finds table and column strings of queries, expression-builder callbacks, transactions and subqueries', () => {
    expect(lines).toEqual(EXPECTED);
  });

  it('trap: an alias resolves to its table (`owner.first_name` is person.first_name)', () => {
    expect(lines).toContain('person.first_name read likely explicit src/person-repository.ts:39');
    expect(lines.filter((l) => l.startsWith('owner.'))).toEqual([]);
  });

  it('trap: the same column name on another table', () => {
    expect(referencesIn(lines, 'src/stats-service.ts').filter((l) => l.includes('created_at'))).toEqual([
      'pet.created_at read likely explicit src/stats-service.ts:9',
      'pet.created_at read likely explicit src/stats-service.ts:9',
    ]);
  });

  it('trap: comments, JSON keys, generated DB types and a non-Kysely `selectFrom` give nothing', () => {
    expect(referencesIn(lines, 'src/api/serializers.ts')).toEqual([]);
    expect(referencesIn(lines, 'src/db-types.ts')).toEqual([]);
  });

  it('reads neither the schema builder nor `sql` templates', () => {
    expect(referencesIn(lines, 'scripts/cleanup.ts')).toEqual([
      'pet delete likely explicit script scripts/cleanup.ts:7',
      'pet.owner_id read likely explicit script scripts/cleanup.ts:7',
    ]);
  });
});

describe('kysely instances and scopes', () => {
  const database = `import { Kysely } from 'kysely';\nexport const db = new Kysely<any>({} as any);`;

  it('keeps references through an import only when that module exports a Kysely instance', () => {
    const service = `import { db } from '../database';\nexport const f = () => db.selectFrom('users').select('email').execute();`;
    expect(refsOf({ 'src/database.ts': database, 'src/users/s.ts': service })).toEqual(['users.email read likely explicit src/users/s.ts:2']);
    expect(refsOf({ 'src/database.ts': `export const db = { selectFrom: (t: string) => t };`, 'src/users/s.ts': service })).toEqual([]);
  });

  it('reads typed transactions, CTE names, schemas and unknown qualifiers', () => {
    const refs = refsOf({
      'src/q.ts': `import type { Transaction } from 'kysely';
export async function q(trx: Transaction<any>) {
  await trx.with('recent', (db) => db.selectFrom('orders').select('id')).selectFrom('recent').selectAll().execute();
  await trx.withSchema('billing').selectFrom('invoices').select('total').execute();
  await trx.selectFrom('users').select('other.email').execute();
}`,
    });
    expect(refs).toEqual([
      'orders.id read likely explicit src/q.ts:3',
      'billing.invoices.total read likely explicit src/q.ts:4',
      'users read likely explicit src/q.ts:5',
      'other.email read weak explicit src/q.ts:5',
    ]);
  });

  it('accepts a class extending Kysely, injected from another file (NestJS)', () => {
    const refs = refsOf({
      'src/database/database.ts': `import { Kysely } from 'kysely';\nexport class Database extends Kysely<any> {}`,
      'src/users/users.repository.ts': `import { Database } from '../database/database';
export class UsersRepository {
  constructor(private readonly database: Database) {}
  byEmail(email: string) {
    return this.database.selectFrom('users').where('email', '=', email).leftJoin('addresses', 'addresses.id', 'users.address_id').select('addresses.city').execute();
  }
}`,
      'src/other.ts': `import { Database } from './not-kysely';\nexport const f = (db: Database) => db.selectFrom('users').select('email');`,
      'src/not-kysely.ts': `export class Database { selectFrom(t: string) { return t; } }`,
    });
    // `email` is given before the join, so it can only be a users column (Kysely's types say so).
    expect(refs).toEqual([
      'users.email read likely explicit src/users/users.repository.ts:5',
      'addresses.id read likely explicit src/users/users.repository.ts:5',
      'users.address_id read likely explicit src/users/users.repository.ts:5',
      'addresses.city read likely explicit src/users/users.repository.ts:5',
    ]);
  });

  it('does not give a CTE subquery column to the enclosing table', () => {
    const refs = refsOf({
      'src/q.ts': `import type { Kysely } from 'kysely';
export const q = (db: Kysely<any>) => db
  .with('created', (d) => d.insertInto('addresses').values({ city: 'x' }).returningAll())
  .insertInto('users')
  .values((eb) => ({ address_id: eb.selectFrom('created').select('id') }))
  .execute();`,
    });
    expect(refs).toEqual([
      'addresses insert(city) likely explicit src/q.ts:3',
      'addresses.city write likely explicit src/q.ts:3',
      'addresses read likely implicit src/q.ts:3',
      'users insert(address_id) likely explicit src/q.ts:4',
      'users.address_id write likely explicit src/q.ts:5',
    ]);
  });

  it('does not read a Kysely-looking chain on an untyped parameter', () => {
    expect(refsOf({ 'src/q.ts': `export const f = (db: any) => db.selectFrom('users').select('email');` })).toEqual([]);
  });
});
