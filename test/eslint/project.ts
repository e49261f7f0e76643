/** The ESLint fixture project (fixtures/eslint/shop) as a real git repository: base tagged, pending migrations on top. */
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestRepo } from '../support/git-repo.js';

export const SHOP = join(import.meta.dirname, '..', '..', 'fixtures', 'eslint', 'shop');

/** The pending migrations of the fixture, by repository path (`db/migrations/004_…`). */
export function pendingMigrations(): Record<string, string> {
  const dir = join(SHOP, 'pending');
  return Object.fromEntries(readdirSync(dir).map((name) => [`db/migrations/${name}`, readFileSync(join(dir, name), 'utf8')]));
}

/** A repository with the shop at tag `base` and the pending migrations written, uncommitted. */
export function shopRepo(options: { pending?: boolean } = {}): TestRepo {
  const repo = new TestRepo('rollsafe-eslint-');
  cpSync(SHOP, repo.root, { recursive: true, filter: (src) => !src.startsWith(join(SHOP, 'pending')) });
  repo.commit('base').tag('base');
  if (options.pending !== false) repo.write(pendingMigrations());
  return repo;
}

export function readText(repo: TestRepo, path: string): string {
  return readFileSync(join(repo.root, path), 'utf8');
}
