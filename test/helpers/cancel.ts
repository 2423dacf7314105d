import { connect } from 'node:net';
import type pg from 'pg';
import { serialize } from 'pg-protocol';

/** The CancelRequest a driver sends: a new connection carrying the session's BackendKeyData. */
export async function sendCancel(port: number, pid: number, key: number): Promise<void> {
  await new Promise<void>((resolve) => {
    const s = connect(port, '127.0.0.1', () => s.end(serialize.cancel(pid, key)));
    s.on('close', () => resolve());
    s.on('error', () => resolve());
  });
}

/** Cancels what a node-postgres client is running. */
export async function cancelClient(port: number, client: pg.Client): Promise<void> {
  const { processID, secretKey } = client as unknown as { processID: number; secretKey: number };
  await sendCancel(port, processID, secretKey);
}
