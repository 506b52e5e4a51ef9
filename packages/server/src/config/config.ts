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
