// First-contact grace: a failed probe of a member met moments ago (discovered, or back as a new
// process) is excused; the end of the grace or a verdict ends the excuse.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FirstContactGrace } from '../../../src/core/membership/first-contact.js';
import { FAST_TIMING, MEMBERLIST_LAN_TIMING } from '../../../src/core/membership/timing.js';

describe('first-contact grace', () => {
  it('excuses a member met less than the grace ago, not one never met', () => {
    const grace = new FirstContactGrace(1500);
    grace.met('b', 1000);
    assert.equal(grace.excuses('b', 1000), true);
    assert.equal(grace.excuses('b', 2499), true);
    assert.equal(grace.excuses('a', 1000), false, 'a member never met is judged as usual');
  });

  it('ends at the grace: later failed probes count', () => {
    const grace = new FirstContactGrace(1500);
    grace.met('b', 0);
    assert.equal(grace.excuses('b', 1500), false);
    assert.equal(grace.excuses('b', 100), false, 'once over, the grace does not come back by itself');
  });

  it('starts again when the member comes back as a new process, and ends with a verdict', () => {
    const grace = new FirstContactGrace(1500);
    grace.met('b', 0);
    assert.equal(grace.excuses('b', 2000), false);
    grace.met('b', 5000);
    assert.equal(grace.excuses('b', 5100), true);
    grace.forget('b');
    assert.equal(grace.excuses('b', 5200), false);
  });

  it('lists the members still in their grace', () => {
    const grace = new FirstContactGrace(1000);
    grace.met('b', 0);
    grace.met('c', 600);
    assert.deepEqual(grace.pending(700), ['b', 'c']);
    assert.deepEqual(grace.pending(1200), ['c']);
  });

  it('matches a model: excused iff met, no verdict since, and within the grace', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('met' as const), node: fc.constantFrom('a', 'b'), dt: fc.nat(800) }),
      fc.record({ kind: fc.constant('forget' as const), node: fc.constantFrom('a', 'b'), dt: fc.nat(800) }),
      fc.record({ kind: fc.constant('probe' as const), node: fc.constantFrom('a', 'b'), dt: fc.nat(800) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const graceMs = 1000;
        const grace = new FirstContactGrace(graceMs);
        const metAt = new Map<string, number>();
        let now = 0;
        for (const o of ops) {
          now += o.dt;
          if (o.kind === 'met') {
            grace.met(o.node, now);
            metAt.set(o.node, now);
          } else if (o.kind === 'forget') {
            grace.forget(o.node);
            metAt.delete(o.node);
          } else {
            const met = metAt.get(o.node);
            const expected = met !== undefined && now - met < graceMs;
            if (!expected) metAt.delete(o.node);
            assert.equal(grace.excuses(o.node, now), expected);
          }
        }
      }),
    );
  });

  it('in every profile, the grace spans several probe rounds and the join outwaits a push-pull', () => {
    for (const timing of [FAST_TIMING, MEMBERLIST_LAN_TIMING]) {
      const round = timing.probeIntervalMs + timing.probeTimeoutMs;
      assert.ok(timing.firstContactGraceMs >= 3 * round, 'a slow first contact is retried first');
      assert.ok(timing.firstContactGraceMs <= timing.suspicionMaxMs + timing.joinTimeoutMs, 'bounded');
      assert.ok(timing.joinTimeoutMs > timing.probeTimeoutMs * 4, 'longer than an anti-entropy push-pull');
    }
  });
});
