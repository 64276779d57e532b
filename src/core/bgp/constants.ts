// Numbers from the BGP-4 wire format (RFC 4271) and the extensions Herald speaks: message types,
// header limits, address families, path attribute type codes and flag bits, capability codes.

export const MARKER_LENGTH = 16;
export const HEADER_LENGTH = 19;
/** RFC 4271 §4.1: no message is longer than 4096 bytes unless RFC 8654 extended messages are agreed. */
export const MAX_MESSAGE_LENGTH = 4096;
export const EXTENDED_MAX_MESSAGE_LENGTH = 65535;

export const MessageType = {
  open: 1,
  update: 2,
  notification: 3,
  keepalive: 4,
  routeRefresh: 5,
} as const;

/** Smallest legal length of each message type, header included (RFC 4271 §4, RFC 2918 §3). */
export const MIN_LENGTH: Readonly<Record<number, number>> = {
  [MessageType.open]: 29,
  [MessageType.update]: 23,
  [MessageType.notification]: 21,
  [MessageType.keepalive]: 19,
  [MessageType.routeRefresh]: 23,
};

export const BGP_VERSION = 4;
/** RFC 6793: the 2-octet stand-in for an AS number that does not fit in 16 bits. */
export const AS_TRANS = 23456;

export const Afi = { ipv4: 1, ipv6: 2 } as const;
export const Safi = { unicast: 1 } as const;

export const AttributeType = {
  origin: 1,
  asPath: 2,
  nextHop: 3,
  multiExitDisc: 4,
  localPref: 5,
  atomicAggregate: 6,
  aggregator: 7,
  communities: 8,
  originatorId: 9,
  clusterList: 10,
  mpReachNlri: 14,
  mpUnreachNlri: 15,
  extendedCommunities: 16,
  as4Path: 17,
  as4Aggregator: 18,
  largeCommunities: 32,
} as const;

export const AttributeFlag = {
  optional: 0x80,
  transitive: 0x40,
  partial: 0x20,
  extendedLength: 0x10,
} as const;

export const CapabilityCode = {
  multiprotocol: 1,
  routeRefresh: 2,
  gracefulRestart: 64,
  fourOctetAs: 65,
} as const;

export const OPTIONAL_PARAMETER_CAPABILITIES = 2;
/** RFC 9072: an Optional Parameters Length of 255 followed by this type means 2-byte lengths. */
export const OPTIONAL_PARAMETERS_EXTENDED = 255;
