// Failure detection in a small cluster (3 members by default), per timing profile, on the
// simulated network and clock of bench/membership-sim.ts: a cut cable, a frozen process (SIGSTOP)
// and a killed one, many trials each (first survivor and every survivor to mark it dead); false
// suspicions and deaths while every member stalls now and then (a busy 2-core machine: each
// process's event loop blocked 20–200 ms, ~once a second) and with 1 % / 5 % packet loss
// (retransmitted after TCP's RTO); and each profile's messages, bytes and CPU per member.
// The simulation has no kernel, no noise/yamux and no gossipsub: it measures the protocol's own
// timing; `herald lab failover-bench` measures the real thing end to end.
// Environment: DETECT_N (3), DETECT_TRIALS (100), DETECT_SOAK_S (60 simulated seconds per setting),
// DETECT_PROFILES (fast,lan plus named candidates below).
import { createMemberTracker } from '../src/actors/member-tracker.js';
import { MembershipActor, type MemberChange } from '../src/actors/membership.actor.js';
import { FAST_TIMING, TIMING_PROFILES, type MembershipTiming } from '../src/core/membership/timing.js';
import { SimClock, SimNetwork } from './membership-sim.js';

const N = Number(process.env.DETECT_N ?? 3);
const TRIALS = Number(process.env.DETECT_TRIALS ?? 100);
const SOAK_MS = Number(process.env.DETECT_SOAK_S ?? 60) * 1000;

/** Candidate profiles, measured beside the shipped ones. */
const CANDIDATES: Record<string, MembershipTiming> = {
  /** Probe every member every 50 ms; the same ack window (230 ms) and suspicion minimum as fast. */
  'fast-50': { ...FAST_TIMING, probeIntervalMs: 50 },
  /** 50 ms rounds, 80 ms timeouts (190 ms ack window), 100 ms suspicion minimum. */
  'fast-50-80-100': { ...FAST_TIMING, probeIntervalMs: 50, probeTimeoutMs: 80, suspicionMinMs: 100 },
};
const PROFILES: Record<string, MembershipTiming> = { ...TIMING_PROFILES, ...CANDIDATES };
const NAMES = (process.env.DETECT_PROFILES ?? 'fast,fast-50,fast-50-80-100,lan').split(',');

function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

async function measure(name: string, timing: MembershipTiming) {
  const clock = new SimClock();
  const random = seeded(42);
  const network = new SimNetwork(clock, { latencyMs: 0.1, jitterMs: 0.2, loss: 0, lossModel: 'tcp' }, random);
  const names = Array.from({ length: N }, (_, i) => `n${i + 1}`);
  const changes: (MemberChange & { observer: string; at: number })[] = [];
  const actors = new Map<string, MembershipActor>();
  let generation = 0;
  const spawn = (node: string): MembershipActor => {
    const actor = new MembershipActor({
      self: node,
      transport: network.transport(node),
      clock,
      timing,
      seeds: names.filter((n) => n !== node),
      createTracker: (init) => createMemberTracker(init, timing, clock),
      random: seeded(generation * 100 + names.indexOf(node) + 1),
      initialIncarnation: generation * 1_000_000,
    });
    generation += 1;
    actor.onChange((c) => changes.push({ ...c, observer: node, at: clock.now() }));
    actors.set(node, actor);
    return actor;
  };
  const state = (o: string, m: string) => actors.get(o)?.memberStates().get(m)?.state;
  const formed = () => names.every((o) => names.every((m) => m === o || state(o, m) === 'alive'));
  // Members start at random phases of a probe round, as separate processes do.
  const starting = names.map(
    (n) =>
      new Promise<void>((resolve) =>
        clock.setTimeout(() => void spawn(n).start().then(resolve), random() * timing.probeIntervalMs),
      ),
  );
  await clock.runUntilTrue(() => actors.size === N && formed(), 30_000);
  await Promise.all(starting);
  await clock.run(timing.firstContactGraceMs + 500);

  const results: Record<string, { first: number[]; all: number[] }> = {};
  for (const fault of ['cut', 'freeze', 'kill'] as const) {
    const first: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const victim = names[i % N] ?? 'n1';
      const survivors = names.filter((n) => n !== victim);
      // Faults land at a random phase of the probe rounds.
      await clock.run(random() * timing.probeIntervalMs);
      const at = clock.now();
      const mark = changes.length;
      if (fault === 'cut') network.cutCable(victim);
      else if (fault === 'freeze') network.freeze(victim);
      else network.kill(victim);
      await clock.runUntilTrue(() => survivors.every((s) => state(s, victim) === 'dead'), 120_000, 1);
      const deaths = changes
        .slice(mark)
        .filter((c) => c.node === victim && c.to === 'dead')
        .map((c) => c.at - at);
      first.push(Math.min(...deaths));
      all.push(Math.max(...deaths));
      if (fault === 'cut') network.healCable(victim);
      else if (fault === 'freeze') network.thaw(victim);
      else {
        const restarted = spawn(victim);
        void restarted.start();
      }
      await clock.runUntilTrue(formed, 120_000, 10);
      await clock.run(timing.firstContactGraceMs + 300);
    }
    results[fault] = { first, all };
  }

  // Soaks: false suspicions and deaths (no member ever fails).
  const soak = async (setup: () => void, teardown: () => void) => {
    await clock.runUntilTrue(formed, 60_000, 10);
    await clock.run(2000);
    const mark = changes.length;
    network.resetTraffic();
    const cpu0 = process.cpuUsage();
    setup();
    await clock.run(SOAK_MS);
    teardown();
    const cpu = process.cpuUsage(cpu0);
    const wrong = changes.slice(mark).filter((c) => c.node !== c.observer);
    const traffic = [...network.sent.values()];
    return {
      suspicions: wrong.filter((c) => c.to === 'suspect').length,
      deaths: wrong.filter((c) => c.to === 'dead').length,
      msgs: traffic.reduce((s, t) => s + t.messages, 0) / N / (SOAK_MS / 1000),
      bytes: traffic.reduce((s, t) => s + t.bytes, 0) / N / (SOAK_MS / 1000),
      cpuUs: (cpu.user + cpu.system) / N / (SOAK_MS / 1000),
    };
  };
  const quiet = await soak(
    () => undefined,
    () => undefined,
  );
  // Stalls: each member's event loop blocked 20–200 ms at random, about once a second.
  let stalling = true;
  const stallLoop = (node: string): void => {
    clock.setTimeout(
      () => {
        if (!stalling) return;
        network.stall(node, 20 + random() * 180);
        stallLoop(node);
      },
      -Math.log(1 - random()) * 1000,
    );
  };
  const stalls = await soak(
    () => names.forEach(stallLoop),
    () => (stalling = false),
  );
  const lossy = async (loss: number) =>
    soak(
      () => (network.link.loss = loss),
      () => (network.link.loss = 0),
    );
  const loss1 = await lossy(0.01);
  const loss5 = await lossy(0.05);
  for (const a of actors.values()) void a.stop();
  await clock.run(timing.leaveFlushMs + 10);
  const pct = (v: number[]) => `${percentile(v, 50).toFixed(0)} / ${percentile(v, 99).toFixed(0)}`;
  const fp = (r: { suspicions: number; deaths: number }) => `${r.suspicions} / ${r.deaths}`;
  console.log(
    `| ${[
      name,
      pct(results.cut?.first ?? []),
      pct(results.cut?.all ?? []),
      pct(results.freeze?.first ?? []),
      pct(results.kill?.first ?? []),
      fp(stalls),
      fp(loss1),
      fp(loss5),
      quiet.msgs.toFixed(0),
      (quiet.bytes / 1024).toFixed(1),
      quiet.cpuUs.toFixed(0),
    ].join(' | ')} |`,
  );
}

console.log(`${N} members, ${TRIALS} trials per fault, soaks of ${SOAK_MS / 1000} s simulated per setting`);
const header = [
  'profile',
  'cut: first p50/p99 ms',
  'cut: all p50/p99',
  'freeze: first p50/p99',
  'kill: first p50/p99',
  'stalls: false susp./deaths',
  '1 % loss',
  '5 % loss',
  'msgs/member/s',
  'KiB/member/s',
  'CPU µs/member/s',
];
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const name of NAMES) {
  const timing = PROFILES[name];
  if (timing) await measure(name, timing);
}
