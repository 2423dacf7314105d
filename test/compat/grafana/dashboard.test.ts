import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/sirius.js';
import { bucketOf, DURATION_MS, logEvents, metricEvents, sendGenerated, SHAPE, START_MS } from './generated.js';
import { grafanaSql, parseInterval, type Variable } from './macros.js';

/**
 * examples/grafana/dashboards/sirius-telemetry.json against Sirius: every panel's SQL expanded
 * as Grafana's PostgreSQL data source expands it, run in text mode (Grafana's result parsing
 * works on what the wire sends), checked against the generator's known events.
 */
interface Target { rawSql: string; format: string }
interface Panel { id: number; title: string; type: string; targets?: Target[] }
interface Dashboard { panels: Panel[]; templating: { list: { name: string; query: string; multi: boolean; includeAll: boolean }[] } }

const dashboard = JSON.parse(readFileSync(new URL('../../../examples/grafana/dashboards/sirius-telemetry.json', import.meta.url), 'utf8')) as Dashboard;
const RANGE = { fromMs: START_MS, toMs: START_MS + DURATION_MS };
const INTERVAL = '5m'; // $__interval: what the frontend substitutes; any width works, the expectations use the same one
const WIDTH = parseInterval(INTERVAL);
const TEXT: pg.CustomTypesConfig = { getTypeParser: () => (v: string) => v };

let server: TestServer;
let client: pg.Client;
let pids: string[];

beforeAll(async () => {
  server = await startTestServer();
  pids = await sendGenerated(server);
  client = await server.client({ types: TEXT });
}, 120_000);

afterAll(async () => {
  await client?.end();
  await server?.close();
});

const panel = (title: string): Target => {
  const p = dashboard.panels.find((x) => x.title === title);
  if (!p?.targets?.[0]) throw new Error(`dashboard has no panel '${title}'`);
  return p.targets[0];
};

async function run(title: string, process?: string): Promise<pg.QueryResult<Record<string, string>>> {
  const vars: Variable[] = [{ name: '__interval', value: INTERVAL }];
  const v = dashboard.templating.list.find((x) => x.name === 'process');
  if (process && v) vars.push({ name: 'process', value: process, multi: v.multi, includeAll: v.includeAll });
  return client.query<Record<string, string>>(grafanaSql(panel(title).rawSql, RANGE, vars));
}

const names = (r: pg.QueryResult): string[] => r.fields.map((f) => f.name);
const count = <T>(xs: T[], key: (x: T) => string): Map<string, number> => xs.reduce((m, x) => m.set(key(x), (m.get(key(x)) ?? 0) + 1), new Map<string, number>());
const LEVELS = ['', 'fatal', 'error', 'warn', 'info', 'debug', 'trace'];
/** Grafana reads a `time` column of timestamptz text; it must parse and fall in the range. */
function expectTimestampText(text: string): void {
  expect(text).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,6})?[+-]\d\d(:\d\d)?$/);
  const ms = Date.parse(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
  expect(ms).toBeGreaterThanOrEqual(RANGE.fromMs);
  expect(ms).toBeLessThanOrEqual(RANGE.toMs);
}

describe('Grafana dashboard examples/grafana/dashboards/sirius-telemetry.json', () => {
  it('the process variable lists every process (__value/__text)', async () => {
    const v = dashboard.templating.list.find((x) => x.name === 'process');
    const r = await client.query<Record<string, string>>(v?.query ?? 'missing variable');
    expect(names(r)).toEqual(['__value', '__text']);
    expect(r.rows.map((x) => x.__value).sort()).toEqual([...pids].sort());
  });

  it('log volume by level: $__timeGroupAlias buckets × level names, counts from the generator', async () => {
    const r = await run('Log volume by level');
    expect(names(r)).toEqual(['time', 'metric', 'value']);
    const expected = count(logEvents(), (e) => `${bucketOf(e.timeMs, WIDTH)}|${LEVELS[e.level]}`);
    const got = new Map(r.rows.map((x) => [`${Number(x.time)}|${x.metric}`, Number(x.value)]));
    expect(got).toEqual(new Map([...expected].map(([k, n]) => [k, n * SHAPE.processes])));
  });

  it('errors table: levels ≤ 2, newest first, timestamps Grafana parses', async () => {
    const r = await run('Errors');
    expect(names(r)).toEqual(['time', 'process_id', 'exe', 'level', 'target', 'msg']);
    const errors = logEvents().filter((e) => e.level <= 2).length * SHAPE.processes;
    expect(r.rows.length).toBe(Math.min(100, errors));
    for (const row of r.rows) {
      expect(Number(row.level)).toBeLessThanOrEqual(2);
      expectTimestampText(row.time);
    }
    const times = r.rows.map((x) => Date.parse(x.time.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('cpu_usage over time: avg and max per bucket', async () => {
    const r = await run('cpu_usage');
    expect(names(r)).toEqual(['time', 'cpu_usage', 'cpu_usage_max']);
    const groups = new Map<number, number[]>();
    for (const m of metricEvents().filter((x) => x.name === 'cpu_usage')) groups.set(bucketOf(m.timeMs, WIDTH), [...(groups.get(bucketOf(m.timeMs, WIDTH)) ?? []), m.value]);
    const expected = [...groups].sort(([a], [b]) => a - b).map(([t, vs]) => [t, vs.reduce((s, x) => s + x, 0) / vs.length, Math.max(...vs)]);
    expect(r.rows.map((x) => [Number(x.time), Number(x.cpu_usage), Number(x.cpu_usage_max)])).toEqual(expected);
  });

  it('mem_usage with $__unixEpochGroupAlias / $__unixEpochFilter', async () => {
    const r = await run('mem_usage (epoch seconds)');
    expect(names(r)).toEqual(['time', 'mem_usage']);
    const groups = new Map<number, number>();
    for (const m of metricEvents().filter((x) => x.name === 'mem_usage')) groups.set(bucketOf(m.timeMs, WIDTH), Math.max(groups.get(bucketOf(m.timeMs, WIDTH)) ?? -Infinity, m.value));
    expect(r.rows.map((x) => [Number(x.time), Number(x.mem_usage)])).toEqual([...groups].sort(([a], [b]) => a - b));
  });

  it('log events in range: $__timeFrom() / $__timeTo()', async () => {
    const r = await run('Log events in range');
    expect(names(r)).toEqual(['log events']);
    expect(Number(r.rows[0]['log events'])).toBe(SHAPE.logs * SHAPE.processes);
  });

  it('per-process drill-down: view_instance with the $process variable', async () => {
    const r = await run('Logs of the selected process', pids[1]);
    expect(names(r)).toEqual(['time', 'logs']);
    const expected = [...count(logEvents(), (e) => String(bucketOf(e.timeMs, WIDTH)))].map(([t, n]) => [Number(t), n]).sort((a, b) => a[0] - b[0]);
    expect(r.rows.map((x) => [Number(x.time), Number(x.logs)])).toEqual(expected);
  });

  it('per-process latest logs: 50 rows of that process', async () => {
    const r = await run('Latest logs of the selected process', pids[2]);
    expect(names(r)).toEqual(['time', 'level', 'target', 'msg']);
    expect(r.rows.length).toBe(Math.min(50, SHAPE.logs));
    const newest = logEvents().slice(-50).reverse();
    expect(r.rows.map((x) => x.msg)).toEqual(newest.map((e) => `event ${e.i}`));
    r.rows.forEach((x) => expectTimestampText(x.time));
  });

  it('per-process metrics: avg per bucket and metric name', async () => {
    const r = await run('Metrics of the selected process', pids[0]);
    expect(names(r)).toEqual(['time', 'metric', 'value']);
    const groups = new Map<string, number[]>();
    for (const m of metricEvents()) {
      const k = `${bucketOf(m.timeMs, WIDTH)}|${m.name}`;
      groups.set(k, [...(groups.get(k) ?? []), m.value]);
    }
    const got = new Map(r.rows.map((x) => [`${Number(x.time)}|${x.metric}`, Number(x.value)]));
    expect(got).toEqual(new Map([...groups].map(([k, vs]) => [k, vs.reduce((s, x) => s + x, 0) / vs.length])));
  });
});
