import type { Poster } from './http.js';

/**
 * The background sender. Metadata (process, streams) goes first and is never
 * dropped; blocks wait until all metadata is in. One request at a time keeps
 * the order and the memory simple. Network errors, 5xx, 408 and 429 are
 * retried with exponential backoff and jitter, re-sending the same bytes (the
 * block id inside them makes the retry idempotent); other 4xx reject a block.
 * When queued blocks exceed the byte budget the oldest are dropped. A block
 * refused because its stream is not registered (retention deletes streams
 * whose blocks all expired) makes the sink register the process and its
 * streams again and send the block once more. Blocks
 * still being encoded (in the encode worker) are queued too, in close order,
 * counted at their recorded size; the sender waits for the oldest to be
 * encoded, and the budget drops them like the others.
 */

export interface SinkOptions {
  budgetBytes: number;
  baseDelayMs: number;
  maxDelayMs: number;
  warn: (message: string) => void;
}

export interface SinkStats {
  sentBlocks: number;
  sentBytes: number;
  sentEvents: number;
  droppedBlocks: number;
  droppedEvents: number;
  droppedBytes: number;
  rejectedBlocks: number;
  retries: number;
  /** Times the process and its streams were registered again because the server had forgotten a stream. */
  reRegistrations: number;
  /** Blocks queued to send, including those still being encoded. */
  queuedBlocks: number;
  /** Bytes they hold: encoded size, or recorded size while being encoded. */
  queuedBytes: number;
  /** Of the queued blocks, those the encode worker has not returned yet. */
  encodingBlocks: number;
  metadataPending: number;
}

interface Item {
  path: string;
  /** null while the block is being encoded. */
  body: Buffer | string | null;
  contentType: string;
  /** Events in a block item; -1 marks metadata. */
  events: number;
  /** What the item counts against the budget. */
  bytes: number;
  /** Queued and still being encoded (counted in stats().encodingBlocks). */
  encoding: boolean;
  attempts: number;
  /** The registration was sent again for this block once already. */
  reRegistered?: boolean;
  /** Tells the encoder a block dropped before it was encoded. */
  onDrop?: () => void;
}

/** A block handed to addPendingBlock, to complete with fulfil() or discard(). */
export type PendingBlock = Readonly<Item>;

const BLOCK_PATH = '/ingestion/insert_block';
const retryable = (status: number): boolean => status >= 500 || status === 408 || status === 429;

export class Sink {
  private readonly meta: Item[] = [];
  /** Every registration ever queued (process, streams), to send again when the server forgot them. */
  private readonly registrations: { path: string; body: string }[] = [];
  private readonly blocks: Item[] = [];
  private inFlight: Item | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private warned = new Set<string>();
  private readonly counters = { sentBlocks: 0, sentBytes: 0, sentEvents: 0, droppedBlocks: 0, droppedEvents: 0, droppedBytes: 0, rejectedBlocks: 0, retries: 0, reRegistrations: 0 };
  private queuedBytes = 0;
  private encoding = 0;

  constructor(
    private readonly post: Poster,
    private readonly opts: SinkOptions,
  ) {}

  addMetadata(path: string, json: unknown): void {
    const body = JSON.stringify(json);
    this.registrations.push({ path, body });
    this.queueMetadata(path, body);
    this.pump();
  }

  private queueMetadata(path: string, body: string): void {
    this.meta.push({ path, body, contentType: 'application/json', events: -1, bytes: 0, encoding: false, attempts: 0 });
  }

  addBlock(bytes: Buffer, events: number): void {
    this.fulfil(this.addPendingBlock(events, bytes.length), bytes);
  }

  /** Queues a block that is still being encoded, counted at `recordedBytes`; `onDrop` runs if the budget drops it meanwhile. */
  addPendingBlock(events: number, recordedBytes: number, onDrop?: () => void): PendingBlock {
    const item: Item = { path: BLOCK_PATH, body: null, contentType: 'application/octet-stream', events, bytes: recordedBytes, encoding: true, attempts: 0, onDrop };
    this.blocks.push(item);
    this.queuedBytes += recordedBytes;
    this.encoding++;
    this.enforceBudget();
    return item;
  }

  /** The encoded bytes of a pending block (ignored if the budget dropped it meanwhile). */
  fulfil(pending: PendingBlock, bytes: Buffer): void {
    const item = pending as Item;
    if (!item.encoding) return; // dropped meanwhile
    this.encoding--;
    item.encoding = false;
    item.body = bytes;
    item.onDrop = undefined;
    this.queuedBytes += bytes.length - item.bytes;
    item.bytes = bytes.length;
    this.enforceBudget();
    this.pump();
  }

  /** Forgets a pending block that could not be encoded (or that the encoder skipped because it was dropped). */
  discard(pending: PendingBlock): void {
    const item = pending as Item;
    if (!item.encoding) return;
    this.encoding--;
    item.encoding = false;
    this.remove(item);
    this.pump();
  }

  stats(): SinkStats {
    return { ...this.counters, queuedBlocks: this.blocks.length, queuedBytes: this.queuedBytes, encodingBlocks: this.encoding, metadataPending: this.meta.length };
  }

  get idle(): boolean {
    return this.meta.length === 0 && this.blocks.length === 0 && this.inFlight === null;
  }

  /** Resolves true once everything queued is sent (or dropped), false if `timeoutMs` passes first. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.idle) return Promise.resolve(true);
    return new Promise((resolve) => {
      // This timer is deliberately not unref'd: it keeps a flushing process alive until the deadline.
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  /** Stops sending; queued items stay unsent. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Drops the oldest blocks that are not on the wire until the queue fits the budget. */
  private enforceBudget(): void {
    while (this.queuedBytes > this.opts.budgetBytes) {
      const at = this.blocks[0] === this.inFlight ? 1 : 0;
      const victim = this.blocks[at];
      if (victim === undefined) return;
      this.blocks.splice(at, 1);
      this.queuedBytes -= victim.bytes;
      this.counters.droppedBlocks++;
      this.counters.droppedEvents += victim.events;
      this.counters.droppedBytes += victim.bytes;
      if (victim.encoding) {
        victim.encoding = false;
        this.encoding--;
        victim.onDrop?.();
      }
      this.warnOnce('budget', `telemetry queue over its ${this.opts.budgetBytes}-byte budget: dropping the oldest event blocks (see stats().droppedBlocks)`);
    }
  }

  private pump(): void {
    if (this.inFlight || this.retryTimer || this.stopped) return;
    const item = this.meta[0] ?? this.blocks[0];
    if (item?.body === null) return; // the oldest block is still being encoded: fulfil() pumps again
    if (item === undefined) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    this.inFlight = item;
    this.post(item.path, item.body!, item.contentType).then(
      (res) => this.settle(item, res.status, res.body),
      (err: unknown) => this.settle(item, 0, err instanceof Error ? err.message : String(err)),
    );
  }

  private settle(item: Item, status: number, detail: string): void {
    this.inFlight = null;
    const isMeta = item.events < 0;
    if (status >= 200 && status < 300) {
      this.remove(item);
      if (!isMeta) {
        this.counters.sentBlocks++;
        this.counters.sentEvents += item.events;
        this.counters.sentBytes += item.bytes;
      }
    } else if (isMeta || status === 0 || retryable(status)) {
      // Registration is never dropped, even on a 4xx: blocks depend on it.
      const why = status === 0 ? detail : `HTTP ${status} ${detail}`;
      this.warnOnce(`retry:${item.path}:${status >= 400 && status < 500}`, `telemetry POST ${item.path} failed (${why}); retrying with backoff`);
      this.scheduleRetry(item);
      return;
    } else if (status === 422 && /not registered/.test(detail) && !item.reRegistered) {
      // the server no longer knows the stream (retention removed it): register everything again, then resend
      item.reRegistered = true;
      this.counters.reRegistrations++;
      for (const r of this.registrations) this.queueMetadata(r.path, r.body);
      this.warnOnce('reregister', `telemetry stream unknown to the server (${detail}); registering the process and its streams again`);
    } else {
      this.remove(item);
      this.counters.rejectedBlocks++;
      this.warnOnce(`reject:${status}`, `telemetry block rejected with HTTP ${status}: ${detail} (not retried; see stats().rejectedBlocks)`);
    }
    this.pump();
  }

  private remove(item: Item): void {
    const queue = item.events < 0 ? this.meta : this.blocks;
    const at = queue.indexOf(item);
    if (at < 0) return; // a block dropped by the budget while it was on the wire
    queue.splice(at, 1);
    if (item.events >= 0) this.queuedBytes -= item.bytes;
  }

  private scheduleRetry(item: Item): void {
    item.attempts++;
    this.counters.retries++;
    const ceiling = Math.min(this.opts.maxDelayMs, this.opts.baseDelayMs * 2 ** Math.min(item.attempts - 1, 30));
    const delay = ceiling * (0.5 + Math.random() * 0.5);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.pump();
    }, delay);
    this.retryTimer.unref();
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.opts.warn(message);
  }
}
