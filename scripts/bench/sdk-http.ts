/**
 * node:http with a keep-alive agent vs global fetch (undici) for the SDK's two
 * request shapes, against a local server. `npx tsx scripts/bench/sdk-http.ts`
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpClient } from '../../src/sdk/http.js';

async function main(): Promise<void> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = httpClient(url, 10_000);
  const viaFetch = async (path: string, body: Buffer | string, type: string): Promise<void> => {
    const res = await fetch(url + path, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': type } });
    await res.text();
  };
  const viaHttp = async (path: string, body: Buffer | string, type: string): Promise<void> => {
    await client.post(path, body, type);
  };
  const shapes: [string, Buffer | string, string][] = [
    ['metadata JSON (1 KB)', JSON.stringify({ x: 'y'.repeat(1000) }), 'application/json'],
    ['block (64 KB)', Buffer.alloc(64 * 1024, 7), 'application/octet-stream'],
  ];
  console.log('| request | node:http keep-alive µs/req | fetch µs/req | ratio fetch/http |');
  console.log('|---|---|---|---|');
  for (const [name, body, type] of shapes) {
    const time = async (send: typeof viaHttp): Promise<number> => {
      for (let i = 0; i < 200; i++) await send('/x', body, type);
      const n = 2000;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await send('/x', body, type);
      return ((performance.now() - t0) * 1000) / n;
    };
    const h = await time(viaHttp);
    const f = await time(viaFetch);
    console.log(`| ${name} | ${h.toFixed(0)} | ${f.toFixed(0)} | ${(f / h).toFixed(2)} |`);
  }
  client.close();
  server.close();
}

void main();
