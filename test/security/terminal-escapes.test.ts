/**
 * Output escapes the terminal control characters found in the files it quotes. A migration and a code file
 * carry ANSI escapes (clear screen, a fake red line, an OSC 8 link, a title change), carriage returns that
 * overwrite a line, C1 controls and Unicode bidi overrides (Trojan Source) — in comments, string literals,
 * quoted identifiers and the text of a statement Postgres cannot parse. No format may pass them raw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/report/index.js';
import { rollsafe } from '../support/cli.js';
import { TestRepo } from '../support/git-repo.js';

const ESC = '\u001b';
// Short enough that every kind fits in the snippets reports cap at 160 characters.
const hostile = [
  '\u202eevil\u202c \u2066iso\u2069 \u200f', // bidi overrides and isolates
  '\u009b31m', // C1 CSI
  '\u2028line\u2029',
  '\u007f',
  `${ESC}[2J${ESC}[H`, // clear the screen
  `${ESC}[31mERROR fake${ESC}[0m`,
  `${ESC}]8;;https://evil.invalid${ESC}\\link${ESC}]8;;${ESC}\\`, // OSC 8 hyperlink
  `${ESC}]0;pwned${'\u0007'}`, // window title
  'visible\roverwritten',
].join(' ');

/** Characters that must never reach the output raw (line feed and tab aside). */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
/** With colors on, the only escape sequences are SGR colors that rollsafe itself writes. */
// eslint-disable-next-line no-control-regex
const NOT_SGR = /\u001b(?!\[[0-9;]*m)/u;

let r: TestRepo;
beforeAll(() => {
  r = new TestRepo('rollsafe-escapes-');
  r.commit('base', {
    'db/migrations/001_jobs.sql': `CREATE TABLE jobs (id bigint PRIMARY KEY, state text, "odd${ESC}[2Jname" text);\nCREATE TABLE "evil${ESC}]0;title\u0007" ("c${ESC}[2J\u202e" int DEFAULT 1);\n`,
    'src/poller.ts': `import { Pool } from 'pg';\nconst pool = new Pool();\n// ${hostile}\nexport const poll = () => pool.query(\`SELECT id, state, "odd${ESC}[2Jname" FROM jobs /* ${hostile} */\`);\n`,
  });
  r.tag('base');
  r.write({
    'db/migrations/002_drop.sql': [
      `-- ${hostile}`,
      `ALTER TABLE jobs DROP COLUMN state; -- ${hostile}`,
      `ALTER TABLE jobs DROP COLUMN "odd${ESC}[2Jname";`,
      `UPDATE jobs SET id = 1 WHERE id = '${hostile}';`,
      `SELEC ${ESC}[31m broken ${hostile};`,
      `ALTER TABLE "no${ESC}[2Jtable" ADD COLUMN x int;`,
      '',
    ].join('\n'),
    // A file name is text from the repository too.
    [`db/migrations/003_${ESC}[2J\u202e.sql`]: 'CREATE INDEX jobs_id_idx ON jobs (id);\n',
  });
});
afterAll(() => r?.remove());

describe('terminal control characters from file contents are escaped in every format', () => {
  for (const format of FORMATS) {
    it(`${format}`, async () => {
      const run = await rollsafe(r.root, ['check', '--base', 'base', '--format', format]);
      expect(run.code).toBe(1);
      // The hostile text did reach the report (escaped): the test looks at output that quotes the files.
      expect(run.stdout).toMatch(/odd\\u001b\[2Jname|odd\\\\u001b\[2Jname/);
      expect(run.stdout).toContain('003_');
      const raw = RAW.exec(run.stdout);
      expect(raw ? `U+${raw[0].codePointAt(0)!.toString(16).padStart(4, '0')} at ${raw.index}: ${JSON.stringify(run.stdout.slice(Math.max(0, raw.index - 40), raw.index + 20))}` : null).toBeNull();
      expect(RAW.test(run.stderr)).toBe(false);
    });
  }

  it('pretty with colors forced: only rollsafe\'s own color codes', async () => {
    const run = await rollsafe(r.root, ['check', '--base', 'base', '--format', 'pretty'], { FORCE_COLOR: '3' });
    expect(run.stdout).toContain(`${ESC}[`);
    const bad = NOT_SGR.exec(run.stdout);
    expect(bad ? JSON.stringify(run.stdout.slice(Math.max(0, bad.index - 40), bad.index + 20)) : null).toBeNull();
    // eslint-disable-next-line no-control-regex
    const stripped = run.stdout.replace(/\u001b\[[0-9;]*m/gu, '');
    expect(RAW.test(stripped)).toBe(false);
  });

  it('refs and schema quote the same files: escaped too', async () => {
    for (const args of [['refs', 'jobs'], ['refs', 'jobs', '--format', 'json'], ['schema'], ['schema', '--format', 'json']]) {
      const run = await rollsafe(r.root, args);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(0);
      if (args[0] === 'schema') expect(run.stdout).toContain('evil');
      if (args[0] === 'refs') expect(run.stdout).toContain('odd\\u001b[2Jname');
      expect(RAW.test(run.stdout), `${args.join(' ')}: ${JSON.stringify(RAW.exec(run.stdout)?.[0])}`).toBe(false);
      expect(RAW.test(run.stderr), `${args.join(' ')} (stderr): ${JSON.stringify(RAW.exec(run.stderr)?.[0])}`).toBe(false);
    }
  });
});
