/**
 * TypeORM: `@Entity` classes are model declarations (columns by decorator; an undecorated property is no column);
 * repositories, entity managers, ActiveRecord statics and query builders are model usages, resolved to the entity
 * in `link`. Query-builder strings `'alias.property'` are property paths read through the alias's entity.
 */
import { ts } from 'ts-morph';
import type { ExtractInput, Extractor } from '../extractor.js';
import type { FieldDeclaration, FileFacts, ModelDeclaration, ModelUsage } from '../facts.js';
import { importsFrom } from '../imports.js';
import { lineSnippet, nodeLocation, offsetLocation } from '../node-location.js';
import type { Confidence, ReferenceKind } from '../reference.js';
import { LibraryDecorators } from './typeorm/decorators.js';
import { typeormNaming } from './typeorm/naming.js';
import {
  Scopes,
  chainHasMethod,
  decomposeChain,
  exportNames,
  isChainEnd,
  isRequireDeclaration,
  isThisMember,
  literalOption,
  objectEntries,
  objectValue,
  stringElements,
  stringValue,
  thisContainer,
  typeReference,
  unwrap,
  type MethodCall,
} from './syntax.js';

const MODULES = ['typeorm', '@nestjs/typeorm'];

const COLUMN_DECORATORS = new Set([
  'Column',
  'PrimaryColumn',
  'PrimaryGeneratedColumn',
  'CreateDateColumn',
  'UpdateDateColumn',
  'DeleteDateColumn',
  'VersionColumn',
  'ViewColumn',
  'ObjectIdColumn',
]);
/** Columns whose value the database (or TypeORM's DEFAULT) provides on insert. */
const GENERATED_ON_INSERT = new Set(['PrimaryGeneratedColumn', 'CreateDateColumn', 'UpdateDateColumn', 'DeleteDateColumn']);
const VIRTUAL_DECORATORS = new Set(['OneToMany', 'ManyToMany', 'RelationId', 'VirtualColumn', 'RelationCount']);

const REPOSITORY_GETTERS = new Set(['getRepository', 'getTreeRepository', 'getMongoRepository']);
const REPOSITORY_TYPES = new Set(['Repository', 'TreeRepository', 'MongoRepository']);

/** Repository / manager / ActiveRecord methods, by what their arguments mean. */
const OPTIONS_METHODS = new Set(['find', 'findOne', 'findOneOrFail', 'findAndCount', 'count', 'exist', 'exists', 'findTrees', 'findRoots']);
const CRITERIA_METHODS = new Set(['findBy', 'findOneBy', 'findOneByOrFail', 'findAndCountBy', 'countBy', 'existsBy', 'softDelete', 'restore']);
const FIND_OPTION_KEYS = new Set(['select', 'where', 'order', 'relations', 'skip', 'take', 'cache', 'lock', 'withDeleted', 'loadRelationIds', 'loadEagerRelations', 'transaction', 'join', 'comment', 'relationLoadStrategy']);
const AGGREGATE_METHODS = new Set(['sum', 'average', 'minimum', 'maximum']);
const INSERT_METHODS = new Set(['save', 'insert', 'upsert']);
const QB_READ_STRING_METHODS = new Set(['select', 'addSelect', 'where', 'andWhere', 'orWhere', 'having', 'andHaving', 'orHaving', 'orderBy', 'addOrderBy', 'groupBy', 'addGroupBy', 'distinctOn']);
const QB_JOINS = /^(left|inner)Join(AndSelect|AndMapOne|AndMapMany)?$/;
const QB_TERMINALS = new Set(['getMany', 'getOne', 'getOneOrFail', 'getManyAndCount', 'stream']);

/** Method names of repositories, managers and query builders; a chain with none of them is not read. */
const TYPEORM_METHODS = new Set([
  ...OPTIONS_METHODS,
  ...CRITERIA_METHODS,
  ...AGGREGATE_METHODS,
  ...INSERT_METHODS,
  ...REPOSITORY_GETTERS,
  ...QB_READ_STRING_METHODS,
  ...QB_TERMINALS,
  ...`update increment decrement delete remove clear createQueryBuilder extend leftJoin innerJoin leftJoinAndSelect innerJoinAndSelect
  leftJoinAndMapOne leftJoinAndMapMany innerJoinAndMapOne innerJoinAndMapMany from into set values orUpdate subQuery insert
  softDelete restore getRawMany getRawOne getCount getExists execute`.split(/\s+/),
]);

type Value =
  | { kind: 'repository'; entity: string }
  | { kind: 'manager' }
  | { kind: 'entity'; entity: string }
  | { kind: 'builder'; builder: Builder };

interface Builder {
  /** Alias → entity symbol; null for an alias whose entity is not known here (a join through a relation). */
  aliases: Map<string, string | null>;
  main?: string;
  mainEntity?: string;
  op: 'select' | 'insert' | 'update' | 'delete';
  narrowed: boolean;
}

interface UsageDraft {
  fields: ModelUsage['fields'];
  effect: ModelUsage['effect'];
  insertFields?: string[];
  node: ts.Node;
}

const WANTS = /typeorm|Repository|getRepository|createQueryBuilder|EntityManager|\.manager\b|\b[A-Z]\w*\s*\.\s*(find|findOne|findBy|findOneBy|save|insert|update|delete|count|countBy|upsert)\s*\(/;

export const typeormExtractor: Extractor = {
  name: 'typeorm',
  wants: (text) => WANTS.test(text),
  extract(input, facts) {
    if (input.sourceFile) new TypeormFile(input, input.sourceFile, facts).run();
  },
  naming: typeormNaming,
};

class TypeormFile {
  private readonly decorators: LibraryDecorators;
  private readonly scopes: Scopes;
  private readonly memo = new Map<ts.Node, Value | undefined>();
  private readonly pending = new Set<ts.Node>();
  /** Parameters of callbacks that receive a value: `new Brackets((qb) => …)`. */
  private readonly parameterValues = new Map<ts.ParameterDeclaration, Value>();
  private readonly importedNames: Set<string>;
  private readonly libraryNames: Set<string>;

  constructor(
    private readonly input: ExtractInput,
    private readonly sourceFile: ts.SourceFile,
    private readonly facts: FileFacts,
  ) {
    this.decorators = new LibraryDecorators(input.imports, MODULES);
    this.scopes = Scopes.of(sourceFile);
    this.importedNames = new Set(input.imports.map((b) => b.local));
    this.libraryNames = new Set(importsFrom(input.imports, MODULES).map((b) => b.local));
  }

  run(): void {
    const exports = exportNames(this.sourceFile);
    const visit = (node: ts.Node): void => {
      if (ts.isClassDeclaration(node) && this.decorators.any) {
        const model = this.entity(node, exports);
        if (model) this.facts.models.push(model);
      }
      if (ts.isCallExpression(node) && isChainEnd(node)) this.chainEnd(node);
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
  }

  // ── declarations ────────────────────────────────────────────────────────────

  /** An `@Entity` class, or a base class whose decorated columns entities inherit (`abstract: true`). */
  private entity(node: ts.ClassDeclaration, exports: Map<string, string[]>): ModelDeclaration | undefined {
    if (!node.name) return undefined;
    const decorator = this.decorators.on(node).find((d) => d.name === 'Entity' || d.name === 'ViewEntity');
    const abstract = !decorator;
    if (abstract && !node.members.some((m) => ts.isPropertyDeclaration(m) && this.decorators.on(m).length > 0)) return undefined;
    const [first, second] = decorator?.args ?? [];
    const options = first && ts.isObjectLiteralExpression(unwrap(first)) ? unwrap(first) : second;
    const table = stringValue(first) ?? stringValue(objectValue(options, 'name'));
    const schema = stringValue(objectValue(options, 'schema'));
    const fields: FieldDeclaration[] = [];
    for (const member of node.members) {
      if (!ts.isPropertyDeclaration(member)) continue;
      const field = this.field(member);
      if (field) fields.push(field);
    }
    if (abstract && fields.length === 0) return undefined;
    const name = node.name.text;
    const location = nodeLocation(this.input.path, this.sourceFile, node.name);
    const base = node.heritageClauses?.find((c) => c.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    // TypeORM's own `BaseEntity` (ActiveRecord) declares no columns.
    const extendsName = base && ts.isIdentifier(base) && !this.libraryNames.has(base.text) ? base.text : undefined;
    return {
      orm: 'typeorm',
      name,
      ...(abstract ? { abstract } : {}),
      ...(extendsName !== undefined ? { extends: extendsName } : {}),
      ...(table !== undefined ? { table } : {}),
      ...(schema !== undefined ? { schema } : {}),
      fields,
      ...(exports.has(name) ? { exportedAs: exports.get(name)! } : {}),
      location,
      snippet: lineSnippet(this.input.text, location.line),
    };
  }

  private field(member: ts.PropertyDeclaration): FieldDeclaration | undefined {
    const name = ts.isIdentifier(member.name) || ts.isStringLiteral(member.name) ? member.name.text : undefined;
    if (name === undefined) return undefined;
    const decorators = this.decorators.on(member);
    const location = nodeLocation(this.input.path, this.sourceFile, member.name);
    const base = { name, location, snippet: lineSnippet(this.input.text, location.line) };

    const column = decorators.find((d) => COLUMN_DECORATORS.has(d.name));
    if (column) {
      const [first, second] = column.args;
      if (first && (ts.isArrowFunction(first) || ts.isFunctionExpression(first))) {
        // Embedded entity: its columns (prefixed) live in another class.
        return { ...base, selected: false, written: false, virtual: true };
      }
      const options = first && ts.isObjectLiteralExpression(unwrap(first)) ? unwrap(first) : second;
      const columnName = stringValue(objectValue(options, 'name'));
      const generated = GENERATED_ON_INSERT.has(column.name) || objectValue(options, 'generatedType') !== undefined;
      return {
        ...base,
        ...(columnName !== undefined ? { column: columnName } : {}),
        selected: literalOption(objectValue(options, 'select')) !== false,
        written: !generated && literalOption(objectValue(options, 'insert')) !== false,
      };
    }

    const relation = decorators.find((d) => d.name === 'ManyToOne' || d.name === 'OneToOne');
    if (relation) {
      const join = decorators.find((d) => d.name === 'JoinColumn');
      if (relation.name === 'OneToOne' && !join) return { ...base, selected: false, written: false, virtual: true };
      let joinOptions = join?.args[0] ? unwrap(join.args[0]) : undefined;
      if (joinOptions && ts.isArrayLiteralExpression(joinOptions)) joinOptions = joinOptions.elements[0];
      const columnName = stringValue(objectValue(joinOptions, 'name'));
      const referenced = stringValue(objectValue(joinOptions, 'referencedColumnName')) ?? 'id';
      return {
        ...base,
        ...(columnName !== undefined ? { column: columnName } : { joinColumn: { referencedColumn: referenced } }),
        selected: true,
        written: true,
      };
    }

    if (decorators.some((d) => VIRTUAL_DECORATORS.has(d.name))) return { ...base, selected: false, written: false, virtual: true };
    // An undecorated property (or one with only validation / serialization decorators) is no column.
    return undefined;
  }

  // ── what an expression is ───────────────────────────────────────────────────

  private resolve(node: ts.Expression): Value | undefined {
    const e = unwrap(node);
    if (ts.isIdentifier(e)) return this.identifier(e);
    if (e.kind === ts.SyntaxKind.ThisKeyword) return this.thisValue(e);
    if (isThisMember(e)) return this.member(e);
    if (ts.isPropertyAccessExpression(e)) return e.name.text === 'manager' ? { kind: 'manager' } : undefined;
    if (ts.isCallExpression(e)) {
      const callee = unwrap(e.expression);
      const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : undefined;
      const entity = e.arguments[0] && ts.isIdentifier(unwrap(e.arguments[0])) ? (unwrap(e.arguments[0]) as ts.Identifier).text : undefined;
      if (name !== undefined && REPOSITORY_GETTERS.has(name) && entity) return { kind: 'repository', entity };
      if (name === 'getManager' && ts.isIdentifier(callee)) return { kind: 'manager' };
      const { root, calls } = decomposeChain(e);
      if (calls.length > 0) return this.evaluate(root, calls);
    }
    return undefined;
  }

  private remember(node: ts.Node, compute: () => Value | undefined): Value | undefined {
    if (this.memo.has(node)) return this.memo.get(node);
    if (this.pending.has(node)) return undefined;
    this.pending.add(node);
    const value = compute();
    this.pending.delete(node);
    this.memo.set(node, value);
    return value;
  }

  private identifier(id: ts.Identifier): Value | undefined {
    const found = this.scopes.lookup(id);
    const binding = found?.kind === 'variable' && isRequireDeclaration(found.node) ? undefined : found;
    if (!binding) return this.importedNames.has(id.text) || /^[A-Z]/.test(id.text) ? { kind: 'entity', entity: id.text } : undefined;
    switch (binding.kind) {
      case 'class':
        return { kind: 'entity', entity: id.text };
      case 'function':
        return undefined;
      case 'variable': {
        const declaration = binding.node;
        return this.remember(declaration, () => this.fromType(declaration.type) ?? (declaration.initializer ? this.resolve(declaration.initializer) : undefined));
      }
      case 'parameter':
        return this.parameter(binding.node);
    }
  }

  private parameter(parameter: ts.ParameterDeclaration): Value | undefined {
    const given = this.parameterValues.get(parameter);
    if (given) return given;
    const injected = this.injected(parameter);
    if (injected) return injected;
    const typed = this.fromType(parameter.type);
    if (typed) return typed;
    // `dataSource.transaction(async (manager) => …)`, `manager.transaction('SERIALIZABLE', async (em) => …)`
    const fn = parameter.parent;
    if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && fn.parameters[0] === parameter && ts.isCallExpression(fn.parent)) {
      const call = fn.parent;
      const callee = unwrap(call.expression);
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'transaction' && call.arguments.at(-1) === fn) return { kind: 'manager' };
    }
    return undefined;
  }

  private injected(node: ts.ParameterDeclaration | ts.PropertyDeclaration): Value | undefined {
    for (const decorator of this.decorators.on(node)) {
      const arg = decorator.args[0] ? unwrap(decorator.args[0]) : undefined;
      if (decorator.name === 'InjectRepository' && arg && ts.isIdentifier(arg)) return { kind: 'repository', entity: arg.text };
      if (decorator.name === 'InjectEntityManager') return { kind: 'manager' };
    }
    return undefined;
  }

  private fromType(type: ts.TypeNode | undefined): Value | undefined {
    const ref = typeReference(type);
    if (!ref) return undefined;
    if (REPOSITORY_TYPES.has(ref.name) && ref.args[0]) return { kind: 'repository', entity: ref.args[0] };
    if (ref.name === 'EntityManager') return { kind: 'manager' };
    return undefined;
  }

  private member(node: ts.PropertyAccessExpression): Value | undefined {
    const member = this.scopes.member(node, node.name.text);
    if (!member) return undefined;
    const declaration = member.declaration;
    if (declaration) {
      const known = this.remember(declaration, () => {
        const value = this.injected(declaration) ?? this.fromType(declaration.type);
        if (value) return value;
        return ts.isPropertyDeclaration(declaration) && declaration.initializer ? this.resolve(declaration.initializer) : undefined;
      });
      if (known) return known;
    }
    for (const assigned of member.assigned) {
      const value = this.remember(assigned, () => this.resolve(assigned));
      if (value) return value;
    }
    return undefined;
  }

  /** `this` inside a custom repository (`extends Repository<User>`) or a `getRepository(User).extend({ … })` object. */
  private thisValue(node: ts.Node): Value | undefined {
    const container = thisContainer(node);
    if (!container) return undefined;
    if (ts.isClassLike(container)) {
      for (const clause of container.heritageClauses ?? []) {
        for (const type of clause.types) {
          const base = type.expression;
          const entity = type.typeArguments?.[0];
          if (ts.isIdentifier(base) && REPOSITORY_TYPES.has(base.text) && entity && ts.isTypeReferenceNode(entity) && ts.isIdentifier(entity.typeName)) {
            return { kind: 'repository', entity: entity.typeName.text };
          }
        }
      }
      const custom = this.decorators.on(container).find((d) => d.name === 'EntityRepository');
      const arg = custom?.args[0] ? unwrap(custom.args[0]) : undefined;
      if (arg && ts.isIdentifier(arg)) return { kind: 'repository', entity: arg.text };
      return undefined;
    }
    if (ts.isObjectLiteralExpression(container) && ts.isCallExpression(container.parent)) {
      const call = container.parent;
      const callee = unwrap(call.expression);
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'extend') {
        const receiver = this.resolve(callee.expression);
        if (receiver?.kind === 'repository') return receiver;
      }
    }
    return undefined;
  }

  // ── chains ──────────────────────────────────────────────────────────────────

  private chainEnd(call: ts.CallExpression): void {
    if (!chainHasMethod(call, TYPEORM_METHODS)) return;
    const { root, calls } = decomposeChain(call);
    if (calls.length === 0) return;
    const drafts = new Map<string, UsageDraft>();
    this.evaluate(root, calls, drafts);
    for (const [entity, draft] of drafts) {
      if (draft.fields.length === 0 && draft.effect === 'none') continue;
      const location = nodeLocation(this.input.path, this.sourceFile, draft.node);
      this.facts.usages.push({
        orm: 'typeorm',
        model: { symbol: entity },
        fields: draft.fields,
        effect: draft.effect,
        ...(draft.insertFields ? { insertFields: draft.insertFields } : {}),
        confidence: 'certain' satisfies Confidence,
        location,
        snippet: lineSnippet(this.input.text, location.line),
      });
    }
  }

  /** Walks a chain from its root; records usages in `drafts` (none when only the resulting value is wanted). */
  private evaluate(root: ts.Expression, calls: readonly MethodCall[], drafts: Map<string, UsageDraft> = new Map()): Value | undefined {
    let value = this.resolve(root);
    for (const call of calls) {
      const opened = this.opening(value, call);
      if (opened) value = opened;
      else if (value) value = this.step(value, call, drafts);
      else return undefined;
    }
    return value;
  }

  /**
   * Calls that open a repository or builder whatever their receiver (a DataSource, a connection, an import we
   * cannot see into): `x.getRepository(User)`, `x.createQueryBuilder(User, 'u')`, `x.createQueryBuilder()`.
   */
  private opening(value: Value | undefined, call: MethodCall): Value | undefined {
    if (REPOSITORY_GETTERS.has(call.name)) return this.resolve(call.call);
    if (call.name !== 'createQueryBuilder' || value?.kind === 'repository' || value?.kind === 'builder') return undefined;
    const entity = call.args[0] ? this.entityArgument(call.args[0]) : undefined;
    const alias = stringValue(call.args[1]);
    if (entity !== undefined && alias !== undefined) {
      const builder = newBuilder();
      addAlias(builder, alias, entity, true);
      return { kind: 'builder', builder };
    }
    return call.args.length === 0 ? { kind: 'builder', builder: newBuilder() } : undefined;
  }

  private step(value: Value, call: MethodCall, drafts: Map<string, UsageDraft>): Value | undefined {
    switch (value.kind) {
      case 'repository':
      case 'entity':
        return this.repositoryCall(value.entity, call.name, call.args, call.call, drafts, value.kind === 'entity');
      case 'manager': {
        const [first, ...rest] = call.args;
        const entity = first ? this.entityArgument(first) : undefined;
        if (!entity) return undefined;
        return this.repositoryCall(entity, call.name, rest, call.call, drafts, false);
      }
      case 'builder':
        return this.builderCall(value.builder, call, drafts);
    }
  }

  /** A class named as an entity argument (`manager.find(User, …)`), not a variable holding data. */
  private entityArgument(node: ts.Expression): string | undefined {
    const e = unwrap(node);
    if (!ts.isIdentifier(e)) return undefined;
    const binding = this.scopes.lookup(e);
    if (binding && binding.kind !== 'class') return undefined;
    return e.text;
  }

  private repositoryCall(
    entity: string,
    method: string,
    args: readonly ts.Expression[],
    call: ts.CallExpression,
    drafts: Map<string, UsageDraft>,
    activeRecord: boolean,
  ): Value | undefined {
    if (method === 'createQueryBuilder') {
      const builder = newBuilder();
      const alias = stringValue(args[0]);
      if (alias !== undefined) addAlias(builder, alias, entity, true);
      else builder.mainEntity = entity;
      return { kind: 'builder', builder };
    }
    if (method === 'extend') return { kind: 'repository', entity };
    const draft = (): UsageDraft => draftFor(drafts, entity, call);
    if (OPTIONS_METHODS.has(method)) {
      const d = draft();
      const narrowed = this.findOptions(args[0], d);
      if (!narrowed && method !== 'count' && !method.startsWith('exist')) d.effect = 'read-all';
    } else if (CRITERIA_METHODS.has(method)) {
      this.criteria(args[0], draft());
    } else if (AGGREGATE_METHODS.has(method)) {
      const d = draft();
      this.stringFields(args[0], 'read', d);
      this.criteria(args[1], d);
    } else if (INSERT_METHODS.has(method)) {
      // `User.save()` with no argument is the instance method on a class expression we cannot see: skip.
      if (args.length === 0 && activeRecord) return undefined;
      const d = draft();
      d.effect = 'insert';
      const keys = this.dataKeys(args[0], d);
      if (keys) d.insertFields = keys;
      if (method === 'upsert') this.stringFields(args[1], 'read', d);
    } else if (method === 'update') {
      const d = draft();
      this.criteria(args[0], d);
      this.dataKeys(args[1], d);
    } else if (method === 'increment' || method === 'decrement') {
      const d = draft();
      this.criteria(args[0], d);
      this.stringFields(args[1], 'write', d);
    } else if (method === 'delete') {
      const d = draft();
      d.effect = 'delete';
      this.criteria(args[0], d);
    } else if (method === 'remove' || method === 'clear') {
      draft().effect = 'delete';
    }
    return undefined;
  }

  /** `{ select, where, order, relations }`; returns whether `select` narrows the columns read. */
  private findOptions(arg: ts.Expression | undefined, draft: UsageDraft): boolean {
    const options = this.literal(arg);
    if (!options || !ts.isObjectLiteralExpression(options)) return false;
    const entries = objectEntries(options);
    // TypeORM 0.2 also took bare conditions: `findOne({ username })`.
    if (entries.length > 0 && !entries.some((e) => FIND_OPTION_KEYS.has(e.key))) {
      this.criteria(options, draft);
      return false;
    }
    let narrowed = false;
    for (const entry of entries) {
      if (!entry.value) continue;
      if (entry.key === 'select') {
        narrowed = true;
        this.keysOrStrings(entry.value, 'read', draft, true);
      } else if (entry.key === 'where') this.criteria(entry.value, draft);
      else if (entry.key === 'order' || entry.key === 'relations') this.keysOrStrings(entry.value, 'read', draft, false);
    }
    return narrowed;
  }

  /** A `where` object or array of objects: its keys are read (nested objects belong to relations: only the key counts). */
  private criteria(arg: ts.Expression | undefined, draft: UsageDraft): void {
    const value = this.literal(arg);
    if (!value) return;
    if (ts.isArrayLiteralExpression(value)) {
      for (const element of value.elements) this.criteria(element, draft);
    } else if (ts.isObjectLiteralExpression(value)) {
      for (const entry of objectEntries(value)) addField(draft, entry.key, 'read', entry.keyNode, this);
    }
  }

  /** Keys of data objects (one or an array, or `repo.create({ … })`): written. Returns the keys when all are known. */
  private dataKeys(arg: ts.Expression | undefined, draft: UsageDraft): string[] | undefined {
    let value = this.literal(arg);
    if (value && ts.isCallExpression(value) && value.arguments[0] && /^(create|merge)$/.test(decomposeChain(value).calls.at(-1)?.name ?? '')) {
      value = this.literal(value.arguments.at(-1));
    }
    if (!value) return undefined;
    const objects = ts.isArrayLiteralExpression(value) ? value.elements.map((e) => this.literal(e)) : [value];
    const keys: string[] = [];
    for (const object of objects) {
      if (!object || !ts.isObjectLiteralExpression(object) || object.properties.some((p) => ts.isSpreadAssignment(p))) return undefined;
      for (const entry of objectEntries(object)) {
        addField(draft, entry.key, 'write', entry.keyNode, this);
        if (!keys.includes(entry.key)) keys.push(entry.key);
      }
    }
    return keys;
  }

  /** `select: ['a', 'b']` or `{ a: true, rel: { x: true } }`: the first level names fields. */
  private keysOrStrings(arg: ts.Expression, kind: ReferenceKind, draft: UsageDraft, onlyTrue: boolean): void {
    const value = this.literal(arg) ?? arg;
    for (const s of stringElements(value)) addField(draft, s.value.split('.')[0]!, kind, s.node, this);
    for (const entry of objectEntries(value)) {
      if (onlyTrue && entry.value && unwrap(entry.value).kind === ts.SyntaxKind.FalseKeyword) continue;
      addField(draft, entry.key, kind, entry.keyNode, this);
    }
  }

  private stringFields(arg: ts.Expression | undefined, kind: ReferenceKind, draft: UsageDraft): void {
    for (const s of stringElements(arg)) addField(draft, s.value.split('.')[0]!, kind, s.node, this);
  }

  /** An object or array literal, directly or through a `const` initialized with one. */
  private literal(arg: ts.Expression | undefined): ts.Expression | undefined {
    if (!arg) return undefined;
    const e = unwrap(arg);
    if (ts.isIdentifier(e)) {
      const binding = this.scopes.lookup(e);
      if (binding?.kind === 'variable' && binding.node.initializer && ts.getCombinedNodeFlags(binding.node) & ts.NodeFlags.Const) {
        const init = unwrap(binding.node.initializer);
        return ts.isObjectLiteralExpression(init) || ts.isArrayLiteralExpression(init) || ts.isCallExpression(init) ? init : undefined;
      }
      return undefined;
    }
    return e;
  }

  private builderCall(builder: Builder, call: MethodCall, drafts: Map<string, UsageDraft>): Value | undefined {
    const { name, args } = call;
    const value: Value = { kind: 'builder', builder };
    const entityOf = (arg: ts.Expression | undefined): string | undefined => (arg ? this.entityArgument(arg) : undefined);
    switch (name) {
      case 'from':
      case 'into':
      case 'update': {
        const entity = entityOf(args[0]);
        if (name === 'update') builder.op = 'update';
        if (entity) {
          const alias = name === 'from' ? stringValue(args[1]) : undefined;
          if (alias !== undefined) addAlias(builder, alias, entity, builder.main === undefined);
          // `update(Post)` / `into(Post)` name the written entity even after a select-style opening.
          if (!builder.mainEntity || name !== 'from') builder.mainEntity = entity;
        }
        if (name === 'into' && builder.mainEntity) this.stringFields(args[1], 'write', draftFor(drafts, builder.mainEntity, call.call));
        if (name === 'update' && builder.mainEntity) this.dataKeys(args[1], draftFor(drafts, builder.mainEntity, call.call));
        return value;
      }
      case 'subQuery': {
        const sub = newBuilder();
        for (const [alias, entity] of builder.aliases) sub.aliases.set(alias, entity);
        return { kind: 'builder', builder: sub };
      }
      case 'insert':
        builder.op = 'insert';
        return value;
      case 'delete':
        builder.op = 'delete';
        return value;
      case 'softDelete':
      case 'restore':
        builder.op = 'update';
        return value;
    }
    if (QB_READ_STRING_METHODS.has(name)) {
      if (name === 'select' || name === 'addSelect') builder.narrowed = true;
      const [first] = args;
      const object = this.literal(first);
      if (object && ts.isObjectLiteralExpression(object)) {
        // `.where({ email })` names the main alias's properties; `.orderBy({ 'u.createdAt': 'DESC' })` paths.
        for (const entry of objectEntries(object)) {
          if (entry.key.includes('.')) this.propertyPaths(builder, entry.key, entry.keyNode, 'read', drafts, call.call);
          else if (builder.main !== undefined || builder.mainEntity) {
            const entity = builder.main !== undefined ? builder.aliases.get(builder.main) : builder.mainEntity;
            if (entity) addField(draftFor(drafts, entity, call.call), entry.key, 'read', entry.keyNode, this);
          }
        }
      } else {
        for (const s of stringElements(first)) this.propertyPaths(builder, s.value, s.node, 'read', drafts, call.call);
      }
    } else if (QB_JOINS.test(name)) {
      const [target, alias, condition] = args;
      const entity = entityOf(target);
      if (entity === undefined) for (const s of stringElements(target)) this.propertyPaths(builder, s.value, s.node, 'read', drafts, call.call);
      const aliasName = stringValue(alias);
      if (aliasName !== undefined) addAlias(builder, aliasName, entity ?? null, false);
      for (const s of stringElements(condition)) this.propertyPaths(builder, s.value, s.node, 'read', drafts, call.call);
    } else if (name === 'set' || name === 'values' || name === 'orUpdate') {
      const entity = builder.main !== undefined ? builder.aliases.get(builder.main) : builder.mainEntity;
      if (entity) {
        const d = draftFor(drafts, entity, call.call);
        if (name === 'orUpdate') this.stringFields(args[0], 'write', d);
        else {
          const keys = this.dataKeys(args[0], d);
          if (name === 'values' && keys) d.insertFields = keys;
        }
      }
    } else if (QB_TERMINALS.has(name) || name === 'execute') {
      const entity = builder.main !== undefined ? builder.aliases.get(builder.main) : builder.mainEntity;
      if (entity) {
        const d = draftFor(drafts, entity, call.call);
        if (builder.op === 'insert') d.effect = 'insert';
        else if (builder.op === 'delete') d.effect = 'delete';
        else if (builder.op === 'select' && !builder.narrowed && name !== 'execute') d.effect = 'read-all';
      }
    }
    this.builderCallbacks(builder, args);
    // After a terminal (`getMany()`) comes a promise or rows, no longer a builder.
    if (QB_TERMINALS.has(name) || /^(getRaw|getCount|getExists|getQuery|getSql|execute)/.test(name)) return undefined;
    return value;
  }

  /** `new Brackets((qb) => …)` and `.where((qb) => …)`: the callback's parameter is the same builder. */
  private builderCallbacks(builder: Builder, args: readonly ts.Expression[]): void {
    for (const arg of args) {
      let e = unwrap(arg);
      if (ts.isNewExpression(e) && e.arguments?.[0]) e = unwrap(e.arguments[0]);
      if ((ts.isArrowFunction(e) || ts.isFunctionExpression(e)) && e.parameters[0]) {
        this.parameterValues.set(e.parameters[0], { kind: 'builder', builder });
      }
    }
  }

  /** `'user.email = :email AND user.deletedAt IS NULL'`: each `alias.property` whose alias is known. */
  private propertyPaths(builder: Builder, text: string, node: ts.Node, kind: ReferenceKind, drafts: Map<string, UsageDraft>, call: ts.CallExpression): void {
    const masked = text.replace(/'(?:[^']|'')*'/g, (m) => ' '.repeat(m.length));
    const start = node.getStart(this.sourceFile) + 1;
    for (const match of masked.matchAll(/(?<![\w$.:"])([A-Za-z_$][\w$]*)\.([A-Za-z_$][\w$]*)/g)) {
      const entity = builder.aliases.get(match[1]!);
      if (!entity) continue;
      const from = start + match.index! + match[1]!.length + 1;
      const location = offsetLocation(this.input.path, this.sourceFile, from, from + match[2]!.length);
      draftFor(drafts, entity, call).fields.push({ name: match[2]!, kind, location, snippet: lineSnippet(this.input.text, location.line) });
    }
  }

  /** Used by addField: a location and snippet for a node. */
  place(node: ts.Node): { location: ReturnType<typeof nodeLocation>; snippet: string } {
    const location = nodeLocation(this.input.path, this.sourceFile, node);
    return { location, snippet: lineSnippet(this.input.text, location.line) };
  }
}

function newBuilder(): Builder {
  return { aliases: new Map(), op: 'select', narrowed: false };
}

function addAlias(builder: Builder, alias: string, entity: string | null, main: boolean): void {
  builder.aliases.set(alias, entity);
  if (main) {
    builder.main = alias;
    if (entity) builder.mainEntity = entity;
  }
}

function draftFor(drafts: Map<string, UsageDraft>, entity: string, node: ts.Node): UsageDraft {
  let draft = drafts.get(entity);
  if (!draft) drafts.set(entity, (draft = { fields: [], effect: 'none', node }));
  return draft;
}

function addField(draft: UsageDraft, name: string, kind: ReferenceKind, node: ts.Node, file: { place(node: ts.Node): { location: ReturnType<typeof nodeLocation>; snippet: string } }): void {
  draft.fields.push({ name, kind, ...file.place(node) });
}
