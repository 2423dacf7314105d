import type { Config } from '../config/config.js';
import { KIND_TAGS, STREAM_KINDS, type RetentionStore, type StreamKind } from '../datalake/catalog/index.js';

export const DAY_US = 86_400_000_000;

/** Retention per kind when the catalog has no policy for it (µs). */
export type PolicyDefaults = Record<StreamKind, number>;

export interface EffectivePolicy {
  kind: StreamKind;
  /** The tags that make a stream of this kind. */
  tags: readonly string[];
  maxAgeUs: number;
  /** 'catalog': set by SQL (set_retention_policy), shared by every node; 'config': SIRIUS_RETENTION_*_DAYS. */
  source: 'config' | 'catalog';
}

export function policyDefaults(config: Pick<Config, 'retentionLogDays' | 'retentionMetricsDays' | 'retentionSpansDays'>): PolicyDefaults {
  return { log: config.retentionLogDays * DAY_US, metrics: config.retentionMetricsDays * DAY_US, spans: config.retentionSpansDays * DAY_US };
}

/** The policy of each kind: the catalog's when SQL set one, else the configured default. */
export async function effectivePolicies(store: RetentionStore, defaults: PolicyDefaults): Promise<EffectivePolicy[]> {
  const stored = new Map((await store.listRetentionPolicies()).map((p) => [p.kind, p.max_age_us]));
  return STREAM_KINDS.map((kind) => {
    const set = stored.get(kind);
    return { kind, tags: KIND_TAGS[kind], maxAgeUs: set ?? defaults[kind], source: set === undefined ? 'config' : 'catalog' };
  });
}

/** Per kind, the end time before which a block is expired at `nowUs`. */
export function cutoffsAt(policies: EffectivePolicy[], nowUs: number): Record<StreamKind, number> {
  const out = {} as Record<StreamKind, number>;
  for (const p of policies) out[p.kind] = nowUs - p.maxAgeUs;
  return out;
}

const UNITS: [string, number][] = [['day', DAY_US], ['hour', 3_600_000_000], ['minute', 60_000_000], ['second', 1_000_000]];

/** '7 days', '36 hours', '1 minute', '1.5 seconds': the largest unit that divides the age, as PostgreSQL prints intervals. */
export function formatAge(us: number): string {
  for (const [unit, size] of UNITS) {
    if (us % size === 0) {
      const n = us / size;
      return `${n} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  const s = us / 1_000_000;
  return `${s} second${s === 1 ? '' : 's'}`;
}
