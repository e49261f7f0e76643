/**
 * MikroORM migrations: `up()` queues SQL with `this.addSql(sql)` (or runs it at once with
 * `this.execute(sql)`); the SQL is read as written. Query builders and the entity manager are not modelled.
 */
import type { ts } from 'ts-morph';
import { emitFirstArgumentSql } from './raw.js';
import type { Chain } from './scope.js';
import type { ScriptTool } from './tool.js';
import type { CallContext } from './walk.js';

export const mikroOrmTool: ScriptTool = {
  roots: new Set(['migration']),
  params: () => [],
  thisRoot: 'migration',
  call: mikroOrmCall,
};

function mikroOrmCall(chain: Chain, node: ts.Expression, ctx: CallContext): boolean {
  if (chain.root !== 'migration') return false;
  const head = chain.links[0];
  if (!head?.args) {
    // this.getKnex().schema…, this.getEntityManager().…: built at run time.
    if (head && chain.links.some((l) => l.args) && /^(getKnex|getEntityManager|driver|ctx)$/.test(head.name)) {
      ctx.operation(`this.${head.name}`, node, (emit) => emit.unanalysed(node, `rollsafe does not model \`this.${head.name}\``));
    }
    return true;
  }
  if (head.name === 'addSql' || head.name === 'execute') {
    ctx.operation(`this.${head.name}`, head.node, (emit) => emitFirstArgumentSql(head, emit, ctx.walker.source));
    return true;
  }
  if (/^(getKnex|getEntityManager)$/.test(head.name)) {
    if (chain.links.length > 1) ctx.operation(`this.${head.name}`, node, (emit) => emit.unanalysed(node, `rollsafe does not model \`this.${head.name}()\``));
    return true;
  }
  return true;
}
