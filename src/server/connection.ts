import type { Socket } from 'node:net';
import { toPgError } from '../engine/errors.js';
import type { Logger } from '../log/log.js';
import * as be from '../wire/backend.js';
import { FrameReader, type Frame } from '../wire/framing.js';
import { decodeMessage, type FrontendMessage } from '../wire/frontend.js';
import { PgError } from '../wire/pg-error.js';
import { BufferWriter } from '../wire/writer.js';
import type { ServerContext } from './context.js';
import { handleExtended } from './extended.js';
import type { Session } from './session.js';
import { handleSimpleQuery } from './simple.js';
import { handleStartupFrame, type AuthStep } from './startup.js';

/** Output is pushed to the socket once this much is buffered, so big results stream in pieces. */
const FLUSH_BYTES = 64 * 1024;
/** Reading pauses while this much unprocessed input is queued (pipelining clients). */
const MAX_PENDING_INPUT = 16 * 1024 * 1024;

export type Phase = 'startup' | 'auth' | 'ready' | 'closed';

/**
 * One client connection: bytes in, frames out of FrameReader, one message at
 * a time through the phase handlers, bytes back through one BufferWriter.
 * Every error leaves through fail().
 */
export class Connection {
  readonly reader = new FrameReader();
  readonly out = new BufferWriter(64 * 1024);
  phase: Phase = 'startup';
  session: Session | null = null;
  /** Set during the auth phase: consumes the client's password messages. */
  authStep: AuthStep | null = null;
  /** Extended protocol: after an error, messages are discarded until Sync. */
  skipToSync = false;
  log: Logger;
  private busy = false;
  private paused = false;

  constructor(public socket: Socket, readonly ctx: ServerContext) {
    this.log = ctx.log.child({ remote: `${socket.remoteAddress}:${socket.remotePort}` });
  }

  start(): void {
    this.attach(this.socket);
  }

  /** (Re)binds the socket listeners; called again after a TLS upgrade. */
  attach(socket: Socket): void {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.log.debug({ err }, 'socket error'));
    socket.on('close', () => this.onClose());
  }

  private onData(chunk: Buffer): void {
    this.reader.push(chunk);
    if (this.reader.pending > MAX_PENDING_INPUT && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    void this.pump();
  }

  /** Processes queued frames strictly one at a time. */
  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.phase !== 'closed') {
        let frame: Frame | null;
        try {
          frame = this.reader.next();
        } catch (err) {
          await this.fail(err);
          break;
        }
        if (!frame) break;
        // Bind, Describe, Close and most Syncs complete without waiting: no promise hop for them
        const pending = this.dispatch(frame);
        if (pending) await pending;
      }
      const flushed = this.flush();
      if (flushed) await flushed;
    } finally {
      this.busy = false;
      if (this.paused && this.reader.pending < MAX_PENDING_INPUT / 2 && this.phase !== 'closed') {
        this.paused = false;
        this.socket.resume();
      }
    }
  }

  /** Handles one frame; returns a promise only when the handler has to wait. */
  private dispatch(frame: Frame): Promise<void> | void {
    let pending: Promise<void> | void = undefined;
    try {
      if (this.phase === 'startup' || this.phase === 'auth') {
        pending = handleStartupFrame(this, frame);
      } else {
        const msg = decodeMessage(frame.type, frame.body);
        if (msg.kind === 'query') {
          this.skipToSync = false;
          pending = handleSimpleQuery(this, msg.sql);
        } else if (msg.kind === 'terminate') {
          this.close();
        } else if (msg.kind === 'password') {
          throw PgError.protocol('unexpected password message: authentication is complete');
        } else {
          return this.extended(msg);
        }
      }
    } catch (err) {
      return this.fail(err);
    }
    return pending?.catch((err: unknown) => this.fail(err));
  }

  private extended(msg: Exclude<FrontendMessage, { kind: 'query' | 'terminate' | 'password' }>): Promise<void> | void {
    if (this.skipToSync && msg.kind !== 'sync') return;
    let pending: Promise<void> | void;
    try {
      pending = handleExtended(this, msg);
    } catch (err) {
      return this.failExtended(err);
    }
    return pending?.catch((err: unknown) => this.failExtended(err));
  }

  private async failExtended(err: unknown): Promise<void> {
    await this.fail(err);
    this.skipToSync = true;
  }

  /**
   * The single exit for errors: ErrorResponse, failed transaction, skip to
   * Sync in the extended protocol, close on FATAL. Never a stack trace.
   */
  async fail(err: unknown): Promise<void> {
    const e = err instanceof PgError ? err : toPgError(err);
    if (e.code === 'XX000' || e.fatal) this.log.warn({ err, code: e.code }, 'query failed');
    else this.log.debug({ code: e.code, msg: e.message }, 'query failed');
    be.errorResponse(this.out, e);
    if (e.fatal || this.phase !== 'ready') {
      await this.flush();
      this.close();
      return;
    }
    this.session?.markFailed();
  }

  /** Ends the session from outside its message loop (server shutdown, engine restart). */
  async terminate(err: PgError): Promise<void> {
    if (this.phase === 'closed') return;
    be.errorResponse(this.out, err);
    await this.flush();
    this.close();
  }

  /** Writes buffered output; returns a promise (of the drain) only when the kernel buffer is full. */
  flush(): Promise<void> | void {
    if (this.out.length === 0 || this.phase === 'closed') {
      this.out.take();
      return;
    }
    const ok = this.socket.write(this.out.take());
    if (!ok) return this.drained();
  }

  /** Flushes when enough output is buffered (called between DataRows). */
  async maybeFlush(): Promise<void> {
    if (this.out.length >= FLUSH_BYTES) await this.flush();
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }

  get isClosed(): boolean {
    return this.phase === 'closed';
  }

  close(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.socket.end();
    this.socket.destroySoon?.();
  }

  private onClose(): void {
    this.phase = 'closed';
    this.ctx.active.delete(this);
    if (this.session) {
      this.session.destroy();
      this.session = null;
    }
  }
}
