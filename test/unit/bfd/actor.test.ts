// Two BFD session actors over an in-memory link on a simulated clock: bring-up, jittered periodic
// packets, failure detection at exactly the detection time, AdminDown, passive mode, parameter
// changes, bad datagrams and stop().
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BfdSessionActor, type BfdSessionDeps } from '../../../src/actors/bfd-session.actor.js';
import type { BfdSessionDownParams, BfdSessionInput } from '../../../src/machines/bfd-session.machine.js';
import { MemoryLink, type End } from './memory-link.js';
import { SteppingClock } from './stepping-clock.js';

const ms = 1000;
const A: BfdSessionInput = {
  localDiscriminator: 0xa,
  desiredMinTxUs: 300 * ms,
  requiredMinRxUs: 300 * ms,
  detectMultiplier: 3,
};
const B: BfdSessionInput = {
  localDiscriminator: 0xb,
  desiredMinTxUs: 200 * ms,
  requiredMinRxUs: 250 * ms,
  detectMultiplier: 4,
};

interface Recorded {
  up: number[];
  down: (BfdSessionDownParams & { at: number })[];
  dropped: string[];
  packets: { input: number; output: number };
}

function pair(
  options: { a?: Partial<BfdSessionInput>; b?: Partial<BfdSessionInput>; random?: () => number } = {},
) {
  const clock = new SteppingClock();
  const link = new MemoryLink(clock);
  const recorded: Record<End, Recorded> = {
    a: { up: [], down: [], dropped: [], packets: { input: 0, output: 0 } },
    b: { up: [], down: [], dropped: [], packets: { input: 0, output: 0 } },
  };
  const deps = (end: End): BfdSessionDeps => ({
    clock,
    transport: link.transport(end),
    random: options.random ?? (() => 0.5),
    onUp: () => recorded[end].up.push(clock.now()),
    onDown: (down) => recorded[end].down.push({ ...down, at: clock.now() }),
    onDropped: (reason) => recorded[end].dropped.push(reason),
    onPacket: (direction) => recorded[end].packets[direction]++,
    onError: (error) => assert.fail(String(error)),
  });
  const a = new BfdSessionActor({ ...A, ...options.a }, deps('a'));
  const b = new BfdSessionActor({ ...B, ...options.b }, deps('b'));
  return { clock, link, a, b, recorded, advance: (t: number) => clock.advance(t) };
}

/** Gaps between consecutive periodic packets (neither P-answering F nor state-change extras). */
function periodicGaps(
  sent: { at: number; packet?: { final: boolean } | undefined }[],
  from: number,
  to: number,
) {
  const periodic = sent.filter((s) => s.at >= from && s.at <= to && !s.packet?.final);
  return periodic.slice(1).map((s, i) => s.at - periodic[i]!.at);
}

describe('BFD session actor', () => {
  it('two sessions come Up by the three-way handshake within a few milliseconds', () => {
    const s = pair();
    s.a.start();
    s.b.start();
    s.advance(10);
    assert.equal(s.a.state(), 'up');
    assert.equal(s.b.state(), 'up');
    // Both send Down at 0; each goes Init on the other's Down at 0.5 ms (the link's latency) and
    // Up on the other's Init at 1 ms.
    assert.deepEqual([s.recorded.a.up, s.recorded.b.up], [[1], [1]]);
  });

  it('sends periodic packets at the jittered interval: max(own tx, peer rx) × [0.75, 1]', () => {
    for (const [random, factor] of [
      [0, 0.75],
      [0.5, 0.875],
      [0.999999, 1],
    ] as const) {
      const s = pair({ random: () => random });
      s.a.start();
      s.b.start();
      s.advance(5000); // past the poll sequences
      const from = s.clock.now();
      s.advance(10_000);
      // a: max(300, b's 250) = 300 ms; b: max(200, a's 300) = 300 ms
      for (const end of ['a', 'b'] as const) {
        const gaps = periodicGaps(s.link.sentBy(end), from, s.clock.now());
        assert.ok(gaps.length > 25, `${end}: ${gaps.length} gaps`);
        for (const gap of gaps)
          assert.ok(Math.abs(gap - 300 * factor) < 0.01, `${end}: gap ${gap}, factor ${factor}`);
      }
      assert.equal(s.a.state(), 'up');
    }
  });

  it('narrows the jitter to 75–90 % with Detect Mult 1', () => {
    const s = pair({ a: { detectMultiplier: 1 }, random: () => 0.999999 });
    s.a.start();
    s.b.start();
    s.advance(5000);
    const from = s.clock.now();
    s.advance(3000);
    for (const gap of periodicGaps(s.link.sentBy('a'), from, s.clock.now()))
      assert.ok(Math.abs(gap - 270) < 0.01);
  });

  it('sends at the 1 s slow rate until Up (a peer that never answers)', () => {
    const s = pair();
    s.a.start();
    s.advance(10_000);
    const gaps = periodicGaps(s.link.sentBy('a'), 0, s.clock.now());
    assert.ok(gaps.length >= 9);
    for (const gap of gaps) assert.ok(Math.abs(gap - 875) < 0.01, `gap ${gap}`);
    assert.ok(
      s.link.sentBy('a').every((x) => x.packet?.state === 'down' && x.packet.desiredMinTxUs === 1_000_000),
    );
  });

  it('declares the peer down exactly one detection time after its last packet arrived', () => {
    const s = pair();
    s.a.start();
    s.b.start();
    s.advance(3000);
    s.link.cutFrom('b');
    const lastFromB = s.link.sentBy('b').at(-1)!.at + 0.5; // sent + link latency
    s.advance(2000);
    assert.equal(s.a.state(), 'down');
    const down = s.recorded.a.down[0]!;
    // b's Detect Mult 4 × max(a's Required Min RX 300, b's Desired Min TX 200) = 1200 ms
    assert.ok(Math.abs(down.at - (lastFromB + 1200)) < 1e-6, `down at ${down.at}, last packet ${lastFromB}`);
    assert.deepEqual(
      { reason: down.reason, diagnostic: down.diagnostic },
      { reason: 'detectionTimeExpired', diagnostic: 1 },
    );
    // b hears a's Down and goes down too, diag 3 (then to Init, as a's packets still arrive).
    assert.deepEqual(
      { reason: s.recorded.b.down[0]!.reason, diagnostic: s.recorded.b.down[0]!.diagnostic },
      { reason: 'receivedDown', diagnostic: 3 },
    );
  });

  it('comes back Up when the link is restored', () => {
    const s = pair();
    s.a.start();
    s.b.start();
    s.advance(3000);
    s.link.cutFrom('b');
    s.advance(5000);
    s.link.restore();
    s.advance(5000);
    assert.equal(s.a.state(), 'up');
    assert.equal(s.b.state(), 'up');
    assert.equal(s.recorded.a.up.length, 2);
  });

  it('admin down on one side takes the other Down with diag 3; admin up brings both back', () => {
    const s = pair();
    s.a.start();
    s.b.start();
    s.advance(3000);
    s.a.adminDown();
    s.advance(5);
    assert.equal(s.a.state(), 'adminDown');
    assert.equal(s.b.state(), 'down');
    assert.equal(s.recorded.b.down[0]?.reason, 'receivedAdminDown');
    assert.equal(s.recorded.a.down[0]?.diagnostic, 7);
    s.advance(10_000);
    assert.equal(s.b.state(), 'down', 'AdminDown packets keep the peer Down');
    s.a.adminUp();
    s.advance(3000);
    assert.equal(s.a.state(), 'up');
    assert.equal(s.b.state(), 'up');
  });

  it('a passive session sends nothing until it hears from its peer', () => {
    const s = pair({ b: { passive: true } });
    s.b.start();
    s.advance(10_000);
    assert.equal(s.link.sentBy('b').length, 0);
    s.a.start();
    s.advance(10);
    assert.equal(s.b.state(), 'up');
    assert.ok(s.link.sentBy('b').length > 0);
  });

  it('a raised transmit interval is polled, acknowledged, then used', () => {
    const s = pair();
    s.a.start();
    s.b.start();
    s.advance(3000);
    s.a.changeParameters({ desiredMinTxUs: 600 * ms });
    const changed = s.clock.now();
    s.advance(5000);
    const afterChange = s.link.sentBy('a').filter((x) => x.at > changed);
    assert.equal(afterChange[0]?.packet?.poll, true);
    assert.ok(s.link.sentBy('b').some((x) => x.at > changed && x.packet?.final));
    assert.equal(afterChange.at(-1)?.packet?.poll, false);
    const gaps = periodicGaps(s.link.sentBy('a'), changed + 1500, s.clock.now());
    for (const gap of gaps) assert.ok(Math.abs(gap - 600 * 0.875) < 0.01, `gap ${gap}`);
    assert.equal(s.b.context()?.detectionTimeUs, 3 * 600 * ms, 'b detects with a’s new interval');
  });

  it('counts what does not decode, and what the session refuses, without stopping', () => {
    const s = pair();
    s.a.start();
    s.b.start();
    s.advance(3000);
    s.link.inject('a', Uint8Array.from([0x40, 0, 0, 24]));
    s.link.ttl = 64;
    s.advance(1000);
    assert.ok(s.recorded.a.dropped.includes('unsupportedVersion'));
    assert.ok(s.recorded.a.dropped.includes('ttlBelowMinimum'));
    assert.ok(s.recorded.a.packets.input > s.recorded.a.dropped.length);
    s.advance(1000);
    assert.equal(s.a.state(), 'down', 'packets with TTL 64 do not keep a single-hop session Up');
  });

  it('stop() closes the path: nothing more is sent, the last state stays readable', () => {
    const s = pair();
    s.a.start();
    s.b.start();
    s.advance(3000);
    s.a.stop();
    const count = s.link.sentBy('a').length;
    s.advance(10_000);
    assert.equal(s.link.sentBy('a').length, count);
    assert.equal(s.a.state(), 'up');
    assert.equal(s.b.state(), 'down', 'the peer detects the silence');
    assert.equal(s.recorded.a.packets.output, count);
  });
});
