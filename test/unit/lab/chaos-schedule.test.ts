// The chaos schedule is a pure function of its options: the same seed replays the same faults,
// and every episode leaves a node untouched by node faults.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { prng } from '../../../src/lab/chaos/prng.js';
import {
  bindFault,
  bindSlots,
  chaosSchedule,
  describeFault,
  faultNodes,
  slotNames,
  type Fault,
} from '../../../src/lab/chaos/schedule.js';

const NODES = ['node1', 'node2', 'node3'];
const SLOTS = [1, 2, 3, 4].map((i) => ({ service: `churn-${i}`, ip: `10.77.0.${200 + i}` }));
const options = (seed: number, faults = 200, mode: 'l2' | 'bgp' | 'both' = 'l2') => ({
  seed,
  faults,
  nodes: NODES,
  mode,
  churnSlots: SLOTS,
});
const all = (s: ReturnType<typeof chaosSchedule>): Fault[] => s.episodes.flatMap((e) => e.faults);

describe('prng', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = prng(42);
    const b = prng(42);
    const c = prng(43);
    const seqA = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(
      seqA,
      Array.from({ length: 5 }, () => b.next()),
    );
    assert.notDeepEqual(
      seqA,
      Array.from({ length: 5 }, () => c.next()),
    );
    const r = prng(7);
    for (let i = 0; i < 1000; i++) {
      const n = r.int(3, 5);
      assert.ok(n >= 3 && n <= 5 && Number.isInteger(n));
    }
    assert.deepEqual([...prng(1).sample([1, 2, 3, 4], 4)].sort(), [1, 2, 3, 4]);
  });
});

describe('chaosSchedule', () => {
  it('gives the same schedule for the same seed, another for another seed', () => {
    assert.deepEqual(chaosSchedule(options(1234)), chaosSchedule(options(1234)));
    assert.notDeepEqual(all(chaosSchedule(options(1234))), all(chaosSchedule(options(1235))));
  });

  it('has exactly the requested number of faults, numbered in order, in episodes of 1 to 3', () => {
    for (const seed of [1, 2, 3, 99]) {
      const s = chaosSchedule(options(seed, 37));
      const faults = all(s);
      assert.equal(faults.length, 37);
      assert.deepEqual(
        faults.map((f) => f.id),
        Array.from({ length: 37 }, (_, i) => i + 1),
      );
      for (const e of s.episodes) {
        assert.ok(e.faults.length >= 1 && e.faults.length <= 3);
        assert.equal(e.lengthMs, Math.max(...e.faults.map((f) => f.startMs + f.durationMs)));
      }
    }
  });

  it('leaves at least one node untouched by node faults in every episode; partitions split all nodes', () => {
    for (const seed of [5, 6, 7]) {
      for (const e of chaosSchedule(options(seed)).episodes) {
        const nodeFaults = e.faults.filter((f) => f.kind !== 'partition' && f.kind !== 'oneWay');
        const hit = new Set(nodeFaults.flatMap(faultNodes));
        assert.ok(
          hit.size <= NODES.length - 1,
          `episode ${e.index}: ${e.faults.map(describeFault).join(', ')}`,
        );
        for (const f of e.faults) {
          if (f.kind === 'partition') {
            assert.deepEqual([...f.sides[0], ...f.sides[1]].sort(), NODES);
            assert.ok(f.sides[0].length > 0 && f.sides[1].length > 0);
            assert.equal(e.faults[0], f, 'a partition opens its episode');
          }
          if (f.kind === 'oneWay') assert.ok(!f.from.includes(f.to) && f.from.length > 0);
        }
      }
    }
  });

  it('covers every kind over 200 faults, router restarts only with BGP', () => {
    const l2 = new Set(all(chaosSchedule(options(8))).map((f) => f.kind));
    assert.deepEqual([...l2].sort(), [
      'churn',
      'cpu',
      'cut',
      'kill',
      'loss',
      'oneWay',
      'partition',
      'stop',
      'storm',
      'term',
    ]);
    assert.ok(all(chaosSchedule(options(8, 200, 'both'))).some((f) => f.kind === 'routerRestart'));
  });

  it('churns consistently: adds only absent Services, removes only present ones', () => {
    const present = new Set<string>();
    for (const f of all(chaosSchedule(options(11, 400)))) {
      if (f.kind !== 'churn') continue;
      if (f.op === 'add') {
        assert.ok(!present.has(f.service));
        present.add(f.service);
      } else assert.ok(present.delete(f.service));
      assert.equal(f.ip, SLOTS.find((s) => s.service === f.service)?.ip);
    }
  });

  it('keeps fault parameters in their ranges and refuses bad options', () => {
    for (const f of all(chaosSchedule(options(3)))) {
      if (f.kind === 'loss') assert.ok(f.percent >= 5 && f.percent <= 30);
      if (f.kind === 'cpu') assert.ok(f.quotaPercent >= 5 && f.quotaPercent <= 20);
      if (f.kind === 'storm') assert.equal(f.durationMs, f.restarts * f.gapMs);
      assert.ok(f.durationMs >= 0 && f.durationMs <= 5000);
    }
    assert.throws(() => chaosSchedule(options(1, 0)), /positive/);
    assert.throws(() => chaosSchedule({ ...options(1), nodes: ['node1'] }), /2 nodes/);
  });
});

describe('slots', () => {
  it('binds the leader slot to the current leader and the peers in name order', () => {
    assert.deepEqual(slotNames(3), ['leader', 'peer1', 'peer2']);
    assert.deepEqual(
      [...bindSlots(NODES, 'node2')],
      [
        ['leader', 'node2'],
        ['peer1', 'node1'],
        ['peer2', 'node3'],
      ],
    );
    assert.equal(bindSlots(NODES, undefined).get('leader'), 'node1');
  });
  it('rewrites every node a fault names, keeping the schedule itself fixed', () => {
    const slots = bindSlots(NODES, 'node3');
    const base = { id: 1, episode: 1, startMs: 0, durationMs: 100 };
    assert.deepEqual(bindFault({ ...base, kind: 'kill', node: 'leader' }, slots), {
      ...base,
      kind: 'kill',
      node: 'node3',
    });
    assert.deepEqual(
      bindFault({ ...base, kind: 'partition', sides: [['leader'], ['peer1', 'peer2']] }, slots),
      {
        ...base,
        kind: 'partition',
        sides: [['node3'], ['node1', 'node2']],
      },
    );
    assert.deepEqual(bindFault({ ...base, kind: 'oneWay', from: ['peer2'], to: 'leader' }, slots), {
      ...base,
      kind: 'oneWay',
      from: ['node2'],
      to: 'node3',
    });
    const s = chaosSchedule({ ...options(4), nodes: slotNames(3) });
    assert.ok(all(s).some((f) => faultNodes(f).includes('leader')));
  });
});
