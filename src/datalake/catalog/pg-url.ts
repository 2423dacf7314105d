import { ConfigError } from '../../config/config.js';

export interface PgCatalogTarget {
  /** For pg's Pool, without Sirius's own parameters. */
  connectionString: string;
  /** Where the catalog tables live ('public' unless ?schema= says otherwise). */
  schema: string;
  /** The URL with any password masked, for logs. */
  display: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/**
 * `postgres://user:pw@host:5432/db?schema=sirius_a&sslmode=…`: Sirius reads and
 * removes `schema` (so parallel test suites, or several Sirius deployments,
 * can share one database); every other parameter goes to node-postgres.
 */
export function parsePgCatalogUrl(url: string): PgCatalogTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`SIRIUS_CATALOG_URL is not a URL: '${url.replace(/:[^:@/]*@/, ':***@')}'`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new ConfigError(`SIRIUS_CATALOG_URL must start with postgres:// or postgresql://, got '${parsed.protocol}//'`);
  }
  const schema = parsed.searchParams.get('schema') ?? 'public';
  if (!IDENTIFIER.test(schema)) {
    throw new ConfigError(`SIRIUS_CATALOG_URL: schema must be a plain identifier ([A-Za-z_][A-Za-z0-9_]*, at most 63 characters), got '${schema}'`);
  }
  parsed.searchParams.delete('schema');
  const connectionString = parsed.toString();
  if (parsed.password) parsed.password = '***';
  parsed.searchParams.set('schema', schema);
  return { connectionString, schema, display: parsed.toString() };
}

/** Always quoted: the identifier is validated, and quoting keeps its case. */
export const quoteIdent = (name: string): string => `"${name}"`;
