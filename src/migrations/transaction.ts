/**
 * Transaction behaviour shared by several tools: sending a whole file as one multi-statement query (simple
 * query protocol, or one pipeline ending in a single Sync) makes Postgres run its statements in one
 * implicit transaction; a single statement runs on its own.
 */
import type { LayoutRead } from './layout.js';
import { scanStatements, type ScannedStatement } from './statement-scan.js';

type TransactionFacts = Pick<LayoutRead, 'transaction' | 'transactionReason' | 'transactionScope'>;

/**
 * `how` says how the tool sends the file, e.g. "Prisma Migrate sends migration.sql as one query".
 * `statements` defaults to every statement of `sql`.
 */
export function implicitTransaction(sql: string, how: string, statements: ScannedStatement[] = scanStatements(sql)): TransactionFacts {
  if (statements.length <= 1) {
    return {
      transaction: 'none',
      transactionReason: `${how}; with a single statement, Postgres runs it on its own, outside any transaction block.`,
    };
  }
  return {
    transaction: 'wrapped',
    transactionScope: 'implicit',
    transactionReason: `${how}; Postgres runs its ${statements.length} statements as one implicit transaction (an explicit BEGIN/COMMIT in the file takes over).`,
  };
}

/** First statement whose head matches one of `patterns` (upper-cased, single-spaced statement starts). */
export function firstMatching(statements: ScannedStatement[], patterns: readonly RegExp[]): ScannedStatement | undefined {
  return statements.find((s) => patterns.some((p) => p.test(s.head)));
}
