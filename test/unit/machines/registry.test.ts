// The registry lists every machine, and each one exports a statechart with its states.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { machines } from '../../../src/machines/registry.js';

describe('machine registry', () => {
  it('lists each machine under its own id, exportable as JSON', () => {
    assert.deepEqual(
      machines.map((m) => m.id),
      ['member', 'leadership', 'bgpSession', 'bfdSession', 'frrDaemons', 'informer', 'leaderElection'],
    );
    for (const { id, machine } of machines) {
      const chart = machine.toJSON() as { id: string; states: Record<string, unknown> };
      assert.equal(chart.id, id);
      assert.ok(countStates(chart.states) >= 4, `${id} has its states`);
      assert.doesNotThrow(() => JSON.stringify(chart));
    }
  });
});

/** States at every depth (a parallel machine has few at the top). */
function countStates(states: Record<string, unknown> | undefined): number {
  return Object.values(states ?? {}).reduce<number>(
    (n, s) => n + 1 + countStates((s as { states?: Record<string, unknown> }).states),
    0,
  );
}
