// The pure lease decision: take, renew or wait, and the exact spec to write.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, decideRelease, type DecideInput } from '../../../src/core/lease/decide.js';
import { toMicroTime } from '../../../src/core/lease/micro-time.js';
import type { LeaseObservation } from '../../../src/core/lease/observe.js';
import type { LeaseSpec } from '../../../src/core/lease/types.js';

const WALL = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
const T0 = toMicroTime(WALL - 60_000);

const held = (spec: LeaseSpec, observedAt: number, resourceVersion = '41'): LeaseObservation => ({
  spec,
  resourceVersion,
  observedAt,
});
const other: LeaseSpec = {
  holderIdentity: 'controller-b',
  leaseDurationSeconds: 4,
  acquireTime: T0,
  renewTime: T0,
  leaseTransitions: 2,
};
const input = (observation: LeaseObservation | undefined, now: number): DecideInput => ({
  observation,
  identity: 'controller-a',
  now,
  wallClockMs: WALL,
  leaseDurationMs: 4000,
});

describe('lease decision', () => {
  it('creates an absent Lease with us as holder, no transitions, MicroTime times', () => {
    assert.deepEqual(decide(input(undefined, 0)), {
      action: 'acquire',
      reason: 'leaseAbsent',
      previousHolder: undefined,
      write: {
        spec: {
          holderIdentity: 'controller-a',
          leaseDurationSeconds: 4,
          acquireTime: '2025-01-02T03:04:05.678000Z',
          renewTime: '2025-01-02T03:04:05.678000Z',
          leaseTransitions: 0,
        },
        resourceVersion: undefined,
      },
    });
  });

  it('waits while another holder has been seen renewing within its lease duration', () => {
    const decision = decide(input(held(other, 10_000), 12_500));
    assert.deepEqual(decision, {
      action: 'wait',
      reason: 'heldByOther',
      holder: 'controller-b',
      expiresInMs: 1500,
    });
  });

  it('takes an expired lease: one more transition, new acquire time, conditional on its version', () => {
    const decision = decide(input(held(other, 10_000), 14_000));
    assert.ok(decision.action === 'acquire');
    assert.equal(decision.reason, 'leaseExpired');
    assert.equal(decision.previousHolder, 'controller-b');
    assert.deepEqual(decision.write, {
      spec: {
        holderIdentity: 'controller-a',
        leaseDurationSeconds: 4,
        acquireTime: toMicroTime(WALL),
        renewTime: toMicroTime(WALL),
        leaseTransitions: 3,
      },
      resourceVersion: '41',
    });
  });

  it('judges expiry by when we saw the record change, never by the holder-written renewTime', () => {
    // The holder's clock is an hour behind ours: its renewTime looks ancient, but we saw it change
    // 1 s ago, so it is alive.
    const skewedBehind = { ...other, renewTime: toMicroTime(WALL - 3_600_000) };
    assert.equal(decide(input(held(skewedBehind, 9_000), 10_000)).action, 'wait');
    // Its clock is an hour ahead: renewTime is in our future, yet nothing changed for 5 s: expired.
    const skewedAhead = { ...other, renewTime: toMicroTime(WALL + 3_600_000) };
    assert.equal(decide(input(held(skewedAhead, 5_000), 10_000)).action, 'acquire');
  });

  it("counts the holder's declared duration, not ours", () => {
    const longLease = { ...other, leaseDurationSeconds: 15 };
    assert.deepEqual(decide(input(held(longLease, 0), 10_000)), {
      action: 'wait',
      reason: 'heldByOther',
      holder: 'controller-b',
      expiresInMs: 5000,
    });
    // A record without a duration counts for ours.
    const noDuration = { ...other, leaseDurationSeconds: undefined };
    assert.equal(decide(input(held(noDuration, 0), 3999)).action, 'wait');
    assert.equal(decide(input(held(noDuration, 0), 4000)).action, 'acquire');
  });

  it('renews its own lease: acquire time and transitions kept, renew time moved', () => {
    const ours = { ...other, holderIdentity: 'controller-a' };
    const decision = decide(input(held(ours, 0), 1000));
    assert.deepEqual(decision, {
      action: 'renew',
      reason: 'ownLease',
      write: {
        spec: {
          holderIdentity: 'controller-a',
          leaseDurationSeconds: 4,
          acquireTime: T0,
          renewTime: toMicroTime(WALL),
          leaseTransitions: 2,
        },
        resourceVersion: '41',
      },
    });
    // Even when, to us, it looks expired (we could not renew for a while): it names us.
    assert.equal(decide(input(held(ours, 0), 60_000)).action, 'renew');
  });

  it('takes a released lease (empty holder) at once, counting the transition', () => {
    const released = decideRelease(held(other, 0), 'controller-b', WALL);
    assert.ok(released.action === 'release');
    const decision = decide(input(held(released.write.spec, 10_000), 10_000));
    assert.ok(decision.action === 'acquire');
    assert.equal(decision.reason, 'holderEmpty');
    assert.equal(decision.previousHolder, undefined);
    assert.equal(decision.write.spec.leaseTransitions, 3);
  });
});

describe('lease release', () => {
  it('writes an empty holder, keeping the transition count, on the version we hold', () => {
    assert.deepEqual(decideRelease(held(other, 0, '77'), 'controller-b', WALL), {
      action: 'release',
      write: {
        spec: {
          holderIdentity: '',
          leaseDurationSeconds: 1,
          acquireTime: toMicroTime(WALL),
          renewTime: toMicroTime(WALL),
          leaseTransitions: 2,
        },
        resourceVersion: '77',
      },
    });
  });

  it('does nothing when the lease is not ours or not there', () => {
    assert.deepEqual(decideRelease(held(other, 0), 'controller-a', WALL), {
      action: 'none',
      reason: 'notHolder',
    });
    assert.deepEqual(decideRelease(undefined, 'controller-a', WALL), {
      action: 'none',
      reason: 'leaseAbsent',
    });
  });
});
