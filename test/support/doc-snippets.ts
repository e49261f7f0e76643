/**
 * Code blocks read out of the docs, so that a test runs exactly what a reader copies (doc and test cannot
 * drift apart).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DOCS = join(import.meta.dirname, '..', '..', 'docs');

/** The fenced code blocks of a doc page (`docs/<page>`), with their info string (`js`, `yaml`, `sh`…). */
export function codeBlocks(page: string): { lang: string; code: string }[] {
  const text = readFileSync(join(DOCS, page), 'utf8');
  return [...text.matchAll(/^```([\w-]*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, code: m[2]! }));
}

/** The `eslint.config.js` files docs/eslint.md shows for a TypeScript project (they import typescript-eslint). */
export function typescriptEslintConfigs(): string[] {
  return codeBlocks('eslint.md')
    .filter((b) => b.lang === 'js' && b.code.startsWith('// eslint.config.js\n') && b.code.includes("from 'typescript-eslint'"))
    .map((b) => b.code);
}
