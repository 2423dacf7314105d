/** View definitions (docs/views.md): schema, time column, instance semantics, row building. */
export { VIEW_SETS, findViewSet, viewSetNames, emptyRelationSql, quoteIdent } from './registry.js';
export { VIEW_MACROS_SQL } from './macros.js';
export { StagedRows, Dictionary, BlockStrings, NULL_ID, TEXT_ID, type Texts, type StageColumn, type StageKind, type Runs } from './staged-rows.js';
export {
  viewSetInfo,
  MINUTE,
  HOUR,
  DAY,
  type ViewSetDef,
  type BlockViewSet,
  type ProcessesViewSet,
  type StreamsViewSet,
  type BlocksViewSet,
  type ViewSetInfo,
  type InstanceKind,
  type EventRange,
  type SourceBlock,
  type BlockRowBuilder,
  type StreamCarry,
} from './view-set.js';
export { applyBlock, type SpanStack, type OpenSpan } from './thread-spans.js';
