import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FailoverTimer } from '../../../src/observe/failover-timer.js';

describe('FailoverTimer', () => {
  it("measures from the old leader's first suspicion, not its later death", () => {
    const timer = new FailoverTimer();
    timer.member('node1', 'suspect', 1000);
    timer.member('node1', 'dead', 1400);
    assert.equal(timer.gained('node1', 1450), 0.45);
  });
  it('nothing when the previous leader never failed (a config change moved the service)', () => {
    const timer = new FailoverTimer();
    assert.equal(timer.gained('node1', 5000), undefined);
    assert.equal(timer.gained(undefined, 5000), undefined);
  });
  it('a refuted suspicion starts the clock again next time', () => {
    const timer = new FailoverTimer();
    timer.member('node1', 'suspect', 1000);
    timer.member('node1', 'alive', 1100);
    timer.member('node1', 'suspect', 9000);
    assert.equal(timer.gained('node1', 9300), 0.3);
  });
});
