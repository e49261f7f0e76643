/**
 * `raw-sql`: SQL written as strings and templates in application code — `pg` (`client.query`), `postgres`
 * and Neon tags, slonik, `@vercel/postgres`, PGlite, pg-promise, Prisma (`$queryRaw`, `Prisma.sql`), drizzle,
 * Kysely and knex raw SQL, TypeORM/Sequelize `query()`. Tags and clients are identified by their import
 * (`sql` belongs to many libraries; `String.raw` and a ClickHouse client are not Postgres). The SQL is
 * parsed by Postgres' parser and resolved to tables and columns with `analyzeQuery`; what does not parse
 * falls back to a lexical scan (`likely`).
 */
import { ts } from 'ts-morph';
import { parseSql, SqlSyntaxError } from '../../sql/parser.js';
import { analyzeQuery, type QueryRef } from '../../sql/query-refs.js';
import { SourceText } from '../../text.js';
import type { ExtractInput, Extractor } from '../extractor.js';
import type { FileFacts } from '../facts.js';
import { lineSnippet } from '../node-location.js';
import type { Confidence, Reference } from '../reference.js';
import { ClientResolver, moduleKind, skipOuterExpressions as skipOuter, type ClientValue } from '../sql-clients.js';
import { lexicalRefs } from '../sql-lexical.js';
import { HOLE_PREFIX, SqlText } from '../sql-text.js';
import { exportNames } from './syntax.js';

const NAME = 'raw-sql';
/** The library of InstanceExports and ConditionalReferences for Postgres clients (pg pools, postgres.js, slonik…). */
const POSTGRES_CLIENT = 'postgres-client';

/** Methods that take SQL text as their first argument, on a client from a known Postgres library. */
const TEXT_METHODS = new Set([
  'query',
  'execute',
  'exec',
  'raw',
  'unsafe',
  '$queryRawUnsafe',
  '$executeRawUnsafe',
  'any',
  'one',
  'oneOrNone',
  'many',
  'manyOrNone',
  'none',
  'result',
  'multi',
  'multiResult',
]);

/** The same, on a value of unknown origin (a local `db` wrapper): only names that mean "run this SQL". */
const WRAPPER_TEXT_METHODS = new Set(['query', 'execute', 'raw', 'rawQuery', 'unsafe', '$queryRawUnsafe', '$executeRawUnsafe', 'oneOrNone', 'manyOrNone', 'any', 'one', 'many', 'none']);

/** Plain functions of unknown origin that run SQL text (`import { query } from './db'`). */
const WRAPPER_TEXT_FUNCTIONS = new Set(['query', 'execute', 'sql', 'raw', 'rawQuery', 'unsafe']);

/** Tags of unknown origin accepted as SQL (with `likely` confidence) when they parse as Postgres. */
const WRAPPER_TAGS = new Set(['sql', 'SQL', '$queryRaw', '$executeRaw']);

const SQL_START = /^(?:\s|--[^\n]*\n|\/\*[\s\S]*?\*\/|\()*(select|insert|update|delete|with|merge|values|table|copy|explain)\b/i;

const WANTS_IMPORT = new RegExp(
  String.raw`(?:from|require\(|import\()\s*['"](?:pg|pg-pool|pg-promise|postgres|slonik|@vercel/postgres|@neondatabase/serverless|@electric-sql/pglite|@databases/pg|@prisma/client|drizzle-orm|kysely|knex|typeorm|sequelize|@mikro-orm/[\w-]+)(?:/[^'"]*)?['"]`,
);
// A literal that starts like a query (after a line continuation, as in `` `\ ``), a SQL tag, a Prisma raw query.
const WANTS_TEXT = /\$(?:query|execute)Raw|\bsql\s*(?:<[^>`]*>\s*)?`|[`'"](?:\\?\s)*(?:select|insert\s+into|update|delete\s+from|with\s+(?:recursive\s+)?\w+\s+as|merge\s+into)\s/i;

function isSqlLike(text: string): boolean {
  return SQL_START.test(text);
}

class FileExtraction {
  private readonly resolver: ClientResolver;
  private readonly consumed = new Set<ts.Node>();
  /** The file imports another database's package and no Postgres driver: dialect-neutral tags and wrappers are not Postgres here. */
  private readonly foreignOnly: boolean;
  /** The file talks to another database somehow (package or a wrapper named after it): values of unknown origin are not trusted. */
  private readonly anyForeign: boolean;
  private readonly seen = new Set<string>();
  /** Where references go: the file's, or a conditional group being collected. */
  private sink: Reference[];

  constructor(
    private readonly input: ExtractInput & { sourceFile: ts.SourceFile },
    private readonly facts: FileFacts,
  ) {
    this.sink = facts.references;
    this.resolver = new ClientResolver(input.sourceFile, input.imports);
    const kinds = input.imports.map((b) => moduleKind(b.from));
    const postgresDriver = kinds.some((k) => k.kind === 'postgres' && ['pg', 'pg-promise', 'postgres', 'slonik', 'vercel', 'neon', 'pglite', 'databases'].includes(k.library));
    this.foreignOnly = kinds.some((k) => k.kind === 'foreign' && !k.guessed) && !postgresDriver;
    this.anyForeign = kinds.some((k) => k.kind === 'foreign');
  }

  run(): void {
    const visit = (node: ts.Node): void => {
      if (!this.consumed.has(node)) {
        if (ts.isTaggedTemplateExpression(node)) this.taggedTemplate(node);
        else if (ts.isCallExpression(node)) this.call(node);
      }
      ts.forEachChild(node, visit);
    };
    visit(this.input.sourceFile);
    this.exportedClients();
  }

  // ---- what is SQL ----

  /** How sure we are that a tag is a Postgres SQL tag, or null when it is not one. */
  private tagConfidence(tag: ts.Expression): Confidence | null {
    const value = this.resolver.evaluate(tag);
    if (value.kind === 'postgres') return this.dialectNeutral(value) && this.foreignOnly ? null : 'certain';
    if (value.kind === 'foreign' || this.foreignOnly || (value.kind === 'unknown' && this.anyForeign)) return null;
    return WRAPPER_TAGS.has(lastName(tag) ?? '') || wrapperTagMember(tag) ? 'likely' : null;
  }

  /** ORMs and builders speak whatever database they are pointed at; a file that only imports MySQL drivers is not Postgres. */
  private dialectNeutral(value: ClientValue): boolean {
    return value.kind === 'postgres' && ['prisma', 'drizzle', 'kysely', 'knex', 'typeorm', 'sequelize', 'mikro-orm'].includes(value.library);
  }

  private callConfidence(call: ts.CallExpression): Confidence | null {
    const callee = skipOuter(call.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      // Name first: resolving the owner of every call in a file is the expensive part.
      if (!TEXT_METHODS.has(method) && !WRAPPER_TEXT_METHODS.has(method)) return null;
      const owner = this.resolver.evaluate(callee.expression);
      if (owner.kind === 'postgres') {
        if (!TEXT_METHODS.has(method)) return null;
        return this.dialectNeutral(owner) && this.foreignOnly ? null : 'certain';
      }
      if (owner.kind === 'foreign' || this.foreignOnly || (owner.kind === 'unknown' && this.anyForeign)) return null;
      return WRAPPER_TEXT_METHODS.has(method) ? 'likely' : null;
    }
    if (ts.isIdentifier(callee) && WRAPPER_TEXT_FUNCTIONS.has(callee.text)) {
      const value = this.resolver.evaluate(callee);
      if (value.kind === 'postgres') return value.derived ? null : WRAPPER_TEXT_FUNCTIONS.has(callee.text) ? 'certain' : null;
      if (value.kind === 'other' && !this.foreignOnly) return 'likely';
    }
    return null;
  }

  // ---- sinks ----

  private taggedTemplate(node: ts.TaggedTemplateExpression): void {
    const confidence = this.tagConfidence(node.tag);
    if (!confidence) return;
    const build = (): SqlText => {
      const sql = new SqlText();
      this.appendTemplate(sql, node.template, true);
      return sql;
    };
    this.analyzeFor(node.tag, confidence, build, node.template.getStart(this.input.sourceFile));
  }

  /**
   * SQL given to a client of unknown origin is `likely`; when that client is imported from the app's own
   * module (`import { pool } from './db'`), it is `certain` if that module exports a Postgres client, which
   * link decides with the other file's facts.
   */
  private analyzeFor(owner: ts.Expression, confidence: Confidence, build: () => SqlText | undefined, anchor: number): void {
    const imported = confidence === 'likely' ? this.importedRoot(owner) : undefined;
    const sql = build();
    if (!sql) return;
    if (!imported) {
      this.analyze(sql, confidence, anchor);
      return;
    }
    const likely = this.collect(() => this.analyze(sql, 'likely', anchor));
    const certain = this.collect(() => this.analyze(build()!, 'certain', anchor));
    if (likely.length + certain.length === 0) return;
    (this.facts.conditionalReferences ??= []).push({ library: POSTGRES_CLIENT, symbol: imported, references: likely, otherwise: 'keep', asInstance: certain });
  }

  private call(node: ts.CallExpression): void {
    const arg = node.arguments[0];
    if (!arg) return;
    const first = skipOuter(arg);
    // `pool.query(sql\`…\`)`: the tag is the sink, handled on its own.
    if (ts.isTaggedTemplateExpression(first) || !(ts.isStringLiteralLike(first) || ts.isTemplateExpression(first) || ts.isIdentifier(first) || ts.isBinaryExpression(first) || ts.isObjectLiteralExpression(first))) return;
    const confidence = this.callConfidence(node);
    if (!confidence) return;
    const build = (): SqlText | undefined => {
      const sql = new SqlText();
      return this.appendText(sql, first, 0) ? sql : undefined;
    };
    this.analyzeFor(node.expression, confidence, build, first.getStart(this.input.sourceFile));
  }

  /** The imported name an expression starts from (`pool` in `pool.query`, `db.pool.query`, `sql`), if it is one. */
  private importedRoot(expression: ts.Expression): string | undefined {
    let e: ts.Expression = skipOuter(expression);
    while (ts.isPropertyAccessExpression(e) || ts.isCallExpression(e) || ts.isElementAccessExpression(e)) e = skipOuter(e.expression);
    if (!ts.isIdentifier(e)) return undefined;
    const name = e.text;
    return this.input.imports.some((b) => b.local === name) ? name : undefined;
  }

  /** The references `work` produces, kept apart from the file's (duplicates are judged within the group). */
  private collect(work: () => void): Reference[] {
    const previous = this.sink;
    const seen = new Set(this.seen);
    const out: Reference[] = [];
    this.sink = out;
    try {
      work();
    } finally {
      this.sink = previous;
      this.seen.clear();
      for (const key of seen) this.seen.add(key);
    }
    return out;
  }

  /** Postgres clients this file exports (`export const pool = new Pool()`), for files that import them. */
  private exportedClients(): void {
    const names = exportNames(this.input.sourceFile);
    if (names.size === 0) return;
    for (const statement of this.input.sourceFile.statements) {
      const declarations = ts.isVariableStatement(statement) ? statement.declarationList.declarations : [];
      for (const d of declarations) {
        if (!ts.isIdentifier(d.name) || !d.initializer) continue;
        const exportedAs = names.get(d.name.text);
        if (!exportedAs) continue;
        const value = this.resolver.evaluate(d.initializer);
        if (value.kind === 'postgres' && !this.dialectNeutral(value)) (this.facts.instanceExports ??= []).push({ library: POSTGRES_CLIENT, exportedAs });
      }
    }
  }

  // ---- building the SQL text ----

  /** A string, a template, a `+` chain, a `const` holding one, or a `{ text }` query config. */
  private appendText(sql: SqlText, expression: ts.Expression, depth: number): boolean {
    if (depth > 6) return false;
    const e = skipOuter(expression);
    const sf = this.input.sourceFile;
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) {
      sql.appendLiteral(sf.text, e.getStart(sf) + 1, e.getEnd() - 1, !ts.isStringLiteral(e));
      return true;
    }
    if (ts.isTemplateExpression(e)) {
      this.appendTemplate(sql, e, false);
      return true;
    }
    if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = new SqlText();
      const right = new SqlText();
      const l = this.appendText(left, e.left, depth + 1);
      const r = this.appendText(right, e.right, depth + 1);
      if (!l && !r) return false;
      if (l) sql.appendSql(left);
      else sql.appendHole(e.left.getStart(sf), 'param');
      if (r) sql.appendSql(right);
      else sql.appendHole(e.right.getStart(sf), 'param');
      return true;
    }
    if (ts.isIdentifier(e)) {
      const init = this.resolver.initializerOf(e);
      return init !== undefined && this.appendText(sql, init, depth + 1);
    }
    if (ts.isObjectLiteralExpression(e)) {
      for (const p of e.properties) {
        if (ts.isPropertyAssignment(p) && propertyName(p.name) === 'text') return this.appendText(sql, p.initializer, depth + 1);
        if (ts.isShorthandPropertyAssignment(p) && p.name.text === 'text') return this.appendText(sql, p.name, depth + 1);
      }
    }
    return false;
  }

  /**
   * A template's chunks and holes. In a SQL tag a hole is a bound value, a nested SQL fragment (spliced in),
   * or an identifier helper (`sql.identifier(['users'])`, `sql('users')`); in a plain template it is JS text,
   * spliced when it is a `const` string.
   */
  private appendTemplate(sql: SqlText, template: ts.TemplateLiteral, tagged: boolean): void {
    const sf = this.input.sourceFile;
    if (ts.isNoSubstitutionTemplateLiteral(template)) {
      sql.appendLiteral(sf.text, template.getStart(sf) + 1, template.getEnd() - 1, true);
      return;
    }
    const head = template.head;
    sql.appendLiteral(sf.text, head.getStart(sf) + 1, head.getEnd() - 2, true);
    for (const span of template.templateSpans) {
      if (tagged) this.appendTaggedHole(sql, span.expression);
      else if (!this.appendConstant(sql, span.expression)) sql.appendHole(holeStart(span.expression, sf), 'param');
      const lit = span.literal;
      const end = ts.isTemplateTail(lit) ? lit.getEnd() - 1 : lit.getEnd() - 2;
      sql.appendLiteral(sf.text, lit.getStart(sf) + 1, end, true);
    }
  }

  /** `${TABLE}` in a plain template, where `const TABLE = 'users'`. */
  private appendConstant(sql: SqlText, expression: ts.Expression): boolean {
    const e = skipOuter(expression);
    if (!ts.isIdentifier(e)) return false;
    const init = this.resolver.initializerOf(e);
    if (!init) return false;
    const value = skipOuter(init);
    if (!ts.isStringLiteral(value) && !ts.isNoSubstitutionTemplateLiteral(value)) return false;
    return this.appendText(sql, value, 1);
  }

  private appendTaggedHole(sql: SqlText, expression: ts.Expression): void {
    const sf = this.input.sourceFile;
    const e = skipOuter(expression);
    // A nested SQL fragment: spliced, so that the statement parses whole.
    if (ts.isTaggedTemplateExpression(e) && this.tagConfidence(e.tag)) {
      this.consumed.add(e);
      this.appendTemplate(sql, e.template, true);
      return;
    }
    if (ts.isConditionalExpression(e) || (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken)) {
      const branches = ts.isConditionalExpression(e) ? [e.whenTrue, e.whenFalse] : [e.right];
      const fragments = branches.map(skipOuter).filter((b): b is ts.TaggedTemplateExpression => ts.isTaggedTemplateExpression(b) && this.tagConfidence(b.tag) !== null);
      if (fragments.length > 0) {
        for (const f of fragments) this.consumed.add(f);
        // The longer branch is the one that says most about the tables.
        const chosen = fragments.reduce((a, b) => (b.template.getWidth(sf) > a.template.getWidth(sf) ? b : a));
        this.appendTemplate(sql, chosen.template, true);
        return;
      }
    }
    if (ts.isCallExpression(e)) {
      const helper = this.identifierHelper(e);
      if (helper) {
        sql.appendText(helper.text, helper.offset);
        return;
      }
      const raw = this.rawHelper(e);
      if (raw) {
        sql.appendSql(raw);
        return;
      }
    }
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'empty') return;
    sql.appendHole(holeStart(e, sf), 'param');
  }

  /** `sql.identifier(['public', 'users'])`, `sql.table('users')`, `sql.ref('u.email')`, `sql.id('users')`, postgres.js `sql('users')`. */
  private identifierHelper(call: ts.CallExpression): { text: string; offset: number } | undefined {
    const callee = skipOuter(call.expression);
    const sf = this.input.sourceFile;
    let parts: string[] | undefined;
    const first = call.arguments[0];
    if (!first) return undefined;
    const arg = skipOuter(first);
    const method = ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    if (method === 'identifier' && ts.isArrayLiteralExpression(arg) && arg.elements.every((x) => ts.isStringLiteralLike(x))) {
      parts = arg.elements.map((x) => (x as ts.StringLiteralLike).text);
    } else if ((method === 'table' || method === 'ref') && call.arguments.length === 1 && ts.isStringLiteralLike(arg)) {
      parts = arg.text.split('.');
    } else if (method === 'id' && call.arguments.every((x) => ts.isStringLiteralLike(skipOuter(x)))) {
      parts = call.arguments.map((x) => (skipOuter(x) as ts.StringLiteralLike).text);
    } else if (ts.isIdentifier(callee) && call.arguments.length === 1 && ts.isStringLiteralLike(arg) && this.tagConfidence(callee)) {
      parts = [arg.text];
    }
    if (!parts || parts.length === 0 || parts.some((p) => p === '')) return undefined;
    // Point inside the first string that names it (past its quote).
    const named = ts.isArrayLiteralExpression(arg) ? arg.elements[0]! : arg;
    return { text: parts.map((p) => `"${p.replace(/"/g, '""')}"`).join('.'), offset: named.getStart(sf) + 1 };
  }

  /** `sql.raw('…')`, `Prisma.raw('…')`, `sql.unsafe('…')` inside a SQL template: their text is SQL. */
  private rawHelper(call: ts.CallExpression): SqlText | undefined {
    const callee = skipOuter(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !['raw', 'unsafe'].includes(callee.name.text)) return undefined;
    const first = call.arguments[0];
    if (!first) return undefined;
    const sql = new SqlText();
    return this.appendText(sql, first, 1) ? sql : undefined;
  }

  // ---- parsing and references ----

  private analyze(sql: SqlText, confidence: Confidence, anchor: number): void {
    sql.guessHoleModes();
    let rendered = sql.render();
    if (rendered.text.trim() === '') return;
    let rewritten = false;
    for (let attempt = 0; attempt <= 2 * sql.holeCount + 2; attempt++) {
      try {
        const result = parseSql(rendered.text);
        const source = new SourceText(rendered.text);
        for (const s of result.stmts ?? []) {
          if (!s.stmt) continue;
          const analysis = analyzeQuery(s.stmt);
          for (const ref of analysis.refs) this.addReference(ref, rendered, source, confidence, anchor);
        }
        return;
      } catch (error) {
        if (!(error instanceof SqlSyntaxError)) throw error;
        const at = error.byteOffset !== undefined ? new SourceText(rendered.text).byteToChar(error.byteOffset) : -1;
        // A value placeholder where a name goes (`INSERT INTO t (${col})`) becomes a name; a name where neither
        // fits (`… ${whereClause} ORDER BY`) becomes nothing, as an optional fragment would; then retry.
        const hole = rendered.holes.find((h) => at >= h.start - 1 && at <= h.end && holeMode(sql, h.part) !== 'empty');
        if (hole) {
          sql.setHoleMode(hole.part, holeMode(sql, hole.part) === 'param' ? 'ident' : 'empty');
          rendered = sql.render();
          continue;
        }
        if (!rewritten && sql.rewriteClientPlaceholders()) {
          rewritten = true;
          sql.guessHoleModes();
          rendered = sql.render();
          continue;
        }
        break;
      }
    }
    // Unparsable: a fragment, or SQL Postgres would reject. Only from clients known to be Postgres.
    if (confidence !== 'certain') return;
    const source = new SourceText(rendered.text);
    const looksLikeSql = isSqlLike(rendered.text) || /\b(from|join|into|update)\s+[\w"]/i.test(rendered.text);
    if (!looksLikeSql) return;
    for (const ref of lexicalRefs(rendered.text)) this.addReference(ref, rendered, source, 'likely', anchor, true);
  }

  private addReference(ref: QueryRef, rendered: ReturnType<SqlText['render']>, source: SourceText, confidence: Confidence, anchor: number, lexical = false): void {
    if (ref.table.startsWith(HOLE_PREFIX) || ref.column?.startsWith(HOLE_PREFIX)) return;
    // `${schema}.jobs`: the table is known, its schema is set at run time (a reference without schema).
    const schema = ref.schema?.startsWith(HOLE_PREFIX) ? undefined : ref.schema;
    const { path, sourceFile, text, context } = this.input;
    let start = anchor;
    let end = anchor;
    if (ref.location >= 0) {
      let char = source.byteToChar(ref.location);
      // `${schema}.jobs`: point at `jobs`, not at the hole.
      const qualifier = new RegExp(`^${HOLE_PREFIX}\\d+\\s*\\.\\s*`).exec(rendered.text.slice(char, char + HOLE_PREFIX.length + 12));
      if (qualifier) char += qualifier[0].length;
      start = rendered.offsets[char] ?? anchor;
      const width = nameWidth(rendered.text, char);
      end = width > 0 ? (rendered.offsets[char + width - 1] ?? start) + 1 : start;
      if (end < start) end = start;
    }
    const a = sourceFile.getLineAndCharacterOfPosition(start);
    const b = sourceFile.getLineAndCharacterOfPosition(end);
    const reference: Reference = {
      table: ref.table,
      ...(schema !== undefined ? { schema } : {}),
      ...(ref.column !== undefined ? { column: ref.column } : {}),
      kind: ref.kind,
      // A column list with a hole (`INSERT INTO t (${cols})`) writes columns nobody can name: unknown, like a positional insert.
      ...(ref.insertColumns && !ref.insertColumns.some((c) => c.startsWith(HOLE_PREFIX)) ? { insertColumns: ref.insertColumns } : {}),
      confidence: confidence === 'certain' ? ref.confidence : 'likely',
      implicit: ref.implicit,
      ...(ref.ambiguous ? { ambiguous: true } : {}),
      ...(lexical ? { lexical: true } : {}),
      context,
      location: { path, line: a.line + 1, column: a.character + 1, endLine: b.line + 1, endColumn: b.character + 1 },
      extractor: NAME,
      snippet: lineSnippet(text, a.line + 1),
    };
    const key = `${reference.table}|${reference.schema ?? ''}|${reference.column ?? ''}|${reference.kind}|${reference.implicit}|${start}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.sink.push(reference);
  }
}

function holeMode(sql: SqlText, part: number): string | undefined {
  const p = sql.parts[part];
  return p?.type === 'hole' ? p.mode : undefined;
}

/** Length of the (possibly qualified, possibly quoted) name or `*` starting at `at`. */
function nameWidth(text: string, at: number): number {
  const m = /^(?:"(?:[^"]|"")*"|[\w$]+|\*)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[\w$]+|\*))*/.exec(text.slice(at, at + 200));
  return m ? m[0].length : 0;
}

function holeStart(expression: ts.Expression, sf: ts.SourceFile): number {
  // Point at the `${` of the hole rather than the expression.
  const start = expression.getStart(sf);
  const open = sf.text.lastIndexOf('${', start);
  return open >= 0 && start - open <= 4 ? open : start;
}

/** Slonik's tags on a `sql` of unknown origin (re-exported by a local module): `sql.type(Row)`, `sql.typeAlias('x')`, `sql.unsafe`, `sql.fragment`. */
const WRAPPER_TAG_MEMBERS = new Set(['type', 'typeAlias', 'unsafe', 'fragment']);

function wrapperTagMember(tag: ts.Expression): boolean {
  let e = skipOuter(tag);
  if (ts.isCallExpression(e)) e = skipOuter(e.expression);
  return ts.isPropertyAccessExpression(e) && WRAPPER_TAG_MEMBERS.has(e.name.text) && ts.isIdentifier(skipOuter(e.expression)) && WRAPPER_TAGS.has((skipOuter(e.expression) as ts.Identifier).text);
}

function lastName(tag: ts.Expression): string | undefined {
  const e = skipOuter(tag);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isCallExpression(e)) return lastName(e.expression);
  return undefined;
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  return undefined;
}

export const rawSql: Extractor = {
  name: NAME,
  wants(text) {
    return WANTS_IMPORT.test(text) || WANTS_TEXT.test(text);
  },
  extract(input, facts) {
    if (!input.sourceFile) return;
    new FileExtraction({ ...input, sourceFile: input.sourceFile }, facts).run();
  },
};
