/**
 * A synchronous call into an async world. ESLint rules are synchronous, while discovery, config loading
 * and code scanning are async; a worker thread runs them and the main thread blocks on `Atomics.wait`
 * until the answer is posted. Run from TypeScript sources (rollsafe's own tests), the worker compiles the
 * sources it imports with the TypeScript compiler through a module hook.
 */
import { createRequire } from 'node:module';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { GatherReply, GatherRequest } from './gather.js';

/** A first call also loads the worker's modules (ts-morph, the extractors): allow for a slow machine. */
const DEFAULT_TIMEOUT_MS = 120_000;

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
      if (left <= 0) throw new WorkerCallError(`the rollsafe worker did not answer a ${request.kind} request within ${Math.round(timeoutMs / 1000)} s`);
      Atomics.wait(this.counter, 0, seen, left);
      seen = Atomics.load(this.counter, 0);
    }
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

// CommonJS, because eval workers are scripts; the entry module is imported once the hooks are in place.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
if (workerData.hooks) require('node:module').register('data:text/javascript,' + encodeURIComponent(workerData.hooks));
import(workerData.entry);
`;

/** Module hooks that run `.ts` sources: `./x.js` resolves to `./x.ts` when only that exists, compiled by TypeScript. */
function typescriptHooks(): string {
  const typescript = createRequire(import.meta.url).resolve('typescript');
  return `
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const ts = createRequire(${JSON.stringify(typescript)})(${JSON.stringify(typescript)});
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
  const output = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  return { format: 'module', source: output, shortCircuit: true };
}
`;
}
