/** The lakehouse (docs/lakehouse.md): partition planning, materialization into Parquet, the partition cache. */
export { Lakehouse, type ViewRef, type TimeRange, type LakehouseOptions, type ResolvedView } from './lakehouse.js';
export type { LakehouseStats } from './stats.js';
export { PROCESS_LOCAL_LOCK, type BuildLock } from './single-flight.js';
