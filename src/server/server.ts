import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Config } from '../config/config.js';
import type { Engine } from '../engine/engine.js';
import type { Logger } from '../log/log.js';
import { UserStore } from './auth/users.js';
import { CancelRegistry } from './cancel.js';
import { Connection } from './connection.js';
import type { ServerContext } from './context.js';
import type { ViewsContext } from './views.js';
import { PgError } from '../wire/pg-error.js';
import { SqlState } from '../wire/sqlstate.js';

export class ServerConfigError extends Error {
  override readonly name = 'ServerConfigError';
}

/** The PostgreSQL wire listener: accepts sockets and hands each to a Connection. */
export class PgServer {
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server, readonly ctx: ServerContext) {}

  static async start(config: Config, engine: Engine, log: Logger, views: ViewsContext | null = null): Promise<PgServer> {
    const users = UserStore.fromConfig(config.password, config.usersFile);
    if (!users && !isLoopback(config.pgHost)) {
      throw new ServerConfigError(
        `refusing to listen on ${config.pgHost} without authentication: set SIRIUS_PASSWORD or SIRIUS_USERS_FILE, or listen on 127.0.0.1`,
      );
    }
    const ctx: ServerContext = { config, engine, log, users, tls: loadTls(config), cancels: new CancelRegistry(), active: new Set(), views };
    const server = createServer();
    const pg = new PgServer(server, ctx);
    engine.restartListeners.add(() => pg.terminateAll());
    server.on('connection', (socket) => pg.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.pgPort, config.pgHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = pg.address();
    log.info({ host: addr.host, port: addr.port, auth: users ? config.authMethod : 'trust', tls: !!ctx.tls }, 'pgwire listening');
    return pg;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    new Connection(socket, this.ctx).start();
  }

  /** After the engine replaced an invalidated DuckDB instance: sessions on the old one cannot go on. */
  terminateAll(): void {
    this.ctx.log.error({ sessions: this.ctx.active.size }, 'DuckDB was invalidated by an internal error and restarted; ending all sessions');
    const err = PgError.fatal(SqlState.AdminShutdown, 'terminating connection because the query engine restarted after an internal error', {
      hint: 'Reconnect: new sessions use the restarted engine. Session tables and settings are lost.',
    });
    for (const c of this.ctx.active) void (c as Connection).terminate(err);
  }

  address(): { host: string; port: number } {
    const a = this.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  get connectionCount(): number {
    return this.ctx.active.size;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function loadTls(config: Config): SecureContext | null {
  if (!config.tlsCert && !config.tlsKey) return null;
  if (!config.tlsCert || !config.tlsKey) throw new ServerConfigError('TLS needs both SIRIUS_TLS_CERT and SIRIUS_TLS_KEY');
  try {
    return createSecureContext({ cert: readFileSync(config.tlsCert), key: readFileSync(config.tlsKey) });
  } catch (err) {
    throw new ServerConfigError(`cannot load TLS certificate/key: ${(err as Error).message}`, { cause: err });
  }
}
