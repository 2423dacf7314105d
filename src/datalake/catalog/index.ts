export type { Catalog, InsertResult, BatchInsertResult, ProcessFilter, StreamFilter, BlockFilter } from './catalog.js';
export { openCatalog, EMBEDDED_CATALOG_FILE } from './open.js';
export { CatalogError, type CatalogErrorCode } from './errors.js';
export { BUILD_NODE, type PartitionBuildRow, type PartitionBuildFilter } from './build-log.js';
export type { CustomViewRow, CustomViewStore } from './custom-views.js';
export type { ProcessRow, StreamRow, BlockRow, NewProcess, NewStream, NewBlock, Micros, JsonValue, Properties } from './rows.js';
export { SqliteCatalog } from './sqlite-catalog.js';
export { PgCatalog } from './pg-catalog.js';
export { parsePgCatalogUrl, type PgCatalogTarget } from './pg-url.js';
export type {
  PartitionRow,
  NewPartition,
  UpsertPartitionResult,
  PartitionFilter,
  RetireFilter,
  RetiredFilter,
  TaggedBlockFilter,
  BlockSliceQuery,
  BlockSlice,
  ActivityFilter,
  ProcessActivityRow,
  StreamActivityRow,
} from './partitions.js';
export {
  STREAM_KINDS,
  KIND_TAGS,
  streamKinds,
  isStreamKind,
  type StreamKind,
  type RetentionStore,
  type KeptProcessRow,
  type RetentionPolicyRow,
  type ExpiredBlockQuery,
  type DeletedBlocks,
  type PendingObjectDelete,
  type RetentionRunRow,
  type StreamStorageRow,
  type PartitionSummaryRow,
} from './retention.js';
