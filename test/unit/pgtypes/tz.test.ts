/**
 * ZoneOffsets (src/pgtypes/tz.ts) against DuckDB's ICU, which computes the offsets DuckDB's own
 * timestamptz text shows: every hour of whole years, inside and beyond JavaScript's Date range.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { intoDateRange, ZoneOffsets } from '../../../src/pgtypes/tz.js';
import { openDuck } from './helpers.js';

let duck: DuckDBConnection;

beforeAll(async () => {
  duck = await openDuck();
});

afterAll(() => {
  duck.closeSync();
});

/** [epoch seconds, offset seconds east] for every hour of `year` (UTC) in `zone`, from ICU. */
async function icuOffsets(zone: string, year: string): Promise<[number, number][]> {
  await duck.run(`SET TimeZone = '${zone}'`);
  const next = year.startsWith('-') ? `-${String(Number(year.slice(1)) - 1).padStart(4, '0')}` : String(Number(year) + 1);
  const result = await duck.runAndReadAll(`SELECT epoch(t)::BIGINT, date_part('timezone', t)
    FROM generate_series('${year}-01-01 00:00:00+00'::TIMESTAMPTZ, '${next}-01-01 00:00:00+00'::TIMESTAMPTZ, INTERVAL 1 HOUR) s(t)`);
  return result.getRows().map(([e, o]) => [Number(e), Number(o)]);
}

describe('ZoneOffsets', () => {
  const zones = ['America/Los_Angeles', 'Europe/Paris', 'Australia/Sydney', 'Pacific/Chatham', 'Asia/Kathmandu', 'America/St_Johns'];
  // 2026 is inside the Date range; 290000 and 294246 beyond it (DuckDB's timestamps end in 294247); -290000 before it
  for (const year of ['2026', '290000', '294246', '-290000']) {
    it(`gives ICU's offsets for every hour of ${year}`, async () => {
      for (const zone of zones) {
        const expected = await icuOffsets(zone, year);
        const offsets = new ZoneOffsets(zone);
        const got = expected.map(([epoch]) => [epoch, offsets.offsetAt(epoch)]);
        expect({ zone, offsets: got }).toEqual({ zone, offsets: expected });
      }
    });
  }

  it('moves far instants into the Date range by whole 400-year cycles', () => {
    const limit = 8.64e12;
    for (const epoch of [limit + 1, 9.2e12, 9.223e12, -limit - 1, -9.2e12]) {
      const moved = intoDateRange(epoch);
      expect(Math.abs(moved)).toBeLessThanOrEqual(limit);
      expect(Math.abs((epoch - moved) % (146097 * 86400))).toBe(0);
    }
    expect(intoDateRange(12345)).toBe(12345);
  });
});

