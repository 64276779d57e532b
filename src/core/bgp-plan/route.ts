// One BGP route as a node sends it to one peer, and what it is made of: the prefix an address
// aggregates to, and communities in their wire form (RFC 1997 standard, RFC 8092 large).
import type { BgpAdvertisement, BgpCommunity } from '../config/types.js';
import { parsePrefix, prefixMask, type Ip, type IpFamily, type Prefix } from '../net/ip.js';

export type LargeCommunity = readonly [global: number, local1: number, local2: number];

export interface BgpRoute {
  /** Canonical text with host bits zero (`203.0.113.16/28`, `2001:db8::/124`): the route's identity. */
  readonly prefix: string;
  readonly family: IpFamily;
  readonly origin: 'igp';
  /** The session's source address, or 'self': the speaker puts the connection's local address. */
  readonly nextHop: string;
  /** Sent to iBGP peers only (RFC 4271 §5.1.5): undefined on routes to eBGP peers. */
  readonly localPref: number | undefined;
  /** Standard communities as 32-bit values (AS × 65536 + value), ascending, each once. */
  readonly communities: readonly number[];
  /** Ascending, each once. */
  readonly largeCommunities: readonly LargeCommunity[];
}

/** The IP masked to the advertisement's aggregation length for its family. */
export function aggregatePrefix(ip: Ip, ad: BgpAdvertisement): Prefix {
  const length = ip.family === 4 ? ad.aggregationLength : ad.aggregationLengthV6;
  return { family: ip.family, base: ip.value & prefixMask(ip.family, length), length };
}

export const standardCommunityValue = (c: Extract<BgpCommunity, { kind: 'standard' }>): number =>
  c.asn * 0x10000 + c.value;

export const largeCommunityValue = (c: Extract<BgpCommunity, { kind: 'large' }>): LargeCommunity => [
  c.global,
  c.local1,
  c.local2,
];

export const formatCommunity = (value: number): string => `${Math.floor(value / 0x10000)}:${value % 0x10000}`;

export const formatLargeCommunity = ([global, local1, local2]: LargeCommunity): string =>
  `${global}:${local1}:${local2}`;

export function compareLargeCommunities(a: LargeCommunity, b: LargeCommunity): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** IPv4 before IPv6, then by network address, then shorter prefixes first. */
export function comparePrefixes(a: Prefix, b: Prefix): number {
  if (a.family !== b.family) return a.family - b.family;
  if (a.base !== b.base) return a.base < b.base ? -1 : 1;
  return a.length - b.length;
}

/** comparePrefixes on canonical prefix texts (text order for anything that does not parse). */
export function comparePrefixTexts(a: string, b: string): number {
  const pa = parsePrefix(a);
  const pb = parsePrefix(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  return comparePrefixes(pa, pb);
}

/** Same prefix and attributes (ORIGIN is always IGP): re-announcing one as the other changes nothing. */
export function sameRoute(a: BgpRoute, b: BgpRoute): boolean {
  return (
    a.prefix === b.prefix &&
    a.family === b.family &&
    a.nextHop === b.nextHop &&
    a.localPref === b.localPref &&
    a.communities.length === b.communities.length &&
    a.communities.every((c, i) => c === b.communities[i]) &&
    a.largeCommunities.length === b.largeCommunities.length &&
    a.largeCommunities.every((c, i) => {
      const other = b.largeCommunities[i];
      return other !== undefined && compareLargeCommunities(c, other) === 0;
    })
  );
}
