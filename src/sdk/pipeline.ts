import { randomUUID } from 'node:crypto';
import { isMainThread, threadId } from 'node:worker_threads';
import { BlockWriter, DEPENDENCIES_METADATA, encodeBlock, EventKind, objectsMetadata } from '../datalake/block/index.js';
import type { ProcessClock } from './clock.js';
import { encoder } from './encoder.js';
import { httpClient, type HttpClient } from './http.js';
import type { ResolvedOptions } from './options.js';
import type { ProcessInfo } from './process-info.js';
import { Sink, type SinkStats } from './sink.js';

/** One stream of the process and its open block. */
export interface StreamState {
  readonly id: string;
  readonly tags: string[];
  readonly writer: BlockWriter;
  objectOffset: number;
  /** performance.now() when the age ticker first saw the open block non-empty; 0 = not yet. */
  seenAt: number;
}

const INSERT_PROCESS = '/ingestion/insert_process';
const INSERT_STREAM = '/ingestion/insert_stream';

/**
 * Everything after recording: registration of the process and its four
 * streams, closing blocks (by the recorder when full, by a ticker when old),
 * having them encoded in the encode worker, and handing them to the sink that
 * sends them.
 */
export class Pipeline {
  readonly log: StreamState;
  readonly metrics: StreamState;
  readonly cpu: StreamState;
  readonly async: StreamState;
  readonly all: StreamState[];
  encodeFailures = 0;
  private readonly http: HttpClient;
  private readonly sink: Sink;
  private readonly ticker: NodeJS.Timeout;
  private readonly tickMs: number;
  /** Blocks closed so far, and (shared with the worker) the highest of them the queue budget dropped. */
  private seq = 0;
  private readonly droppedUpTo = new Int32Array(new SharedArrayBuffer(4));

  constructor(
    private readonly opts: ResolvedOptions,
    private readonly clock: ProcessClock,
    private readonly info: ProcessInfo,
  ) {
    this.http = httpClient(opts.url, opts.requestTimeoutMs, opts.headers);
    this.sink = new Sink(this.http.post, {
      budgetBytes: opts.queueBudgetBytes,
      baseDelayMs: opts.retryBaseDelayMs,
      maxDelayMs: opts.maxRetryDelayMs,
      warn: opts.onWarning,
    });
    this.sink.addMetadata(INSERT_PROCESS, info);
    const thread = isMainThread ? 'main' : `worker-${threadId}`;
    this.log = this.stream(['log'], EventKind.Log, {});
    this.metrics = this.stream(['metrics'], EventKind.Metric, {});
    this.cpu = this.stream(['cpu'], EventKind.ThreadSpan, { thread_name: thread, thread_id: String(threadId) });
    this.async = this.stream(['async'], EventKind.AsyncSpan, {});
    this.all = [this.log, this.metrics, this.cpu, this.async];
    if (opts.encodeIn === 'worker') encoder().warm();
    this.tickMs = Math.min(250, Math.max(5, opts.maxBlockAgeMs / 4));
    this.ticker = setInterval(() => this.closeAged(), this.tickMs).unref();
  }

  private stream(tags: string[], kind: EventKind, properties: Record<string, string>): StreamState {
    const s: StreamState = { id: randomUUID(), tags, writer: new BlockWriter(this.opts.maxEventsPerBlock), objectOffset: 0, seenAt: 0 };
    this.sink.addMetadata(INSERT_STREAM, {
      stream_id: s.id,
      process_id: this.info.process_id,
      dependencies_metadata: DEPENDENCIES_METADATA,
      objects_metadata: objectsMetadata([kind]),
      tags,
      properties,
    });
    return s;
  }

  /** Closes the open block of `s` (if any): fixes its id and offset, hands it to the encode worker, queues it, and resets the writer. */
  close(s: StreamState): void {
    const w = s.writer;
    const events = w.nbObjects;
    if (events === 0) return;
    const header = {
      blockId: randomUUID(),
      streamId: s.id,
      processId: this.info.process_id,
      objectOffset: s.objectOffset,
      tscFrequency: this.clock.tscFrequency,
      clock: { ticks: this.clock.startTicks, timeUs: this.clock.startTimeUs },
    };
    s.objectOffset += events;
    s.seenAt = 0;
    if (this.opts.encodeIn === 'caller') {
      let bytes: Buffer;
      try {
        bytes = encodeBlock(header, w, { level: this.opts.compressionLevel });
      } catch (err) {
        return this.lost(events, err);
      } finally {
        w.reset();
      }
      this.sink.addBlock(bytes, events);
      return;
    }
    const seq = ++this.seq;
    let handed: { recordedBytes: number; encoded: Promise<Buffer | null> };
    try {
      handed = encoder().encode(header, this.opts.compressionLevel, w, seq, this.droppedUpTo);
    } catch (err) {
      return this.lost(events, err);
    } finally {
      w.reset();
    }
    const item = this.sink.addPendingBlock(events, handed.recordedBytes, () => Atomics.store(this.droppedUpTo, 0, seq));
    handed.encoded.then(
      (bytes) => (bytes === null ? this.sink.discard(item) : this.sink.fulfil(item, bytes)),
      (err: unknown) => {
        this.lost(events, err);
        this.sink.discard(item);
      },
    );
  }

  private lost(events: number, err: unknown): void {
    this.encodeFailures++;
    this.opts.onWarning(`telemetry block of ${events} events could not be encoded and is lost: ${err instanceof Error ? err.message : String(err)}`);
  }

  /** Closes blocks open for about maxBlockAgeMs (the ticker runs every maxBlockAgeMs/4, at most 250 ms). */
  private closeAged(): void {
    const now = performance.now();
    for (const s of this.all) {
      if (s.writer.nbObjects === 0) continue;
      if (s.seenAt === 0) s.seenAt = now;
      else if (now - s.seenAt >= this.opts.maxBlockAgeMs - this.tickMs) this.close(s);
    }
  }

  /** Closes every open block and waits until everything is sent; false if timeoutMs passes first. */
  flush(timeoutMs: number): Promise<boolean> {
    for (const s of this.all) this.close(s);
    return this.sink.whenIdle(timeoutMs);
  }

  get pending(): boolean {
    return !this.sink.idle || this.all.some((s) => s.writer.nbObjects > 0);
  }

  stats(): SinkStats & { events: number } {
    let events = 0;
    for (const s of this.all) events += s.objectOffset + s.writer.nbObjects;
    return { ...this.sink.stats(), events };
  }

  /** Stops the ticker, the sender and the sockets; queued blocks stay unsent. */
  stop(): void {
    clearInterval(this.ticker);
    this.sink.stop();
    this.http.close();
  }
}
