// Gossip membership with real, separate `herald membership` processes on loopback: join, leave,
// SIGKILL, SIGSTOP, wrong key; and, in network namespaces, a partition that heals.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemberCluster } from '../support/member-processes.js';
import { ip, isRoot, NamespaceSet } from '../support/netns.js';
import { freePorts } from './ports.js';

const JOIN_MS = 8000;
const DETECT_MS = 5000;

describe('membership processes on loopback', async () => {
  const ports = await freePorts(6);
  const addr = (i: number) => `127.0.0.1:${ports[i] ?? 0}`;
  const cluster = new MemberCluster();
  const names = ['m1', 'm2', 'm3', 'm4'];
  after(() => cluster.close());

  before(async () => {
    cluster.start('m1', addr(0), []);
    for (let i = 1; i < names.length; i++) cluster.start(names[i]!, addr(i), [addr(0)]);
    await cluster.waitFor(
      () =>
        names.every((m) => names.filter((o) => o !== m).every((o) => cluster.stateSeenBy(m, o) === 'alive')),
      JOIN_MS,
      'every member to see every other alive',
    );
  });

  it('joins through one seed and everyone learns everyone', () => {
    for (const m of names)
      for (const o of names) if (m !== o) assert.equal(cluster.stateSeenBy(m, o), 'alive', `${m} sees ${o}`);
  });

  it('a frozen member (SIGSTOP) is found by probing, marked dead, and refutes when it resumes', async () => {
    cluster.signal('m2', 'SIGSTOP');
    await cluster.waitFor(
      () => cluster.allSee('m2', 'dead', ['m1', 'm3', 'm4']),
      DETECT_MS,
      'm2 dead everywhere',
    );
    const reasons = ['m1', 'm3', 'm4'].map((o) =>
      cluster.members
        .get(o)!
        .events.filter((e) => e.member === 'm2')
        .map((e) => e.to),
    );
    for (const r of reasons) assert.ok(r.includes('suspect'), 'suspected before declared dead');
    cluster.signal('m2', 'SIGCONT');
    await cluster.waitFor(
      () => cluster.allSee('m2', 'alive', ['m1', 'm3', 'm4']),
      DETECT_MS * 2,
      'm2 alive again',
    );
  });

  it('a killed member (SIGKILL) is marked dead', async () => {
    cluster.signal('m3', 'SIGKILL');
    await cluster.waitFor(
      () => cluster.allSee('m3', 'dead', ['m1', 'm2', 'm4']),
      DETECT_MS,
      'm3 dead everywhere',
    );
  });

  it('a graceful leave (SIGTERM) is seen as left at once, and the process exits 0', async () => {
    cluster.signal('m4', 'SIGTERM');
    await cluster.waitFor(() => cluster.allSee('m4', 'left', ['m1', 'm2']), DETECT_MS, 'm4 left everywhere');
    assert.equal(await cluster.exited('m4'), 0);
    const change = cluster.members.get('m1')!.events.find((e) => e.member === 'm4' && e.to === 'left');
    assert.ok(change?.reason, 'the transition carries a reason');
  });

  it('a member with another key, or with none, cannot join', async () => {
    const intruder = cluster.start('intruder', addr(4), [addr(0)], 'some-other-secret');
    const keyless = cluster.start('keyless', addr(5), [addr(0)], null);
    await new Promise((r) => setTimeout(r, 2500));
    for (const outsider of [intruder, keyless]) {
      assert.equal(cluster.stateSeenBy('m1', outsider.name), 'unknown');
      assert.equal(outsider.events.filter((e) => e.event === 'member').length, 0, outsider.name);
    }
  });
});

describe(
  'membership partition and heal (network namespaces)',
  { skip: !isRoot() && 'needs root for network namespaces' },
  () => {
    const namespaces = new NamespaceSet('hgt');
    const cluster = new MemberCluster({
      wrap: (name) => [
        'ip',
        'netns',
        'exec',
        name.startsWith('a') ? namespaces.name('a') : namespaces.name('b'),
      ],
    });
    let vethA = '';
    after(async () => {
      await cluster.close();
      namespaces.cleanup();
    });

    before(() => {
      const a = namespaces.create('a');
      const b = namespaces.create('b');
      vethA = `hgta${process.pid % 100000}`;
      const vethB = `hgtb${process.pid % 100000}`;
      ip('link', 'add', vethA, 'netns', a, 'type', 'veth', 'peer', 'name', vethB, 'netns', b);
      ip('-n', a, 'addr', 'add', '10.250.0.1/24', 'dev', vethA);
      ip('-n', a, 'addr', 'add', '10.250.0.2/24', 'dev', vethA);
      ip('-n', b, 'addr', 'add', '10.250.0.3/24', 'dev', vethB);
      ip('-n', b, 'addr', 'add', '10.250.0.4/24', 'dev', vethB);
      ip('-n', a, 'link', 'set', vethA, 'up');
      ip('-n', b, 'link', 'set', vethB, 'up');
    });

    it('two groups split, each marks the other dead, and re-merge when the link returns', async () => {
      const seeds = ['10.250.0.1:7946', '10.250.0.3:7946'];
      cluster.start('a1', '10.250.0.1:7946', seeds);
      cluster.start('a2', '10.250.0.2:7946', seeds);
      cluster.start('b1', '10.250.0.3:7946', seeds);
      cluster.start('b2', '10.250.0.4:7946', seeds);
      const all = ['a1', 'a2', 'b1', 'b2'];
      const everyoneSeesEveryone = () =>
        all.every((m) => all.filter((o) => o !== m).every((o) => cluster.stateSeenBy(m, o) === 'alive'));
      await cluster.waitFor(everyoneSeesEveryone, JOIN_MS, 'the cluster to form');

      ip('-n', namespaces.name('a'), 'link', 'set', vethA, 'down');
      await cluster.waitFor(
        () =>
          ['b1', 'b2'].every((b) => cluster.allSee(b, 'dead', ['a1', 'a2'])) &&
          ['a1', 'a2'].every((a) => cluster.allSee(a, 'dead', ['b1', 'b2'])),
        DETECT_MS,
        'each side to mark the other dead',
      );
      assert.equal(cluster.stateSeenBy('a1', 'a2'), 'alive', 'a group stays whole inside');

      ip('-n', namespaces.name('a'), 'link', 'set', vethA, 'up');
      await cluster.waitFor(everyoneSeesEveryone, JOIN_MS * 2, 'the groups to re-merge');
    });
  },
);
