import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init } from '../../src/sdk/index.js';
import { startTestServer, type TestServer } from '../helpers/sirius.js';

/**
 * Retention removes a process and its streams once all their blocks are
 * gone (delete_process() does the same at once). A process that is still
 * running then sends blocks for a stream the server no longer knows: the
 * server answers 422, and the SDK registers the process and its streams
 * again and resends, so nothing recorded afterwards is lost.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.close());

describe('a stream deleted by retention while its process still runs', () => {
  it('is registered again by the SDK, and the later events arrive', async () => {
    const t = init({ url: server.ingestUrl, processInfo: { exe: 'long-lived' }, maxEventsPerBlock: 16, flushOnExit: false });
    for (let i = 0; i < 40; i++) t.info('app', 'before');
    expect(await t.flush()).toBe(true);
    const client = await server.client();
    try {
      const deleted = await client.query(`SELECT * FROM delete_process('${t.processId}')`);
      expect(deleted.rows.length).toBe(1);
      expect(await server.sirius.ingest.catalog.getProcess(t.processId)).toBeUndefined();

      for (let i = 0; i < 50; i++) t.info('app', 'after');
      expect(await t.flush()).toBe(true);
      expect(t.stats()).toMatchObject({ rejectedBlocks: 0, droppedBlocks: 0, reRegistrations: 1 });
      expect(await server.sirius.ingest.catalog.getProcess(t.processId)).toMatchObject({ exe: 'long-lived' });
      const n = await client.query(`SELECT msg, count(*)::INTEGER AS n FROM view_instance('log_entries', '${t.processId}') GROUP BY msg`);
      expect(n.rows).toEqual([{ msg: 'after', n: 50 }]);
    } finally {
      await client.end();
      await t.shutdown(5000);
    }
  });
});
