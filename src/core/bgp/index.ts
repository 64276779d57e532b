// BGP-4 wire codecs: pure functions of bytes, no sockets, no timers. See docs/design/bgp-codec.md.
export * from './constants.js';
export * from './errors.js';
export * from './notification-codes.js';
export * from './framing.js';
export * from './capabilities.js';
export * from './open.js';
export * from './update.js';
export * from './notification.js';
export * from './route-refresh.js';
export * from './message.js';
export * from './update-builder.js';
export * from './communities.js';
export * from './attributes/types.js';
export { asPathLength, mergeAs4Path } from './attributes/as-path.js';
export { attributeName } from './attributes/rules.js';
export { prefixWireLength } from './nlri.js';
