import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { init } from '../../../src/sdk/index.js';
import { pinoDestination, pinoLevel } from '../../../src/sdk/pino-transport.js';
import { logRows, startIngestServer, type IngestServer } from './ingest-server.js';

let server: IngestServer;
beforeEach(async () => {
  server = await startIngestServer();
});
afterEach(async () => {
  await server.close();
});

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Runs a fixture in a fresh Node process (with the tsx loader) and resolves when it exits on its own. */
function runChild(fixture: string, url: string, ...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const file = fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url));
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', file, url, ...args], { cwd: repoRoot, timeout: 30_000 }, (err, _out, stderr) =>
      resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, stderr }),
    );
    child.stdin?.end();
  });
}

describe('pino', () => {
  it('maps pino levels 10..60 to 6..1', () => {
    expect([10, 20, 30, 40, 50, 60, 35, 'warn'].map(pinoLevel)).toEqual([6, 5, 4, 3, 2, 1, 4, 3]);
  });

  it('as a destination stream: msg, level, name/module as target, other fields as properties, pino time', async () => {
    const t = init({ url: server.url, flushOnExit: false });
    const logger = pino({ name: 'api', level: 'trace' }, pinoDestination(t));
    const before = Date.now();
    logger.info({ reqId: 1, user: { id: 'u1' } }, 'hello');
    logger.child({ module: 'db' }).error('boom');
    logger.trace('fine detail');
    logger.fatal(new Error('kaput'), 'crashed');
    await t.shutdown();
    const rows = logRows(server.received);
    expect(rows.map(({ level, target, msg }) => ({ level, target, msg }))).toEqual([
      { level: 4, target: 'api', msg: 'hello' },
      { level: 2, target: 'db', msg: 'boom' },
      { level: 6, target: 'api', msg: 'fine detail' },
      { level: 1, target: 'api', msg: 'crashed' },
    ]);
    expect(JSON.parse(rows[0].properties!)).toEqual({ reqId: 1, user: { id: 'u1' } });
    expect(rows[1].properties).toBeNull();
    expect(JSON.parse(rows[3].properties!).err).toMatchObject({ type: 'Error', message: 'kaput' });
    // pino's time has ms precision: the event time is that instant, not the decode time.
    expect(rows[0].time % 1000).toBe(0);
    expect(rows[0].time).toBeGreaterThanOrEqual(Math.floor(before) * 1000);
  });

  it('as a pino.transport in a worker thread, flushed when the process exits', async () => {
    const { code, stderr } = await runChild('pino-child.ts', server.url);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(server.received.processes).toHaveLength(1);
    const rows = logRows(server.received);
    expect(rows.map(({ level, target, msg }) => ({ level, target, msg }))).toEqual([
      { level: 4, target: 'svc', msg: 'hello from pino' },
      { level: 2, target: 'db', msg: 'db down' },
    ]);
    expect(JSON.parse(rows[0].properties!)).toEqual({ reqId: 7 });
  });
});

describe('exit', () => {
  it('flushes open blocks on beforeExit when the application never calls shutdown()', async () => {
    // A generous exit deadline: under load, starting the encode worker through tsx takes seconds.
    const { code, stderr } = await runChild('exit-child.ts', server.url, '15000');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(logRows(server.received).map((r) => r.msg)).toEqual(['bye from child']);
    expect(server.received.blocks.some((b) => b.metrics?.count === 1)).toBe(true);
  });

  it('drains the encode worker before exit: a burst of 80 blocks all arrive, in order', async () => {
    const { code, stderr } = await runChild('exit-burst-child.ts', server.url);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const blocks = server.received.blocks.filter((b) => b.logs);
    expect(blocks.map((b) => b.meta.objectOffset)).toEqual(Array.from({ length: 80 }, (_, i) => i * 250));
    expect(logRows(server.received).map((r) => r.msg)).toEqual(Array.from({ length: 20_000 }, (_, i) => `event ${i}`));
  });

  it('exits after the exit flush deadline when the server accepts but never answers', async () => {
    server.respond = () => 0;
    const started = Date.now();
    const { code } = await runChild('exit-child.ts', server.url);
    expect(code).toBe(0);
    // exitFlushTimeoutMs is 2 s; the 10 s request timeout must not hold the process.
    expect(Date.now() - started).toBeLessThan(8000);
    expect(server.received.processes).toHaveLength(0);
  });

  it('does not keep a process alive forever when the server is down', async () => {
    await server.stop();
    const started = Date.now();
    const { code } = await runChild('exit-child.ts', server.url);
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000); // exitFlushTimeoutMs (2 s) plus start-up
  });
});
