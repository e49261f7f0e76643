/** Every rule, one file each. The README rule table and docs/rules are generated from this list. */
import type { Rule } from '../src/engine/types.js';
import addColumnRewritesTable from './add-column-rewrites-table.js';
import addSerialPrimaryKey from './add-serial-primary-key.js';
import banCluster from './ban-cluster.js';
import banDropDatabase from './ban-drop-database.js';
import banDropTable from './ban-drop-table.js';
import banLockTable from './ban-lock-table.js';
import banTruncateCascade from './ban-truncate-cascade.js';
import banVacuumFull from './ban-vacuum-full.js';
import changedTypeInUse from './changed-type-in-use.js';
import columnTypeRewritesTable from './column-type-rewrites-table.js';
import concurrentlyInTransaction from './concurrently-in-transaction.js';
import domainConstraintValidatesColumns from './domain-constraint-validates-columns.js';
import droppedColumnInUse from './dropped-column-in-use.js';
import droppedTableInUse from './dropped-table-in-use.js';
import duplicateColumnAssignment from './duplicate-column-assignment.js';
import enumValueInTransaction from './enum-value-in-transaction.js';
import identifierTooLong from './identifier-too-long.js';
import nestedTransaction from './nested-transaction.js';
import notNullColumnWithoutDefault from './not-null-column-without-default.js';
import preferBigintKeys from './prefer-bigint-keys.js';
import preferIdentity from './prefer-identity.js';
import preferJsonb from './prefer-jsonb.js';
import preferRobustStatements from './prefer-robust-statements.js';
import preferTextOverChar from './prefer-text-over-char.js';
import preferTextOverVarchar from './prefer-text-over-varchar.js';
import preferTimestamptz from './prefer-timestamptz.js';
import renamedColumnInUse from './renamed-column-in-use.js';
import renamedTableInUse from './renamed-table-in-use.js';
import requireConcurrentIndexDrop from './require-concurrent-index-drop.js';
import requireConcurrentIndex from './require-concurrent-index.js';
import requireConcurrentPartitionDetach from './require-concurrent-partition-detach.js';
import requireConcurrentRefresh from './require-concurrent-refresh.js';
import requireConcurrentReindex from './require-concurrent-reindex.js';
import requireLockTimeout from './require-lock-timeout.js';
import requireNotValidCheck from './require-not-valid-check.js';
import requireNotValidForeignKey from './require-not-valid-foreign-key.js';
import requireStatementTimeout from './require-statement-timeout.js';
import requireUniqueUsingIndex from './require-unique-using-index.js';
import requiredColumnNotWritten from './required-column-not-written.js';
import setNotNullScansTable from './set-not-null-scans-table.js';
import slowStatementUnderLock from './slow-statement-under-lock.js';
import suppressionWithoutReason from './suppression-without-reason.js';
import transactionInWrappedMigration from './transaction-in-wrapped-migration.js';
import unclosedTransaction from './unclosed-transaction.js';
import unknownColumnReference from './unknown-column-reference.js';
import unusedSuppression from './unused-suppression.js';

export const rules: Rule[] = [
  // code-aware
  droppedColumnInUse,
  renamedColumnInUse,
  droppedTableInUse,
  renamedTableInUse,
  changedTypeInUse,
  requiredColumnNotWritten,
  unknownColumnReference,
  // lock
  requireConcurrentIndex,
  requireConcurrentIndexDrop,
  requireConcurrentReindex,
  concurrentlyInTransaction,
  requireNotValidForeignKey,
  requireNotValidCheck,
  requireUniqueUsingIndex,
  setNotNullScansTable,
  addColumnRewritesTable,
  columnTypeRewritesTable,
  addSerialPrimaryKey,
  notNullColumnWithoutDefault,
  banDropTable,
  banTruncateCascade,
  banVacuumFull,
  banCluster,
  banLockTable,
  requireConcurrentPartitionDetach,
  requireConcurrentRefresh,
  banDropDatabase,
  enumValueInTransaction,
  domainConstraintValidatesColumns,
  requireLockTimeout,
  requireStatementTimeout,
  unclosedTransaction,
  nestedTransaction,
  transactionInWrappedMigration,
  slowStatementUnderLock,
  preferRobustStatements,
  // type choices
  preferBigintKeys,
  preferTextOverChar,
  preferTextOverVarchar,
  preferTimestamptz,
  preferIdentity,
  preferJsonb,
  identifierTooLong,
  duplicateColumnAssignment,
  // meta
  unusedSuppression,
  suppressionWithoutReason,
];

export function findRule(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}
