// Issue 3's scenario: one worktree scan of a project with every extractor, through the built code stage.
// Usage: node bench/scan.js <project root> <migrations dir>. Prints the scan's stats as JSON.
import { scanWorktree } from '../dist/src/code/scan.js';
import { extractors } from '../dist/src/code/extractors/index.js';

const [root, migrations] = process.argv.slice(2);
const result = await scanWorktree(root, { extractors, migrationDirs: migrations ? [migrations] : [] });
process.stdout.write(JSON.stringify({ ...result.stats, references: result.references.length }) + '\n');
