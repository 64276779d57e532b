// The pure side of leader election on a coordination.k8s.io/v1 Lease.
export * from './attempt.js';
export * from './decide.js';
export * from './micro-time.js';
export * from './observe.js';
export * from './timing.js';
export * from './types.js';
