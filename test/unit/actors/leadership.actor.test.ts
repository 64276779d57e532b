// Several speakers' leadership actors fed the same view: exactly one announces each service,
// and when the winner leaves the live set exactly one other takes over, with reasons.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import {
  LeadershipActor,
  SERVICES_PER_TURN,
  type ClusterView,
} from '../../../src/actors/leadership.actor.js';
import { parse } from '../../../src/core/config/parse.js';
import { toNodeModel } from '../../../src/core/election/nodes.js';
import { readService } from '../../../src/core/service/model.js';
import type { Layer2Announcement, Layer2Standby } from '../../../src/ports/announcer.js';
import { obj, pool } from '../config/helpers.js';

const NODES = ['node-a', 'node-b', 'node-c'];

function service(name: string, ip: string) {
  return readService({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default' },
    spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] },
    status: { loadBalancer: { ingress: [{ ip }] } },
  })!;
}

function view(services: string[][], l2Pools?: string[]): ClusterView {
  const result = parse([
    pool('p', ['10.0.0.0/16']),
    pool('bgp-only', ['10.9.0.0/24']),
    obj('L2Advertisement', 'l2', l2Pools ? { ipAddressPools: l2Pools } : {}),
  ]);
  if (!result.ok) throw new Error('bad config');
  return {
    config: result.config,
    nodes: NODES.map((name) => toNodeModel({ apiVersion: 'v1', kind: 'Node', metadata: { name } })!),
    services: services.map(([name, ip]) => service(name!, ip!)),
    endpoints: undefined,
  };
}

function speakers(alive: Set<string>) {
  const clock = new SimulatedClock();
  const applied = new Map<string, ReadonlyMap<string, Layer2Announcement>>();
  const standby = new Map<string, readonly Layer2Standby[]>();
  const transitions: { node: string; service: string; to: string; reason: string }[] = [];
  const actors = NODES.map(
    (self) =>
      new LeadershipActor({
        self,
        clock,
        alive: () => alive,
        announcer: {
          apply: (desired, ready = []) => {
            applied.set(self, desired);
            standby.set(self, ready);
          },
        },
        onTransition: (svc, t) => transitions.push({ node: self, service: svc, to: t.to, reason: t.reason }),
      }),
  );
  const announcers = (svc: string) => NODES.filter((n) => applied.get(n)?.has(svc));
  return { actors, applied, standby, transitions, announcers };
}

describe('leadership actor', () => {
  it('runs no machine for a service no L2Advertisement covers (a BGP-only pool)', () => {
    const { actors, announcers } = speakers(new Set(NODES));
    for (const actor of actors)
      actor.update(
        view(
          [
            ['web', '10.0.0.5'],
            ['bgp', '10.9.0.5'],
          ],
          ['p'],
        ),
      );
    assert.equal(announcers('default/web').length, 1);
    assert.deepEqual(announcers('default/bgp'), []);
    for (const actor of actors) assert.deepEqual([...actor.states().keys()], ['default/web']);
    // Once an advertisement covers its pool, the service gets its machine and an announcer.
    for (const actor of actors)
      actor.update(
        view([
          ['web', '10.0.0.5'],
          ['bgp', '10.9.0.5'],
        ]),
      );
    assert.equal(announcers('default/bgp').length, 1);
  });

  it('exactly one speaker announces each service, with its addresses', () => {
    const s = speakers(new Set(NODES));
    const v = view([
      ['web', '10.0.0.1'],
      ['db', '10.0.0.2'],
      ['api', '10.0.0.3'],
    ]);
    for (const a of s.actors) a.update(v);
    for (const svc of ['default/web', 'default/db', 'default/api']) {
      assert.equal(s.announcers(svc).length, 1, svc);
      const winner = s.announcers(svc)[0]!;
      assert.deepEqual(s.applied.get(winner)?.get(svc), {
        service: svc,
        ips: [v.services.find((x) => `default/${x.name}` === svc)!.ingressIPs[0]],
        interfaces: [],
      });
    }
  });

  it('the speakers behind the winner stand by for its families; the winner and the stopped do not', () => {
    const s = speakers(new Set(NODES));
    const v = view([
      ['web', '10.0.0.1'],
      ['db', '10.0.0.2'],
    ]);
    for (const a of s.actors) a.update(v);
    for (const node of NODES) {
      const leads = ['default/web', 'default/db'].filter((svc) => s.applied.get(node)?.has(svc));
      // One selection (every interface); IPv4 only. A node leading both has nothing to stand by for.
      const expected = leads.length === 2 ? [] : [{ interfaces: [], v4: true, v6: false }];
      assert.deepEqual(s.standby.get(node), expected, node);
    }
    for (const a of s.actors) a.stop();
    for (const node of NODES) assert.deepEqual(s.standby.get(node), [], node);
  });

  it('when the winner leaves the live set, exactly one other speaker takes over', () => {
    const alive = new Set(NODES);
    const s = speakers(alive);
    const v = view([['web', '10.0.0.1']]);
    for (const a of s.actors) a.update(v);
    const first = s.announcers('default/web')[0]!;
    alive.delete(first);
    for (const a of s.actors) a.membershipChanged();
    const second = s.announcers('default/web').filter((n) => n !== first);
    assert.equal(second.length, 1);
    assert.notEqual(second[0], first);
    assert.ok(
      s.transitions.some((t) => t.node === second[0] && t.to === 'leader' && t.reason === 'announcing'),
    );
    assert.ok(
      s.transitions.some((t) => t.node === first && t.to === 'follower' && t.reason === 'memberNotAlive'),
    );
  });

  it('removing a non-leader moves nothing', () => {
    const alive = new Set(NODES);
    const s = speakers(alive);
    for (const a of s.actors) a.update(view([['web', '10.0.0.1']]));
    const winner = s.announcers('default/web')[0]!;
    const before = s.transitions.length;
    alive.delete(NODES.find((n) => n !== winner)!);
    for (const a of s.actors) a.membershipChanged();
    assert.deepEqual(s.announcers('default/web'), [winner]);
    assert.ok(
      !s.transitions
        .slice(before)
        .some((t) => t.to === 'leader' || (t.node === winner && t.to === 'follower')),
    );
  });

  it('a deleted service is withdrawn, and stopping withdraws everything', () => {
    const s = speakers(new Set(NODES));
    for (const a of s.actors)
      a.update(
        view([
          ['web', '10.0.0.1'],
          ['db', '10.0.0.2'],
        ]),
      );
    for (const a of s.actors) a.update(view([['db', '10.0.0.2']]));
    assert.deepEqual(s.announcers('default/web'), []);
    assert.equal(s.announcers('default/db').length, 1);
    for (const a of s.actors) a.stop();
    assert.deepEqual(s.announcers('default/db'), []);
  });

  it('a changed address while leader is announced again (no gap)', () => {
    const s = speakers(new Set(NODES));
    for (const a of s.actors) a.update(view([['web', '10.0.0.1']]));
    const winner = s.announcers('default/web')[0]!;
    // The new address may elect another node; whoever wins announces the new address only.
    for (const a of s.actors) a.update(view([['web', '10.0.0.9']]));
    const now = s.announcers('default/web');
    assert.equal(now.length, 1);
    assert.deepEqual(s.applied.get(now[0]!)?.get('default/web')?.ips, ['10.0.0.9']);
    if (now[0] !== winner) assert.ok(!s.applied.get(winner)?.has('default/web'));
  });

  describe('a view larger than one turn', () => {
    const N = 20 * SERVICES_PER_TURN;
    const many = (n: number) =>
      view(Array.from({ length: n }, (_, i) => [`s${i}`, `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`]));
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `default/s${i}`);

    it('is elected in turns with timers running between them, then each service has one announcer', async () => {
      const s = speakers(new Set(NODES));
      const v = many(N);
      for (const a of s.actors) a.update(v);
      // The first slice at once; the rest after the event loop has had turns of its own.
      const actor = s.actors[0]!;
      assert.ok(actor.states().size >= 1, 'no machine at once');
      const midway = await new Promise<number>((resolve) => setImmediate(() => resolve(actor.states().size)));
      assert.ok(midway < N, `a timer ran only after all ${N} services (${midway})`);
      await Promise.all(s.actors.map((a) => a.settled()));
      assert.equal(actor.states().size, N);
      for (const key of keys(N)) assert.equal(s.announcers(key).length, 1, key);
    });

    it('a view of at most SERVICES_PER_TURN services is elected in the turn of the update', () => {
      const s = speakers(new Set(NODES));
      for (const a of s.actors) a.update(many(SERVICES_PER_TURN));
      for (const key of keys(SERVICES_PER_TURN)) assert.equal(s.announcers(key).length, 1, key);
    });

    it('news during a pass gets a pass of its own after it', async () => {
      const alive = new Set(NODES);
      const s = speakers(alive);
      for (const a of s.actors) a.update(many(N));
      await new Promise((resolve) => setImmediate(resolve));
      alive.delete('node-a');
      for (const a of s.actors) a.membershipChanged();
      await Promise.all(s.actors.map((a) => a.settled()));
      for (const key of keys(N)) {
        const who = s.announcers(key);
        assert.equal(who.length, 1, key);
        assert.notEqual(who[0], 'node-a', key);
      }
    });

    it('services gone from the view are withdrawn once the pass has seen every other', async () => {
      const s = speakers(new Set(NODES));
      for (const a of s.actors) a.update(many(N));
      await Promise.all(s.actors.map((a) => a.settled()));
      for (const a of s.actors) a.update(many(SERVICES_PER_TURN + 1));
      await Promise.all(s.actors.map((a) => a.settled()));
      for (const key of keys(N)) {
        const expected = Number(key.slice('default/s'.length)) <= SERVICES_PER_TURN ? 1 : 0;
        assert.equal(s.announcers(key).length, expected, key);
      }
    });

    it('each apply names the services changed since the last one: the rest are the same objects', async () => {
      const alive = new Set(NODES);
      const mirrors = new Map<string, Map<string, Layer2Announcement>>();
      const problems: string[] = [];
      const actors = NODES.map((self) => {
        // An announcer that keeps only the deltas: it must end up equal to each whole set.
        const mirror = new Map<string, Layer2Announcement>();
        mirrors.set(self, mirror);
        let previous: ReadonlyMap<string, Layer2Announcement> = new Map();
        let applies = 0;
        return new LeadershipActor({
          self,
          clock: new SimulatedClock(),
          alive: () => alive,
          announcer: {
            apply: (desired, _standby, changed) => {
              applies += 1;
              if (!changed) return void problems.push(`${self}: apply ${applies} without a delta`);
              for (const [key, a] of desired)
                if (!changed.has(key) && previous.get(key) !== a)
                  problems.push(`${self}: ${key} changed unnamed`);
              for (const key of previous.keys())
                if (!desired.has(key) && !changed.has(key)) problems.push(`${self}: ${key} removed unnamed`);
              for (const key of changed) {
                const a = desired.get(key);
                if (a) mirror.set(key, a);
                else mirror.delete(key);
              }
              assert.deepEqual(mirror, desired);
              previous = desired;
            },
          },
        });
      });
      for (const a of actors) a.update(many(N));
      await new Promise((resolve) => setImmediate(resolve));
      // A member dies mid-pass, then the view shrinks: takeovers and withdrawals in deltas.
      alive.delete('node-a');
      for (const a of actors) a.membershipChanged();
      await Promise.all(actors.map((a) => a.settled()));
      for (const a of actors) a.update(many(N / 2));
      await Promise.all(actors.map((a) => a.settled()));
      assert.deepEqual(problems, []);
      for (const key of keys(N / 2)) {
        const who = NODES.filter((n) => mirrors.get(n)!.has(key));
        assert.equal(who.length, 1, key);
        assert.notEqual(who[0], 'node-a', key);
      }
      for (const key of keys(N).slice(N / 2))
        assert.ok(
          NODES.every((n) => !mirrors.get(n)!.has(key)),
          key,
        );
      for (const a of actors) a.stop();
      for (const n of NODES) assert.equal(mirrors.get(n)!.size, 0, n);
    });

    it('stopping during a pass withdraws everything and feeds no machine after', async () => {
      const s = speakers(new Set(NODES));
      for (const a of s.actors) a.update(many(N));
      for (const a of s.actors) a.stop();
      await Promise.all(s.actors.map((a) => a.settled()));
      for (const a of s.actors) assert.equal(a.states().size, 0);
      for (const key of keys(N)) assert.deepEqual(s.announcers(key), [], key);
    });
  });
});
