import { beforeAll, describe, expect, it } from 'vitest';
import { normalizeFile } from '../../src/sql/normalize.js';
import { loadParser } from '../../src/sql/parser.js';
import { bodyStatements, literalContent } from '../../src/sql/plpgsql.js';
import { parseSqlFile } from '../../src/sql/statements.js';
import type { Change } from '../../src/sql/types.js';

beforeAll(() => loadParser());

function normalize(sql: string) {
  const file = parseSqlFile('m.sql', sql);
  expect(file.diagnostics).toEqual([]);
  return { file, ...normalizeFile(file) };
}

/** The file text a change's location covers. */
function located(file: ReturnType<typeof parseSqlFile>, c: Change): string {
  const { source } = file;
  return file.text.slice(source.offsetOf(c.location.line, c.location.column), source.offsetOf(c.location.endLine, c.location.endColumn));
}

describe('DO blocks', () => {
  const sql = `-- données ✓
DO $body$
DECLARE n int;
BEGIN
  SELECT count(*) INTO n FROM users;
  IF n > 0 THEN
    ALTER TABLE "Üsers"
      ADD COLUMN née text, DROP COLUMN straße;
  END IF;
  EXECUTE 'CREATE INDEX users_email_idx ON users (email)';
  EXECUTE 'ALTER TABLE users ADD COLUMN note text DEFAULT ''n/a''';
  EXECUTE 'DROP TABLE ' || quote_ident(tbl);
  UPDATE users SET email = lower(email);
END
$body$;`;

  it('turns each DDL statement into Changes located inside the block', () => {
    const { file, changes, functionBodyChanges } = normalize(sql);
    expect(functionBodyChanges).toEqual([]);
    expect(changes.map((c) => c.kind)).toEqual(['add-column', 'drop-column', 'create-index', 'add-column', 'other', 'dml']);
    expect(changes.every((c) => c.statement.nestedIn === 'do-block' && c.statement.index === 0)).toBe(true);
    // ALTER TABLE sub-commands keep their own spans, on a line with non-ASCII text.
    expect(changes.slice(0, 2).map((c) => [c.location.line, c.location.column, located(file, c)])).toEqual([
      [8, 7, 'ADD COLUMN née text'],
      [8, 28, 'DROP COLUMN straße'],
    ]);
    expect(changes[0]!.statement.location.line).toBe(7);
    expect(changes[0]!.statement.type).toBe('AlterTableStmt');
  });

  it('parses EXECUTE of a constant string, located at the string content when it has no escapes', () => {
    const { file, changes } = normalize(sql);
    expect(changes[2]).toMatchObject({ kind: 'create-index', index: { name: 'users_email_idx' } });
    expect(located(file, changes[2]!)).toBe('CREATE INDEX users_email_idx ON users (email)');
    // With '' escapes the content is not the file text: the change points at the whole EXECUTE argument.
    expect(changes[3]).toMatchObject({ kind: 'add-column', column: { name: 'note', default: { text: "'n/a'" } } });
    expect(located(file, changes[3]!)).toBe("'ALTER TABLE users ADD COLUMN note text DEFAULT ''n/a'''");
  });

  it('reports SQL built at run time as not analysable, and skips SELECT … INTO', () => {
    const { file, changes } = normalize(sql);
    expect(changes[4]).toMatchObject({ kind: 'other', statement: { type: 'PLpgSQL_stmt_dynexecute' } });
    expect((changes[4] as Change & { description: string }).description).toContain('not analysable');
    expect(located(file, changes[4]!)).toBe("'DROP TABLE ' || quote_ident(tbl)");
    expect(changes.some((c) => c.kind === 'create-table')).toBe(false);
    expect(changes[5]).toMatchObject({ kind: 'dml', op: 'update', table: { name: 'users' } });
  });

  it('a DO block with nothing to model is one `other` change; search_path set inside it carries on', () => {
    const { changes } = normalize("DO $$ BEGIN RAISE NOTICE 'hi'; END $$;\nDO $$ BEGIN SET search_path TO app; END $$;\nCREATE TABLE t (a int);");
    expect(changes.map((c) => c.kind)).toEqual(['other', 'set-setting', 'create-table']);
    expect(changes[2]).toMatchObject({ table: { schema: 'app', name: 't' } });
  });

  it('a body PL/pgSQL cannot parse is a diagnostic, and the file goes on', () => {
    const file = parseSqlFile('m.sql', 'DO $$ BEGIN IF THEN END $$;\nDROP TABLE t;');
    const result = normalizeFile(file);
    expect(result.diagnostics.map((d) => [d.code, d.location.line])).toEqual([['plpgsql-syntax', 1]]);
    expect(result.changes.map((c) => c.kind)).toEqual(['other', 'drop-table']);
  });

  it('ignores DO blocks in other languages', () => {
    const { changes } = normalize("DO LANGUAGE plv8 $$ plv8.execute('drop table t') $$;");
    expect(changes).toMatchObject([{ kind: 'other', description: 'DO block (plv8)' }]);
  });
});

describe('function bodies', () => {
  it('normalizes DDL in a plpgsql function but keeps it out of the changes: it runs only when called', () => {
    const { file, changes, functionBodyChanges } = normalize(
      "CREATE FUNCTION cleanup() RETURNS void LANGUAGE plpgsql AS $fn$\nBEGIN\n  SET search_path TO other;\n  ALTER TABLE logs DROP COLUMN payload;\nEND\n$fn$;\nCREATE TABLE after_fn (a int);",
    );
    expect(changes.map((c) => c.kind)).toEqual(['create-function', 'create-table']);
    // The function's SET did not leak into the migration.
    expect(changes[1]).toMatchObject({ table: { schema: 'public' } });
    expect(functionBodyChanges.map((c) => [c.kind, c.statement.nestedIn])).toEqual([
      ['set-setting', 'function-body'],
      ['drop-column', 'function-body'],
    ]);
    expect(located(file, functionBodyChanges[1]!)).toBe('ALTER TABLE logs DROP COLUMN payload');
  });

  it('leaves SQL-language bodies alone', () => {
    const { changes, functionBodyChanges } = normalize("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS 'select 1'");
    expect(changes.map((c) => c.kind)).toEqual(['create-function']);
    expect(functionBodyChanges).toEqual([]);
  });
});

describe('bodyStatements and literals', () => {
  it('finds statements on the lines PL/pgSQL reports, even when the same text repeats', () => {
    const file = parseSqlFile('m.sql', 'DO $$\nBEGIN\n  DELETE FROM t;\n  DELETE FROM t;\nEND $$;');
    const { statements } = bodyStatements(file, file.statements[0]!);
    expect(statements.map((s) => (s.kind === 'sql' ? file.locate(s.start).line : -1))).toEqual([3, 4]);
  });

  it('reads dollar-quoted, plain and E-strings', () => {
    expect(literalContent('$q$a\'b$q$')).toEqual({ content: "a'b", offset: 3, exact: true });
    expect(literalContent("'it''s'")).toEqual({ content: "it's", offset: 1, exact: false });
    expect(literalContent("'plain'")).toEqual({ content: 'plain', offset: 1, exact: true });
    expect(literalContent("E'a\\nb'")).toMatchObject({ content: 'a\nb', exact: false });
    expect(literalContent('x || y')).toBeNull();
  });
});
