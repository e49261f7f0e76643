/**
 * Sequelize (v6) and sequelize-typescript: models declared by `Model.init(attributes, options)`,
 * `sequelize.define(name, attributes, options)` and `@Table` classes (`@Column` properties only); usages are the
 * static finders and writers (`User.findAll({ attributes, where, order, include })`, `create`, `update`,
 * `destroy`…), resolved to the model in link. `new Sequelize(…, { define })` sets project-wide defaults.
 */
import { ts } from 'ts-morph';
import type { ExtractInput, Extractor } from '../extractor.js';
import type { FieldDeclaration, FileFacts, ModelUsage } from '../facts.js';
import { lineSnippet, nodeLocation } from '../node-location.js';
import type { ReferenceKind } from '../reference.js';
import { LibraryDecorators } from './typeorm/decorators.js';
import { DECLARES_PRIMARY_KEY, sequelizeNaming } from './sequelize/naming.js';
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
  propertyEntry,
  propertyName,
  stringElements,
  stringValue,
  unwrap,
  type ObjectEntry,
} from './syntax.js';

const OPTION_KEYS = ['tableName', 'modelName', 'underscored', 'freezeTableName', 'timestamps', 'paranoid', 'createdAt', 'updatedAt', 'deletedAt', 'version', 'schema'];
const FINDERS = new Set(['findAll', 'findOne', 'findAndCountAll', 'count', 'findCreateFind', 'findOrBuild']);
const CHAIN_KEEPERS = new Set(['scope', 'unscoped', 'schema']);
const USAGE_METHODS = new Set([
  ...FINDERS,
  ...`findByPk findOrCreate create bulkCreate upsert update destroy truncate restore increment decrement max min sum aggregate`.split(/\s+/),
]);
const TIMESTAMP_DECORATORS: Record<string, string> = { CreatedAt: 'createdAt', UpdatedAt: 'updatedAt', DeletedAt: 'deletedAt' };
const RELATION_DECORATORS = new Set(['BelongsTo', 'HasMany', 'HasOne', 'BelongsToMany']);

const WANTS = /sequelize|DataTypes|\.(?:findAll|findByPk|findOne|findOrCreate|findAndCountAll|bulkCreate|destroy|create|update|count|upsert|increment)\s*\(/;

export const sequelizeExtractor: Extractor = {
  name: 'sequelize',
  wants: (text) => WANTS.test(text),
  extract(input, facts) {
    if (input.sourceFile) new SequelizeFile(input, input.sourceFile, facts).run();
  },
  naming: sequelizeNaming,
};

type Target = { symbol: string } | { modelName: string };

class SequelizeFile {
  private readonly scopes: Scopes;
  private readonly decorators: LibraryDecorators;
  private readonly exports: Map<string, string[]>;

  constructor(
    private readonly input: ExtractInput,
    private readonly sourceFile: ts.SourceFile,
    private readonly facts: FileFacts,
  ) {
    this.scopes = Scopes.of(sourceFile);
    this.decorators = new LibraryDecorators(input.imports, ['sequelize-typescript']);
    this.exports = exportNames(sourceFile);
  }

  run(): void {
    const visit = (node: ts.Node): void => {
      if (ts.isClassDeclaration(node) && this.decorators.any) this.decoratedModel(node);
      else if (ts.isNewExpression(node)) this.projectDefaults(node);
      else if (ts.isCallExpression(node)) {
        if (this.belongsToMany(node)) {
          // `User.belongsToMany(Group, { through: GroupUser })`: a join model, not a usage.
        } else if (!this.declaration(node) && isChainEnd(node)) this.usage(node);
      }
      ts.forEachChild(node, visit);
    };
    visit(this.sourceFile);
  }

  // ── declarations ────────────────────────────────────────────────────────────

  /** `A.belongsToMany(B, { through: C })`: records C as a join model. */
  private belongsToMany(call: ts.CallExpression): boolean {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== 'belongsToMany' || !call.arguments[1]) return false;
    this.through(call.arguments[1]);
    return true;
  }

  /**
   * A model named as the `through` of a many-to-many association. Sequelize drops the `id` it would add to
   * such a model (the two foreign keys are its key), so the linker must not imply one.
   */
  private through(node: ts.Expression, depth = 0): void {
    let e = unwrap(node);
    if (ts.isArrowFunction(e) && !ts.isBlock(e.body)) e = unwrap(e.body);
    if (ts.isObjectLiteralExpression(e) && depth === 0) {
      const value = this.option(e, 'through');
      if (value) this.through(value, depth + 1);
      return;
    }
    const name = ts.isIdentifier(e) ? e.text : ts.isPropertyAccessExpression(e) ? e.name.text : undefined;
    if (name !== undefined && !(this.facts.throughModels ??= []).includes(name)) this.facts.throughModels.push(name);
  }

  /** `User.init({ … }, { sequelize, … })` or `sequelize.define('User', { … }, { … })`. */
  private declaration(call: ts.CallExpression): boolean {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee)) return false;
    const [first, second, third] = call.arguments;
    if (callee.name.text === 'init' && ts.isIdentifier(unwrap(callee.expression)) && first && second) {
      const attributes = this.objectLiteral(first);
      const options = this.objectLiteral(second);
      if (!attributes || !options || !objectEntries(options).some((e) => e.key === 'sequelize' || e.key === 'modelName' || e.key === 'tableName')) return false;
      const className = (unwrap(callee.expression) as ts.Identifier).text;
      const modelName = stringValue(this.option(options, 'modelName')) ?? className;
      this.addModel(modelName, [className], attributes, options, callee.expression);
      return true;
    }
    if (callee.name.text === 'define' && stringValue(first) !== undefined && second) {
      const attributes = this.objectLiteral(second);
      if (!attributes) return false;
      const local = this.assignedName(call);
      this.addModel(stringValue(first)!, local ? [local] : [], attributes, third ? this.objectLiteral(third) : undefined, first!);
      return true;
    }
    return false;
  }

  /** The variable a call is assigned to: `const User = sequelize.define(…)`. */
  private assignedName(call: ts.CallExpression): string | undefined {
    let node: ts.Node = call;
    while (node.parent && (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent))) node = node.parent;
    const parent = node.parent;
    return parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) ? parent.name.text : undefined;
  }

  private addModel(name: string, locals: string[], attributes: ts.ObjectLiteralExpression, options: ts.ObjectLiteralExpression | undefined, at: ts.Node): void {
    const fields: FieldDeclaration[] = [];
    let primaryKey = false;
    for (const entry of this.entries(attributes)) {
      if (!entry.value) continue;
      const definition = this.objectLiteral(entry.value);
      const type = definition ? this.option(definition, 'type') : entry.value;
      const virtual = type !== undefined && /\bVIRTUAL\b/.test(type.getText(this.sourceFile));
      const field = definition ? stringValue(this.option(definition, 'field')) : undefined;
      if (definition && literalOption(this.option(definition, 'primaryKey')) === true) primaryKey = true;
      const generated = definition ? literalOption(this.option(definition, 'autoIncrement')) === true : false;
      fields.push({
        name: entry.key,
        ...(field !== undefined ? { column: field } : {}),
        selected: !virtual,
        written: !virtual && !generated,
        ...(virtual ? { virtual } : {}),
        ...this.place(entry.keyNode),
      });
    }
    const modelOptions = this.modelOptions(options);
    if (primaryKey) modelOptions[DECLARES_PRIMARY_KEY] = true;
    this.pushModel(name, locals, fields, modelOptions, at);
  }

  private modelOptions(options: ts.ObjectLiteralExpression | undefined): Record<string, string | boolean> {
    const out: Record<string, string | boolean> = {};
    if (!options) return out;
    for (const key of OPTION_KEYS) {
      const value = literalOption(this.option(options, key));
      if (value !== undefined) out[key] = value;
    }
    return out;
  }

  private pushModel(name: string, locals: string[], fields: FieldDeclaration[], options: Record<string, string | boolean>, at: ts.Node): void {
    const { tableName, schema, modelName: _modelName, ...rest } = options;
    const exportedAs = [...new Set(locals.flatMap((l) => [l, ...(this.exports.get(l) ?? [])]))];
    this.facts.models.push({
      orm: 'sequelize',
      name,
      ...(typeof tableName === 'string' ? { table: tableName } : {}),
      ...(typeof schema === 'string' ? { schema } : {}),
      fields,
      options: rest,
      ...(exportedAs.length > 0 ? { exportedAs } : {}),
      ...this.place(at),
    });
  }

  /** sequelize-typescript: `@Table({ … }) class User extends Model { @Column email: string }`. */
  private decoratedModel(node: ts.ClassDeclaration): void {
    const table = this.decorators.on(node).find((d) => d.name === 'Table');
    if (!table || !node.name) return;
    const tableOptions = table.args[0] ? this.objectLiteral(table.args[0]) : undefined;
    const options = this.modelOptions(tableOptions);
    const fields: FieldDeclaration[] = [];
    for (const member of node.members) {
      if (!ts.isPropertyDeclaration(member) || !ts.isIdentifier(member.name)) continue;
      const decorators = this.decorators.on(member);
      const name = member.name.text;
      const place = this.place(member.name);
      const timestamp = decorators.find((d) => d.name in TIMESTAMP_DECORATORS);
      if (timestamp) options[TIMESTAMP_DECORATORS[timestamp.name]!] = name;
      if (decorators.some((d) => RELATION_DECORATORS.has(d.name))) {
        // `@BelongsToMany(() => User, () => GroupUser)`: GroupUser is a join model (no implied `id`).
        for (const d of decorators) if (d.name === 'BelongsToMany' && d.args[1]) this.through(d.args[1]);
        fields.push({ name, selected: false, written: false, virtual: true, ...place });
        continue;
      }
      const column = decorators.find((d) => d.name === 'Column');
      if (!column && !timestamp) continue;
      if (decorators.some((d) => d.name === 'PrimaryKey')) options[DECLARES_PRIMARY_KEY] = true;
      const arg = column?.args[0];
      const definition = arg ? this.objectLiteral(arg) : undefined;
      if (definition && literalOption(this.option(definition, 'primaryKey')) === true) options[DECLARES_PRIMARY_KEY] = true;
      const type = definition ? this.option(definition, 'type') : arg;
      const virtual = type !== undefined && /\bVIRTUAL\b/.test(type.getText(this.sourceFile));
      const field = definition ? stringValue(this.option(definition, 'field')) : undefined;
      const generated = decorators.some((d) => d.name === 'AutoIncrement') || (definition !== undefined && literalOption(this.option(definition, 'autoIncrement')) === true);
      fields.push({
        name,
        ...(field !== undefined ? { column: field } : {}),
        selected: !virtual,
        written: !virtual && !generated,
        ...(virtual ? { virtual } : {}),
        ...place,
      });
    }
    const modelName = typeof options['modelName'] === 'string' ? options['modelName'] : node.name.text;
    this.pushModel(modelName, [node.name.text], fields, options, node.name);
  }

  /** `new Sequelize(url, { define: { underscored: true } })`: options every model of the project starts from. */
  private projectDefaults(node: ts.NewExpression): void {
    const callee = unwrap(node.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    if (name !== 'Sequelize') return;
    for (const arg of node.arguments ?? []) {
      const options = this.objectLiteral(arg);
      const define = options ? this.objectLiteral(this.option(options, 'define')) : undefined;
      if (!define) continue;
      const { tableName: _t, modelName: _m, ...defaults } = this.modelOptions(define);
      if (Object.keys(defaults).length > 0) this.facts.ormDefaults = { ...this.facts.ormDefaults, sequelize: { ...this.facts.ormDefaults?.sequelize, ...defaults } };
    }
  }

  // ── usages ──────────────────────────────────────────────────────────────────

  private usage(call: ts.CallExpression): void {
    if (!chainHasMethod(call, USAGE_METHODS)) return;
    const { root, calls } = decomposeChain(call);
    let index = 0;
    const target = this.target(root);
    // `User.scope('active').findAll()`, `db.User.unscoped().count()`
    while (target && index < calls.length - 1 && CHAIN_KEEPERS.has(calls[index]!.name)) index++;
    const method = calls[index];
    if (!target || !method) return;
    const draft: ModelUsage = {
      orm: 'sequelize',
      model: target,
      fields: [],
      effect: 'none',
      confidence: 'symbol' in target ? 'certain' : 'likely',
      ...this.place(method.nameNode),
    };
    const includes: { target: Target; node: ts.Expression }[] = [];
    const [first, second] = method.args;
    const name = method.name;
    if (FINDERS.has(name)) {
      const narrowed = this.findOptions(first, draft, includes);
      if (!narrowed && name !== 'count') draft.effect = 'read-all';
    } else if (name === 'findByPk') {
      const narrowed = this.findOptions(second, draft, includes);
      if (!narrowed) draft.effect = 'read-all';
    } else if (name === 'findOrCreate') {
      const options = this.objectLiteral(first);
      const where = this.keys(this.option(options, 'where'), 'read', draft);
      const defaults = this.keys(this.option(options, 'defaults'), 'write', draft);
      draft.effect = 'insert';
      if (where && defaults) draft.insertFields = [...new Set([...where, ...defaults])];
    } else if (name === 'create' || name === 'bulkCreate' || name === 'upsert') {
      draft.effect = 'insert';
      const keys = this.dataKeys(first, draft);
      if (keys) draft.insertFields = keys;
    } else if (name === 'update') {
      this.dataKeys(first, draft);
      this.whereOf(second, draft);
    } else if (name === 'destroy' || name === 'truncate') {
      draft.effect = 'delete';
      this.whereOf(first, draft);
    } else if (name === 'restore') {
      this.whereOf(first, draft);
    } else if (name === 'increment' || name === 'decrement') {
      const object = this.objectLiteral(first);
      if (object) this.keys(object, 'write', draft);
      else for (const s of stringElements(first)) this.field(draft, s.value, 'write', s.node);
      this.whereOf(second, draft);
    } else if (name === 'max' || name === 'min' || name === 'sum' || name === 'aggregate') {
      for (const s of stringElements(first)) this.field(draft, s.value, 'read', s.node);
      this.whereOf(second, draft);
    } else return;
    if (draft.fields.length > 0 || draft.effect !== 'none') this.facts.usages.push(draft);
    for (const include of includes) this.include(include.target, include.node);
  }

  /** What a receiver names: a model class or variable (`User`), a model of a models object (`db.User`), an injected model. */
  private target(root: ts.Expression): Target | undefined {
    const e = unwrap(root);
    if (ts.isIdentifier(e)) {
      const found = this.scopes.lookup(e);
      const binding = found?.kind === 'variable' && isRequireDeclaration(found.node) ? undefined : found;
      if (!binding) return /^[A-Z]/.test(e.text) || this.input.imports.some((b) => b.local === e.text) ? { symbol: e.text } : undefined;
      if (binding.kind === 'class') return { symbol: e.text };
      if (binding.kind === 'variable' && binding.node.initializer) {
        const init = unwrap(binding.node.initializer);
        if (ts.isCallExpression(init) && this.definesModel(init)) return { symbol: e.text };
        if (ts.isPropertyAccessExpression(init)) return this.target(init);
      }
      return undefined;
    }
    if (isThisMember(e)) {
      const declaration = this.scopes.member(e, e.name.text)?.declaration;
      if (!declaration) return undefined;
      const injected = this.decoratorsFrom(declaration, ['@nestjs/sequelize']).find((d) => d.name === 'InjectModel');
      const arg = injected?.args[0] ? unwrap(injected.args[0]) : undefined;
      if (arg && ts.isIdentifier(arg)) return { symbol: arg.text };
      const type = declaration.type;
      if (type && ts.isTypeQueryNode(type) && ts.isIdentifier(type.exprName)) return { symbol: type.exprName.text };
      return undefined;
    }
    if (ts.isPropertyAccessExpression(e)) {
      // `db.User` (the models index), `sequelize.models.User`
      const base = unwrap(e.expression);
      const model = e.name.text;
      if (ts.isPropertyAccessExpression(base) && base.name.text === 'models') return { modelName: model };
      if (ts.isIdentifier(base) && /^[A-Z]/.test(model)) {
        const found = this.scopes.lookup(base);
        const imported = this.input.imports.find((b) => b.local === base.text);
        const fromModels = (found?.kind === 'variable' && isRequireDeclaration(found.node)) || (!found && imported !== undefined && imported.from.startsWith('.'));
        if (fromModels) return { modelName: model };
      }
    }
    return undefined;
  }

  private definesModel(call: ts.CallExpression): boolean {
    const callee = unwrap(call.expression);
    return ts.isPropertyAccessExpression(callee) && callee.name.text === 'define' && stringValue(call.arguments[0]) !== undefined;
  }

  private decoratorsFrom(node: ts.Node, modules: string[]) {
    return new LibraryDecorators(this.input.imports, modules).on(node);
  }

  /** Finder options; returns whether `attributes` narrows the columns read. */
  private findOptions(arg: ts.Expression | undefined, draft: ModelUsage, includes: { target: Target; node: ts.Expression }[]): boolean {
    const options = this.objectLiteral(arg);
    if (!options) return false;
    let narrowed = false;
    for (const entry of objectEntries(options)) {
      if (!entry.value) continue;
      if (entry.key === 'attributes') narrowed = this.attributes(entry.value, draft);
      else if (entry.key === 'where') this.where(entry.value, draft);
      else if (entry.key === 'order' || entry.key === 'group') this.order(entry.value, draft);
      else if (entry.key === 'include') {
        const list = unwrap(entry.value);
        for (const item of ts.isArrayLiteralExpression(list) ? list.elements : [list]) {
          const included = this.includeTarget(item);
          if (included) includes.push({ target: included, node: item });
        }
      }
    }
    return narrowed;
  }

  /** `attributes: ['a', ['b', 'alias']]` narrows; `{ include: [...] }` adds; `{ exclude: [...] }` reads the rest. */
  private attributes(value: ts.Expression, draft: ModelUsage): boolean {
    const e = unwrap(value);
    if (ts.isArrayLiteralExpression(e)) {
      for (const element of e.elements) {
        const item = unwrap(element);
        const name = stringValue(item) ?? (ts.isArrayLiteralExpression(item) ? stringValue(item.elements[0]) : undefined);
        const node = ts.isArrayLiteralExpression(item) ? item.elements[0]! : item;
        if (name !== undefined) this.field(draft, name, 'read', node);
      }
      return true;
    }
    const include = objectEntries(e).find((x) => x.key === 'include')?.value;
    for (const s of stringElements(include)) this.field(draft, s.value, 'read', s.node);
    return false;
  }

  /** The `where` of an options object (`{ where: { id } }`). */
  private whereOf(options: ts.Expression | undefined, draft: ModelUsage): void {
    this.where(this.option(this.objectLiteral(options), 'where'), draft);
  }

  /** `where` keys are read; `[Op.or]: [{ … }]` and `[Op.and]` hold more conditions; `'$assoc.col$'` belongs to an include. */
  private where(value: ts.Expression | undefined, draft: ModelUsage): void {
    const object = this.objectLiteral(value);
    if (!object) return;
    for (const p of object.properties) {
      if (ts.isPropertyAssignment(p) && ts.isComputedPropertyName(p.name) && stringValue(p.name.expression) === undefined) {
        const list = unwrap(p.initializer);
        for (const item of ts.isArrayLiteralExpression(list) ? list.elements : [list]) this.where(item, draft);
      }
    }
    for (const entry of objectEntries(object)) {
      if (entry.key.startsWith('$')) continue;
      this.field(draft, entry.key, 'read', entry.keyNode);
    }
  }

  /** `order: [['createdAt', 'DESC'], 'name']`, `group: ['status']`. */
  private order(value: ts.Expression, draft: ModelUsage): void {
    const e = unwrap(value);
    const items = ts.isArrayLiteralExpression(e) ? e.elements : [e];
    for (const item of items) {
      const i = unwrap(item);
      const first = ts.isArrayLiteralExpression(i) ? i.elements[0] : i;
      // `[{ model: Post }, 'title', 'ASC']` orders by an included model's attribute: not this model's.
      if (ts.isArrayLiteralExpression(i) && i.elements.length > 2) continue;
      const name = stringValue(first);
      if (name !== undefined && first) this.field(draft, name, 'read', first);
    }
  }

  private includeTarget(item: ts.Expression): Target | undefined {
    const e = unwrap(item);
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) return this.target(e);
    const model = objectEntries(e).find((x) => x.key === 'model')?.value;
    return model ? this.target(model) : undefined;
  }

  /** `include: [{ model: Post, attributes: ['title'], where: { … } }]`: a usage of the included model. */
  private include(target: Target, node: ts.Expression): void {
    const draft: ModelUsage = { orm: 'sequelize', model: target, fields: [], effect: 'read-all', confidence: 'symbol' in target ? 'certain' : 'likely', ...this.place(node) };
    const includes: { target: Target; node: ts.Expression }[] = [];
    const options = this.objectLiteral(node);
    if (options && this.findOptions(options, draft, includes)) draft.effect = 'none';
    this.facts.usages.push(draft);
    for (const nested of includes) this.include(nested.target, nested.node);
  }

  /** Keys of data objects (one or an array): written. Returns them when every object is a literal. */
  private dataKeys(arg: ts.Expression | undefined, draft: ModelUsage): string[] | undefined {
    const e = arg ? unwrap(arg) : undefined;
    if (!e) return undefined;
    const list = ts.isArrayLiteralExpression(e) ? e.elements : [e];
    const keys: string[] = [];
    for (const item of list) {
      const object = this.objectLiteral(item);
      if (!object || object.properties.some((p) => ts.isSpreadAssignment(p))) return undefined;
      for (const key of this.keys(object, 'write', draft) ?? []) if (!keys.includes(key)) keys.push(key);
    }
    return keys;
  }

  private keys(value: ts.Expression | undefined, kind: ReferenceKind, draft: ModelUsage): string[] | undefined {
    const object = this.objectLiteral(value);
    if (!object) return undefined;
    const keys: string[] = [];
    for (const entry of objectEntries(object)) {
      this.field(draft, entry.key, kind, entry.keyNode);
      keys.push(entry.key);
    }
    return keys;
  }

  private field(draft: ModelUsage, name: string, kind: ReferenceKind, node: ts.Node): void {
    draft.fields.push({ name, kind, ...this.place(node) });
  }

  // ── helpers ─────────────────────────────────────────────────────────────────

  /** An object literal, directly or through a `const`; spreads of such constants are merged (`{ ...base, tableName }`). */
  private objectLiteral(node: ts.Expression | undefined, depth = 0): ts.ObjectLiteralExpression | undefined {
    if (!node || depth > 4) return undefined;
    const e = unwrap(node);
    if (ts.isObjectLiteralExpression(e)) return e;
    if (ts.isIdentifier(e)) {
      const binding = this.scopes.lookup(e);
      if (binding?.kind === 'variable' && binding.node.initializer && ts.getCombinedNodeFlags(binding.node) & ts.NodeFlags.Const) {
        return this.objectLiteral(binding.node.initializer, depth + 1);
      }
    }
    return undefined;
  }

  /** Entries of an object literal with the entries of spread constants in place (`{ ...timestamps, email }`). */
  private entries(object: ts.ObjectLiteralExpression, depth = 0): ObjectEntry[] {
    const out: ObjectEntry[] = [];
    for (const p of object.properties) {
      if (ts.isSpreadAssignment(p)) {
        const spread = depth < 4 ? this.objectLiteral(p.expression) : undefined;
        if (spread) out.push(...this.entries(spread, depth + 1));
      } else {
        const entry = propertyEntry(p);
        if (entry) out.push(entry);
      }
    }
    return out;
  }

  /** An option's value, looking into spread constants too. */
  private option(object: ts.ObjectLiteralExpression | undefined, key: string, depth = 0): ts.Expression | undefined {
    if (!object || depth > 4) return undefined;
    let found: ts.Expression | undefined;
    for (const p of object.properties) {
      if (ts.isSpreadAssignment(p)) {
        const value = this.option(this.objectLiteral(p.expression), key, depth + 1);
        if (value) found = value;
      } else if (ts.isPropertyAssignment(p) && propertyName(p.name) === key) {
        found = p.initializer;
      } else if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) found = p.name;
    }
    return found;
  }

  private place(node: ts.Node): { location: ReturnType<typeof nodeLocation>; snippet: string } {
    const location = nodeLocation(this.input.path, this.sourceFile, node);
    return { location, snippet: lineSnippet(this.input.text, location.line) };
  }
}

