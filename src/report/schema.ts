/** `rollsafe schema`: the replayed schema, for people (pretty) or tools (json). */
import type { ChalkInstance } from 'chalk';
import { compareStrings } from '../compare.js';
import type { Column, Schema, Table } from '../schema/model.js';
import { sanitizeLine } from './sanitize.js';

const byKey = <T>(map: ReadonlyMap<string, T>): T[] => [...map.entries()].sort((a, b) => compareStrings(a[0], b[0])).map(([, v]) => v);

function columnJson(c: Column): object {
  return {
    name: c.name,
    type: c.type.display,
    notNull: c.notNull,
    default: c.default?.text ?? null,
    identity: c.identity ?? null,
    generated: c.generated ? c.generated.expression : null,
    createdBy: c.createdBy,
    renamedFrom: c.renamedFrom?.name ?? null,
  };
}

export function schemaToJson(schema: Schema): object {
  return {
    schemas: [...schema.schemas].sort(compareStrings),
    tables: byKey(schema.tables).map((t) => ({
      schema: t.schema,
      name: t.name,
      kind: t.kind,
      columns: t.columns.map(columnJson),
      constraints: t.constraints.map((c) => ({
        name: c.name,
        type: c.type,
        columns: c.columns,
        validated: c.validated,
        references: c.references ? { schema: c.references.table.schema, table: c.references.table.name, columns: c.references.columns } : null,
        expression: c.expression ?? null,
      })),
      indexes: byKey(schema.indexes)
        .filter((i) => i.table.schema === t.schema && i.table.name === t.name)
        .map((i) => ({ name: i.name, columns: i.columns, unique: i.unique })),
      createdBy: t.createdBy,
      renamedFrom: t.renamedFrom?.name ?? null,
    })),
    views: byKey(schema.views).map((v) => ({ schema: v.schema, name: v.name, materialized: v.materialized, columns: v.columns, createdBy: v.createdBy })),
    types: byKey(schema.types).map((t) =>
      t.kind === 'enum'
        ? { kind: 'enum', schema: t.schema, name: t.name, values: t.values }
        : { kind: 'domain', schema: t.schema, name: t.name, baseType: t.baseType.display, notNull: t.notNull, checks: t.checks },
    ),
  };
}

/** Names come from the migrations: escaped like any other text of the repository. */
function qualified(schema: string, name: string): string {
  return sanitizeLine(schema === 'public' ? name : `${schema}.${name}`);
}

function columnLine(c: Column, width: number, typeWidth: number, chalk: ChalkInstance): string {
  const attrs = [
    c.notNull ? 'not null' : '',
    c.identity ? `identity (${c.identity === 'always' ? 'always' : 'by default'})` : '',
    c.generated ? `generated (${c.generated.expression})` : '',
    c.default && !c.identity && !c.generated ? `default ${c.default.text}` : '',
  ].filter(Boolean);
  return `    ${sanitizeLine(c.name.padEnd(width))}  ${chalk.cyan(sanitizeLine(c.type.display.padEnd(typeWidth)))}  ${sanitizeLine(attrs.join(', '))}`.trimEnd();
}

function tableBlock(t: Table, schema: Schema, chalk: ChalkInstance): string[] {
  const width = Math.max(...t.columns.map((c) => c.name.length), 4);
  const typeWidth = Math.max(...t.columns.map((c) => c.type.display.length), 4);
  const origin = t.createdBy ? chalk.dim(`  (${t.createdBy})`) : '';
  const lines = [`${chalk.bold(qualified(t.schema, t.name))}${t.kind === 'partitioned-table' ? ' (partitioned)' : ''}${origin}`];
  for (const c of t.columns) lines.push(columnLine(c, width, typeWidth, chalk));
  for (const c of t.constraints) {
    const target = c.references ? ` → ${qualified(c.references.table.schema, c.references.table.name)}(${sanitizeLine(c.references.columns.join(', '))})` : '';
    const expr = c.expression ? ` ${c.expression}` : '';
    lines.push(chalk.dim(sanitizeLine(`    ${c.type} ${c.name} (${c.columns.join(', ')})`) + `${target}${sanitizeLine(expr)}${c.validated ? '' : ' NOT VALID'}`));
  }
  for (const i of byKey(schema.indexes)) {
    if (i.table.schema !== t.schema || i.table.name !== t.name || i.constraint) continue;
    lines.push(chalk.dim(sanitizeLine(`    index ${i.name}${i.unique ? ' unique' : ''} (${i.columns.map((c) => c ?? '<expression>').join(', ')})`)));
  }
  return lines;
}

export function formatSchema(schema: Schema, chalk: ChalkInstance): string {
  const out: string[] = [];
  for (const t of byKey(schema.tables)) out.push(...tableBlock(t, schema, chalk), '');
  for (const v of byKey(schema.views)) {
    out.push(`${chalk.bold(qualified(v.schema, v.name))} ${chalk.dim(v.materialized ? '(materialized view)' : '(view)')}`, `    ${sanitizeLine(v.columns.join(', '))}`, '');
  }
  for (const t of byKey(schema.types)) {
    if (t.kind === 'enum') out.push(`${chalk.bold(qualified(t.schema, t.name))} ${chalk.dim('(enum)')}  ${t.values.map((v) => `'${sanitizeLine(v)}'`).join(', ')}`);
    else out.push(`${chalk.bold(qualified(t.schema, t.name))} ${chalk.dim('(domain)')}  ${sanitizeLine(`${t.baseType.display}${t.checks.length ? ` check ${t.checks.join(' and ')}` : ''}`)}`);
  }
  if (schema.types.size) out.push('');
  if (out.length === 0) out.push('(empty schema)', '');
  return out.join('\n');
}
