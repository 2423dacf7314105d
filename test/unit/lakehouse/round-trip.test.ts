import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASYNC_SELECT, expectedAsyncRows, expectedLogRows, expectedMetricRows, LOG_SELECT, METRIC_SELECT, parseJson, relation, rowsOf, sortRows } from './expect-rows.js';
import { CATALOG_KINDS, createHarness, type Harness } from './harness.js';
import { logEvents, TestProcess } from './telemetry.js';
import type { BlockRow } from '../../../src/datalake/catalog/index.js';

describe.each(CATALOG_KINDS)('round trip, %s catalog: blocks → partitions → read_parquet rows', (kind) => {
  let h: Harness;
  let a: TestProcess;
  let b: TestProcess;
  const logs: { a: BlockRow[]; b: BlockRow[] } = { a: [], b: [] };
  let metrics: BlockRow[] = [];
  let asyncBlocks: BlockRow[] = [];

  beforeAll(async () => {
    h = await createHarness(kind);
    a = await TestProcess.create(h);
    b = await TestProcess.create(h, { exe: '/srv/other.js', properties: {} });
    logs.a.push(await a.logBlock(logEvents(40, 0)), await a.logBlock(logEvents(25, 100_000)));
    logs.b.push(await b.logBlock(logEvents(10, 5_000, 333.25)));
    metrics = [
      await a.metricBlock([
        { at: 10, target: 'sys', name: 'cpu', unit: 'percent', value: 12.5 },
        { at: 20, target: 'sys', name: 'queue', unit: 'count', value: -3, props: '{"queue":"q1"}' },
        { at: 30, target: 'sys', name: 'big', unit: 'count', value: 2 ** 52 },
      ]),
    ];
    asyncBlocks = [
      await a.asyncBlock([
        { at: 1, type: 'begin', spanId: 7, parent: 0, depth: 0, name: 'job' },
        { at: 2, type: 'begin', spanId: 8, parent: 7, depth: 1, name: 'fetch' },
      ]),
      await a.asyncBlock([
        { at: 9, type: 'end', spanId: 8, parent: 7, depth: 1, name: 'fetch' },
        { at: 12, type: 'end', spanId: 7, parent: 0, depth: 0, name: 'job' },
      ]),
    ];
  });
  afterAll(async () => h?.close());

  it('log_entries (global) holds every decoded log event of every process, exactly once', async () => {
    const r = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: 'global' }, {});
    const got = await rowsOf(h, 'log_entries', r, LOG_SELECT, 'time, block_id, msg');
    const expected = [...(await expectedLogRows(h, a, logs.a)), ...(await expectedLogRows(h, b, logs.b))];
    expect(got).toEqual(sortRows(expected, ['time', 'block_id', 'msg']));
    r.release();
  });

  it("view_instance('log_entries', process) holds only that process's events", async () => {
    const r = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: b.id }, {});
    expect(await rowsOf(h, 'log_entries', r, LOG_SELECT, 'time, block_id, msg')).toEqual(await expectedLogRows(h, b, logs.b));
    r.release();
  });

  it('formatted messages, properties and process properties read back as text and JSON', async () => {
    const r = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: a.id }, {});
    const rows = await h.query(`SELECT msg, property_get(properties, 'a.b') AS dotted, properties->>'request' AS request, property_get(process_properties, 'service') AS service
      FROM ${relation(h, 'log_entries', r)} WHERE block_id = '${logs.a[0].block_id}' AND epoch_us(time) - 1700000000000000 IN (0, 3000) ORDER BY time`);
    expect(rows).toEqual([
      { msg: 'static message 0', dotted: 'dotted', request: 'r0', service: 'checkout' },
      { msg: 'static message 3 user3 3 0.5', dotted: null, request: null, service: 'checkout' },
    ]);
    r.release();
  });

  it('measures and async_events hold the decoded events', async () => {
    const m = await h.lakehouse.resolve({ viewSet: 'measures', instanceId: 'global' }, {});
    expect(await rowsOf(h, 'measures', m, METRIC_SELECT, 'time, block_id, name')).toEqual(await expectedMetricRows(h, a, metrics));
    const e = await h.lakehouse.resolve({ viewSet: 'async_events', instanceId: a.id }, {});
    expect(await rowsOf(h, 'async_events', e, ASYNC_SELECT, 'time, span_id, event_type')).toEqual(await expectedAsyncRows(h, asyncBlocks));
    m.release();
    e.release();
  });

  it('log_stats counts log_entries per minute, process, level and target', async () => {
    const entries = await h.lakehouse.resolve({ viewSet: 'log_entries', instanceId: 'global' }, {});
    const stats = await h.lakehouse.resolve({ viewSet: 'log_stats', instanceId: 'global' }, {});
    const fromEntries = await h.query(`SELECT epoch_us(date_trunc('minute', time)) AS bin, process_id, level, target, count(*) AS n
      FROM ${relation(h, 'log_entries', entries)} GROUP BY ALL ORDER BY ALL`);
    const fromStats = await h.query(`SELECT epoch_us(time_bin) AS bin, process_id, level, target, sum(count)::BIGINT AS n
      FROM ${relation(h, 'log_stats', stats)} GROUP BY ALL ORDER BY ALL`);
    expect(fromStats).toEqual(fromEntries);
    expect(fromStats.length).toBeGreaterThan(10);
  });

  it('processes, streams and blocks hold the catalog rows', async () => {
    const p = await h.lakehouse.resolve({ viewSet: 'processes', instanceId: 'global' }, {});
    const procs = parseJson(await h.query(`SELECT process_id, exe, CAST(properties AS VARCHAR) AS properties, start_ticks, epoch_us(last_update_time) AS lut, epoch_us(last_block_end_time) AS lbet
      FROM ${relation(h, 'processes', p)} ORDER BY insert_time`));
    const lastOfA = [...logs.a, ...metrics, ...asyncBlocks].sort((x, y) => y.insert_time - x.insert_time)[0];
    expect(procs).toEqual([
      { process_id: a.id, exe: a.process.exe, properties: a.process.properties, start_ticks: a.process.start_ticks, lut: BigInt(lastOfA.insert_time), lbet: BigInt(lastOfA.end_time) },
      { process_id: b.id, exe: b.process.exe, properties: {}, start_ticks: b.process.start_ticks, lut: BigInt(logs.b[0].insert_time), lbet: BigInt(logs.b[0].end_time) },
    ]);
    const s = await h.lakehouse.resolve({ viewSet: 'streams', instanceId: 'global' }, {});
    const streams = parseJson(await h.query(`SELECT stream_id, tags, CAST(properties AS VARCHAR) AS properties FROM ${relation(h, 'streams', s)} WHERE process_id = '${a.id}' ORDER BY insert_time`));
    expect(streams).toEqual(Object.values(a.streams).map((x) => ({ stream_id: x.stream_id, tags: expect.objectContaining({ items: x.tags }), properties: x.properties })));
    const bl = await h.lakehouse.resolve({ viewSet: 'blocks', instanceId: 'global' }, {});
    const blocks = await h.query(`SELECT block_id, nb_objects, "streams.tags"[1] AS tag, "processes.exe" AS exe, epoch_us(insert_time) AS it FROM ${relation(h, 'blocks', bl)} ORDER BY insert_time, block_id`);
    const all = [...logs.a, ...logs.b, ...metrics, ...asyncBlocks].sort((x, y) => x.insert_time - y.insert_time || (x.block_id < y.block_id ? -1 : 1));
    const exeOf = (r: BlockRow): string => (r.process_id === a.id ? a.process.exe : b.process.exe);
    const tagOf = (r: BlockRow): string | undefined => [a, b].flatMap((p) => Object.values(p.streams)).find((st) => st.stream_id === r.stream_id)?.tags[0];
    expect(blocks).toEqual(all.map((r) => ({ block_id: r.block_id, nb_objects: r.nb_objects, tag: tagOf(r), exe: exeOf(r), it: BigInt(r.insert_time) })));
  });

  it('files carry exactly the declared column types, as does the empty relation', async () => {
    for (const info of h.lakehouse.viewSets()) {
      const instanceId = info.global ? 'global' : info.instanceKind === 'process' ? a.id : a.streams.cpu.stream_id;
      const r = await h.lakehouse.resolve({ viewSet: info.name, instanceId }, {});
      const declared = info.columns.map((c) => ({ column_name: c.name, column_type: c.type }));
      if (r.files.length > 0) expect(await h.query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM ${relation(h, info.name, r)})`)).toEqual(declared);
      expect(await h.query(`SELECT column_name, column_type FROM (DESCRIBE ${h.lakehouse.emptyRelationSql(info.name)})`)).toEqual(declared);
      r.release();
    }
  });
});
