// Packing routes into as few UPDATEs as fit: routes sharing attributes go together, IPv4 in the
// NLRI field (or MP_REACH with an IPv6 next hop, RFC 8950), IPv6 in MP_REACH_NLRI; withdrawals in
// the Withdrawn Routes field or MP_UNREACH_NLRI. Every message stays within the maximum length.
import type { Ip, IpFamily, Prefix } from '../net/ip.js';
import { ByteWriter } from './bytes.js';
import { writeAttributes } from './attributes/encode.js';
import { asPathNeedsAs4 } from './attributes/as-path.js';
import { mpReachOverhead } from './attributes/mp-nlri.js';
import type { LargeCommunity, Origin, PathAttributes, StandardCommunity } from './attributes/types.js';
import { HEADER_LENGTH, MAX_MESSAGE_LENGTH } from './constants.js';
import { prefixWireLength } from './nlri.js';
import { encodeUpdate, type UpdateMessage } from './update.js';
import { validateRouteSet, UpdateBuildError } from './route-set.js';

export { UpdateBuildError };

/** Routes that share their attributes. */
export interface RouteSet {
  readonly prefixes: readonly Prefix[];
  readonly origin: Origin;
  /** One AS_SEQUENCE; empty for iBGP. */
  readonly asPath: readonly number[];
  /** Our address on the session. For IPv6 routes an IPv4 one is sent IPv4-mapped. */
  readonly nextHop: Ip;
  readonly linkLocalNextHop?: Ip;
  readonly localPref?: number;
  readonly med?: number;
  readonly communities: readonly StandardCommunity[];
  readonly largeCommunities: readonly LargeCommunity[];
}

export interface BuildOptions {
  /** Default true; false writes 2-byte AS_PATH plus AS4_PATH when needed (RFC 6793 §4.2.2). */
  readonly fourOctetAs?: boolean;
  readonly maxMessageLength?: number;
}

/** Fixed UPDATE overhead: header, withdrawn routes length, total path attribute length. */
const UPDATE_OVERHEAD = HEADER_LENGTH + 4;
/** An attribute header with the Extended Length bit (assumed for MP attributes, which may grow past 255). */
const LONG_ATTRIBUTE_HEADER = 4;
const MP_UNREACH_FIXED = 3;

const prefixKey = (p: Prefix): string => `${p.family}/${p.base}/${p.length}`;

const groupKey = (s: RouteSet): string =>
  JSON.stringify([
    s.origin,
    s.asPath,
    s.nextHop.family,
    s.nextHop.value.toString(),
    s.linkLocalNextHop?.value.toString(),
    s.localPref,
    s.med,
    s.communities.map((c) => [c.asn, c.value]),
    s.largeCommunities.map((c) => [c.global, c.local1, c.local2]),
  ]);

/** Route sets with identical attributes merged, duplicate prefixes dropped, input order kept. */
function mergeSets(sets: readonly RouteSet[]): { set: RouteSet; prefixes: Map<string, Prefix> }[] {
  const groups = new Map<string, { set: RouteSet; prefixes: Map<string, Prefix> }>();
  for (const set of sets) {
    const key = groupKey(set);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { set, prefixes: new Map() }));
    for (const prefix of set.prefixes) group.prefixes.set(prefixKey(prefix), prefix);
  }
  return [...groups.values()];
}

function baseAttributes(set: RouteSet, fourOctetAs: boolean): PathAttributes {
  const segments = set.asPath.length > 0 ? [{ type: 'sequence' as const, asns: set.asPath }] : [];
  return {
    origin: set.origin,
    asPath: segments,
    ...(set.med !== undefined ? { med: set.med } : {}),
    ...(set.localPref !== undefined ? { localPref: set.localPref } : {}),
    ...(set.communities.length > 0 ? { communities: set.communities } : {}),
    ...(set.largeCommunities.length > 0 ? { largeCommunities: set.largeCommunities } : {}),
    ...(!fourOctetAs && asPathNeedsAs4(segments) ? { as4Path: segments } : {}),
  };
}

function attributesSize(attributes: PathAttributes, fourOctetAs: boolean): number {
  const writer = new ByteWriter(256);
  writeAttributes(writer, attributes, { fourOctetAs });
  return writer.length;
}

/** Splits prefixes into runs whose encoded NLRI fits in `capacity` bytes each (next fit, in order). */
function chunk(prefixes: readonly Prefix[], capacity: number): Prefix[][] {
  const chunks: Prefix[][] = [];
  let current: Prefix[] = [];
  let used = 0;
  for (const prefix of prefixes) {
    const size = prefixWireLength(prefix);
    if (used + size > capacity && current.length > 0) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(prefix);
    used += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

const MAX_PREFIX_BYTES: Readonly<Record<IpFamily, number>> = { 4: 5, 6: 17 };

/** The UPDATEs announcing every route set, or what in the input cannot be sent. */
export function packAnnouncements(
  sets: readonly RouteSet[],
  options: BuildOptions = {},
): UpdateMessage[] | UpdateBuildError {
  const fourOctetAs = options.fourOctetAs ?? true;
  const max = options.maxMessageLength ?? MAX_MESSAGE_LENGTH;
  for (const [index, set] of sets.entries()) {
    const error = validateRouteSet(set, `routeSets[${index}]`);
    if (error) return error;
  }
  const updates: UpdateMessage[] = [];
  for (const [index, { set, prefixes }] of mergeSets(sets).entries()) {
    const base = baseAttributes(set, fourOctetAs);
    for (const family of [4, 6] as const) {
      const routes = [...prefixes.values()].filter((p) => p.family === family);
      if (routes.length === 0) continue;
      // IPv4 routes with an IPv4 next hop use the classic fields; everything else MP_REACH.
      const classic = family === 4 && set.nextHop.family === 4;
      const reach = {
        family,
        nextHop: set.nextHop,
        ...(set.linkLocalNextHop ? { linkLocalNextHop: set.linkLocalNextHop } : {}),
      };
      const attributes: PathAttributes = classic ? { ...base, nextHop: set.nextHop } : base;
      const fixed =
        attributesSize(attributes, fourOctetAs) +
        (classic ? 0 : LONG_ATTRIBUTE_HEADER + mpReachOverhead(reach));
      const capacity = max - UPDATE_OVERHEAD - fixed;
      if (capacity < MAX_PREFIX_BYTES[family]) {
        return new UpdateBuildError(
          `routeSets[${index}]`,
          `attributes take ${fixed} bytes, leaving no room for routes in ${max}`,
        );
      }
      for (const run of chunk(routes, capacity)) {
        updates.push(
          classic
            ? { type: 'update', withdrawn: [], attributes, nlri: run }
            : {
                type: 'update',
                withdrawn: [],
                attributes: { ...attributes, mpReach: { ...reach, nlri: run } },
                nlri: [],
              },
        );
      }
    }
  }
  return updates;
}

/** The UPDATEs withdrawing the prefixes: IPv4 in Withdrawn Routes, IPv6 in MP_UNREACH_NLRI. */
export function packWithdrawals(prefixes: readonly Prefix[], options: BuildOptions = {}): UpdateMessage[] {
  const max = options.maxMessageLength ?? MAX_MESSAGE_LENGTH;
  const unique = [...new Map(prefixes.map((p) => [prefixKey(p), p])).values()];
  const updates: UpdateMessage[] = [];
  for (const run of chunk(
    unique.filter((p) => p.family === 4),
    max - UPDATE_OVERHEAD,
  )) {
    updates.push({ type: 'update', withdrawn: run, attributes: {}, nlri: [] });
  }
  const v6Capacity = max - UPDATE_OVERHEAD - LONG_ATTRIBUTE_HEADER - MP_UNREACH_FIXED;
  for (const run of chunk(
    unique.filter((p) => p.family === 6),
    v6Capacity,
  )) {
    updates.push({
      type: 'update',
      withdrawn: [],
      attributes: { mpUnreach: { family: 6, withdrawn: run } },
      nlri: [],
    });
  }
  return updates;
}

/** packAnnouncements, encoded. */
export function buildAnnouncements(
  sets: readonly RouteSet[],
  options: BuildOptions = {},
): Uint8Array[] | UpdateBuildError {
  const updates = packAnnouncements(sets, options);
  if (updates instanceof UpdateBuildError) return updates;
  return updates.map((u) => encodeUpdate(u, { fourOctetAs: options.fourOctetAs ?? true }));
}

/** packWithdrawals, encoded. */
export const buildWithdrawals = (prefixes: readonly Prefix[], options: BuildOptions = {}): Uint8Array[] =>
  packWithdrawals(prefixes, options).map((u) => encodeUpdate(u));
