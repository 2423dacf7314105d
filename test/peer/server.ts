/**
 * The Sirius under test for the peer suite: a real server on port 0 (test/helpers/sirius.ts)
 * that the suite can replace when a file leaves it unusable.
 */
import type pg from 'pg';
import { startTestServer, type TestServer } from '../helpers/sirius.js';
import type { PeerServer } from './suite-run.js';

export interface RestartableServer extends PeerServer {
  /** How many times a broken server was replaced. */
  readonly restarts: number;
  close(): Promise<void>;
}

export async function restartableServer(): Promise<RestartableServer> {
  let current: TestServer = await startTestServer();
  let restarts = 0;
  return {
    get restarts() {
      return restarts;
    },
    pgConfig: (): pg.ClientConfig => current.pgConfig(),
    async restart() {
      restarts++;
      await current.close().catch(() => undefined);
      current = await startTestServer();
    },
    close: () => current.close(),
  };
}
