import { existsSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../../src/cli/generate.js';
import { defaultConfig } from '../../src/config/config.js';
import { openCatalog, type Catalog } from '../../src/datalake/catalog/index.js';
import { blobKey } from '../../src/datalake/objectstore/index.js';
import { createTestSchema, type TestSchema } from '../helpers/pg.js';
import { spawnSirius, type SiriusProcess } from '../helpers/process.js';
import { allBlocks, CATALOG_KINDS, DAY_US, expectedExpired, HOUR_US } from './retention-fixtures.js';

/**
 * A `sirius serve` (the built CLI, a real child process) is killed with SIGKILL in the middle of
 * run_retention(), between two batches or inside one. Whatever the moment: every block row still has
 * its payload, a deleted block's payload is gone or listed as pending, only expired blocks were
 * deleted, no stream or process lost a block it still has, and no live partition holds rows of a
 * deleted block. After a restart the next run finishes the work and leaves no payload behind.
 */
const DEFAULTS = { log: 90, metrics: 90, spans: 7 };

function objectKeys(dataDir: string): Set<string> {
  const root = join(dataDir, 'objects');
  const dir = join(root, 'blobs');
  if (!existsSync(dir)) return new Set();
  return new Set(
    (readdirSync(dir, { recursive: true, withFileTypes: true }) as import('node:fs').Dirent[])
      .filter((e) => e.isFile() && !e.name.includes('.tmp'))
      .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/')),
  );
}

describe.each(CATALOG_KINDS)('retention killed mid-run, %s catalog', (kind) => {
  let proc: SiriusProcess | undefined;
  let schema: TestSchema | undefined;
  let catalog: Catalog | undefined;
  afterEach(async () => {
    await proc?.kill();
    await catalog?.close();
    await schema?.drop();
  });

  it('leaves a consistent catalog, and the next run finishes the work', async () => {
    schema = kind === 'postgres' ? await createTestSchema('sirius_retcrash') : undefined;
    const catalogArgs = schema ? ['--catalog-url', schema.url] : [];
    const args = ['--maintenance-interval-ms', '0', '--retired-grace-ms', '0', '--retention-batch-blocks', '1', ...catalogArgs];
    proc = await spawnSirius(args);
    const dataDir = proc.dataDir;
    for (const [seed, daysAgo] of [[51, 200], [52, 120], [53, 30], [54, 0.1]]) {
      const sent = await generate({
        url: proc.ingestUrl, processes: 1, logEvents: 400, metricEvents: 100, spanEvents: 100,
        startUs: Date.now() * 1000 - daysAgo * DAY_US, durationUs: HOUR_US, seed, timeoutMs: 30_000, blockEvents: 16,
      });
      expect(sent.acknowledged).toBe(true);
    }
    catalog = await openCatalog(defaultConfig({ dataDir, catalogUrl: schema?.url ?? '' }));
    const before = await allBlocks(catalog);
    const expired = expectedExpired(before, DEFAULTS, new Set(), Date.now() * 1000);
    expect(expired.size).toBeGreaterThan(100);

    const client = new pg.Client({ host: '127.0.0.1', port: proc.pgPort, database: 'sirius', user: 'crash' });
    await client.connect();
    expect((await client.query('SELECT count(*)::int AS n FROM log_entries')).rows[0].n).toBe(1600); // partitions to retire
    let progressed = 0;
    const victim = proc;
    const killed = new Promise<void>((resolve) => {
      client.on('notice', (n) => {
        if (/^retention: [1-9]\d*\//.test(n.message ?? '') && ++progressed === 3) void victim.kill().then(resolve);
      });
    });
    client.on('error', () => undefined);
    const outcome = await client.query('SELECT * FROM run_retention()').then(() => 'finished', () => 'interrupted');
    await killed;
    proc = undefined;
    expect(outcome).toBe('interrupted');

    // consistency with the server dead
    const left = await allBlocks(catalog);
    const leftIds = new Set(left.map((b) => b.block_id));
    const deleted = before.filter((b) => !leftIds.has(b.block_id));
    expect(deleted.length).toBeGreaterThan(0);
    expect(deleted.length).toBeLessThan(expired.size);
    for (const b of deleted) expect(expired.has(b.block_id), `deleted ${b.block_id} was not expired`).toBe(true);
    const present = objectKeys(dataDir);
    for (const b of left) expect(present.has(blobKey(b.process_id, b.stream_id, b.block_id)), `row ${b.block_id} lost its payload`).toBe(true);
    const pending = new Set((await catalog.retention.listPendingObjectDeletes(Number.MAX_SAFE_INTEGER, 100_000)).map((p) => p.object_key));
    for (const b of deleted) {
      const key = blobKey(b.process_id, b.stream_id, b.block_id);
      expect(!present.has(key) || pending.has(key), `payload of ${b.block_id} leaked`).toBe(true);
    }
    const hadBlocks = new Set(before.map((b) => b.stream_id));
    const hasBlocks = new Set(left.map((b) => b.stream_id));
    for (const s of await catalog.listStreams()) expect(hasBlocks.has(s.stream_id) || !hadBlocks.has(s.stream_id), `stream ${s.stream_id} kept without blocks`).toBe(true);
    for (const s of hadBlocks) if (hasBlocks.has(s)) expect(await catalog.getStream(s)).toBeDefined();
    const runs = await catalog.retention.listRetentionRuns(10);
    expect(runs.map((r) => [r.trigger, r.status, r.finished_at])).toEqual([['sql', 'running', null]]);

    // after a restart, the views read exactly what is left, and the next run finishes
    proc = await spawnSirius(args, {}, dataDir);
    const again = new pg.Client({ host: '127.0.0.1', port: proc.pgPort, database: 'sirius', user: 'crash' });
    await again.connect();
    try {
      const logEvents = left.filter((b) => b.tags.includes('log')).reduce((n, b) => n + b.nb_objects, 0);
      expect((await again.query('SELECT count(*)::int AS n FROM log_entries')).rows[0].n).toBe(logEvents);
      const { rows } = await again.query('SELECT blocks_deleted FROM run_retention()');
      expect(Number(rows[0].blocks_deleted)).toBe(expired.size - deleted.length);
      // the killed run is no longer shown as running
      const history = await catalog.retention.listRetentionRuns(10);
      expect(history.map((r) => [r.status, r.finished_at === null])).toEqual([['done', false], ['interrupted', true]]);
      expect(history[1].message).toMatch(/stopped before it ended/);
      const final = await allBlocks(catalog);
      expect(new Set(final.map((b) => b.block_id))).toEqual(new Set(before.filter((b) => !expired.has(b.block_id)).map((b) => b.block_id)));
      expect(objectKeys(dataDir)).toEqual(new Set(final.map((b) => blobKey(b.process_id, b.stream_id, b.block_id))));
      expect(await catalog.retention.listPendingObjectDeletes(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
      const remainingLogs = final.filter((b) => b.tags.includes('log')).reduce((n, b) => n + b.nb_objects, 0);
      expect((await again.query('SELECT count(*)::int AS n FROM log_entries')).rows[0].n).toBe(remainingLogs);
    } finally {
      await again.end();
      await client.end().catch(() => undefined);
    }
  });
});
