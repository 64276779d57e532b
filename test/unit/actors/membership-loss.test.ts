// Loss on a TCP transport is delay: a lost ping or ack is retransmitted one RTO (200 ms on Linux)
// later. The membership actor keeps listening for the direct ack while the helpers try, so one
// retransmission is not a failed probe; a member that stays silent is still suspected.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SimulatedClock } from 'xstate';
import { createMemberTracker } from '../../../src/actors/member-tracker.js';
import { MembershipActor, type MemberChange } from '../../../src/actors/membership.actor.js';
import { FAST_TIMING } from '../../../src/core/membership/timing.js';
import { MemoryNetwork } from '../../fakes/memory-network.js';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const RTO_MS = 200;

/** Two members; every ping m1 sends waits one retransmission timeout before it leaves. */
function pair() {
  const clock = new SimulatedClock();
  const network = new MemoryNetwork(clock, 1);
  const changes: (MemberChange & { observer: string })[] = [];
  const probes: string[] = [];
  const actors = ['m1', 'm2'].map((name, i) => {
    const transport = network.transport(name);
    if (name === 'm1') {
      const request = transport.request.bind(transport);
      transport.request = (to, message, timeoutMs) =>
        message.type !== 'ping'
          ? request(to, message, timeoutMs)
          : new Promise((resolve) => {
              if (timeoutMs <= RTO_MS) clock.setTimeout(() => resolve(undefined), timeoutMs);
              else clock.setTimeout(() => resolve(request(to, message, timeoutMs - RTO_MS)), RTO_MS);
            });
    }
    const actor = new MembershipActor({
      self: name,
      transport,
      clock,
      timing: FAST_TIMING,
      seeds: i === 0 ? [] : ['m1'],
      createTracker: (init) => createMemberTracker(init, FAST_TIMING, clock),
      onProbe: (node, outcome) => probes.push(`${name}→${node}: ${outcome}`),
      random: () => 0.5,
    });
    actor.onChange((c) => changes.push({ ...c, observer: name }));
    return actor;
  });
  const advance = async (ms: number): Promise<void> => {
    for (let t = 0; t < ms; t += 5) {
      clock.increment(5);
      await flush();
    }
  };
  return { network, actors, changes, probes, advance };
}

describe('membership actor: a retransmitted ping is late, not lost', () => {
  it('acks one RTO late still count as direct acks: no suspicion', async () => {
    const p = pair();
    const started = p.actors.map((a) => a.start());
    await p.advance(50);
    await Promise.all(started);
    await p.advance(FAST_TIMING.firstContactGraceMs + 2000);
    assert.deepEqual(
      p.changes
        .filter((c) => c.to === 'suspect' || c.to === 'dead')
        .map((c) => `${c.observer}: ${c.node} ${c.to}`),
      [],
    );
    const m1 = p.probes.filter((x) => x.startsWith('m1'));
    assert.ok(m1.length >= 10, 'm1 kept probing');
    assert.ok(
      m1.every((x) => x === 'm1→m2: direct'),
      m1.join(', '),
    );
  });

  it('a member that stays silent is still suspected and declared dead', async () => {
    const p = pair();
    const started = p.actors.map((a) => a.start());
    await p.advance(50);
    await Promise.all(started);
    await p.advance(FAST_TIMING.firstContactGraceMs + 500);
    p.network.cutCable('m2');
    await p.advance(2000);
    assert.equal(p.actors[0]?.memberStates().get('m2')?.state, 'dead');
  });
});
