/**
 * TS/JS migrations read statically into the Change vocabulary: the file is parsed with the TypeScript
 * parser (never type-checked, never executed, no module resolution), its `up` followed by the walker, and
 * each call of the tool's API turned into Changes by that tool's reader. Calls that cannot be read become
 * `unanalysed-statement` warnings, counted against those that could.
 */
import type { Diagnostic } from '../../diagnostic.js';
import { fileStart } from '../../location.js';
import type { Migration } from '../../migrations/migration.js';
import { findUp, isScriptLayout, type ScriptLayoutName } from '../../migrations/script-syntax.js';
import type { Change } from '../types.js';
import { MigrationSink } from './emit.js';
import { dbMigrateTool } from './db-migrate.js';
import { knexTool } from './knex.js';
import { kyselyTool } from './kysely.js';
import { mikroOrmTool } from './mikro-orm.js';
import { nodePgMigrateTool } from './node-pg-migrate.js';
import { declareStatements, reassignedNames, Scope } from './scope.js';
import { sequelizeTool } from './sequelize.js';
import { ScriptSource } from './source.js';
import type { ScriptTool } from './tool.js';
import { typeormTool } from './typeorm.js';
import { Walker } from './walk.js';

export interface ScriptMigrationRead {
  changes: Change[];
  diagnostics: Diagnostic[];
  /** Calls of the tool's API in `up`: read into Changes, or reported as `unanalysed-statement`. */
  calls: { analysed: number; unanalysed: number };
}

const TOOLS: Record<ScriptLayoutName, ScriptTool> = {
  knex: knexTool,
  kysely: kyselyTool,
  typeorm: typeormTool,
  'node-pg-migrate': nodePgMigrateTool,
  sequelize: sequelizeTool,
  'mikro-orm': mikroOrmTool,
  'db-migrate': dbMigrateTool,
};

/** Reads a TS/JS migration (the SQL parser must be loaded). Never throws: problems become diagnostics. */
export function readScriptMigration(migration: Migration, searchPath: readonly string[] = ['public']): ScriptMigrationRead {
  const empty: ScriptMigrationRead = { changes: [], diagnostics: [], calls: { analysed: 0, unanalysed: 0 } };
  if (!isScriptLayout(migration.layout)) return empty;
  try {
    const source = new ScriptSource(migration.path, migration.text);
    const sink = new MigrationSink(source, searchPath);
    const up = findUp(source.file);
    if (!up) {
      return {
        ...empty,
        diagnostics: [
          {
            code: 'migration-no-up',
            severity: 'warning',
            message: `rollsafe found no \`up\` function in this ${migration.layout} migration, so none of its changes are checked.`,
            location: fileStart(migration.path),
            hint: 'Export `up` the way the tool expects it (a function or a method of the migration class).',
          },
        ],
      };
    }
    const tool = TOOLS[migration.layout];
    const top = new Scope(undefined, reassignedNames(source.file));
    declareStatements(source.file.statements, top);
    const walker = new Walker(source, sink, tool.roots, up.classDecl);
    walker.run(up.fn, tool.params(up.fn), top, tool.call, undefined, tool.thisRoot ? { kind: 'root', root: tool.thisRoot } : undefined);
    return sink.result();
  } catch (error) {
    return {
      ...empty,
      diagnostics: [
        {
          code: 'migration-read-failed',
          severity: 'error',
          message: `rollsafe failed to read this ${migration.layout} migration: ${error instanceof Error ? error.message : String(error)}`,
          location: fileStart(migration.path),
          hint: 'Please report this as a rollsafe bug.',
        },
      ],
    };
  }
}
