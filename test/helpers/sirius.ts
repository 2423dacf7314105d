import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startSirius, type Sirius } from '../../src/cli/app.js';
import { defaultConfig, type Config } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/log.js';

/** A real Sirius server on 127.0.0.1, port 0, with its own temporary data directory. */
export interface TestServer {
  sirius: Sirius;
  port: number;
  host: string;
  /** Base URL of the ingestion HTTP service (POST /ingestion/…, GET /health, /ready). */
  ingestUrl: string;
  ingestPort: number;
  config: Config;
  /** Connection settings for node-postgres. */
  pgConfig(extra?: pg.ClientConfig): pg.ClientConfig;
  client(extra?: pg.ClientConfig): Promise<pg.Client>;
  close(): Promise<void>;
}

export async function startTestServer(overrides: Partial<Config> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sirius-test-'));
  // no background maintenance unless a test asks for it: tests that count builds stay deterministic
  const config = defaultConfig({ dataDir, pgPort: 0, httpPort: 0, threads: 2, maintenanceIntervalMs: 0, ...overrides });
  const sirius = await startSirius(config, silentLogger());
  const { host, port } = sirius.pg.address();
  const ingest = sirius.ingest.server.address();
  const pgConfig = (extra: pg.ClientConfig = {}): pg.ClientConfig => ({ host, port, database: 'sirius', user: 'tester', ...extra });
  return {
    sirius,
    host,
    port,
    ingestUrl: ingest.url,
    ingestPort: ingest.port,
    config,
    pgConfig,
    async client(extra = {}) {
      const c = new pg.Client(pgConfig(extra));
      await c.connect();
      return c;
    },
    async close() {
      await sirius.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The reference PostgreSQL 15 of these machines, for differential tests. */
export const referencePg: pg.ClientConfig = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres' };
