/**
 * Drizzle's `casing` option (`drizzle({ casing })`, drizzle-kit `casing`): how a column declared without a
 * name (`createdAt: timestamp()`) is named in the database. Words are split the way Drizzle splits them:
 * runs of lower-case letters and digits, capitalised words, and upper-case acronyms.
 */
export type DrizzleCasing = 'snake_case' | 'camelCase';

const WORDS = /[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g;

function words(key: string): string[] {
  return key.replace(/['\u2019]/g, '').match(WORDS) ?? [];
}

export function toSnakeCase(key: string): string {
  return words(key)
    .map((word) => word.toLowerCase())
    .join('_');
}

export function toCamelCase(key: string): string {
  return words(key)
    .map((word, i) => (i === 0 ? word.toLowerCase() : `${word.charAt(0).toUpperCase()}${word.slice(1)}`))
    .join('');
}

export function isDrizzleCasing(value: unknown): value is DrizzleCasing {
  return value === 'snake_case' || value === 'camelCase';
}

/** The database name of a column key under a casing; keys are kept as written without one. */
export function applyCasing(key: string, casing: DrizzleCasing | undefined): string {
  if (casing === 'snake_case') return toSnakeCase(key);
  if (casing === 'camelCase') return toCamelCase(key);
  return key;
}
