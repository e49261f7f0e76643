/**
 * The contract of one ORM / query-library module in `src/code/extractors/`. The scanner parses each
 * TS/JS file once (`ts.createSourceFile`) and hands it to every extractor whose `wants()` accepts the text.
 */
import type { ts } from 'ts-morph';
import { isScriptPath } from './files.js';
import type { CodeContext } from './reference.js';
import type { FieldDeclaration, FileFacts, ImportBinding, ModelDeclaration, OrmName } from './facts.js';

export interface ExtractInput {
  /** Repository-relative path. */
  path: string;
  text: string;
  context: CodeContext;
  /** Parsed TS/JS tree (syntax only); absent for non-script files such as `schema.prisma`. */
  sourceFile?: ts.SourceFile;
  /** Import bindings of the file, computed once. */
  imports: ImportBinding[];
}

export interface Extractor {
  name: string;
  /** File kinds it reads besides TS/JS sources, by extension (`.prisma`). */
  extraExtensions?: string[];
  /** Cheap text test (imports, tags, file name) deciding whether `extract` is worth calling. */
  wants(text: string, path: string): boolean;
  /** Adds what the file says to `facts`. Must not throw on odd code: record a diagnostic instead. */
  extract(input: ExtractInput, facts: FileFacts): void;
  /** For ORM extractors that declare models: how unnamed tables and columns get their names. */
  naming?: Naming;
}

/** Options of one ORM from config (`orm: { typeorm: { namingStrategy: 'snake' } }`), passed to its naming functions. */
export type OrmOptions = Readonly<Record<string, unknown>>;

/**
 * How an ORM derives database names from code names when the code does not give them. Applied after the
 * cache (in `link`), so that a config change never invalidates cached facts.
 */
/** Option the linker sets on a model some file names as a many-to-many join model (Sequelize `through`). */
export const JOIN_MODEL = 'joinModel';

export interface Naming {
  orm: OrmName;
  table(model: ModelDeclaration, options: OrmOptions): string;
  column(field: FieldDeclaration, model: ModelDeclaration, options: OrmOptions): string;
  /** How code names a model in a usage `{ modelName }` (Prisma: delegate `user` for model `User`). */
  matchesModelName?(model: ModelDeclaration, usedName: string): boolean;
  /** Columns the ORM adds to a model from options that project-wide defaults may set (Sequelize `timestamps`, `paranoid`). */
  impliedFields?(model: ModelDeclaration, options: OrmOptions): FieldDeclaration[];
}

/** Whether some extractor wants this file (its kind of file, and its `wants()` test; a throwing test is a no). */
export function wantedByAny(extractors: readonly Extractor[], path: string, text: string): boolean {
  const script = isScriptPath(path);
  return extractors.some((e) => {
    if (!script && !e.extraExtensions?.some((ext) => path.endsWith(ext))) return false;
    try {
      return e.wants(text, path);
    } catch {
      return false;
    }
  });
}

/** The same extractor, accepting every file (for files that name a known table); its prototype keeps the methods and `this`. */
export function forceWanted(extractor: Extractor): Extractor {
  return Object.assign(Object.create(extractor) as Extractor, { wants: () => true });
}
