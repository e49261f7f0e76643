/** The migration tools whose file layouts rollsafe reads. */
export type LayoutName =
  | 'sql'
  | 'prisma'
  | 'drizzle'
  | 'flyway'
  | 'golang-migrate'
  | 'dbmate'
  | 'supabase'
  | 'knex'
  | 'kysely'
  | 'typeorm'
  | 'node-pg-migrate'
  | 'sequelize'
  | 'mikro-orm'
  | 'graphile-migrate'
  | 'postgres-migrations'
  | 'db-migrate'
  | 'db-migrate-sql';

/** Whether the migration tool wraps the migration in a transaction when it runs it. */
export type TransactionMode = 'wrapped' | 'none';

/**
 * When a migration runs relative to the code deploy:
 * - `pre-deploy`: before the new code rolls out (the old release must survive it, and so must the new code);
 * - `post-deploy`: after the new code is live everywhere (only the new code must survive it).
 */
export type DeployPhase = 'pre-deploy' | 'post-deploy';

export interface Migration {
  /** Repository-relative path with forward slashes; unique, so it doubles as the id. */
  path: string;
  layout: LayoutName;
  /** Repository-relative folder of the migration set this file belongs to (a repository can hold several sets). */
  set: string;
  /** 0-based position in its set after the layout's ordering. */
  order: number;
  /** The order key as the tool shows it (`20240101120000`, `V1.2`, `0003`). */
  version: string;
  /** Human name (`add_users`), from the file or folder name. */
  name: string;
  language: 'sql' | 'ts' | 'js';
  /** The whole file as read. */
  text: string;
  /**
   * The SQL the tool actually runs, with the same length and line breaks as `text`; parts the tool does
   * not run (a dbmate `-- migrate:down` section) are blanked with spaces, so offsets stay valid.
   * Absent for TS/JS migrations.
   */
  sql?: string;
  transaction: TransactionMode;
  /** Why `transaction` has that value, in words (`"Flyway wraps each migration in a transaction"`). */
  transactionReason: string;
  phase: DeployPhase;
  /** Flyway `R__` repeatable migrations: run after all versioned ones whenever their checksum changes. */
  repeatable?: boolean;
  /**
   * How the transaction of a `wrapped` migration comes about (absent when unknown or `none`):
   * - `migration`: the tool opens one transaction for this migration (Flyway, dbmate);
   * - `batch`: one transaction for every migration pending in the run (Drizzle), so a later migration
   *   of the same run shares it (an enum value added in one cannot be used by the next);
   * - `implicit`: the tool sends the file as one multi-statement query or pipeline, which Postgres runs
   *   as one implicit transaction (Prisma, golang-migrate, Supabase); a file of one statement runs on
   *   its own (then `transaction` is `none`), and an explicit BEGIN/COMMIT in the file takes over.
   */
  transactionScope?: 'migration' | 'batch' | 'implicit';
  /**
   * The tool takes statements that cannot run in a transaction block (CREATE INDEX CONCURRENTLY, VACUUM…)
   * out of the transaction and runs each on its own (the Supabase CLI does).
   */
  nonTransactionalStatementsRunAlone?: boolean;
  /**
   * String offsets in `sql` where the tool cuts the file into separately executed pieces besides the SQL
   * itself (the start of each Drizzle `--> statement-breakpoint` marker). The markers are SQL comments.
   */
  statementBreaks?: number[];
}

/** A migration set found in the repository: one folder, one layout. */
export interface MigrationSet {
  /** Repository-relative folder. */
  dir: string;
  layout: LayoutName;
  migrations: Migration[];
}
