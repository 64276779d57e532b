// Joining and restarting must not look like failing: real `herald membership` processes in a
// network namespace, started one after another again and again (every member dialing its seeds
// while the others dial it to probe it) and restarted one at a time into a running cluster. Any suspicion
// or death of a member that never stopped is a false alarm — in a speaker it becomes a false
// failover. Failure detection of a member met long ago must stay as fast.
//
// A real speaker is busy right after its join (configuration, the statechart drawings, the debug
// server, a cold JIT): in the lab it answered probes 100–450 ms late for its first half second,
// which is what turned joins into suspicions. `herald membership` has no such work, so each
// member blocks its main thread for BUSY_MS right after its join (`--busy-after-join`) to play
// that part. Its liveness worker runs on, as a real speaker's does; a whole-process freeze is a
// failure and must be detected (the last test).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MemberCluster } from '../support/member-processes.js';
import { isRoot, NamespaceSet } from '../support/netns.js';

const NAMES = ['j1', 'j2', 'j3'];
const ADDRESSES = NAMES.map((_, i) => `127.0.0.${i + 1}:7946`);
const ROUNDS = 3;
const JOIN_MS = 15_000;
/** Members start one after another, as `herald lab up` starts its speakers. */
const START_GAP_MS = 300;
/** How long a member is busy right after its join (a speaker's start-up work, measured). */
const BUSY_MS = 500;
/** How long the formed cluster is watched for late alarms (beyond the first-contact grace). */
const WATCH_MS = 2000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How many events each member has reported so far: later events are the ones to judge. */
const marks = (cluster: MemberCluster): Map<string, number> =>
  new Map([...cluster.members].map(([name, m]) => [name, m.events.length]));

/** Suspicions and deaths reported after `mark`, as `observer→member state (reason)`. */
function alarmsSince(cluster: MemberCluster, mark: Map<string, number>): string[] {
  const out: string[] = [];
  for (const [name, m] of cluster.members)
    for (const e of m.events.slice(mark.get(name) ?? 0))
      if (e.event === 'member' && (e.to === 'suspect' || e.to === 'dead'))
        out.push(`${e.node}→${e.member ?? '?'} ${e.to} (${e.reason ?? ''})`);
  return out;
}

/** Once `name` has joined (its `ready` event after `mark`), waits out its busy main thread. */
async function busyAfterJoin(cluster: MemberCluster, name: string, mark = 0): Promise<void> {
  const events = () => cluster.members.get(name)?.events.slice(mark) ?? [];
  await cluster.waitFor(() => events().some((e) => e.event === 'ready'), JOIN_MS, `${name} to join`);
  await sleep(BUSY_MS);
}

const everyoneSeesEveryone = (cluster: MemberCluster) => () =>
  NAMES.every((m) => NAMES.filter((o) => o !== m).every((o) => cluster.stateSeenBy(m, o) === 'alive'));

describe(
  'membership: joining and restarting raise no false suspicion (network namespace)',
  { skip: !isRoot() && 'needs root for network namespaces' },
  () => {
    const namespaces = new NamespaceSet('hjoin');
    let namespace = '';
    const clusters: MemberCluster[] = [];
    const newCluster = () => {
      const cluster = new MemberCluster({
        wrap: () => ['ip', 'netns', 'exec', namespace],
        args: () => ['--busy-after-join', String(BUSY_MS)],
      });
      clusters.push(cluster);
      return cluster;
    };
    before(() => {
      namespace = namespaces.create('net');
    });
    after(async () => {
      for (const c of clusters) await c.close();
      namespaces.cleanup();
    });

    it(`${ROUNDS} cold starts of three members, each busy after its join: no suspicion, no death`, async () => {
      const alarms: string[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        const cluster = newCluster();
        const busy: Promise<void>[] = [];
        for (const [i, name] of NAMES.entries()) {
          cluster.start(name, ADDRESSES[i]!, ADDRESSES);
          busy.push(busyAfterJoin(cluster, name));
          await sleep(START_GAP_MS);
        }
        await Promise.all(busy);
        await cluster.waitFor(everyoneSeesEveryone(cluster), JOIN_MS, `round ${round}: the cluster to form`);
        await sleep(WATCH_MS);
        alarms.push(...alarmsSince(cluster, new Map()).map((a) => `round ${round}: ${a}`));
        await cluster.close();
      }
      assert.deepEqual(alarms, []);
    });

    it(`${ROUNDS} restarts of one member into a running cluster: no false alarm; a frozen member is still found fast`, async () => {
      const cluster = newCluster();
      for (const [i, name] of NAMES.entries()) cluster.start(name, ADDRESSES[i]!, ADDRESSES);
      await cluster.waitFor(everyoneSeesEveryone(cluster), JOIN_MS, 'the cluster to form');
      const alarms: string[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        cluster.signal('j2', 'SIGKILL');
        await cluster.exited('j2');
        // That death is real: wait until everyone has declared it, then restart.
        await cluster.waitFor(() => cluster.allSee('j2', 'dead', ['j1', 'j3']), JOIN_MS, 'j2 dead');
        const restartedAt = marks(cluster);
        cluster.start('j2', ADDRESSES[1]!, ADDRESSES);
        await busyAfterJoin(cluster, 'j2', restartedAt.get('j2'));
        await cluster.waitFor(everyoneSeesEveryone(cluster), JOIN_MS, `round ${round}: j2 back`);
        await sleep(WATCH_MS);
        alarms.push(...alarmsSince(cluster, restartedAt).map((a) => `round ${round}: ${a}`));
      }
      assert.deepEqual(alarms, []);

      // The grace is for members met moments ago: one met long ago is judged as before
      // (docs/design/0003-membership.md: frozen member dead at p99 ≈ 0.5 s).
      cluster.signal('j3', 'SIGSTOP');
      const frozenAt = Date.now();
      await cluster.waitFor(() => cluster.allSee('j3', 'dead', ['j1', 'j2']), JOIN_MS, 'j3 dead');
      const detectedMs = Date.now() - frozenAt;
      cluster.signal('j3', 'SIGCONT');
      assert.ok(detectedMs < 1500, `a frozen member was declared dead after ${detectedMs} ms`);
    });
  },
);
