/**
 * rollsafe's programmatic API. `defineConfig` types a `rollsafe.config.ts`; `runCheck` is what the
 * `check` command runs.
 */
export { defineConfig } from './config/types.js';
export type { RollsafeConfig, MigrationDirConfig, RuleSetting } from './config/types.js';
export { runCheck, type CheckOptions } from './engine/check.js';
export type { CheckResult } from './engine/result.js';
export type { Finding, LiveReference, Fix, FixStep, LockInfo, Rule, Severity } from './engine/types.js';
export type { Reference, ReferenceKind, Confidence, CodeContext } from './code/reference.js';
export type { Change, ChangeKind } from './sql/types.js';
export type { Migration, LayoutName } from './migrations/migration.js';
export { rules } from '../rules/index.js';
