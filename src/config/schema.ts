/**
 * The configuration file's JSON Schema: the single source for validation, `defineConfig` types and the
 * README's configuration reference.
 */
export const LAYOUT_NAMES = [
  'sql',
  'prisma',
  'drizzle',
  'flyway',
  'golang-migrate',
  'dbmate',
  'supabase',
  'knex',
  'kysely',
  'typeorm',
  'node-pg-migrate',
  'sequelize',
  'mikro-orm',
  'graphile-migrate',
  'postgres-migrations',
  'db-migrate',
  'db-migrate-sql',
] as const;

const severity = { enum: ['off', 'info', 'warning', 'error'] };

export const configSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'rollsafe configuration',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'Editor hint; ignored.' },
    migrations: {
      description:
        'Migration folders, relative to the repository root. Without it rollsafe finds every migration folder of a known layout. A string, a list of strings, or a list of `{ dir, layout?, phase?, transaction? }`.',
      anyOf: [
        { type: 'string' },
        {
          type: 'array',
          items: {
            anyOf: [
              { type: 'string' },
              {
                type: 'object',
                additionalProperties: false,
                required: ['dir'],
                properties: {
                  dir: { type: 'string', description: 'Folder, relative to the repository root.' },
                  layout: { enum: [...LAYOUT_NAMES], description: 'Force the layout instead of detecting it.' },
                  phase: {
                    enum: ['pre-deploy', 'post-deploy'],
                    description: '`post-deploy`: these migrations run after the new code is live everywhere (only the new code must survive them).',
                  },
                  transaction: { enum: ['wrapped', 'none'], description: "Override the tool's transaction behaviour for this folder." },
                  dialect: {
                    enum: ['postgres', 'clickhouse', 'mysql', 'mariadb', 'sqlite', 'mssql', 'oracle', 'other'],
                    description:
                      'The database these migrations run on. Anything but `postgres` is skipped with one info line. Without it, a folder named after another database (`clickhouse/migrations`, `db/mysql/…`), a Prisma `migration_lock.toml` of another provider, or `ENGINE =` in the SQL marks the folder as not Postgres.',
                  },
                },
              },
            ],
          },
        },
      ],
    },
    postDeployMigrations: {
      type: 'array',
      items: { type: 'string' },
      description: 'Folders of post-deployment migrations (GitLab style): they run after the new code is live, so only the new code must survive them.',
    },
    code: {
      type: 'object',
      additionalProperties: false,
      description: 'Which application files are scanned for table and column references.',
      properties: {
        include: { type: 'array', items: { type: 'string' }, description: 'Globs of files to scan (default: every TS/JS file outside node_modules and build output).' },
        exclude: { type: 'array', items: { type: 'string' }, description: 'Globs of files never to scan.' },
      },
    },
    base: {
      type: 'string',
      description:
        'Git ref of the release still running (default: `GITHUB_BASE_REF` / `CI_MERGE_REQUEST_TARGET_BRANCH_NAME` when set, else `origin/HEAD`). New migrations are those not present at this ref.',
    },
    liveRefs: {
      type: 'array',
      items: { type: 'string' },
      description: 'More git refs whose code is live at the same time (several releases in production).',
    },
    failOnUnchecked: {
      type: 'boolean',
      description:
        'Exit 2 when nothing could be checked: not a git repository, no migration folder, no base ref (a shallow or single-branch clone without it). Default: `true` under CI (`CI` set) when no base ref resolves, else `false`; the reason is printed on stderr either way.',
    },
    deployModel: {
      enum: ['before-deploy', 'after-deploy'],
      description:
        '`before-deploy` (default): migrations run before the new code rolls out, so the running release and the new code must both survive the new schema. `after-deploy`: migrations run after the new code is out, so the new code must also survive the old schema.',
    },
    pgVersion: { type: 'integer', minimum: 9, maximum: 30, description: 'Postgres major version the migrations run on (default: 18).' },
    transaction: {
      enum: ['wrapped', 'none'],
      description: "Override the migration tool's transaction behaviour for every migration.",
    },
    searchPath: { type: 'array', items: { type: 'string' }, description: 'Schemas searched for unqualified names (default: `["public"]`).' },
    largeTables: {
      type: 'array',
      items: { type: 'string' },
      description:
        'Tables (`name` or `schema.name`) known to be large: lock findings on them keep their full severity, even when the history says the table was created recently.',
    },
    smallTables: {
      type: 'array',
      items: { type: 'string' },
      description: 'Tables (`name` or `schema.name`) known to stay small (lookup tables, settings): lock findings on them are `info`.',
    },
    preset: {
      enum: ['default', 'strict'],
      description:
        '`default`: the severities worth reading on every PR (hygiene rules such as `require-lock-timeout` are off; see bench/noise.md). `strict`: every rule at its full severity (the rule table\'s "strict" column).',
    },
    rules: {
      type: 'object',
      description: 'Rule id → severity (`off`, `info`, `warning`, `error`), or `[severity, options]`.',
      additionalProperties: {
        anyOf: [severity, { type: 'array', minItems: 1, maxItems: 2, items: [severity, { type: 'object' }] }],
      },
    },
    orm: {
      type: 'object',
      additionalProperties: false,
      description: 'Naming options of the ORMs, where they change table or column names.',
      properties: {
        prisma: { type: 'object', additionalProperties: true, properties: {} },
        drizzle: {
          type: 'object',
          additionalProperties: true,
          properties: { casing: { enum: ['snake_case', 'camelCase'], description: 'The `casing` option given to drizzle().' } },
        },
        typeorm: {
          type: 'object',
          additionalProperties: true,
          properties: { namingStrategy: { enum: ['default', 'snake'], description: '`snake` for typeorm-naming-strategies SnakeNamingStrategy.' } },
        },
        sequelize: {
          type: 'object',
          additionalProperties: true,
          properties: {
            underscored: { type: 'boolean', description: 'Default of the `define.underscored` option.' },
            freezeTableName: { type: 'boolean', description: 'Default of the `define.freezeTableName` option.' },
          },
        },
        'mikro-orm': { type: 'object', additionalProperties: true, properties: {} },
      },
    },
    baseline: { type: 'string', description: 'Baseline file of accepted findings (default: `rollsafe-baseline.json`).' },
  },
} as const;
