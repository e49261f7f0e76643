/** docs/coming-from-squawk.md stays in step with the rules: links resolve, and every squawk name a rule claims is mapped. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../../rules/index.js';

const page = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'coming-from-squawk.md'), 'utf8');
const table = page.slice(page.indexOf('## Rule by rule'), page.indexOf('## What rollsafe adds'));
const mapped = new Set([...table.matchAll(/^\| `([a-z-]+)`/gm)].map((m) => m[1]!));

describe('docs/coming-from-squawk.md', () => {
  it('links only to rules that exist', () => {
    const ids = new Set(rules.map((r) => r.id));
    const linked = [...page.matchAll(/\]\(rules\/([a-z0-9-]+)\.md\)/g)].map((m) => m[1]!);
    expect(linked.length).toBeGreaterThan(30);
    expect(linked.filter((id) => !ids.has(id))).toEqual([]);
  });

  it('maps every squawk rule that a rollsafe rule says it covers', () => {
    const claimed = new Set(rules.flatMap((r) => r.docs.squawk ?? []));
    expect([...claimed].filter((name) => !mapped.has(name))).toEqual([]);
  });

  it('maps each squawk rule to the rollsafe rules that claim it', () => {
    for (const rule of rules) {
      for (const name of rule.docs.squawk ?? []) {
        const row = table.split('\n').find((l) => l.startsWith(`| \`${name}\``)) ?? '';
        expect(row, `${name} → ${rule.id}`).toContain(`rules/${rule.id}.md`);
      }
    }
  });
});
