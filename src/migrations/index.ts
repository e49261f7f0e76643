export { discoverMigrationSets, MigrationsConfigError } from './discover.js';
export type { DiscoverOptions, DiscoveryResult } from './discover.js';
export type { Detection, FileRead, FolderEntries, LayoutRead, MigrationEntry, MigrationLayout, MigrationListing, RepoFiles } from './layout.js';
export { MAX_MIGRATION_BYTES } from './layout.js';
export { layoutNamed, layouts } from './layouts/index.js';
export { worktreeFiles } from './repo-files.js';
export type { DeployPhase, LayoutName, Migration, MigrationSet, TransactionMode } from './migration.js';
