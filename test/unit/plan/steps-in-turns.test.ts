// The speaker's long passes driven in turns of the event loop (app/turns.ts) give exactly what the
// one-shot functions give, on generated configurations; two passes interleaved do not disturb each
// other; and a pass made stale by newer input (a config change mid-pass) stops without a result.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { runInTurns } from '../../../src/app/turns.js';
import { planBgpNode, planBgpNodeSteps } from '../../../src/core/bgp-plan/index.js';
import { parse } from '../../../src/core/config/parse.js';
import { viewFromObjects, viewFromObjectsSteps } from '../../../src/core/plan/view.js';
import { obj, peer, pool } from '../config/helpers.js';

interface ServiceSpec {
  readonly type: 'LoadBalancer' | 'ClusterIP';
  /** An address already in status: in pool a, in pool b, outside every pool, or none. */
  readonly status: '10.1.0.7' | '10.1.0.8' | '10.2.0.3' | '192.0.2.1' | undefined;
  readonly annotationPool: 'a' | 'b' | 'v6' | 'missing' | undefined;
  readonly policy: 'SingleStack' | 'PreferDualStack' | undefined;
  readonly local: boolean;
  readonly endpointsOn: readonly string[] | undefined;
  readonly team: 'red' | 'blue';
}

const serviceSpec: fc.Arbitrary<ServiceSpec> = fc.record({
  type: fc.constantFrom('LoadBalancer', 'LoadBalancer', 'LoadBalancer', 'ClusterIP'),
  status: fc.constantFrom(undefined, undefined, undefined, '10.1.0.7', '10.1.0.8', '10.2.0.3', '192.0.2.1'),
  annotationPool: fc.constantFrom(undefined, undefined, 'a', 'b', 'v6', 'missing'),
  policy: fc.constantFrom(undefined, 'SingleStack', 'PreferDualStack'),
  local: fc.boolean(),
  endpointsOn: fc.option(fc.subarray(['n1', 'n2', 'n3']), { nil: undefined }),
  team: fc.constantFrom('red', 'blue'),
});

/** A cluster's objects: pools (small, so some Services get none), advertisements, nodes, Services, slices. */
function clusterObjects(specs: readonly ServiceSpec[], nodeCount: number): unknown[] {
  const objects: unknown[] = [
    pool('a', ['10.1.0.0/28']),
    pool('b', ['10.2.0.0/29'], { autoAssign: false }),
    pool('v6', ['fd00::/124']),
    obj('L2Advertisement', 'l2', { ipAddressPools: ['a', 'v6'] }),
    peer('router', {}),
    obj('BGPAdvertisement', 'red-only', {
      ipAddressPools: ['a'],
      serviceSelectors: [{ matchLabels: { team: 'red' } }],
    }),
    obj('BGPAdvertisement', 'aggregated', { ipAddressPools: ['b'], aggregationLength: 30 }),
  ];
  for (let i = 1; i <= nodeCount; i++)
    objects.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: `n${i}`, labels: { zone: `z${i % 2}` } },
    });
  specs.forEach((s, i) => {
    const name = `svc-${i}`;
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name,
        namespace: 'default',
        labels: { team: s.team },
        annotations: s.annotationPool ? { 'metallb.io/address-pool': s.annotationPool } : {},
      },
      spec: {
        type: s.type,
        ports: [{ port: 80 }],
        externalTrafficPolicy: s.local ? 'Local' : 'Cluster',
        ...(s.policy ? { ipFamilyPolicy: s.policy, ipFamilies: ['IPv4', 'IPv6'] } : {}),
      },
      status: { loadBalancer: { ingress: s.status ? [{ ip: s.status }] : [] } },
    });
    if (s.endpointsOn)
      objects.push({
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: `${name}-x`, namespace: 'default', labels: { 'kubernetes.io/service-name': name } },
        addressType: 'IPv4',
        endpoints: s.endpointsOn.map((nodeName) => ({ addresses: ['10.244.0.1'], nodeName })),
      });
  });
  return objects;
}

const cluster = fc.record({
  specs: fc.array(serviceSpec, { maxLength: 60 }),
  nodes: fc.integer({ min: 0, max: 3 }),
  members: fc.subarray(['n1', 'n2', 'm9']),
});

function configOf(objects: readonly unknown[]) {
  const result = parse(objects, { references: 'warn' });
  assert.ok(result.ok, JSON.stringify(result.issues.filter((i) => i.severity === 'error')));
  return result.config;
}

/** Counts event-loop turns that ran while `work` was in progress (proof that it paused). */
async function withTurnCount<T>(work: Promise<T>): Promise<{ result: T; turns: number }> {
  let turns = 0;
  let done = false;
  const tick = (): void => {
    if (done) return;
    turns += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  const result = await work;
  done = true;
  return { result, turns };
}

describe('passes in turns (app/turns.ts)', () => {
  it('viewFromObjects and planBgpNode in turns equal the one-shot results, even with two passes interleaved', async () => {
    await fc.assert(
      fc.asyncProperty(cluster, cluster, async (first, second) => {
        const inputs = [first, second].map(({ specs, nodes, members }) => {
          const objects = clusterObjects(specs, nodes);
          return { objects, config: configOf(objects), members };
        });
        const views = await Promise.all(
          inputs.map(({ objects, config, members }) =>
            runInTurns(viewFromObjectsSteps(config, objects, members), undefined, 0),
          ),
        );
        inputs.forEach(({ objects, config, members }, i) => {
          assert.deepEqual(views[i], viewFromObjects(config, objects, members));
        });
        for (const built of views) {
          assert.ok(built);
          const { config, services, endpoints, nodeRules } = built.view;
          const input = { config, services, endpoints, nodeRules };
          const self = built.view.nodes[0] ?? { name: 'alone', labels: {}, networkUnavailable: false };
          const plan = await runInTurns(planBgpNodeSteps(input, self), undefined, 0);
          assert.deepEqual(plan, planBgpNode(input, self));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('pauses between steps: other work runs during a pass', async () => {
    const specs = Array.from({ length: 300 }, (): ServiceSpec => ({
      type: 'LoadBalancer',
      status: undefined,
      annotationPool: undefined,
      policy: undefined,
      local: false,
      endpointsOn: undefined,
      team: 'red',
    }));
    const objects = clusterObjects(specs, 2);
    const config = configOf(objects);
    const { result, turns } = await withTurnCount(
      runInTurns(viewFromObjectsSteps(config, objects, undefined), undefined, 0),
    );
    assert.ok(turns >= 300, `only ${turns} turns of other work ran during the pass`);
    assert.deepEqual(result, viewFromObjects(config, objects, undefined));
  });

  it('a config change mid-pass: the stale pass stops without a result, the newer one wins', async () => {
    const spec = (status: ServiceSpec['status']): ServiceSpec => ({
      type: 'LoadBalancer',
      status,
      annotationPool: undefined,
      policy: undefined,
      local: false,
      endpointsOn: undefined,
      team: 'red',
    });
    const before = clusterObjects([spec(undefined), spec(undefined), spec(undefined)], 1);
    const after = clusterObjects([spec('10.1.0.7'), spec(undefined)], 1);
    // As the speaker does: each pass is stale once a newer one has started.
    let latest = 0;
    let stepsOfStale = 0;
    const pass = (objects: readonly unknown[]) => {
      const mine = ++latest;
      const config = configOf(objects);
      function* counted() {
        const steps = viewFromObjectsSteps(config, objects, undefined);
        for (;;) {
          const next = steps.next();
          if (next.done) return next.value;
          if (mine === 1) stepsOfStale += 1;
          yield;
        }
      }
      return runInTurns(counted(), () => mine !== latest, 0);
    };
    const stale = pass(before);
    await new Promise((resolve) => setImmediate(resolve));
    const stepsBeforeChange = stepsOfStale;
    const fresh = pass(after);
    assert.equal(await stale, undefined);
    assert.ok(stepsOfStale <= stepsBeforeChange + 1, 'the stale pass went on after the change');
    const won = await fresh;
    assert.deepEqual(won, viewFromObjects(configOf(after), after, undefined));
    assert.deepEqual(
      won.view.services.map((s) => s.ingressIPs),
      [['10.1.0.7'], ['10.1.0.0']],
    );
  });
});
