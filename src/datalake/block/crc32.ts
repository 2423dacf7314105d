import zlib from 'node:zlib';

/**
 * CRC-32 (IEEE 802.3, the one of gzip and PNG). Node ≥ 20.15 computes it natively
 * as zlib.crc32; older Node 20 releases lack it, so a table-driven version with
 * the same polynomial gives the same result there (pinned by a test).
 */
type Crc32 = (data: Uint8Array, initial?: number) => number;

const TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

export function crc32Table(data: Uint8Array, initial = 0): number {
  let c = ~initial;
  for (let i = 0; i < data.length; i++) c = TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

const native = (zlib as unknown as { crc32?: Crc32 }).crc32;

export const crc32: Crc32 = native ?? crc32Table;
