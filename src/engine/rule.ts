import type { Rule, RuleDefinition } from './types.js';

import { RULE_DOCS_URL } from '../links.js';

/** Where rule pages live (see src/links.ts). */
export const DOCS_BASE_URL = RULE_DOCS_URL;

/** Declares a rule; the file name in `rules/` must equal `id`. */
export function defineRule(definition: RuleDefinition): Rule {
  if (!/^[a-z][a-z0-9-]*$/.test(definition.id)) throw new Error(`rule id must be kebab-case: ${definition.id}`);
  return { ...definition, url: `${DOCS_BASE_URL}${definition.id}.md` };
}
