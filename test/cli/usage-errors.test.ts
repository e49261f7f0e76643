/**
 * Usage and configuration mistakes: exit 2, every problem named at once, the closest valid name offered for a
 * misspelling; and a run that exits 1 says why in its summary line.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { rollsafe } from '../support/cli.js';
import { TestRepo, type Files } from '../support/git-repo.js';

const repos: TestRepo[] = [];
afterAll(() => repos.forEach((r) => r.remove()));

function repo(files: Files = {}): TestRepo {
  const r = new TestRepo('rollsafe-usage-');
  repos.push(r);
  r.commit('base', { 'db/migrations/001_a.sql': 'CREATE TABLE a (id int);\n', ...files });
  return r;
}

describe('commands and options', () => {
  it('an unknown command offers the closest one', async () => {
    const run = await rollsafe(repo().root, ['chek']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rollsafe: unknown command "chek"; did you mean "check"?\n');
  });

  it('an unknown word that is nothing like a command lists the commands', async () => {
    const run = await rollsafe(repo().root, ['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^rollsafe: unknown command "frobnicate"; commands are check, .*explain/);
  });

  it("an unknown option offers the closest of the command's options", async () => {
    const run = await rollsafe(repo().root, ['check', '--bse', 'main']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rollsafe: check: Unknown option \'--bse\'; did you mean "--base"?\n');
  });

  it('an unknown option unlike any points at --help', async () => {
    const run = await rollsafe(repo().root, ['refs', '--zzzzzzzz']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("rollsafe: refs: Unknown option '--zzzzzzzz' (rollsafe refs --help lists the options)\n");
  });
});

describe('configuration problems', () => {
  it('a misspelled rule id is an error naming the closest rule, not silently ignored', async () => {
    const r = repo({ 'rollsafe.config.json': JSON.stringify({ rules: { 'require-lock-timout': 'off' } }) });
    const run = await rollsafe(r.root, ['check']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rollsafe: rollsafe.config.json: rules: unknown rule "require-lock-timout"; did you mean "require-lock-timeout"?\n');
  });

  it('a rule id like none points at the list of rules', async () => {
    const r = repo({ 'package.json': JSON.stringify({ name: 'x', rollsafe: { rules: { 'no-such-thing-at-all': 'error' } } }) });
    const run = await rollsafe(r.root, ['check']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('rollsafe: package.json "rollsafe": rules: unknown rule "no-such-thing-at-all"; run rollsafe explain --list\n');
  });

  it('every problem of a configuration is printed, each once, with suggestions for misspelled keys', async () => {
    const r = repo({
      'rollsafe.config.json': JSON.stringify({
        rulez: {},
        pgVersion: 'x',
        orm: { prizma: {} },
        rules: { 'dropped-column-in-use': 'warn', 'require-lock-timout': 'off' },
      }),
    });
    const run = await rollsafe(r.root, ['check']);
    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('rollsafe: rollsafe.config.json: 5 problems:');
    expect(lines.slice(1).sort()).toEqual(
      [
        '  - unknown key "rulez"; did you mean "rules"?',
        '  - pgVersion must be integer',
        '  - unknown key "orm.prizma"; did you mean "prisma"?',
        '  - rules.dropped-column-in-use must be one of "off", "info", "warning", "error" or an array',
        '  - rules: unknown rule "require-lock-timout"; did you mean "require-lock-timeout"?',
      ].sort(),
    );
  });

  it('a [severity, options] entry with a bad severity names the bad element', async () => {
    const r = repo({ 'rollsafe.config.json': JSON.stringify({ rules: { 'dropped-column-in-use': ['warn'] } }) });
    const run = await rollsafe(r.root, ['check']);
    expect(run.stderr).toBe('rollsafe: rollsafe.config.json: rules.dropped-column-in-use.0 must be one of "off", "info", "warning", "error"\n');
  });
});

describe('the summary says what made the run exit 1', () => {
  it('a statement that does not parse, and nothing else: counted as an error with its code', async () => {
    const r = repo();
    r.write({ 'db/migrations/002_bad.sql': 'SELECT 1;\nALTER TABLEE a;\n' });
    const run = await rollsafe(r.root, ['check', 'db/migrations/002_bad.sql'], { NO_COLOR: '1' });
    expect(run.code).toBe(1);
    const summary = run.stdout.trimEnd().split('\n').at(-1)!;
    expect(summary).toMatch(/^✖ 1 error \(an input that could not be checked: sql-syntax\)/);
    expect(summary).not.toMatch(/warning/);
  });
});

describe('rollsafe explain', () => {
  it('a misspelled rule id offers the closest rule; a word offers the rules that contain it', async () => {
    const root = repo().root;
    expect((await rollsafe(root, ['explain', 'requre-lock-timeout'])).stderr).toBe('rollsafe: explain: no rule "requre-lock-timeout"; did you mean "require-lock-timeout"?\n');
    expect((await rollsafe(root, ['explain', 'timeout'])).stderr).toBe('rollsafe: explain: no rule "timeout"; did you mean require-lock-timeout, require-statement-timeout?\n');
    const none = await rollsafe(root, ['explain', 'zzz']);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('rollsafe: explain: no rule "zzz"; run rollsafe explain --list\n');
  });
});
