// The wire codec between core/bgp and the session machine: real OPENs and NOTIFICATIONs captured
// from FRR and BIRD read as the machine's events; two sessions establish over encoded bytes; the
// planned routes go out as UPDATEs that decode to exactly the planned prefixes and attributes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { BgpSessionActor } from '../../../src/actors/bgp-session.actor.js';
import type { LiveSession } from '../../../src/actors/bgp-speaker.actor.js';
import { wireCodec, wireUpdates } from '../../../src/actors/bgp-wire-codec.js';
import type { BgpRoute, BgpSession } from '../../../src/core/bgp-plan/index.js';
import { decodeMessage, isBgpError, routeChanges } from '../../../src/core/bgp/index.js';
import { formatPrefix } from '../../../src/core/net/ip.js';
import { MemoryLink } from '../../fakes/memory-bgp-link.js';

interface Captured {
  readonly id: string;
  readonly from: string;
  readonly session: string;
  readonly type: string;
  readonly hex: string;
}
const captured = (
  JSON.parse(readFileSync(join(import.meta.dirname, '../../fixtures/bgp/captured.json'), 'utf8')) as {
    messages: Captured[];
  }
).messages;
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));

describe('wire codec: received messages as machine events', () => {
  it("every captured OPEN reads as bgp.open with the router's ASN, hold time and families", () => {
    const opens = captured.filter((m) => m.type === 'open');
    assert.ok(opens.length >= 4);
    for (const open of opens) {
      const event = wireCodec.read(bytes(open.hex));
      assert.ok(event.type === 'bgp.open', open.id);
      assert.ok(event.asn > 0 && event.holdTime >= 0, open.id);
      assert.match(event.routerId, /^\d+\.\d+\.\d+\.\d+$/);
      const v6 = open.session.endsWith('6');
      assert.equal(event.capabilities.ipv6Unicast || event.capabilities.ipv4Unicast, true, open.id);
      if (v6 && open.from === 'frr') assert.equal(event.capabilities.ipv6Unicast, true, open.id);
    }
  });

  it('captured NOTIFICATIONs read with their code and subcode (Cease)', () => {
    const notes = captured.filter((m) => m.type === 'notification');
    assert.ok(notes.length > 0);
    for (const note of notes) {
      const event = wireCodec.read(bytes(note.hex));
      assert.ok(event.type === 'bgp.notification', note.id);
      assert.equal(event.code, 6, note.id);
    }
  });

  it('a message with a broken header reads as a decode error carrying the NOTIFICATION to send', () => {
    const keepalive = wireCodec.keepalive();
    const broken = Uint8Array.from(keepalive);
    broken[0] = 0; // marker
    const event = wireCodec.read(broken);
    assert.ok(event.type === 'bgp.decodeError');
    assert.equal(event.code, 1, 'Message Header Error');
  });
});

describe('wire codec: two sessions over encoded bytes', () => {
  it('establish eBGP with a 4-octet ASN and negotiate the hold time', () => {
    const clock = new SimulatedClock();
    const link = new MemoryLink<Uint8Array>(clock);
    const negotiated: number[] = [];
    const make = (input: ConstructorParameters<typeof BgpSessionActor<Uint8Array>>[0], dial: boolean) =>
      new BgpSessionActor<Uint8Array>(input, {
        clock,
        transport: dial ? link.dialer : link.listener,
        codec: wireCodec,
        table: () => [],
        random: () => 1,
        onEstablished: (n) => negotiated.push(n.holdTimeMs, n.peerAsn),
      });
    const router = make(
      {
        localAsn: 65000,
        peerAsn: 4200000001,
        routerId: '10.0.0.254',
        holdTimeMs: 9000,
        keepaliveTimeMs: 3000,
        passive: true,
      },
      false,
    );
    const node = make(
      { localAsn: 4200000001, peerAsn: 65000, routerId: '10.0.0.1', holdTimeMs: 6000, keepaliveTimeMs: 2000 },
      true,
    );
    router.start();
    node.start();
    for (let t = 0; t < 100; t += 5) clock.increment(5);
    assert.equal(node.state(), 'established');
    assert.equal(router.state(), 'established');
    assert.deepEqual(negotiated.sort(), [4200000001, 6000, 6000, 65000].sort());
    node.stop();
    router.stop();
  });
});

describe('wire codec: planned routes as UPDATEs', () => {
  const session = (ibgp: boolean): LiveSession => ({
    config: { name: 'tor', ibgp, myASN: 64512, localASN: undefined } as BgpSession,
    localAddress: () => '10.77.0.11',
    negotiated: () => undefined,
  });
  const route = (prefix: string, extra: Partial<BgpRoute> = {}): BgpRoute => ({
    prefix,
    family: prefix.includes(':') ? 6 : 4,
    origin: 'igp',
    nextHop: 'self',
    localPref: 100,
    communities: [64512 * 65536 + 7],
    largeCommunities: [[64512, 1, 2]],
    ...extra,
  });
  const decodeAll = (messages: readonly Uint8Array[]) =>
    messages.map((m) => {
      const decoded = decodeMessage(m, { fourOctetAs: true });
      assert.ok(!isBgpError(decoded) && decoded.type === 'update', 'an UPDATE');
      return decoded;
    });

  it('iBGP: many prefixes per UPDATE, next hop = the session address, LOCAL_PREF and both community kinds', () => {
    // 600 distinct host routes in 10.0.0.0/22.
    const unique = Array.from({ length: 600 }, (_, i) => route(`10.0.${i >> 8}.${i & 255}/32`));
    const updates = decodeAll(wireUpdates.announce(unique, session(true)));
    assert.ok(updates.length < unique.length / 50, `${updates.length} UPDATEs for ${unique.length} prefixes`);
    const announced = updates.flatMap((u) => routeChanges(u).announced.map(formatPrefix));
    assert.deepEqual(announced.sort(), unique.map((r) => r.prefix).sort());
    const attrs = updates[0]?.attributes;
    assert.ok(attrs);
    assert.deepEqual(
      attrs.nextHop && formatPrefix({ family: 4, base: attrs.nextHop.value, length: 32 }),
      '10.77.0.11/32',
    );
    assert.equal(attrs.localPref, 100);
    assert.deepEqual(attrs.communities, [{ asn: 64512, value: 7 }]);
    assert.deepEqual(attrs.largeCommunities, [{ global: 64512, local1: 1, local2: 2 }]);
    assert.deepEqual(attrs.asPath?.flatMap((s) => s.asns) ?? [], [], 'iBGP: empty AS_PATH');
  });

  it('eBGP: our ASN in the AS_PATH; withdrawals decode to the withdrawn prefixes (IPv4 and IPv6)', () => {
    const [update] = decodeAll(
      wireUpdates.announce([route('10.77.0.200/32', { localPref: undefined })], session(false)),
    );
    assert.ok(update);
    assert.deepEqual(
      update.attributes.asPath?.flatMap((s) => s.asns),
      [64512],
    );
    assert.equal(update.attributes.localPref, undefined);
    const withdrawals = decodeAll(
      wireUpdates.withdraw(['10.77.0.200/32', 'fd00:77::200/128'], session(false)),
    );
    assert.deepEqual(withdrawals.flatMap((u) => routeChanges(u).withdrawn.map(formatPrefix)).sort(), [
      '10.77.0.200/32',
      'fd00:77::200/128',
    ]);
  });
});
