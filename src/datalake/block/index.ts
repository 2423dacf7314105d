/** The Sirius block format (docs/block-format.md): writer, encoder, readers. */
export { BlockFormatError } from './errors.js';
export { ArgType, Codec, EventKind, FORMAT_VERSION, LAYOUTS, SpanEvent, ValueKind } from './format.js';
export {
  AsyncSpanColumns,
  BlockFullError,
  BlockWriter,
  LogColumns,
  MetricColumns,
  ThreadSpanColumns,
  spanDesc,
  type SpanDesc,
} from './writer.js';
export { encodeBlock, encodePayload, type BlockHeaderInput, type EncodeOptions } from './encode.js';
export { decodeBlock, readBlockMeta } from './decode.js';
export type * from './decoded.js';
export {
  DEPENDENCIES_METADATA,
  objectsMetadata,
  type DependenciesMetadata,
  type ObjectsMetadata,
  type StreamMetadata,
} from './stream-metadata.js';
