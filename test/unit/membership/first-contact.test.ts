// First-contact grace: a failed probe of a member met moments ago (discovered, or back as a new
// process) is excused; the end of the grace, a verdict or a closed connection ends the excuse;
// each process of a member is met once.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FirstContactGrace } from '../../../src/core/membership/first-contact.js';
import { FAST_TIMING, MEMBERLIST_LAN_TIMING } from '../../../src/core/membership/timing.js';

describe('first-contact grace', () => {
  it('excuses a member met less than the grace ago, not one never met', () => {
    const grace = new FirstContactGrace(1500);
    grace.met('b', 1000, 'peer-b1');
    assert.equal(grace.excuses('b', 1000), true);
    assert.equal(grace.excuses('b', 2499), true);
    assert.equal(grace.excuses('a', 1000), false, 'a member never met is judged as usual');
  });

  it('ends at the grace: later failed probes count', () => {
    const grace = new FirstContactGrace(1500);
    grace.met('b', 0, 'peer-b1');
    assert.equal(grace.excuses('b', 1500), false);
    assert.equal(grace.excuses('b', 100), false, 'once over, the grace does not come back by itself');
  });

  it('starts again for a new process of the member, and ends with a verdict', () => {
    const grace = new FirstContactGrace(1500);
    grace.met('b', 0, 'peer-b1');
    assert.equal(grace.excuses('b', 2000), false);
    grace.met('b', 5000, 'peer-b2');
    assert.equal(grace.excuses('b', 5100), true);
    grace.forget('b');
    assert.equal(grace.excuses('b', 5200), false);
  });

  it('meets each process once: contact details flipping between two processes keep no member excused', () => {
    const grace = new FirstContactGrace(1500);
    grace.met('b', 0, 'peer-b1');
    grace.met('b', 100, 'peer-b2');
    // Two speakers configured with the same name: their peer ids alternate in what we hear.
    for (let t = 2000; t < 10_000; t += 500) grace.met('b', t, t % 1000 === 0 ? 'peer-b1' : 'peer-b2');
    assert.equal(grace.excuses('b', 10_000), false);
  });

  it('a peer id learned later for a member already met starts no second grace', () => {
    const grace = new FirstContactGrace(1500);
    grace.met('b', 0);
    grace.identify('b', 'peer-b1');
    assert.equal(grace.excuses('b', 1600), false);
    grace.met('b', 3000, 'peer-b1');
    assert.equal(grace.excuses('b', 3100), false, 'the same process, met already');
  });

  it('lists the members still in their grace', () => {
    const grace = new FirstContactGrace(1000);
    grace.met('b', 0, 'peer-b');
    grace.met('c', 600, 'peer-c');
    assert.deepEqual(grace.pending(700), ['b', 'c']);
    assert.deepEqual(grace.pending(1200), ['c']);
  });

  it('matches a model: excused iff a new process was met, no verdict since, within the grace', () => {
    const node = fc.constantFrom('a', 'b');
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('met' as const),
        node,
        process: fc.constantFrom('p1', 'p2', 'p3'),
        dt: fc.nat(800),
      }),
      fc.record({ kind: fc.constant('forget' as const), node, dt: fc.nat(800) }),
      fc.record({ kind: fc.constant('probe' as const), node, dt: fc.nat(800) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const graceMs = 1000;
        const grace = new FirstContactGrace(graceMs);
        const metAt = new Map<string, number>();
        const seen = new Set<string>();
        let now = 0;
        for (const o of ops) {
          now += o.dt;
          if (o.kind === 'met') {
            grace.met(o.node, now, o.process);
            if (!seen.has(`${o.node}/${o.process}`)) metAt.set(o.node, now);
            seen.add(`${o.node}/${o.process}`);
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
