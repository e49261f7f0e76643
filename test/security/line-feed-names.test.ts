/**
 * A file name may hold a line feed. In a CI log a line of its own is a command (`::error::`, `::add-mask::`,
 * `::stop-commands::` on GitHub Actions), so a pull request that names a file `x\n::error::pwned` must not
 * control a whole line of any format, nor of stderr. A real git repository holds a migration and a code file
 * named that way, with a finding that names both; a `base` with a line feed in the config goes to stderr.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../faults/support.js';
import { TestRepo } from '../support/git-repo.js';

const EVIL = '\n::error::pwned\r\u001b[2K::add-mask::x';
const MIGRATION = `db/migrations/003_drop${EVIL}.sql`;
const CODE = `src/kinds${EVIL}.ts`;
/** rollsafe's own annotations: `::error file=…,line=…::message` (its properties and message escaped). */
const OWN_ANNOTATION = /^::(error|warning|notice) file=[^\n]*::/;

let r: TestRepo;
beforeAll(() => {
  r = new TestRepo('rollsafe-lf-names-');
  r.commit('base', {
    'db/migrations/001_jobs.sql': 'CREATE TABLE jobs (id bigint PRIMARY KEY, state text NOT NULL, kind text);\n',
    [CODE]: "import { Pool } from 'pg';\nconst pool = new Pool();\nexport const kinds = () => pool.query('SELECT id, kind FROM jobs');\n",
  });
  r.tag('base');
  r.write({ [MIGRATION]: 'ALTER TABLE jobs DROP COLUMN kind;\n' });
});
afterAll(() => r.remove());

function foreignLines(text: string): string[] {
  return text.split('\n').filter((line) => line.startsWith('::') && !OWN_ANNOTATION.test(line));
}

/** Balanced tags, quoted attributes, known entities only, no raw `<` or `&` (as test/report/junit.test.ts). */
function wellFormed(xml: string): boolean {
  if (!xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')) return false;
  const body = xml.slice(xml.indexOf('?>') + 2);
  const stack: string[] = [];
  let consumed = 0;
  for (const m of body.matchAll(/<(\/?)([A-Za-z][\w-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy)) {
    consumed += m[0].length;
    // eslint-disable-next-line no-control-regex
    if (/[&<]|[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test((m[5] ?? m[3] ?? '').replace(/&(amp|lt|gt|quot|apos|#\d+);/g, ''))) return false;
    if (m[5] !== undefined) continue;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else if (!m[4]) stack.push(m[2]!);
  }
  return consumed === body.length && stack.length === 0;
}

describe('file names with a line feed', () => {
  it('the repository really has them, and the finding names both files', async () => {
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', 'json']);
    expect(run.code).toBe(1);
    const out = JSON.parse(run.stdout) as { findings: { rule: string; location: { path: string }; references: { path: string }[] }[] };
    const finding = out.findings.find((f) => f.rule === 'dropped-column-in-use');
    expect(finding?.location.path).toBe(MIGRATION);
    expect(finding?.references.map((ref) => ref.path)).toContain(CODE);
  }, 60_000);

  it.each(['pretty', 'github', 'junit', 'gitlab', 'sarif', 'json'])('%s (and the annotations that follow pretty on Actions): no line of theirs starts with ::', async (format) => {
    const run = await runCli(r.root, ['check', '--base', 'base', '--format', format], { env: { GITHUB_ACTIONS: 'true' } });
    expect(run.code).toBe(1);
    expect(foreignLines(run.stdout)).toEqual([]);
    expect(foreignLines(run.stderr)).toEqual([]);
    // The names are still there, escaped, so the reader can find the files.
    expect(run.stdout).toMatch(/003_drop(\\u000a|\\n|%0A)(::|%3A%3A)error(::|%3A%3A)pwned/);
    // eslint-disable-next-line no-control-regex
    expect(run.stdout).not.toMatch(/\u001b/);
    if (format === 'junit') expect(wellFormed(run.stdout)).toBe(true);
    if (format === 'pretty') expect(run.stdout).toContain('003_drop\\u000a::error::pwned\\u000d\\u001b[2K::add-mask::x.sql');
  }, 60_000);

  it('refs (pretty) escapes the code file name', async () => {
    const run = await runCli(r.root, ['refs', 'jobs.kind']);
    expect(run.code).toBe(0);
    expect(foreignLines(run.stdout + run.stderr)).toEqual([]);
    expect(run.stdout).toContain('src/kinds\\u000a::error::pwned');
  }, 60_000);

  it('a base with a line feed in the configuration: one line on stderr, exit 2', async () => {
    const repo = new TestRepo('rollsafe-lf-base-');
    try {
      repo.commit('base', { 'db/migrations/001_jobs.sql': 'CREATE TABLE jobs (id bigint);\n', 'rollsafe.config.json': JSON.stringify({ base: `main${EVIL}` }) });
      const run = await runCli(repo.root, ['check', '--format', 'json']);
      expect(run.code).toBe(2);
      expect(foreignLines(run.stderr)).toEqual([]);
      expect(run.stderr).toContain('main\\u000a::error::pwned');
    } finally {
      repo.remove();
    }
  }, 60_000);
});
