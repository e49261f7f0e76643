import { beforeAll, describe, expect, it } from 'vitest';
import { loadParser, parseSql } from '../../src/sql/parser.js';
import { analyzeQuery, type QueryOptions, type QueryAnalysis } from '../../src/sql/query-refs.js';

beforeAll(() => loadParser());

function analyze(sql: string, options?: QueryOptions): QueryAnalysis {
  const stmt = parseSql(sql).stmts![0]!.stmt!;
  return analyzeQuery(stmt, options);
}

/** Compact form: `kind table.column` + flags, and the SQL text at the reference's location. */
function refs(sql: string, options?: QueryOptions): string[] {
  const bytes = Buffer.from(sql, 'utf8');
  return analyze(sql, options).refs.map((r) => {
    const name = `${r.schema ? `${r.schema}.` : ''}${r.table}${r.column ? `.${r.column}` : ''}`;
    const flags = [r.implicit ? 'implicit' : '', r.ambiguous ? 'ambiguous' : '', r.insertColumns ? `cols=${r.insertColumns.join(',')}` : ''].filter(Boolean);
    const at = r.location >= 0 ? bytes.subarray(r.location).toString('utf8').replace(/^\(/, '').split(/[\s,()]/)[0] : '?';
    return `${r.kind} ${name}${flags.length ? ` [${flags.join(' ')}]` : ''} @${at}`;
  });
}

describe('analyzeQuery: SELECT', () => {
  it('resolves aliases to tables and reads the FROM tables', () => {
    expect(refs('SELECT u.email, o.total FROM users u JOIN orders o ON o.user_id = u.id WHERE u.active')).toEqual([
      'read users @users',
      'read orders @orders',
      'read orders.user_id @o.user_id',
      'read users.id @u.id',
      'read users.email @u.email',
      'read orders.total @o.total',
      'read users.active @u.active',
    ]);
  });

  it('attributes unqualified columns to the only table in scope, and to every table when there are several', () => {
    expect(refs('select email from users where id = $1')).toEqual(['read users @users', 'read users.email @email', 'read users.id @id']);
    const multi = analyze('select email from users, accounts');
    expect(multi.refs.filter((r) => r.column === 'email').map((r) => [r.table, r.confidence, r.ambiguous])).toEqual([
      ['users', 'likely', true],
      ['accounts', 'likely', true],
    ]);
  });

  it('uses known columns to pick the table in a multi-table scope', () => {
    const columns: Record<string, string[]> = { users: ['id', 'email'], accounts: ['id', 'plan'] };
    const found = analyze('select email, plan from users, accounts', { columnsOf: (t) => columns[t.name] }).refs.filter((r) => r.column);
    expect(found.map((r) => `${r.table}.${r.column} ${r.confidence}`)).toEqual(['users.email certain', 'accounts.plan certain']);
  });

  it('does not take a CTE named like a table for the table', () => {
    expect(refs('with users as (select id, mail from people) select mail from users')).toEqual(['read people @people', 'read people.id @id', 'read people.mail @mail']);
    // Qualified with a schema it is the table again.
    expect(refs('with users as (select 1 as a) select a from users, public.users pu where pu.email is null')).toEqual([
      'read public.users @public.users',
      'read public.users.email @pu.email',
    ]);
  });

  it('treats SELECT * and t.* as an implicit read of the whole table', () => {
    expect(refs('select * from users')).toEqual(['read users @users', 'read users [implicit] @*']);
    expect(refs('select u.*, o.id from users u join orders o using (user_id)')).toEqual([
      'read users @users',
      'read orders @orders',
      'read users.user_id @orders',
      'read orders.user_id @orders',
      'read users [implicit] @u.*',
      'read orders.id @o.id',
    ]);
    // count(*) reads no column.
    expect(refs('select count(*) from users')).toEqual(['read users @users']);
  });

  it('follows subqueries, correlated references and derived tables without inventing tables', () => {
    expect(refs('select s.n from (select name as n from teams) s where exists (select 1 from members m where m.team_id = s.n)')).toEqual([
      'read teams @teams',
      'read teams.name @name',
      'read members @members',
      'read members.team_id @m.team_id',
    ]);
    // An output column of a derived table is not attributed to a base table.
    expect(refs('select total from (select sum(amount) as total from payments) p')).toEqual(['read payments @payments', 'read payments.amount @amount']);
  });

  it('reads a whole row named by its alias as every column', () => {
    expect(refs('select row_to_json(u) from users u')).toEqual(['read users @users', 'read users [implicit] @u']);
    expect(refs('select t from (select 1 as a) t')).toEqual([]);
  });

  it('leaves ORDER BY output aliases alone and analyses both sides of a UNION', () => {
    expect(refs('select a as x from t order by x')).toEqual(['read t @t', 'read t.a @a']);
    expect(refs('select a from t union all select b from u')).toEqual(['read t @t', 'read t.a @a', 'read u @u', 'read u.b @b']);
  });

  it('reports a qualifier that names nothing in scope and skips catalog tables', () => {
    const result = analyze('select x.email from users u');
    expect(result.unresolved).toEqual([{ qualifier: 'x', column: 'email', location: 7 }]);
    expect(refs('select relname from pg_catalog.pg_class')).toEqual([]);
  });

  it('gives byte locations after multi-byte characters', () => {
    const sql = "select 'héllo', email from users";
    const ref = analyze(sql).refs.find((r) => r.column === 'email')!;
    expect(Buffer.from(sql).subarray(ref.location, ref.location + 5).toString()).toBe('email');
  });

  it('qualifies unqualified tables with the search path when given one', () => {
    expect(analyze('select id from users', { searchPath: ['app', 'public'] }).refs[0]).toMatchObject({ schema: 'app', table: 'users' });
  });
});

describe('analyzeQuery: writes', () => {
  it('INSERT with a column list writes those columns and RETURNING reads', () => {
    expect(refs("insert into users (email, name) values ($1, 'x') returning id")).toEqual([
      'insert users [cols=email,name] @users',
      'write users.email @email',
      'write users.name @name',
      'read users.id @id',
    ]);
  });

  it('INSERT without a column list has unknown insert columns; DEFAULT VALUES lists none', () => {
    const positional = analyze('insert into users values (1, 2)').refs[0]!;
    expect(positional).toMatchObject({ kind: 'insert', table: 'users' });
    expect(positional.insertColumns).toBeUndefined();
    expect(analyze('insert into users default values').refs[0]!.insertColumns).toEqual([]);
    expect(refs('insert into archive select * from users')).toEqual(['insert archive @archive', 'read users @users', 'read users [implicit] @*']);
  });

  it('ON CONFLICT reads the conflict columns, and excluded.* is the target table', () => {
    expect(refs('insert into s.users as u (email) values ($1) on conflict (email) do update set name = excluded.name where u.locked = false')).toEqual([
      'insert s.users [cols=email] @s.users',
      'write s.users.email @email',
      'read s.users.email @email',
      'write s.users.name @name',
      'read s.users.name @excluded.name',
      'read s.users.locked @u.locked',
    ]);
  });

  it('UPDATE writes SET columns, reads the rest, and FROM tables are reads', () => {
    expect(refs('update users u set (a, b) = (select x, y from src), c = o.total from orders o where o.uid = u.id returning *')).toEqual([
      'write users @users',
      'read orders @orders',
      'write users.a @a',
      'read src @src',
      'read src.x @x',
      'read src.y @y',
      'write users.b @b',
      'write users.c @c',
      'read orders.total @o.total',
      'read orders.uid @o.uid',
      'read users.id @u.id',
      'read users [implicit] @*',
      'read orders [implicit] @*',
    ]);
  });

  it('DELETE deletes from the target and reads USING tables; RETURNING old/new is the target', () => {
    expect(refs('delete from users using orders o where o.id = users.order_id returning old.id')).toEqual([
      'delete users @users',
      'read orders @orders',
      'read orders.id @o.id',
      'read users.order_id @users.order_id',
      'read users.id @old.id',
    ]);
  });

  it('MERGE: update, insert and delete branches on the target, reads on the source', () => {
    expect(refs('merge into t using s on t.id = s.id when matched then update set v = s.v when not matched then insert (id, v) values (s.id, s.v) when matched and s.gone then delete')).toEqual([
      'read s @s',
      'read t.id @t.id',
      'read s.id @s.id',
      'write t @t',
      'write t.v @v',
      'read s.v @s.v',
      'insert t [cols=id,v] @t',
      'write t.id @id',
      'write t.v @v',
      'read s.id @s.id',
      'read s.v @s.v',
      'read s.gone @s.gone',
      'delete t @t',
    ]);
  });

  it('handles data-modifying CTEs', () => {
    expect(refs('with moved as (delete from inbox where done returning id) insert into archive (id) select id from moved')).toEqual([
      'delete inbox @inbox',
      'read inbox.done @done',
      'read inbox.id @id',
      'insert archive [cols=id] @archive',
      'write archive.id @id',
    ]);
  });

  it('says when a statement is not a query', () => {
    const result = analyze('alter table users drop column email');
    expect(result).toMatchObject({ supported: false, refs: [] });
    expect(analyze('create view v as select email from users').refs.map((r) => r.column)).toEqual([undefined, 'email']);
  });
});
