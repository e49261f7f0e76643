import { describe, expect, it } from 'vitest';
import { extractFile } from '../../../src/code/extract-file.js';
import { mikroOrmExtractor, underscore } from '../../../src/code/extractors/mikro-orm.js';
import { linkFacts } from '../../../src/code/link.js';
import { fixtureReferences, formatReferences, referencesIn } from '../../support/extract.js';

const extractors = [mikroOrmExtractor];

function refsOf(files: Record<string, string>): string[] {
  const facts = Object.entries(files).map(([path, text]) => extractFile(path, text, 'app', extractors));
  return formatReferences(linkFacts(facts, extractors));
}

const EXPECTED = [
  'author insert(name,email) certain implicit script scripts/seed.ts:7',
  'author.name write certain explicit script scripts/seed.ts:7',
  'author.email write certain explicit script scripts/seed.ts:7',
  'author.email read certain explicit src/author.service.ts:16',
  'author.name read certain explicit src/author.service.ts:16',
  'author.name read certain explicit src/author.service.ts:20',
  'author.created_at read certain explicit src/author.service.ts:20',
  'publisher.name read certain explicit src/author.service.ts:25',
  'books.status read certain explicit src/author.service.ts:29',
  'books.publisher_code read certain explicit src/author.service.ts:29',
  'author insert(name,email) certain implicit src/author.service.ts:33',
  'author.name write certain explicit src/author.service.ts:33',
  'author.email write certain explicit src/author.service.ts:33',
  'books.id read certain explicit src/author.service.ts:39',
  'books.title write certain explicit src/author.service.ts:39',
  'books delete certain explicit src/author.service.ts:43',
  'books.author_id read certain explicit src/author.service.ts:43',
  'author.name model certain implicit src/entities/author.entity.ts:8',
  'author.email model certain implicit src/entities/author.entity.ts:11',
  'author.biography write certain implicit src/entities/author.entity.ts:14',
  'author.id model certain implicit src/entities/base.entity.ts:5',
  'books.id model certain implicit src/entities/base.entity.ts:5',
  'author.created_at model certain implicit src/entities/base.entity.ts:8',
  'books.created_at model certain implicit src/entities/base.entity.ts:8',
  'author.updated_at model certain implicit src/entities/base.entity.ts:11',
  'books.updated_at model certain implicit src/entities/base.entity.ts:11',
  'books.title model certain implicit src/entities/book.entity.ts:14',
  'books.author_id model certain implicit src/entities/book.entity.ts:17',
  'books.publisher_code model certain implicit src/entities/book.entity.ts:20',
  'books.status model certain implicit src/entities/book.entity.ts:23',
  'publisher.code model certain implicit src/entities/publisher.entity.ts:6',
  'publisher.name model certain implicit src/entities/publisher.entity.ts:9',
  'author.email read certain explicit test test/author.service.spec.ts:6',
];

describe('mikro-orm extractor on fixtures/apps/mikro-orm', () => {
  const lines = formatReferences(fixtureReferences('apps/mikro-orm', extractors).references);

  it('declares entities (inherited base columns, join columns, lazy and non-persistent properties) and finds usages', () => {
    expect(lines).toEqual(EXPECTED);
  });

  it('keeps entity and property names with the entity-case naming strategy', () => {
    const entityCase = formatReferences(fixtureReferences('apps/mikro-orm', extractors, { 'mikro-orm': { namingStrategy: 'entity' } }).references);
    expect(entityCase).toContain('Author.createdAt model certain implicit src/entities/base.entity.ts:8');
    expect(entityCase).toContain('books.author model certain implicit src/entities/book.entity.ts:17');
    expect(entityCase).toContain('books.publisher_code model certain implicit src/entities/book.entity.ts:20');
  });

  it('trap: undecorated, non-persistent and formula properties are no columns', () => {
    expect(lines.filter((l) => /terms|display|price/i.test(l))).toEqual([]);
  });

  it('trap: the same column name on another table', () => {
    expect(lines.filter((l) => l.endsWith('src/author.service.ts:25'))).toEqual(['publisher.name read certain explicit src/author.service.ts:25']);
  });

  it('trap: DTO fields and comments give nothing', () => {
    expect(referencesIn(lines, 'src/api/author.dto.ts')).toEqual([]);
  });
});

describe('mikro-orm details', () => {
  it('underscores like UnderscoreNamingStrategy', () => {
    expect(underscore('BookTag')).toBe('book_tag');
    expect(underscore('createdAt')).toBe('created_at');
    expect(underscore('HTTPLog')).toBe('httplog');
  });

  it('ignores a class from another library and a manager call on a data variable', () => {
    const refs = refsOf({
      'src/a.ts': `import { Entity, Property, EntityManager } from '@mikro-orm/core';
@Entity() export class Tag { @Property() label!: string; }
export function f(em: EntityManager, tag: Tag) { return [em.persist(tag), em.find(Tag, { label: 'x' })]; }`,
      'src/b.ts': `import { Entity, Column } from 'typeorm';\n@Entity() export class Other { @Column() label!: string; }`,
    });
    expect(refs).toEqual(['tag.label model certain implicit src/a.ts:2', 'tag.label read certain explicit src/a.ts:3']);
  });
});
