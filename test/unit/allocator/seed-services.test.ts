// The Service-level behaviours the seed documents state (INDEX.md, items 1–11), on the
// fixtures themselves: configuration and Services read from test/fixtures/seed-examples.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Allocator, fullPass, type Decision } from '../../../src/core/allocator/index.js';
import type { Labels } from '../../../src/core/labels.js';
import { readService } from '../../../src/core/service/model.js';
import {
  configOf,
  fixtureValues,
  service,
  serviceObject,
  servicesOf,
  type ServiceOptions,
} from './helpers.js';

/** One restart-like pass over the fixtures' configuration and Services (plus extra Services). */
function allocate(
  fixtures: string[],
  extra: [string, ServiceOptions][] = [],
  namespaces: Record<string, Labels> = {},
) {
  const values = fixtureValues(...fixtures);
  const allocator = new Allocator(configOf(values));
  const services = [...servicesOf(values), ...extra.map(([name, o]) => service(name, o))];
  const decisions = fullPass(allocator, services, (ns) => namespaces[ns]);
  const byKey = new Map(decisions.map((d) => [d.key, d]));
  const get = (key: string): Decision => {
    const d = byKey.get(key);
    assert.ok(d, `no decision for ${key}`);
    return d;
  };
  return { get, decisions, allocator };
}

/** A fixture Service with some fields replaced. */
function fixtureService(number: string, index: number, patch: (o: Record<string, unknown>) => void) {
  const value = structuredClone(fixtureValues(number)[index]) as Record<string, unknown>;
  patch(value);
  const model = readService(value);
  assert.ok(model);
  return model;
}

describe('seed behaviours (INDEX.md, service-level)', () => {
  it('1. a requested IP inside a pool is assigned: 045 gets 203.0.113.5', () => {
    const d = allocate(['005', '045']).get('default/doc-example-request-ip');
    assert.deepEqual(d.ips, ['203.0.113.5']);
    assert.equal(d.pool, 'doc-example');
    assert.deepEqual(d.events, [
      { type: 'Normal', reason: 'IPAllocated', message: 'Assigned IP ["203.0.113.5"]' },
    ]);
  });

  it('2. a requested IP outside every pool: pending with the document message', () => {
    const { get } = allocate(['005', '010', '021'], [['invalid-request', { loadBalancerIP: '4.3.2.1' }]]);
    const d = get('default/invalid-request');
    assert.deepEqual(d.ips, []);
    assert.deepEqual(d.events, [
      {
        type: 'Warning',
        reason: 'AllocationFailed',
        message: 'Failed to allocate IP for "default/invalid-request": "4.3.2.1" is not allowed in config',
      },
    ]);
  });

  it('2. 048: both Services stay pending with "172.31.249.7" is not allowed in config', () => {
    const { get } = allocate(['005', '021', '048']);
    for (const name of ['service-http', 'service-https']) {
      const d = get(`default/${name}`);
      assert.deepEqual(d.ips, []);
      assert.equal(d.events.length, 1);
      assert.equal(
        d.events[0]?.message,
        `Failed to allocate IP for "default/${name}": "172.31.249.7" is not allowed in config`,
      );
    }
  });

  it('3. a requested IP in another pool than the annotated one is not compatible', () => {
    const s = fixtureService(
      '045',
      0,
      (o) => ((o.spec as Record<string, unknown>).loadBalancerIP = '172.31.249.87'),
    );
    const a = new Allocator(configOf(fixtureValues('005', '021')));
    const d = a.reconcile(s);
    assert.deepEqual(d.ips, []);
    assert.equal(
      d.events[0]?.message,
      'Failed to allocate IP for "default/doc-example-request-ip": requested loadBalancer IP(s) "172.31.249.87" is not compatible with requested address pool doc-example',
    );
  });

  it('4. 046 gets an address from doc-example, not the one 045 pins', () => {
    const { get } = allocate(['008', '005', '010', '045', '046']);
    assert.deepEqual(get('default/doc-example-request-pool').ips, ['203.0.113.1']);
    assert.equal(get('default/doc-example-request-pool').pool, 'doc-example');
    const { get: get2 } = allocate(
      ['005', '046'],
      [['pin', { loadBalancerIP: '203.0.113.1', pool: 'doc-example' }]],
    );
    assert.deepEqual(get2('default/doc-example-request-pool').ips, ['203.0.113.1']);
    assert.deepEqual(get2('default/pin').events[0]?.reason, 'AllocationFailed');
  });

  it('5. a pool that does not exist: address from an auto-assign pool, and a warning naming it', () => {
    const s = fixtureService('046', 0, (o) => {
      (o.metadata as { annotations: Record<string, string> }).annotations['metallb.io/address-pool'] =
        'no-such-pool';
    });
    const a = new Allocator(configOf(fixtureValues('009', '005')));
    const d = a.reconcile(s);
    assert.deepEqual(d.ips, ['203.0.113.1']);
    assert.deepEqual(
      d.events.map((e) => [e.type, e.reason]),
      [
        ['Warning', 'UnknownAddressPool'],
        ['Normal', 'IPAllocated'],
      ],
    );
    assert.match(d.events[0]?.message ?? '', /"no-such-pool"/);
  });

  it('6. 047, 004, 036 and 068 get addresses from auto-assign pools', () => {
    const { get } = allocate(['009', '019', '034', '064', '005', '047', '004', '036', '068']);
    assert.deepEqual(get('default/doc-example-any-ip').ips, ['172.18.0.100']);
    assert.deepEqual(get('vmexamples/database-metallb').ips, ['172.18.0.101']);
    assert.deepEqual(get('test/server1').ips, ['172.18.0.102']);
    assert.deepEqual(get('default/nginx').ips, ['172.18.0.103']);
    // Alone with its pool, as the documents show them.
    assert.deepEqual(allocate(['034', '036']).get('test/server1').ips, ['192.169.10.0']);
    assert.deepEqual(allocate(['064', '068']).get('default/nginx').ips, ['172.18.0.100']);
  });

  it('7. autoAssign false pools (009, 014, 019) are never used for annotation-less Services', () => {
    const { decisions } = allocate(['009', '014', '019', '047', '004', '036', '068']);
    assert.equal(decisions.length, 4);
    for (const d of decisions) {
      assert.deepEqual(d.ips, []);
      assert.equal(d.events[0]?.message, `Failed to allocate IP for "${d.key}": no available IPs`);
    }
    const withPool = allocate(['009', '014', '019', '005', '047', '004', '036', '068']);
    for (const d of withPool.decisions) assert.equal(d.pool, 'doc-example', d.key);
  });

  it('8. pool priority: 011 serves the Services it selects before plain pools', () => {
    const { get } = allocate(
      ['005', '011'],
      [
        ['in-a', { namespace: 'namespace-a', labels: { security: 'S1' } }],
        ['east', { namespace: 'namespace-x', labels: { security: 'S1' } }],
        ['no-label', { namespace: 'namespace-a' }],
        ['other-ns', { namespace: 'namespace-y', labels: { security: 'S1' } }],
      ],
      { 'namespace-x': { zone: 'east' } },
    );
    assert.deepEqual(get('namespace-a/in-a').ips, ['192.168.20.0']);
    assert.deepEqual(get('namespace-x/east').ips, ['192.168.20.1']);
    assert.equal(get('namespace-a/no-label').pool, 'doc-example');
    assert.equal(get('namespace-y/other-ns').pool, 'doc-example');
  });

  it('8. a higher-priority pool that is full gives way to a lower one', () => {
    const values = [
      ...fixtureValues('005'),
      {
        apiVersion: 'metallb.io/v1beta1',
        kind: 'IPAddressPool',
        metadata: { name: 'tiny', namespace: 'metallb-system' },
        spec: { addresses: ['198.51.100.1/32'], serviceAllocation: { priority: 10 } },
      },
    ];
    const a = new Allocator(configOf(values));
    assert.deepEqual(a.reconcile(service('one')).ips, ['198.51.100.1']);
    assert.deepEqual(a.reconcile(service('two')).ips, ['203.0.113.1']);
  });

  it('9. 048 with an address of doc-example: both Services share it', () => {
    const patch = (o: Record<string, unknown>) =>
      ((o.spec as Record<string, unknown>).loadBalancerIP = '203.0.113.7');
    const a = new Allocator(configOf(fixtureValues('005')));
    const http = a.reconcile(fixtureService('048', 0, patch));
    const https = a.reconcile(fixtureService('048', 1, patch));
    assert.deepEqual(http.ips, ['203.0.113.7']);
    assert.deepEqual(https.ips, ['203.0.113.7']);
    assert.equal(a.stats().find((s) => s.pool === 'doc-example')?.ipv4.inUse, 1);
  });

  it('9. by default Services do not share; a different key or Local selectors prevent it', () => {
    const a = new Allocator(configOf(fixtureValues('034')));
    assert.deepEqual(a.reconcile(service('x', { ports: [{ port: 1 }] })).ips, ['192.169.10.0']);
    assert.deepEqual(a.reconcile(service('y', { ports: [{ port: 2 }] })).ips, []);
  });

  it('10. TCP and UDP Services with the same key, selector and loadBalancerIP share one address', () => {
    const common = {
      share: 'dns',
      loadBalancerIP: '203.0.113.9',
      externalTrafficPolicy: 'Local',
      selector: { app: 'dns' },
    };
    const values = [
      ...fixtureValues('005'),
      serviceObject('dns-tcp', { ...common, ports: [{ protocol: 'TCP', port: 53 }] }),
      serviceObject('dns-udp', { ...common, ports: [{ protocol: 'UDP', port: 53 }] }),
    ];
    const a = new Allocator(configOf(values));
    const [tcp, udp] = fullPass(a, servicesOf(values));
    assert.deepEqual(tcp?.ips, ['203.0.113.9']);
    assert.deepEqual(udp?.ips, ['203.0.113.9']);
  });

  it('11. dual stack: ipFamilies and ipFamilyPolicy decide the families (010)', () => {
    const { get } = allocate(
      ['010'],
      [
        ['v4', {}],
        ['v6', { ipFamilies: ['IPv6'] }],
        ['both', { ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] }],
        ['prefer', { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv6', 'IPv4'] }],
      ],
    );
    assert.deepEqual(get('default/v4').ips, ['10.0.100.0']);
    assert.deepEqual(get('default/v6').ips, ['2002:2:2::1']);
    assert.deepEqual(get('default/both').ips, ['10.0.100.1', '2002:2:2::2']);
    assert.deepEqual(get('default/prefer').ips, ['2002:2:2::3', '10.0.100.2']);
    assert.deepEqual(get('default/both').events[0]?.message, 'Assigned IP ["10.0.100.1" "2002:2:2::2"]');
  });

  it('11. PreferDualStack falls back to IPv4 when only IPv4 pools exist; RequireDualStack fails', () => {
    const { get } = allocate(
      ['005'],
      [
        ['prefer', { ipFamilyPolicy: 'PreferDualStack' }],
        ['require', { ipFamilyPolicy: 'RequireDualStack' }],
      ],
    );
    assert.deepEqual(get('default/prefer').ips, ['203.0.113.1']);
    assert.deepEqual(get('default/require').ips, []);
  });
});
