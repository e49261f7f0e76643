import { defineRule } from '../src/engine/rule.js';
import type { RuleContext } from '../src/engine/types.js';

/** NAMEDATALEN - 1: Postgres truncates longer identifiers (with only a NOTICE). */
const MAX_BYTES = 63;

/** Statements that name new objects (other statements only refer to names, truncated the same way). */
const NAMING = new Set([
  'CreateStmt', 'AlterTableStmt', 'IndexStmt', 'RenameStmt', 'ViewStmt', 'CreateTableAsStmt', 'CreateEnumStmt', 'CreateDomainStmt',
  'CreateSeqStmt', 'CreateSchemaStmt', 'CreateFunctionStmt', 'CreateTrigStmt', 'CompositeTypeStmt', 'CreatePolicyStmt', 'AlterDomainStmt',
]);

export default defineRule({
  id: 'identifier-too-long',
  family: 'type-choice',
  severity: 'warning',
  summary: 'An identifier longer than 63 bytes, which Postgres silently truncates.',
  docs: {
    problem: `Postgres truncates identifiers to 63 bytes with only a \`NOTICE\`. The object is created under another name
than the one in the migration: code, ORM models and later migrations that use the full name may not find it, and
two long names that share their first 63 bytes collide (\`relation "…" already exists\`). Multi-byte characters
reach the limit sooner than 63 characters.`,
    solution: `Shorten the name to 63 bytes or less, keeping its distinctive part at the start:

\`\`\`sql
CREATE INDEX orders_customer_created_idx ON orders (customer_id, created_at);
\`\`\``,
    examples: {
      invalid: [
        {
          title: 'An index name over the limit',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, created_at timestamptz);',
          sql: 'CREATE INDEX CONCURRENTLY orders_customer_id_created_at_for_the_monthly_billing_report_idx ON orders (customer_id, created_at);',
        },
      ],
      valid: [
        {
          title: 'A short name',
          history: 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, created_at timestamptz);',
          sql: 'CREATE INDEX CONCURRENTLY orders_customer_created_idx ON orders (customer_id, created_at);',
        },
      ],
    },
    squawk: ['identifier-too-long'],
  },
  check(ctx) {
    const seen = new Set<number>();
    const generated = generatedNames(ctx);
    for (const { change } of ctx.steps) {
      const statement = change.statement;
      if (seen.has(statement.index) || !NAMING.has(statement.type)) continue;
      seen.add(statement.index);
      for (const name of statement.longIdentifiers ?? []) {
        if (generated.has(name)) continue;
        ctx.report({
          message: `The identifier "${name}" is ${Buffer.byteLength(name, 'utf8')} bytes long; Postgres truncates it to 63 bytes ("${truncate(name)}") without an error.`,
          help: 'Shorten the name to 63 bytes or less.',
          location: change.location,
          statement,
        });
      }
    }
  },
});

/**
 * Names drizzle-kit generated (`<table>_<columns>_<table>_<columns>_fk`, `…_pk`, `…_unique`) in a drizzle-kit
 * migration: the generator builds them from the schema and Postgres truncates them the same way on every run,
 * so the truncation is harmless unless two of them collide, which stays reported.
 */
function generatedNames(ctx: RuleContext): Set<string> {
  const out = new Set<string>();
  if (ctx.migration.layout !== 'drizzle') return out;
  const long = [...new Set(ctx.steps.flatMap((s) => s.change.statement.longIdentifiers ?? []))];
  const truncated = new Map<string, number>();
  for (const name of long) truncated.set(truncate(name), (truncated.get(truncate(name)) ?? 0) + 1);
  for (const name of long) if (/_(fk|pk|unique|index|idx)$/.test(name) && truncated.get(truncate(name)) === 1) out.add(name);
  return out;
}

/** The first 63 bytes of a name, cut at a character boundary (as Postgres' truncate_identifier does). */
function truncate(name: string): string {
  let out = '';
  for (const ch of name) {
    if (Buffer.byteLength(out + ch, 'utf8') > MAX_BYTES) break;
    out += ch;
  }
  return out;
}
