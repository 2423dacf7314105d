import { connect, type Socket } from 'node:net';
import { serialize } from 'pg-protocol';
import { Parser } from 'pg-protocol/dist/parser.js';

export type BackendMsg = { name: string; [k: string]: unknown };

/**
 * A client that speaks raw frames (built with pg-protocol) for what drivers
 * never send: Flush without Sync, maxRows, pipelined Parse, malformed bytes.
 */
export class RawClient {
  readonly received: BackendMsg[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    const parser = new Parser();
    socket.on('data', (buf) => {
      parser.parse(buf, (msg) => {
        const m = msg as unknown as BackendMsg;
        this.received.push({ ...m, message: (msg as { message?: string }).message });
        this.wake();
      });
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Connects and completes a trust startup. */
  static async ready(port: number, params: Record<string, string> = {}): Promise<RawClient> {
    const c = await RawClient.open(port);
    c.send(serialize.startup({ user: 'raw', database: 'sirius', ...params }));
    await c.until('readyForQuery');
    c.received.length = 0;
    return c;
  }

  send(...bufs: Buffer[]): void {
    this.socket.write(Buffer.concat(bufs));
  }

  /** Waits until a message with this name arrives (or the socket closes); returns everything received so far and clears it. */
  async until(name: string, timeoutMs = 10_000): Promise<BackendMsg[]> {
    const deadline = Date.now() + timeoutMs;
    while (!this.received.some((m) => m.name === name)) {
      if (this.closed) break;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${name}; got ${this.received.map((m) => m.name).join(',')}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    const idx = this.received.findIndex((m) => m.name === name);
    return this.received.splice(0, idx < 0 ? this.received.length : idx + 1);
  }

  /** Waits for the server to close the connection. */
  async closedByServer(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    return this.closed;
  }

  close(): void {
    this.socket.destroy();
  }
}

export const names = (msgs: BackendMsg[]): string[] => msgs.map((m) => m.name);
