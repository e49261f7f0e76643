/**
 * An ESLint language (the 9.7+ language API) for PostgreSQL migration files, so that rollsafe's migration
 * rules show up as diagnostics in `.sql` files. The tree is shallow (the file, its statements, its
 * comments): the rules ask the engine, not the tree. `eslint-disable` comments work natively through
 * `getDisableDirectives`, written as SQL comments (`-- eslint-disable-next-line rollsafe/<rule> -- why`).
 */
import { parseSqlFile, type SqlFile } from '../sql/statements.js';
import { SourceText } from '../text.js';

/** ESLint's location of a node in this language: 1-based lines and columns. */
export interface SqlPosition {
  line: number;
  column: number;
}

export interface SqlNodeLocation {
  start: SqlPosition;
  end: SqlPosition;
}

interface SqlNodeBase {
  /** String offsets in the file: [start, end). */
  range: [number, number];
  loc: SqlNodeLocation;
}

export interface SqlStatementNode extends SqlNodeBase {
  type: 'Statement';
  /** libpg-query node type, e.g. `AlterTableStmt`; `Invalid` for a statement Postgres cannot parse. */
  statementType: string;
}

export interface SqlCommentNode extends SqlNodeBase {
  type: 'Comment';
  /** The comment without its markers (`--`, `/*`, `*\/`). */
  value: string;
  block: boolean;
}

export interface SqlRootNode extends SqlNodeBase {
  type: 'SqlFile';
  statements: SqlStatementNode[];
  comments: SqlCommentNode[];
}

export type SqlNode = SqlRootNode | SqlStatementNode | SqlCommentNode;

const VISITOR_KEYS: Record<string, string[]> = { SqlFile: ['statements', 'comments'], Statement: [], Comment: [] };

/** Files this large are not parsed (dumps, seeds); no migration is written by hand at that size. */
const MAX_PARSED_CHARS = 5 * 1024 * 1024;

interface LanguageFile {
  path: string;
  physicalPath?: string;
  body: string | Uint8Array;
  bom?: boolean;
}

type DirectiveType = 'disable' | 'enable' | 'disable-line' | 'disable-next-line';

interface Directive {
  type: DirectiveType;
  node: SqlCommentNode;
  value: string;
  justification: string;
}

interface FileProblem {
  ruleId: null;
  message: string;
  loc: SqlNodeLocation;
}

interface VisitStep {
  kind: 1;
  target: SqlNode;
  phase: 1 | 2;
  args: [SqlNode, SqlNode | undefined];
}

export class SqlSourceCode {
  readonly text: string;
  readonly ast: SqlRootNode;
  readonly visitorKeys = VISITOR_KEYS;
  readonly hasBOM: boolean;
  /** The parsed file (statements with exact locations, comments), for rules that want more than the tree. */
  readonly file: SqlFile | undefined;
  private readonly source: SourceText;
  private lineCache: string[] | undefined;

  constructor(options: { text: string; ast: SqlRootNode; file: SqlFile | undefined; hasBOM: boolean }) {
    this.text = options.text;
    this.ast = options.ast;
    this.file = options.file;
    this.hasBOM = options.hasBOM;
    this.source = options.file?.source ?? new SourceText(options.text);
  }

  get lines(): string[] {
    this.lineCache ??= this.text.split(/\r?\n/);
    return this.lineCache;
  }

  getLoc(node: SqlNode): SqlNodeLocation {
    return node.loc;
  }

  getRange(node: SqlNode): [number, number] {
    return node.range;
  }

  getText(node?: SqlNode, before = 0, after = 0): string {
    if (!node) return this.text;
    return this.text.slice(Math.max(0, node.range[0] - before), node.range[1] + after);
  }

  getLocFromIndex(index: number): SqlPosition {
    return this.source.position(index);
  }

  getIndexFromLoc(loc: SqlPosition): number {
    return this.source.offsetOf(loc.line, loc.column);
  }

  getAllComments(): SqlCommentNode[] {
    return this.ast.comments;
  }

  *traverse(): Iterable<VisitStep> {
    const visit = function* (node: SqlNode, parent: SqlNode | undefined): Generator<VisitStep> {
      yield { kind: 1, target: node, phase: 1, args: [node, parent] };
      for (const key of VISITOR_KEYS[node.type] ?? []) {
        const children = (node as unknown as Record<string, SqlNode[]>)[key] ?? [];
        for (const child of children) yield* visit(child, node);
      }
      yield { kind: 1, target: node, phase: 2, args: [node, parent] };
    };
    yield* visit(this.ast, undefined);
  }

  /** `eslint-disable`, `eslint-enable`, `eslint-disable-line`, `eslint-disable-next-line` in SQL comments. */
  getDisableDirectives(): { directives: Directive[]; problems: FileProblem[] } {
    const directives: Directive[] = [];
    const problems: FileProblem[] = [];
    for (const node of this.ast.comments) {
      const match = /^\s*eslint-(disable-next-line|disable-line|disable|enable)(?=\s|$)([\s\S]*)$/.exec(node.value);
      if (!match) continue;
      const type = match[1] as DirectiveType;
      if ((type === 'disable-line' || type === 'disable-next-line') && node.loc.start.line !== node.loc.end.line) {
        problems.push({ ruleId: null, message: `eslint-${type} comment should not span multiple lines.`, loc: node.loc });
        continue;
      }
      const [value, ...justification] = match[2]!.split(/\s-{2,}\s/);
      directives.push({ type, node, value: value!.trim(), justification: justification.join(' -- ').trim() });
    }
    return { directives, problems };
  }
}

export const sqlLanguage = {
  meta: { name: 'rollsafe/sql' },
  fileType: 'text' as const,
  lineStart: 1 as const,
  columnStart: 1 as const,
  nodeTypeKey: 'type',
  visitorKeys: VISITOR_KEYS,
  defaultLanguageOptions: {},

  /**
   * The language has no options of its own, and ignores the ones it does not know, as `@eslint/json` and
   * `@eslint/css` do: a config without `files` (typescript-eslint's `base`, which sets `parser` and
   * `sourceType`) applies its language options to every file, `.sql` included, and throwing on them made
   * ESLint refuse the whole configuration.
   */
  validateLanguageOptions(_options: Record<string, unknown>): void {},

  /** Never fails: a statement Postgres cannot parse is a node of its own, reported by `rollsafe/valid-migration`. */
  parse(file: LanguageFile): { ok: true; ast: SqlRootNode; file: SqlFile | undefined } {
    const text = typeof file.body === 'string' ? file.body : new TextDecoder().decode(file.body);
    let parsed: SqlFile | undefined;
    if (text.length <= MAX_PARSED_CHARS) {
      try {
        parsed = parseSqlFile(file.path, text);
      } catch {
        parsed = undefined; // the parser failing is rollsafe's bug, not the file's: no tree, no findings
      }
    }
    return { ok: true, ast: buildTree(text, parsed), file: parsed };
  },

  createSourceCode(file: LanguageFile, input: { ast: SqlRootNode; file?: SqlFile | undefined }): SqlSourceCode {
    const text = typeof file.body === 'string' ? file.body : new TextDecoder().decode(file.body);
    return new SqlSourceCode({ text, ast: input.ast, file: input.file, hasBOM: file.bom === true });
  },
};

function buildTree(text: string, file: SqlFile | undefined): SqlRootNode {
  const source = file?.source ?? new SourceText(text);
  const loc = (start: number, end: number): SqlNodeLocation => ({ start: source.position(start), end: source.position(end) });
  const statements: SqlStatementNode[] = (file?.statements ?? []).map((s) => ({
    type: 'Statement',
    statementType: s.type,
    range: [s.start, s.end],
    loc: loc(s.start, s.end),
  }));
  let comments: SqlCommentNode[];
  try {
    comments = (file?.comments() ?? []).map((c) => {
      const block = c.text.startsWith('/*');
      const value = block ? c.text.slice(2, c.text.endsWith('*/') ? -2 : undefined) : c.text.replace(/^--/, '').replace(/\r$/, '');
      return { type: 'Comment', value, block, range: [c.start, c.end], loc: loc(c.start, c.end) };
    });
  } catch {
    comments = [];
  }
  return { type: 'SqlFile', statements, comments, range: [0, text.length], loc: loc(0, text.length) };
}
