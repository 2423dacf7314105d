import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { readBlockMeta } from '../../src/datalake/block/index.js';
import { CLI } from './process.js';

/** A `sirius serve --roles …` node as a separate OS process (the built CLI). */
export interface NodeProcess {
  roles: string;
  pid: number;
  /** 0 without the pgwire role. */
  pgPort: number;
  /** '' without the ingest role. */
  ingestUrl: string;
  dataDir: string;
  stderr(): string;
  exited(): boolean;
  /** A pg client of the node (pgwire role). */
  client(): Promise<pg.Client>;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

/** Starts a node and waits for its "node ready" line; `env` adds SIRIUS_* / AWS_* variables. */
export async function spawnNode(roles: string, env: Record<string, string>): Promise<NodeProcess> {
  const dir = mkdtempSync(join(tmpdir(), `sirius-node-${roles.replace(/,/g, '-')}-`));
  const child = spawn(process.execPath, [CLI, 'serve', '--roles', roles, '--pg-port', '0', '--http-port', '0', '--data-dir', dir], {
    env: { ...process.env, SIRIUS_LOG_LEVEL: 'warn', SIRIUS_THREADS: '1', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${roles} did not start: ${err}`)), 60_000);
    child.stderr!.on('data', (b: Buffer) => {
      err += b.toString();
      if (/node ready — roles/.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node ${roles} exited with ${code}: ${err}`));
    });
  });
  const ingest = /ingest ready — (http:\/\/\S+?:\d+)\//.exec(err);
  const pgPort = Number(/ready — psql .* port=(\d+)/.exec(err)?.[1] ?? 0);
  return {
    roles,
    pid: child.pid!,
    pgPort,
    ingestUrl: ingest ? ingest[1] : '',
    dataDir: dir,
    stderr: () => err,
    exited: () => child.exitCode !== null || child.signalCode !== null,
    async client() {
      const c = new pg.Client({ host: '127.0.0.1', port: pgPort, database: 'sirius', user: 'tester' });
      // A killed node resets the socket: the query in flight rejects; the event must not crash the test.
      c.on('error', () => undefined);
      await c.connect();
      return c;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** A block the proxy saw a 200 for: the client was told it is stored. */
export interface Acknowledged {
  blockId: string;
  nbObjects: number;
  bytes: Buffer;
}

export interface IngestProxy {
  url: string;
  /** insert_block requests answered 200, by block id. */
  acknowledged: Map<string, Acknowledged>;
  /** Requests answered by each upstream (by index). */
  served: number[];
  /** Called with the number of blocks acknowledged so far, each time one more is. */
  onAcknowledged?: (count: number) => void;
  close(): Promise<void>;
}

/**
 * A small load balancer in front of ingest nodes, as a deployment would have: each request goes to
 * the first upstream (in order) that accepts the connection, so when a node dies its clients'
 * retries land on another one. It records every insert_block it relays with a 200, so a test can
 * check that no acknowledged block is lost.
 */
export async function startIngestProxy(upstreams: string[]): Promise<IngestProxy> {
  const acknowledged = new Map<string, Acknowledged>();
  const served = upstreams.map(() => 0);
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void relay(req, Buffer.concat(chunks), res, 0));
  });
  const relay = async (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse, i: number): Promise<void> => {
    if (i >= upstreams.length) {
      res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ error: 'no ingest node answers' }));
      return;
    }
    const url = new URL(req.url ?? '/', upstreams[i]);
    const headers = { ...req.headers, host: url.host, 'content-length': String(body.length) };
    const up = http.request(url, { method: req.method, headers, agent: false }, (upRes) => {
      const out: Buffer[] = [];
      upRes.on('data', (c: Buffer) => out.push(c));
      upRes.on('end', () => {
        if (req.url?.startsWith('/ingestion/insert_block') && upRes.statusCode === 200) {
          const meta = readBlockMeta(body);
          const fresh = !acknowledged.has(meta.blockId);
          acknowledged.set(meta.blockId, { blockId: meta.blockId, nbObjects: meta.nbObjects, bytes: body });
          if (fresh) handle.onAcknowledged?.(acknowledged.size);
        }
        served[i]++;
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        res.end(Buffer.concat(out));
      });
      upRes.on('error', () => fail(res));
    });
    up.on('error', (e: NodeJS.ErrnoException) => {
      // Refused: the node is gone, try the next. Reset mid-request: the answer is lost, the client retries.
      if (e.code === 'ECONNREFUSED') void relay(req, body, res, i + 1);
      else fail(res);
    });
    up.end(body);
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const handle: IngestProxy = {
    url: `http://127.0.0.1:${port}`,
    acknowledged,
    served,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  return handle;
}

function fail(res: http.ServerResponse): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(502, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'the ingest node closed the connection' }));
}
