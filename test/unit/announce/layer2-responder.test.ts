// The responder's logic with fake packet sockets and a simulated clock: converging sockets,
// answering only owned addresses, and the announcement schedule on takeover.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { Layer2Responder, SOCKET_LINGER_MS } from '../../../src/announce/layer2-responder.js';
import type { PacketSocket } from '../../../src/announce/packet-socket.js';
import { ARP_REPLY, ARP_REQUEST, decodeArp, encodeArp } from '../../../src/core/packets/arp.js';
import { isDecodeError } from '../../../src/core/packets/errors.js';
import { BROADCAST_MAC, parseMac, ZERO_MAC } from '../../../src/core/packets/mac.js';
import { announceInterfaces, interfaceSkipReason } from '../../../src/core/net/interfaces.js';

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
