import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser } from '../../src/sql/parser.js';
import { parseSqlFile } from '../../src/sql/statements.js';
import { SourceText } from '../../src/text.js';

beforeAll(() => loadParser());

describe('parseSqlFile', () => {
  // Files from 256 KB are parsed in chunks of whole statements; a file that says `atomic` anywhere is parsed
  // whole (BEGIN ATOMIC bodies hold semicolons), so appending that word in a comment gives the reference.
  describe('large files, parsed a chunk at a time', () => {
    const statement = (i: number): string =>
      [
        `INSERT INTO t VALUES (${i}, 'é ; 😀 ${i}');`,
        `/* ${i}; */ ALTER TABLE "Üsers" ADD COLUMN c${i} text, DROP COLUMN d${i};`,
        `CREATE FUNCTION f${i}() RETURNS int AS $b$ SELECT ${i}; $b$ LANGUAGE sql;`,
        `-- note ${i};\nUPDATE t SET v = E'it\\'s; ${i}' WHERE id = ${i};`,
      ][i % 4]!;
    const big = Array.from({ length: 8000 }, (_, i) => statement(i)).join('\n');
    const shape = (file: ReturnType<typeof parseSqlFile>) => ({
      statements: file.statements.map((s) => ({
        type: s.type,
        text: s.text,
        start: s.start,
        end: s.end,
        location: s.location,
        // Where a node inside the statement points to (its byte offsets count from the statement's byteBase).
        relation: file.nodeOffset(s, (s.node.relation as { location?: number } | undefined)?.location),
      })),
      diagnostics: file.diagnostics,
      spans: file.statements.filter((s) => s.type === 'AlterTableStmt').map((s) => file.alterTableCommandSpans(s, 2)),
    });

    it('gives the same statements, locations, node offsets and command spans as a parse of the whole file', () => {
      expect(big.length).toBeGreaterThan(256 * 1024);
      const chunked = parseSqlFile('m.sql', big);
      const whole = parseSqlFile('m.sql', `${big}\n-- atomic`);
      expect(chunked.statements).toHaveLength(8000);
      expect(shape(chunked)).toEqual(shape(whole));
      expect(chunked.statements.some((s) => s.byteBase > 0)).toBe(true);
    });

    it('converts string offsets to UTF-8 byte offsets from a table (as Buffer.byteLength of the text before counts)', () => {
      const text = `a é ✓ 😀 \ud800 x \udc00 😀😀 ${'ü'.repeat(50)}\ud83d`;
      const source = new SourceText(text);
      for (let i = 0; i <= text.length; i++) expect([i, source.charToByte(i)]).toEqual([i, Buffer.byteLength(text.slice(0, i), 'utf8')]);
    });

    it('falls back to the whole-file parse (same diagnostics) when a chunk does not parse', () => {
      const bad = big.replace("INSERT INTO t VALUES (4000,", 'INSERT INTO t VALUE (4000,');
      const chunked = parseSqlFile('m.sql', bad);
      const whole = parseSqlFile('m.sql', `${bad}\n-- atomic`);
      expect(chunked.diagnostics).toHaveLength(1);
      expect(chunked.diagnostics[0]!.location.line).toBe(bad.slice(0, bad.indexOf('VALUE (4000,')).split('\n').length);
      expect(shape(chunked)).toEqual(shape(whole));
    });
  });

  it('gives each statement its line and column, skipping comments', () => {
    const file = parseSqlFile('m.sql', 'select 1; -- c\n /* x */ select 2;\n-- lead\nALTER TABLE users DROP COLUMN a;\n');
    expect(file.diagnostics).toEqual([]);
    expect(file.statements.map((s) => [s.type, s.location.line, s.location.column, s.text])).toEqual([
      ['SelectStmt', 1, 1, 'select 1'],
      ['SelectStmt', 2, 10, 'select 2'],
      ['AlterTableStmt', 4, 1, 'ALTER TABLE users DROP COLUMN a'],
    ]);
  });

  it('counts columns in UTF-16 units after non-ASCII identifiers and comments', () => {
    const file = parseSqlFile('m.sql', '-- héllo wörld ✓\nCREATE TABLE "Üsers" (id int); ALTER TABLE "Üsers" ADD COLUMN née text, DROP COLUMN id;');
    expect(file.diagnostics).toEqual([]);
    const alter = file.statements[1]!;
    expect(alter.location).toMatchObject({ line: 2, column: 32 });
    const spans = file.alterTableCommandSpans(alter, 2)!;
    expect(spans.map((s) => file.text.slice(s.start, s.end))).toEqual(['ADD COLUMN née text', 'DROP COLUMN id']);
    expect(file.locate(spans[1]!.start)).toMatchObject({ line: 2, column: 73 });
  });

  it('turns one bad statement into one diagnostic and keeps the others', () => {
    const file = parseSqlFile('m.sql', 'ALTER TABLE a DROP COLUMN b;\nSELEC oops;\nALTER TABLE c DROP COLUMN d;\n');
    expect(file.statements.map((s) => s.text)).toEqual(['ALTER TABLE a DROP COLUMN b', 'ALTER TABLE c DROP COLUMN d']);
    expect(file.diagnostics).toHaveLength(1);
    expect(file.diagnostics[0]).toMatchObject({ code: 'sql-syntax', location: { line: 2, column: 1 } });
    expect(file.diagnostics[0]!.message).toContain('syntax error at or near "SELEC"');
  });

  it('keeps statements before an unterminated string', () => {
    const file = parseSqlFile('m.sql', "DROP TABLE a;\nINSERT INTO t VALUES ('oops);\nDROP TABLE b;\n");
    expect(file.statements.map((s) => s.text)).toEqual(['DROP TABLE a']);
    expect(file.diagnostics).toHaveLength(1);
    expect(file.diagnostics[0]!.location.line).toBe(2);
  });

  it('does not split BEGIN ATOMIC bodies on their semicolons when recovering', () => {
    const file = parseSqlFile('m.sql', 'CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 1 END; END;\nBROKEN;\nDROP TABLE x;');
    expect(file.statements.map((s) => s.type)).toEqual(['CreateFunctionStmt', 'DropStmt']);
    expect(file.diagnostics).toHaveLength(1);
  });

  it('maps node locations of a recovered statement back into the file', () => {
    const file = parseSqlFile('m.sql', 'BROKEN;\n-- é\nALTER TABLE "é" DROP COLUMN x;');
    const stmt = file.statements[0]!;
    const relation = stmt.node.relation as { location: number };
    expect(file.locate(file.nodeOffset(stmt, relation.location))).toMatchObject({ line: 3, column: 13 });
  });

  it('finds comments', () => {
    const file = parseSqlFile('m.sql', '-- rollsafe-ignore x -- why\nDROP TABLE a; /* c */');
    expect(file.comments().map((c) => [c.line, c.text])).toEqual([
      [1, '-- rollsafe-ignore x -- why'],
      [2, '/* c */'],
    ]);
  });

  it('treats an empty or comment-only file as having no statements', () => {
    expect(parseSqlFile('m.sql', '').statements).toEqual([]);
    expect(parseSqlFile('m.sql', '-- nothing\n').statements).toEqual([]);
  });
});
