// The controller's pure decisions: nothing before start(), a restart pass that lets holders keep
// their addresses whatever the order, writes only where the Service differs, the last good
// configuration kept when a new one is invalid, namespace labels and --lb-class.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reconciler } from '../../../src/core/controller/reconciler.js';
import { readService, type ServiceModel } from '../../../src/core/service/model.js';

const NS = 'metallb-system';

const pool = (name: string, addresses: string[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'metallb.io/v1beta1',
  kind: 'IPAddressPool',
  metadata: { name, namespace: NS },
  spec: { addresses, ...extra },
});

function svc(
  name: string,
  options: {
    namespace?: string;
    ingress?: string[];
    annotations?: Record<string, string>;
    className?: string;
  } = {},
): ServiceModel {
  const model = readService({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: options.namespace ?? 'default', annotations: options.annotations ?? {} },
    spec: {
      type: 'LoadBalancer',
      ports: [{ port: 80 }],
      ...(options.className ? { loadBalancerClass: options.className } : {}),
    },
    status: { loadBalancer: { ingress: (options.ingress ?? []).map((ip) => ({ ip })) } },
  });
  assert.ok(model);
  return model;
}

describe('Reconciler', () => {
  it('decides nothing before start(), then lets holders keep their addresses whatever the order', () => {
    const r = new Reconciler({ namespace: NS });
    assert.equal(r.applyConfig([pool('p', ['10.0.0.0/30'])]).ok, true);
    // "first" is listed before "holder" and would take 10.0.0.0 in a naive pass.
    assert.deepEqual(r.upsertService(svc('first')).writes, []);
    assert.deepEqual(
      r.upsertService(
        svc('holder', { ingress: ['10.0.0.0'], annotations: { 'metallb.io/ip-allocated-from-pool': 'p' } }),
      ).writes,
      [],
    );
    const outcome = r.start();
    assert.deepEqual(outcome.writes, [
      {
        key: 'default/first',
        namespace: 'default',
        name: 'first',
        ingress: ['10.0.0.1'],
        poolAnnotation: 'p',
      },
    ]);
    assert.deepEqual(
      outcome.events.map((e) => [e.key, e.event.reason, e.event.message]),
      [['default/first', 'IPAllocated', 'Assigned IP ["10.0.0.1"]']],
    );
  });

  it('writes only what differs: an up-to-date Service needs nothing, a missing annotation only the annotation', () => {
    const r = new Reconciler({ namespace: NS });
    r.applyConfig([pool('p', ['10.0.0.0/30'])]);
    r.start();
    const first = r.upsertService(svc('web'));
    assert.deepEqual(first.writes[0]?.ingress, ['10.0.0.0']);
    // The informer brings the Service back with the status written, the annotation not yet.
    const second = r.upsertService(svc('web', { ingress: ['10.0.0.0'] }));
    assert.deepEqual(second.writes, [
      { key: 'default/web', namespace: 'default', name: 'web', poolAnnotation: 'p' },
    ]);
    assert.deepEqual(second.events, []);
    const third = r.upsertService(
      svc('web', { ingress: ['10.0.0.0'], annotations: { 'metallb.io/ip-allocated-from-pool': 'p' } }),
    );
    assert.deepEqual(third.writes, []);
  });

  it('refuses an invalid configuration whole and keeps allocating from the last good one', () => {
    const r = new Reconciler({ namespace: NS });
    r.applyConfig([pool('p', ['10.0.0.0/30'])]);
    r.start();
    const refused = r.applyConfig([
      pool('p', ['10.0.0.0/30']),
      pool('q', ['10.0.0.0/29']),
      pool('extra', ['10.9.0.0/30']),
    ]);
    assert.equal(refused.ok, false);
    const error = refused.issues.find((i) => i.severity === 'error');
    assert.equal(error?.kind, 'IPAddressPool');
    assert.equal(error.field, 'spec.addresses[0]');
    assert.deepEqual(r.upsertService(svc('a')).writes[0]?.ingress, ['10.0.0.0']);
    const wantsExtra = r.upsertService(svc('b', { annotations: { 'metallb.io/address-pool': 'extra' } }));
    assert.equal(wantsExtra.events[0]?.event.reason, 'UnknownAddressPool');
    assert.equal(r.currentConfig()?.pools.has('extra'), false);
  });

  it('frees the address of a deleted Service', () => {
    const r = new Reconciler({ namespace: NS });
    r.applyConfig([pool('p', ['10.0.0.0/31'])]);
    r.start();
    r.upsertService(svc('a'));
    r.upsertService(svc('b'));
    assert.equal(r.upsertService(svc('c')).events[0]?.event.reason, 'AllocationFailed');
    assert.equal(r.deleteService('default', 'a').poolsChanged, true);
    assert.deepEqual(r.upsertService(svc('c')).writes[0]?.ingress, ['10.0.0.0']);
  });

  it('re-reconciles the Services of a namespace whose labels changed', () => {
    const r = new Reconciler({ namespace: NS });
    r.applyConfig([
      pool('general', ['10.0.0.0/30']),
      pool('gold', ['10.1.0.0/30'], {
        autoAssign: false,
        serviceAllocation: { priority: 1, namespaceSelectors: [{ matchLabels: { tier: 'gold' } }] },
      }),
    ]);
    r.setNamespace('shop', {});
    r.start();
    assert.deepEqual(
      r.upsertService(
        svc('pending', { namespace: 'shop', annotations: { 'metallb.io/address-pool': 'gold' } }),
      ).writes,
      [],
    );
    const relabelled = r.setNamespace('shop', { tier: 'gold' });
    assert.deepEqual(
      relabelled.writes.map((w) => w.ingress),
      [['10.1.0.0']],
    );
  });

  it('serves only its loadBalancerClass', () => {
    const r = new Reconciler({ namespace: NS, loadBalancerClass: 'herald' });
    r.applyConfig([pool('p', ['10.0.0.0/30'])]);
    r.start();
    assert.deepEqual(r.upsertService(svc('unclassed')).writes, []);
    assert.deepEqual(r.upsertService(svc('classed', { className: 'herald' })).writes[0]?.ingress, [
      '10.0.0.0',
    ]);
  });
});
