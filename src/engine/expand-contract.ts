/**
 * The SQL of the expand/contract sequences that code-aware rules recommend: a new column kept in sync with
 * the old one by a trigger, a batched backfill, then the switch and the clean-up.
 */
import { objectKey, type Schema } from '../schema/model.js';
import { formatQualified, quoteIdent } from '../sql/quote.js';
import type { QualifiedName } from '../sql/types.js';
import type { FixStep } from './types.js';

export interface ColumnSwap {
  table: QualifiedName;
  oldColumn: string;
  newColumn: string;
  /** Type of the new column as SQL (`text`, `bigint`). */
  newType: string;
  /** SQL expression turning the old value into the new one (`old_col`, `old_col::bigint`). */
  convert: string;
  /** SQL expression turning the new value back into the old one, for writes of the old release. */
  convertBack: string;
}

/** The primary key column used to batch a backfill, when the schema knows a single-column one. */
export function batchKey(schema: Schema, table: QualifiedName): string | undefined {
  const t = schema.tables.get(objectKey(table));
  const pk = t?.constraints.find((c) => c.type === 'primary-key');
  return pk && pk.columns.length === 1 ? pk.columns[0] : undefined;
}

export function columnSwapSteps(swap: ColumnSwap, schema: Schema): FixStep[] {
  const t = formatQualified(swap.table);
  const o = quoteIdent(swap.oldColumn);
  const n = quoteIdent(swap.newColumn);
  const fn = quoteIdent(`${swap.table.name}_sync_${swap.newColumn}`.slice(0, 63));
  const key = batchKey(schema, swap.table);
  const batch = key
    ? `-- Repeat until it updates 0 rows (each batch is a short transaction):
UPDATE ${t} SET ${n} = ${swap.convert}
WHERE ${quoteIdent(key)} IN (
  SELECT ${quoteIdent(key)} FROM ${t}
  WHERE ${n} IS DISTINCT FROM ${swap.convert}
  LIMIT 10000
);`
    : `-- In batches (by primary key ranges), each a short transaction:
UPDATE ${t} SET ${n} = ${swap.convert} WHERE ${n} IS DISTINCT FROM ${swap.convert};`;
  return [
    { title: 'Expand: add the new column (nullable, no default, so no rewrite).', sql: `ALTER TABLE ${t} ADD COLUMN ${n} ${swap.newType};` },
    {
      title: 'Keep both columns in sync while old and new code run side by side.',
      sql: `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.${o} IS DISTINCT FROM OLD.${o} THEN
    NEW.${n} := ${swap.convert.split(o).join(`NEW.${o}`)};
  ELSIF NEW.${n} IS DISTINCT FROM OLD.${n} THEN
    NEW.${o} := ${swap.convertBack.split(n).join(`NEW.${n}`)};
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ${fn} BEFORE INSERT OR UPDATE ON ${t}
  FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
    },
    { title: 'Backfill existing rows in batches.', sql: batch },
    { title: `Release code that reads and writes ${n} only; let it replace every running instance.` },
    {
      title: 'Contract: in a later migration, drop the trigger and the old column.',
      sql: `DROP TRIGGER ${fn} ON ${t};\nDROP FUNCTION ${fn}();\nALTER TABLE ${t} DROP COLUMN ${o};`,
    },
  ];
}
