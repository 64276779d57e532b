// The responder's logic with fake packet sockets and a simulated clock: converging sockets,
// answering only owned addresses, the announcement schedule on takeover, incremental applies
// (the delta hint) and the pacing of first rounds for thousands of addresses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { Layer2Responder, SOCKET_LINGER_MS } from '../../../src/announce/layer2-responder.js';
import { PACE_MS, REPEAT_FOR_MS, ROUNDS_PER_TURN } from '../../../src/announce/unsolicited-rounds.js';
import type { PacketSocket } from '../../../src/announce/packet-socket.js';
import { ARP_REPLY, ARP_REQUEST, decodeArp, encodeArp } from '../../../src/core/packets/arp.js';
import { isDecodeError } from '../../../src/core/packets/errors.js';
import { BROADCAST_MAC, parseMac, ZERO_MAC } from '../../../src/core/packets/mac.js';
import { announceInterfaces, interfaceSkipReason } from '../../../src/core/net/interfaces.js';
import type { Layer2Announcement } from '../../../src/ports/announcer.js';

class FakeSocket implements PacketSocket {
  readonly sent: Uint8Array[] = [];
  readonly errors = 0;
  closed = false;
  allMulticast = false;
  private handler: ((frame: Buffer, outgoing: boolean) => void) | undefined;
  constructor(
    readonly name: string,
    readonly ethertype: number,
    readonly mac = Buffer.from(parseMac('02:00:00:00:00:01')!),
    readonly ifindex = 1,
  ) {}
  send(frame: Uint8Array): number {
    this.sent.push(frame);
    return frame.length;
  }
  start(onFrame: (frame: Buffer, outgoing: boolean) => void): void {
    this.handler = onFrame;
  }
  setAllMulticast(on: boolean): void {
    this.allMulticast = on;
  }
  close(): void {
    this.closed = true;
  }
  receive(frame: Uint8Array): void {
    this.handler?.(Buffer.from(frame), false);
  }
}

const up = (name: string) => ({ name, up: true, noArp: false, hasMaster: false });

function setup() {
  const clock = new SimulatedClock();
  const sockets: FakeSocket[] = [];
  const responder = new Layer2Responder({
    clock,
    interfaces: () => [up('eth0'), up('eth1'), { ...up('eth2'), up: false }],
    open: (name, ethertype) => {
      const s = new FakeSocket(name, ethertype);
      sockets.push(s);
      return s;
    },
  });
  const announce = (ips: string[], interfaces: string[] = []) =>
    responder.apply(new Map([['ns/svc', { service: 'ns/svc', ips, interfaces }]]));
  return { clock, sockets, responder, announce };
}

const request = (target: number) =>
  encodeArp({
    ethernetDestination: BROADCAST_MAC,
    ethernetSource: parseMac('02:00:00:00:00:99')!,
    operation: ARP_REQUEST,
    senderMac: parseMac('02:00:00:00:00:99')!,
    senderIp: 0x0a000001,
    targetMac: ZERO_MAC,
    targetIp: target,
  });

describe('interface selection', () => {
  it('skips down, NOARP, enslaved and plumbing interfaces, and honours the allowed list', () => {
    assert.equal(interfaceSkipReason({ ...up('eth0'), up: false }), 'down');
    assert.equal(interfaceSkipReason({ ...up('eth0'), noArp: true }), 'noArp');
    assert.equal(interfaceSkipReason({ ...up('eth0'), hasMaster: true }), 'enslaved');
    for (const name of ['lo', 'docker0', 'veth12ab', 'cali0', 'kube-ipvs0', 'flannel.1'])
      assert.equal(interfaceSkipReason(up(name)), 'excludedName', name);
    assert.deepEqual(announceInterfaces([up('eth0'), up('eth1'), up('lo')], []), ['eth0', 'eth1']);
    assert.deepEqual(announceInterfaces([up('eth0'), up('eth1')], ['eth1', 'eth9']), ['eth1']);
  });
});

describe('layer-2 responder logic', () => {
  it('opens sockets only where there is something to answer, and closes them when withdrawn', () => {
    const t = setup();
    t.announce(['10.0.0.5'], ['eth1']);
    assert.deepEqual(
      t.sockets.map((s) => `${s.name}/${s.ethertype.toString(16)}`),
      ['eth1/806'],
    );
    t.announce(['10.0.0.5', 'fd00::5']);
    assert.deepEqual(t.sockets.map((s) => `${s.name}/${s.ethertype.toString(16)}`).sort(), [
      'eth0/806',
      'eth0/86dd',
      'eth1/806',
      'eth1/86dd',
    ]);
    assert.ok(t.sockets.filter((s) => s.ethertype === 0x86dd).every((s) => s.allMulticast));
    t.responder.apply(new Map());
    // Silent at once, closed a moment later (closing blocks; not in the withdrawing turn).
    const eth0 = t.sockets.find((s) => s.name === 'eth0' && s.ethertype === 0x0806)!;
    eth0.receive(request(0x0a000005));
    assert.equal(t.responder.counters.dropped.get('notOwned'), 1);
    assert.ok(t.sockets.every((s) => !s.closed));
    t.clock.increment(SOCKET_LINGER_MS);
    assert.ok(t.sockets.every((s) => s.closed));
  });

  it('an interface whose work returns before its sockets close keeps them', () => {
    const t = setup();
    t.announce(['10.0.0.5'], ['eth0']);
    t.responder.apply(new Map());
    t.clock.increment(SOCKET_LINGER_MS / 2);
    t.announce(['10.0.0.5'], ['eth0']);
    t.clock.increment(SOCKET_LINGER_MS * 2);
    assert.equal(t.sockets.length, 1);
    assert.equal(t.sockets[0]!.closed, false);
    // stop() closes at once.
    t.responder.stop();
    assert.equal(t.sockets[0]!.closed, true);
  });

  it('keeps sockets ready where it stands by, silent, and takes over on them without opening more', () => {
    const t = setup();
    const standby = [{ interfaces: ['eth1'], v4: true, v6: false }];
    t.responder.apply(new Map(), standby);
    assert.deepEqual(
      t.sockets.map((s) => `${s.name}/${s.ethertype.toString(16)}`),
      ['eth1/806'],
    );
    const ready = t.sockets[0]!;
    ready.receive(request(0x0a000005));
    assert.equal(ready.sent.length, 0, 'a standby socket neither answers nor announces');
    assert.equal(t.responder.counters.dropped.get('notOwned'), 1);
    // Takeover: the ready socket announces at once; nothing new is opened.
    t.responder.apply(
      new Map([['ns/svc', { service: 'ns/svc', ips: ['10.0.0.5'], interfaces: ['eth1'] }]]),
      standby,
    );
    assert.equal(t.sockets.length, 1);
    assert.equal(ready.sent.length, 2, 'a gratuitous request and reply at once');
    // Handing the address back keeps the socket while standing by, closes it when no longer.
    t.responder.apply(new Map(), standby);
    assert.equal(ready.closed, false);
    t.responder.apply(new Map(), []);
    t.clock.increment(SOCKET_LINGER_MS);
    assert.equal(ready.closed, true);
  });

  it('answers requests for owned addresses only, counting both', () => {
    const t = setup();
    t.announce(['10.0.0.5'], ['eth0']);
    const socket = t.sockets[0]!;
    const before = socket.sent.length;
    socket.receive(request(0x0a000005));
    socket.receive(request(0x0a000006));
    const replies = socket.sent.slice(before).map((f) => decodeArp(f));
    assert.equal(replies.length, 1);
    const reply = replies[0]!;
    assert.ok(!isDecodeError(reply));
    assert.equal(reply.operation, ARP_REPLY);
    assert.equal(reply.senderIp, 0x0a000005);
    assert.equal(t.responder.counters.requestsReceived.get('10.0.0.5'), 1);
    assert.equal(t.responder.counters.dropped.get('notOwned'), 1);
  });

  it('announces on takeover at once, then every 1.1 s until 5 s after the trigger', () => {
    const t = setup();
    t.announce(['10.0.0.5'], ['eth0']);
    const socket = t.sockets[0]!;
    assert.equal(socket.sent.length, 2, 'a request and a reply at once');
    for (let ms = 0; ms < 10_000; ms += 100) t.clock.increment(100);
    // Rounds at 0, 1.1, 2.2, 3.3, 4.4 s: five rounds of two frames.
    assert.equal(socket.sent.length, 10);
    assert.equal(t.responder.counters.gratuitousSent.get('10.0.0.5'), 10);
  });

  it('stops announcing an address that is withdrawn', () => {
    const t = setup();
    t.announce(['10.0.0.5'], ['eth0']);
    t.clock.increment(1200);
    t.responder.apply(new Map());
    const sent = t.sockets[0]!.sent.length;
    for (let ms = 0; ms < 10_000; ms += 100) t.clock.increment(100);
    assert.equal(t.sockets[0]!.sent.length, sent);
  });

  it('supervision: a re-created interface gets new sockets and a fresh announcement; failed opens back off', () => {
    const clock = new SimulatedClock();
    let index = 1;
    let failOpens = 0;
    const sockets: FakeSocket[] = [];
    const responder = new Layer2Responder({
      clock,
      interfaces: () => [{ ...up('eth0'), index }],
      open: (name, ethertype) => {
        if (failOpens > 0) {
          failOpens -= 1;
          throw new Error('ENODEV');
        }
        const socket = new FakeSocket(name, ethertype, undefined, index);
        sockets.push(socket);
        return socket;
      },
    });
    responder.apply(new Map([['ns/svc', { service: 'ns/svc', ips: ['10.0.0.5'], interfaces: [] }]]));
    responder.refresh();
    assert.equal(sockets.length, 1, 'nothing changed: the socket stays');
    index = 2;
    responder.refresh();
    assert.equal(sockets.length, 2);
    assert.ok(sockets[0]!.closed);
    assert.equal(sockets[1]!.sent.length, 2, 'announced again at once on the new socket');
    assert.equal(responder.counters.restarts.get('eth0'), 1);
    // The device disappears and opening fails twice: retried with backoff, then recovered.
    index = 3;
    failOpens = 2;
    responder.refresh();
    assert.equal(sockets.length, 2);
    clock.increment(100);
    responder.refresh();
    assert.equal(failOpens, 1, 'not retried before the backoff');
    clock.increment(5000);
    responder.refresh();
    clock.increment(5000);
    responder.refresh();
    assert.equal(sockets.length, 3);
    assert.equal(sockets[2]!.ifindex, 3);
  });
});

describe('incremental applies and paced rounds', () => {
  /** Every address a frame announces (gratuitous ARP) or answers for, by interface. */
  const ipOf = (frame: Uint8Array): number | undefined => {
    const arp = decodeArp(frame);
    return isDecodeError(arp) ? undefined : arp.senderIp;
  };
  const v4 = (i: number) => `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  const v4Number = (i: number) => (10 << 24) + (1 << 16) + (Math.floor(i / 250) << 8) + (i % 250) + 1;

  it('answers exactly what the desired set says after applies with and without the delta', () => {
    // A model of the old whole-set behaviour: who answers what is a function of the set alone.
    const interfaces = ['eth0', 'eth1'];
    const t = setup();
    let desired = new Map<string, { service: string; ips: string[]; interfaces: string[] }>();
    const owners = (ip: number, name: string) =>
      [...desired.values()].some(
        (a) =>
          a.ips.some((text) => v4Number(Number(text.split('.')[3]) - 1) === ip) &&
          (a.interfaces.length === 0 || a.interfaces.includes(name)),
      );
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let step = 0; step < 60; step += 1) {
      const next = new Map(desired);
      const changed = new Set<string>();
      for (let k = 0; k < 4; k += 1) {
        const service = `ns/s${random(12)}`;
        changed.add(service);
        // Eight addresses shared among twelve services: moves and shared IPs.
        if (random(4) === 0) next.delete(service);
        else
          next.set(service, {
            service,
            ips: [v4(random(8))],
            interfaces: [[], ['eth0'], ['eth1']][random(3)]!,
          });
      }
      desired = next;
      t.responder.apply(new Map(desired), [], step % 3 === 0 ? undefined : changed);
      for (const name of interfaces) {
        const socket = t.sockets.filter((s) => s.name === name && s.ethertype === 0x0806 && !s.closed).at(-1);
        for (let i = 0; i < 8; i += 1) {
          const before = t.responder.counters.responsesSent.get(v4(i)) ?? 0;
          socket?.receive(request(v4Number(i)));
          const answered = (t.responder.counters.responsesSent.get(v4(i)) ?? 0) > before;
          assert.equal(answered, owners(v4Number(i), name), `step ${step}: ${name} ${v4(i)}`);
        }
      }
    }
  });

  it('an address moving between services (or shared by two) is neither dropped nor announced again', () => {
    const t = setup();
    const a = { service: 'ns/a', ips: ['10.0.0.5'], interfaces: ['eth0'] };
    const b = { service: 'ns/b', ips: ['10.0.0.5'], interfaces: ['eth0'] };
    t.responder.apply(new Map([['ns/a', a]]));
    const socket = t.sockets[0]!;
    assert.equal(socket.sent.length, 2);
    t.responder.apply(new Map([['ns/b', b]]), [], new Set(['ns/a', 'ns/b']));
    t.responder.apply(
      new Map([
        ['ns/a', a],
        ['ns/b', b],
      ]),
      [],
      new Set(['ns/a']),
    );
    t.responder.apply(new Map([['ns/a', a]]), [], new Set(['ns/b']));
    assert.equal(socket.sent.length, 2, 'no new round: the address never stopped being owned');
    socket.receive(request(0x0a000005));
    assert.equal(t.responder.counters.responsesSent.get('10.0.0.5'), 1);
  });

  it('thousands of new addresses: a bounded first round per turn, every address announced, repeats until 5 s', () => {
    const t = setup();
    const N = 3000;
    const desired = new Map(
      Array.from({ length: N }, (_, i) => [
        `ns/s${i}`,
        { service: `ns/s${i}`, ips: [v4(i)], interfaces: ['eth0'] },
      ]),
    );
    t.responder.apply(desired, [], new Set(desired.keys()));
    const socket = t.sockets[0]!;
    const sentAt = new Map<number, number[]>();
    const record = (from: number) => {
      for (const frame of socket.sent.slice(from)) {
        const ip = ipOf(frame)!;
        sentAt.set(ip, [...(sentAt.get(ip) ?? []), t.clock.now()]);
      }
    };
    // Two frames (a request and a reply) per round.
    assert.equal(socket.sent.length, 2 * ROUNDS_PER_TURN, 'the first turn sends one budget of rounds');
    record(0);
    let turns = 0;
    while (t.clock.now() < 10_000) {
      const before = socket.sent.length;
      t.clock.increment(PACE_MS);
      turns += 1;
      assert.ok(socket.sent.length - before <= 2 * ROUNDS_PER_TURN, `tick at ${t.clock.now()} ms`);
      record(before);
    }
    assert.ok(turns > 0);
    assert.equal(sentAt.size, N, 'every address announced');
    for (const [ip, times] of sentAt) {
      // Five rounds (0, 1.1, 2.2, 3.3, 4.4 s after the first), none later than 5 s after the trigger.
      assert.equal(times.length, 10, `ip ${ip}`);
      assert.ok(times[0]! < 100, `first round of ${ip} at ${times[0]} ms`);
      assert.ok(times.at(-1)! <= REPEAT_FOR_MS, `last round of ${ip} at ${times.at(-1)} ms`);
    }
  });

  it('a takeover of 50 addresses goes out in its own turn, even behind thousands waiting', () => {
    const t = setup();
    const desired = new Map<string, Layer2Announcement>();
    for (let i = 0; i < 3000; i += 1)
      desired.set(`ns/s${i}`, { service: `ns/s${i}`, ips: [v4(i)], interfaces: ['eth0'] });
    t.responder.apply(new Map(desired), [], new Set(desired.keys()));
    const socket = t.sockets[0]!;
    const before = socket.sent.length;
    const takeover = Array.from({ length: 50 }, (_, i) => `10.2.0.${i + 1}`);
    for (const [i, ip] of takeover.entries())
      desired.set(`ns/t${i}`, { service: `ns/t${i}`, ips: [ip], interfaces: ['eth0'] });
    t.responder.apply(new Map(desired), [], new Set(takeover.map((_, i) => `ns/t${i}`)));
    assert.equal(socket.sent.length - before, 100, 'a request and a reply per address, at once');
    for (const ip of takeover) assert.equal(t.responder.counters.gratuitousSent.get(ip), 2, ip);
  });

  it('a withdrawn address waiting for its first round is never announced', () => {
    const t = setup();
    const desired = new Map(
      Array.from({ length: 1000 }, (_, i) => [
        `ns/s${i}`,
        { service: `ns/s${i}`, ips: [v4(i)], interfaces: ['eth0'] },
      ]),
    );
    t.responder.apply(desired, [], new Set(desired.keys()));
    const last = `ns/s999`;
    const kept = new Map(desired);
    kept.delete(last);
    t.responder.apply(kept, [], new Set([last]));
    for (let ms = 0; ms < 10_000; ms += 100) t.clock.increment(100);
    assert.equal(t.responder.counters.gratuitousSent.get(v4(999)), undefined);
    assert.equal(t.responder.counters.gratuitousSent.get(v4(998)), 10);
  });
});
