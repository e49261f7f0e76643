/**
 * `// rollsafe-ignore rule -- reason` in a TS/JS migration works like `--` comments in .sql files: it
 * suppresses findings on the next line of code (a builder step inside a call, or the call itself), and an
 * unused one is reported.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checkJson } from '../support/cli.js';
import { lineOf, repos, scenario } from './check-scenario.js';

afterAll(() => repos.forEach((r) => r.remove()));

describe('suppression comments in a TS/JS migration', () => {
  it('apply to the next line of code: a builder step inside a call, or the call itself', async () => {
    const { repo, text } = scenario('knex', (t) =>
      t
        .replace("    t.dropColumn('legacy_flag');", "    // rollsafe-ignore dropped-column-in-use -- the poller stopped reading it in the previous release\n    t.dropColumn('legacy_flag');")
        .replace("  await knex.schema.alterTable('orders'", "  // rollsafe-ignore column-type-rewrites-table, set-not-null-scans-table -- orders is tiny\n  await knex.schema.alterTable('orders'"),
    );
    const { json } = await checkJson(repo.root, ['--base', 'base']);
    const rules = json.findings.map((f) => f.rule);
    expect(rules).not.toContain('dropped-column-in-use');
    expect(rules).toContain('renamed-column-in-use');
    // The orders call starts on the comment's next line: findings on its statement are suppressed.
    const ordersLine = lineOf(text, "alterTable('orders'");
    expect(json.findings.filter((f) => f.location.line >= ordersLine && f.location.line <= ordersLine + 3 && /rewrites-table|not-null-scans/.test(f.rule))).toEqual([]);
    expect(rules).not.toContain('unused-suppression');
  });

  it('are reported when they suppress nothing', async () => {
    const { repo } = scenario('knex', (t) => t.replace("    t.renameColumn('name', 'full_name');", "    // rollsafe-ignore ban-drop-database -- nothing to suppress here\n    t.renameColumn('name', 'full_name');"));
    const { json } = await checkJson(repo.root, ['--base', 'base']);
    expect(json.findings.filter((f) => f.rule === 'unused-suppression').map((f) => f.location.line)).toHaveLength(1);
  });
});
