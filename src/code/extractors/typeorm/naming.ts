/**
 * TypeORM's table and column names. The default strategy (typeorm `DefaultNamingStrategy`): table = snake_case of
 * the class name, column = property name, join column = camelCase(`${relation}_${referencedColumn}`). The popular
 * `SnakeNamingStrategy` (typeorm-naming-strategies) snake-cases columns and join columns too; explicit names are
 * kept as written by both.
 */
import type { Naming, OrmOptions } from '../../extractor.js';

/** TypeORM's `snakeCase`: `ABc` → `a_bc`, `aC` → `a_c`, then lower case (`HTTPRequest` → `http_request`). */
export function snakeCase(text: string): string {
  return text
    .replace(/([A-Z])([A-Z])([a-z])/g, '$1_$2$3')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** TypeORM's `camelCase`: a leading capital is lowered, and a letter after a space, `-` or `_` is raised. */
export function camelCase(text: string): string {
  return text.replace(/^([A-Z])|[\s_-](\w)/g, (_match: string, first: string | undefined, next: string | undefined) =>
    next !== undefined ? next.toUpperCase() : (first ?? '').toLowerCase(),
  );
}

export type TypeormNamingStrategy = 'default' | 'snake';

/** The `namingStrategy` option: `default` (TypeORM's own) or `snake` (typeorm-naming-strategies' SnakeNamingStrategy). */
export function namingStrategy(options: OrmOptions): TypeormNamingStrategy {
  return options['namingStrategy'] === 'snake' ? 'snake' : 'default';
}

export const typeormNaming: Naming = {
  orm: 'typeorm',
  table: (model) => snakeCase(model.name),
  column: (field, _model, options) => {
    const snake = namingStrategy(options) === 'snake';
    if (field.joinColumn) {
      const joined = `${field.name}_${field.joinColumn.referencedColumn}`;
      return snake ? snakeCase(joined) : camelCase(joined);
    }
    return snake ? snakeCase(field.name) : field.name;
  },
};
