// Leader election against a real kube-apiserver (etcd, RBAC enforced), as the controller
// ServiceAccount bound by deploy/'s Role: two electors in this process, each with its own
// KubeConfig, with the default timing (lease 4 s, renew deadline 3 s, retry 1 s). Exactly one
// leads; a killed leader (stopped without release, as SIGKILL leaves it) is replaced after about
// a lease duration, a released one within about a retry period; and the Lease outlives an
// apiserver kill and restart. A sampler checks throughout that two never lead at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LeaderElection, LeaderElectionLog } from '../../src/actors/leader-election.actor.js';
import { startLeaderElection } from '../../src/app/leader-election.js';
import { DEFAULT_LEASE_TIMING } from '../../src/core/lease/timing.js';
import { loadKubeConfig } from '../../src/k8s/client.js';
import { startControlPlane, type ControlPlane } from '../support/k8s/control-plane.js';
import {
  eventually,
  getJson,
  installDeploy,
  NAMESPACE,
  serviceAccountToken,
} from '../support/k8s/cluster.js';

const LEASE = 'herald-controller';
const { leaseDurationMs, renewDeadlineMs, retryPeriodMs } = DEFAULT_LEASE_TIMING;
/** Request latency, scheduling and polling on a busy test machine. */
const MARGIN_MS = 1000;

interface Elector {
  readonly identity: string;
  readonly election: LeaderElection;
  readonly started: number[];
  readonly stopped: number[];
  readonly warnings: string[];
}

interface LeaseView {
  metadata: { resourceVersion: string };
  spec: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    leaseTransitions?: number;
    acquireTime?: string;
    renewTime?: string;
  };
}

describe('leader election on a real kube-apiserver', { timeout: 240_000 }, () => {
  let cp: ControlPlane;
  let kubeconfig = '';
  const electors: Elector[] = [];
  const overlaps: string[] = [];
  let sampler: ReturnType<typeof setInterval> | undefined;

  const start = (identity: string): Elector => {
    const started: number[] = [];
    const stopped: number[] = [];
    const warnings: string[] = [];
    const log: LeaderElectionLog = {
      info: () => undefined,
      warn: (obj, msg) => warnings.push(`${msg} ${JSON.stringify(obj)}`),
      error: (obj, msg) => warnings.push(`ERROR ${msg} ${JSON.stringify(obj)}`),
    };
    const election = startLeaderElection({
      kubeConfig: loadKubeConfig(kubeconfig),
      namespace: NAMESPACE,
      leaseName: LEASE,
      identity,
      log,
      onStartedLeading: () => started.push(performance.now()),
      onStoppedLeading: () => stopped.push(performance.now()),
    });
    const elector = { identity, election, started, stopped, warnings };
    electors.push(elector);
    return elector;
  };
  const leaders = () => electors.filter((e) => e.election.isLeader());
  const oneLeader = (among: readonly Elector[]) =>
    eventually(
      () => {
        const now = among.filter((e) => e.election.isLeader());
        return now.length === 1 ? now[0] : undefined;
      },
      `exactly one leader among ${among.map((e) => e.identity).join(', ')}`,
    );
  const lease = () => getJson<LeaseView>(cp, ['lease', LEASE, '-n', NAMESPACE]);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  before(async () => {
    cp = await startControlPlane();
    installDeploy(cp);
    kubeconfig = cp.kubeconfig(serviceAccountToken(cp, 'controller'), 'controller');
    // Two leaders at the same moment would be the one real failure: look every 10 ms.
    sampler = setInterval(() => {
      const now = leaders();
      if (now.length > 1) overlaps.push(now.map((e) => e.identity).join(' + '));
    }, 10);
  });

  after(async () => {
    clearInterval(sampler);
    await Promise.all(electors.map((e) => e.election.stop()));
    await cp.stop();
  });

  it('elects exactly one leader and records it in the Lease', async () => {
    const a = start('controller-a');
    const b = start('controller-b');
    const leader = await oneLeader([a, b]);
    await sleep(2 * retryPeriodMs); // a few renewals
    assert.deepEqual(
      leaders().map((e) => e.identity),
      [leader.identity],
    );
    const { spec } = lease();
    assert.equal(spec.holderIdentity, leader.identity);
    assert.equal(spec.leaseDurationSeconds, leaseDurationMs / 1000);
    assert.equal(spec.leaseTransitions, 0);
    assert.match(spec.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.notEqual(spec.renewTime, spec.acquireTime, 'renewed since acquired');
    assert.deepEqual(overlaps, []);
  });

  it('replaces a killed leader after about a lease duration', async () => {
    const leader = await oneLeader(electors);
    const standby = electors.find((e) => e !== leader) ?? assert.fail('no standby');
    const transitions = lease().spec.leaseTransitions ?? 0;
    const killedAt = performance.now();
    await leader.election.stop(); // no release: the Lease keeps naming it, as after SIGKILL
    await oneLeader([standby]);
    const takeoverMs = (standby.started.at(-1) ?? NaN) - killedAt;
    console.log(`killed leader: ${standby.identity} took over after ${Math.round(takeoverMs)} ms`);
    // Not before the lease could have run out (its last renewal was at most a retry period ago) …
    assert.ok(takeoverMs >= leaseDurationMs - retryPeriodMs, `took over too early: ${takeoverMs} ms`);
    // … and not much after.
    assert.ok(takeoverMs <= leaseDurationMs + retryPeriodMs + MARGIN_MS, `took over late: ${takeoverMs} ms`);
    const { spec } = lease();
    assert.equal(spec.holderIdentity, standby.identity);
    assert.equal(spec.leaseTransitions, transitions + 1);
    assert.deepEqual(overlaps, []);
  });

  it('hands over within about a retry period when the leader releases', async () => {
    start('controller-c'); // the killed replica, restarted
    const leader = await oneLeader(electors);
    const standby = electors.find((e) => e.identity === 'controller-c') ?? assert.fail();
    const transitions = lease().spec.leaseTransitions ?? 0;
    const releasedAt = performance.now();
    await leader.election.stop({ release: true });
    assert.equal(lease().spec.holderIdentity === leader.identity, false, 'released');
    await oneLeader([standby]);
    const takeoverMs = (standby.started.at(-1) ?? NaN) - releasedAt;
    console.log(`released leader: ${standby.identity} took over after ${Math.round(takeoverMs)} ms`);
    assert.ok(takeoverMs <= retryPeriodMs + MARGIN_MS, `took over late: ${takeoverMs} ms`);
    const { spec } = lease();
    assert.equal(spec.holderIdentity, standby.identity);
    assert.equal(spec.leaseTransitions, transitions + 1);
    assert.deepEqual(overlaps, []);
  });

  /** Kills the apiserver, waits `downMs`, starts it again; how the leader took it. */
  async function outage(running: readonly Elector[], downMs: number) {
    const leader = await oneLeader(running);
    const stopsBefore = leader.stopped.length;
    const before = lease();
    const killedAt = performance.now();
    await cp.killApiserver();
    await sleep(downMs);
    await cp.startApiserver();
    const upAt = performance.now();
    const outageMs = upAt - killedAt;
    const stepDowns = leader.stopped.slice(stopsBefore).map((t) => Math.round(t - killedAt));
    const next = await oneLeader(running);
    // The apiserver answers (and the election resumes) a little before its /readyz says so.
    const startedAgain = (next.started.at(-1) ?? 0) - killedAt;
    const since = startedAgain > 0 ? `leads again at +${Math.round(startedAgain)} ms` : 'leads throughout';
    const steps = stepDowns.length > 0 ? `at +${stepDowns.join(', +')} ms` : 'never';
    console.log(
      `apiserver killed, ready again at +${Math.round(outageMs)} ms: ${leader.identity} stepped down ${steps}; ` +
        `${next.identity} ${since}`,
    );
    await sleep(2 * retryPeriodMs);
    assert.deepEqual(
      leaders().map((e) => e.identity),
      [next.identity],
    );
    const { spec, metadata } = lease();
    assert.equal(spec.holderIdentity, next.identity);
    assert.ok((spec.leaseTransitions ?? 0) >= (before.spec.leaseTransitions ?? 0), 'the same Lease, kept');
    assert.notEqual(metadata.resourceVersion, before.metadata.resourceVersion, 'renewed since');
    assert.deepEqual(overlaps, []);
    return { outageMs, stepDowns };
  }

  it('keeps leading through an apiserver restart shorter than the renew deadline', async () => {
    const running = [
      electors.find((e) => e.identity === 'controller-c') ?? assert.fail(),
      start('controller-d'),
    ];
    const { outageMs, stepDowns } = await outage(running, 0);
    if (outageMs < renewDeadlineMs - retryPeriodMs)
      assert.deepEqual(stepDowns, [], 'a short outage costs nothing');
  });

  it('steps down when an apiserver outage outlasts the renew deadline; one leader again after', async () => {
    const running = electors.filter((e) => e.identity === 'controller-c' || e.identity === 'controller-d');
    const { stepDowns } = await outage(running, leaseDurationMs + retryPeriodMs);
    assert.equal(stepDowns.length, 1, 'the leader stepped down once');
    const [stepDown = Infinity] = stepDowns;
    // The deadline runs from when the last successful try began: a retry period plus one try (and
    // its answer may have been lost to the kill) before the kill at most. Not at the first failure.
    assert.ok(stepDown >= renewDeadlineMs - 2 * retryPeriodMs, `stepped down early: ${stepDown} ms`);
    assert.ok(stepDown <= renewDeadlineMs + MARGIN_MS, `stepped down late: ${stepDown} ms`);
    for (const e of running)
      console.log(`${e.identity} warnings: ${e.warnings.slice(0, 2).join(' | ') || '-'}`);
  });
});
