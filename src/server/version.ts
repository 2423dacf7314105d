/**
 * What Sirius reports as server_version: a PostgreSQL 15 version number that
 * libpq, pgjdbc, asyncpg, psycopg and pgx parse (they read the leading
 * digits), followed by the product name.
 */
export const SIRIUS_VERSION = '0.1.0';
export const SERVER_VERSION = `15.0 (Sirius ${SIRIUS_VERSION})`;
export const SERVER_VERSION_NUM = '150000';
