/** Every rule, one file each. The README rule table and docs/rules are generated from this list. */
import type { Rule } from '../src/engine/types.js';
import changedTypeInUse from './changed-type-in-use.js';
import droppedColumnInUse from './dropped-column-in-use.js';
import droppedTableInUse from './dropped-table-in-use.js';
import renamedColumnInUse from './renamed-column-in-use.js';
import renamedTableInUse from './renamed-table-in-use.js';
import requiredColumnNotWritten from './required-column-not-written.js';
import requireConcurrentIndex from './require-concurrent-index.js';
import suppressionWithoutReason from './suppression-without-reason.js';
import unknownColumnReference from './unknown-column-reference.js';
import unusedSuppression from './unused-suppression.js';

export const rules: Rule[] = [
  // code-aware
  droppedColumnInUse,
  renamedColumnInUse,
  droppedTableInUse,
  renamedTableInUse,
  changedTypeInUse,
  requiredColumnNotWritten,
  unknownColumnReference,
  // lock
  requireConcurrentIndex,
  // type choices
  // meta
  unusedSuppression,
  suppressionWithoutReason,
];

export function findRule(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}
