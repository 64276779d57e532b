// Messages captured between FRR 8.4 and BIRD 2 (test/fixtures/bgp): every one decodes to the values
// configured in the capture lab and re-encodes byte for byte.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  AS_TRANS,
  BgpFramer,
  asnOf,
  capabilitiesOf,
  encodeMessage,
  endOfRibFamily,
  formatLargeCommunity,
  formatStandardCommunity,
  isBgpError,
  mergeAs4Path,
  notificationName,
  shutdownCommunication,
  decodeMessage,
  type UpdateMessage,
} from '../../../src/core/bgp/index.js';
import { concatBytes } from './bytes.js';
import {
  BIRD_ASN,
  BIRD_ROUTER_ID,
  BIRD_ROUTES,
  BIRD_SHUTDOWN_MESSAGE,
  FRR_ASN,
  FRR_IBGP_PREPEND,
  FRR_ROUTER_ID,
  FRR_ROUTES,
  FRR_SHUTDOWN_MESSAGE,
  HOLD_TIME,
  SESSIONS,
} from '../../support/bgp-capture/lab.js';
import {
  decoded,
  identifier,
  ipText,
  loadCaptured,
  optionsFor,
  prefixes,
  sorted,
  type Captured,
} from './helpers.js';

const captured = loadCaptured();
const pick = (filter: (m: Captured) => boolean): Captured[] => captured.filter(filter);
const one = (filter: (m: Captured) => boolean, what: string): Captured => {
  const found = pick(filter)[0];
  assert.ok(found, `no captured message: ${what}`);
  return found;
};
const updates = (from: Captured['from'], session: Captured['session'], phase: Captured['phase']) =>
  pick((m) => m.from === from && m.session === session && m.type === 'update' && m.phase === phase).map((m) =>
    decoded(m, 'update'),
  );
const announcing = (list: UpdateMessage[], text: string): UpdateMessage => {
  const found = list.find((u) => prefixes([...u.nlri, ...(u.attributes.mpReach?.nlri ?? [])]).includes(text));
  assert.ok(found, `no UPDATE announces ${text}`);
  return found;
};
const communityTexts = (u: UpdateMessage) => (u.attributes.communities ?? []).map(formatStandardCommunity);
const largeTexts = (u: UpdateMessage) => (u.attributes.largeCommunities ?? []).map(formatLargeCommunity);
const large = (list: readonly string[]) => list.map((c) => `large:${c}`);

describe('captured FRR ↔ BIRD messages', () => {
  it('has every kind of message the fixtures promise', () => {
    const kinds = new Set(captured.map((m) => `${m.from}:${m.type}`));
    for (const from of ['frr', 'bird']) {
      for (const type of ['open', 'keepalive', 'update', 'notification', 'route-refresh']) {
        assert.ok(kinds.has(`${from}:${type}`), `${from} ${type}`);
      }
    }
  });

  it('decodes every message without an error or issue and re-encodes it to the same bytes', () => {
    for (const m of captured) {
      const message = decodeMessage(m.bytes, optionsFor(m));
      assert.ok(!isBgpError(message), `${m.id}: ${isBgpError(message) ? message.message : ''}`);
      assert.equal(message.type, m.type, m.id);
      if (message.type === 'update') assert.equal(message.issues, undefined, m.id);
      assert.deepEqual(Buffer.from(encodeMessage(message, optionsFor(m))), Buffer.from(m.bytes), m.id);
    }
  });

  it('BIRD writes IPv4 UPDATEs in the canonical form: they re-encode identically without the received layout', () => {
    const birdV4 = pick((m) => m.from === 'bird' && m.type === 'update' && m.session !== 'ebgp6');
    assert.ok(birdV4.length >= 3);
    for (const m of birdV4) {
      const { layout: _layout, ...update } = decoded(m, 'update');
      assert.deepEqual(Buffer.from(encodeMessage(update, optionsFor(m))), Buffer.from(m.bytes), m.id);
    }
  });

  it('the framer returns the same messages from their concatenation, however the stream is chunked', () => {
    const stream = concatBytes(captured.map((m) => m.bytes));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        const framer = new BgpFramer();
        const out: Uint8Array[] = [];
        for (let at = 0, i = 0; at < stream.length; i++) {
          const size = sizes[i % sizes.length]!;
          const result = framer.push(stream.subarray(at, at + size));
          assert.equal(result.error, undefined);
          out.push(...result.messages);
          at += size;
        }
        assert.equal(framer.buffered, 0);
        assert.deepEqual(
          out.map((b) => Buffer.from(b).toString('hex')),
          captured.map((m) => Buffer.from(m.bytes).toString('hex')),
        );
      }),
      { numRuns: 50 },
    );
  });
});

describe('captured OPEN', () => {
  it("FRR's: AS 64501, hold time 9 s, its router ID, one capability per parameter", () => {
    for (const session of ['ebgp4', 'ebgp6', 'ibgp4'] as const) {
      const open = decoded(
        one((m) => m.from === 'frr' && m.session === session && m.type === 'open', `FRR OPEN ${session}`),
        'open',
      );
      assert.equal(open.myAs, FRR_ASN);
      assert.equal(asnOf(open), FRR_ASN);
      assert.equal(open.holdTime, HOLD_TIME);
      assert.equal(open.identifier, identifier(FRR_ROUTER_ID));
      assert.ok(open.capabilityGroups.every((group) => group.length === 1));
      const caps = capabilitiesOf(open);
      const afi = session === 'ebgp6' ? 2 : 1;
      assert.deepEqual(
        caps.filter((c) => c.kind === 'multiprotocol'),
        [{ kind: 'multiprotocol', afi, safi: 1 }],
      );
      assert.ok(caps.some((c) => c.kind === 'route-refresh'));
      assert.deepEqual(
        caps.find((c) => c.kind === 'four-octet-as'),
        { kind: 'four-octet-as', asn: FRR_ASN },
      );
      const restart = caps.find((c) => c.kind === 'graceful-restart');
      assert.equal(restart?.kind === 'graceful-restart' && restart.restartTime, 120);
      // Enhanced route refresh (70) and FQDN (73) stay raw.
      const unknown = caps.flatMap((c) => (c.kind === 'unknown' ? [c.code] : []));
      assert.ok(unknown.includes(70) && unknown.includes(73), `unknown codes ${unknown.join(',')}`);
    }
  });

  it("BIRD's on eBGP: My AS is AS_TRANS, the 4-octet AS capability carries 4200000002, all capabilities in one parameter", () => {
    const open = decoded(
      one((m) => m.from === 'bird' && m.session === 'ebgp4' && m.type === 'open', 'BIRD OPEN ebgp4'),
      'open',
    );
    assert.equal(open.myAs, AS_TRANS);
    assert.equal(asnOf(open), BIRD_ASN);
    assert.equal(open.holdTime, HOLD_TIME);
    assert.equal(open.identifier, identifier(BIRD_ROUTER_ID));
    assert.equal(open.capabilityGroups.length, 1);
    assert.deepEqual(
      capabilitiesOf(open).find((c) => c.kind === 'graceful-restart'),
      {
        kind: 'graceful-restart',
        flags: 0,
        restartTime: 120,
        families: [{ afi: 1, safi: 1, flags: 0 }],
      },
    );
  });

  it("BIRD's on the 2-octet iBGP session: its AS in My AS and no 4-octet AS capability", () => {
    const open = decoded(
      one((m) => m.from === 'bird' && m.session === 'ibgp4' && m.type === 'open', 'BIRD OPEN ibgp4'),
      'open',
    );
    assert.equal(open.myAs, SESSIONS.ibgp4.birdAsn);
    assert.equal(
      capabilitiesOf(open).find((c) => c.kind === 'four-octet-as'),
      undefined,
    );
  });
});

describe('captured UPDATE', () => {
  it("FRR's IPv4 routes to eBGP: ORIGIN IGP, AS_PATH 64501, NEXT_HOP its address, MED, communities, no LOCAL_PREF", () => {
    const update = announcing(updates('frr', 'ebgp4', 'establish'), FRR_ROUTES.ipv4[0]!);
    assert.deepEqual(prefixes(update.nlri), sorted(FRR_ROUTES.ipv4));
    const a = update.attributes;
    assert.equal(a.origin, 'igp');
    assert.deepEqual(a.asPath, [{ type: 'sequence', asns: [FRR_ASN] }]);
    assert.equal(ipText(a.nextHop), SESSIONS.ebgp4.frr);
    assert.equal(a.med, FRR_ROUTES.med);
    assert.equal(a.localPref, undefined);
    assert.deepEqual(communityTexts(update), FRR_ROUTES.communities);
    assert.deepEqual(largeTexts(update), large(FRR_ROUTES.largeCommunities));
  });

  it("FRR's routes to the 2-octet iBGP peer: LOCAL_PREF, AS_TRANS in AS_PATH and the real AS in AS4_PATH", () => {
    const update = announcing(updates('frr', 'ibgp4', 'establish'), FRR_ROUTES.ipv4[0]!);
    const a = update.attributes;
    assert.equal(a.localPref, FRR_ROUTES.localPref);
    assert.deepEqual(a.asPath, [{ type: 'sequence', asns: [AS_TRANS] }]);
    assert.deepEqual(a.as4Path, [{ type: 'sequence', asns: [FRR_IBGP_PREPEND] }]);
    assert.deepEqual(mergeAs4Path(a.asPath ?? [], a.as4Path), [
      { type: 'sequence', asns: [FRR_IBGP_PREPEND] },
    ]);
    assert.equal(ipText(a.nextHop), SESSIONS.ibgp4.frr);
  });

  it('the same iBGP UPDATE read as if 4-octet AS numbers had been agreed: AS_PATH malformed (treat-as-withdraw), AS4_PATH discarded', () => {
    const m = one(
      (c) => c.from === 'frr' && c.session === 'ibgp4' && c.type === 'update' && c.phase === 'establish',
      'FRR iBGP UPDATE',
    );
    const update = decodeMessage(m.bytes, { fourOctetAs: true });
    assert.ok(!isBgpError(update) && update.type === 'update');
    assert.deepEqual(
      update.issues?.map((i) => [i.action, i.field]),
      [
        ['treat-as-withdraw', 'UPDATE.attributes.AS_PATH'],
        ['attribute-discard', 'UPDATE.attributes.AS4_PATH'],
      ],
    );
  });

  it("FRR's IPv6 routes: MP_REACH_NLRI with its global and link-local next hop, no NEXT_HOP attribute", () => {
    const update = announcing(updates('frr', 'ebgp6', 'establish'), FRR_ROUTES.ipv6[0]!);
    const reach = update.attributes.mpReach;
    assert.ok(reach);
    assert.equal(reach.family, 6);
    assert.deepEqual(prefixes(reach.nlri), sorted(FRR_ROUTES.ipv6));
    assert.equal(ipText(reach.nextHop), SESSIONS.ebgp6.frr);
    assert.match(ipText(reach.linkLocalNextHop) ?? '', /^fe80::/);
    assert.equal(update.attributes.nextHop, undefined);
    assert.deepEqual(update.nlri, []);
    assert.deepEqual(communityTexts(update), FRR_ROUTES.communities);
  });

  it("BIRD's IPv4 routes over eBGP and iBGP: its communities, MED, and LOCAL_PREF only to iBGP", () => {
    const all = sorted([...BIRD_ROUTES.ipv4, ...BIRD_ROUTES.ipv4Withdrawn]);
    const ebgp = announcing(updates('bird', 'ebgp4', 'establish'), BIRD_ROUTES.ipv4[0]!);
    assert.deepEqual(prefixes(ebgp.nlri), all);
    assert.deepEqual(ebgp.attributes.asPath, [{ type: 'sequence', asns: [BIRD_ASN] }]);
    assert.equal(ipText(ebgp.attributes.nextHop), SESSIONS.ebgp4.bird);
    assert.equal(ebgp.attributes.med, BIRD_ROUTES.med);
    assert.equal(ebgp.attributes.localPref, undefined);
    assert.deepEqual(communityTexts(ebgp), BIRD_ROUTES.communities);
    assert.deepEqual(largeTexts(ebgp), large(BIRD_ROUTES.largeCommunities));
    const ibgp = announcing(updates('bird', 'ibgp4', 'establish'), BIRD_ROUTES.ipv4[0]!);
    assert.equal(ibgp.attributes.localPref, BIRD_ROUTES.localPref);
    assert.deepEqual(ibgp.attributes.asPath, []);
  });

  it("BIRD's IPv6 routes: MP_REACH_NLRI with its global and link-local next hop", () => {
    const update = announcing(updates('bird', 'ebgp6', 'establish'), BIRD_ROUTES.ipv6[0]!);
    const reach = update.attributes.mpReach;
    assert.ok(reach);
    assert.deepEqual(prefixes(reach.nlri), sorted([...BIRD_ROUTES.ipv6, ...BIRD_ROUTES.ipv6Withdrawn]));
    assert.equal(ipText(reach.nextHop), SESSIONS.ebgp6.bird);
    assert.match(ipText(reach.linkLocalNextHop) ?? '', /^fe80::/);
  });

  it('withdrawals: Withdrawn Routes for IPv4, MP_UNREACH_NLRI for IPv6, from both', () => {
    const withdrawn = (list: UpdateMessage[]) =>
      prefixes(list.flatMap((u) => [...u.withdrawn, ...(u.attributes.mpUnreach?.withdrawn ?? [])]));
    const frr4 = withdrawn(updates('frr', 'ebgp4', 'withdraw'));
    assert.ok(frr4.includes(FRR_ROUTES.withdrawn[0]!), frr4.join(' '));
    // FRR also withdraws BIRD's own route it had echoed back over eBGP.
    assert.ok(withdrawn(updates('frr', 'ebgp6', 'withdraw')).includes(FRR_ROUTES.withdrawn[1]!));
    assert.deepEqual(withdrawn(updates('bird', 'ebgp4', 'withdraw')), sorted(BIRD_ROUTES.ipv4Withdrawn));
    assert.deepEqual(withdrawn(updates('bird', 'ebgp6', 'withdraw')), sorted(BIRD_ROUTES.ipv6Withdrawn));
    for (const u of updates('bird', 'ebgp6', 'withdraw'))
      assert.deepEqual(Object.keys(u.attributes), ['mpUnreach']);
  });

  it('End-of-RIB markers are empty IPv4 UPDATEs', () => {
    const markers = captured
      .filter((m) => m.type === 'update')
      .filter((m) => endOfRibFamily(decoded(m, 'update')) === 4);
    assert.ok(markers.some((m) => m.from === 'frr') && markers.some((m) => m.from === 'bird'));
    for (const m of markers) assert.equal(m.bytes.length, 23);
  });
});

describe('captured ROUTE-REFRESH, NOTIFICATION and KEEPALIVE', () => {
  it('route refresh requests, and BIRD answering with Beginning and End of Route Refresh (RFC 7313)', () => {
    const frr = decoded(
      one((m) => m.from === 'frr' && m.type === 'route-refresh', 'FRR ROUTE-REFRESH'),
      'route-refresh',
    );
    assert.deepEqual(frr, { type: 'route-refresh', afi: 1, safi: 1, subtype: 0 });
    const bird = pick((m) => m.from === 'bird' && m.type === 'route-refresh').map((m) =>
      decoded(m, 'route-refresh'),
    );
    const subtypes = (afi: number) => bird.filter((r) => r.afi === afi).map((r) => r.subtype);
    assert.deepEqual(subtypes(1), [1, 2], 'BoRR then EoRR for IPv4');
    assert.deepEqual(subtypes(2), [0], 'a request for IPv6');
  });

  it('both shutdowns are Cease / Administrative Shutdown with the operator message (RFC 8203)', () => {
    for (const [from, text] of [
      ['frr', FRR_SHUTDOWN_MESSAGE],
      ['bird', BIRD_SHUTDOWN_MESSAGE],
    ] as const) {
      const n = decoded(
        one((m) => m.from === from && m.type === 'notification', `${from} NOTIFICATION`),
        'notification',
      );
      assert.equal(notificationName(n), 'Cease / Administrative Shutdown');
      assert.equal(shutdownCommunication(n), text);
    }
  });

  it('keepalives are bare headers', () => {
    const keepalives = pick((m) => m.type === 'keepalive');
    assert.ok(keepalives.length >= 6);
    for (const m of keepalives) assert.deepEqual(decoded(m, 'keepalive'), { type: 'keepalive' });
  });
});
