import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { BlockHeaderInput, BlockWriter } from '../datalake/block/index.js';
import { BufferPool, packBlock, type RawBlock } from './raw-block.js';

/**
 * The calling thread's side of the encode worker (encode-worker.ts): block
 * encoding and deflate run there, so closing a block costs the recorder a
 * copy of its columns into a recycled buffer and a postMessage. One worker
 * per recording thread, started by init() and unref'd (it never keeps a
 * process alive: the exit flush does, with its own deadline). A worker that
 * dies fails its waiting blocks and is started again for the next one.
 * Replies come back on a MessagePort that closing a block also drains
 * synchronously, so the buffers of encoded blocks return to the pool even
 * while the application records without yielding.
 */

export interface EncodeRequest {
  id: number;
  header: BlockHeaderInput;
  level: number;
  raw: RawBlock;
  /** Per pipeline: the block sequence number, and (shared memory) the highest one the queue budget dropped. */
  seq: number;
  droppedUpTo: Int32Array;
}

/** Every reply gives the packed buffer back for reuse. */
export type EncodeReply = { id: number; buffer: ArrayBuffer } & ({ bytes: Uint8Array } | { skipped: true } | { error: string });

interface Waiter {
  resolve: (bytes: Buffer | null) => void;
  reject: (err: Error) => void;
}

/**
 * Built, the worker is plain .js. From the TypeScript sources (tests, tsx) it
 * is a .ts file: a small bootstrap registers tsx's loader in the worker first
 * (execArgv --import is not applied to worker threads on Node 20).
 */
function startWorker(port: MessagePort): Worker {
  const options = { workerData: { port }, transferList: [port] };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL('./encode-worker.js', import.meta.url), options);
  const api = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./encode-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`, { ...options, eval: true });
}

interface Running {
  worker: Worker;
  /** Requests go out and replies come back on this port. */
  port: MessagePort;
  /** Requests this worker has not answered yet. */
  waiting: Map<number, Waiter>;
}

class EncoderThread {
  private running: Running | null = null;
  private nextId = 1;
  private readonly pool = new BufferPool();

  /** Starts the worker ahead of the first block (init does), so its start-up does not land on a burst of recording. */
  warm(): void {
    if (this.running === null) this.start();
  }

  /**
   * Hands the closed block in `writer` to the worker (the caller resets the
   * writer afterwards). `recordedBytes`: what the block holds until it is
   * encoded; `encoded` resolves with the block bytes, or null when the budget
   * dropped the block before its turn.
   */
  encode(header: BlockHeaderInput, level: number, writer: BlockWriter, seq: number, droppedUpTo: Int32Array): { recordedBytes: number; encoded: Promise<Buffer | null> } {
    const running = this.running ?? this.start();
    // Replies that arrived during a synchronous burst of recording are taken now: their buffers refill the pool.
    for (let m = receiveMessageOnPort(running.port); m !== undefined; m = receiveMessageOnPort(running.port)) this.onReply(running, m.message as EncodeReply);
    const { raw, bytes } = packBlock(writer, this.pool);
    const id = this.nextId++;
    const request: EncodeRequest = { id, header, level, raw, seq, droppedUpTo };
    const encoded = new Promise<Buffer | null>((resolve, reject) => {
      running.waiting.set(id, { resolve, reject });
      running.port.postMessage(request, [raw.buffer]);
    });
    return { recordedBytes: bytes, encoded };
  }

  private onReply(running: Running, m: EncodeReply): void {
    const w = running.waiting.get(m.id);
    if (w === undefined) return;
    running.waiting.delete(m.id);
    this.pool.give(m.buffer);
    if ('bytes' in m) w.resolve(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.length));
    else if ('skipped' in m) w.resolve(null);
    else w.reject(new Error(m.error));
  }

  private start(): Running {
    const { port1: port, port2 } = new MessageChannel();
    const worker = startWorker(port2);
    const running: Running = { worker, port, waiting: new Map() };
    port.on('message', (m: EncodeReply) => this.onReply(running, m));
    const fail = (why: string): void => {
      if (this.running === running) this.running = null;
      const waiting = [...running.waiting.values()];
      running.waiting.clear();
      for (const w of waiting) w.reject(new Error(`the telemetry encode worker ${why}`));
    };
    worker.on('error', (err) => fail(`failed: ${err.message}`));
    worker.on('exit', (code) => {
      fail(`exited with code ${code}`);
      port.close();
    });
    // After the listeners (adding one refs them again): neither keeps a process alive.
    worker.unref();
    port.unref();
    return (this.running = running);
  }
}

let shared: EncoderThread | undefined;

/** This thread's encoder. */
export function encoder(): EncoderThread {
  return (shared ??= new EncoderThread());
}
