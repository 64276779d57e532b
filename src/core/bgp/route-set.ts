// Checks on what the update builder is asked to send: numbers within their wire field sizes.
import type { Ip } from '../net/ip.js';

export class UpdateBuildError {
  readonly name = 'UpdateBuildError';
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {}

  get message(): string {
    return `${this.field}: ${this.detail}`;
  }
}

const UINT16 = 0xffff;
const UINT32 = 0xffffffff;
const within = (n: number, max: number, min = 0): boolean => Number.isInteger(n) && n >= min && n <= max;

interface RouteSetShape {
  readonly asPath: readonly number[];
  readonly nextHop: Ip;
  readonly linkLocalNextHop?: Ip;
  readonly localPref?: number;
  readonly med?: number;
  readonly communities: readonly { readonly asn: number; readonly value: number }[];
  readonly largeCommunities: readonly {
    readonly global: number;
    readonly local1: number;
    readonly local2: number;
  }[];
}

export function validateRouteSet(set: RouteSetShape, field: string): UpdateBuildError | undefined {
  const bad = (path: string, detail: string): UpdateBuildError =>
    new UpdateBuildError(`${field}.${path}`, detail);
  for (const [i, asn] of set.asPath.entries()) {
    if (!within(asn, UINT32, 1)) return bad(`asPath[${i}]`, `${asn} is not an AS number (1..${UINT32})`);
  }
  if (set.linkLocalNextHop && set.linkLocalNextHop.family !== 6)
    return bad('linkLocalNextHop', 'not an IPv6 address');
  if (set.localPref !== undefined && !within(set.localPref, UINT32))
    return bad('localPref', `${set.localPref} is not a 32-bit number`);
  if (set.med !== undefined && !within(set.med, UINT32))
    return bad('med', `${set.med} is not a 32-bit number`);
  for (const [i, c] of set.communities.entries()) {
    if (!within(c.asn, UINT16) || !within(c.value, UINT16))
      return bad(`communities[${i}]`, 'parts must be 16-bit numbers');
  }
  for (const [i, c] of set.largeCommunities.entries()) {
    if (![c.global, c.local1, c.local2].every((n) => within(n, UINT32))) {
      return bad(`largeCommunities[${i}]`, 'parts must be 32-bit numbers');
    }
  }
  return undefined;
}
