// Liveness, pure parts and actor: the datagram codec, the detector (silence, stalls, refusals,
// what it vouches for), the ring of liveness peers, and the actor on a simulated clock — including
// a late tick after a stall of its own thread, which must read the queued datagrams first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LivenessActor } from '../../../src/actors/liveness.actor.js';
import { contactAddress } from '../../../src/core/membership/contact.js';
import { LivenessDetector, livenessPeers } from '../../../src/core/membership/liveness-detector.js';
import { decodeLiveness, encodeLiveness } from '../../../src/core/membership/liveness-wire.js';
import type { LivenessSocket, LivenessSocketHandlers } from '../../../src/ports/liveness-socket.js';

const SETTINGS = { intervalMs: 20, multiplier: 6, mainStallMs: 2000 };

describe('liveness datagram', () => {
  it('round-trips, capping the main-thread age', () => {
    const p = { node: 'node-ä1', boot: 4_000_000_000, seq: 7, mainAgeMs: 12.6 };
    assert.deepEqual(decodeLiveness(encodeLiveness(p)), { ...p, mainAgeMs: 13 });
    assert.equal(decodeLiveness(encodeLiveness({ ...p, mainAgeMs: 1e9 }))?.mainAgeMs, 65535);
  });

  it('rejects other bytes: wrong magic, version, length, truncation, bad UTF-8', () => {
    const good = encodeLiveness({ node: 'n1', boot: 1, seq: 1, mainAgeMs: 0 });
    const bad = (f: (b: Uint8Array) => void) => {
      const b = good.slice();
      f(b);
      return decodeLiveness(b);
    };
    assert.equal(
      bad((b) => (b[0] = 0)),
      undefined,
    );
    assert.equal(
      bad((b) => (b[2] = 9)),
      undefined,
    );
    assert.equal(
      bad((b) => (b[13] = 3)),
      undefined,
    );
    assert.equal(decodeLiveness(good.subarray(0, good.length - 1)), undefined);
    assert.equal(
      bad((b) => (b[14] = 0xff)),
      undefined,
    );
    assert.equal(decodeLiveness(new Uint8Array(0)), undefined);
    assert.throws(() => encodeLiveness({ node: '', boot: 1, seq: 1, mainAgeMs: 0 }));
  });
});

describe('liveness detector', () => {
  it('a peer never heard is never lost; a heard one is lost after the detection time, once', () => {
    const d = new LivenessDetector(SETTINGS);
    d.expect(['a', 'b']);
    assert.deepEqual(d.heard('a', 1, 0, 0), { node: 'a', kind: 'up' });
    assert.equal(d.heard('a', 1, 0, 10), undefined);
    assert.deepEqual(d.check(130), []);
    assert.deepEqual(d.check(131), [{ node: 'a', kind: 'lost', silentMs: 121 }]);
    assert.deepEqual(d.check(500), []);
    assert.equal(d.vouchesFor('a', 500), false);
    assert.deepEqual(d.heard('a', 1, 0, 510), { node: 'a', kind: 'up' });
    assert.equal(d.vouchesFor('a', 510), true);
    assert.equal(d.vouchesFor('b', 510), false);
  });

  it('a peer whose main thread stalls is reported once and no longer vouched for', () => {
    const d = new LivenessDetector(SETTINGS);
    d.expect(['a']);
    d.heard('a', 1, 10, 0);
    assert.deepEqual(d.heard('a', 1, 2500, 20), { node: 'a', kind: 'stalled', mainAgeMs: 2500 });
    assert.equal(d.heard('a', 1, 2520, 40), undefined);
    assert.equal(d.vouchesFor('a', 40), false);
    assert.deepEqual(d.heard('a', 1, 5, 60), { node: 'a', kind: 'up' });
  });

  it('a refusal counts only for a peer that was up', () => {
    const d = new LivenessDetector(SETTINGS);
    d.expect(['a']);
    assert.equal(d.refused('a'), false, 'not started yet: its port may not be open');
    d.heard('a', 1, 0, 0);
    assert.equal(d.refused('a'), true);
    assert.equal(d.refused('a'), false, 'once');
    assert.deepEqual(d.check(1000), [], 'and not lost on top');
  });

  it('forgets peers no longer expected; a returning one starts unknown', () => {
    const d = new LivenessDetector(SETTINGS);
    d.expect(['a']);
    d.heard('a', 1, 0, 0);
    d.expect([]);
    assert.equal(d.heard('a', 1, 0, 10), undefined, 'not a peer');
    d.expect(['a']);
    assert.deepEqual(d.check(1000), []);
  });
});

describe('liveness peers', () => {
  it('everyone in a small cluster', () => {
    assert.deepEqual(livenessPeers('b', ['a', 'b', 'c'], 8), ['a', 'c']);
  });

  it('a bounded, symmetric ring in a large one: every member watched by maxPeers others', () => {
    const names = Array.from({ length: 50 }, (_, i) => `n${String(i).padStart(2, '0')}`);
    const peers = new Map(names.map((n) => [n, livenessPeers(n, names, 8)]));
    for (const [n, list] of peers) {
      assert.equal(list.length, 8, n);
      for (const p of list) assert.ok(peers.get(p)!.includes(n), `${p} watches ${n} back`);
    }
    assert.deepEqual(peers.get('n00'), ['n01', 'n02', 'n03', 'n04', 'n46', 'n47', 'n48', 'n49']);
  });
});

describe('contact address', () => {
  it('the first TCP address of a contact, IPv4 or IPv6', () => {
    assert.deepEqual(contactAddress(['/ip4/10.0.0.2/tcp/7946/p2p/12D3']), {
      address: '10.0.0.2',
      port: 7946,
    });
    assert.deepEqual(contactAddress(['/dns/x/tcp/1', '/ip6/fd00::2/tcp/7000']), {
      address: 'fd00::2',
      port: 7000,
    });
    assert.equal(contactAddress(['/ip4/10.0.0.2/udp/7946']), undefined);
    assert.equal(contactAddress(undefined), undefined);
  });
});

/**
 * A clock per thread, as Node's timers: step() runs time in small steps (the thread keeps up);
 * stall() jumps and then fires each due timer once, late, as a blocked event loop does.
 */
class ThreadClock {
  private t = 0;
  private id = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): number {
    this.timers.set(++this.id, { at: this.t + ms, fn });
    return this.id;
  }
  clearTimeout(id: unknown): void {
    this.timers.delete(id as number);
  }
  step(ms: number): void {
    for (let i = 0; i < ms; i++) this.stall(1);
  }
  stall(ms: number): void {
    this.t += ms;
    const due = [...this.timers].filter(([, x]) => x.at <= this.t).sort((x, y) => x[1].at - y[1].at);
    for (const [id, x] of due) {
      this.timers.delete(id);
      x.fn();
    }
  }
}

/** Two liveness actors, a clock each; datagrams queue in the receiver's socket until it reads. */
function pair(judgeBeforeReading = false) {
  const clocks = { a: new ThreadClock(), b: new ThreadClock() };
  const handlers = new Map<string, LivenessSocketHandlers>();
  const inbox = new Map<string, Uint8Array[]>([
    ['a', []],
    ['b', []],
  ]);
  const silent = new Set<string>();
  const verdicts: { observer: string; node: string; kind: string; at: number }[] = [];
  const socket = (self: string): LivenessSocket => ({
    start: (h) => {
      handlers.set(self, h);
      return Promise.resolve();
    },
    peers: () => undefined,
    send: (to, data) => {
      if (!silent.has(self)) inbox.get(to)!.push(data);
    },
    stop: () => undefined,
  });
  /** What the kernel does when the thread gets to run: hand it the queued datagrams. */
  const read = (self: string) => {
    for (const d of inbox.get(self)!.splice(0)) handlers.get(self)!.received(d);
  };
  const actor = (self: 'a' | 'b', other: string) => {
    const clock = clocks[self];
    const a = new LivenessActor({
      self,
      clock,
      socket: socket(self),
      settings: SETTINGS,
      boot: 1,
      mainAgeMs: () => 0,
      // As setImmediate after libuv's poll: input first, then the judgement (or, for the
      // control, the other way round).
      afterInput: (fn) => {
        if (judgeBeforeReading) fn();
        read(self);
        if (!judgeBeforeReading) fn();
      },
      onVerdict: (v) => verdicts.push({ observer: self, node: v.node, kind: v.kind, at: clock.now() }),
    });
    a.peers([{ node: other, address: '192.0.2.1', port: 1 }]);
    return a;
  };
  /** Both threads run for `ms`. */
  const step = (ms: number) => {
    for (let i = 0; i < ms; i++) {
      clocks.a.step(1);
      clocks.b.step(1);
      // Running threads read datagrams as they arrive, not only at their ticks.
      read('a');
      read('b');
    }
  };
  return { clocks, silent, verdicts, a: actor('a', 'b'), b: actor('b', 'a'), step };
}

describe('liveness actor (a clock per thread)', () => {
  it('hears its peer, then loses it within the detection time plus an interval', async () => {
    const p = pair();
    await p.a.start();
    await p.b.start();
    p.step(100);
    assert.deepEqual(p.verdicts.map((v) => `${v.observer}:${v.kind}`).sort(), ['a:up', 'b:up']);
    assert.equal(p.a.vouchesFor('b'), true);
    p.silent.add('b');
    const at = p.clocks.a.now();
    p.step(200);
    const lost = p.verdicts.find((v) => v.observer === 'a' && v.kind === 'lost');
    assert.ok(lost);
    assert.ok(lost.at - at <= 120 + 20, `${lost.at - at} ms`);
    assert.ok(lost.at - at > 100, `${lost.at - at} ms`);
    assert.equal(p.a.counters.lost, 1);
    assert.equal(p.verdicts.filter((v) => v.observer === 'b' && v.kind === 'lost').length, 0);
  });

  for (const judgeBeforeReading of [false, true])
    it(`a 500 ms stall of its own thread ${judgeBeforeReading ? 'IS taken for silence when judged before reading (control)' : 'is no peer silence: the late tick reads the queue first'}`, async () => {
      const p = pair(judgeBeforeReading);
      await p.a.start();
      await p.b.start();
      p.step(100);
      p.clocks.b.step(500); // b runs on, its datagrams queue at a
      p.clocks.a.stall(500); // a's thread was blocked: its timer fires once, late
      p.step(100);
      // (b rightly lost a: a sent nothing for 500 ms.) Did a lose b, who never stopped?
      const lost = p.verdicts.filter((v) => v.observer === 'a' && v.kind === 'lost').length;
      assert.equal(lost, judgeBeforeReading ? 1 : 0);
    });
});
