// The interval arithmetic of RFC 5880 §6.8.2–6.8.4 and §6.8.7, table by table.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  advertisedDesiredMinTxUs,
  detectionTimeUs,
  jitteredIntervalUs,
  jitterRange,
  transmitIntervalUs,
} from '../../../src/core/bfd/timers.js';

describe('BFD timers', () => {
  it('advertises at least 1 s unless Up (§6.8.3)', () => {
    const table = [
      [300_000, false, 1_000_000],
      [300_000, true, 300_000],
      [2_000_000, false, 2_000_000],
      [2_000_000, true, 2_000_000],
    ] as const;
    for (const [configured, up, expected] of table)
      assert.equal(advertisedDesiredMinTxUs(configured, up), expected);
  });

  it('sends at the larger of our Desired Min TX and the remote Required Min RX; not at all for 0', () => {
    const table = [
      [300_000, 250_000, 300_000],
      [150_000, 250_000, 250_000],
      [1_000_000, 1, 1_000_000],
      [300_000, 0, undefined],
    ] as const;
    for (const [desired, remoteRequired, expected] of table)
      assert.equal(transmitIntervalUs(desired, remoteRequired), expected);
  });

  it('detects after remote Detect Mult × max(local Required Min RX, remote Desired Min TX) (§6.8.4)', () => {
    const table = [
      [3, 200_000, 300_000, 900_000], // BIRD's 0.900 s against FRR in the captures
      [3, 200_000, 500_000, 1_500_000], // ... and 1.500 s after FRR slowed to 500 ms
      [4, 250_000, 150_000, 1_000_000], // FRR's view of BIRD: 4 × 250 ms
      [3, 50_000, 50_000, 150_000],
      [1, 10, 3, 10],
    ] as const;
    for (const [mult, localRx, remoteTx, expected] of table)
      assert.equal(detectionTimeUs(mult, localRx, remoteTx), expected);
  });

  it('jitters periodic packets to 75–100 % of the interval, 75–90 % with Detect Mult 1 (§6.8.7)', () => {
    assert.deepEqual(jitterRange(3), { min: 0.75, max: 1 });
    assert.deepEqual(jitterRange(1), { min: 0.75, max: 0.9 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 1, max: 255 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (interval, mult, random) => {
          const delay = jitteredIntervalUs(interval, mult, random);
          assert.ok(delay >= 0.75 * interval);
          assert.ok(delay <= (mult === 1 ? 0.9 : 1) * interval);
        },
      ),
      { numRuns: 5000 },
    );
    assert.equal(jitteredIntervalUs(400, 3, 0), 300);
    assert.equal(jitteredIntervalUs(400, 1, 1), 360);
    assert.equal(jitteredIntervalUs(400, 3, 7), 400, 'a random value out of range is clamped');
  });
});
