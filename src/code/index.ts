/** The code stage: which tables and columns the application uses, in the worktree and at any git ref. */
export { scanWorktree, scanRef, scanSource, knownNameTest, quotedNames, type ScanOptions, type ScanResult, type ScanStats } from './scan.js';
export { worktreeSource, refSource, type CodeSource, type SourceFile } from './sources.js';
export { codeContext, FileSelection, isGeneratedClient, SKIPPED_DIRS, type FileSelectionOptions, type SkipReason } from './files.js';
export { FactsCache, ScanMemo, cacheKey, cacheRoot, cacheVersion, type FactsCacheOptions, type FileStat } from './cache.js';
export { Glob, GlobList } from './glob.js';
export { extractFile, emptyFacts, isScriptPath, SCRIPT_EXTENSIONS } from './extract-file.js';
export { linkFacts, type OrmConfig } from './link.js';
export { ReferenceIndex } from './reference-index.js';
export { extractors } from './extractors/index.js';
export { extractorManifest, type ExtractorManifest } from './extractors/manifest.js';
export type { Extractor, ExtractInput, Naming, OrmOptions } from './extractor.js';
export type { FileFacts, ModelDeclaration, FieldDeclaration, ModelUsage, ImportBinding, OrmName } from './facts.js';
export type { Reference, ReferenceKind, Confidence, CodeContext } from './reference.js';
