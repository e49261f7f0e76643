import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';
import { renderRuleDoc } from '../../src/report/rule-docs.js';
import { renderRuleTable, TABLE_END, TABLE_START } from '../../src/report/rule-table.js';
import { DOCS_BASE_URL } from '../../src/engine/rule.js';

const root = join(import.meta.dirname, '..', '..');

describe('rule documentation', () => {
  it('has one rule file per rule, named after its id', () => {
    const files = readdirSync(join(root, 'rules'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(files).toEqual(rules.map((r) => r.id).sort());
  });

  for (const rule of rules) {
    it(`${rule.id}: docs page matches its metadata (run npm run docs)`, () => {
      const path = join(root, 'docs', 'rules', `${rule.id}.md`);
      expect(existsSync(path), `docs/rules/${rule.id}.md is missing`).toBe(true);
      expect(readFileSync(path, 'utf8')).toBe(renderRuleDoc(rule));
      expect(rule.url).toBe(`${DOCS_BASE_URL}${rule.id}.md`);
    });

    it(`${rule.id}: has problem and solution text and examples of both kinds`, () => {
      expect(rule.summary.length).toBeGreaterThan(20);
      expect(rule.docs.problem.length).toBeGreaterThan(80);
      expect(rule.docs.solution.length).toBeGreaterThan(40);
      expect(rule.docs.examples.invalid.length).toBeGreaterThan(0);
      expect(rule.docs.examples.valid.length).toBeGreaterThan(0);
    });
  }

  it('has no page for a rule that does not exist', () => {
    const pages = readdirSync(join(root, 'docs', 'rules')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(pages.map((p) => p.replace(/\.md$/, '')).sort()).toEqual(rules.map((r) => r.id).sort());
  });

  it('README rule table is generated from the metadata', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = readme.slice(readme.indexOf(TABLE_START) + TABLE_START.length, readme.indexOf(TABLE_END)).trim();
    expect(block).toBe(renderRuleTable(rules, 'docs/rules/').trim());
  });
});
