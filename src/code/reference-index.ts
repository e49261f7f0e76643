import type { Reference } from './reference.js';

/**
 * References of one code source, indexed for the lookups rules make: "who uses table t", "who uses t.c".
 * Table names compare as written by the database (case-sensitive); a reference without a schema matches
 * a table in any schema on the search path (by default `public`).
 */
export class ReferenceIndex {
  readonly all: readonly Reference[];
  private readonly byTable = new Map<string, Reference[]>();

  constructor(references: readonly Reference[]) {
    this.all = references;
    for (const ref of references) {
      let list = this.byTable.get(ref.table);
      if (!list) this.byTable.set(ref.table, (list = []));
      list.push(ref);
    }
  }

  /** Every reference to the table (table-level and column-level). */
  table(schema: string, table: string, searchPath: readonly string[] = ['public']): Reference[] {
    const list = this.byTable.get(table);
    if (!list) return [];
    return list.filter((r) => (r.schema === undefined ? searchPath.includes(schema) : r.schema === schema));
  }

  /** References to one column of the table. */
  column(schema: string, table: string, column: string, searchPath?: readonly string[]): Reference[] {
    return this.table(schema, table, searchPath).filter((r) => r.column === column);
  }

  get size(): number {
    return this.all.length;
  }
}
