/**
 * Decorators by the name their library exports them under, so that `import { Column as Col } from 'typeorm'`
 * still reads as `Column`, and a `@Column` from another library (class-validator, sequelize-typescript) does not.
 */
import type { ts } from 'ts-morph';
import type { ImportBinding } from '../../facts.js';
import { importsFrom } from '../../imports.js';
import { decoratorCall, decoratorsOf } from '../syntax.js';

export interface LibraryDecorator {
  /** The exported name: `Column`, `Entity`. */
  name: string;
  args: readonly ts.Expression[];
  node: ts.Decorator;
}

export class LibraryDecorators {
  private readonly named = new Map<string, string>();
  private readonly namespaces = new Set<string>();

  constructor(imports: readonly ImportBinding[], modules: readonly string[]) {
    for (const binding of importsFrom(imports, modules)) {
      if (binding.imported === '*' || binding.imported === 'default') this.namespaces.add(binding.local);
      else this.named.set(binding.local, binding.imported);
    }
  }

  get any(): boolean {
    return this.named.size > 0 || this.namespaces.size > 0;
  }

  /** The library's decorators on a node, by exported name. */
  on(node: ts.Node): LibraryDecorator[] {
    const out: LibraryDecorator[] = [];
    for (const decorator of decoratorsOf(node)) {
      const call = decoratorCall(decorator);
      if (!call) continue;
      const name = call.qualifier !== undefined ? (this.namespaces.has(call.qualifier) ? call.name : undefined) : this.named.get(call.name);
      if (name !== undefined) out.push({ name, args: call.args, node: decorator });
    }
    return out;
  }
}
