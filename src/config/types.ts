import type { LayoutName, TransactionMode, DeployPhase } from '../migrations/migration.js';
import type { DeployModel } from '../engine/types.js';

export type RuleSetting = 'off' | 'info' | 'warning' | 'error';

export interface MigrationDirConfig {
  dir: string;
  layout?: LayoutName;
  phase?: DeployPhase;
  transaction?: TransactionMode;
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
