// herald plan's model: per LoadBalancer service, the layer-2 announcer and every node's reason,
// from config, Nodes, Services and EndpointSlices given as objects (no I/O).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { L2_ALL, POOL, at, docs, node, plan, ranked, service, slice } from './helpers.js';

const NAMES = ['n1', 'n2', 'n3', 'n4'];
const IP = '10.0.0.5';
const ORDER = ranked(NAMES, IP);
const WINNER = ORDER[0]!;
const base = (...more: string[]): unknown[] => docs(POOL, L2_ALL, ...NAMES.map((n) => node(n)), ...more);

describe('herald plan: members', () => {
  it('by default every node given is a member: the first in MetalLB order announces', () => {
    const s = at(plan(base(service('web', { ip: IP }))).services);
    assert.deepEqual(s, {
      namespace: 'default',
      name: 'web',
      ips: [IP],
      l2: { node: WINNER, interfaces: [] },
      nodes: Object.fromEntries(NAMES.map((n) => [n, n === WINNER ? 'announcing' : 'notOwner'])),
    });
    assert.deepEqual(plan(base(service('web', { ip: IP })), NAMES).services[0], s);
  });

  for (const dropped of NAMES) {
    const wasWinner = dropped === WINNER;
    it(`--members without ${dropped}: the address ${wasWinner ? 'moves to the next in order' : 'stays'}`, () => {
      const members = NAMES.filter((n) => n !== dropped);
      const s = at(plan(base(service('web', { ip: IP })), members).services);
      assert.equal(s.l2.node, wasWinner ? ORDER[1] : WINNER);
      assert.equal(s.nodes[dropped], 'memberNotAlive');
    });
  }

  it('no Node objects: the members are the nodes (no labels)', () => {
    const s = at(plan(docs(POOL, L2_ALL, service('web', { ip: IP })), NAMES).services);
    assert.equal(s.l2.node, WINNER);
    assert.deepEqual(Object.keys(s.nodes), NAMES);
  });

  it('members that are not Nodes given are reported and ignored', () => {
    const report = plan(base(service('web', { ip: IP })), ['n1', 'ghost', 'n2', 'ghost']);
    assert.deepEqual(report.unknownMembers, ['ghost']);
    assert.equal(report.services[0]?.l2.node, ranked(['n1', 'n2'], IP)[0]);
  });
});

describe('herald plan: endpoints', () => {
  it('Local policy: only nodes hosting a ready (or serving) endpoint are candidates', () => {
    const [first, second] = ORDER;
    const report = plan(
      base(
        service('web', { ip: IP, local: true }),
        slice('web', { [second!]: { ready: true }, [first!]: { ready: false } }),
      ),
    );
    const s = at(report.services);
    assert.equal(s.l2.node, second);
    assert.equal(s.nodes[first!], 'noLocalEndpoint');
    const terminating = plan(
      base(
        service('web', { ip: IP, local: true }),
        slice('web', { [first!]: { ready: false, serving: true } }),
      ),
    );
    assert.equal(terminating.services[0]?.l2.node, first);
  });

  it('Cluster policy: any node may announce once some endpoint is usable', () => {
    const elsewhere = ORDER[3]!;
    const s = at(
      plan(base(service('web', { ip: IP }), slice('web', { [elsewhere]: { ready: true } }))).services,
    );
    assert.equal(s.l2.node, WINNER);
  });

  it('EndpointSlices given but none usable for a service: nobody announces it', () => {
    const report = plan(
      base(
        service('web', { ip: IP }),
        service('api', { ip: '10.0.0.6' }),
        slice('web', { n1: { ready: false } }),
      ),
    );
    for (const s of report.services) {
      assert.equal(s.l2.node, null);
      assert.equal(s.l2.reason, 'noUsableEndpoint');
      assert.deepEqual(new Set(Object.values(s.nodes)), new Set(['noUsableEndpoint']));
    }
  });

  it('no EndpointSlice at all: every node counts as hosting a ready endpoint, even for Local', () => {
    const s = at(plan(base(service('web', { ip: IP, local: true }))).services);
    assert.equal(s.l2.node, WINNER);
    assert.deepEqual(Object.values(s.nodes).sort(), ['announcing', 'notOwner', 'notOwner', 'notOwner']);
  });
});
