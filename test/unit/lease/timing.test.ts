// MicroTime text and the rules between the election's durations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toMicroTime } from '../../../src/core/lease/micro-time.js';
import {
  DEFAULT_LEASE_TIMING,
  leaseDurationSeconds,
  timingProblems,
} from '../../../src/core/lease/timing.js';

describe('lease times and timing', () => {
  it('writes MicroTime: UTC, six fractional digits', () => {
    assert.equal(toMicroTime(0), '1970-01-01T00:00:00.000000Z');
    assert.equal(toMicroTime(Date.UTC(2025, 0, 2, 3, 4, 5, 678) + 0.25), '2025-01-02T03:04:05.678250Z');
  });

  it('accepts the defaults and names every broken rule', () => {
    assert.deepEqual(timingProblems(DEFAULT_LEASE_TIMING), []);
    const problems = timingProblems({ leaseDurationMs: 3000, renewDeadlineMs: 3000, retryPeriodMs: 3000 });
    assert.equal(problems.length, 2);
    assert.match(problems[0] ?? '', /renew deadline .* shorter than the lease duration/);
    assert.match(problems[1] ?? '', /retry period .* shorter than the renew deadline/);
    assert.equal(timingProblems({ leaseDurationMs: 500, renewDeadlineMs: 400, retryPeriodMs: 0 }).length, 2);
  });

  it('rounds the declared duration up to whole seconds', () => {
    assert.equal(leaseDurationSeconds(4000), 4);
    assert.equal(leaseDurationSeconds(4001), 5);
  });
});
