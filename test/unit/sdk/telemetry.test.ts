import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventKind } from '../../../src/datalake/block/index.js';
import { Telemetry, TelemetryError, init, type TelemetryOptions } from '../../../src/sdk/index.js';
import { logRows, startIngestServer, until, type IngestServer } from './ingest-server.js';

let server: IngestServer;
let t: Telemetry | undefined;
const warnings: string[] = [];

const start = (opts: Partial<TelemetryOptions> = {}): Telemetry =>
  (t = init({ url: server.url, flushOnExit: false, retryBaseDelayMs: 5, maxRetryDelayMs: 20, onWarning: (m) => warnings.push(m), ...opts }));

beforeEach(async () => {
  server = await startIngestServer();
  warnings.length = 0;
});
afterEach(async () => {
  await t?.shutdown(2000);
  t = undefined;
  await server.close();
});

describe('options', () => {
  it('rejects bad options with a precise TelemetryError before registering anything', () => {
    expect(() => init({ url: 'not a url' })).toThrow(/url must be an http\(s\) URL, got 'not a url'/);
    expect(() => init({ url: 'ftp://127.0.0.1' })).toThrow(/url must be http: or https:, got 'ftp:'/);
    expect(() => init({ url: server.url, maxBlockAgeMs: 0 })).toThrow(/option maxBlockAgeMs must be a positive number, got 0/);
    expect(() => init({ url: server.url, compressionLevel: 12 })).toThrow(/compressionLevel must be 1..9/);
    expect(() => init({ url: server.url, headers: { 'bad header': 'x' } })).toThrow(TelemetryError);
    expect(server.received.requests).toHaveLength(0);
  });
});

describe('registration', () => {
  it('registers the process, then one stream per kind, with the documented JSON', async () => {
    const before = Date.now() * 1000;
    start({ properties: { service: 'checkout' }, processInfo: { exe: '/srv/app.js' } });
    expect(await t!.flush()).toBe(true);
    const [p] = server.received.processes;
    expect(p).toMatchObject({ process_id: t!.processId, exe: '/srv/app.js', tsc_frequency: 1e9, parent_process_id: null });
    expect(p.properties).toMatchObject({ service: 'checkout', pid: String(process.pid) });
    expect(String(p.start_ticks)).toMatch(/^\d+$/);
    expect(p.start_time as number).toBeGreaterThanOrEqual(before - 1000);
    expect(p.start_time as number).toBeLessThanOrEqual(Date.now() * 1000);
    const streams = server.received.streams;
    expect(streams.map((s) => s.tags)).toEqual([['log'], ['metrics'], ['cpu'], ['async']]);
    expect(streams.every((s) => s.process_id === t!.processId)).toBe(true);
    expect(streams.map((s) => s.objects_metadata.kinds.map((k: { kind: number }) => k.kind))).toEqual([
      [EventKind.Log], [EventKind.Metric], [EventKind.ThreadSpan], [EventKind.AsyncSpan],
    ]);
    expect(streams.map((s) => s.stream_id)).toEqual([t!.streams.log, t!.streams.metrics, t!.streams.cpu, t!.streams.async]);
  });
});

describe('logs and metrics', () => {
  it('sends static, formatted and property-carrying logs at every level', async () => {
    start({ defaultTarget: 'main' });
    const before = Date.now() * 1000;
    t!.info('started');
    t!.error('db', 'query failed', { table: 'users' });
    t!.warn('cache is cold', { size: 0 });
    t!.infof('http', 'user {} took {} ms', 'alice', 12.5);
    t!.fatal('f');
    t!.debug('d');
    t!.trace('x', 't');
    t!.log(4, 'x', 'generic');
    expect(() => t!.log(9, 'bad level')).toThrow(/level must be an integer 1..6, got/);
    await t!.flush();
    const rows = logRows(server.received);
    expect(rows.map(({ level, target, msg, properties }) => ({ level, target, msg, properties }))).toEqual([
      { level: 4, target: 'main', msg: 'started', properties: null },
      { level: 2, target: 'db', msg: 'query failed', properties: '{"table":"users"}' },
      { level: 3, target: 'main', msg: 'cache is cold', properties: '{"size":0}' },
      { level: 4, target: 'http', msg: 'user alice took 12.5 ms', properties: null },
      { level: 1, target: 'main', msg: 'f', properties: null },
      { level: 5, target: 'main', msg: 'd', properties: null },
      { level: 6, target: 'x', msg: 't', properties: null },
      { level: 4, target: 'x', msg: 'generic', properties: null },
    ]);
    expect(rows[0].time).toBeGreaterThanOrEqual(before - 1000);
    expect(rows[7].time).toBeLessThanOrEqual(Date.now() * 1000 + 1000);
  });

  it('formats any number of arguments, also when an argument logs while it is turned into text', async () => {
    start();
    const nested = { toJSON: () => (t!.infof('inner', '{}+{}={}', 1, 2, 3), 'N') };
    t!.warnf('a', 'none');
    t!.errorf('a', '{} {} {} {}', 'w', 'x', 'y', 'z');
    t!.debugf('a', '{}{}{}{}{}{}', 1, 2, 3, 4, 5, 6);
    t!.infof('a', 'obj {} then {}', nested, 'after');
    t!.tracef('a', 'again {} {}', 'p', 'q'); // the two-argument array lent to the outer call is back
    expect(() => t!.fatalf('a', 'bad level is fine, bad type is not {}', Symbol('s'))).not.toThrow();
    const throwing = { toJSON: () => { throw new Error('no'); }, toString: () => { throw new Error('no text'); } };
    expect(() => t!.infof('a', '{} {}', 'x', throwing)).toThrow('no text');
    await t!.flush();
    expect(logRows(server.received).map((r) => [r.level, r.target, r.msg])).toEqual([
      [3, 'a', 'none'],
      [2, 'a', 'w x y z'],
      [5, 'a', '123456'],
      [4, 'a', 'obj "N" then after'],
      [4, 'inner', '1+2=3'], // recorded right after the log whose argument logged it
      [6, 'a', 'again p q'],
      [1, 'a', 'bad level is fine, bad type is not Symbol(s)'],
    ]);
  });

  it('two-argument formatted logs (written without an argument array) read back as the generic path writes them', async () => {
    start();
    const pairs: [unknown, unknown][] = [[1, 'x'], [2 ** 53, 1.5], [-0, 'é'], [-(2 ** 52), 3e-7], ['s', 7], ['', ''], [{ o: 1 }, 2]];
    for (const [a, b] of pairs) {
      t!.infof('fast', '{}|{}', a, b);
      t!.logf(4, 'generic', '{}|{}', [a, b]);
    }
    await t!.flush();
    const rows = logRows(server.received);
    expect(rows).toHaveLength(2 * pairs.length);
    for (let i = 0; i < pairs.length; i++) expect([rows[2 * i].target, rows[2 * i].msg]).toEqual(['fast', rows[2 * i + 1].msg]);
    expect(rows.slice(0, 4).map((r) => r.msg)).toEqual(['1|x', '1|x', '9007199254740992|1.5', '9007199254740992|1.5']);
  });

  it('interns the same message once per block', async () => {
    start();
    for (let i = 0; i < 100; i++) t!.info('svc', 'same message');
    await t!.flush();
    const [b] = server.received.blocks;
    expect(b.logs!.count).toBe(100);
    expect(b.strings.slice(0, b.internedStrings)).toEqual(['svc', 'same message']);
  });

  it('records int, float and bigint metrics', async () => {
    start();
    t!.metric('requests', 'count', 3);
    t!.metric('latency', 'ms', 1.25, 'http', { route: '/a' });
    t!.metric('bytes', 'B', 2n ** 40n);
    await t!.flush();
    const m = server.received.blocks.find((b) => b.metrics)!;
    expect(Array.from(m.metrics!.value)).toEqual([3, 1.25, 2 ** 40]);
    expect(Array.from(m.metrics!.valueKind)).toEqual([0, 1, 0]);
    expect(Array.from(m.metrics!.name, (i) => m.strings[i])).toEqual(['requests', 'latency', 'bytes']);
    expect(m.strings[m.metrics!.target[1]]).toBe('http');
    expect(m.strings[m.metrics!.properties[1]]).toBe('{"route":"/a"}');
  });
});

describe('block closing', () => {
  it('closes a block when it reaches maxEventsPerBlock, with running object offsets', async () => {
    start({ maxEventsPerBlock: 10 });
    for (let i = 0; i < 25; i++) t!.info('t', `m${i % 3}`);
    await until(() => server.received.blocks.length === 2, 5000, 'two full blocks');
    await t!.flush();
    const blocks = server.received.blocks;
    expect(blocks.map((b) => [b.meta.nbObjects, b.meta.objectOffset])).toEqual([[10, 0], [10, 10], [5, 20]]);
    expect(t!.stats()).toMatchObject({ events: 25, sentEvents: 25, sentBlocks: 3 });
  });

  it('closes a block when its strings reach maxBlockBytes', async () => {
    start({ maxBlockBytes: 1000 });
    for (let i = 0; i < 30; i++) t!.info('t', `${i}:${'x'.repeat(95)}`);
    await until(() => server.received.blocks.length >= 2, 5000, 'blocks closed by size');
    await t!.flush();
    expect(server.received.blocks.length).toBeGreaterThanOrEqual(3);
    expect(server.received.blocks.reduce((n, b) => n + b.meta.nbObjects, 0)).toBe(30);
  });

  it('closes a block by age without any flush', async () => {
    start({ maxBlockAgeMs: 100 });
    const t0 = Date.now();
    t!.info('lonely');
    await until(() => server.received.blocks.length === 1, 3000, 'aged block');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(50);
    expect(logRows(server.received)[0].msg).toBe('lonely');
  });

  it('flushes on shutdown and ignores events after it', async () => {
    start();
    t!.info('last words');
    expect(await t!.shutdown()).toBe(true);
    expect(logRows(server.received).map((r) => r.msg)).toEqual(['last words']);
    t!.info('too late');
    expect(t!.stats().lateEvents).toBe(1);
  });
});

describe('spans', () => {
  it('records a sync span around fn, returns its result, and records begin/end on throw', async () => {
    start();
    expect(t!.span('compute', () => 42)).toBe(42);
    expect(() => t!.span('explode', () => { throw new Error('boom'); })).toThrow('boom');
    t!.beginSpan('outer');
    t!.span('inner', () => undefined);
    t!.endSpan();
    expect(() => t!.endSpan()).toThrow(TelemetryError);
    await t!.flush();
    const b = server.received.blocks.find((x) => x.threadSpans)!;
    const s = b.threadSpans!;
    const name = (i: number): string => b.strings[b.spanDescs.name[s.desc[i]]];
    expect(Array.from({ length: s.count }, (_, i) => `${s.eventType[i] ? 'end' : 'begin'} ${name(i)}`)).toEqual([
      'begin compute', 'end compute', 'begin explode', 'end explode', 'begin outer', 'begin inner', 'end inner', 'end outer',
    ]);
    expect(b.strings[b.spanDescs.file[s.desc[0]]]).toMatch(/telemetry\.test\.ts$/);
    expect(b.spanDescs.line[s.desc[0]]).toBeGreaterThan(0);
    for (let i = 1; i < s.count; i++) expect(s.ticks[i]).toBeGreaterThanOrEqual(s.ticks[i - 1]);
  });

  it('tracks async parents through AsyncLocalStorage, also across concurrent tasks', async () => {
    start();
    const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    const task = (label: string, ms: number) =>
      t!.span(`task-${label}`, async () => {
        await sleep(ms);
        await t!.span(`child-${label}`, async () => sleep(ms));
        return label;
      });
    expect(await Promise.all([task('a', 15), task('b', 5)])).toEqual(['a', 'b']);
    await expect(t!.asyncSpan('failing', async () => { throw new Error('nope'); })).rejects.toThrow('nope');
    await t!.flush();
    const b = server.received.blocks.find((x) => x.asyncSpans)!;
    const a = b.asyncSpans!;
    const ev = Array.from({ length: a.count }, (_, i) => ({
      type: a.eventType[i] ? 'end' : 'begin', name: b.strings[b.spanDescs.name[a.desc[i]]], id: a.spanId[i], parent: a.parentSpanId[i], depth: a.depth[i],
    }));
    const begin = (name: string) => ev.find((e) => e.type === 'begin' && e.name === name)!;
    expect(begin('task-a')).toMatchObject({ parent: 0, depth: 0 });
    expect(begin('child-a')).toMatchObject({ parent: begin('task-a').id, depth: 1 });
    expect(begin('child-b')).toMatchObject({ parent: begin('task-b').id, depth: 1 });
    for (const e of ev.filter((x) => x.type === 'begin')) expect(ev.filter((x) => x.type === 'end' && x.id === e.id)).toHaveLength(1);
    expect(ev.filter((e) => e.name === 'failing').map((e) => e.type)).toEqual(['begin', 'end']);
    expect(server.received.blocks.some((x) => x.threadSpans)).toBe(false);
  });

  it('explicit async spans take the current async span as parent', async () => {
    start();
    let child = 0;
    await t!.asyncSpan('request', async () => {
      child = t!.beginAsyncSpan('db-call');
      t!.endAsyncSpan(child);
    });
    expect(() => t!.endAsyncSpan(child)).toThrow(/no open async span/);
    await t!.flush();
    const b = server.received.blocks.find((x) => x.asyncSpans)!;
    const a = b.asyncSpans!;
    const i = Array.from(a.spanId).indexOf(child);
    expect(a.parentSpanId[i]).toBe(a.spanId[0]);
    expect(a.depth[i]).toBe(1);
  });
});
