import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { BlockWriter, DEPENDENCIES_METADATA, EventKind, encodeBlock, objectsMetadata, type ObjectsMetadata, type StreamMetadata } from '../../../src/datalake/block/index.js';
import type { StreamRow } from '../../../src/datalake/catalog/index.js';

/** Request helpers for the ingestion service, on raw node:http so tests control every header. */
export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: Record<string, unknown>;
}

export interface RequestOptions {
  method?: string;
  contentType?: string | null;
  /** Send the body chunked (no Content-Length). */
  chunked?: boolean;
  headers?: Record<string, string>;
}

export function request(baseUrl: string, path: string, body?: Buffer | string, opts: RequestOptions = {}): Promise<Reply> {
  const url = new URL(path, baseUrl);
  const headers: Record<string, string | number> = { ...opts.headers };
  if (opts.contentType !== null) headers['content-type'] = opts.contentType ?? (typeof body === 'string' ? 'application/json' : 'application/octet-stream');
  if (body !== undefined && !opts.chunked) headers['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? (body === undefined ? 'GET' : 'POST'), headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> = {};
        try {
          json = text === '' ? {} : JSON.parse(text);
        } catch {
          json = { unparsed: text };
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    // A server that answers early (413, 415) and closes may reset our upload: the answer is what counts.
    req.on('error', reject);
    if (body !== undefined && opts.chunked) {
      const buf = Buffer.from(body);
      for (let at = 0; at < buf.length; at += 1024) req.write(buf.subarray(at, at + 1024));
    }
    req.end(opts.chunked ? undefined : body);
  });
}

export const post = (baseUrl: string, path: string, body: Buffer | string, opts?: RequestOptions): Promise<Reply> => request(baseUrl, path, body, opts);

export function processBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    process_id: randomUUID(),
    exe: '/srv/app/server.js',
    username: 'app',
    realname: 'app',
    computer: 'web-1',
    distro: 'Linux 6.1.0',
    cpu_brand: 'Intel(R) Xeon(R) CPU',
    tsc_frequency: 1_000_000_000,
    start_time: 1_717_236_000_123_456,
    start_ticks: '8346601292140123456',
    parent_process_id: null,
    properties: { pid: '4242', service: 'checkout' },
    ...over,
  };
}

export function streamBody(processId: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    stream_id: randomUUID(),
    process_id: processId,
    dependencies_metadata: DEPENDENCIES_METADATA,
    objects_metadata: objectsMetadata([EventKind.Log]),
    tags: ['log'],
    properties: {},
    ...over,
  };
}

export const START_TICKS = 8_346_601_292_140_123_456n;
export const START_US = 1_717_236_000_123_456;

/** A log block of `n` events `msg <offset+i>` for the given stream (ticks 1 µs apart from the process start). */
export function logBlock(processId: string, streamId: string, n = 3, objectOffset = 0, blockId = randomUUID()): Buffer {
  const w = new BlockWriter(Math.max(n, 1));
  for (let i = 0; i < n; i++) w.logs.add(START_TICKS + BigInt((objectOffset + i) * 1000), (i % 6) + 1, 'app::test', `msg ${objectOffset + i}`);
  return encodeBlock({ blockId, streamId, processId, objectOffset, tscFrequency: 1e9, clock: { ticks: START_TICKS, timeUs: START_US } }, w);
}

/** Registers a process and one log stream; returns their ids. */
export async function registerLogStream(baseUrl: string): Promise<{ processId: string; streamId: string }> {
  const p = processBody();
  const s = streamBody(p.process_id as string);
  const a = await post(baseUrl, '/ingestion/insert_process', JSON.stringify(p));
  const b = await post(baseUrl, '/ingestion/insert_stream', JSON.stringify(s));
  if (a.status !== 200 || b.status !== 200) throw new Error(`registration failed: ${a.status} ${a.text} / ${b.status} ${b.text}`);
  return { processId: p.process_id as string, streamId: s.stream_id as string };
}

/**
 * A catalog stream row as decodeBlock's stream description: the catalog types
 * objects_metadata as any JSON value, the block reader wants its own shape.
 */
export function streamMeta(row: StreamRow): StreamMetadata {
  return { stream_id: row.stream_id, objects_metadata: row.objects_metadata as unknown as ObjectsMetadata };
}
