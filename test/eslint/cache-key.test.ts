import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { migrationsCacheKey } from '../../src/eslint/cache-key.js';

const dir = mkdtempSync(join(tmpdir(), 'rollsafe-cache-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('changes when a migration is added, edited or removed, and only then', () => {
  const migrations = join(dir, 'migrations');
  mkdirSync(join(migrations, '20240101_init'), { recursive: true });
  writeFileSync(join(migrations, '20240101_init', 'migration.sql'), 'CREATE TABLE a (id int);\n');
  const first = migrationsCacheKey(migrations);
  expect(migrationsCacheKey(migrations)).toBe(first);

  writeFileSync(join(migrations, '20240102_drop.sql'), 'DROP TABLE a;\n');
  const added = migrationsCacheKey(migrations);
  expect(added).not.toBe(first);

  writeFileSync(join(migrations, '20240102_drop.sql'), 'DROP TABLE b;\n');
  expect(migrationsCacheKey(migrations)).not.toBe(added);

  rmSync(join(migrations, '20240102_drop.sql'));
  expect(migrationsCacheKey(migrations)).toBe(first);
  expect(migrationsCacheKey(join(dir, 'missing'))).not.toBe(migrationsCacheKey(join(dir, 'other-missing')));
});
