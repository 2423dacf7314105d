import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeBlock, readBlockMeta, type DecodedBlock } from '../../../src/datalake/block/index.js';

/**
 * A stand-in for the ingestion service (docs/block-format.md, "Ingestion HTTP
 * API") on 127.0.0.1 port 0: it validates and records what the SDK sends,
 * decoding every block with the real decoder. `respond` can script failures.
 */
export interface Received {
  processes: Record<string, unknown>[];
  streams: Record<string, any>[];
  blocks: DecodedBlock[];
  /** Raw bodies of every insert_block request, including failed ones, in arrival order. */
  blockBodies: Buffer[];
  requests: { path: string; status: number }[];
}

export type Responder = (path: string, body: Buffer) => number | undefined;

export interface IngestServer {
  url: string;
  received: Received;
  /** Return a status to answer with it (and not record the request), 0 to never answer, undefined for normal handling. */
  respond: Responder | null;
  close(): Promise<void>;
  /** Stops listening: connections are refused until restart(). */
  stop(): Promise<void>;
  restart(): Promise<void>;
}

export async function startIngestServer(): Promise<IngestServer> {
  const received: Received = { processes: [], streams: [], blocks: [], blockBodies: [], requests: [] };
  const state: { respond: Responder | null } = { respond: null };
  const handle = (path: string, body: Buffer, scripted: number | undefined): [number, string] => {
    if (path === '/ingestion/insert_block') received.blockBodies.push(body);
    if (scripted !== undefined) return [scripted, 'scripted'];
    if (path === '/ingestion/insert_process') {
      received.processes.push(JSON.parse(body.toString('utf8')));
      return [200, ''];
    }
    if (path === '/ingestion/insert_stream') {
      const s = JSON.parse(body.toString('utf8'));
      if (!received.processes.some((p) => p.process_id === s.process_id)) return [422, 'unknown process'];
      received.streams.push(s);
      return [200, ''];
    }
    if (path === '/ingestion/insert_block') {
      const meta = readBlockMeta(body);
      const stream = received.streams.find((s) => s.stream_id === meta.streamId);
      if (!stream) return [422, 'unknown stream'];
      if (received.blocks.some((b) => b.meta.blockId === meta.blockId)) return [200, 'duplicate'];
      received.blocks.push(decodeBlock(body, stream));
      return [200, ''];
    }
    return [404, 'no such path'];
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const scripted = state.respond?.(req.url ?? '', body);
      if (scripted === 0) return; // hang: no answer at all
      let status: number;
      let text: string;
      try {
        [status, text] = handle(req.url ?? '', body, scripted);
      } catch (err) {
        [status, text] = [400, (err as Error).message];
      }
      received.requests.push({ path: req.url ?? '', status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const listen = (): Promise<void> => new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    get respond() {
      return state.respond;
    },
    set respond(r) {
      state.respond = r;
    },
    close: stop,
    stop,
    restart: listen,
  };
}

/** Every decoded log of the received blocks as plain rows, in block arrival order. */
export function logRows(r: Received): { level: number; target: string; msg: string; properties: string | null; time: number }[] {
  const rows = [];
  for (const b of r.blocks) {
    const l = b.logs;
    if (!l) continue;
    for (let i = 0; i < l.count; i++) {
      rows.push({
        level: l.level[i],
        target: b.strings[l.target[i]],
        msg: b.strings[l.msg[i]],
        properties: l.properties[i] < 0 ? null : b.strings[l.properties[i]],
        time: l.time[i],
      });
    }
  }
  return rows;
}

export async function until(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
