// The chaos invariants and report over hand-made observations: gaps, settling, split brain,
// attribution of outages to faults, resources, reallocation, and the rendered table and SVG.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_BOUNDS,
  outageGaps,
  outagePerFault,
  reallocations,
  resourceViolations,
  ribProblem,
  serviceViolations,
  settleProblems,
  splitBrainMs,
  type ArpRound,
  type HttpSample,
} from '../../../src/lab/chaos/invariants.js';
import {
  ownerSegments,
  summarize,
  summaryTable,
  timelineSvg,
  type ChaosResult,
} from '../../../src/lab/chaos/report.js';

const VIP = '10.77.0.200';
/** Answers every 20 ms from `node` over [from, to). */
const answers = (node: string | undefined, from: number, to: number, vip = VIP): HttpSample[] =>
  Array.from({ length: Math.ceil((to - from) / 20) }, (_, i) => ({
    vip,
    sent: from + i * 20,
    at: from + i * 20,
    node,
  }));
const rounds = (macs: string[], from: number, to: number, gratuitous: string[] = []): ArpRound[] =>
  Array.from({ length: Math.ceil((to - from) / 200) }, (_, i) => ({
    vip: VIP,
    at: from + i * 200,
    macs,
    gratuitous,
  }));

describe('outageGaps', () => {
  it('finds periods without a successful answer, edges included', () => {
    const samples = [
      ...answers('node1', 0, 1000),
      ...answers(undefined, 1000, 1600),
      ...answers('node2', 1600, 3000),
    ];
    assert.deepEqual(outageGaps(samples, VIP, 0, 3000, 150), [{ vip: VIP, from: 980, to: 1600 }]);
    assert.deepEqual(outageGaps(samples, VIP, 0, 3500, 150), [
      { vip: VIP, from: 980, to: 1600 },
      { vip: VIP, from: 2980, to: 3500 },
    ]);
    assert.deepEqual(outageGaps(samples, 'fd00:77::200', 0, 100, 150), []);
    assert.equal(outageGaps(samples, 'fd00:77::200', 0, 1000, 150).length, 1);
  });
});

describe('settleProblems', () => {
  const base = { now: 3000, windowMs: 1500, serving: [VIP], withdrawn: [] as string[], gapMs: 150 };
  it('is settled when one node answers HTTP and exactly one MAC answers ARP', () => {
    assert.deepEqual(
      settleProblems({ ...base, http: answers('node1', 0, 3000), arp: rounds(['m1'], 0, 3000) }),
      [],
    );
  });
  it('names an HTTP gap, two answering nodes, two MACs, stale gratuitous ARP, a withdrawn address still answered', () => {
    const http = [...answers('node1', 0, 2000), ...answers('node2', 2000, 3000)];
    const problems = settleProblems({ ...base, http, arp: rounds(['m1', 'm2'], 0, 3000) });
    assert.ok(problems.some((p) => /answered by node1 and node2/.test(p)));
    assert.ok(problems.some((p) => /2 MACs answer ARP/.test(p)));
    const gap = settleProblems({ ...base, http: answers('node1', 0, 2500), arp: rounds(['m1'], 0, 3000) });
    assert.ok(
      gap.some((p) => /no HTTP answer for 520 ms/.test(p)),
      gap.join(),
    );
    const stale = settleProblems({
      ...base,
      http: answers('node1', 0, 3000),
      arp: rounds(['m1'], 0, 3000, ['m2']),
    });
    assert.ok(stale.some((p) => /gratuitous ARP from m2 while m1 answers/.test(p)));
    const withdrawn = settleProblems({
      ...base,
      serving: [],
      withdrawn: [VIP],
      http: [],
      arp: rounds(['m1'], 0, 3000),
    });
    assert.ok(withdrawn.some((p) => /withdrawn, but m1/.test(p)));
    assert.ok(
      settleProblems({ ...base, http: answers('node1', 0, 3000), arp: [] }).some((p) =>
        /too few ARP/.test(p),
      ),
    );
  });
});

describe('settleProblems: the stale neighbour entry', () => {
  it('names a client served by a node other than the one answering ARP', () => {
    const input = {
      now: 3000,
      windowMs: 1500,
      serving: [VIP],
      withdrawn: [],
      gapMs: 150,
      http: answers('node2', 0, 3000),
      arp: rounds(['m1'], 0, 3000),
    };
    assert.deepEqual(settleProblems({ ...input, macOf: { node1: 'm1', node2: 'm2' } }), [
      '10.77.0.200: the client is served by node2 (m2), ARP is answered by m1',
    ]);
    assert.deepEqual(settleProblems({ ...input, macOf: { node1: 'm2', node2: 'm1' } }), []);
  });
});

describe('settleProblems: anycast (BGP) VIPs', () => {
  it('need answers, from any node, and no ARP', () => {
    const bgp = '10.78.0.10';
    const http = [...answers('node1', 0, 3000, bgp), ...answers('node2', 10, 3000, bgp)];
    const base = { now: 3000, windowMs: 1500, serving: [], withdrawn: [], gapMs: 150, arp: [] };
    assert.deepEqual(settleProblems({ ...base, anycast: [bgp], http }), []);
    assert.deepEqual(settleProblems({ ...base, anycast: [bgp], http: answers('node1', 0, 2000, bgp) }), [
      '10.78.0.10: no HTTP answer for 1020 ms',
    ]);
  });
});

describe('splitBrainMs', () => {
  it('adds up the time two MACs answered', () => {
    const arp = [
      ...rounds(['m1'], 0, 1000),
      ...rounds(['m1', 'm2'], 1000, 1600),
      ...rounds(['m2'], 1600, 3000),
    ];
    assert.equal(splitBrainMs(arp, VIP, 0, 3000), 600);
    assert.equal(splitBrainMs(arp, VIP, 1600, 3000), 0);
  });
});

describe('outagePerFault and serviceViolations', () => {
  const episodes = [
    { index: 1, startAt: 1000, endAt: 3000, settledAt: 4000, problems: [] },
    {
      index: 2,
      startAt: 5000,
      endAt: 6000,
      settledAt: undefined,
      problems: ['10.77.0.200: 2 MACs answer ARP'],
    },
  ];
  const faults = [
    { id: 1, episode: 1, kind: 'kill', startAt: 1000, endAt: 2500 },
    { id: 2, episode: 1, kind: 'churn', startAt: 1800, endAt: 1800 },
    { id: 3, episode: 2, kind: 'cut', startAt: 5000, endAt: 6000 },
  ];
  it('charges a gap to the fault that opened it, from that fault on', () => {
    const outages = outagePerFault(faults, episodes, [
      { vip: VIP, from: 990, to: 1300 },
      { vip: VIP, from: 5100, to: 9000 },
    ]);
    assert.deepEqual(
      [...outages],
      [
        [1, 300],
        [2, 0],
        [3, 3900],
      ],
    );
    const violations = serviceViolations(faults, episodes, outages, DEFAULT_BOUNDS);
    assert.deepEqual(
      violations.map((v) => [v.kind, v.fault ?? v.episode]),
      [
        ['outageTooLong', 3],
        ['notSettled', 2],
      ],
    );
  });
});

describe('outagePerFault: answers in flight', () => {
  it('charges a gap that starts just before a fault to that fault, not to an earlier one', () => {
    const episodes = [{ index: 1, startAt: 0, endAt: 3000, settledAt: 3500, problems: [] }];
    const faults = [
      { id: 1, episode: 1, kind: 'kill', startAt: 0, endAt: 2000 },
      { id: 2, episode: 1, kind: 'cut', startAt: 1500, endAt: 2500 },
    ];
    const outages = outagePerFault(faults, episodes, [{ vip: VIP, from: 1480, to: 1990 }]);
    assert.deepEqual(
      [...outages],
      [
        [1, 0],
        [2, 490],
      ],
    );
  });
});

describe('outagePerFault: router restarts', () => {
  it('charges BGP VIP gaps of its episode to the router restart, held to the settle bound', () => {
    const episodes = [{ index: 1, startAt: 0, endAt: 3000, settledAt: 9000, problems: [] }];
    const faults = [
      { id: 1, episode: 1, kind: 'routerRestart', startAt: 0, endAt: 1300 },
      { id: 2, episode: 1, kind: 'cut', startAt: 140, endAt: 1200 },
    ];
    const bgp = '10.78.0.10';
    const gaps = [
      { vip: bgp, from: 130, to: 6000 },
      { vip: VIP, from: 130, to: 600 },
    ];
    const outages = outagePerFault(faults, episodes, gaps, new Set([bgp]));
    assert.deepEqual(
      [...outages],
      [
        [1, 5870],
        [2, 460],
      ],
    );
    assert.deepEqual(serviceViolations(faults, episodes, outages, DEFAULT_BOUNDS), []);
  });
});

describe('resources, reallocation, RIB', () => {
  it('flags the first sample over a bound per node', () => {
    const samples = [
      { at: 1, node: 'node1', pid: 10, rssKiB: 100 * 1024, fds: 30 },
      { at: 2, node: 'node1', pid: 10, rssKiB: 400 * 1024, fds: 300 },
      { at: 3, node: 'node1', pid: 10, rssKiB: 500 * 1024, fds: 30 },
    ];
    assert.deepEqual(
      resourceViolations(samples, DEFAULT_BOUNDS).map((v) => [v.kind, v.at]),
      [
        ['rss', 2],
        ['fds', 2],
      ],
    );
  });
  it('notices a Service announced on another address while it existed, not after a removal', () => {
    const s = (at: number, ips: string[]) => ({ at, node: 'node1', service: 'default/a', ips });
    assert.equal(reallocations([s(1, ['10.0.0.1']), s(2, ['10.0.0.1']), s(3, ['10.0.0.2'])], []).length, 1);
    assert.equal(
      reallocations([s(1, ['10.0.0.1']), s(3, ['10.0.0.2'])], [{ at: 2, service: 'default/a' }]).length,
      0,
    );
  });
  it('compares next hops as sets', () => {
    assert.equal(ribProblem('p', ['a', 'b'], ['b', 'a']), undefined);
    assert.match(ribProblem('p', ['a', 'b'], ['a']) ?? '', /router has \[a\], plan says \[a,b\]/);
  });
});

describe('report', () => {
  const http = [...answers('node1', 0, 1000), ...answers('node2', 1600, 3000)];
  const result: ChaosResult = {
    seed: 7,
    mode: 'l2',
    nodes: ['node1', 'node2', 'node3'],
    startedAt: 0,
    endedAt: 3000,
    skipped: 0,
    faults: [
      {
        id: 1,
        episode: 1,
        kind: 'kill',
        startAt: 1000,
        endAt: 2000,
        onLeader: true,
        description: '#1 kill node1',
        nodes: ['node1'],
      },
      {
        id: 2,
        episode: 1,
        kind: 'kill',
        startAt: 2000,
        endAt: 2100,
        description: '#2 kill node3',
        nodes: ['node3'],
      },
      {
        id: 3,
        episode: 1,
        kind: 'partition',
        startAt: 2000,
        endAt: 2500,
        description: '#3 <p>',
        nodes: ['node1', 'node2'],
      },
    ],
    episodes: [{ index: 1, startAt: 1000, endAt: 2500, settledAt: 2800, problems: [] }],
    outageMs: { 1: 600, 2: 0, 3: 0 },
    splitBrain: [{ episode: 1, duringMs: 400, afterHealMs: 0 }],
    owners: ownerSegments(http),
    gaps: outageGaps(http, VIP, 0, 3000, 150),
    violations: [{ kind: 'crash', at: 2500, detail: 'node2: speaker pid 1 exited unexpectedly' }],
    speakerStarts: 4,
    maxRssMiB: {},
    maxFds: {},
  };
  it('summarizes outages per kind and prints violations with the replay command', () => {
    const summary = summarize(result, 'herald lab chaos --seed 7');
    assert.deepEqual(
      summary.byKind.find((r) => r.kind === 'kill'),
      { kind: 'kill', count: 2, p50: 0, p99: 600, max: 600, onLeader: { count: 1, p50: 600, p99: 600 } },
    );
    assert.equal(summary.splitBrain.max, 400);
    const table = summaryTable(summary, result.violations);
    assert.match(table, /\| kill \| 2 \| 0 \| 600 \| 600 \| 1 \| 600 \/ 600 \|/);
    assert.match(table, /VIOLATION crash: node2/);
    assert.match(table, /replay: herald lab chaos --seed 7/);
  });
  it('draws owners per VIP, faults per lane and outages, escaping text', () => {
    assert.deepEqual(
      result.owners.map((o) => [o.node, o.from, o.to]),
      [
        ['node1', 0, 980],
        ['node2', 1600, 2980],
      ],
    );
    const svg = timelineSvg(result);
    assert.match(svg, /^<svg /);
    assert.match(svg, /outage 620 ms/);
    assert.match(svg, /#3 &lt;p&gt;/);
    assert.match(svg, /node1 answers 10\.77\.0\.200/);
    assert.ok(!svg.includes('<p>'));
  });
});
