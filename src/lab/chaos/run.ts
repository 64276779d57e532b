// herald lab chaos: build a lab, run a seeded schedule of overlapping faults against it, and
// check the invariants from outside all along (HTTP from the client namespace, ARP from a monitor
// host, the router's RIB, /proc). Writes a JSON report and an SVG timeline; a failure replays
// from its seed. Every loop is bounded; every change is undone in `finally`.
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { TextIo } from '../../ports/text-io.js';
import { LAB_BGP } from '../bgp-topology.js';
import { waitForService } from '../commands.js';
import { attach, labDown, labUp } from '../lab.js';
import { ip, processAlive, readState } from '../system.js';
import type { LabHost, LabTopology } from '../topology.js';
import { FaultInjector } from './faults.js';
import {
  DEFAULT_BOUNDS,
  outageGaps,
  outagePerFault,
  reallocations,
  ribProblem,
  resourceViolations,
  serviceViolations,
  settleProblems,
  splitBrainMs,
  type AnnounceSample,
  type ArpRound,
  type EpisodeWindow,
  type FaultWindow,
  type HttpSample,
  type ResourceSample,
  type Violation,
} from './invariants.js';
import { ownerSegments, summarize, summaryTable, timelineSvg, type ChaosResult } from './report.js';
import { expectedNextHops, routerNextHops, restartRouter } from './router-check.js';
import { sampleAnnouncements, sampleResources } from './samples.js';
import {
  bindFault,
  bindSlots,
  chaosSchedule,
  describeFault,
  faultNodes,
  slotNames,
  type ChaosMode,
  type ChurnSlot,
  type Fault,
} from './schedule.js';

export interface ChaosOptions {
  readonly id: string;
  readonly nodes: number;
  readonly faults: number;
  readonly seed: number;
  readonly mode: ChaosMode;
  /** Stop starting new episodes after this long (ms). */
  readonly durationMs: number;
  readonly out: string;
  readonly json: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HERE = fileURLToPath(new URL('.', import.meta.url));

export const CHURN_SLOTS: readonly ChurnSlot[] = [1, 2, 3, 4].map((i) => ({
  service: `churn-${i}`,
  ip: `10.77.0.${200 + i}`,
}));

/** The monitor host: ARP requests from its own address, so the client's neighbour table stays the client's. */
const monitorHost = (t: LabTopology): LabHost => ({
  name: 'mon',
  namespace: `${t.prefix}mon`,
  bridgePort: 'p-mon',
  ipv4: '10.77.0.4',
  ipv6: 'fd00:77::4',
  mac: '02:77:00:00:00:04',
});

/** In the client namespace: GET every VIP (`vip@intervalMs`), one JSON line per outcome. */
const HTTP_PROBE = `
const http = require('http');
const [maxMs, ...targets] = process.argv.slice(1);
const end = Date.now() + Number(maxMs);
for (const target of targets) {
  const [vip, every] = target.split('@');
  const tick = setInterval(() => {
    if (Date.now() > end) return clearInterval(tick);
    const s = Date.now();
    const done = (n) => console.log(JSON.stringify({ v: vip, s, a: Date.now(), n }));
    const req = http.get({ host: vip, port: 80, path: '/', agent: false, timeout: 300 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => done(body.trim()));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => done(null));
  }, Number(every));
}
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
`;

export async function chaos(options: ChaosOptions, io: TextIo): Promise<number> {
  if (process.getuid?.() !== 0) {
    io.err('herald lab chaos: needs root (network namespaces, nftables, cgroups)');
    return 2;
  }
  const missing = preflight();
  if (missing) {
    io.err(`herald lab chaos: ${missing}`);
    return 2;
  }
  // With --output json, stdout holds only the report; progress goes to stderr.
  const log = (m: string) => {
    if (options.json) io.err(m);
    else io.out(m);
  };
  const nodeNames = Array.from({ length: options.nodes }, (_, i) => `node${i + 1}`);
  const schedule = chaosSchedule({
    seed: options.seed,
    faults: options.faults,
    nodes: slotNames(options.nodes),
    mode: options.mode,
    churnSlots: CHURN_SLOTS,
  });
  const bgp = options.mode === 'l2' ? undefined : { router: 'frr' as const, bfdIntervalMs: 300, services: 1 };
  const bounds = DEFAULT_BOUNDS;
  const probes: ChildProcess[] = [];
  let injector: FaultInjector | undefined;
  try {
    const t = await labUp(options.nodes, options.id, (m) => log(`lab: ${m}`), bgp ? { bgp } : {});
    for (const n of t.nodes)
      for (const slot of CHURN_SLOTS) ip('-n', n.namespace, 'addr', 'add', `${slot.ip}/32`, 'dev', 'lo');
    const macOf = Object.fromEntries(t.nodes.map((n) => [n.name, n.mac]));
    const monitor = monitorHost(t);
    attach(t, monitor);

    const maxMs = options.durationMs + 10 * 60_000;
    const http: HttpSample[] = [];
    const arp: ArpRound[] = [];
    const webVips = options.mode === 'bgp' ? [] : [t.vipv4, t.vipv6];
    // The client asks the layer-2 VIPs; the router (whose kernel holds the BGP multipath
    // route) asks the BGP VIP.
    const clientTargets = [
      ...webVips.map((v) => `${v}@20`),
      ...(options.mode === 'bgp' ? [] : CHURN_SLOTS.map((s) => `${s.ip}@100`)),
    ];
    const bgpVips = bgp ? [LAB_BGP.vipv4] : [];
    for (const [namespace, targets] of [
      [t.client.namespace, clientTargets],
      [t.router.namespace, bgpVips.map((v) => `${v}@20`)],
    ] as const) {
      if (targets.length === 0) continue;
      const probe = spawn(
        'ip',
        ['netns', 'exec', namespace, process.execPath, '-e', HTTP_PROBE, String(maxMs), ...targets],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      probes.push(probe);
      createInterface({ input: probe.stdout }).on('line', (line) => {
        const r = parseLine(line) as { v: string; s: number; a: number; n: string | null } | undefined;
        if (r) http.push({ vip: r.v, sent: r.s, at: r.a, node: r.n ?? undefined });
      });
    }
    const arpVips = options.mode === 'bgp' ? [] : [t.vipv4, ...CHURN_SLOTS.map((s) => s.ip)];
    if (arpVips.length > 0) {
      const arpProbe = spawn(
        'ip',
        [
          'netns',
          'exec',
          monitor.namespace,
          process.execPath,
          join(HERE, 'arp-monitor.js'),
          'eth0',
          monitor.ipv4,
          arpVips.join(','),
          '200',
          String(maxMs),
        ],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      );
      probes.push(arpProbe);
      createInterface({ input: arpProbe.stdout }).on('line', (line) => {
        const r = parseLine(line) as { v: string; a: number; m: string[]; g: string[] } | undefined;
        if (r) arp.push({ vip: r.v, at: r.a, macs: r.m, gratuitous: r.g });
      });
    }

    // Speakers: which PID runs where, and which are down on purpose.
    const pids = new Map(Object.entries(readState(options.id)?.speakers ?? {}));
    const expectedDown = new Set<string>();
    const bornAt = new Map<string, number>();
    const violations: Violation[] = [];
    const resources: ResourceSample[] = [];
    const announced: AnnounceSample[] = [];
    const removals: { at: number; service: string }[] = [];
    const present = new Set<string>();
    let starts = pids.size;
    injector = new FaultInjector(t, {
      expectDown: (node) => expectedDown.add(node),
      started: (node, pid) => {
        pids.set(node, pid);
        bornAt.set(node, Date.now());
        expectedDown.delete(node);
        starts++;
      },
      churned: (service, op) => {
        if (op === 'add') present.add(service);
        else {
          present.delete(service);
          removals.push({ at: Date.now(), service: `default/${service}` });
        }
      },
      ...(bgp ? { restartRouter: (downMs: number) => restartRouter(t, bgp, downMs) } : {}),
    });
    injector.cleanup();

    const watch = { on: true };
    const watcher = (async () => {
      let tick = 0;
      while (watch.on) {
        await sleep(200);
        for (const [node, pid] of pids) {
          if (expectedDown.has(node) || processAlive(pid)) continue;
          violations.push({
            kind: 'crash',
            at: Date.now(),
            detail: `${node}: speaker pid ${pid} exited unexpectedly`,
          });
          expectedDown.add(node);
        }
        if (++tick % 10 === 0) {
          // A starting speaker's module loader holds hundreds of files open for a moment: measure steady state.
          const young = [...bornAt].filter(([, at]) => Date.now() - at < 10_000).map(([n]) => n);
          resources.push(...sampleResources(pids, new Set([...expectedDown, ...young])));
          announced.push(
            ...(await sampleAnnouncements(
              t,
              [...pids.keys()].filter((n) => !expectedDown.has(n)),
            )),
          );
        }
      }
    })();

    const settled = async (deadlineMs: number): Promise<{ at: number | undefined; problems: string[] }> => {
      const deadline = Date.now() + deadlineMs;
      let problems: string[] = ['not checked'];
      while (Date.now() < deadline) {
        await sleep(250);
        const churnVips = CHURN_SLOTS.filter((s) => present.has(s.service)).map((s) => s.ip);
        const gone = CHURN_SLOTS.filter((s) => !present.has(s.service)).map((s) => s.ip);
        problems = settleProblems({
          http,
          arp,
          now: Date.now(),
          windowMs: 1500,
          serving: options.mode === 'bgp' ? [] : [...webVips, ...churnVips],
          anycast: bgpVips,
          withdrawn: options.mode === 'bgp' ? [] : gone,
          gapMs: bounds.gapMs,
          macOf,
        });
        if (bgp && problems.length === 0) {
          const rib = ribMismatch(t, nodeNames);
          if (rib) problems.push(rib);
        }
        if (problems.length === 0) return { at: Date.now(), problems };
      }
      return { at: undefined, problems };
    };

    if (!(await waitForService(options.id, 20_000)) && options.mode !== 'bgp')
      throw new Error('the lab never served the VIP');
    // Settling after the start is an invariant like any other (the stale-neighbour case came from there).
    const upAt = Date.now();
    const initial = await settled(bounds.settleMs);
    const startedAt = Date.now();
    if (initial.at === undefined)
      violations.push({
        kind: 'notSettled',
        at: startedAt,
        episode: 0,
        detail: `not settled ${bounds.settleMs} ms after the lab came up: ${initial.problems.join('; ')}`,
      });
    log(
      `chaos: the lab settled ${initial.at === undefined ? 'NOT' : `${initial.at - upAt} ms after serving`}`,
    );
    log(
      `chaos: seed ${options.seed}, ${options.faults} faults in ${schedule.episodes.length} episodes (${options.mode})`,
    );

    const faultWindows: (FaultWindow & { description: string; nodes: string[] })[] = [];
    const episodes: EpisodeWindow[] = [];
    let skipped = 0;
    for (const episode of schedule.episodes) {
      if (Date.now() - startedAt > options.durationMs) {
        skipped += episode.faults.length;
        continue;
      }
      const episodeStart = Date.now();
      const leader =
        options.mode === 'bgp' ? undefined : http.filter((h) => h.vip === t.vipv4 && h.node).at(-1)?.node;
      const slots = bindSlots(nodeNames, leader);
      await Promise.all(
        episode.faults.map(async (scheduled: Fault) => {
          const fault = bindFault(scheduled, slots);
          await sleep(fault.startMs);
          const startAt = Date.now();
          log(`  episode ${episode.index}: ${describeFault(fault)}`);
          await injector?.run(fault);
          faultWindows.push({
            id: fault.id,
            episode: episode.index,
            kind: fault.kind,
            startAt,
            endAt: Date.now(),
            onLeader: isNodeFault(scheduled) && scheduled.node === 'leader' && leader !== undefined,
            description: describeFault(fault),
            nodes: faultNodes(fault),
          });
        }),
      );
      const endAt = Date.now();
      const result = await settled(bounds.settleMs);
      episodes.push({
        index: episode.index,
        startAt: episodeStart,
        endAt,
        settledAt: result.at,
        problems: result.problems,
      });
      log(
        result.at
          ? `  episode ${episode.index}: settled ${result.at - endAt} ms after its last fault`
          : `  episode ${episode.index}: NOT settled: ${result.problems.join('; ')}`,
      );
      await sleep(300);
    }
    const endedAt = Date.now();
    watch.on = false;
    await watcher;

    faultWindows.sort((a, b) => a.id - b.id);
    const served = options.mode === 'bgp' ? [LAB_BGP.vipv4] : [...webVips, ...(bgp ? [LAB_BGP.vipv4] : [])];
    const gaps = served.flatMap((vip) => outageGaps(http, vip, startedAt, endedAt, bounds.gapMs));
    const outages = outagePerFault(faultWindows, episodes, gaps, new Set(bgpVips));
    violations.push(
      ...serviceViolations(faultWindows, episodes, outages, bounds),
      ...resourceViolations(resources, bounds),
      ...reallocations(announced, removals),
    );
    violations.sort((a, b) => a.at - b.at);
    const splitBrain = episodes
      .filter((e) =>
        faultWindows.some((f) => f.episode === e.index && (f.kind === 'partition' || f.kind === 'oneWay')),
      )
      .map((e) => ({
        episode: e.index,
        duringMs: splitBrainMs(arp, t.vipv4, e.startAt, e.endAt),
        afterHealMs: splitBrainMs(arp, t.vipv4, e.endAt, e.settledAt ?? e.endAt + bounds.settleMs),
      }));
    const maxOf = (pick: (s: ResourceSample) => number) =>
      Object.fromEntries(
        nodeNames.map((n) => [n, Math.max(0, ...resources.filter((r) => r.node === n).map(pick))]),
      );
    const result: ChaosResult = {
      seed: options.seed,
      mode: options.mode,
      nodes: nodeNames,
      startedAt,
      endedAt,
      skipped,
      faults: faultWindows,
      episodes,
      outageMs: Object.fromEntries(outages),
      splitBrain,
      owners: ownerSegments(http.filter((s) => served.includes(s.vip) && s.at >= startedAt)),
      gaps,
      violations,
      speakerStarts: starts,
      maxRssMiB: maxOf((r) => Math.round(r.rssKiB / 1024)),
      maxFds: maxOf((r) => r.fds),
    };
    const replay = `herald lab chaos --seed ${options.seed} --faults ${options.faults} --mode ${options.mode} --nodes ${options.nodes}`;
    const summary = summarize(result, replay);
    mkdirSync(options.out, { recursive: true });
    const base = join(options.out, `chaos-${options.mode}-${options.seed}`);
    writeFileSync(`${base}.json`, JSON.stringify({ summary, bounds, result }, null, 2));
    writeFileSync(`${base}.svg`, timelineSvg(result));
    if (options.json) io.out(JSON.stringify({ summary, violations, files: [`${base}.json`, `${base}.svg`] }));
    else {
      io.out(summaryTable(summary, violations));
      io.out(
        `max RSS MiB ${JSON.stringify(result.maxRssMiB)}, max fds ${JSON.stringify(result.maxFds)}, speaker starts ${starts}${skipped ? `, ${skipped} fault(s) skipped (--duration)` : ''}`,
      );
      io.out(`results: ${base}.json, ${base}.svg`);
    }
    return violations.length === 0 ? 0 : 1;
  } catch (error) {
    io.err(
      `herald lab chaos: ${error instanceof Error ? error.message : String(error)} (replay: --seed ${options.seed})`,
    );
    return 1;
  } finally {
    injector?.cleanup();
    for (const p of probes) {
      p.stdin?.end();
      p.kill('SIGKILL');
    }
    labDown(options.id, () => undefined);
  }
}

function ribMismatch(t: LabTopology, nodes: readonly string[]): string | undefined {
  return ribProblem(
    `${LAB_BGP.vipv4}/32`,
    expectedNextHops(t, nodes, `${LAB_BGP.vipv4}/32`),
    routerNextHops(t, `${LAB_BGP.vipv4}/32`),
  );
}

const isNodeFault = (f: Fault): f is Fault & { node: string } => 'node' in f;

function preflight(): string | undefined {
  try {
    execFileSync('nft', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'nft not found: install the Debian package nftables (scripts/setup.sh does)';
  }
  if (!existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'))
    return 'no cgroup v1 cpu controller at /sys/fs/cgroup/cpu (CPU starvation needs cpu.cfs_quota_us)';
  return undefined;
}

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
