/**
 * The one error a block reader throws. Callers branch on it (the ingestion
 * service answers 400, the lakehouse skips and reports the block); the message
 * says what is wrong and where: `region` tells whether `offset` counts from the
 * start of the block bytes or from the start of the decompressed payload.
 */
export class BlockFormatError extends Error {
  override readonly name = 'BlockFormatError';

  constructor(
    readonly reason: string,
    readonly offset: number,
    readonly region: 'block' | 'payload' = 'block',
    options?: { cause?: unknown },
  ) {
    super(`${reason} (at ${region} offset ${offset})`, options);
  }
}
