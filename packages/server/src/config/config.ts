/**
 * The one configuration schema. Values come from command-line flags, then TRAILKEEP_* environment
 * variables, then defaults; the result is validated once and frozen. Nothing else reads process.env.
 */
import { Ajv } from 'ajv';
import { Type, type Static } from 'typebox';

export const ConfigSchema = Type.Object(
  {
    host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Address to listen on' }),
    port: Type.Integer({
      minimum: 0,
      maximum: 65535,
      default: 8080,
      description: 'Port to listen on (0: any free port)',
    }),
    dataDir: Type.String({ minLength: 1, default: './data', description: 'Directory of the SQLite database and keys' }),
    adminKey: Type.Optional(
      Type.String({ minLength: 24, maxLength: 256, description: 'A fixed installation admin key, for automation' }),
    ),
    logOrigin: Type.String({
      pattern: '^[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~/-]*)?$',
      default: 'localhost',
      description: 'Host (and optional path) naming the logs: each tenant log is <logOrigin>/t/<tenant>',
    }),
    logLevel: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
    batchMaxEvents: Type.Integer({ minimum: 1, maximum: 10000, default: 1000, description: 'Most events per commit' }),
    batchWindowMs: Type.Integer({
      minimum: 0,
      maximum: 100,
      default: 0,
      description: 'Group-commit window when idle (0: commit at the end of the current I/O turn)',
    }),
    queueMaxEvents: Type.Integer({ minimum: 1, default: 20000, description: 'Events waiting before 503' }),
    ingestThreads: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 64,
        description: 'Worker threads preparing batch events (0: the event loop); default: cores − 1, at most 4',
      }),
    ),
    databaseUrl: Type.Optional(
      Type.String({
        pattern: '^postgres(ql)?://',
        description: 'postgres://… to store in PostgreSQL (several servers may share it); default: SQLite in dataDir',
      }),
    ),
    databasePoolSize: Type.Integer({
      minimum: 1,
      maximum: 1000,
      default: 10,
      description: 'Most PostgreSQL connections per server process',
    }),
    trustProxy: Type.String({
      pattern: '^(true|false|[A-Za-z0-9:./]+( *, *[A-Za-z0-9:./]+)*)$',
      default: 'false',
      description:
        'Proxies whose X-Forwarded-For is honoured: false, true (any), or addresses/CIDRs (loopback, 10.0.0.0/8, …)',
    }),
    geoipDb: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'MMDB City file for geo-IP (MaxMind GeoIP2/GeoLite2 City), or off; default: bundled DB-IP Lite',
      }),
    ),
    signerKey: Type.Optional(
      Type.String({
        pattern: '^PRIVATE\\+KEY\\+[^+\\s]+\\+[0-9a-f]{8}\\+[A-Za-z0-9+/=]+$',
        description:
          'Checkpoint signing key, a C2SP note signer key PRIVATE+KEY+<name>+<id>+<base64> (only its Ed25519 seed is used); default: signerKeyFile',
      }),
    ),
    signerKeyFile: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'File holding the checkpoint signing key; created (mode 0600) if missing. Default: <dataDir>/checkpoint-signer.key',
      }),
    ),
    integrationIntervalMs: Type.Integer({
      minimum: 0,
      maximum: 10000,
      default: 100,
      description: 'How long tree integration waits after a commit, gathering more leaves per round',
    }),
    treeIntegration: Type.Boolean({
      default: true,
      description: 'Integrate the Merkle tree and sign checkpoints (false only to measure ingest without it)',
    }),
  },
  { additionalProperties: false },
);

export type Config = Readonly<Static<typeof ConfigSchema>>;

/** Environment variable of each setting; flags use the kebab-case of the key (--data-dir). */
export const CONFIG_ENV: Record<keyof Config, string> = {
  host: 'TRAILKEEP_HOST',
  port: 'TRAILKEEP_PORT',
  dataDir: 'TRAILKEEP_DATA_DIR',
  adminKey: 'TRAILKEEP_ADMIN_KEY',
  logOrigin: 'TRAILKEEP_LOG_ORIGIN',
  logLevel: 'TRAILKEEP_LOG_LEVEL',
  batchMaxEvents: 'TRAILKEEP_BATCH_MAX_EVENTS',
  batchWindowMs: 'TRAILKEEP_BATCH_WINDOW_MS',
  queueMaxEvents: 'TRAILKEEP_QUEUE_MAX_EVENTS',
  ingestThreads: 'TRAILKEEP_INGEST_THREADS',
  databaseUrl: 'TRAILKEEP_DATABASE_URL',
  databasePoolSize: 'TRAILKEEP_DATABASE_POOL_SIZE',
  trustProxy: 'TRAILKEEP_TRUST_PROXY',
  geoipDb: 'TRAILKEEP_GEOIP_DB',
  signerKey: 'TRAILKEEP_SIGNER_KEY',
  signerKeyFile: 'TRAILKEEP_SIGNER_KEY_FILE',
  integrationIntervalMs: 'TRAILKEEP_INTEGRATION_INTERVAL_MS',
  treeIntegration: 'TRAILKEEP_TREE_INTEGRATION',
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const validate = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: false }).compile(
  ConfigSchema,
);

/** Builds the frozen configuration; throws ConfigError naming the variable or flag at fault. */
export function loadConfig(
  env: Record<string, string | undefined>,
  flags: Partial<Record<keyof Config, string | number>> = {},
): Config {
  const raw: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(CONFIG_ENV)) {
    const value = flags[key as keyof Config] ?? env[envName];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  if (!validate(raw)) {
    const problems = (validate.errors ?? []).map((e) => {
      const key = e.instancePath.slice(1) as keyof Config;
      return `${CONFIG_ENV[key] ?? key} ${e.message ?? 'is invalid'}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return Object.freeze(raw as Config);
}
