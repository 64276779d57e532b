// Membership failure detection in a cluster of real processes on loopback (5 members, or
// BENCH_MEMBERS):
//  - detection time of a frozen (SIGSTOP) member and of a killed (SIGKILL) member, N trials each;
//  - false suspicions while both cores are kept busy for a while;
//  - resident memory of one member.
// Targets (issue 4): frozen detected p99 ≤ 600 ms; zero false suspicions; RSS ≤ 120 MiB.
// Environment: BENCH_TRIALS (default 30), BENCH_SOAK_MS (default 300000), BENCH_PROFILE (fast),
// BENCH_MEMBERS (default 5; each member is a `herald membership` process of ~90 MiB).
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { freePorts } from '../test/integration/ports.js';
import { MemberCluster } from '../test/support/member-processes.js';

const TRIALS = Number(process.env.BENCH_TRIALS ?? 30);
const SOAK_MS = Number(process.env.BENCH_SOAK_MS ?? 300_000);
const PROFILE = process.env.BENCH_PROFILE ?? 'fast';
const NAMES = Array.from({ length: Number(process.env.BENCH_MEMBERS ?? 5) }, (_, i) => `n${i + 1}`);

/** Formation and rejoin waits: every member is a process that needs ~1 s of CPU to start. */
const FORM_MS = 15_000 + 1500 * NAMES.length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const summary = (label: string, values: number[]) =>
  `${label}: n=${values.length} p50 ${percentile(values, 50).toFixed(0)} ms, p99 ${percentile(values, 99).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms`;

const ports = await freePorts(NAMES.length);
const address = (name: string) => `127.0.0.1:${ports[NAMES.indexOf(name)] ?? 0}`;
const cluster = new MemberCluster({ profile: PROFILE });
const others = (name: string) => NAMES.filter((n) => n !== name);
const formed = () => NAMES.every((m) => cluster.allSee(m, 'alive', others(m)));

try {
  for (const name of NAMES) cluster.start(name, address(name), [address('n1')]);
  await cluster.waitFor(formed, FORM_MS, 'cluster formation');
  await sleep(1000);

  const rssKiB = NAMES.map((name) => {
    const status = readFileSync(`/proc/${cluster.members.get(name)?.child.pid ?? 0}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  });

  /** ms from the fault until the first survivor, and until every survivor, marks the victim dead. */
  async function trial(victim: string, fault: () => void): Promise<{ first: number; all: number }> {
    const survivors = others(victim);
    const before = new Map(survivors.map((s) => [s, cluster.members.get(s)?.events.length ?? 0]));
    const t0 = Date.now();
    fault();
    await cluster.waitFor(() => cluster.allSee(victim, 'dead', survivors), 10_000, `${victim} dead`);
    const deadAt = survivors.map((s) => {
      const events = cluster.members.get(s)?.events.slice(before.get(s)) ?? [];
      return events.find((e) => e.member === victim && e.to === 'dead')?.wall ?? Number.NaN;
    });
    return { first: Math.min(...deadAt) - t0, all: Math.max(...deadAt) - t0 };
  }

  const frozenFirst: number[] = [];
  const frozenAll: number[] = [];
  for (let i = 0; i < (process.env.BENCH_SKIP_TRIALS ? 0 : TRIALS); i++) {
    const victim = NAMES[1 + (i % (NAMES.length - 1))] ?? 'n2';
    const r = await trial(victim, () => cluster.signal(victim, 'SIGSTOP'));
    frozenFirst.push(r.first);
    frozenAll.push(r.all);
    cluster.signal(victim, 'SIGCONT');
    await cluster.waitFor(formed, FORM_MS, 'recovery after SIGCONT');
    await sleep(300);
  }
  console.log(summary('frozen member, first survivor', frozenFirst));
  console.log(summary('frozen member, every survivor', frozenAll));

  const killedFirst: number[] = [];
  const killedAll: number[] = [];
  for (let i = 0; i < (process.env.BENCH_SKIP_TRIALS ? 0 : TRIALS); i++) {
    const victim = NAMES[1 + (i % (NAMES.length - 1))] ?? 'n2';
    const r = await trial(victim, () => cluster.signal(victim, 'SIGKILL'));
    killedFirst.push(r.first);
    killedAll.push(r.all);
    await cluster.exited(victim);
    cluster.start(victim, address(victim), [address('n1')]);
    await cluster.waitFor(formed, FORM_MS, 'rejoin after restart');
    await sleep(300);
  }
  console.log(summary('killed member, first survivor', killedFirst));
  console.log(summary('killed member, every survivor', killedAll));

  if (process.env.BENCH_SKIP_TRIALS) console.log('(trials skipped)');
  // Soak: both cores busy; count any member suspected by anyone.
  const counted = new Map(NAMES.map((n) => [n, cluster.members.get(n)?.events.length ?? 0]));
  const burners = [0, 1].map(() =>
    spawn(process.execPath, ['-e', `const end = Date.now() + ${SOAK_MS}; while (Date.now() < end) {}`], {
      stdio: 'ignore',
    }),
  );
  await sleep(SOAK_MS);
  for (const b of burners) b.kill('SIGKILL');
  const falseSuspicions = NAMES.flatMap((n) =>
    (cluster.members.get(n)?.events.slice(counted.get(n)) ?? []).filter(
      (e) => e.event === 'member' && e.to !== 'alive',
    ),
  );
  console.log(
    `false suspicions during ${(SOAK_MS / 1000).toFixed(0)} s with both cores busy: ${falseSuspicions.length}`,
  );
  console.log(
    `RSS per member: ${rssKiB.map((k) => (k / 1024).toFixed(0)).join(', ')} MiB (max ${(Math.max(...rssKiB) / 1024).toFixed(0)} MiB)`,
  );

  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    'bench/results/membership.json',
    JSON.stringify(
      {
        profile: PROFILE,
        trials: TRIALS,
        soakMs: SOAK_MS,
        frozenFirst,
        frozenAll,
        killedFirst,
        killedAll,
        falseSuspicions,
        rssKiB,
      },
      null,
      2,
    ),
  );
} finally {
  await cluster.close();
}
