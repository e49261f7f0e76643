/**
 * Sequelize v6 names and implied attributes. Options come from the model (`init`/`define` options, `@Table`),
 * over project defaults (`new Sequelize(…, { define })` found in code, or rollsafe's config):
 * - table: `tableName`, else the model name if `freezeTableName`, else its plural, underscored if `underscored`;
 * - column: `field`, else the attribute name, underscored if `underscored`;
 * - implied: `id` when no attribute is a primary key (and the model is not a belongsToMany `through`), `createdAt`/`updatedAt` unless `timestamps: false` (or the
 *   option is `false`; a string renames the attribute), `deletedAt` when `paranoid`, `version` when `version`.
 */
import { JOIN_MODEL, type Naming, type OrmOptions } from '../../extractor.js';
import type { FieldDeclaration, ModelDeclaration } from '../../facts.js';
import { pluralize, underscore } from './pluralize.js';

/** Model options over project options. */
export function sequelizeOption(model: ModelDeclaration, options: OrmOptions, key: string): unknown {
  return model.options?.[key] ?? options[key];
}

/** Whether the model declares a primary key attribute (else Sequelize adds `id`). */
export const DECLARES_PRIMARY_KEY = 'declaresPrimaryKey';

export const sequelizeNaming: Naming = {
  orm: 'sequelize',
  table(model, options) {
    if (sequelizeOption(model, options, 'freezeTableName') === true) return model.name;
    const plural = pluralize(model.name);
    return sequelizeOption(model, options, 'underscored') === true ? underscore(plural) : plural;
  },
  column(field, model, options) {
    return sequelizeOption(model, options, 'underscored') === true ? underscore(field.name) : field.name;
  },
  impliedFields(model, options) {
    const declared = new Set(model.fields.map((f) => f.name));
    const implied: FieldDeclaration[] = [];
    const add = (name: string, written: boolean): void => {
      if (declared.has(name)) return;
      declared.add(name);
      implied.push({ name, selected: true, written, location: model.location, snippet: model.snippet });
    };
    // A join model of belongsToMany: Sequelize removes the `id` it generated (the foreign keys are the key).
    if (model.options?.[DECLARES_PRIMARY_KEY] !== true && options[JOIN_MODEL] !== true) add('id', false);
    if (sequelizeOption(model, options, 'timestamps') !== false) {
      const attribute = (key: string): string | undefined => {
        const value = sequelizeOption(model, options, key);
        return value === false ? undefined : typeof value === 'string' ? value : key;
      };
      const createdAt = attribute('createdAt');
      const updatedAt = attribute('updatedAt');
      if (createdAt) add(createdAt, true);
      if (updatedAt) add(updatedAt, true);
      const deletedAt = sequelizeOption(model, options, 'paranoid') === true ? attribute('deletedAt') : undefined;
      if (deletedAt) add(deletedAt, false);
    }
    const version = sequelizeOption(model, options, 'version');
    if (version === true || typeof version === 'string') add(typeof version === 'string' ? version : 'version', true);
    return implied;
  },
};
