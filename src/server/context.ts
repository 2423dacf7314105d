import type { SecureContext } from 'node:tls';
import type { Config } from '../config/config.js';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../log/log.js';
import type { UserStore } from './auth/users.js';
import type { CancelRegistry } from './cancel.js';
import type { ViewsContext } from './views.js';

/** What every connection shares: set up once by the listener. */
export interface ServerContext {
  config: Config;
  engine: Engine;
  log: Logger;
  /** Null: trust authentication (only allowed on a loopback listener). */
  users: UserStore | null;
  tls: SecureContext | null;
  cancels: CancelRegistry;
  /** The telemetry views (issue 4); null when the server runs over plain DuckDB. */
  views: ViewsContext | null;
  /** Connections currently past startup, for SIRIUS_MAX_CONNECTIONS. */
  active: Set<unknown>;
}
