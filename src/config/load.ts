/**
 * Finds and reads the configuration: `rollsafe.config.{ts,mts,mjs,js,cjs,json}` or a `"rollsafe"` key in
 * package.json. JSON configs are only read; JS/TS configs are executed (they are the project's own code),
 * so for untrusted pull requests use JSON.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import type * as AjvModule from 'ajv';
import type { Ajv as AjvClass, ErrorObject } from 'ajv';
import { privateCacheDir } from '../cache-dir.js';
import { readRepoFile, writeFileNoFollow } from '../safe-fs.js';
import { configSchema } from './schema.js';
import type { RollsafeConfig } from './types.js';
import { didYouMean } from '../suggest.js';

export const CONFIG_FILES = ['rollsafe.config.ts', 'rollsafe.config.mts', 'rollsafe.config.mjs', 'rollsafe.config.js', 'rollsafe.config.cjs', 'rollsafe.config.json'];

/** A configuration that cannot be read or is not valid: exit code 2. */
/** Configuration files (and package.json) larger than this are refused: no configuration is that big. */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

/**
 * The text of a configuration file through the one safe read: a link out of the repository, a device or a
 * FIFO, or a file without end is a ConfigError naming the file, never a hang. A file given with `--config`
 * outside the repository was named by the user: only its kind and size are checked.
 */
function readConfigText(file: string, root: string, name: string): string {
  const inside = !relative(root, file).startsWith('..') && !isAbsolute(relative(root, file));
  const read = readRepoFile(inside ? root : null, file, { maxBytes: MAX_CONFIG_BYTES });
  if (!read.ok) throw new ConfigError(`${name}: ${read.message}`);
  return read.bytes.toString('utf8');
}

export class ConfigError extends Error {
  /** Where the problems are (`rollsafe.config.json`), when there are several. */
  readonly source: string;
  /** Each problem, when there are several (the message then lists them one per line). */
  readonly problems: readonly string[];
  constructor(message: string, problems: readonly string[] = [], source = '') {
    super(message);
    this.name = 'ConfigError';
    this.problems = problems;
    this.source = source;
  }
}

export interface LoadedConfig {
  config: RollsafeConfig;
  /** Repository-relative path of the file it came from, or null for defaults. */
  path: string | null;
}

let validator: ReturnType<AjvClass['compile']> | undefined;

/**
 * Checks a configuration value; every problem is reported, each with the closest valid name where a name was
 * misspelled. `ruleIds`, when given, are the rules that exist: a `rules` entry naming another is a problem too
 * (silently ignoring it would leave the rule the user meant to configure at its default).
 */
export function validateConfig(value: unknown, source: string, ruleIds?: readonly string[]): RollsafeConfig {
  if (!validator) {
    // ajv costs a fifth of a second to load: only runs that have a config pay it.
    const { Ajv } = createRequire(import.meta.url)('ajv') as typeof AjvModule;
    validator = new Ajv({ allErrors: true, strict: false }).compile(configSchema);
  }
  const problems: string[] = [];
  if (!validator(value)) {
    const all = validator.errors ?? [];
    // A value that matches no branch of an anyOf: one problem naming what each branch accepts, not one per branch.
    const alternatives = new Set(all.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
    for (const path of alternatives) {
      // Errors deeper inside: the value took the shape of a branch and failed in its parts; name those parts.
      const deeper = all.filter((e) => e.instancePath.startsWith(`${path}/`) && e.keyword !== 'anyOf');
      if (deeper.length) {
        problems.push(...deeper.map(describe));
        continue;
      }
      const accepted = all.filter((e) => e.instancePath === path && e.keyword !== 'anyOf').map(acceptedBy);
      problems.push(`${pathName(path)} must be ${[...new Set(accepted)].join(' or ')}`);
    }
    const inside = (e: ErrorObject): boolean => [...alternatives].some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`));
    for (const error of all) if (error.keyword !== 'anyOf' && !inside(error)) problems.push(describe(error));
    if (problems.length === 0) problems.push('invalid configuration');
  }
  const rules = (value as { rules?: unknown } | null)?.rules;
  if (ruleIds && rules && typeof rules === 'object' && !Array.isArray(rules)) {
    for (const id of Object.keys(rules)) {
      if (!ruleIds.includes(id)) problems.push(`rules: unknown rule "${id}"${didYouMean(id, ruleIds) || '; run rollsafe explain --list'}`);
    }
  }
  if (problems.length === 0) return value as RollsafeConfig;
  const unique = [...new Set(problems)];
  if (unique.length === 1) throw new ConfigError(`${source}: ${unique[0]}`);
  throw new ConfigError(`${source}: ${unique.length} problems:\n${unique.map((p) => `  - ${p}`).join('\n')}`, unique, source);
}

/** The property names the schema allows at a JSON pointer of the config (for "did you mean"). */
function keysAt(pointer: string): string[] {
  let node: unknown = configSchema;
  for (const segment of pointer.split('/').filter(Boolean)) {
    const properties = (node as { properties?: Record<string, unknown> }).properties;
    node = properties?.[segment];
    if (node === undefined) return [];
  }
  return Object.keys((node as { properties?: Record<string, unknown> }).properties ?? {});
}

function pathName(pointer: string): string {
  return pointer ? pointer.slice(1).replace(/\//g, '.') : '(top level)';
}

/** What one failed branch of an anyOf accepts: `one of "a", "b"`, `an array`. */
function acceptedBy(error: ErrorObject): string {
  if (error.keyword === 'enum') return `one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  if (error.keyword === 'type') {
    const type = (error.params as { type: string }).type;
    return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
  }
  return error.message ?? 'valid';
}

function describe(error: ErrorObject): string {
  const path = pathName(error.instancePath);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const name = [error.instancePath.slice(1).replace(/\//g, '.'), key].filter(Boolean).join('.');
      return `unknown key "${name}"${didYouMean(key, keysAt(error.instancePath))}`;
    }
    case 'enum':
      return `${path} must be one of ${((error.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${path} must be ${(error.params as { type: string }).type}`;
    case 'required':
      return `${path} is missing "${(error.params as { missingProperty: string }).missingProperty}"`;
    default:
      return `${path} ${error.message ?? 'is invalid'}`;
  }
}

/** Load the config of the repository at `root`, or the file given with `--config`. */
/**
 * Set to refuse JS/TS configs (they are code, and would run): CI on pull requests from people you do not
 * trust sets it, and then only JSON configs are read.
 */
export const NO_CODE_CONFIG_ENV = 'ROLLSAFE_NO_CODE_CONFIG';

export interface LoadConfigOptions {
  cacheDir?: string;
  /** false: a JS/TS config is a ConfigError instead of being executed. */
  allowCode?: boolean;
  /** The rule ids that exist: a `rules` entry naming another is a ConfigError. */
  ruleIds?: readonly string[];
}

export async function loadConfig(root: string, explicit?: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const read = (file: string, name: string): Promise<RollsafeConfig> => {
    if (options.allowCode === false && !file.endsWith('.json')) {
      return Promise.reject(
        new ConfigError(`${name} is code, and ${NO_CODE_CONFIG_ENV} forbids running it: use rollsafe.config.json (or a "rollsafe" key in package.json) here`),
      );
    }
    return readConfigFile(file, root, options.cacheDir, options.ruleIds);
  };
  if (explicit) {
    const file = resolve(root, explicit);
    if (!existsSync(file)) throw new ConfigError(`config file not found: ${explicit}`);
    const name = relative(root, file).split('\\').join('/');
    return { config: await read(file, name), path: name };
  }
  for (const name of CONFIG_FILES) {
    const file = join(root, name);
    if (existsSync(file)) return { config: await read(file, name), path: name };
  }
  const pkgPath = join(root, 'package.json');
  if (existsSync(pkgPath)) {
    let pkg: unknown;
    // A package.json that is a link out of the repository, a device or endless is refused like a config.
    const text = readConfigText(pkgPath, root, 'package.json');
    try {
      pkg = JSON.parse(text);
    } catch {
      pkg = undefined; // a broken package.json is not rollsafe's to report
    }
    if (pkg && typeof pkg === 'object' && 'rollsafe' in pkg) {
      return { config: validateConfig((pkg as { rollsafe: unknown }).rollsafe, 'package.json "rollsafe"', options.ruleIds), path: 'package.json' };
    }
  }
  return { config: {}, path: null };
}

async function readConfigFile(file: string, root: string, cacheDir?: string, ruleIds?: readonly string[]): Promise<RollsafeConfig> {
  const name = relative(root, file).split('\\').join('/');
  if (file.endsWith('.json')) {
    let value: unknown;
    const text = readConfigText(file, root, name);
    try {
      value = JSON.parse(text);
    } catch (error) {
      // V8 quotes the text around the error, line breaks included: keep the message on one line.
      throw new ConfigError(`${name}: not valid JSON (${(error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ')})`);
    }
    return validateConfig(value, name, ruleIds);
  }
  // The JS/TS config runs, but it is still a file of the repository: a link out of it, a device or an
  // endless file is refused before Node's loader would read it.
  if (!/\.m?ts$/.test(file)) readConfigText(file, root, name);
  let url = pathToFileURL(file).href;
  let cleanup: (() => void) | undefined;
  if (/\.m?ts$/.test(file)) {
    const compiled = await transpileConfig(file, root, cacheDir);
    url = pathToFileURL(compiled.path).href;
    cleanup = compiled.cleanup;
  }
  let module: { default?: unknown };
  try {
    module = (await import(url)) as { default?: unknown };
  } catch (error) {
    throw new ConfigError(`${name} threw while loading: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    cleanup?.();
  }
  let value = module.default;
  if (typeof value === 'function') {
    try {
      value = await (value as () => unknown)();
    } catch (error) {
      throw new ConfigError(`${name}: the exported function threw: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${name} must export a configuration object as its default export (export default defineConfig({ … }))`);
  }
  return validateConfig(value, name, ruleIds);
}

/** TS configs are compiled with the TypeScript compiler ts-morph bundles, into the cache folder. */
async function transpileConfig(file: string, root: string, cacheDir?: string): Promise<{ path: string; cleanup?: () => void }> {
  const source = readConfigText(file, root, relative(root, file).split('\\').join('/'));
  const { ts } = await import('ts-morph');
  const result = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: file,
    reportDiagnostics: true,
  });
  // transpileModule emits something even for broken syntax: a config that does not parse must not load.
  const syntax = result.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
  if (syntax) {
    const at = syntax.file && syntax.start !== undefined ? syntax.file.getLineAndCharacterOfPosition(syntax.start) : undefined;
    const where = at ? ` at line ${at.line + 1}, column ${at.character + 1}` : '';
    throw new ConfigError(`${relative(root, file).split('\\').join('/')}: syntax error${where}: ${ts.flattenDiagnosticMessageText(syntax.messageText, ' ')}`);
  }
  const out = result.outputText;
  // Beside the other caches; never create node_modules in a repository that has none. In the shared temp
  // folder, only a folder of the current user's that no one else can write to (privateCacheDir): a compiled
  // config planted there by another user would run as this one.
  const modules = join(root, 'node_modules');
  const shared = (dir: string): Candidate => ({ dir, create: true });
  const candidates: Array<() => Candidate | null> = cacheDir
    ? [() => shared(cacheDir)]
    : [
        ...(existsSync(modules) ? [() => shared(join(modules, '.cache', 'rollsafe'))] : []),
        () => nullable(privateCacheDir(root), (dir) => ({ dir, create: false })),
        () => nullable(privateCacheDir(root, { fresh: true }), (dir) => ({ dir, create: false, fresh: true })),
      ];
  const name = `config-${createHash('sha1').update(source).digest('hex').slice(0, 12)}.mjs`;
  let failure: unknown = new Error('no private folder to write it to');
  // A read-only checkout: the temp folder, as for the other caches.
  for (const candidate of candidates) {
    const at = candidate();
    if (at === null) continue;
    const target = join(at.dir, name);
    try {
      if (at.create) mkdirSync(at.dir, { recursive: true });
      // Written every time, never taken from an earlier run: the name says which source it came from, not
      // that the bytes there are that source's compiled form.
      writeFileNoFollow(target, out);
      return { path: target, ...(at.fresh ? { cleanup: () => rmSync(at.dir, { recursive: true, force: true }) } : {}) };
    } catch (error) {
      if (at.fresh) rmSync(at.dir, { recursive: true, force: true });
      failure = error;
    }
  }
  const why = failure instanceof Error ? failure.message : String(failure);
  throw new ConfigError(`${relative(root, file).split('\\').join('/')}: cannot write its compiled copy (${why})`);
}

interface Candidate {
  dir: string;
  /** A folder to create (a configured cache, node_modules/.cache); private temp folders exist already. */
  create: boolean;
  /** A folder made for this run only: removed once the config is loaded. */
  fresh?: boolean;
}

function nullable<T, U>(value: T | null, map: (value: T) => U): U | null {
  return value === null ? null : map(value);
}
