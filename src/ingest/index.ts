/** The HTTP ingestion service (docs/block-format.md §7). */
export { IngestServer, type IngestServerOptions, type IngestStats } from './server.js';
export { IngestError, toIngestError } from './errors.js';
export { BlockIngestor, blockRow } from './blocks.js';
export { parseProcess, parseStream } from './validate.js';
