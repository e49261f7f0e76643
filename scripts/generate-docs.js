#!/usr/bin/env node
// `npm run docs`: writes docs/rules/<id>.md, docs/rules/README.md and the README's rule table from rule
// metadata, and the README's configuration reference from the config schema (run after `npm run build`).
// test/docs and test/report/config-docs.test.ts check that the committed files match.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { rules } = await import(join(root, 'dist/rules/index.js'));
const { renderRuleDoc } = await import(join(root, 'dist/src/report/rule-docs.js'));
const { renderRuleTable, replaceGenerated } = await import(join(root, 'dist/src/report/rule-table.js'));
const { renderConfigReference, CONFIG_START, CONFIG_END } = await import(join(root, 'dist/src/report/config-docs.js'));

const dir = join(root, 'docs', 'rules');
mkdirSync(dir, { recursive: true });
const wanted = new Set(rules.map((r) => `${r.id}.md`));
for (const file of readdirSync(dir)) if (file !== 'README.md' && file.endsWith('.md') && !wanted.has(file)) rmSync(join(dir, file));
for (const rule of rules) writeFileSync(join(dir, `${rule.id}.md`), renderRuleDoc(rule));
writeFileSync(join(dir, 'README.md'), `# Rules\n\n${renderRuleTable(rules, './')}`);
const readme = join(root, 'README.md');
let readmeText = replaceGenerated(readFileSync(readme, 'utf8'), renderRuleTable(rules, 'docs/rules/'));
readmeText = replaceGenerated(readmeText, renderConfigReference(), CONFIG_START, CONFIG_END);
writeFileSync(readme, readmeText);
console.log(`wrote ${rules.length} rule pages, docs/rules/README.md, the README rule table and configuration reference`);
