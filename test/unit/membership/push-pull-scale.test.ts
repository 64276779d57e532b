// How often a member exchanges full state: memberlist's rule, one more interval per doubling
// of the cluster beyond 32 members.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  FAST_TIMING,
  MEMBERLIST_LAN_TIMING,
  pushPullIntervalMs,
} from '../../../src/core/membership/timing.js';

describe('push-pull interval by cluster size', () => {
  const table: [members: number, multiple: number][] = [
    [1, 1],
    [3, 1],
    [32, 1],
    [33, 2],
    [64, 2],
    [65, 3],
    [200, 4],
    [1000, 6],
    [10_000, 10],
  ];
  for (const [members, multiple] of table)
    it(`${members} members: ${multiple} × the base interval`, () => {
      assert.equal(pushPullIntervalMs(FAST_TIMING, members), FAST_TIMING.pushPullIntervalMs * multiple);
      assert.equal(
        pushPullIntervalMs(MEMBERLIST_LAN_TIMING, members),
        MEMBERLIST_LAN_TIMING.pushPullIntervalMs * multiple,
      );
    });
});
