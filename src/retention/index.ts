/** Retention and tail sampling (docs/retention.md). */
export { RetentionService, type RetentionOptions, type RetentionDeps } from './service.js';
export { policyDefaults, effectivePolicies, cutoffsAt, formatAge, DAY_US, type EffectivePolicy, type PolicyDefaults } from './policies.js';
export type { RetentionReport } from './report.js';
export { retentionOptions } from './options.js';
