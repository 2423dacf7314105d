import { SqlState } from './sqlstate.js';

export type Severity = 'ERROR' | 'FATAL' | 'PANIC' | 'WARNING' | 'NOTICE' | 'DEBUG' | 'INFO' | 'LOG';

export interface PgErrorFields {
  severity?: Severity;
  detail?: string;
  hint?: string;
  /** 1-based character position in the query text. */
  position?: number;
  cause?: unknown;
}

/**
 * The one error type that crosses layers: every failure that reaches a client
 * is a PgError carrying a SQLSTATE. Anything else is mapped by the layer that
 * caught it (see engine/errors.ts toPgError) before it reaches the wire.
 */
export class PgError extends Error {
  override readonly name = 'PgError';
  readonly code: string;
  readonly severity: Severity;
  readonly detail?: string;
  readonly hint?: string;
  readonly position?: number;

  constructor(code: string, message: string, fields: PgErrorFields = {}) {
    super(message, fields.cause === undefined ? undefined : { cause: fields.cause });
    this.code = code;
    this.severity = fields.severity ?? 'ERROR';
    this.detail = fields.detail;
    this.hint = fields.hint;
    this.position = fields.position;
  }

  get fatal(): boolean {
    return this.severity === 'FATAL' || this.severity === 'PANIC';
  }

  static fatal(code: string, message: string, fields: Omit<PgErrorFields, 'severity'> = {}): PgError {
    return new PgError(code, message, { ...fields, severity: 'FATAL' });
  }

  static protocol(message: string): PgError {
    return PgError.fatal(SqlState.ProtocolViolation, message);
  }
}
