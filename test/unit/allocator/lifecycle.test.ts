// What happens over a service's life: type changes, deletion, configuration changes, changed
// requests, PreferDualStack growing a second family, and restarts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Allocator, fullPass } from '../../../src/core/allocator/index.js';
import { poolObject as pool, pools, service } from './helpers.js';

const small = pools(pool('a', ['10.0.0.1-10.0.0.3']));

describe('allocation: lifecycle', () => {
  it('a configured loadBalancerClass handles only that class', () => {
    const config = { ...small, operator: { ...small.operator, loadBalancerClass: 'herald.io/lb' } };
    const a = new Allocator(config);
    assert.equal(a.reconcile(service('mine', { loadBalancerClass: 'herald.io/lb' })).ips[0], '10.0.0.1');
    const other = a.reconcile(service('none'));
    assert.deepEqual(other.ips, []);
    assert.match(other.ignored ?? '', /loadBalancerClass/);
  });

  it('a type change releases the address, and it is reused', () => {
    const a = new Allocator(small);
    assert.deepEqual(a.reconcile(service('s1')).ips, ['10.0.0.1']);
    assert.deepEqual(a.reconcile(service('s1', { type: 'ClusterIP' })).ips, []);
    assert.deepEqual(a.reconcile(service('s2')).ips, ['10.0.0.1']);
  });

  it('deletion releases the address', () => {
    const a = new Allocator(small);
    a.reconcile(service('s1'));
    a.reconcile(service('s2'));
    a.release('default/s1');
    assert.deepEqual(a.reconcile(service('s3')).ips, ['10.0.0.1']);
    assert.equal(a.stats()[0]?.ipv4.inUse, 2);
  });

  it('a held address stays, with no event, on every later reconcile', () => {
    const a = new Allocator(small);
    a.reconcile(service('s1'));
    const again = a.reconcile(service('s1'));
    assert.deepEqual(again.ips, ['10.0.0.1']);
    assert.deepEqual(again.events, []);
  });

  it('a config change reallocates only the services whose address left every pool', () => {
    const a = new Allocator(pools(pool('a', ['10.0.0.1-10.0.0.2']), pool('b', ['10.0.1.1/32'])));
    a.reconcile(service('s1')); // 10.0.0.1
    a.reconcile(service('s2')); // 10.0.0.2
    const lost = a.setConfig(pools(pool('a', ['10.0.0.2/32']), pool('c', ['10.0.1.1/32', '10.0.2.0/30'])));
    assert.deepEqual(lost, ['default/s1']);
    assert.deepEqual(a.reconcile(service('s2')).ips, ['10.0.0.2']);
    const moved = a.reconcile(service('s1'));
    assert.deepEqual(moved.ips, ['10.0.1.1']);
    assert.deepEqual(
      moved.events.map((e) => e.reason),
      ['ClearAssignment', 'IPAllocated'],
    );
    assert.match(
      moved.events[0]?.message ?? '',
      /current IP for "default\/s1" not allowed by config.*"10.0.0.1" is not allowed/,
    );
    assert.equal(a.assignment('default/s2')?.pool, 'a');
  });

  it('changing the requested IP or pool moves the service; a new pool annotation with the address inside keeps it', () => {
    const a = new Allocator(pools(pool('a', ['10.0.0.1-10.0.0.3']), pool('b', ['10.0.1.1/32'])));
    assert.deepEqual(a.reconcile(service('s')).ips, ['10.0.0.1']);
    assert.deepEqual(a.reconcile(service('s', { pool: 'a' })).ips, ['10.0.0.1']);
    assert.deepEqual(a.reconcile(service('s', { pool: 'b' })).ips, ['10.0.1.1']);
    assert.deepEqual(a.reconcile(service('s', { loadBalancerIP: '10.0.0.3' })).ips, ['10.0.0.3']);
  });

  it('both explicit forms set on a service that holds an address: LoadBalancerFailed, address kept', () => {
    const a = new Allocator(small);
    a.reconcile(service('s', { loadBalancerIP: '10.0.0.2' }));
    const d = a.reconcile(service('s', { loadBalancerIP: '10.0.0.2', ips: '10.0.0.2' }));
    assert.deepEqual(d.ips, ['10.0.0.2']);
    assert.deepEqual(
      d.events.map((e) => e.reason),
      ['LoadBalancerFailed'],
    );
  });

  it('a PreferDualStack service holding one family gets the other from its pool when it frees up', () => {
    const a = new Allocator(pools(pool('m', ['10.0.0.1/32', '2001:db8::1/128'])));
    assert.deepEqual(a.reconcile(service('v6', { ipFamilies: ['IPv6'] })).ips, ['2001:db8::1']);
    const pref = a.reconcile(service('p', { ipFamilyPolicy: 'PreferDualStack' }));
    assert.deepEqual(pref.ips, ['10.0.0.1']);
    a.release('default/v6');
    const more = a.reconcile(service('p', { ipFamilyPolicy: 'PreferDualStack' }));
    assert.deepEqual(more.ips, ['10.0.0.1', '2001:db8::1']);
    assert.deepEqual(more.events, [
      { type: 'Normal', reason: 'IPAllocated', message: 'Assigned additional IP "2001:db8::1"' },
    ]);
  });

  it('restart: services with addresses in status keep them, whatever the order', () => {
    const a = new Allocator(small);
    const fresh = a.reconcile(service('new'));
    assert.deepEqual(fresh.ips, ['10.0.0.1']);
    const b = new Allocator(small);
    assert.equal(b.restore(service('old', { ingress: ['10.0.0.1'] })), true);
    assert.deepEqual(b.reconcile(service('new')).ips, ['10.0.0.2']);
    assert.deepEqual(b.reconcile(service('old', { ingress: ['10.0.0.1'] })).events, []);
  });

  it('restart: an address in status that left the pools is cleared and replaced', () => {
    const a = new Allocator(small);
    const d = a.reconcile(service('s', { ingress: ['10.9.9.9'] }));
    assert.deepEqual(d.ips, ['10.0.0.1']);
    assert.deepEqual(
      d.events.map((e) => e.reason),
      ['ClearAssignment', 'IPAllocated'],
    );
  });
});

describe('allocation: restart regressions', () => {
  it('a dual-stack explicit request on a Service that declares no families is restored', () => {
    const config = pools(pool('p', ['10.0.0.0/30', '2001:db8::1/128']));
    const explicit = service('s7', { ips: '10.0.0.1,2001:db8::1', ingress: ['10.0.0.1', '2001:db8::1'] });
    const prefer = service('p', { ipFamilyPolicy: 'PreferDualStack', ingress: ['10.0.0.2'] });
    const a = new Allocator(config);
    assert.equal(a.restore(explicit), true);
    const d = fullPass(a, [prefer, explicit]);
    assert.deepEqual(
      d.map((x) => x.ips),
      [['10.0.0.2'], ['10.0.0.1', '2001:db8::1']],
    );
  });

  it('a PreferDualStack holder of one family keeps exactly it across a restart (found by the property test)', () => {
    // The other family became free while the service was not reconciled; a restart must not add
    // it, or a restart would change the assignment. The service's next reconcile may.
    const config = pools(pool('m', ['10.0.0.1/32', '2001:db8::1/128']));
    const holder = service('p', { ipFamilyPolicy: 'PreferDualStack', ingress: ['10.0.0.1'] });
    const [restart] = fullPass(new Allocator(config), [holder]);
    assert.deepEqual(restart?.ips, ['10.0.0.1']);
    assert.deepEqual(restart.events, []);
    const live = new Allocator(config);
    fullPass(live, [holder]);
    assert.deepEqual(live.reconcile(holder).ips, ['10.0.0.1', '2001:db8::1']);
  });
});
