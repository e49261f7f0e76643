/**
 * FileFacts of a whole code source → References in database names. Here model usages are resolved to their
 * declarations across files (through imports, else by a unique model name) and the ORMs' naming
 * strategies are applied with the configured options.
 */
import { posix } from 'node:path';
import { JOIN_MODEL, type Extractor, type Naming, type OrmOptions } from './extractor.js';
import type { FieldDeclaration, FileFacts, ImportBinding, ModelDeclaration, ModelUsage, OrmName } from './facts.js';
import type { Reference } from './reference.js';
import { IMPORTED_CONSTANT, parseColumn, parseImportedConstant, parseTable } from './names.js';

export type OrmConfig = Partial<Record<OrmName, OrmOptions>>;

interface ModelEntry {
  model: ModelDeclaration;
  file: FileFacts;
  table: string;
  /** The model's fields plus those its ORM implies from options (Naming.impliedFields). */
  fields: FieldDeclaration[];
  columns: Map<string, string>;
}

const RESOLVE_SUFFIXES = ['', '.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '/index.ts', '/index.js', '/index.tsx'];

export function linkFacts(files: readonly FileFacts[], extractors: readonly Extractor[], orm: OrmConfig = {}): Reference[] {
  const namings = new Map<OrmName, Naming>();
  for (const e of extractors) if (e.naming) namings.set(e.naming.orm, e.naming);

  const optionsOf = ormOptions(files, orm);
  const joinModels = new Set(files.flatMap((f) => f.throughModels ?? []));
  const entries: ModelEntry[] = [];
  const byFile = new Map<string, ModelEntry[]>();
  for (const file of files) {
    for (const model of file.models) {
      const naming = namings.get(model.orm);
      const join = model.orm === 'sequelize' && (joinModels.has(model.name) || (model.exportedAs ?? []).some((n) => joinModels.has(n)));
      const options = join ? { ...optionsOf(model.orm), [JOIN_MODEL]: true } : optionsOf(model.orm);
      const table = model.table ?? naming?.table(model, options) ?? model.name;
      const fields = [...model.fields, ...(naming?.impliedFields?.(model, options) ?? [])];
      const entry = { model, file, table, fields, columns: new Map<string, string>() };
      entries.push(entry);
      let list = byFile.get(file.path);
      if (!list) byFile.set(file.path, (list = []));
      list.push(entry);
    }
  }
  for (const entry of entries) {
    entry.fields = [...inheritedFields(entry, entries, byFile, new Set()), ...entry.fields];
    const naming = namings.get(entry.model.orm);
    for (const field of entry.fields) entry.columns.set(field.name, columnName(field, entry.model, naming, optionsOf(entry.model.orm)));
  }

  const references: Reference[] = [];
  const constants = new ImportedConstants(files);
  for (const file of files) {
    references.push(...constants.resolve(file, file.references));
  }
  references.push(...conditionalReferences(files, constants));
  for (const entry of entries) if (!entry.model.abstract) references.push(...declarationReferences(entry));
  for (const file of files) {
    for (const usage of file.usages) {
      const resolved = resolveUsage(usage, file, entries, byFile, namings);
      if (resolved) references.push(...usageReferences(usage, file, resolved.entry, resolved.byName));
    }
  }
  return references;
}

/** Options per ORM: project-wide defaults found in code (FileFacts.ormDefaults), then configured options over them. */
function ormOptions(files: readonly FileFacts[], orm: OrmConfig): (name: OrmName) => OrmOptions {
  const found = new Map<OrmName, Record<string, unknown>>();
  for (const file of files) {
    for (const [name, options] of Object.entries(file.ormDefaults ?? {}) as [OrmName, Record<string, unknown>][]) {
      found.set(name, { ...found.get(name), ...options });
    }
  }
  return (name) => ({ ...found.get(name), ...orm[name] });
}

/**
 * References made through an imported name count when that import is an instance of their library; those of a
 * chain with the library's shape (`otherwise: 'dependency'`) also when the file's package depends on the library.
 */
function conditionalReferences(files: readonly FileFacts[], constants: ImportedConstants): Reference[] {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const depends = dependencyIndex(files);
  const refs: Reference[] = [];
  for (const file of files) {
    for (const group of file.conditionalReferences ?? []) {
      const binding = group.symbol === '' ? undefined : file.imports.find((b) => b.local === group.symbol);
      if (binding && importsInstance(file, binding, group.library, files, byPath)) refs.push(...constants.resolve(file, group.asInstance ?? group.references));
      else if (group.otherwise === 'keep') refs.push(...constants.resolve(file, group.references));
      else if (group.otherwise === 'dependency' && depends(file.path, group.library)) {
        const via = `${group.library} query by its method names and arguments, on a receiver not traced to a ${group.library} instance (the package depends on ${group.library})`;
        refs.push(...constants.resolve(file, group.references).map((r) => ({ ...r, via: r.via ?? via })));
      }
    }
  }
  return refs;
}

/** Whether the package a file belongs to (its nearest package.json), or the workspace root, depends on a library. */
function dependencyIndex(files: readonly FileFacts[]): (path: string, library: string) => boolean {
  const manifests = new Map<string, ReadonlySet<string>>();
  for (const f of files) if (f.dependencies) manifests.set(posix.dirname(f.path), new Set(f.dependencies));
  return (path, library) => {
    if (manifests.get('.')?.has(library)) return true;
    for (let dir = posix.dirname(path); ; dir = posix.dirname(dir)) {
      const found = manifests.get(dir);
      if (found) return found.has(library);
      if (dir === '.' || dir === '/' || dir === '') return false;
    }
  };
}

/**
 * Imported constants in references (`import { TABLE } from './tables'; db(TABLE)`): the extractor left a
 * placeholder (extractors/constants.ts); here it becomes the value the imported file exports
 * (FileFacts.constants), an array becoming one reference per element. A placeholder that names no exported
 * constant drops its reference: the import was something else (a Drizzle table object, a function).
 */
class ImportedConstants {
  private readonly byPath: ReadonlyMap<string, FileFacts>;

  constructor(private readonly files: readonly FileFacts[]) {
    this.byPath = new Map(files.map((f) => [f.path, f]));
  }

  resolve(file: FileFacts, refs: readonly Reference[]): Reference[] {
    if (!refs.some((r) => hasPlaceholder(r))) return refs as Reference[];
    const out: Reference[] = [];
    for (const ref of refs) {
      if (!hasPlaceholder(ref)) {
        out.push(ref);
        continue;
      }
      let table: { table: string; schema?: string } | undefined = { table: ref.table, ...(ref.schema !== undefined ? { schema: ref.schema } : {}) };
      if (parseImportedConstant(ref.table)) {
        const value = this.value(file, ref.table);
        const parsed = typeof value === 'string' ? parseTable(value) : undefined;
        table = parsed ? { table: parsed.table, ...(parsed.schema !== undefined ? { schema: parsed.schema } : {}) } : undefined;
      }
      if (!table) continue;
      let insertColumns = ref.insertColumns;
      if (insertColumns?.some((c) => parseImportedConstant(c))) {
        const expanded: string[] = [];
        let known = true;
        for (const c of insertColumns) {
          const values = parseImportedConstant(c) ? this.columns(file, c) : [c];
          if (values === undefined) known = false;
          else expanded.push(...values);
        }
        insertColumns = known ? expanded : undefined;
      }
      const base: Reference = { ...ref, table: table.table };
      if (table.schema !== undefined) base.schema = table.schema;
      else delete base.schema;
      if (insertColumns) base.insertColumns = insertColumns;
      else delete base.insertColumns;
      if (ref.insertColumns && !insertColumns) base.implicit = true;
      if (ref.column === undefined || !parseImportedConstant(ref.column)) {
        out.push(base);
        continue;
      }
      for (const column of this.columns(file, ref.column) ?? []) out.push({ ...base, column });
    }
    return out;
  }

  /** The column names a placeholder stands for (`'u.email as mail'` → `email`). */
  private columns(file: FileFacts, placeholder: string): string[] | undefined {
    const value = this.value(file, placeholder);
    if (value === undefined || typeof value === 'object' && !Array.isArray(value)) return undefined;
    const out: string[] = [];
    for (const text of typeof value === 'string' ? [value] : value) {
      const parsed = parseColumn(text);
      if (parsed && parsed.column !== '*') out.push(parsed.column);
    }
    return out;
  }

  private value(file: FileFacts, placeholder: string): string | string[] | undefined {
    const parsed = parseImportedConstant(placeholder);
    if (!parsed) return undefined;
    const binding = file.imports.find((b) => b.local === parsed.local);
    if (!binding) return undefined;
    // `import * as T` / `const T = require(…)`: `T.USERS` names the export USERS; `import { TABLES }`: `TABLES.users` a key of it.
    const [name, key] = binding.imported === '*' ? [parsed.key, undefined] : [binding.imported, parsed.key];
    if (name === undefined || name === 'default') return undefined;
    const pick = (target: FileFacts): string | string[] | undefined => {
      const exported = target.constants && Object.prototype.hasOwnProperty.call(target.constants, name) ? target.constants[name] : undefined;
      if (exported === undefined) return undefined;
      if (key === undefined) return typeof exported === 'string' || Array.isArray(exported) ? exported : undefined;
      if (typeof exported === 'string' || Array.isArray(exported)) return undefined;
      return Object.prototype.hasOwnProperty.call(exported, key) ? exported[key] : undefined;
    };
    if (binding.from.startsWith('.')) {
      const base = posix.normalize(posix.join(posix.dirname(file.path), binding.from)).replace(/\.(m|c)?js$/, '');
      for (const suffix of RESOLVE_SUFFIXES) {
        const target = this.byPath.get(base + suffix);
        if (target) return pick(target);
      }
      return undefined;
    }
    // Path aliases, workspace packages: one value, whichever files export that name.
    const values = new Set(this.files.map(pick).filter((v) => v !== undefined).map((v) => JSON.stringify(v)));
    return values.size === 1 ? (JSON.parse([...values][0]!) as string | string[]) : undefined;
  }
}

function hasPlaceholder(ref: Reference): boolean {
  return ref.table.startsWith(IMPORTED_CONSTANT) || (ref.column?.startsWith(IMPORTED_CONSTANT) ?? false) || (ref.insertColumns?.some((c) => c.startsWith(IMPORTED_CONSTANT)) ?? false);
}

function importsInstance(file: FileFacts, binding: ImportBinding, library: string, files: readonly FileFacts[], byPath: ReadonlyMap<string, FileFacts>): boolean {
  const exports = (target: FileFacts): boolean =>
    target.instanceExports?.some((e) => e.library === library && e.exportedAs.includes(binding.imported)) ?? false;
  if (binding.from.startsWith('.')) {
    const base = posix.normalize(posix.join(posix.dirname(file.path), binding.from)).replace(/\.(m|c)?js$/, '');
    for (const suffix of RESOLVE_SUFFIXES) {
      const target = byPath.get(base + suffix);
      if (target) return exports(target);
    }
  }
  // Path aliases, workspace packages, files not scanned: a named export of an instance anywhere in the project.
  return binding.imported !== 'default' && binding.imported !== '*' && files.some(exports);
}

/** Fields declared by the classes a model extends, nearest last (a redeclared field stays the model's own). */
function inheritedFields(entry: ModelEntry, entries: readonly ModelEntry[], byFile: ReadonlyMap<string, ModelEntry[]>, seen: Set<ModelEntry>): FieldDeclaration[] {
  const symbol = entry.model.extends;
  if (symbol === undefined || seen.has(entry)) return [];
  seen.add(entry);
  const sameOrm = entries.filter((e) => e.model.orm === entry.model.orm && e !== entry);
  const base = resolveSymbol(symbol, entry.file, sameOrm, byFile)?.entry;
  if (!base) return [];
  const own = new Set(entry.model.fields.map((f) => f.name));
  return [...inheritedFields(base, entries, byFile, seen), ...base.model.fields].filter((f) => !own.has(f.name));
}

function columnName(field: FieldDeclaration, model: ModelDeclaration, naming: Naming | undefined, options: OrmOptions): string {
  return field.column ?? naming?.column(field, model, options) ?? field.name;
}

/** A declared field is a reference: the ORM selects it on every read of the model (implicit). */
function declarationReferences(entry: ModelEntry): Reference[] {
  const { model, file } = entry;
  const refs: Reference[] = [];
  for (const field of entry.fields) {
    if (field.virtual) continue;
    refs.push({
      table: entry.table,
      ...(model.schema ? { schema: model.schema } : {}),
      column: entry.columns.get(field.name)!,
      // A field the ORM does not select may still be written by every create (TypeORM `select: false`).
      kind: field.selected ? 'model' : field.written ? 'write' : 'declare',
      confidence: 'certain',
      implicit: true,
      context: file.context,
      location: field.location,
      extractor: model.orm,
      snippet: field.snippet,
      via: `${model.name}.${field.name} (${model.orm} ${field.selected ? 'field' : 'field, not selected by default'})`,
    });
  }
  return refs;
}

function resolveUsage(
  usage: ModelUsage,
  file: FileFacts,
  entries: readonly ModelEntry[],
  byFile: ReadonlyMap<string, ModelEntry[]>,
  namings: ReadonlyMap<OrmName, Naming>,
): { entry: ModelEntry; byName: boolean } | undefined {
  const sameOrm = entries.filter((e) => e.model.orm === usage.orm && !e.model.abstract);
  if ('modelName' in usage.model) {
    const name = usage.model.modelName;
    const naming = namings.get(usage.orm);
    const found = sameOrm.filter((e) => (naming?.matchesModelName ? naming.matchesModelName(e.model, name) : e.model.name === name));
    return found.length === 1 ? { entry: found[0]!, byName: false } : undefined;
  }
  return resolveSymbol(usage.model.symbol, file, sameOrm, byFile);
}

/** One of `candidates` named by a local identifier of `file`: declared there, imported from a relative module, else unique by name. */
function resolveSymbol(
  symbol: string,
  file: FileFacts,
  candidates: readonly ModelEntry[],
  byFile: ReadonlyMap<string, ModelEntry[]>,
): { entry: ModelEntry; byName: boolean } | undefined {
  const sameOrm = candidates;
  const allowed = new Set(candidates);
  // Declared in this file.
  const local = (byFile.get(file.path) ?? []).find((e) => allowed.has(e) && (e.model.name === symbol || e.model.exportedAs?.includes(symbol)));
  if (local) return { entry: local, byName: false };
  // Imported from a relative module.
  const binding = file.imports.find((b) => b.local === symbol);
  if (binding && binding.from.startsWith('.')) {
    const base = posix.normalize(posix.join(posix.dirname(file.path), binding.from)).replace(/\.(m|c)?js$/, '');
    for (const suffix of RESOLVE_SUFFIXES) {
      const target = byFile.get(base + suffix);
      if (!target) continue;
      const wanted = binding.imported === 'default' ? 'default' : binding.imported;
      const hit = target.find((e) => allowed.has(e) && (e.model.exportedAs?.includes(wanted) || e.model.name === wanted));
      if (hit) return { entry: hit, byName: false };
    }
  }
  // Path aliases and re-exports are not followed: fall back to a model whose name is unique in the project.
  const name = binding && binding.imported !== 'default' && binding.imported !== '*' ? binding.imported : symbol;
  const found = sameOrm.filter((e) => e.model.name === name || e.model.exportedAs?.includes(name));
  return found.length === 1 ? { entry: found[0]!, byName: true } : undefined;
}

function usageReferences(usage: ModelUsage, file: FileFacts, entry: ModelEntry, byName: boolean): Reference[] {
  const confidence = byName && usage.confidence === 'certain' ? 'likely' : usage.confidence;
  const base = {
    table: entry.table,
    ...(entry.model.schema ? { schema: entry.model.schema } : {}),
    context: file.context,
    extractor: usage.orm,
    confidence,
  } as const;
  const refs: Reference[] = [];
  for (const field of usage.fields) {
    const column = entry.columns.get(field.name);
    if (column === undefined) continue;
    const declared = entry.fields.find((f) => f.name === field.name);
    if (declared?.virtual) continue;
    refs.push({
      ...base,
      column,
      kind: field.kind,
      implicit: false,
      location: field.location,
      snippet: field.snippet,
      ...(column !== field.name ? { via: `${entry.model.name}.${field.name}` } : {}),
    });
  }
  if (usage.effect === 'insert') {
    const byDefault = entry.fields.filter((f) => f.written && !f.virtual).map((f) => f.name);
    const given = usage.insertFields ? [...usage.insertFields, ...(usage.insertIncludesDefaults ? byDefault : [])] : byDefault;
    const columnFields = given.filter((name) => !entry.fields.find((f) => f.name === name)?.virtual);
    const written = [...new Set(columnFields.map((f) => entry.columns.get(f)).filter((c): c is string => c !== undefined))];
    refs.push({ ...base, kind: 'insert', insertColumns: written, implicit: true, location: usage.location, snippet: usage.snippet, via: `${entry.model.name} (${usage.orm} create)` });
  } else if (usage.effect === 'delete') {
    refs.push({ ...base, kind: 'delete', implicit: false, location: usage.location, snippet: usage.snippet });
  }
  return refs;
}
