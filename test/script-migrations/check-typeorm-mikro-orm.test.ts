/**
 * `rollsafe check --base` with zero config on a git repository of TypeORM and of MikroORM: the new migration drops
 * and renames columns that the running release still reads, and the findings point into the migration file.
 */
import { afterAll, describe, it } from 'vitest';
import { expectCodeAwareFindings, repos } from './check-scenario.js';

afterAll(() => repos.forEach((r) => r.remove()));

describe.each(['typeorm', 'mikro-orm'] as const)('%s', (tool) => {
  it('flags the dropped and renamed columns the running release reads, in the migration file', () => expectCodeAwareFindings(tool));
});
