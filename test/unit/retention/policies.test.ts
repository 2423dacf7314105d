import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../../src/config/config.js';
import { streamKinds, type RetentionPolicyRow, type RetentionStore } from '../../../src/datalake/catalog/index.js';
import { cutoffsAt, DAY_US, effectivePolicies, formatAge, policyDefaults } from '../../../src/retention/index.js';

/** A store that only answers listRetentionPolicies: what effectivePolicies reads. */
const storeWith = (rows: RetentionPolicyRow[]): RetentionStore => ({ listRetentionPolicies: async () => rows }) as unknown as RetentionStore;

describe('retention policies', () => {
  it('default to 90 days for logs and metrics and 7 days for spans, from SIRIUS_RETENTION_*_DAYS', () => {
    expect(policyDefaults(defaultConfig())).toEqual({ log: 90 * DAY_US, metrics: 90 * DAY_US, spans: 7 * DAY_US });
    expect(policyDefaults(defaultConfig({ retentionSpansDays: 2 })).spans).toBe(2 * DAY_US);
  });

  it('take a kind’s policy from the catalog when SQL set one, else from the configuration', async () => {
    const policies = await effectivePolicies(storeWith([{ kind: 'spans', max_age_us: DAY_US, updated_at: 0 }]), policyDefaults(defaultConfig()));
    expect(policies).toEqual([
      { kind: 'log', tags: ['log'], maxAgeUs: 90 * DAY_US, source: 'config' },
      { kind: 'metrics', tags: ['metrics'], maxAgeUs: 90 * DAY_US, source: 'config' },
      { kind: 'spans', tags: ['cpu', 'async'], maxAgeUs: DAY_US, source: 'catalog' },
    ]);
    expect(cutoffsAt(policies, 100 * DAY_US)).toEqual({ log: 10 * DAY_US, metrics: 10 * DAY_US, spans: 99 * DAY_US });
  });

  it('know a stream’s kinds from its tags', () => {
    expect(streamKinds(['log'])).toEqual(['log']);
    expect(streamKinds(['cpu'])).toEqual(['spans']);
    expect(streamKinds(['async'])).toEqual(['spans']);
    expect(streamKinds(['log', 'metrics'])).toEqual(['log', 'metrics']);
    expect(streamKinds(['gpu'])).toEqual([]);
  });

  it('print an age in the largest unit that divides it', () => {
    expect(formatAge(7 * DAY_US)).toBe('7 days');
    expect(formatAge(DAY_US)).toBe('1 day');
    expect(formatAge(36 * 3_600_000_000)).toBe('36 hours');
    expect(formatAge(60_000_000)).toBe('1 minute');
    expect(formatAge(1_500_000)).toBe('1.5 seconds');
  });
});
