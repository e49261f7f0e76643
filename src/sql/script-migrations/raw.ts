/**
 * Raw SQL written in a migration file: the string (literal, template, concatenation, constant of the file)
 * turned into SQL text mapped back onto the file. A template hole becomes its value when the file says what it
 * is (`${TABLE}` with `const TABLE = 'users'`), else a `$n` placeholder, as the code scanner does for queries.
 */
import { ts } from 'ts-morph';
import type { Emitter } from './emit.js';
import { evaluate, unwrap, type Link, type Located, type Scope, type StaticValue } from './scope.js';
import type { ScriptSource } from './source.js';
import { literalText, rawRange, SqlText } from './sql-text.js';
import { ident, literal } from './ddl.js';
import { scanSql } from '../parser.js';
import { SourceText } from '../../text.js';

export interface RawSql {
  text: SqlText;
  /** Some holes were left as placeholders: a parse failure then means "not statically known", not "wrong SQL". */
  hasHoles: boolean;
}

export type RawResult = { ok: true; sql: RawSql } | { ok: false; reason: string };

/** The SQL text of a hole, or undefined for "use a placeholder"; a string `reason` when the hole makes the SQL unreadable. */
export type HoleResolver = (expr: ts.Expression, scope: Scope) => string | { reason: string } | undefined;

/** A static value as SQL text in a value position (`'text'`, `42`, `true`, `NULL`), or undefined. */
export function valueSql(v: StaticValue): string | undefined {
  switch (v.kind) {
    case 'string':
      return literal(v.value);
    case 'number':
      return String(v.value);
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'null':
      return 'NULL';
    default:
      return undefined;
  }
}

const defaultHole: HoleResolver = (expr, scope) => {
  const v = evaluate(expr, scope);
  return v.kind === 'string' || v.kind === 'number' ? String(v.value) : undefined;
};

interface BuildState {
  placeholders: number;
  hasHoles: boolean;
  /** File offsets of the holes left as placeholders (a placeholder's characters map to its hole's start). */
  holes: { fileOffset: number; expr: ts.Expression }[];
}

export function rawSqlOf(expr: ts.Expression, scope: Scope, source: ScriptSource, hole: HoleResolver = defaultHole): RawResult {
  const state: BuildState = { placeholders: 0, hasHoles: false, holes: [] };
  const result = build(expr, scope, source, hole, state, 0);
  if ('reason' in result) return { ok: false, reason: result.reason };
  const named = nameHole(result, state.holes);
  if (named) return { ok: false, reason: `a name in its SQL comes from \`\${${named.getText(source.file)}}\`, known only at run time` };
  return { ok: true, sql: { text: result, hasHoles: state.hasHoles } };
}

/** A placeholder that landed inside a quoted identifier (`"${table}"`) parses as a name: the hole it stands for. */
function nameHole(sqlText: SqlText, holes: BuildState['holes']): ts.Expression | undefined {
  if (holes.length === 0) return undefined;
  const sql = sqlText.text;
  let tokens;
  try {
    tokens = scanSql(sql);
  } catch {
    return undefined;
  }
  const text = new SourceText(sql);
  for (const h of holes) {
    let at = -1;
    for (let i = 0; i < sql.length && at < 0; i++) if (sql[i] === '$' && sqlText.fileOffset(i) === h.fileOffset) at = i;
    if (at < 0) continue;
    const token = tokens.find((t) => text.byteToChar(t.start) <= at && at < text.byteToChar(t.end));
    if (token && token.tokenName === 'IDENT') return h.expr;
  }
  return undefined;
}

function build(expr: ts.Expression, scope: Scope, source: ScriptSource, hole: HoleResolver, state: BuildState, depth: number): SqlText | { reason: string } {
  if (depth > 20) return { reason: 'its SQL is defined too indirectly' };
  const e = unwrap(expr);
  const file = source.file;
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) {
    const range = rawRange(e, file);
    return literalText(e, source.text, range.start, range.end);
  }
  if (ts.isTemplateExpression(e)) {
    const out = new SqlText();
    const head = rawRange(e.head, file);
    out.append(literalText(e.head, source.text, head.start, head.end));
    for (const span of e.templateSpans) {
      const holeStart = span.expression.getStart(file) - 2;
      const holeEnd = span.literal.getStart(file) + 1;
      const resolved = hole(span.expression, scope);
      if (resolved !== undefined && typeof resolved !== 'string') return resolved;
      if (resolved === undefined) {
        state.hasHoles = true;
        state.holes.push({ fileOffset: holeStart, expr: span.expression });
        out.appendAt(`$${++state.placeholders}`, holeStart, holeEnd);
      } else out.appendAt(resolved, holeStart, holeEnd);
      const lit = rawRange(span.literal, file);
      out.append(literalText(span.literal, source.text, lit.start, lit.end));
    }
    return out;
  }
  if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = build(e.left, scope, source, hole, state, depth);
    if ('reason' in left) return left;
    const right = build(e.right, scope, source, hole, state, depth);
    if ('reason' in right) return right;
    return new SqlText().append(left).append(right);
  }
  if (ts.isIdentifier(e)) {
    const binding = scope.lookup(e.text);
    if (binding?.kind === 'expr') return build(binding.expr, binding.scope, source, hole, state, depth + 1);
  }
  // ['…', '…'].join('\n')
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'join') {
    const list = evaluate(e.expression.expression, scope);
    const separator = e.arguments[0] ? evaluate(e.arguments[0], scope) : ({ kind: 'string', value: ',' } as StaticValue);
    if (list.kind === 'array' && separator.kind === 'string') {
      const out = new SqlText();
      list.items.forEach((item: Located, i) => {
        if (i > 0) out.appendAt(separator.value, e.getStart(file), e.getEnd());
        const part = build(item.expr, item.scope, source, hole, state, depth + 1);
        if (!('reason' in part)) out.append(part);
        else state.hasHoles = true;
      });
      return out;
    }
  }
  const v = evaluate(e, scope);
  if (v.kind === 'string') return new SqlText().appendAt(v.value, e.getStart(file), e.getEnd());
  return { reason: v.kind === 'unknown' ? `its SQL is not written in this file: ${v.reason}` : `its SQL (\`${e.getText(file).slice(0, 60)}\`) is not a string of this file` };
}

/**
 * Knex's binding markers, replaced as Knex does (whatever the quoting): `??` an identifier, `?` a value, `\?`
 * a literal question mark; with an object, `:name:` an identifier and `:name` a value.
 */
export function knexBindings(sql: RawSql, bindings: StaticValue | undefined): RawSql | { reason: string } {
  if (!bindings || bindings.kind === 'undefined') return sql;
  const text = sql.text.text;
  const out = new SqlText();
  let hasHoles = sql.hasHoles;
  let placeholders = (text.match(/\$\d+/g) ?? []).length;
  let last = 0;
  const values: Located[] | undefined = bindings.kind === 'array' ? bindings.items : undefined;
  const named = bindings.kind === 'object' ? bindings.props : undefined;
  if (!values && !named) {
    if (bindings.kind === 'unknown') return { reason: `its bindings are known only at run time (${bindings.reason})` };
    return sql;
  }
  let next = 0;
  const pattern = named ? /\\?(?::(\w+):(?=::)|:(\w+):(?!:)|:(\w+))/g : /\\\?|\?\??/g;
  for (const m of text.matchAll(pattern)) {
    const at = m.index;
    out.append(sql.text.slice(last, at));
    last = at + m[0].length;
    const end = last;
    const emit = (piece: string): void => void out.append(remapped(sql.text, at, end, piece));
    if (m[0].startsWith('\\')) {
      emit(m[0].slice(1));
      continue;
    }
    const identifier = named ? m[1] !== undefined || m[2] !== undefined : m[0] === '??';
    const item = named ? named.get(m[1] ?? m[2] ?? m[3]!) : values![next++];
    const value = item ? evaluate(item.expr, item.scope) : undefined;
    if (identifier) {
      if (value?.kind !== 'string') return { reason: `the identifier bound to \`${m[0]}\` is known only at run time` };
      emit(value.value.split('.').map(ident).join('.'));
    } else {
      const v = value && valueSql(value);
      if (v === undefined) {
        hasHoles = true;
        emit(`$${++placeholders}`);
      } else emit(v);
    }
  }
  out.append(sql.text.slice(last, text.length));
  return { text: out, hasHoles };
}

function remapped(text: SqlText, start: number, end: number, piece: string): SqlText {
  return new SqlText().appendAt(piece, text.fileOffset(start), text.fileEnd(end));
}

/** A call whose first argument is the SQL, sent as written (`queryRunner.query('…')`, `this.addSql('…')`). */
export function emitFirstArgumentSql(link: Link, emit: Emitter, source: ScriptSource): void {
  const sqlArg = link.args?.[0];
  if (!sqlArg) return;
  const built = rawSqlOf(sqlArg, link.scope, source);
  if (!built.ok) return emit.unanalysed(sqlArg, built.reason);
  emit.raw(built.sql.text, link.node, built.sql.hasHoles);
}
