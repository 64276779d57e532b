// Observation times: they move only when the lease record changes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { observe, sameRecord } from '../../../src/core/lease/observe.js';
import type { LeaseSpec } from '../../../src/core/lease/types.js';

const spec: LeaseSpec = {
  holderIdentity: 'controller-b',
  leaseDurationSeconds: 4,
  acquireTime: '2025-01-02T03:04:05.000000Z',
  renewTime: '2025-01-02T03:04:05.000000Z',
  leaseTransitions: 1,
};

describe('lease observation', () => {
  it('first sight is observed now; no Lease, no observation', () => {
    assert.deepEqual(observe(undefined, { spec, resourceVersion: '5' }, 100), {
      spec,
      resourceVersion: '5',
      observedAt: 100,
    });
    assert.equal(observe({ spec, resourceVersion: '5', observedAt: 100 }, undefined, 200), undefined);
  });

  it('keeps the time while the record is unchanged, even if its resourceVersion moved', () => {
    const first = observe(undefined, { spec, resourceVersion: '5' }, 100);
    const again = observe(first, { spec: { ...spec }, resourceVersion: '6' }, 900);
    assert.deepEqual(again, { spec, resourceVersion: '6', observedAt: 100 });
  });

  it('moves the time when the holder renews or changes', () => {
    const first = observe(undefined, { spec, resourceVersion: '5' }, 100);
    const renewed = { ...spec, renewTime: '2025-01-02T03:04:06.000000Z' };
    assert.equal(observe(first, { spec: renewed, resourceVersion: '7' }, 900)?.observedAt, 900);
    const released = { ...spec, holderIdentity: '' };
    assert.equal(observe(first, { spec: released, resourceVersion: '8' }, 950)?.observedAt, 950);
  });

  it('treats an absent holder and an empty one alike', () => {
    assert.ok(sameRecord({ ...spec, holderIdentity: '' }, { ...spec, holderIdentity: undefined }));
    assert.ok(!sameRecord(spec, { ...spec, leaseTransitions: 2 }));
  });
});
