// fast-check generators of valid BGP messages (for round trips) and of route sets (for the builder).
import fc from 'fast-check';
import { prefixMask, type Ip, type IpFamily, type Prefix } from '../../../src/core/net/ip.js';
import type {
  AsPathSegment,
  Capability,
  MpReach,
  NotificationMessage,
  OpenMessage,
  PathAttributes,
  RouteRefreshMessage,
  RouteSet,
  UpdateMessage,
} from '../../../src/core/bgp/index.js';

const U32 = 0xffffffff;
export const u32 = fc.integer({ min: 0, max: U32 });
export const u16 = fc.integer({ min: 0, max: 0xffff });
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });

export const prefixOf = (family: IpFamily): fc.Arbitrary<Prefix> =>
  family === 4
    ? fc
        .tuple(fc.integer({ min: 0, max: 32 }), u32)
        .map(([length, v]) => ({ family: 4, length, base: BigInt(v) & prefixMask(4, length) }))
    : fc
        .tuple(fc.integer({ min: 0, max: 128 }), fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }))
        .map(([length, v]) => ({ family: 6, length, base: v & prefixMask(6, length) }));

/** A unicast IPv4 address a NEXT_HOP may carry (not 0/8-zero, loopback, multicast or reserved). */
export const ipv4Unicast: fc.Arbitrary<Ip> = fc
  .integer({ min: 0x01000000, max: 0xdfffffff })
  .filter((n) => n >>> 24 !== 127)
  .map((n) => ({ family: 4, value: BigInt(n) }));
export const ipv4: fc.Arbitrary<Ip> = u32.map((n) => ({ family: 4, value: BigInt(n) }));
export const ipv6: fc.Arbitrary<Ip> = fc
  .bigInt({ min: 0n, max: (1n << 128n) - 1n })
  .map((value) => ({ family: 6, value }));

const segment = (maxAsn: number): fc.Arbitrary<AsPathSegment> =>
  fc.record({
    type: fc.constantFrom('sequence', 'set', 'confed-sequence', 'confed-set'),
    asns: fc.array(fc.integer({ min: 1, max: maxAsn }), { minLength: 1, maxLength: 6 }),
  });

const community = fc.record({ asn: u16, value: u16 });
const largeCommunity = fc.record({ global: u32, local1: u32, local2: u32 });
const KNOWN = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 14, 15, 16, 17, 18, 32]);
const unknownType = fc.integer({ min: 0, max: 255 }).filter((t) => !KNOWN.has(t));
const unknownAttribute = fc.record({
  // Optional (else it would be an unrecognized well-known attribute); any other flag bits.
  flags: fc.integer({ min: 0, max: 0x7f }).map((f) => 0x80 | f),
  type: unknownType,
  value: bytes(40),
});

const mpReach: fc.Arbitrary<MpReach> = fc.oneof(
  fc.record({
    family: fc.constant(6 as const),
    nextHop: ipv6,
    nlri: fc.array(prefixOf(6), { maxLength: 12 }),
  }),
  fc.record({
    family: fc.constant(6 as const),
    nextHop: ipv6,
    linkLocalNextHop: ipv6,
    nlri: fc.array(prefixOf(6), { maxLength: 12 }),
  }),
  fc.record({
    family: fc.constant(4 as const),
    nextHop: fc.oneof(ipv4, ipv6),
    nlri: fc.array(prefixOf(4), { maxLength: 12 }),
  }),
);

function attributes(fourOctetAs: boolean): fc.Arbitrary<PathAttributes> {
  const maxAsn = fourOctetAs ? U32 : 0xffff;
  return fc.record(
    {
      origin: fc.constantFrom('igp', 'egp', 'incomplete'),
      asPath: fc.array(segment(maxAsn), { maxLength: 3 }),
      nextHop: ipv4Unicast,
      med: u32,
      localPref: u32,
      atomicAggregate: fc.constant(true),
      aggregator: fc.record({ asn: fc.integer({ min: 0, max: maxAsn }), address: ipv4 }),
      communities: fc.array(community, { minLength: 1, maxLength: 8 }),
      originatorId: u32,
      clusterList: fc.array(u32, { minLength: 1, maxLength: 4 }),
      mpReach,
      mpUnreach: fc.oneof(
        fc.record({ family: fc.constant(4 as const), withdrawn: fc.array(prefixOf(4), { maxLength: 12 }) }),
        fc.record({ family: fc.constant(6 as const), withdrawn: fc.array(prefixOf(6), { maxLength: 12 }) }),
      ),
      extendedCommunities: fc.array(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), {
        minLength: 1,
        maxLength: 4,
      }),
      ...(fourOctetAs
        ? {}
        : {
            as4Path: fc.array(
              segment(U32).filter((s) => s.type === 'sequence' || s.type === 'set'),
              { maxLength: 2 },
            ),
            as4Aggregator: fc.record({ asn: u32, address: ipv4 }),
          }),
      largeCommunities: fc.array(largeCommunity, { minLength: 1, maxLength: 6 }),
      // In type order, the order the encoder writes them in (RFC 4271 §5: ascending type codes).
      unknown: fc
        .uniqueArray(unknownAttribute, { selector: (u) => u.type, minLength: 1, maxLength: 3 })
        .map((list) => list.sort((a, b) => a.type - b.type)),
    },
    { requiredKeys: ['origin', 'asPath'] },
  );
}

/** A valid UPDATE: routes always come with the mandatory attributes, so decoding reports no issues. */
export const updateMessage = (fourOctetAs: boolean): fc.Arbitrary<UpdateMessage> =>
  fc
    .record({
      withdrawn: fc.array(prefixOf(4), { maxLength: 20 }),
      attributes: attributes(fourOctetAs),
      nlri: fc.array(prefixOf(4), { maxLength: 20 }),
    })
    .map(({ withdrawn, attributes: a, nlri }) => ({
      type: 'update' as const,
      withdrawn,
      attributes: a,
      nlri: a.nextHop ? nlri : [],
    }));

const capability: fc.Arbitrary<Capability> = fc.oneof(
  fc.record({
    kind: fc.constant('multiprotocol' as const),
    afi: u16,
    safi: fc.integer({ min: 0, max: 255 }),
  }),
  fc.constant({ kind: 'route-refresh' as const }),
  fc.record({ kind: fc.constant('four-octet-as' as const), asn: fc.integer({ min: 1, max: U32 }) }),
  fc.record({
    kind: fc.constant('graceful-restart' as const),
    flags: fc.integer({ min: 0, max: 15 }),
    restartTime: fc.integer({ min: 0, max: 4095 }),
    families: fc.array(
      fc.record({
        afi: u16,
        safi: fc.integer({ min: 0, max: 255 }),
        flags: fc.integer({ min: 0, max: 255 }),
      }),
      { maxLength: 4 },
    ),
  }),
  fc.record({
    kind: fc.constant('unknown' as const),
    code: fc.integer({ min: 0, max: 255 }).filter((c) => ![1, 2, 64, 65].includes(c)),
    value: bytes(60),
  }),
);

export const openMessage: fc.Arbitrary<OpenMessage> = fc.record({
  type: fc.constant('open' as const),
  version: fc.constant(4),
  myAs: fc.integer({ min: 1, max: 0xffff }),
  holdTime: fc.oneof(fc.constant(0), fc.integer({ min: 3, max: 0xffff })),
  identifier: fc.integer({ min: 1, max: U32 }),
  capabilityGroups: fc.array(fc.array(capability, { maxLength: 8 }), { maxLength: 6 }),
});

export const notificationMessage: fc.Arbitrary<NotificationMessage> = fc.record({
  type: fc.constant('notification' as const),
  code: fc.integer({ min: 0, max: 255 }),
  subcode: fc.integer({ min: 0, max: 255 }),
  data: bytes(80),
});

export const routeRefreshMessage: fc.Arbitrary<RouteRefreshMessage> = fc.oneof(
  fc.record({
    type: fc.constant('route-refresh' as const),
    afi: u16,
    safi: fc.integer({ min: 0, max: 255 }),
    subtype: fc.constantFrom(0, 1, 2),
  }),
  fc.record({
    type: fc.constant('route-refresh' as const),
    afi: u16,
    safi: fc.integer({ min: 0, max: 255 }),
    subtype: fc.constant(0),
    orf: fc.uint8Array({ minLength: 1, maxLength: 40 }),
  }),
);

/** Route sets as the speaker would announce them; prefixes unique across sets. */
export const routeSets = (maxPrefixes: number): fc.Arbitrary<RouteSet[]> =>
  fc
    .array(
      fc.record(
        {
          origin: fc.constantFrom('igp', 'incomplete'),
          asPath: fc.array(fc.integer({ min: 1, max: U32 }), { maxLength: 3 }),
          nextHop: fc.oneof(ipv4Unicast, ipv6),
          linkLocalNextHop: ipv6,
          localPref: u32,
          med: u32,
          communities: fc.array(community, { maxLength: 6 }),
          largeCommunities: fc.array(largeCommunity, { maxLength: 4 }),
          prefixes: fc.array(fc.oneof(prefixOf(4), prefixOf(6)), { maxLength: maxPrefixes, size: 'max' }),
        },
        { requiredKeys: ['origin', 'asPath', 'nextHop', 'communities', 'largeCommunities', 'prefixes'] },
      ),
      { minLength: 1, maxLength: 4 },
    )
    .map((sets) => {
      const seen = new Set<string>();
      return sets.map((s) => ({
        ...s,
        prefixes: s.prefixes.filter((p) => {
          const key = `${p.family}/${p.base}/${p.length}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        }),
      }));
    });
