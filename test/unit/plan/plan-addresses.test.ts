// herald plan: addresses from status or from the allocator's pass, the seed fixtures, which
// services are listed, the text output, and planLayer2 as a speaker would call it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { toNodeModel } from '../../../src/core/election/nodes.js';
import { formatPlanText, planLayer2 } from '../../../src/core/plan/index.js';
import { readService } from '../../../src/core/service/model.js';
import { fixtureFile } from '../config/helpers.js';
import { L2_ALL, POOL, at, configOf, docs, node, plan, ranked, service } from './helpers.js';

const fixtures = (...numbers: string[]): string[] => numbers.map((n) => readFileSync(fixtureFile(n), 'utf8'));

describe('herald plan: addresses', () => {
  it('status addresses are kept; the others are allocated as `herald allocate` would', () => {
    const report = plan(
      docs(POOL, L2_ALL, node('n1'), service('new'), service('old', { ip: '10.0.0.1' }), service('next')),
    );
    assert.deepEqual(
      report.services.map((s) => [s.name, s.ips]),
      [
        ['new', ['10.0.0.2']],
        ['old', ['10.0.0.1']],
        ['next', ['10.0.0.3']],
      ],
    );
    assert.deepEqual(report.pools, ['p', 'p', 'p']);
  });

  it('the seed fixtures 001+003+004 and two Nodes: one announcer for the database', () => {
    const report = plan(docs(...fixtures('001', '003', '004'), node('worker-1'), node('worker-2')));
    assert.equal(report.services.length, 1);
    const s = at(report.services);
    assert.equal(`${s.namespace}/${s.name}`, 'vmexamples/database-metallb');
    assert.deepEqual(s.ips, ['192.168.123.200']);
    const [winner] = ranked(['worker-1', 'worker-2'], '192.168.123.200');
    assert.deepEqual(s.l2, { node: winner, interfaces: [] });
    assert.deepEqual(Object.values(s.nodes).sort(), ['announcing', 'notOwner']);
  });

  it('lists LoadBalancer services of this class only; another class is reported as skipped', () => {
    const report = plan(
      docs(
        POOL,
        L2_ALL,
        node('n1'),
        service('internal', { type: 'ClusterIP' }),
        service('theirs', { loadBalancerClass: 'other.io/lb' }),
        service('ours'),
      ),
    );
    assert.deepEqual(
      report.services.map((s) => s.name),
      ['ours'],
    );
    assert.deepEqual(
      report.skipped.map((s) => s.name),
      ['theirs'],
    );
  });
});

describe('herald plan: text output', () => {
  it('names the announcer and its interfaces, or why nobody announces, and every node', () => {
    const ad = `apiVersion: metallb.io/v1beta1\nkind: L2Advertisement\nmetadata: {name: x, namespace: metallb-system}\nspec: {ipAddressPools: [p], interfaces: [eth0]}`;
    const withIfs = formatPlanText(plan(docs(POOL, ad, node('n1'), service('web', { ip: '10.0.0.5' }))));
    assert.equal(
      withIfs,
      'default/web: 10.0.0.5 (pool p)\n  layer 2: announced by n1 on interfaces eth0\n    n1  announcing',
    );
    const all = formatPlanText(plan(docs(POOL, L2_ALL, node('n1'), service('web', { ip: '10.0.0.5' }))));
    assert.match(all, /announced by n1 on all interfaces/);
    const none = formatPlanText(
      plan(docs(POOL, L2_ALL, node('node-long'), service('web', { ip: '10.0.0.5' })), []),
    );
    assert.equal(
      none,
      'default/web: 10.0.0.5 (pool p)\n  layer 2: not announced (memberNotAlive)\n    node-long  memberNotAlive',
    );
  });
});

describe('planLayer2 (as a speaker calls it)', () => {
  it('takes models and the alive set, and returns the election per served service', () => {
    const values = docs(POOL, L2_ALL, node('n1'), node('n2'), service('web', { ip: '10.0.0.5' }));
    const result = planLayer2({
      config: configOf(values),
      nodes: values.flatMap((v) => toNodeModel(v) ?? []),
      services: values.flatMap((v) => readService(v) ?? []),
      endpoints: new Map([['default/web', { anyUsable: true, nodesWithUsable: new Set(['n2']) }]]),
      alive: new Set(['n1', 'n2']),
    });
    assert.equal(result.length, 1);
    const r = at(result);
    assert.equal(r.pool, 'p');
    assert.equal(r.election.winner, ranked(['n1', 'n2'], '10.0.0.5')[0]);
    assert.equal(r.idle, undefined);
  });
});
