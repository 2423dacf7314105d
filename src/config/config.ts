import { resolve } from 'node:path';

/**
 * Sirius configuration. This module is the only reader of process.env: every
 * setting is a SIRIUS_* variable (or a standard AWS_* one for S3), and the CLI
 * may override any of them with a flag of the same name (--pg-port=5433 for
 * SIRIUS_PG_PORT).
 */
/** What a `sirius serve` node runs (docs/deployment.md): the wire server, the ingestion service, the maintenance loop. */
export const ROLES = ['pgwire', 'ingest', 'maintain'] as const;
export type Role = (typeof ROLES)[number];

export interface Config {
  /** The roles of a `serve` node (SIRIUS_ROLES=pgwire,ingest,maintain, any non-empty subset). */
  roles: Role[];
  dataDir: string;
  pgHost: string;
  pgPort: number;
  httpHost: string;
  httpPort: number;
  logLevel: string;
  /** Password for every user (SCRAM-SHA-256). Empty: trust on loopback. */
  password: string;
  /** A file of `user:password` or `user:SCRAM-SHA-256$…` lines, optionally `:admin`. */
  usersFile: string;
  /** Which password method to demand when a password is configured: scram-sha-256, md5 or password. */
  authMethod: 'scram-sha-256' | 'md5' | 'password';
  tlsCert: string;
  tlsKey: string;
  maxConnections: number;
  /** DuckDB memory limit for the whole server, e.g. '4GB'. Empty: DuckDB's default (80% of RAM). */
  memoryLimit: string;
  /** DuckDB worker threads. 0: DuckDB's default (one per core). */
  threads: number;
  /** Server time zone reported in ParameterStatus and used for timestamptz text. */
  timeZone: string;
  /** Object store: empty for local disk under dataDir/objects, or s3://bucket/prefix. */
  objectStore: string;
  s3Endpoint: string;
  s3ForcePathStyle: boolean;
  s3Region: string;
  /** Catalog: empty for the embedded catalog under dataDir, or postgres://… */
  catalogUrl: string;
  /** Largest accepted HTTP body for ingestion, in bytes. */
  maxBlockBytes: number;
  /** Bound of the local Parquet partition cache (dataDir/cache), in bytes. */
  cacheMaxBytes: number;
  /** Pause between maintenance runs (recent global slices built, closed hours merged, retired files deleted), ms; 0 disables the loop in `serve`. */
  maintenanceIntervalMs: number;
  /** How far back from the newest insert time the maintenance loop keeps global views built and merged, ms. */
  maintenanceWindowMs: number;
  /** How long the file of a retired partition stays in the object store (queries may still read it), ms. */
  retiredGraceMs: number;
  /** How long the partition build log (partition_builds: one row per build, on every node) keeps a row, ms. */
  buildLogKeepMs: number;
  /** Retention per stream kind (docs/retention.md), days; a policy set by SQL (set_retention_policy) wins. */
  retentionLogDays: number;
  retentionMetricsDays: number;
  retentionSpansDays: number;
  /** How long keep_processes() keeps a process when no expiry is given, days. */
  retentionKeepDays: number;
  /** Least time between two retention runs of the maintenance loop, ms; 0: only by SQL (run_retention()). */
  retentionIntervalMs: number;
  /** Blocks deleted per catalog transaction by a retention run. */
  retentionBatchBlocks: number;
}

type Env = Record<string, string | undefined>;

const DEFAULTS: Config = {
  roles: [...ROLES],
  dataDir: './data',
  pgHost: '127.0.0.1',
  pgPort: 5433,
  httpHost: '127.0.0.1',
  httpPort: 9000,
  logLevel: 'info',
  password: '',
  usersFile: '',
  authMethod: 'scram-sha-256',
  tlsCert: '',
  tlsKey: '',
  maxConnections: 100,
  memoryLimit: '',
  threads: 0,
  timeZone: 'UTC',
  objectStore: '',
  s3Endpoint: '',
  s3ForcePathStyle: false,
  s3Region: 'us-east-1',
  catalogUrl: '',
  maxBlockBytes: 64 * 1024 * 1024,
  cacheMaxBytes: 8 * 1024 * 1024 * 1024,
  maintenanceIntervalMs: 10_000,
  maintenanceWindowMs: 3_600_000,
  // Longer than a query's lease on its files (10 minutes).
  retiredGraceMs: 15 * 60_000,
  buildLogKeepMs: 7 * 86_400_000,
  retentionLogDays: 90,
  retentionMetricsDays: 90,
  retentionSpansDays: 7,
  retentionKeepDays: 90,
  retentionIntervalMs: 3_600_000,
  retentionBatchBlocks: 500,
};

/** SIRIUS_PG_PORT ↔ pgPort ↔ --pg-port */
const envName = (key: string): string => 'SIRIUS_' + key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase();
const flagName = (key: string): string => '--' + key.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase());

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

function coerce(key: keyof Config, raw: string, source: string): Config[keyof Config] {
  const def = DEFAULTS[key];
  if (typeof def === 'number') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${source}: expected a non-negative integer, got '${raw}'`);
    return n;
  }
  if (typeof def === 'boolean') {
    if (!/^(true|false|1|0)$/i.test(raw)) throw new ConfigError(`${source}: expected true or false, got '${raw}'`);
    return /^(true|1)$/i.test(raw);
  }
  if (key === 'roles') return parseRoles(raw, source);
  if (key === 'authMethod' && !['scram-sha-256', 'md5', 'password'].includes(raw)) {
    throw new ConfigError(`${source}: expected scram-sha-256, md5 or password, got '${raw}'`);
  }
  return raw;
}

/** 'pgwire,ingest' → ['pgwire', 'ingest'] (in ROLES order, no repeats); unknown or no role → ConfigError. */
export function parseRoles(raw: string, source = '--roles'): Role[] {
  const names = raw.split(',').map((r) => r.trim()).filter((r) => r !== '');
  const unknown = names.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new ConfigError(`${source}: unknown role${unknown.length > 1 ? 's' : ''} ${unknown.map((r) => `'${r}'`).join(', ')}; the roles are ${ROLES.join(', ')} (any of them, comma-separated)`);
  if (names.length === 0) throw new ConfigError(`${source}: expected one or more of ${ROLES.join(', ')}, comma-separated`);
  return ROLES.filter((r) => names.includes(r));
}

/** Reads the configuration from the environment and CLI flags (flags win). Unknown flags are an error. */
export function loadConfig(env: Env = process.env, argv: string[] = []): Config {
  const cfg: Record<string, unknown> = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof Config)[]) {
    const raw = env[envName(key)];
    if (raw !== undefined && raw !== '') cfg[key] = coerce(key, raw, envName(key));
  }
  if (env.AWS_REGION) cfg.s3Region = env.AWS_REGION;
  const byFlag = new Map((Object.keys(DEFAULTS) as (keyof Config)[]).map((k) => [flagName(k), k]));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    const key = byFlag.get(flag);
    if (!key) throw new ConfigError(`unknown option '${flag}'`);
    const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new ConfigError(`option '${flag}' needs a value`);
    cfg[key] = coerce(key, value, flag);
  }
  const out = cfg as unknown as Config;
  out.dataDir = resolve(out.dataDir);
  return out;
}

/** Flag and variable names, for `sirius --help`. */
export function describeOptions(): { flag: string; env: string; default: string }[] {
  return (Object.keys(DEFAULTS) as (keyof Config)[]).map((k) => ({
    flag: flagName(k),
    env: envName(k),
    default: String(DEFAULTS[k]),
  }));
}

export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...DEFAULTS, roles: [...DEFAULTS.roles], ...overrides };
}
