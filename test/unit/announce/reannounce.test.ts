// Regression (issue 14, found by herald lab chaos): a client's neighbour entry can point at a node
// that is not the leader (it announced on a partial view at start, or on its side of a
// partition). When that node dies or returns, the leaders of the addresses it could have drawn
// must re-announce; a node that stopped announcing must never send a gratuitous packet again.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { LeadershipActor, type ClusterView } from '../../../src/actors/leadership.actor.js';
import { Layer2Responder } from '../../../src/announce/layer2-responder.js';
import type { PacketSocket } from '../../../src/announce/packet-socket.js';
import { reannounceOn } from '../../../src/app/speaker.js';
import { parse } from '../../../src/core/config/parse.js';
import { decodeArp } from '../../../src/core/packets/arp.js';
import { isDecodeError } from '../../../src/core/packets/errors.js';
import { toNodeModel } from '../../../src/core/election/nodes.js';
import { readService } from '../../../src/core/service/model.js';
import { obj, pool } from '../config/helpers.js';

const NODES = ['node-a', 'node-b', 'node-c'];

class FakeSocket implements PacketSocket {
  readonly sent: Uint8Array[] = [];
  readonly mac = Buffer.from([2, 0, 0, 0, 0, 1]);
  readonly ifindex = 1;
  readonly errors = 0;
  send(frame: Uint8Array): number {
    this.sent.push(frame);
    return frame.length;
  }
  start(): void {}
  setAllMulticast(): void {}
  close(): void {}
}

/** The IPv4 addresses gratuitous ARP was sent for, in order. */
const framesIps = (frames: readonly Uint8Array[]): string[] =>
  frames.flatMap((frame) => {
    const p = decodeArp(frame);
    if (isDecodeError(p) || p.senderIp !== p.targetIp) return [];
    return [
      [p.senderIp >>> 24, (p.senderIp >>> 16) & 255, (p.senderIp >>> 8) & 255, p.senderIp & 255].join('.'),
    ];
  });

function view(local?: { service: string; nodes: string[] }): ClusterView {
  const result = parse([pool('p', ['10.0.0.0/24']), obj('L2Advertisement', 'l2', {})]);
  if (!result.ok) throw new Error('bad config');
  const service = (name: string, ip: string) =>
    readService({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: 'default' },
      spec: {
        type: 'LoadBalancer',
        externalTrafficPolicy: local?.service === name ? 'Local' : 'Cluster',
        ports: [{ port: 80, protocol: 'TCP' }],
      },
      status: { loadBalancer: { ingress: [{ ip }] } },
    })!;
  const all = { anyUsable: true, nodesWithUsable: new Set(NODES) };
  return {
    config: result.config,
    nodes: NODES.map((name) => toNodeModel({ apiVersion: 'v1', kind: 'Node', metadata: { name } })!),
    services: [service('web', '10.0.0.1'), service('db', '10.0.0.2')],
    endpoints: new Map([
      [
        'default/web',
        local?.service === 'web' ? { anyUsable: true, nodesWithUsable: new Set(local.nodes) } : all,
      ],
      [
        'default/db',
        local?.service === 'db' ? { anyUsable: true, nodesWithUsable: new Set(local.nodes) } : all,
      ],
    ]),
  };
}

/** One node's leadership actor feeding its responder, as the speaker wires them. */
function node(self: string, alive: Set<string>) {
  const clock = new SimulatedClock();
  const socket = new FakeSocket();
  const responder = new Layer2Responder({
    clock,
    interfaces: () => [{ name: 'eth0', up: true, noArp: false, hasMaster: false }],
    open: () => socket,
  });
  const leadership = new LeadershipActor({ self, clock, alive: () => alive, announcer: responder });
  /** What speaker.ts does on a member change, after re-electing. */
  const memberChanged = (member: string, from: string, to: string) => {
    leadership.membershipChanged();
    if (reannounceOn(from, to)) responder.reannounce(leadership.attractableBy(member));
  };
  const settle = () => {
    for (let ms = 0; ms < 6000; ms += 100) clock.increment(100);
  };
  return { clock, socket, responder, leadership, memberChanged, settle };
}

describe('re-announcing when a member dies or returns', () => {
  it('the leader re-announces the addresses a dying non-leader could have attracted, and only those', () => {
    const alive = new Set(NODES);
    // Who leads web (every node a candidate) with everyone alive.
    const probe = NODES.map((n) => ({ name: n, ...node(n, alive) }));
    for (const s of probe) s.leadership.update(view());
    const leader = probe.find((s) => s.leadership.announcements().has('default/web'))!.name;
    const victim = NODES.find((n) => n !== leader)!;
    // db has a local endpoint on the leader only: the victim could never have drawn its clients.
    const speakers = NODES.map((n) => ({ name: n, ...node(n, alive) }));
    const v = view({ service: 'db', nodes: [leader] });
    for (const s of speakers) s.leadership.update(v);
    const lead = speakers.find((s) => s.name === leader)!;
    assert.ok(lead.leadership.announcements().has('default/web'));
    assert.ok(lead.leadership.announcements().has('default/db'));
    for (const s of speakers) s.settle();
    const before = lead.socket.sent.length;
    alive.delete(victim);
    for (const s of speakers.filter((s) => s.name !== victim)) s.memberChanged(victim, 'alive', 'dead');
    const resent = framesIps(lead.socket.sent.slice(before));
    assert.ok(resent.includes('10.0.0.1'), `the leader re-announced 10.0.0.1 when ${victim} died`);
    assert.ok(!resent.includes('10.0.0.2'), 'db: the victim was never a candidate');
    // Nobody else sends anything for web: only leaders re-announce.
    for (const s of speakers.filter((s) => s.name !== leader && s.name !== victim))
      assert.ok(!framesIps(s.socket.sent).includes('10.0.0.1'));
    // The member returns: the leader (still leader, election being per address) re-announces again.
    alive.add(victim);
    const mid = lead.socket.sent.length;
    for (const s of speakers.filter((s) => s.name !== victim)) s.memberChanged(victim, 'dead', 'alive');
    assert.ok(framesIps(lead.socket.sent.slice(mid)).includes('10.0.0.1'));
  });

  it('re-announces on first contact and on return, not on suspicion', () => {
    assert.equal(reannounceOn('unknown', 'alive'), true);
    assert.equal(reannounceOn('dead', 'alive'), true);
    assert.equal(reannounceOn('suspect', 'alive'), true);
    assert.equal(reannounceOn('alive', 'dead'), true);
    assert.equal(reannounceOn('suspect', 'left'), true);
    assert.equal(reannounceOn('alive', 'suspect'), false);
    assert.equal(reannounceOn('alive', 'alive'), false);
  });

  it('attractableBy is empty for a non-candidate and once this node stops leading', () => {
    const alive = new Set(NODES);
    const a = node('node-a', alive);
    a.leadership.update(view({ service: 'web', nodes: ['node-a'] }));
    assert.ok(a.leadership.announcements().has('default/web'), 'only node-a has a local endpoint');
    assert.deepEqual(
      [...a.leadership.attractableBy('node-b')].filter((ip) => ip === '10.0.0.1'),
      [],
    );
    a.leadership.update(view({ service: 'web', nodes: ['node-b'] }));
    assert.ok(!a.leadership.announcements().has('default/web'));
    assert.ok(!a.leadership.attractableBy('node-b').has('10.0.0.1'));
  });

  it('a node that stopped announcing sends no gratuitous packet afterwards, whatever triggers it', () => {
    const alive = new Set(NODES);
    const a = node('node-a', alive);
    a.responder.apply(
      new Map([
        ['default/web', { service: 'default/web', ips: ['10.0.0.1'], interfaces: [] }],
        ['default/db', { service: 'default/db', ips: ['10.0.0.2'], interfaces: [] }],
      ]),
    );
    a.clock.increment(1200); // repeats pending for both
    a.responder.apply(
      new Map([['default/db', { service: 'default/db', ips: ['10.0.0.2'], interfaces: [] }]]),
    );
    const sent = a.socket.sent.length;
    a.responder.reannounce(new Set(['10.0.0.1']));
    a.responder.reannounce();
    a.settle();
    const later = framesIps(a.socket.sent.slice(sent));
    assert.ok(!later.includes('10.0.0.1'), 'withdrawn 10.0.0.1 never announced again');
    assert.ok(later.includes('10.0.0.2'), 'still-owned 10.0.0.2 re-announced');
    a.responder.stop();
    const stopped = a.socket.sent.length;
    a.responder.reannounce();
    a.settle();
    assert.equal(a.socket.sent.length, stopped);
  });
});
