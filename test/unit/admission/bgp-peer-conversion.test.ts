// BGPPeer v1beta1 ⇄ v1beta2 conversion: both round trips lossless, a v1beta1 edit wins over
// the kept v1beta2 fields it excludes, and the ConversionReview envelope.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  BGP_PEER_V1BETA1,
  BGP_PEER_V1BETA2,
  convertBgpPeer,
  convertBgpPeers,
  V1BETA2_SPEC_ANNOTATION,
} from '../../../src/core/admission/index.js';

const NS = 'metallb-system';
const metadata = { name: 'p', namespace: NS, uid: 'abc', resourceVersion: '7', labels: { a: 'b' } };

const v1beta2 = {
  apiVersion: BGP_PEER_V1BETA2,
  kind: 'BGPPeer',
  metadata,
  spec: {
    myASN: 64500,
    dynamicASN: 'external',
    interface: 'eth0',
    holdTime: '9s',
    connectTime: '5s',
    enableGracefulRestart: true,
    disableMP: true,
    dualStackAddressFamily: true,
    localASN: 64999,
    nodeSelectors: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['x'] }] }],
    passwordSecret: { name: 's' },
    bfdProfile: 'bfd',
    vrf: 'red',
  },
};

function convert(object: unknown, to: string): Record<string, unknown> {
  const result = convertBgpPeer(object, to);
  if (!result.ok) assert.fail(result.message);
  return result.object;
}

describe('convertBgpPeer', () => {
  it('v1beta2 → v1beta1 keeps the shared fields and moves the newer ones into one annotation', () => {
    const old = convert(v1beta2, BGP_PEER_V1BETA1);
    assert.equal(old.apiVersion, BGP_PEER_V1BETA1);
    assert.deepEqual(old.spec, {
      myASN: 64500,
      holdTime: '9s',
      nodeSelectors: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['x'] }] }],
      passwordSecret: { name: 's' },
      bfdProfile: 'bfd',
      vrf: 'red',
    });
    const kept = (old.metadata as { annotations: Record<string, string> }).annotations[
      V1BETA2_SPEC_ANNOTATION
    ];
    assert.deepEqual(JSON.parse(kept ?? ''), {
      dynamicASN: 'external',
      interface: 'eth0',
      connectTime: '5s',
      enableGracefulRestart: true,
      disableMP: true,
      dualStackAddressFamily: true,
      localASN: 64999,
    });
  });

  it('v1beta2 → v1beta1 → v1beta2 gives the original object back (no annotation left behind)', () => {
    assert.deepEqual(convert(convert(v1beta2, BGP_PEER_V1BETA1), BGP_PEER_V1BETA2), v1beta2);
  });

  it('v1beta1 → v1beta2 → v1beta1 gives the original object back', () => {
    const old = {
      apiVersion: BGP_PEER_V1BETA1,
      kind: 'BGPPeer',
      metadata: { ...metadata, annotations: { keep: 'me' } },
      spec: { myASN: 64500, peerASN: 64501, peerAddress: '10.0.0.1', password: 'pw', ebgpMultiHop: true },
    };
    const stored = convert(old, BGP_PEER_V1BETA2);
    assert.deepEqual(stored.spec, old.spec);
    assert.deepEqual(convert(stored, BGP_PEER_V1BETA1), old);
  });

  it('a v1beta1 client that sets peerASN or peerAddress replaces the kept dynamicASN or interface', () => {
    const old = convert(v1beta2, BGP_PEER_V1BETA1);
    const edited = { ...old, spec: { ...(old.spec as object), peerASN: 64501, peerAddress: '10.0.0.9' } };
    const spec = convert(edited, BGP_PEER_V1BETA2).spec as Record<string, unknown>;
    assert.equal(spec.peerASN, 64501);
    assert.equal(spec.peerAddress, '10.0.0.9');
    assert.equal(spec.dynamicASN, undefined);
    assert.equal(spec.interface, undefined);
    assert.equal(spec.enableGracefulRestart, true, 'the other kept fields come back');
  });

  it('ignores an annotation that is not a JSON object, and drops it', () => {
    const old = {
      apiVersion: BGP_PEER_V1BETA1,
      kind: 'BGPPeer',
      metadata: { name: 'p', annotations: { [V1BETA2_SPEC_ANNOTATION]: '{not json' } },
      spec: { myASN: 1 },
    };
    assert.deepEqual(convert(old, BGP_PEER_V1BETA2), {
      apiVersion: BGP_PEER_V1BETA2,
      kind: 'BGPPeer',
      metadata: { name: 'p' },
      spec: { myASN: 1 },
    });
  });

  it('refuses objects that are not BGPPeers of a known version', () => {
    assert.equal(convertBgpPeer({ ...v1beta2, kind: 'BFDProfile' }, BGP_PEER_V1BETA1).ok, false);
    assert.equal(convertBgpPeer({ ...v1beta2, apiVersion: 'metallb.io/v2' }, BGP_PEER_V1BETA1).ok, false);
    assert.equal(convertBgpPeer(v1beta2, 'metallb.io/v9').ok, false);
  });

  it('round trips any spec, including fields with any JSON value (property)', () => {
    const fields = [
      'myASN',
      'peerASN',
      'peerAddress',
      'holdTime',
      'routerID',
      'password',
      'vrf',
      'dynamicASN',
      'interface',
      'connectTime',
      'enableGracefulRestart',
      'localASN',
      'disableMP',
    ];
    const spec = fc.dictionary(fc.constantFrom(...fields), fc.jsonValue(), { maxKeys: fields.length });
    const annotations = fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { maxKeys: 3 });
    const storable = (s: Record<string, unknown>) =>
      !('peerASN' in s && 'dynamicASN' in s) && !('peerAddress' in s && 'interface' in s);
    fc.assert(
      // The CRD lets no stored v1beta2 spec set both peerASN and dynamicASN, or both peerAddress
      // and interface, so such specs are left out.
      fc.property(spec.filter(storable), annotations, (s, a) => {
        const object = {
          apiVersion: BGP_PEER_V1BETA2,
          kind: 'BGPPeer',
          metadata: { name: 'p', annotations: a },
          spec: s,
        };
        const back = convert(convert(object, BGP_PEER_V1BETA1), BGP_PEER_V1BETA2);
        // An empty annotations map may come back absent; the API server treats the two alike.
        const withoutEmpty = (o: Record<string, unknown>) =>
          JSON.stringify(o, (_k, v: unknown) =>
            v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0
              ? undefined
              : v,
          );
        assert.deepEqual(JSON.parse(withoutEmpty(back)), JSON.parse(withoutEmpty(object)));
      }),
    );
  });
});

describe('convertBgpPeers (ConversionReview)', () => {
  const review = (objects: unknown[], desiredAPIVersion = BGP_PEER_V1BETA1) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'ConversionReview',
    request: { uid: 'r-1', desiredAPIVersion, objects },
  });

  it('converts every object, in order, and echoes the uid', () => {
    const other = { ...v1beta2, metadata: { ...metadata, name: 'q' } };
    const answer = convertBgpPeers(review([v1beta2, other]));
    assert.equal(answer.apiVersion, 'apiextensions.k8s.io/v1');
    assert.equal(answer.kind, 'ConversionReview');
    assert.equal(answer.response.uid, 'r-1');
    assert.deepEqual(answer.response.result, { status: 'Success' });
    assert.deepEqual(
      answer.response.convertedObjects.map((o) => (o as { metadata: { name: string } }).metadata.name),
      ['p', 'q'],
    );
  });

  it('fails the whole review when one object cannot be converted, and answers malformed reviews', () => {
    const answer = convertBgpPeers(review([v1beta2, { kind: 'Pod' }]));
    assert.deepEqual(answer.response, {
      uid: 'r-1',
      convertedObjects: [],
      result: { status: 'Failure', message: 'objects[1]: not a BGPPeer object' },
    });
    const bad = convertBgpPeers({ kind: 'ConversionReview', request: { uid: 'r-2' } });
    assert.equal(bad.response.uid, 'r-2');
    assert.equal(bad.response.result.status, 'Failure');
  });
});
