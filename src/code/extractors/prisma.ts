/**
 * Prisma: `schema.prisma` models are declarations (the client selects every scalar field on each read, so
 * each declared field is an implicit reference); client calls (`prisma.user.findMany({ select, where })`)
 * are usages by delegate name, resolved to their model in `link`.
 */
import type { Extractor, Naming } from '../extractor.js';
import type { ModelDeclaration } from '../facts.js';
import { extractPrismaClientUsages, PRISMA_CLIENT_TEXT } from './prisma/client.js';
import { extractPrismaSchema } from './prisma/schema.js';

/** Prisma keeps names as written: the table is the model name unless `@@map`, the column the field name unless `@map`. */
export const prismaNaming: Naming = {
  orm: 'prisma',
  table: (model) => model.name,
  column: (field) => field.name,
  // The client's delegate is the model name with a lower-case first letter: `BlogPost` → `prisma.blogPost`.
  matchesModelName: (model: ModelDeclaration, usedName: string) =>
    model.options?.ignored !== true && usedName === model.name.charAt(0).toLowerCase() + model.name.slice(1),
};

export const prismaExtractor: Extractor = {
  name: 'prisma',
  extraExtensions: ['.prisma'],
  wants: (text, path) => path.endsWith('.prisma') || PRISMA_CLIENT_TEXT.test(text),
  extract(input, facts) {
    if (input.path.endsWith('.prisma')) extractPrismaSchema(input.path, input.text, facts);
    else extractPrismaClientUsages(input, facts);
  },
  naming: prismaNaming,
};
