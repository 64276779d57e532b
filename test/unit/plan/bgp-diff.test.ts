// diffRoutes: per peer, the routes to announce (new or changed) and the prefixes to withdraw;
// applying the diff to the old table gives the new one.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyRouteDiff,
  comparePrefixTexts,
  diffRoutes,
  sameRoute,
  type BgpRoute,
  type RouteTable,
} from '../../../src/core/bgp-plan/index.js';

const route = (prefix: string, more: Partial<BgpRoute> = {}): BgpRoute => ({
  prefix,
  family: prefix.includes(':') ? 6 : 4,
  origin: 'igp',
  nextHop: 'self',
  localPref: undefined,
  communities: [],
  largeCommunities: [],
  ...more,
});
const table = (byPeer: Record<string, BgpRoute[]>): RouteTable =>
  new Map(
    Object.entries(byPeer)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([peer, routes]) => [
        peer,
        new Map([...routes].sort((a, b) => comparePrefixTexts(a.prefix, b.prefix)).map((r) => [r.prefix, r])),
      ]),
  );
/** Tables as nested arrays: compares order too. */
const entries = (t: RouteTable) => [...t].map(([peer, routes]) => [peer, [...routes]]);

describe('diffRoutes', () => {
  it('announces new and changed routes, withdraws removed prefixes, leaves unchanged ones alone', () => {
    const before = table({
      tor: [route('10.0.0.1/32'), route('10.0.0.2/32'), route('10.0.0.3/32', { communities: [1] })],
      gone: [route('10.0.0.9/32')],
    });
    const after = table({
      tor: [route('10.0.0.1/32'), route('10.0.0.3/32', { communities: [1, 2] }), route('2001:db8::/64')],
      new: [route('10.0.0.1/32', { localPref: 100 })],
    });
    const diff = diffRoutes(before, after);
    assert.deepEqual([...diff.keys()], ['gone', 'new', 'tor']);
    assert.deepEqual(diff.get('tor'), {
      announce: [route('10.0.0.3/32', { communities: [1, 2] }), route('2001:db8::/64')],
      withdraw: ['10.0.0.2/32'],
    });
    assert.deepEqual(diff.get('gone'), { announce: [], withdraw: ['10.0.0.9/32'] });
    assert.deepEqual(diff.get('new'), { announce: [route('10.0.0.1/32', { localPref: 100 })], withdraw: [] });
    assert.deepEqual(entries(applyRouteDiff(before, diff)), entries(after));
  });

  it('every attribute counts as a change: next hop, LOCAL_PREF, communities, large communities', () => {
    const base = route('10.0.0.1/32', { localPref: 100, communities: [5], largeCommunities: [[1, 2, 3]] });
    for (const changed of [
      { nextHop: '192.0.2.1' },
      { localPref: 200 },
      { localPref: undefined },
      { communities: [6] },
      { communities: [5, 6] },
      { largeCommunities: [[1, 2, 4]] as const },
      { largeCommunities: [] },
    ]) {
      const diff = diffRoutes(table({ p: [base] }), table({ p: [{ ...base, ...changed }] }));
      assert.deepEqual(diff.get('p')?.announce, [{ ...base, ...changed }], JSON.stringify(changed));
    }
    assert.equal(diffRoutes(table({ p: [base] }), table({ p: [{ ...base }] })).size, 0);
  });
});

const PEERS = ['a', 'b', 'c'];
const PREFIXES = [
  '10.0.0.0/24',
  '10.0.0.1/32',
  '10.0.0.2/32',
  '10.9.0.0/16',
  '2001:db8::/64',
  '2001:db8::1/128',
];
const routeArb = fc.record({
  prefix: fc.constantFrom(...PREFIXES),
  nextHop: fc.constantFrom('self', '192.0.2.1'),
  localPref: fc.option(fc.constantFrom(0, 100, 200), { nil: undefined }),
  communities: fc.uniqueArray(fc.constantFrom(1, 2, 65535 * 65536 + 65281), { maxLength: 3 }),
  largeCommunities: fc.uniqueArray(fc.constantFrom<[number, number, number]>([1, 1, 1], [1, 2, 3]), {
    maxLength: 2,
    selector: (c) => c.join(':'),
  }),
});
const tableArb = fc
  .dictionary(
    fc.constantFrom(...PEERS),
    fc.uniqueArray(routeArb, { selector: (r) => r.prefix, minLength: 1 }),
  )
  .map((byPeer) =>
    table(
      Object.fromEntries(
        Object.entries(byPeer).map(([peer, routes]) => [
          peer,
          routes.map((r) => route(r.prefix, { ...r, communities: [...r.communities].sort((x, y) => x - y) })),
        ]),
      ),
    ),
  );

describe('diffRoutes (properties)', () => {
  it('applyRouteDiff(before, diffRoutes(before, after)) equals after, order included', () => {
    fc.assert(
      fc.property(tableArb, tableArb, (before, after) => {
        assert.deepEqual(entries(applyRouteDiff(before, diffRoutes(before, after))), entries(after));
      }),
      { numRuns: 200 },
    );
  });

  it('the diff is minimal: announces only changed routes, withdraws only prefixes gone; none for equal tables', () => {
    fc.assert(
      fc.property(tableArb, tableArb, (before, after) => {
        assert.equal(diffRoutes(after, after).size, 0);
        for (const [peer, { announce, withdraw }] of diffRoutes(before, after)) {
          for (const r of announce) {
            const was = before.get(peer)?.get(r.prefix);
            assert.ok(was === undefined || !sameRoute(was, r));
          }
          for (const prefix of withdraw) {
            assert.ok(before.get(peer)?.has(prefix));
            assert.ok(!after.get(peer)?.has(prefix));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
