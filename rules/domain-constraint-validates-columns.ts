import { defineRule } from '../src/engine/rule.js';
import { domainUsers, isExisting, lockInfo } from '../src/engine/locks.js';
import type { Schema } from '../src/schema/model.js';
import { formatQualified, quoteIdent } from '../src/sql/quote.js';
import type { QualifiedName } from '../src/sql/types.js';

export default defineRule({
  id: 'domain-constraint-validates-columns',
  family: 'lock',
  severity: 'error',
  summary: 'ALTER DOMAIN … ADD CONSTRAINT checks every column of the domain, blocking writes to each table that uses it.',
  docs: {
    problem: `A constraint added to a domain applies to every column of that domain, in every table. Postgres checks all
their rows while holding a \`SHARE\` lock on each of those tables: writes to all of them wait until the check ends.
\`ADD CONSTRAINT … NOT VALID\` skips the check, but the later \`ALTER DOMAIN … VALIDATE CONSTRAINT\` takes the same
\`SHARE\` locks (checked on Postgres 18), so for a domain \`NOT VALID\` only postpones the blocking: rollsafe
reports the \`VALIDATE\` then.

Columns of a constrained domain have other costs too: adding one rewrites the table (see
[\`add-column-rewrites-table\`](add-column-rewrites-table.md)), and so does changing a column's type to it.`,
    solution: `Enforce the rule with a \`CHECK\` constraint on each table instead; table constraints can be validated
without blocking writes:

\`\`\`sql
ALTER TABLE customers ADD CONSTRAINT customers_email_format CHECK (email ~ '@') NOT VALID;
ALTER TABLE customers VALIDATE CONSTRAINT customers_email_format;  -- SHARE UPDATE EXCLUSIVE
\`\`\`

rollsafe lists the tables and columns that use the domain, from the replayed schema; a domain no existing table
uses is not reported.`,
    examples: {
      invalid: [
        {
          title: 'A new constraint on a domain that existing columns use',
          history: 'CREATE DOMAIN email AS text;\nCREATE TABLE customers (id bigint PRIMARY KEY, contact email);',
          sql: "ALTER DOMAIN email ADD CONSTRAINT email_format CHECK (VALUE ~ '@');",
        },
      ],
      valid: [
        {
          title: 'A CHECK on the table, NOT VALID',
          history: 'CREATE DOMAIN email AS text;\nCREATE TABLE customers (id bigint PRIMARY KEY, contact email);',
          sql: "ALTER TABLE customers ADD CONSTRAINT customers_contact_format CHECK (contact ~ '@') NOT VALID;",
        },
      ],
    },
    squawk: ['ban-alter-domain-with-add-constraint', 'ban-create-domain-with-constraint'],
  },
  check(ctx) {
    for (const step of ctx.steps) {
      const { change } = step;
      let domain: QualifiedName | undefined;
      let check = '…';
      let validating = false;
      if (change.kind === 'add-domain-constraint') {
        // NOT VALID checks nothing now; the VALIDATE CONSTRAINT that follows is reported instead.
        if (change.constraint.notValid) continue;
        domain = change.type;
        check = change.constraint.expression ?? check;
      } else if (change.kind === 'other' && change.statement.type === 'AlterDomainStmt') {
        domain = validatedDomain(step.before, change.statement.text);
        validating = domain !== undefined;
      }
      if (!domain) continue;
      const users = domainUsers(step.before, domain).filter((u) => isExisting(ctx, step.before, u.table));
      if (users.length === 0) continue;
      const tables = [...new Map(users.map((u) => [formatQualified(u.table), u.table])).values()];
      const list = users.map((u) => `${formatQualified(u.table)}.${u.column}`).join(', ');
      ctx.report({
        message: `${validating ? 'Validating a constraint of' : 'Adding a constraint to'} the domain ${formatQualified(domain)} checks every row of ${list} while holding a SHARE lock on ${tables.map((t) => formatQualified(t)).join(', ')}, which blocks writes.`,
        help: 'Put the rule in a CHECK constraint on each table (NOT VALID, then VALIDATE CONSTRAINT) instead.',
        location: change.location,
        statement: change.statement,
        target: { schema: users[0]!.table.schema, table: users[0]!.table.name, column: users[0]!.column },
        lock: lockInfo({ relation: users[0]!.table, kind: 'table', mode: 'SHARE' }),
        fix: {
          summary: 'Enforce the rule per table, validated without blocking writes.',
          steps: users.map((u) => {
            const t = formatQualified(u.table);
            const name = quoteIdent(`${u.table.name}_${u.column}_check`.slice(0, 63));
            return {
              title: `On ${t}.${u.column}:`,
              sql: `ALTER TABLE ${t} ADD CONSTRAINT ${name} CHECK (${check.replace(/\bVALUE\b/gi, quoteIdent(u.column))}) NOT VALID;\nALTER TABLE ${t} VALIDATE CONSTRAINT ${name};`,
            };
          }),
        },
      });
    }
  },
});

/** The domain of an `ALTER DOMAIN name VALIDATE CONSTRAINT c` statement, found in the schema. */
function validatedDomain(schema: Schema, text: string): QualifiedName | undefined {
  const match = /^\s*ALTER\s+DOMAIN\s+((?:"[^"]+"|[\w$]+)(?:\s*\.\s*(?:"[^"]+"|[\w$]+))?)\s+VALIDATE\s+CONSTRAINT\b/i.exec(text);
  if (!match) return undefined;
  const parts = match[1]!.split(/\s*\.\s*/).map((p) => (p.startsWith('"') ? p.slice(1, -1).replace(/""/g, '"') : p.toLowerCase()));
  const name = parts[parts.length - 1]!;
  const found = [...schema.types.values()].find((t) => t.kind === 'domain' && t.name === name && (parts.length === 1 || t.schema === parts[0]));
  return found ? { schema: found.schema, name: found.name } : undefined;
}
