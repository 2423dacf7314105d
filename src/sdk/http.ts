import http from 'node:http';
import https from 'node:https';
import { TelemetryError } from './errors.js';

export interface PostResult {
  status: number;
  /** The start of the response body, for warnings. */
  body: string;
}

/** Sends one request; resolves with any HTTP status, rejects only on network errors and timeouts. */
export type Poster = (path: string, body: Buffer | string, contentType: string) => Promise<PostResult>;

export interface HttpClient {
  post: Poster;
  close(): void;
}

/**
 * node:http with a keep-alive agent: scripts/bench/sdk-http.ts measured it
 * faster than global fetch (undici) on Node 20 for both metadata and block
 * bodies. Sockets never keep the application alive (idle ones are unref'd by
 * the agent, busy ones here).
 */
export function httpClient(baseUrl: string, timeoutMs: number, headers: Record<string, string> = {}): HttpClient {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TelemetryError(`url must be an http(s) URL, got '${baseUrl}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TelemetryError(`url must be http: or https:, got '${url.protocol}'`);
  for (const [name, value] of Object.entries(headers)) {
    try {
      http.validateHeaderName(name);
      http.validateHeaderValue(name, value);
    } catch (err) {
      throw new TelemetryError(`header ${JSON.stringify(name)}: ${(err as Error).message}`);
    }
  }
  const mod = url.protocol === 'https:' ? https : http;
  const agent = new mod.Agent({ keepAlive: true, maxSockets: 2 });
  const prefix = url.pathname.replace(/\/$/, '');
  const post: Poster = (path, body, contentType) =>
    new Promise((resolve, reject) => {
      const req = mod.request(
        {
          protocol: url.protocol,
          hostname: url.hostname,
          port: url.port,
          method: 'POST',
          path: prefix + path,
          agent,
          timeout: timeoutMs,
          headers: { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8', 0, 500) }));
          res.on('error', reject);
        },
      );
      // A request on the wire must not hold an exiting application for up to timeoutMs: the exit flush
      // keeps the process alive with its own deadline timer instead.
      req.on('socket', (socket) => socket.unref());
      req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}
