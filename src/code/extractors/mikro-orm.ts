/**
 * MikroORM: `@Entity()` classes (decorators imported from `@mikro-orm/*`) are model declarations; EntityManager
 * and EntityRepository calls (`em.find(User, { email })`, `repo.findAll({ fields, orderBy })`, `em.nativeUpdate`)
 * are model usages. Naming follows `UnderscoreNamingStrategy` (the default of the SQL drivers: `BookTag` →
 * `book_tag`, `createdAt` → `created_at`, a many-to-one `author` → `author_id`) or, with
 * `{ namingStrategy: 'entity' }`, `EntityCaseNamingStrategy` (names kept as written).
 */
import { ts } from 'ts-morph';
import type { ExtractInput, Extractor, Naming, OrmOptions } from '../extractor.js';
import type { FieldDeclaration, FileFacts, ModelDeclaration, ModelUsage } from '../facts.js';
import { lineSnippet, nodeLocation } from '../node-location.js';
import type { ReferenceKind } from '../reference.js';
import { LibraryDecorators } from './typeorm/decorators.js';
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

const MODULES = ['@mikro-orm/core', '@mikro-orm/postgresql', '@mikro-orm/mysql', '@mikro-orm/mariadb', '@mikro-orm/sqlite', '@mikro-orm/better-sqlite', '@mikro-orm/libsql', '@mikro-orm/mssql', '@mikro-orm/knex', '@mikro-orm/sql', '@mikro-orm/nestjs', '@mikro-orm/decorators'];
const VIRTUAL = new Set(['OneToMany', 'ManyToMany', 'Formula', 'Embedded', 'SerializedPrimaryKey']);
const REPOSITORY_TYPES = new Set(['EntityRepository', 'SqlEntityRepository']);
const MANAGER_TYPES = new Set(['EntityManager', 'SqlEntityManager']);
/** Repository-style methods (`repo.find(where, options)`); the EntityManager takes the entity first. */
const FINDERS = new Set(['find', 'findOne', 'findOneOrFail', 'findAndCount', 'findByCursor', 'count', 'stream']);
const INSERTS = new Set(['create', 'insert', 'insertMany', 'nativeInsert', 'upsert', 'upsertMany']);
const USAGE_METHODS = new Set([...FINDERS, ...INSERTS, 'findAll', 'nativeUpdate', 'nativeDelete']);

/** MikroORM's `UnderscoreNamingStrategy.underscore`. */
export function underscore(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}

function entityCase(options: OrmOptions): boolean {
  return options['namingStrategy'] === 'entity';
}

export const mikroOrmNaming: Naming = {
  orm: 'mikro-orm',
  table: (model, options) => (entityCase(options) ? model.name : underscore(model.name)),
  column(field, _model, options) {
    if (field.joinColumn) {
      return entityCase(options) ? field.name.charAt(0).toLowerCase() + field.name.slice(1) : `${underscore(field.name)}_${field.joinColumn.referencedColumn}`;
    }
    return entityCase(options) ? field.name : underscore(field.name);
  },
};

/**
 * Only files that import MikroORM: `EntityManager`, `em.find(…)` and `this.repo.find(…)` are names other
 * libraries (TypeORM, hand-written services) use too, and reading them there is noise at best.
 */
const WANTS = /@mikro-orm\//;

export const mikroOrmExtractor: Extractor = {
  name: 'mikro-orm',
  wants: (text) => WANTS.test(text),
  extract(input, facts) {
    if (input.sourceFile) new MikroOrmFile(input, input.sourceFile, facts).run();
  },
  naming: mikroOrmNaming,
};

type Value = { kind: 'repository'; entity: string } | { kind: 'manager' };

class MikroOrmFile {
  private readonly decorators: LibraryDecorators;
  private readonly scopes: Scopes;
  private readonly memo = new Map<ts.Node, Value | undefined>();
  /** `this.x` members being resolved: `this.em = this.em.fork()` must not resolve itself forever. */
  private readonly resolvingMembers = new Set<string>();

  constructor(
    private readonly input: ExtractInput,
    private readonly sourceFile: ts.SourceFile,
    private readonly facts: FileFacts,
  ) {
    this.decorators = new LibraryDecorators(input.imports, MODULES);
    this.scopes = Scopes.of(sourceFile);
  }

  run(): void {
    const exports = exportNames(this.sourceFile);
    const visit = (node: ts.Node): void => {
      if (ts.isClassDeclaration(node) && this.decorators.any) {
        const model = this.entity(node, exports);
        if (model) this.facts.models.push(model);
      }
      if (ts.isCallExpression(node) && isChainEnd(node)) this.chain(node);
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
  }

  private entity(node: ts.ClassDeclaration, exports: Map<string, string[]>): ModelDeclaration | undefined {
    if (!node.name) return undefined;
    const decorator = this.decorators.on(node).find((d) => d.name === 'Entity');
    const options = decorator?.args[0] ? unwrap(decorator.args[0]) : undefined;
    const fields = node.members.filter(ts.isPropertyDeclaration).map((m) => this.declaredField(m)).filter((f): f is FieldDeclaration => f !== undefined);
    const abstract = !decorator || literalOption(objectValue(options, 'abstract')) === true;
    if (fields.length === 0 && abstract) return undefined;
    const table = stringValue(objectValue(options, 'tableName')) ?? stringValue(objectValue(options, 'collection'));
    const schema = stringValue(objectValue(options, 'schema'));
    const base = node.heritageClauses?.find((c) => c.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
    const library = new Set(this.input.imports.filter((b) => b.from.startsWith('@mikro-orm/')).map((b) => b.local));
    const extendsName = base && ts.isIdentifier(base) && !library.has(base.text) ? base.text : undefined;
    const name = node.name.text;
    const place = this.place(node.name);
    return {
      orm: 'mikro-orm',
      name,
      ...(abstract ? { abstract } : {}),
      ...(extendsName !== undefined ? { extends: extendsName } : {}),
      ...(table !== undefined ? { table } : {}),
      ...(schema !== undefined ? { schema } : {}),
      fields,
      ...(exports.has(name) ? { exportedAs: exports.get(name)! } : {}),
      ...place,
    };
  }

  private declaredField(member: ts.PropertyDeclaration): FieldDeclaration | undefined {
    if (!ts.isIdentifier(member.name)) return undefined;
    const decorators = this.decorators.on(member);
    const base = { name: member.name.text, ...this.place(member.name) };
    const options = (d: { args: readonly ts.Expression[] }): ts.Expression | undefined => d.args.map((a) => unwrap(a)).find(ts.isObjectLiteralExpression);
    if (decorators.some((d) => VIRTUAL.has(d.name))) return { ...base, selected: false, written: false, virtual: true };
    const relation = decorators.find((d) => d.name === 'ManyToOne' || d.name === 'OneToOne');
    if (relation) {
      const o = options(relation);
      const owner = relation.name === 'ManyToOne' || literalOption(objectValue(o, 'owner')) === true || objectValue(o, 'inversedBy') !== undefined;
      if (!owner || objectValue(o, 'mappedBy') !== undefined) return { ...base, selected: false, written: false, virtual: true };
      const column = stringValue(objectValue(o, 'fieldName')) ?? stringValue(objectValue(o, 'joinColumn'));
      const referenced = stringValue(objectValue(o, 'referenceColumnName')) ?? 'id';
      return { ...base, ...(column !== undefined ? { column } : { joinColumn: { referencedColumn: referenced } }), selected: true, written: true };
    }
    const property = decorators.find((d) => d.name === 'Property' || d.name === 'PrimaryKey' || d.name === 'Enum');
    if (!property) return undefined;
    const o = options(property);
    if (literalOption(objectValue(o, 'persist')) === false) return { ...base, selected: false, written: false, virtual: true };
    const column = stringValue(objectValue(o, 'fieldName')) ?? stringValue(objectValue(o, 'name'));
    // A numeric primary key is generated by the database unless `autoincrement: false`.
    const numeric = member.type?.kind === ts.SyntaxKind.NumberKeyword;
    const generated = property.name === 'PrimaryKey' && numeric && literalOption(objectValue(o, 'autoincrement')) !== false;
    return {
      ...base,
      ...(column !== undefined ? { column } : {}),
      selected: literalOption(objectValue(o, 'lazy')) !== true,
      written: !generated && objectValue(o, 'generated') === undefined,
    };
  }

  // ── usages ──────────────────────────────────────────────────────────────────

  private resolve(node: ts.Expression): Value | undefined {
    const e = unwrap(node);
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'em' && !isThisMember(e)) return { kind: 'manager' };
    if (ts.isIdentifier(e)) {
      const binding = this.scopes.lookup(e);
      if (!binding || (binding.kind === 'variable' && isRequireDeclaration(binding.node))) return undefined;
      if (binding.kind === 'variable') {
        const d = binding.node;
        return this.remember(d, () => this.fromType(d.type) ?? (d.initializer ? this.resolve(d.initializer) : undefined));
      }
      if (binding.kind === 'parameter') return this.injected(binding.node) ?? this.fromType(binding.node.type);
      return undefined;
    }
    if (e.kind === ts.SyntaxKind.ThisKeyword) {
      const container = thisContainer(e);
      if (!container || !ts.isClassLike(container)) return undefined;
      for (const type of container.heritageClauses?.flatMap((c) => [...c.types]) ?? []) {
        const arg = type.typeArguments?.[0];
        if (ts.isIdentifier(type.expression) && REPOSITORY_TYPES.has(type.expression.text) && arg && ts.isTypeReferenceNode(arg) && ts.isIdentifier(arg.typeName)) {
          return { kind: 'repository', entity: arg.typeName.text };
        }
      }
      return undefined;
    }
    if (isThisMember(e)) {
      const member = this.scopes.member(e, e.name.text);
      const d = member?.declaration;
      const declared = d ? this.remember(d, () => this.injected(d) ?? this.fromType(d.type) ?? (ts.isPropertyDeclaration(d) && d.initializer ? this.resolve(d.initializer) : undefined)) : undefined;
      if (declared || !member) return declared;
      const key = `${member.declaration?.pos ?? thisContainer(e)?.pos ?? -1}:${e.name.text}`;
      if (this.resolvingMembers.has(key)) return undefined;
      this.resolvingMembers.add(key);
      try {
        return member.assigned.map((a) => this.resolve(a)).find((v) => v !== undefined);
      } finally {
        this.resolvingMembers.delete(key);
      }
    }
    if (ts.isCallExpression(e)) {
      const { root, calls } = decomposeChain(e);
      if (calls.length === 0) return undefined;
      let value = this.resolve(root);
      for (const call of calls) value = value ? this.step(value, call, undefined) : undefined;
      return value;
    }
    return undefined;
  }

  private remember(node: ts.Node, compute: () => Value | undefined): Value | undefined {
    if (this.memo.has(node)) return this.memo.get(node);
    this.memo.set(node, undefined);
    const value = compute();
    this.memo.set(node, value);
    return value;
  }

  private injected(node: ts.ParameterDeclaration | ts.PropertyDeclaration): Value | undefined {
    const inject = this.decorators.on(node).find((d) => d.name === 'InjectRepository');
    const arg = inject?.args[0] ? unwrap(inject.args[0]) : undefined;
    return arg && ts.isIdentifier(arg) ? { kind: 'repository', entity: arg.text } : undefined;
  }

  private fromType(type: ts.TypeNode | undefined): Value | undefined {
    const ref = typeReference(type);
    if (ref && REPOSITORY_TYPES.has(ref.name) && ref.args[0]) return { kind: 'repository', entity: ref.args[0] };
    if (ref && MANAGER_TYPES.has(ref.name)) return { kind: 'manager' };
    return undefined;
  }

  private chain(call: ts.CallExpression): void {
    if (!chainHasMethod(call, USAGE_METHODS)) return;
    const { root, calls } = decomposeChain(call);
    let value = this.resolve(root);
    for (const c of calls) {
      if (!value) return;
      value = this.step(value, c, this.facts.usages);
    }
  }

  /** One call on a manager or repository; records a usage when `usages` is given. */
  private step(value: Value, call: MethodCall, usages: ModelUsage[] | undefined): Value | undefined {
    let entity: string;
    let args: readonly ts.Expression[];
    if (value.kind === 'manager') {
      if (call.name === 'fork') return value;
      const first = call.args[0] ? unwrap(call.args[0]) : undefined;
      if (!first || !ts.isIdentifier(first)) return undefined;
      const binding = this.scopes.lookup(first);
      if (binding && binding.kind !== 'class') return undefined;
      if (call.name === 'getRepository') return { kind: 'repository', entity: first.text };
      [entity, args] = [first.text, call.args.slice(1)];
    } else [entity, args] = [value.entity, call.args];
    if (!usages) return undefined;
    const usage: ModelUsage = { orm: 'mikro-orm', model: { symbol: entity }, fields: [], effect: 'none', confidence: 'certain', ...this.place(call.nameNode) };
    const [first, second] = args;
    if (FINDERS.has(call.name)) {
      this.where(first, usage);
      if (!this.findOptions(second, usage) && call.name !== 'count') usage.effect = 'read-all';
    } else if (call.name === 'findAll') {
      const options = first ? unwrap(first) : undefined;
      this.where(objectValue(options, 'where'), usage);
      if (!this.findOptions(options, usage)) usage.effect = 'read-all';
    } else if (INSERTS.has(call.name)) {
      usage.effect = 'insert';
      const keys = this.data(first, usage);
      if (keys) usage.insertFields = keys;
    } else if (call.name === 'nativeUpdate') {
      this.where(first, usage);
      this.data(second, usage);
    } else if (call.name === 'nativeDelete') {
      usage.effect = 'delete';
      this.where(first, usage);
    } else return undefined;
    if (usage.fields.length > 0 || usage.effect !== 'none') usages.push(usage);
    return undefined;
  }

  /** Filter keys are read; `$or`/`$and` hold more filters; a nested object is a relation's filter (its key counts). */
  private where(arg: ts.Expression | undefined, usage: ModelUsage): void {
    const e = arg ? unwrap(arg) : undefined;
    if (!e) return;
    if (ts.isArrayLiteralExpression(e)) {
      for (const item of e.elements) this.where(item, usage);
      return;
    }
    for (const entry of objectEntries(e)) {
      if (entry.key === '$or' || entry.key === '$and' || entry.key === '$not') this.where(entry.value, usage);
      else if (!entry.key.startsWith('$')) this.field(usage, entry.key, 'read', entry.keyNode);
    }
  }

  /** `{ fields, orderBy, populate }`; returns whether `fields` narrows the columns read. */
  private findOptions(arg: ts.Expression | undefined, usage: ModelUsage): boolean {
    const options = arg ? unwrap(arg) : undefined;
    let narrowed = false;
    for (const entry of objectEntries(options)) {
      if (!entry.value) continue;
      if (entry.key === 'fields') {
        narrowed = true;
        for (const s of stringElements(entry.value)) this.field(usage, s.value.split('.')[0]!, 'read', s.node);
      } else if (entry.key === 'orderBy') {
        const order = unwrap(entry.value);
        for (const object of ts.isArrayLiteralExpression(order) ? order.elements : [order]) {
          for (const o of objectEntries(unwrap(object))) this.field(usage, o.key, 'read', o.keyNode);
        }
      } else if (entry.key === 'populate') {
        for (const s of stringElements(entry.value)) this.field(usage, s.value.split('.')[0]!, 'read', s.node);
      }
    }
    return narrowed;
  }

  private data(arg: ts.Expression | undefined, usage: ModelUsage): string[] | undefined {
    const e = arg ? unwrap(arg) : undefined;
    if (!e) return undefined;
    const objects = ts.isArrayLiteralExpression(e) ? e.elements.map((x) => unwrap(x)) : [e];
    const keys: string[] = [];
    for (const object of objects) {
      if (!ts.isObjectLiteralExpression(object) || object.properties.some((p) => ts.isSpreadAssignment(p))) return undefined;
      for (const entry of objectEntries(object)) {
        this.field(usage, entry.key, 'write', entry.keyNode);
        if (!keys.includes(entry.key)) keys.push(entry.key);
      }
    }
    return keys;
  }

  private field(usage: ModelUsage, name: string, kind: ReferenceKind, node: ts.Node): void {
    usage.fields.push({ name, kind, ...this.place(node) });
  }

  private place(node: ts.Node): { location: ReturnType<typeof nodeLocation>; snippet: string } {
    const location = nodeLocation(this.input.path, this.sourceFile, node);
    return { location, snippet: lineSnippet(this.input.text, location.line) };
  }
}
