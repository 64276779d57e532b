// The update builder: every route announced or withdrawn exactly once, in messages within 4096
// bytes, each full message unable to take one more route.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AS_TRANS,
  UpdateBuildError,
  buildAnnouncements,
  buildWithdrawals,
  decodeMessage,
  isBgpError,
  mergeAs4Path,
  prefixWireLength,
  type RouteSet,
  type UpdateMessage,
} from '../../../src/core/bgp/index.js';
import { formatPrefix, type Ip, type Prefix } from '../../../src/core/net/ip.js';
import { routeSets } from './arbitraries.js';
import { ip, ipText, prefix } from './helpers.js';

const MAX = 4096;
/** ::ffff:a.b.c.d (RFC 4291 §2.5.5.2). */
const mapped = (v4: Ip): Ip => ({ family: 6, value: (0xffffn << 32n) | v4.value });

function decodeAll(messages: readonly Uint8Array[], fourOctetAs = true): UpdateMessage[] {
  return messages.map((bytes) => {
    assert.ok(bytes.length <= MAX, `${bytes.length} bytes`);
    const u = decodeMessage(bytes, { fourOctetAs });
    assert.ok(!isBgpError(u) && u.type === 'update', isBgpError(u) ? u.message : '');
    assert.equal(u.issues, undefined, u.issues?.map((i) => i.message).join('; '));
    return u;
  });
}

const key = (p: Prefix): string => formatPrefix(p);
const announced = (u: UpdateMessage): Prefix[] => [...u.nlri, ...(u.attributes.mpReach?.nlri ?? [])];
const withdrawn = (u: UpdateMessage): Prefix[] => [
  ...u.withdrawn,
  ...(u.attributes.mpUnreach?.withdrawn ?? []),
];
const sortedKeys = (list: readonly Prefix[]): string[] => list.map(key).sort();

/** Consecutive messages with the same attributes: the first must have had no room for the second's first route. */
function assertPacked(
  messages: readonly Uint8Array[],
  decoded: readonly UpdateMessage[],
  routes: (u: UpdateMessage) => Prefix[],
): void {
  for (let i = 0; i + 1 < decoded.length; i++) {
    const a = decoded[i]!;
    const b = decoded[i + 1]!;
    const { mpReach: ra, mpUnreach: ua, ...restA } = a.attributes;
    const { mpReach: rb, mpUnreach: ub, ...restB } = b.attributes;
    const sameKind =
      ra?.family === rb?.family &&
      ua?.family === ub?.family &&
      a.nlri.length > 0 === b.nlri.length > 0 &&
      a.withdrawn.length > 0 === b.withdrawn.length > 0;
    if (!sameKind || JSON.stringify(restA, bigints) !== JSON.stringify(restB, bigints)) continue;
    if (
      ra &&
      rb &&
      JSON.stringify([ra.nextHop, ra.linkLocalNextHop], bigints) !==
        JSON.stringify([rb.nextHop, rb.linkLocalNextHop], bigints)
    )
      continue;
    const next = routes(b)[0];
    if (!next) continue;
    // One byte of slack: an MP attribute is budgeted with a 2-byte length even when 1 byte was enough.
    assert.ok(
      messages[i]!.length + prefixWireLength(next) > MAX - 1,
      `message ${i} (${messages[i]!.length} bytes) had room for ${key(next)}`,
    );
  }
}
const bigints = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

const set = (overrides: Partial<RouteSet>): RouteSet => ({
  prefixes: [],
  origin: 'igp',
  asPath: [64500],
  nextHop: ip('10.0.0.1'),
  communities: [],
  largeCommunities: [],
  ...overrides,
});

describe('update builder', () => {
  it('announces exactly the input routes with their attributes, every message ≤ 4096 bytes and full', () => {
    fc.assert(
      fc.property(routeSets(1500), fc.boolean(), (sets, fourOctetAs) => {
        const messages = buildAnnouncements(sets, { fourOctetAs });
        assert.ok(
          !(messages instanceof UpdateBuildError),
          messages instanceof UpdateBuildError ? messages.message : '',
        );
        const decoded = decodeAll(messages, fourOctetAs);
        assert.deepEqual(sortedKeys(decoded.flatMap(announced)), sortedKeys(sets.flatMap((s) => s.prefixes)));
        // Each route carries the attributes of its set.
        const owner = new Map(sets.flatMap((s) => s.prefixes.map((p) => [key(p), s] as const)));
        for (const u of decoded) {
          for (const p of announced(u)) {
            const s = owner.get(key(p))!;
            const a = u.attributes;
            assert.equal(a.origin, s.origin);
            const path = mergeAs4Path(a.asPath ?? [], a.as4Path).flatMap((seg) => seg.asns);
            assert.deepEqual(path, s.asPath);
            assert.equal(a.localPref, s.localPref);
            assert.equal(a.med, s.med);
            assert.deepEqual(a.communities ?? [], structuredClone(s.communities));
            assert.deepEqual(a.largeCommunities ?? [], structuredClone(s.largeCommunities));
            const nextHop = p.family === 4 && s.nextHop.family === 4 ? a.nextHop : a.mpReach?.nextHop;
            assert.deepEqual(
              nextHop,
              p.family === 6 && s.nextHop.family === 4 ? mapped(s.nextHop) : s.nextHop,
            );
          }
        }
        assertPacked(messages, decoded, announced);
      }),
      // Big inputs: report the first failure rather than spend minutes shrinking it.
      { numRuns: 60, endOnFailure: true },
    );
  });

  it('withdraws exactly the input routes, IPv4 in Withdrawn Routes and IPv6 in MP_UNREACH_NLRI', () => {
    fc.assert(
      fc.property(routeSets(1500), (sets) => {
        const routes = sets.flatMap((s) => s.prefixes);
        const messages = buildWithdrawals(routes);
        const decoded = decodeAll(messages);
        assert.deepEqual(sortedKeys(decoded.flatMap(withdrawn)), sortedKeys(routes));
        for (const u of decoded) {
          assert.deepEqual(u.nlri, []);
          assert.ok(u.withdrawn.every((p) => p.family === 4));
          assert.deepEqual(Object.keys(u.attributes), u.withdrawn.length > 0 ? [] : ['mpUnreach']);
        }
        assertPacked(messages, decoded, withdrawn);
      }),
      { numRuns: 60, endOnFailure: true },
    );
  });

  it('10,000 IPv4 /32s with communities fit in the fewest 4096-byte UPDATEs', () => {
    const prefixes = Array.from({ length: 10_000 }, (_, i) =>
      prefix(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`),
    );
    const messages = buildAnnouncements([
      set({ prefixes, communities: [{ asn: 64500, value: 1 }], localPref: 100 }),
    ]);
    assert.ok(Array.isArray(messages));
    // 5 bytes per /32; the attributes (ORIGIN 4, AS_PATH 9, NEXT_HOP 7, LOCAL_PREF 7, COMMUNITIES 7 = 34) and 23 bytes of UPDATE.
    const perMessage = Math.floor((MAX - 23 - 34) / 5);
    assert.equal(messages.length, Math.ceil(10_000 / perMessage));
    assert.equal(decodeAll(messages).flatMap(announced).length, 10_000);
  });

  it('IPv6 routes over an IPv4 session get the IPv4-mapped next hop; IPv4 routes with an IPv6 next hop go in MP_REACH (RFC 8950)', () => {
    const messages = buildAnnouncements([
      set({ prefixes: [prefix('2001:db8::/64')], nextHop: ip('10.0.0.1') }),
      set({
        prefixes: [prefix('192.0.2.0/24')],
        nextHop: ip('2001:db8::1'),
        linkLocalNextHop: ip('fe80::1'),
      }),
    ]);
    assert.ok(Array.isArray(messages));
    const [v6, v4] = decodeAll(messages);
    assert.deepEqual(v6!.attributes.mpReach?.nextHop, mapped(ip('10.0.0.1')));
    const reach = v4!.attributes.mpReach;
    assert.ok(reach);
    assert.equal(reach.family, 4);
    assert.equal(ipText(reach.nextHop), '2001:db8::1');
    assert.equal(ipText(reach.linkLocalNextHop), 'fe80::1');
    assert.equal(v4!.attributes.nextHop, undefined);
  });

  it('merges route sets with identical attributes and drops repeated routes', () => {
    const messages = buildAnnouncements([
      set({ prefixes: [prefix('10.0.0.0/24'), prefix('10.0.1.0/24')] }),
      set({ prefixes: [prefix('10.0.1.0/24'), prefix('10.0.2.0/24')] }),
    ]);
    assert.ok(Array.isArray(messages));
    assert.equal(messages.length, 1);
    assert.deepEqual(sortedKeys(decodeAll(messages).flatMap(announced)), [
      '10.0.0.0/24',
      '10.0.1.0/24',
      '10.0.2.0/24',
    ]);
  });

  it('with 2-octet AS peers a 4-byte AS goes as AS_TRANS in AS_PATH and in full in AS4_PATH', () => {
    const messages = buildAnnouncements([set({ prefixes: [prefix('10.0.0.0/24')], asPath: [4200000001] })], {
      fourOctetAs: false,
    });
    assert.ok(Array.isArray(messages));
    const [u] = decodeAll(messages, false);
    assert.deepEqual(u!.attributes.asPath, [{ type: 'sequence', asns: [AS_TRANS] }]);
    assert.deepEqual(u!.attributes.as4Path, [{ type: 'sequence', asns: [4200000001] }]);
  });

  it('names what cannot be sent', () => {
    const cases: [RouteSet, string][] = [
      [set({ asPath: [0] }), 'routeSets[0].asPath[0]'],
      [set({ communities: [{ asn: 65536, value: 1 }] }), 'routeSets[0].communities[0]'],
      [set({ largeCommunities: [{ global: -1, local1: 0, local2: 0 }] }), 'routeSets[0].largeCommunities[0]'],
      [set({ localPref: 2 ** 32 }), 'routeSets[0].localPref'],
      [set({ linkLocalNextHop: ip('10.0.0.2') }), 'routeSets[0].linkLocalNextHop'],
      [
        set({
          prefixes: [prefix('10.0.0.0/8')],
          communities: Array.from({ length: 1100 }, (_, i) => ({ asn: 1, value: i })),
        }),
        'routeSets[0]',
      ],
    ];
    for (const [routeSet, field] of cases) {
      const result = buildAnnouncements([routeSet]);
      assert.ok(result instanceof UpdateBuildError, field);
      assert.equal(result.field, field);
    }
  });
});
