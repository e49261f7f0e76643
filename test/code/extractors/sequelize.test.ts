import { describe, expect, it } from 'vitest';
import { extractFile } from '../../../src/code/extract-file.js';
import { sequelizeExtractor } from '../../../src/code/extractors/sequelize.js';
import { pluralize, underscore } from '../../../src/code/extractors/sequelize/pluralize.js';
import { linkFacts, type OrmConfig } from '../../../src/code/link.js';
import { extractFixture, formatReferences, loadFixture, referencesIn } from '../../support/extract.js';

const extractors = [sequelizeExtractor];

function fixtureLines(dir: string, orm: OrmConfig = {}, skipDirs: string[] = []): string[] {
  return formatReferences(linkFacts(extractFixture(loadFixture(dir, { skipDirs }), extractors), extractors, orm));
}

function refsOf(files: Record<string, string>, orm: OrmConfig = {}): string[] {
  const facts = Object.entries(files).map(([path, text]) => extractFile(path, text, 'app', extractors));
  return formatReferences(linkFacts(facts, extractors, orm));
}

const EXPECTED_CLI_APP = [
  'audit_entries.actor_id model certain implicit models/audit-entry.js:4',
  'audit_entries.action model certain implicit models/audit-entry.js:5',
  'audit_entries.id model certain implicit models/audit-entry.js:9',
  'audit_entries.created_at model certain implicit models/audit-entry.js:9',
  'audit_entries.payload model certain implicit models/audit-entry.js:9',
  'Category.slug model certain implicit models/category.js:7',
  'Category.label model certain implicit models/category.js:8',
  'blog_posts.id model certain implicit models/post.js:5',
  'blog_posts.created_at model certain implicit models/post.js:5',
  'blog_posts.updated_at model certain implicit models/post.js:5',
  'blog_posts.title model certain implicit models/post.js:7',
  'blog_posts.body model certain implicit models/post.js:8',
  'blog_posts.status model certain implicit models/post.js:9',
  'blog_posts.author_id model certain implicit models/post.js:10',
  'blog_posts.published_at model certain implicit models/post.js:11',
  'users.id model certain implicit models/user.js:12',
  'users.created_at model certain implicit models/user.js:12',
  'users.updated_at model certain implicit models/user.js:12',
  'users.deleted_at model certain implicit models/user.js:12',
  'users.email model certain implicit models/user.js:14',
  'users.display_name model certain implicit models/user.js:15',
  'users.password_digest model certain implicit models/user.js:16',
  'users.status model certain implicit models/user.js:17',
  'users.email read likely explicit routes/users.js:10',
  'blog_posts.published_at write likely explicit script scripts/backfill.js:6',
  'blog_posts.status read likely explicit script scripts/backfill.js:6',
  'blog_posts.published_at read likely explicit script scripts/backfill.js:6',
  'users.id read likely explicit services/user-service.js:8',
  'users.email read likely explicit services/user-service.js:8',
  'users.status read likely explicit services/user-service.js:9',
  'users.created_at read likely explicit services/user-service.js:10',
  'blog_posts.title read likely explicit services/user-service.js:16',
  'blog_posts.published_at read likely explicit services/user-service.js:16',
  'users insert(email,display_name) likely implicit services/user-service.js:21',
  'users.email write likely explicit services/user-service.js:21',
  'users.display_name write likely explicit services/user-service.js:21',
  'users.display_name write likely explicit services/user-service.js:25',
  'users.id read likely explicit services/user-service.js:25',
  'users delete likely explicit services/user-service.js:29',
  'users.id read likely explicit services/user-service.js:29',
  'blog_posts.status read likely explicit services/user-service.js:34',
  'users.email read likely explicit services/user-service.js:38',
  'users.display_name read likely explicit services/user-service.js:38',
  'users.email read likely explicit test test/user-service.test.js:8',
];

const EXPECTED_TYPESCRIPT_APP = [
  'accounts.mail read certain explicit src/accounts.service.ts:11',
  'accounts.creation_date read certain explicit src/accounts.service.ts:11',
  'accounts insert(mail,nickname) certain implicit src/accounts.service.ts:15',
  'accounts.mail write certain explicit src/accounts.service.ts:15',
  'accounts.nickname write certain explicit src/accounts.service.ts:15',
  'Sessions delete certain explicit src/accounts.service.ts:19',
  'Sessions.token read certain explicit src/accounts.service.ts:19',
  'accounts.updated_at model certain implicit src/models/account.model.ts:5',
  'accounts.id model certain implicit src/models/account.model.ts:9',
  'accounts.mail model certain implicit src/models/account.model.ts:12',
  'accounts.nickname model certain implicit src/models/account.model.ts:15',
  'accounts.creation_date model certain implicit src/models/account.model.ts:18',
  'Sessions.id model certain implicit src/models/session.model.ts:5',
  'Sessions.createdAt model certain implicit src/models/session.model.ts:5',
  'Sessions.updatedAt model certain implicit src/models/session.model.ts:5',
  'Sessions.accountId model certain implicit src/models/session.model.ts:8',
  'Sessions.token model certain implicit src/models/session.model.ts:14',
];

describe('sequelize extractor on fixtures/apps/sequelize (sequelize-cli layout, JavaScript)', () => {
  const lines = fixtureLines('apps/sequelize', {}, ['typescript']);

  it('declares init/define models with define defaults, pluralized tables, timestamps and paranoid; finds usages', () => {
    expect(lines).toEqual(EXPECTED_CLI_APP);
  });

  it('lets configured options override the defaults found in code (model options still win)', () => {
    const plain = fixtureLines('apps/sequelize', { sequelize: { underscored: false } }, ['typescript']);
    expect(plain).toContain('Users.displayName model certain implicit models/user.js:15');
    expect(plain).toContain('Users.deletedAt model certain implicit models/user.js:12');
    expect(plain).toContain('blog_posts.authorId model certain implicit models/post.js:10');
    expect(plain).toContain('AuditEntries.actorId model certain implicit models/audit-entry.js:4');
    expect(plain).toContain('Category.label model certain implicit models/category.js:8');
  });

  it('trap: a VIRTUAL attribute is no column', () => {
    expect(lines.filter((l) => /full_?name/i.test(l))).toEqual([]);
  });

  it('trap: the same column name on another table', () => {
    expect(referencesIn(lines, 'services/user-service.js').filter((l) => l.includes('.status'))).toEqual([
      'users.status read likely explicit services/user-service.js:9',
      'blog_posts.status read likely explicit services/user-service.js:34',
    ]);
  });

  it('trap: API response keys, comments and a local object with findAll give no references', () => {
    expect(referencesIn(lines, 'routes/users.js')).toEqual(['users.email read likely explicit routes/users.js:10']);
  });

  it('reads neither migrations nor queryInterface seeders as application references', () => {
    expect(lines.filter((l) => /migrations\/|seeders\//.test(l))).toEqual([]);
  });
});

describe('sequelize-typescript on fixtures/apps/sequelize/typescript', () => {
  it('reads @Table/@Column classes (undecorated and relation properties are no columns) and injected models', () => {
    expect(fixtureLines('apps/sequelize/typescript')).toEqual(EXPECTED_TYPESCRIPT_APP);
  });
});

describe('sequelize options', () => {
  it('applies project defaults from new Sequelize(…, { define }) found in another file', () => {
    const refs = refsOf({
      'src/db.ts': `import { Sequelize } from 'sequelize';\nexport const sequelize = new Sequelize('postgres://x', { define: { timestamps: false, freezeTableName: true } });`,
      'src/tag.ts': `import { DataTypes } from 'sequelize';\nimport { sequelize } from './db';\nexport const Tag = sequelize.define('Tag', { name: DataTypes.STRING });`,
    });
    expect(refs).toEqual(['Tag.id model certain implicit src/tag.ts:3', 'Tag.name model certain implicit src/tag.ts:3']);
  });

  it('renames timestamps, adds version, keeps a declared primary key and explicit fields', () => {
    const refs = refsOf({
      'src/m.ts': `import { DataTypes, Model } from 'sequelize';
class Invoice extends Model {}
Invoice.init({ number: { type: DataTypes.STRING, primaryKey: true, field: 'invoice_no' } },
  { sequelize, createdAt: 'issuedAt', updatedAt: false, paranoid: true, deletedAt: 'voidedAt', version: true, underscored: true });
export const latest = () => Invoice.findAll({ order: [['issuedAt', 'DESC']], attributes: { exclude: ['version'] } });`,
    });
    expect(refs).toEqual([
      'invoices.issued_at model certain implicit src/m.ts:3',
      'invoices.voided_at model certain implicit src/m.ts:3',
      'invoices.version model certain implicit src/m.ts:3',
      'invoices.invoice_no model certain implicit src/m.ts:3',
      'invoices.issued_at read certain explicit src/m.ts:5',
    ]);
  });

  it('resolves models through sequelize.models and scopes, and ignores non-model receivers', () => {
    const refs = refsOf({
      'src/m.ts': `import { DataTypes } from 'sequelize';\nexport const Person = sequelize.define('Person', { nick: DataTypes.STRING }, { timestamps: false });`,
      'src/s.ts': `export const a = (sequelize: any) => sequelize.models.Person.findAll({ where: { nick: 'x' } });
import { Person } from './m';
export const b = () => Person.scope('active').count({ where: { nick: 'y' } });
export const c = (repo: { findAll(o: object): void }) => repo.findAll({ where: { nick: 'z' } });`,
    });
    expect(refs.filter((l) => l.includes('s.ts'))).toEqual([
      'People.nick read likely explicit src/s.ts:1',
      'People.nick read certain explicit src/s.ts:3',
    ]);
  });
});

describe('sequelize pluralize (inflection 1.13 rules)', () => {
  it('adds s, es and ies by the regular rules', () => {
    expect(['User', 'Post', 'Box', 'Church', 'Dish', 'Glass', 'Category', 'Company', 'Day', 'Key', 'Query'].map(pluralize)).toEqual([
      'Users', 'Posts', 'Boxes', 'Churches', 'Dishes', 'Glasses', 'Categories', 'Companies', 'Days', 'Keys', 'Queries',
    ]);
  });

  it('knows the irregulars it lists', () => {
    expect(['Person', 'Child', 'Man', 'Woman', 'Mouse', 'Ox', 'Foot', 'Tooth', 'Goose', 'Criterion', 'Matrix', 'Index', 'Vertex'].map(pluralize)).toEqual([
      'People', 'Children', 'Men', 'Women', 'Mice', 'Oxen', 'feet', 'teeth', 'geese', 'Criteria', 'Matrices', 'Indices', 'Vertices',
    ]);
  });

  it('handles -f/-fe, -is, -us, -o and -um endings', () => {
    expect(['Knife', 'Wolf', 'Leaf', 'Analysis', 'Status', 'Bus', 'Virus', 'Potato', 'Photo', 'Medium', 'Quiz'].map(pluralize)).toEqual([
      'Knives', 'Wolves', 'Leafs', 'Analyses', 'Statuses', 'Buses', 'Viruses', 'Potatoes', 'Photos', 'Media', 'Quizzes',
    ]);
  });

  it('keeps uncountable and already plural words', () => {
    expect(['Equipment', 'Information', 'Sheep', 'News', 'Series', 'Users', 'People', 'Data', 'Categories', 'Settings'].map(pluralize)).toEqual([
      'Equipment', 'Information', 'Sheep', 'News', 'Series', 'Users', 'People', 'Data', 'Categories', 'Settings',
    ]);
  });

  it('keeps the oddities Sequelize inherits (table names must match what it computes)', () => {
    // Anchored rules only know whole words; compounds fall through to the regular rules.
    expect(['Salesman', 'Human', 'Meta', 'Safe', 'Fish', 'Genus', 'AuditEntry', 'UserProfile'].map(pluralize)).toEqual([
      'Salesmans', 'Humans', 'Meta', 'Saves', 'Fishes', 'genera', 'AuditEntries', 'UserProfiles',
    ]);
  });

  it('underscores like inflection', () => {
    expect(underscore('UserProfiles')).toBe('user_profiles');
    expect(underscore('createdAt')).toBe('created_at');
    expect(underscore('userID')).toBe('user_i_d');
    expect(underscore('already_snake')).toBe('already_snake');
  });
});
