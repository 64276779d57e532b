// The allocator's public surface.
export { Allocator, type Decision } from './allocator.js';
export type { AllocatorEvent, EventReason } from './events.js';
export { fullPass, fullPassSteps, type NamespaceLabels } from './pass.js';
export { poolStats, toMetricNumber, type FamilyStats, type PoolStats } from './stats.js';
