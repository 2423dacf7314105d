import type { Config } from '../config/config.js';
import { DAY_US, policyDefaults } from './policies.js';
import type { RetentionOptions } from './service.js';

/** The retention settings of a configuration (SIRIUS_RETENTION_*; payloads wait as long as retired partition files). */
export function retentionOptions(config: Config): RetentionOptions {
  return {
    defaults: policyDefaults(config),
    keepUs: config.retentionKeepDays * DAY_US,
    batchBlocks: config.retentionBatchBlocks,
    payloadGraceMs: config.retiredGraceMs,
    intervalMs: config.retentionIntervalMs,
  };
}
