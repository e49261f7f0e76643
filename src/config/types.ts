import type { LayoutName, TransactionMode, DeployPhase } from '../migrations/migration.js';
import type { DeployModel } from '../engine/types.js';
import type { Dialect } from '../migrations/discover.js';

export type RuleSetting = 'off' | 'info' | 'warning' | 'error';

export type RulePreset = 'default' | 'strict';

export interface MigrationDirConfig {
  dir: string;
  layout?: LayoutName;
  phase?: DeployPhase;
  transaction?: TransactionMode;
  /** The database these migrations run on; anything but `postgres` is skipped (default: guessed from names and content). */
  dialect?: Dialect;
}

/** The configuration file's shape (`rollsafe.config.*`, or `"rollsafe"` in package.json). */
export interface RollsafeConfig {
  migrations?: string | (string | MigrationDirConfig)[];
  postDeployMigrations?: string[];
  code?: { include?: string[]; exclude?: string[] };
  base?: string;
  liveRefs?: string[];
  failOnUnchecked?: boolean;
  deployModel?: DeployModel;
  pgVersion?: number;
  transaction?: TransactionMode;
  searchPath?: string[];
  /** Tables known to be large: lock findings on them keep their severity even when history says the table is recent. */
  largeTables?: string[];
  /** Tables known to stay small: lock findings on them are info (the lock is brief). */
  smallTables?: string[];
  /** `default` (the severities that are worth reading on every PR) or `strict` (every rule at its full severity). */
  preset?: RulePreset;
  rules?: Record<string, RuleSetting | [RuleSetting] | [RuleSetting, Record<string, unknown>]>;
  orm?: {
    prisma?: Record<string, unknown>;
    drizzle?: { casing?: 'snake_case' | 'camelCase' } & Record<string, unknown>;
    typeorm?: { namingStrategy?: 'default' | 'snake' } & Record<string, unknown>;
    sequelize?: { underscored?: boolean; freezeTableName?: boolean } & Record<string, unknown>;
    'mikro-orm'?: Record<string, unknown>;
  };
  baseline?: string;
}

/** Typed helper for `rollsafe.config.ts` / `.mjs`. */
export function defineConfig(config: RollsafeConfig): RollsafeConfig {
  return config;
}
