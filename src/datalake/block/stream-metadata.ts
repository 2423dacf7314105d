import type { BlockMeta } from './decoded.js';
import { BlockFormatError } from './errors.js';
import { COLUMN_TYPE_NAMES, EventKind, FORMAT_VERSION, H, LAYOUTS, type KindLayout } from './format.js';

/**
 * The stream-level description of event layouts (Micromegas keeps these in
 * streams.objects_metadata / dependencies_metadata). Each block repeats only the
 * kind code and the column type codes (a few bytes), enough to decode it alone;
 * names, meanings and encodings are written here once per stream.
 */
export interface ObjectsMetadata {
  format: 'sirius-block';
  version: number;
  kinds: { kind: number; name: string; columns: { name: string; type: string; per: string }[] }[];
}

export interface DependenciesMetadata {
  format: 'sirius-block';
  version: number;
  dependencies: { name: string; encoding: string }[];
}

/** What a reader may know about the block's stream (a catalog row). */
export interface StreamMetadata {
  stream_id?: string;
  /** As stored in the catalog: the object or its JSON text. */
  objects_metadata?: ObjectsMetadata | string;
}

export const DEPENDENCIES_METADATA: DependenciesMetadata = {
  format: 'sirius-block',
  version: FORMAT_VERSION,
  dependencies: [
    { name: 'string', encoding: 'varuint byte_len, then byte_len bytes of UTF-8; id = position in the block string table' },
    { name: 'span_desc', encoding: 'varuint name string id, varuint target string id, varuint file string id, varuint line; id = position' },
  ],
};

export function objectsMetadata(kinds: EventKind[]): ObjectsMetadata {
  return {
    format: 'sirius-block',
    version: FORMAT_VERSION,
    kinds: kinds.map((k) => ({
      kind: k,
      name: LAYOUTS[k].name,
      columns: LAYOUTS[k].columns.map((c) => ({ name: c.name, type: COLUMN_TYPE_NAMES[c.type], per: c.per })),
    })),
  };
}

/** The block's stream must be this stream and must declare this kind with the same column types. */
export function checkStreamMetadata(stream: StreamMetadata, meta: BlockMeta, layout: KindLayout, at: number): void {
  if (stream.stream_id !== undefined && stream.stream_id.toLowerCase() !== meta.streamId) {
    throw new BlockFormatError(`block belongs to stream ${meta.streamId}, not ${stream.stream_id}`, H.streamId);
  }
  if (stream.objects_metadata === undefined) return;
  let objects: ObjectsMetadata;
  try {
    objects = typeof stream.objects_metadata === 'string' ? JSON.parse(stream.objects_metadata) : stream.objects_metadata;
  } catch (err) {
    throw new BlockFormatError(`stream objects_metadata is not JSON: ${(err as Error).message}`, at, 'payload');
  }
  const declared = objects.kinds?.find((k) => k.kind === layout.kind);
  if (!declared) throw new BlockFormatError(`stream ${meta.streamId} does not declare event kind ${layout.name}`, at, 'payload');
  const expected = layout.columns.map((c) => COLUMN_TYPE_NAMES[c.type]).join(',');
  const got = (declared.columns ?? []).map((c) => c.type).join(',');
  if (got !== expected) {
    throw new BlockFormatError(`stream declares ${layout.name} columns (${got}), block has (${expected})`, at, 'payload');
  }
}
