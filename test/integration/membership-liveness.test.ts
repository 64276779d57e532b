// Liveness with real `herald membership` processes on loopback (each with its liveness worker
// thread and UDP socket): a frozen member (SIGSTOP: worker stopped too) is dead within the
// liveness bound, far inside SWIM's; a killed one within a few intervals (its host refuses); and a
// member whose main thread blocks for 300 ms every 1.5 s is never suspected — the same stalls
// without liveness are (the control).
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FAST_TIMING } from '../../src/core/membership/timing.js';
import { MemberCluster, type MemberEvent } from '../support/member-processes.js';
import { freePorts } from './ports.js';

const JOIN_MS = 10_000;
const LIVENESS = FAST_TIMING.liveness!;
/** Detection (120 ms) + an interval + room for a loaded 2-core machine; SWIM alone needs ~470. */
const FROZEN_BOUND_MS = LIVENESS.intervalMs * (LIVENESS.multiplier + 1) + 150;
const KILLED_BOUND_MS = 150;
const STALLS = '300/1500';
const SOAK_MS = 9000;

async function formed(cluster: MemberCluster, names: string[]): Promise<void> {
  await cluster.waitFor(
    () =>
      names.every((m) => names.filter((o) => o !== m).every((o) => cluster.stateSeenBy(m, o) === 'alive')),
    JOIN_MS,
    'every member to see every other alive',
  );
  // Past the first-contact grace: members are judged as long-known ones.
  await new Promise((r) => setTimeout(r, FAST_TIMING.firstContactGraceMs));
}

const about = (
  cluster: MemberCluster,
  observer: string,
  member: string,
  to: string,
  since: number,
): MemberEvent | undefined =>
  cluster.members
    .get(observer)
    ?.events.find((e) => e.event === 'member' && e.member === member && e.to === to && e.wall >= since);

describe('membership liveness: processes on loopback', async () => {
  const ports = await freePorts(3);
  const addr = (i: number) => `127.0.0.1:${ports[i] ?? 0}`;
  const cluster = new MemberCluster();
  const names = ['l1', 'l2', 'l3'];
  after(() => cluster.close());

  it('a frozen member is dead everywhere within the liveness bound, and refutes when it resumes', async () => {
    names.forEach((n, i) => cluster.start(n, addr(i), [addr(0)]));
    await formed(cluster, names);
    const stoppedAt = Date.now();
    cluster.signal('l3', 'SIGSTOP');
    await cluster.waitFor(() => cluster.allSee('l3', 'dead', ['l1', 'l2']), 5000, 'l3 dead');
    for (const o of ['l1', 'l2']) {
      const dead = about(cluster, o, 'l3', 'dead', stoppedAt)!;
      const suspect = about(cluster, o, 'l3', 'suspect', stoppedAt)!;
      console.log(
        `${o}: l3 suspect after ${suspect.wall - stoppedAt} ms (${suspect.reason}), dead after ${dead.wall - stoppedAt} ms (${dead.reason})`,
      );
      assert.ok(dead.wall - stoppedAt <= FROZEN_BOUND_MS, `${o}: dead after ${dead.wall - stoppedAt} ms`);
    }
    cluster.signal('l3', 'SIGCONT');
    await cluster.waitFor(() => cluster.allSee('l3', 'alive', ['l1', 'l2']), 5000, 'l3 alive again');
  });

  it('a killed member is refused by its host and dead within a few intervals', async () => {
    await new Promise((r) => setTimeout(r, 2000)); // l3's liveness heard again
    const killedAt = Date.now();
    cluster.signal('l3', 'SIGKILL');
    await cluster.waitFor(
      () => ['l1', 'l2'].every((o) => about(cluster, o, 'l3', 'dead', killedAt)),
      5000,
      'l3 dead',
    );
    const refused = cluster.members
      .get('l1')!
      .events.some(
        (e) =>
          e.event === 'liveness' && e.member === 'l3' && (e as { verdict?: string }).verdict === 'refused',
      );
    const dead = Math.min(
      ...['l1', 'l2'].map((o) => about(cluster, o, 'l3', 'dead', killedAt)!.wall - killedAt),
    );
    console.log(`l3 killed: first dead after ${dead} ms; refused seen by l1: ${refused}`);
    assert.ok(dead <= KILLED_BOUND_MS, `dead after ${dead} ms`);
  });
});

for (const liveness of [true, false])
  describe(`main-thread stalls of ${STALLS} ms ${liveness ? 'with' : 'WITHOUT (control)'} liveness`, async () => {
    const ports = await freePorts(3);
    const addr = (i: number) => `127.0.0.1:${ports[i] ?? 0}`;
    const names = ['s1', 's2', 's3'];
    const cluster = new MemberCluster({
      args: (name) => [...(name === 's2' ? ['--stall', STALLS] : []), ...(liveness ? [] : ['--no-liveness'])],
    });
    after(() => cluster.close());

    it(liveness ? 'the stalled member is never suspected' : 'the stalled member is suspected', async () => {
      names.forEach((n, i) => cluster.start(n, addr(i), [addr(0)]));
      await formed(cluster, names);
      const from = Date.now();
      const accusations = () =>
        ['s1', 's3'].flatMap((o) =>
          cluster.members
            .get(o)!
            .events.filter(
              (e) => e.event === 'member' && e.member === 's2' && e.to !== 'alive' && e.wall >= from,
            ),
        );
      // With liveness: SOAK_MS of stalls. The control stops at its first accusation (a probe must
      // fall early in a stall to time out: about one stall in two per observer).
      await (liveness
        ? new Promise((r) => setTimeout(r, SOAK_MS))
        : cluster
            .waitFor(() => accusations().length > 0, SOAK_MS * 2, 'a suspicion of s2')
            .catch(() => undefined));
      const stalls = cluster.members
        .get('s2')!
        .events.filter((e) => e.event === 'stall' && e.wall >= from).length;
      const accused = accusations().map((e) => `${e.node}:${e.to}:${e.reason}`);
      console.log(`${stalls} stalls of s2; suspicions: ${accused.length} ${accused.slice(0, 4).join(' ')}`);
      if (liveness) assert.ok(stalls >= 4, `${stalls} stalls`);
      if (liveness) assert.deepEqual(accused, []);
      else assert.ok(accused.length > 0, 'SWIM alone suspects a member stalled for 300 ms');
    });
  });
