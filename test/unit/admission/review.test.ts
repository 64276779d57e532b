// reviewAdmission: the verdicts of the validating webhook on AdmissionReview requests, against
// the objects the API server already holds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reviewAdmission } from '../../../src/core/admission/index.js';
import { bgpAd, NS, obj, peer, pool } from '../config/helpers.js';

type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

function review(operation: Operation, object: Record<string, unknown>, oldObject?: Record<string, unknown>) {
  const [group, version] = String(object.apiVersion).split('/');
  const metadata = object.metadata as { name: string; namespace: string };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'u-1',
      kind: { group, version, kind: object.kind },
      resource: { group, version, resource: `${String(object.kind).toLowerCase()}s` },
      name: metadata.name,
      namespace: metadata.namespace,
      operation,
      object: operation === 'DELETE' ? null : object,
      oldObject: operation === 'CREATE' ? null : (oldObject ?? object),
    },
  };
}

const decide = (current: unknown[], r: unknown) => reviewAdmission(r, current, { namespace: NS }).response;

describe('reviewAdmission: CREATE and UPDATE', () => {
  it('accepts a pool that fits, with the request uid echoed', () => {
    const answer = decide([pool('p1', ['10.0.0.0/24'])], review('CREATE', pool('p2', ['10.0.1.0/24'])));
    assert.deepEqual(answer, { uid: 'u-1', allowed: true });
  });

  it('refuses a pool overlapping a stored one, naming kind, object, field path and reason', () => {
    const answer = decide([pool('p1', ['10.0.0.0/24'])], review('CREATE', pool('p2', ['10.0.0.0/24'])));
    assert.equal(answer.allowed, false);
    assert.deepEqual(answer.status, {
      code: 422,
      reason: 'Invalid',
      message:
        'IPAddressPool metallb-system/p2: spec.addresses[0]: CIDR "10.0.0.0/24" in pool "p2" overlaps with already defined CIDR "10.0.0.0/24"',
    });
  });

  it('reports an overlap on the updated pool, not on the pool that was there first', () => {
    const p1 = pool('p1', ['10.0.0.0/24']);
    const p2 = pool('p2', ['10.0.1.0/24']);
    const moved = pool('p1', ['10.0.1.0/28']);
    const answer = decide([p1, p2], review('UPDATE', moved, p1));
    assert.equal(answer.allowed, false);
    assert.match(
      answer.status?.message ?? '',
      /^IPAddressPool metallb-system\/p1: spec\.addresses\[0\]: CIDR "10\.0\.1\.0\/28" in pool "p1"/,
    );
  });

  it('does not let errors of other stored objects, which the candidate does not cause, refuse it', () => {
    // p1 and p3 overlap: stored before the webhook existed (or through a failurePolicy: Ignore).
    const current = [pool('p1', ['10.0.0.0/24']), pool('p3', ['10.0.0.0/25'])];
    assert.equal(decide(current, review('CREATE', pool('p9', ['192.168.0.0/24']))).allowed, true);
    const clash = decide(current, review('CREATE', pool('p9', ['10.0.0.128/25'])));
    assert.equal(clash.allowed, false);
    assert.match(clash.status?.message ?? '', /^IPAddressPool metallb-system\/p9: /);
    assert.doesNotMatch(clash.status?.message ?? '', /p3:/, 'the old p3 error is not blamed on p9');
  });

  it('refuses a change that breaks another object, and names that object', () => {
    const p = pool('p', ['10.0.0.0/24']);
    const ad = bgpAd('ad', { ipAddressPools: ['p'], aggregationLength: 26 });
    const answer = decide([p, ad], review('UPDATE', pool('p', ['10.0.0.0/28']), p));
    assert.equal(answer.allowed, false);
    assert.equal(
      answer.status?.message,
      'BGPAdvertisement metallb-system/ad: spec.aggregationLength: invalid aggregation length 26: prefix 10.0.0.0/28 in pool "p" is more specific than the aggregation length',
    );
  });

  it('judges an updated object again, unless only its annotations or finalizers change', () => {
    // Stored while invalid: a peer with both password and passwordSecret.
    const bad = peer('bad', { password: 'x', passwordSecret: { name: 's' } });
    const annotated = { ...bad, metadata: { name: 'bad', namespace: NS, annotations: { a: 'b' } } };
    assert.equal(decide([bad], review('UPDATE', annotated, bad)).allowed, true);
    const edited = peer('bad', { password: 'x', passwordSecret: { name: 's' }, holdTime: '30s' });
    const answer = decide([bad], review('UPDATE', edited, bad));
    assert.equal(answer.allowed, false);
    assert.match(
      answer.status?.message ?? '',
      /BGPPeer metallb-system\/bad: spec\.passwordSecret: can not have both/,
    );
    const leaving = {
      ...edited,
      metadata: { name: 'bad', namespace: NS, deletionTimestamp: '2026-01-01T00:00:00Z' },
    };
    assert.equal(decide([bad], review('UPDATE', leaving, bad)).allowed, true);
  });

  it('accepts a peer whose BFD profile does not exist yet, with a warning (as herald validate)', () => {
    const answer = decide([], review('CREATE', peer('p', { bfdProfile: 'later' })));
    assert.equal(answer.allowed, true);
    assert.deepEqual(answer.warnings, [
      'BGPPeer metallb-system/p: spec.bfdProfile: peer p referencing non existing bfd profile later; the speaker refuses this config until it exists',
    ]);
  });

  it('refuses an object outside the agent namespace', () => {
    const elsewhere = { ...pool('p', ['10.0.0.0/24']), metadata: { name: 'p', namespace: 'default' } };
    assert.deepEqual(decide([], review('CREATE', elsewhere)).status, {
      code: 403,
      reason: 'Forbidden',
      message:
        'IPAddressPool default/p: metadata.namespace: resource must be created in metallb-system namespace',
    });
  });

  it('validates a v1beta1 BGPPeer in its stored form, with the v1beta2 fields its annotation keeps', () => {
    const v1beta1 = {
      ...peer('p', {}),
      apiVersion: 'metallb.io/v1beta1',
      metadata: {
        name: 'p',
        namespace: NS,
        annotations: { 'herald-lb.io/bgppeer-v1beta2-spec': '{"connectTime":"0.5s"}' },
      },
    };
    const answer = decide([], review('CREATE', v1beta1));
    assert.equal(answer.allowed, false);
    assert.match(answer.status?.message ?? '', /BGPPeer metallb-system\/p: spec\.connectTime: /);
  });

  it('refuses a peer that conflicts with a stored v1beta1 peer (stored peers read as v1beta2)', () => {
    const stored = { ...peer('a', { routerID: '1.1.1.1' }), apiVersion: 'metallb.io/v1beta1' };
    const answer = decide(
      [stored],
      review('CREATE', peer('b', { peerAddress: '10.0.0.1', routerID: '1.1.1.1' })),
    );
    assert.equal(answer.allowed, false);
    assert.match(answer.status?.message ?? '', /^BGPPeer metallb-system\/b: /);
  });
});

describe('reviewAdmission: DELETE', () => {
  const profile = obj('BFDProfile', 'bfd1', {});

  it('refuses deleting a BFD profile a BGPPeer uses, and names the peer', () => {
    const current = [profile, peer('peer1', { bfdProfile: 'bfd1' })];
    assert.deepEqual(decide(current, review('DELETE', profile)).status, {
      code: 403,
      reason: 'Forbidden',
      message:
        'BFDProfile metallb-system/bfd1: cannot be deleted: used by BGPPeer metallb-system/peer1 (spec.bfdProfile)',
    });
  });

  it('allows deleting an unused profile, and deleting other kinds', () => {
    const current = [profile, peer('peer1', { bfdProfile: 'other' })];
    assert.equal(decide(current, review('DELETE', profile)).allowed, true);
    assert.equal(decide(current, review('DELETE', current[1] as Record<string, unknown>)).allowed, true);
  });
});

describe('reviewAdmission: requests that are not Herald configuration', () => {
  it('answers a malformed review with allowed: false, code 400 and the uid when it can find one', () => {
    const answer = decide([], {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'x' },
    });
    assert.equal(answer.uid, 'x');
    assert.equal(answer.allowed, false);
    assert.equal(answer.status?.code, 400);
    assert.equal(decide([], 'garbage').uid, '');
  });

  it("allows kinds that are not Herald's and status subresource writes", () => {
    const service = review('CREATE', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: NS },
    });
    assert.equal(
      decide([], {
        ...service,
        request: { ...service.request, kind: { group: '', version: 'v1', kind: 'Service' } },
      }).allowed,
      true,
    );
    const status = review('UPDATE', pool('p', ['bogus']));
    assert.equal(
      decide([], { ...status, request: { ...status.request, subResource: 'status' } }).allowed,
      true,
    );
  });
});
