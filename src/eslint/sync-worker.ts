/**
 * A synchronous call into an async world. ESLint rules are synchronous, while discovery, config loading
 * and code scanning are async; a worker thread runs them and the main thread blocks on `Atomics.wait`
 * until the answer is posted. Run from TypeScript sources (rollsafe's own tests), the worker compiles the
 * sources it imports with the TypeScript compiler through a module hook.
 */
import { createRequire } from 'node:module';
import { ensurePrivateDir, tempCacheBase } from '../cache-dir.js';
import { join } from 'node:path';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { GatherReply, GatherRequest } from './gather.js';

/** A first call also loads the worker's modules (ts-morph, the extractors), and a first scan of a large base ref takes a while. */
const DEFAULT_TIMEOUT_MS = 300_000;

export class WorkerCallError extends Error {
  override readonly name = 'WorkerCallError';
}

export class SyncWorker {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private readonly signal = new SharedArrayBuffer(4);
  private readonly counter = new Int32Array(this.signal);
  private nextId = 1;

  call<R extends GatherRequest>(request: R, timeoutMs = DEFAULT_TIMEOUT_MS): GatherReply<R> {
    const port = this.start();
    const id = this.nextId++;
    let seen = Atomics.load(this.counter, 0);
    port.postMessage({ id, request });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const received = receiveMessageOnPort(port);
      if (received) {
        const reply = received.message as { id: number; ok: boolean; value?: unknown; message?: string };
        if (reply.id !== id) continue; // the late answer of a call that timed out
        if (!reply.ok) throw new WorkerCallError(reply.message ?? 'the rollsafe worker failed');
        return reply.value as GatherReply<R>;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        this.terminate();
        throw new WorkerCallError(`the rollsafe worker did not answer a ${request.kind} request within ${Math.round(timeoutMs / 1000)} s`);
      }
      // In slices: a thread that died never notifies, and its threadId turns -1 before any event can run.
      if (Atomics.wait(this.counter, 0, seen, Math.min(left, 250)) === 'timed-out' && this.worker?.threadId === -1) {
        this.terminate();
        throw new WorkerCallError('the rollsafe worker stopped unexpectedly');
      }
      seen = Atomics.load(this.counter, 0);
    }
  }

  /** Starts the thread (it loads its modules meanwhile), so that the first call waits less. */
  warmUp(): void {
    this.start();
  }

  /** Stops the thread; the next call starts a new one. */
  terminate(): void {
    void this.worker?.terminate();
    this.port?.close();
    this.worker = undefined;
    this.port = undefined;
  }

  private start(): MessagePort {
    if (this.port && this.worker) return this.port;
    const { port1, port2 } = new MessageChannel();
    const fromSources = import.meta.url.endsWith('.ts');
    const entry = new URL(fromSources ? './worker.ts' : './worker.js', import.meta.url).href;
    const worker = new Worker(BOOTSTRAP, {
      eval: true,
      workerData: { entry, hooks: fromSources ? typescriptHooks() : null, port: port2, signal: this.signal },
      transferList: [port2],
    });
    // The thread must never keep ESLint (or an editor's server) alive, nor crash it.
    worker.unref();
    worker.on('error', () => this.terminate());
    worker.on('exit', () => {
      if (this.worker === worker) {
        this.worker = undefined;
        this.port = undefined;
      }
    });
    port1.unref();
    this.worker = worker;
    this.port = port1;
    return port1;
  }
}

// CommonJS, because eval workers are scripts. A worker that cannot start answers every call with why.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const fail = (error) => {
  const counter = new Int32Array(workerData.signal);
  const message = 'the rollsafe worker could not start: ' + ((error && error.stack) || String(error));
  workerData.port.on('message', ({ id }) => {
    workerData.port.postMessage({ id, ok: false, message });
    Atomics.add(counter, 0, 1);
    Atomics.notify(counter, 0);
  });
};
try {
  if (workerData.hooks) require('node:module').register('data:text/javascript,' + encodeURIComponent(workerData.hooks));
  import(workerData.entry).catch(fail);
} catch (error) {
  fail(error);
}
`;

/**
 * Module hooks that run `.ts` sources: `./x.js` resolves to `./x.ts` when only that exists, compiled by
 * TypeScript (loaded only on a cache miss; compiled modules are kept in the temp folder by size and mtime).
 */
function typescriptHooks(): string {
  const typescript = createRequire(import.meta.url).resolve('typescript');
  // Compiled modules are imported from there: only a per-user folder no one else can write to, else no cache.
  const base = tempCacheBase();
  const cache = ensurePrivateDir(base) && ensurePrivateDir(join(base, 'eslint-worker-ts')) ? join(base, 'eslint-worker-ts') : null;
  return `
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
const cache = ${JSON.stringify(cache)};
let ts;
export async function resolve(specifier, context, next) {
  if (context.parentURL && context.parentURL.endsWith('.ts') && specifier.startsWith('.') && specifier.endsWith('.js')) {
    const url = new URL(specifier, context.parentURL);
    const source = new URL(url.href.slice(0, -3) + '.ts');
    if (!existsSync(fileURLToPath(url)) && existsSync(fileURLToPath(source))) return { url: source.href, shortCircuit: true };
  }
  return next(specifier, context);
}
export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const stat = statSync(file);
  const cached = cache && join(cache, createHash('sha1').update(file + ':' + stat.size + ':' + stat.mtimeMs).digest('hex') + '.js');
  if (cached && existsSync(cached)) return { format: 'module', source: readFileSync(cached, 'utf8'), shortCircuit: true };
  ts ??= createRequire(${JSON.stringify(typescript)})(${JSON.stringify(typescript)});
  const output = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  if (cached) try {
    const temp = cached + '.' + process.pid + '.tmp';
    writeFileSync(temp, output);
    renameSync(temp, cached);
  } catch {
    // a read-only temp folder: compile again next time
  }
  return { format: 'module', source: output, shortCircuit: true };
}
`;
}
