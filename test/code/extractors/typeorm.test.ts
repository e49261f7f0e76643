import { describe, expect, it } from 'vitest';
import { extractFile } from '../../../src/code/extract-file.js';
import { typeormExtractor } from '../../../src/code/extractors/typeorm.js';
import { camelCase, snakeCase } from '../../../src/code/extractors/typeorm/naming.js';
import { linkFacts } from '../../../src/code/link.js';
import { fixtureReferences, formatReferences, referencesIn } from '../../support/extract.js';

const extractors = [typeormExtractor];

/** References of inline files (path → text), linked together. */
function refsOf(files: Record<string, string>, orm = {}): string[] {
  const facts = Object.entries(files).map(([path, text]) => extractFile(path, text, 'app', extractors));
  return formatReferences(linkFacts(facts, extractors, orm));
}

const EXPECTED_DEFAULT = [
  'user insert(email,display_name,passwordHash) certain implicit script scripts/seed.ts:6',
  'user.email write certain explicit script scripts/seed.ts:7',
  'user.display_name write certain explicit script scripts/seed.ts:7',
  'user.passwordHash write certain explicit script scripts/seed.ts:7',
  'user.email write certain explicit script scripts/seed.ts:8',
  'user.display_name write certain explicit script scripts/seed.ts:8',
  'user.passwordHash write certain explicit script scripts/seed.ts:8',
  'catalog.categories.id model certain implicit src/common/base.entity.ts:6',
  'catalog.categories.created_at model certain implicit src/common/base.entity.ts:9',
  'catalog.categories.updated_at model certain implicit src/common/base.entity.ts:12',
  'catalog.categories.slug model certain implicit src/entities/category.entity.ts:7',
  'catalog.categories.label model certain implicit src/entities/category.entity.ts:10',
  'posts.id model certain implicit src/entities/post.entity.ts:8',
  'posts.title model certain implicit src/entities/post.entity.ts:11',
  'posts.body model certain implicit src/entities/post.entity.ts:14',
  'posts.status model certain implicit src/entities/post.entity.ts:17',
  'posts.publishedAt model certain implicit src/entities/post.entity.ts:20',
  'posts.author_id model certain implicit src/entities/post.entity.ts:24',
  'posts.categoryId model certain implicit src/entities/post.entity.ts:27',
  'posts.version model certain implicit src/entities/post.entity.ts:30',
  'profiles.id model certain implicit src/entities/profile.ts:7',
  'profiles.bio_text model certain implicit src/entities/profile.ts:10',
  'profiles.userId model certain implicit src/entities/profile.ts:14',
  'user.id model certain implicit src/entities/user.entity.ts:18',
  'user.email model certain implicit src/entities/user.entity.ts:21',
  'user.display_name model certain implicit src/entities/user.entity.ts:24',
  'user.passwordHash write certain implicit src/entities/user.entity.ts:28',
  'user.status model certain implicit src/entities/user.entity.ts:31',
  'user.created_at model certain implicit src/entities/user.entity.ts:34',
  'user.updatedAt model certain implicit src/entities/user.entity.ts:37',
  'user.deletedAt model certain implicit src/entities/user.entity.ts:40',
  'user.id read certain explicit src/posts/post.repository.ts:8',
  'posts.author_id read certain explicit src/posts/post.repository.ts:8',
  'posts.id read certain explicit src/posts/post.repository.ts:9',
  'posts.title read certain explicit src/posts/post.repository.ts:9',
  'user.email read certain explicit src/posts/post.repository.ts:9',
  'posts.publishedAt read certain explicit src/posts/post.repository.ts:10',
  'posts.publishedAt write certain explicit src/posts/post.repository.ts:16',
  'posts.status write certain explicit src/posts/post.repository.ts:16',
  'user.email read certain explicit src/reports/stats.ts:7',
  'user.status read certain explicit src/reports/stats.ts:7',
  'posts insert(title,body,author_id) certain implicit src/reports/stats.ts:13',
  'posts.title write certain explicit src/reports/stats.ts:13',
  'posts.body write certain explicit src/reports/stats.ts:13',
  'posts.author_id write certain explicit src/reports/stats.ts:13',
  'catalog.categories.slug read certain explicit src/reports/stats.ts:14',
  'catalog.categories.label write certain explicit src/reports/stats.ts:14',
  'posts.status read certain explicit src/reports/stats.ts:20',
  'user insert(email,passwordHash) certain implicit test src/users/users.service.spec.ts:7',
  'user.email write certain explicit test src/users/users.service.spec.ts:7',
  'user.passwordHash write certain explicit test src/users/users.service.spec.ts:7',
  'user.email read certain explicit test src/users/users.service.spec.ts:8',
  'user.id read certain explicit src/users/users.service.ts:21',
  'user.email read certain explicit src/users/users.service.ts:21',
  'user.display_name read certain explicit src/users/users.service.ts:21',
  'user.email read certain explicit src/users/users.service.ts:22',
  'user.status read certain explicit src/users/users.service.ts:30',
  'user.created_at read certain explicit src/users/users.service.ts:30',
  'user.email write certain explicit src/users/users.service.ts:34',
  'user.display_name write certain explicit src/users/users.service.ts:34',
  'user.passwordHash write certain explicit src/users/users.service.ts:34',
  'user insert(email,display_name,passwordHash) certain implicit src/users/users.service.ts:35',
  'user.id read certain explicit src/users/users.service.ts:39',
  'user.display_name write certain explicit src/users/users.service.ts:39',
  'user delete certain explicit src/users/users.service.ts:43',
  'user.id read certain explicit src/users/users.service.ts:43',
  'posts.status read certain explicit src/users/users.service.ts:48',
  'user.email read certain explicit src/users/users.service.ts:53',
  'user.status read certain explicit src/users/users.service.ts:56',
  'user.created_at read certain explicit src/users/users.service.ts:59',
  'user.passwordHash read certain explicit src/users/users.service.ts:65',
  'user.email read certain explicit src/users/users.service.ts:66',
];

describe('typeorm extractor on fixtures/apps/typeorm', () => {
  const lines = formatReferences(fixtureReferences('apps/typeorm', extractors).references);

  it('finds entity columns, repository, manager, ActiveRecord and query-builder references (default naming)', () => {
    expect(lines).toEqual(EXPECTED_DEFAULT);
  });

  it('applies the snake naming strategy to derived names only', () => {
    const snake = formatReferences(fixtureReferences('apps/typeorm', extractors, { typeorm: { namingStrategy: 'snake' } }).references);
    expect(snake).toContain('user.password_hash write certain implicit src/entities/user.entity.ts:28');
    expect(snake).toContain('posts.published_at read certain explicit src/posts/post.repository.ts:10');
    expect(snake).toContain('posts.category_id model certain implicit src/entities/post.entity.ts:27');
    expect(snake).toContain('profiles.user_id model certain implicit src/entities/profile.ts:14');
    // Explicit names (`@Column({ name })`, `@JoinColumn({ name })`) are kept as written.
    expect(snake).toContain('user.display_name model certain implicit src/entities/user.entity.ts:24');
    expect(snake).toContain('posts.author_id model certain implicit src/entities/post.entity.ts:24');
    expect(snake.filter((l) => /passwordHash|publishedAt|categoryId|userId/.test(l))).toEqual([]);
    expect(snake).toHaveLength(lines.length);
  });

  it('trap: an undecorated entity property (or one with only validation decorators) is no column', () => {
    expect(lines.filter((l) => /fullName|confirmEmail|full_name/.test(l))).toEqual([]);
  });

  it('trap: the same column name on another table resolves to the repository entity', () => {
    expect(lines.filter((l) => l.endsWith('src/users/users.service.ts:48'))).toEqual(['posts.status read certain explicit src/users/users.service.ts:48']);
  });

  it('trap: an alias joined through a relation is not taken for the main entity', () => {
    // `p.title` (alias of the `u.posts` relation) must not become user.title or posts.title.
    expect(lines.filter((l) => /\.title /.test(l) && l.includes('users.service.ts'))).toEqual([]);
    expect(referencesIn(lines, 'src/users/users.service.ts').filter((l) => /:5[2-9]$/.test(l))).toEqual([
      'user.email read certain explicit src/users/users.service.ts:53',
      'user.status read certain explicit src/users/users.service.ts:56',
      'user.created_at read certain explicit src/users/users.service.ts:59',
    ]);
  });

  it('trap: comments, API response fields and a local object with a find method are no references', () => {
    expect(referencesIn(lines, 'src/api/user-response.ts')).toEqual([]);
  });
});

describe('typeorm declarations', () => {
  it('reads entity names, schemas, column options and relation columns', () => {
    const refs = refsOf({
      'src/order.ts': `
import { Column, Entity, Generated, JoinColumn, ManyToOne, PrimaryColumn, RelationId } from 'typeorm';
import { Customer } from './customer';
@Entity('orders', { schema: 'shop' })
export class Order {
  @PrimaryColumn('uuid', { name: 'order_id' }) id: string;
  @Column({ insert: false, update: false }) total: number;
  @Column({ type: 'tsvector', generatedType: 'STORED', asExpression: "to_tsvector(note)" }) search: string;
  @Column(() => Address) shipping: Address;
  @ManyToOne(() => Customer) @JoinColumn({ referencedColumnName: 'code' }) customer: Customer;
  @RelationId((o: Order) => o.customer) customerCode: string;
  helper = 1;
}`,
    });
    expect(refs).toEqual([
      'shop.orders.order_id model certain implicit src/order.ts:6',
      'shop.orders.total model certain implicit src/order.ts:7',
      'shop.orders.search model certain implicit src/order.ts:8',
      'shop.orders.customerCode model certain implicit src/order.ts:10',
    ]);
  });

  it('marks unwritten columns: an insert writes only writable fields', () => {
    const refs = refsOf({
      'src/a.ts': `
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Repository } from 'typeorm';
@Entity() export class AuditLog {
  @PrimaryGeneratedColumn() id: number;
  @Column() action: string;
  @Column({ insert: false }) checksum: string;
  @CreateDateColumn() at: Date;
}
export function log(repo: Repository<AuditLog>, entry: Partial<AuditLog>) { return repo.save(entry); }`,
    });
    expect(refs).toContain('audit_log insert(action) certain implicit src/a.ts:9');
  });

  it('ignores decorators of the same name from other libraries', () => {
    const refs = refsOf({
      'src/a.ts': `
import { Column, Entity, Table } from 'sequelize-typescript';
@Table @Entity export class User { @Column email: string; }`,
    });
    expect(refs).toEqual([]);
  });
});

describe('typeorm usages', () => {
  const entity = `
import { Column, Entity, PrimaryGeneratedColumn, BaseEntity } from 'typeorm';
@Entity('accounts') export class Account extends BaseEntity {
  @PrimaryGeneratedColumn() id: number;
  @Column({ name: 'owner_email' }) ownerEmail: string;
  @Column() balance: number;
}`;

  it('resolves ActiveRecord statics and custom repositories', () => {
    const refs = refsOf({
      'src/account.ts': entity,
      'src/service.ts': `
import { Repository } from 'typeorm';
import { Account } from './account';
export class AccountRepository extends Repository<Account> {
  rich() { return this.find({ where: { balance: 100 } }); }
}
export const byOwner = (email: string) => Account.findOneBy({ ownerEmail: email });
export const drain = () => Account.update({ id: 1 }, { balance: 0 });`,
    });
    expect(refs.filter((l) => l.includes('service.ts'))).toEqual([
      'accounts.balance read certain explicit src/service.ts:5',
      'accounts.owner_email read certain explicit src/service.ts:7',
      'accounts.id read certain explicit src/service.ts:8',
      'accounts.balance write certain explicit src/service.ts:8',
    ]);
  });

  it('follows a query builder kept in a variable and join aliases of explicit entities', () => {
    const refs = refsOf({
      'src/account.ts': entity,
      'src/report.ts': `
import { DataSource } from 'typeorm';
import { Account } from './account';
export async function report(ds: DataSource, min: number) {
  const qb = ds.createQueryBuilder(Account, 'a');
  qb.where('a.balance > :min', { min });
  qb.innerJoin(Account, 'other', 'other.ownerEmail = a.ownerEmail');
  return qb.select(['a.id']).getRawMany();
}`,
    });
    expect(refs.filter((l) => l.includes('report.ts'))).toEqual([
      'accounts.balance read certain explicit src/report.ts:6',
      'accounts.owner_email read certain explicit src/report.ts:7',
      'accounts.owner_email read certain explicit src/report.ts:7',
      'accounts.id read certain explicit src/report.ts:8',
    ]);
  });

  it('reads TypeORM 0.2 bare conditions and counts an awaited chain once', () => {
    const refs = refsOf({
      'src/account.ts': entity,
      'src/legacy.ts': `
import { getRepository } from 'typeorm';
import { Account } from './account';
export const a = () => getRepository(Account).findOne({ ownerEmail: 'x' });
export const b = async () => (await getRepository(Account).find({ where: { balance: 1 } })).map((x) => x.id);`,
    });
    expect(refs.filter((l) => l.includes('legacy.ts'))).toEqual([
      'accounts.owner_email read certain explicit src/legacy.ts:4',
      'accounts.balance read certain explicit src/legacy.ts:5',
    ]);
  });

  it('does not take an unrelated find() or a repository of an unknown class for a model usage', () => {
    const refs = refsOf({
      'src/account.ts': entity,
      'src/other.ts': `
import { Account } from './account';
const cache = new Map<string, Account>();
export const a = [1, 2].find((x) => x === 1);
export const b = cache.get('x');
export function c(repo: { find(o: unknown): unknown }) { return repo.find({ where: { balance: 1 } }); }`,
    });
    expect(refs.filter((l) => l.includes('other.ts'))).toEqual([]);
  });
});

describe('typeorm naming helpers', () => {
  it('snake-cases like TypeORM', () => {
    expect(snakeCase('UserProfile')).toBe('user_profile');
    expect(snakeCase('HTTPRequestLog')).toBe('http_request_log');
    expect(snakeCase('address2Line')).toBe('address2_line');
    expect(snakeCase('author_id')).toBe('author_id');
  });

  it('camel-cases join column names like TypeORM', () => {
    expect(camelCase('author_id')).toBe('authorId');
    expect(camelCase('createdBy_id')).toBe('createdById');
    expect(camelCase('Owner_uuid')).toBe('ownerUuid');
  });
});
