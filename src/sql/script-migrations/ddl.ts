/** SQL text that builder readers assemble: quoted names and literals, as the tools' Postgres dialects write them. */

/** A table (or type, index…) name as a tool receives it: an optional schema and a name. */
export interface ObjectName {
  schema?: string;
  name: string;
}

/** `"name"`, with embedded quotes doubled. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `"schema"."name"` or `"name"`. */
export function qualified(name: ObjectName): string {
  return name.schema ? `${ident(name.schema)}.${ident(name.name)}` : ident(name.name);
}

/** `'text'`, with embedded quotes doubled. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `schema.table` split on its first dot (Knex, Kysely and TypeORM accept qualified names as one string). */
export function dottedName(value: string, schema?: string): ObjectName {
  const dot = value.indexOf('.');
  if (dot > 0 && schema === undefined) return { schema: value.slice(0, dot), name: value.slice(dot + 1) };
  return schema === undefined ? { name: value } : { schema, name: value };
}

export function columnList(columns: readonly string[]): string {
  return columns.map(ident).join(', ');
}
