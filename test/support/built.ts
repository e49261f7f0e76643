/** Tests that spawn the CLI run the build; build it when it is missing (npm test builds first anyway). */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const binPath = join(repoRoot, 'bin', 'rollsafe.js');

export function ensureBuilt(): void {
  if (existsSync(join(repoRoot, 'dist', 'src', 'cli', 'bin.js'))) return;
  execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(repoRoot, 'tsconfig.build.json')], { stdio: 'ignore' });
}
