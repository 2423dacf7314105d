import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Catalog } from '../datalake/catalog/index.js';
import type { ObjectStore } from '../datalake/objectstore/index.js';
import type { Logger } from '../log/log.js';
import { checkContentType, readBody } from './body.js';
import { blockLocksFor, type BlockLocks } from './block-locks.js';
import { BlockIngestor } from './blocks.js';
import { IngestError, toIngestError } from './errors.js';
import { parseProcess, parseStream } from './validate.js';

export interface IngestServerOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  /** Largest accepted request body (Config.maxBlockBytes). */
  maxBodyBytes: number;
  catalog: Catalog;
  store: ObjectStore;
  log: Logger;
  /** How long /ready waits for the catalog and the store. Default 5000 ms. */
  readyTimeoutMs?: number;
}

export interface IngestStats {
  blocksInserted: number;
  blocksDuplicate: number;
  blockBytes: number;
  blockEvents: number;
  rejected: number;
  failed: number;
}

type Handler = (req: IncomingMessage) => Promise<[status: number, body: object]>;

const JSON_TYPE = 'application/json';
const BLOCK_TYPE = 'application/octet-stream';

/**
 * The ingestion HTTP service (docs/block-format.md §7) on node:http: a handful
 * of routes and large binary bodies need no framework. Every answer is JSON:
 * `{ "status": "inserted" | "duplicate" }` on success, `{ "error": "…" }` with
 * a 4xx (the client's fault, not retried) or a 5xx (retried; 503 = retry soon).
 * Requests are not logged one by one; rejections and failures are.
 */
export class IngestServer {
  private readonly server: http.Server;
  private readonly blocks: BlockIngestor;
  private readonly locks: BlockLocks;
  private readonly routes: Record<string, { method: 'POST' | 'GET'; handle: Handler }>;
  private readonly counters: IngestStats = { blocksInserted: 0, blocksDuplicate: 0, blockBytes: 0, blockEvents: 0, rejected: 0, failed: 0 };

  private constructor(private readonly opts: IngestServerOptions) {
    this.locks = blockLocksFor(opts.catalog, opts.log);
    this.blocks = new BlockIngestor(opts.catalog, opts.store, this.locks);
    this.routes = {
      '/ingestion/insert_process': { method: 'POST', handle: (req) => this.insertProcess(req) },
      '/ingestion/insert_stream': { method: 'POST', handle: (req) => this.insertStream(req) },
      '/ingestion/insert_block': { method: 'POST', handle: (req) => this.insertBlock(req) },
      '/health': { method: 'GET', handle: async () => [200, { status: 'ok' }] },
      '/ready': { method: 'GET', handle: () => this.ready() },
    };
    // Longer than the SDK's idle keep-alive use, so the server rarely closes a socket the client is about to reuse.
    this.server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => void this.dispatch(req, res));
  }

  static async start(opts: IngestServerOptions): Promise<IngestServer> {
    const s = new IngestServer(opts);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(opts.port, opts.host, () => {
        s.server.off('error', reject);
        resolve();
      });
    });
    return s;
  }

  address(): { host: string; port: number; url: string } {
    const a = this.server.address() as AddressInfo;
    const host = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    return { host: a.address, port: a.port, url: `http://${host}:${a.port}` };
  }

  stats(): IngestStats {
    return { ...this.counters };
  }

  /** Stops accepting, lets requests in progress finish (at most `graceMs`), then closes every connection. */
  async close(graceMs = 5000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(timer);
    await this.locks.close();
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?', 1)[0];
    const route = this.routes[path];
    let status: number;
    let body: object;
    try {
      if (!route) throw new IngestError(404, `no route ${path}: POST /ingestion/insert_process, /ingestion/insert_stream, /ingestion/insert_block; GET /health, /ready`);
      const allowed = route.method === 'GET' ? ['GET', 'HEAD'] : ['POST'];
      if (!allowed.includes(req.method ?? '')) {
        res.setHeader('allow', allowed.join(', '));
        throw new IngestError(405, `${path} takes ${allowed.join(' or ')}, got ${req.method}`);
      }
      [status, body] = await route.handle(req);
    } catch (err) {
      const e = toIngestError(err);
      this.report(req, path, e);
      [status, body] = [e.status, { error: e.message }];
      if (e.status === 503) res.setHeader('retry-after', '1');
      // A body left unread (415, 413, 405…) is not worth draining: close the connection instead.
      if (!req.complete) res.setHeader('connection', 'close');
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': JSON_TYPE, 'content-length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  }

  private report(req: IncomingMessage, path: string, e: IngestError): void {
    const where = { path, status: e.status, remote: req.socket.remoteAddress };
    if (e.status >= 500) {
      this.counters.failed++;
      this.opts.log[e.status === 503 ? 'warn' : 'error']({ ...where, err: e.cause ?? e }, e.message);
    } else if (e.status !== 404 || path.startsWith('/ingestion/')) {
      this.counters.rejected++;
      this.opts.log.warn(where, e.message);
    }
  }

  private async insertProcess(req: IncomingMessage): Promise<[number, object]> {
    checkContentType(req, JSON_TYPE);
    const row = parseProcess(await readBody(req, this.opts.maxBodyBytes));
    return [200, { status: await this.opts.catalog.insertProcess(row) }];
  }

  private async insertStream(req: IncomingMessage): Promise<[number, object]> {
    checkContentType(req, JSON_TYPE);
    const row = parseStream(await readBody(req, this.opts.maxBodyBytes));
    return [200, { status: await this.opts.catalog.insertStream(row) }];
  }

  private async insertBlock(req: IncomingMessage): Promise<[number, object]> {
    checkContentType(req, BLOCK_TYPE);
    const body = await readBody(req, this.opts.maxBodyBytes);
    const { result, meta } = await this.blocks.insert(body);
    if (result === 'inserted') {
      this.counters.blocksInserted++;
      this.counters.blockBytes += body.length;
      this.counters.blockEvents += meta.nbObjects;
    } else {
      this.counters.blocksDuplicate++;
    }
    return [200, { status: result }];
  }

  /** 200 when both the catalog and the object store answer within the timeout, else 503 saying which did not. */
  private async ready(): Promise<[number, object]> {
    const { catalog, store } = this.opts;
    const timeoutMs = this.opts.readyTimeoutMs ?? 5000;
    const probe = async (what: string, where: string, check: () => Promise<void>): Promise<string | undefined> => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        await Promise.race([check(), timeout]);
        return undefined;
      } catch (err) {
        return `${what} ${where} is not reachable: ${(err as Error).message}`;
      } finally {
        clearTimeout(timer);
      }
    };
    const problems = (
      await Promise.all([probe('catalog', catalog.describe(), () => catalog.health()), probe('object store', store.describe(), () => store.health())])
    ).filter((p): p is string => p !== undefined);
    if (problems.length > 0) throw new IngestError(503, problems.join('; '));
    return [200, { status: 'ready', catalog: catalog.describe(), objectStore: store.describe() }];
  }
}
