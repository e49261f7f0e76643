/**
 * The plugin's ESLint rules. On application code: `no-dropped-column`, `no-dropped-table`,
 * `no-unknown-column`. On `.sql` migrations (the `rollsafe/sql` language): one ESLint rule per engine rule,
 * under the engine's id, plus `valid-migration`. Each rule only reports what the shared analysis of the
 * file found (computed once per file, whichever rule asks first).
 */
import type { Rule } from 'eslint';
import type { SourceLocation } from '../location.js';
import { SourceText } from '../text.js';
import type { Rule as EngineRule } from '../engine/types.js';
import { DOCS_URL } from '../links.js';
import { rules as engineRules } from '../../rules/index.js';
import { analyzeCode, type CodeAnalysis, type CodeProblem, type CodeRuleName } from './code-analysis.js';
import type { PluginSettings } from './gather.js';
import { ProjectError, projectFor } from './project.js';
import { analyzeMigration, VALID_MIGRATION, type SqlAnalysis } from './sql-analysis.js';
import { SqlSourceCode } from './sql-language.js';

const codeAnalyses = new WeakMap<object, CodeAnalysis>();
const sqlAnalyses = new WeakMap<object, SqlAnalysis>();

/** The rule that reports a project that cannot be indexed, once per file (the others stay quiet). */
const REPORTS_PROJECT_ERRORS: CodeRuleName = 'no-dropped-column';

function settingsOf(context: Rule.RuleContext): PluginSettings {
  const raw = (context.settings as Record<string, unknown> | undefined)?.rollsafe;
  if (typeof raw !== 'object' || raw === null) return {};
  const out: PluginSettings = {};
  for (const key of ['root', 'base', 'config'] as const) {
    const value = (raw as Record<string, unknown>)[key];
    if (typeof value === 'string' && value !== '') out[key] = value;
  }
  return out;
}

/** A file of its own on disk (not a block a processor cut out of a Markdown file, not stdin). */
function lintedFile(context: Rule.RuleContext): string | null {
  const file = context.filename;
  if (!file || file !== context.physicalFilename || file.startsWith('<')) return null;
  return file;
}

function codeAnalysis(context: Rule.RuleContext): CodeAnalysis {
  const sourceCode = context.sourceCode;
  let analysis = codeAnalyses.get(sourceCode);
  if (!analysis) {
    const file = lintedFile(context);
    analysis = file ? guarded(() => analyzeCode(projectFor(file, context.cwd, settingsOf(context)), file, sourceCode.text)) : { problems: [] };
    codeAnalyses.set(sourceCode, analysis);
  }
  return analysis;
}

function sqlAnalysis(context: Rule.RuleContext, sourceCode: SqlSourceCode): SqlAnalysis {
  let analysis = sqlAnalyses.get(sourceCode);
  if (!analysis) {
    const file = lintedFile(context);
    analysis = file ? guarded(() => analyzeMigration(projectFor(file, context.cwd, settingsOf(context)), file, sourceCode.text)) : { problems: [] };
    sqlAnalyses.set(sourceCode, analysis);
  }
  return analysis;
}

/** Bad input, a broken config or a rollsafe bug never stops ESLint: it becomes one report on the file. */
function guarded<A extends { problems: unknown[]; error?: ProjectError }>(analyze: () => A): A | { problems: []; error: ProjectError } {
  try {
    return analyze();
  } catch (error) {
    return { problems: [], error: ProjectError.from(error) };
  }
}

function projectErrorMessage(error: ProjectError): string {
  const what = error.internal ? 'rollsafe stopped on this file' : 'rollsafe could not index this project';
  return `${what}: ${error.message}${error.hint ? ` (${error.hint})` : ''}`;
}

/** ESLint's JavaScript locations: 1-based lines, 0-based columns. */
function jsLoc(location: SourceLocation): { start: { line: number; column: number }; end: { line: number; column: number } } {
  return {
    start: { line: location.line, column: location.column - 1 },
    end: { line: location.endLine, column: Math.max(location.column, location.endColumn) - 1 },
  };
}

/** Replace the old name with the new one when the reference's text is exactly that name (quotes kept). */
function renameSuggestion(text: string, problem: CodeProblem): Rule.SuggestionReportDescriptor[] {
  const rename = problem.rename;
  if (!rename) return [];
  const source = new SourceText(text);
  const start = source.offsetOf(problem.location.line, problem.location.column);
  const end = source.offsetOf(problem.location.endLine, problem.location.endColumn);
  const written = text.slice(start, end);
  const quote = /^(["'`])(.*)\1$/s.exec(written);
  const name = quote ? quote[2]! : written;
  if (name !== rename.from) return [];
  const replacement = quote ? `${quote[1]}${rename.to}${quote[1]}` : rename.to;
  return [{ desc: `Use the new name "${rename.to}".`, fix: (fixer) => fixer.replaceTextRange([start, end], replacement) }];
}

function codeRule(name: CodeRuleName, description: string, suggests: boolean): Rule.RuleModule {
  return {
    meta: {
      type: 'problem',
      docs: { description, recommended: true, url: `${DOCS_URL}eslint.md#${name}` },
      ...(suggests ? { hasSuggestions: true } : {}),
      schema: [],
    },
    create(context) {
      return {
        Program() {
          const analysis = codeAnalysis(context);
          if (analysis.error && name === REPORTS_PROJECT_ERRORS) {
            context.report({ loc: { line: 1, column: 0 }, message: projectErrorMessage(analysis.error) });
          }
          for (const problem of analysis.problems) {
            if (problem.rule !== name) continue;
            const suggest = renameSuggestion(context.sourceCode.text, problem);
            context.report({ loc: jsLoc(problem.location), message: problem.message, ...(suggest.length > 0 ? { suggest } : {}) });
          }
        },
      };
    },
  };
}

/** ESLint's locations in the `rollsafe/sql` language: 1-based lines and columns, as rollsafe's own. */
function sqlLoc(location: SourceLocation): { start: { line: number; column: number }; end: { line: number; column: number } } {
  return { start: { line: location.line, column: location.column }, end: { line: location.endLine, column: location.endColumn } };
}

function sqlRule(id: string, meta: Rule.RuleMetaData): Rule.RuleModule {
  return {
    meta,
    create(context) {
      const sourceCode = context.sourceCode as unknown;
      if (!(sourceCode instanceof SqlSourceCode)) return {};
      return {
        SqlFile() {
          const analysis = sqlAnalysis(context, sourceCode);
          if (analysis.error && id === VALID_MIGRATION) {
            context.report({ loc: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, message: projectErrorMessage(analysis.error) });
          }
          for (const problem of analysis.problems) {
            if (problem.rule === id) context.report({ loc: sqlLoc(problem.location), message: problem.message });
          }
        },
      };
    },
  };
}

function engineRuleMeta(rule: EngineRule): Rule.RuleMetaData {
  return {
    type: rule.family === 'type-choice' || rule.family === 'meta' ? 'suggestion' : 'problem',
    docs: { description: rule.summary, recommended: true, url: rule.url },
    schema: [],
  };
}

export const codeRules: Record<CodeRuleName, Rule.RuleModule> = {
  'no-dropped-column': codeRule('no-dropped-column', 'Code uses a column that a pending migration drops or renames.', true),
  'no-dropped-table': codeRule('no-dropped-table', 'Code uses a table that a pending migration drops or renames.', true),
  'no-unknown-column': codeRule('no-unknown-column', 'Code uses a column or table that the schema the migrations build does not have.', false),
};

export const migrationRules: Record<string, Rule.RuleModule> = {
  [VALID_MIGRATION]: sqlRule(VALID_MIGRATION, {
    type: 'problem',
    docs: {
      description: 'A new migration must parse and fit the schema the earlier migrations build.',
      recommended: true,
      url: `${DOCS_URL}eslint.md#valid-migration`,
    },
    schema: [],
  }),
  ...Object.fromEntries(engineRules.map((rule) => [rule.id, sqlRule(rule.id, engineRuleMeta(rule))])),
};

/** ESLint severities of the migration rules: the engine's own (ESLint has no `info`). */
export function migrationRuleSeverities(): Record<string, 'error' | 'warn'> {
  const out: Record<string, 'error' | 'warn'> = { [`rollsafe/${VALID_MIGRATION}`]: 'error' };
  for (const rule of engineRules) out[`rollsafe/${rule.id}`] = rule.severity === 'error' ? 'error' : 'warn';
  return out;
}
