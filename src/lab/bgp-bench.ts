// herald lab bgp-bench --mode bfd: pull a node's cable again and again and measure, from the
// kernel's own timestamps, how long the lab router keeps that node as a next hop for the VIP.
// The cut time is the bridge port's link-down event; the withdrawal time is the first kernel
// route change (`ip monitor route`) that leaves the node out. FRR's debug log, tcpdump on the
// router and the speakers' logs break each withdrawal down and count BFD sessions that went
// down without a cut. --backend frr runs the speakers' BGP through FRR daemons they supervise (the
// withdrawal is then bfdd's); --backend both runs native, then FRR, and prints them side by side.
// --mode routes lives in bgp-routes-bench.ts.
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { TextIo as CliIo } from '../ports/text-io.js';
import { isLinkDown, percentile, type Datagram, type FrrEvent, type MonitorLine } from './bgp-bench-lines.js';
import {
  captureBfd,
  enableFrrDebugLog,
  monitorBridgeLinks,
  monitorRouterRoutes,
  readFrrEvents,
  readSpeakerEvents,
  routerJson,
  sleep,
  until,
  type BfdPeer,
  type RouteMonitor,
} from './bgp-bench-probes.js';
import { routesBench } from './bgp-routes-bench.js';
import { LAB_BGP } from './bgp-topology.js';
import { histogramSvg } from './histogram.js';
import { labDown, labUp } from './lab.js';
import { ip, stateDir } from './system.js';
import type { LabHost, LabTopology } from './topology.js';

export interface BgpBenchOptions {
  readonly mode: 'bfd' | 'routes';
  readonly id: string;
  readonly out: string;
  readonly trials: number;
  readonly bfdIntervalMs: number;
  readonly vips: number;
  /** The lab in Kubernetes mode (control plane, controller, speakers on the API). */
  readonly k8s?: boolean;
  /** Who carries the nodes' BGP; `both` measures native then FRR in one run. Default native. */
  readonly backend?: BenchBackend;
}

export type BenchBackend = 'native' | 'frr' | 'both';

/** The backends a run measures, in order. */
export const benchBackends = (b: BenchBackend | undefined): ('native' | 'frr')[] =>
  b === 'both' ? ['native', 'frr'] : [b ?? 'native'];

export async function bgpBench(options: BgpBenchOptions, io: CliIo): Promise<number> {
  if (process.getuid?.() !== 0) {
    io.err('herald lab bgp-bench: needs root (network namespaces)');
    return 2;
  }
  return options.mode === 'bfd' ? bfdBench(options, io) : routesBench(options, io);
}

/** The issue's targets: 300 ms × 3 → p99 ≤ 1.0 s, 50 ms × 3 → 0.25 s; i.e. detection + 100 ms. */
export const bfdTargetMs = (intervalMs: number): number => 3 * intervalMs + 100;

interface Trial {
  trial: number;
  victim: string;
  readyAfterMs: number;
  cutAtMs: number;
  healAtMs: number;
  /** From the cut to the kernel route without the victim (IPv4 VIP, IPv6 VIP). */
  ipv4Ms: number | null;
  ipv6Ms: number | null;
  /** IPv4: the victim's last BFD packet the router got, before the cut (negative). */
  lastPacketMs: number | null;
  routerBfdDownMs: number | null;
  bgpDownMs: number | null;
  zebraMs: number | null;
}

async function bfdBench(options: BgpBenchOptions, io: CliIo): Promise<number> {
  const runs: { backend: string; code: number; summary?: ReturnType<typeof summarise> }[] = [];
  for (const backend of benchBackends(options.backend))
    runs.push({ backend, ...(await bfdRun(options, backend, io)) });
  if (runs.length > 1) {
    io.out('\nside by side (IPv4 cut → kernel route; IPv6):');
    for (const r of runs)
      io.out(
        `  ${r.backend.padEnd(6)} ${r.summary ? `p50 ${r.summary.ipv4.p50} ms, p95 ${r.summary.ipv4.p95} ms, p99 ${r.summary.ipv4.p99} ms, max ${r.summary.ipv4.max} ms; IPv6 p50 ${r.summary.ipv6.p50} ms, p99 ${r.summary.ipv6.p99} ms; false BFD downs ${r.summary.falseBfdDowns.total}, false BGP downs ${r.summary.falseBgpDowns.length}` : 'failed'}`,
      );
  }
  return Math.max(...runs.map((r) => r.code));
}

async function bfdRun(
  options: BgpBenchOptions,
  backend: 'native' | 'frr',
  io: CliIo,
): Promise<{ code: number; summary?: ReturnType<typeof summarise> }> {
  const interval = options.bfdIntervalMs;
  const target = bfdTargetMs(interval);
  const load = [loadavg()];
  io.out(
    `bgp-bench bfd: ${interval} ms × 3, ${options.trials} trials, ${backend} backend, target p99 ≤ ${target} ms`,
  );
  const t = await labUp(3, options.id, (m) => io.out(`lab: ${m}`), {
    bgp: {
      router: 'frr',
      bfdIntervalMs: interval,
      services: 1,
      backend,
    },
    k8s: options.k8s === true,
  });
  const stops: (() => void)[] = [];
  try {
    const logFile = enableFrrDebugLog(t, options.id, true);
    const routes = await monitorRouterRoutes(t);
    const links = monitorBridgeLinks(t);
    const capture = captureBfd(t);
    stops.push(routes.stop, links.stop, capture.stop);
    const trials: Trial[] = [];
    if (!(await until(() => ready(t, options.id, routes, interval), 60_000, 200)))
      throw new Error('the router never had 6 BFD sessions up and 3 paths (60 s)');
    const firstReady = Date.now();
    for (let n = 1; n <= options.trials; n++) {
      const victim = t.nodes[(n - 1) % t.nodes.length];
      if (!victim) throw new Error('no nodes');
      const waited = Date.now();
      // Long enough for the speakers' idle hold backoff (DampPeerOscillations, up to 60 s) after
      // repeated cuts of the same node, plus BFD coming up after BGP.
      if (!(await until(() => ready(t, options.id, routes, interval), 150_000, 200)))
        throw new Error(`trial ${n}: not ready within 150 s: ${notReady(t, options.id, routes, interval)}`);
      // A random phase against the BFD packets, so cuts fall anywhere between two of them.
      await sleep(300 + Math.random() * interval);
      const trial = await cutAndMeasure(t, routes, links.events, victim, interval);
      trials.push({
        trial: n,
        victim: victim.name,
        readyAfterMs: Date.now() - waited,
        ...trial,
        lastPacketMs: null,
        routerBfdDownMs: null,
        bgpDownMs: null,
        zebraMs: null,
      });
      io.out(
        `trial ${n}/${options.trials}: cut ${victim.name} → withdrawn IPv4 ${fmt(trial.ipv4Ms)} ms, IPv6 ${fmt(trial.ipv6Ms)} ms`,
      );
    }
    // Let the last victim come back, so a flap on the way up is counted too.
    await until(() => ready(t, options.id, routes, interval), 60_000, 200);
    await sleep(2000);
    const lastMs = Date.now();
    load.push(loadavg());
    const frr = readFrrEvents(logFile);
    const datagrams = capture.datagrams();
    for (const trial of trials) Object.assign(trial, breakdown(t, trial, frr, datagrams));
    const summary = {
      backend,
      ...summarise(t, options, trials, frr, datagrams, firstReady, lastMs, target, load),
    };
    mkdirSync(options.out, { recursive: true });
    const base = join(options.out, `bgp-bfd-${interval}${backend === 'frr' ? '-frr' : ''}`);
    writeFileSync(`${base}.json`, JSON.stringify(summary, null, 2));
    const v4 = trials.flatMap((r) => (r.ipv4Ms === null ? [] : [Math.round(r.ipv4Ms)])).sort((a, b) => a - b);
    writeFileSync(
      `${base}.svg`,
      histogramSvg(
        v4,
        `Herald BGP+BFD (${backend} backend) withdrawal at the FRR router, ${interval} ms × 3, ${v4.length} cuts`,
        interval >= 200 ? 50 : 10,
      ),
    );
    report(io, summary);
    io.out(`results: ${base}.json, ${base}.svg`);
    return { code: summary.ipv4.p99 <= target && summary.falseBfdDowns.total === 0 ? 0 : 1, summary };
  } catch (error) {
    io.err(`herald lab bgp-bench: ${error instanceof Error ? error.message : String(error)}`);
    return { code: 1 };
  } finally {
    for (const stop of stops) stop();
    keepLogs(options.id, join(options.out, `bgp-bfd-${interval}${backend === 'frr' ? '-frr' : ''}-logs`));
    labDown(options.id, () => undefined);
  }
}

/** All 6 BFD sessions Up at the configured rate on the router, and both VIPs via all 3 nodes. */
function ready(t: LabTopology, id: string, routes: RouteMonitor, interval: number): boolean {
  const peers = (routerJson(t, id, 'show bfd peers json') as BfdPeer[] | undefined) ?? [];
  const fast = peers.filter(
    (p) =>
      p.status === 'up' &&
      p['remote-transmit-interval'] === interval &&
      p['remote-receive-interval'] === interval,
  );
  return (
    fast.length === 2 * t.nodes.length &&
    routes.view.gateways(LAB_BGP.vipv4)?.length === t.nodes.length &&
    routes.view.gateways(LAB_BGP.vipv6)?.length === t.nodes.length
  );
}

/** What `ready` is still waiting for, for the error message. */
function notReady(t: LabTopology, id: string, routes: RouteMonitor, interval: number): string {
  const peers = (routerJson(t, id, 'show bfd peers json') as BfdPeer[] | undefined) ?? [];
  const bfd = peers.map(
    (p) => `${p.peer} ${p.status} rx/tx ${p['remote-receive-interval']}/${p['remote-transmit-interval']}`,
  );
  const paths = [LAB_BGP.vipv4, LAB_BGP.vipv6].map(
    (vip) => `${vip} via ${routes.view.gateways(vip)?.join(',') ?? 'nothing'}`,
  );
  return `BFD (want ${interval}): ${bfd.join('; ')}; kernel: ${paths.join('; ')}`;
}

/** The lab's logs (speakers, FRR, its debug log) outlive the lab, beside the results. */
function keepLogs(id: string, to: string): void {
  try {
    rmSync(to, { recursive: true, force: true });
    cpSync(join(stateDir(id), 'logs'), to, { recursive: true });
    cpSync(join(stateDir(id), 'router', 'bench.log'), join(to, 'router-frr-debug.log'));
  } catch {
    // nothing to keep
  }
}

async function cutAndMeasure(
  t: LabTopology,
  routes: RouteMonitor,
  linkEvents: () => MonitorLine[],
  victim: LabHost,
  interval: number,
): Promise<Omit<Trial, 'trial' | 'victim' | 'readyAfterMs' | keyof ReturnType<typeof breakdown>>> {
  const withdrawn: { v4?: number; v6?: number } = {};
  const stop = routes.onChange((line) => {
    const v4 = routes.view.gateways(LAB_BGP.vipv4);
    const v6 = routes.view.gateways(LAB_BGP.vipv6);
    if (withdrawn.v4 === undefined && !v4?.includes(victim.ipv4)) withdrawn.v4 = line.atMs;
    if (withdrawn.v6 === undefined && !v6?.includes(victim.ipv6)) withdrawn.v6 = line.atMs;
  });
  const seen = linkEvents().length;
  const commandAt = Date.now();
  ip('-n', t.bridgeNamespace, 'link', 'set', victim.bridgePort, 'down');
  // The hold timer (9 s) is the fallback if BFD missed it: wait past it to see which it was.
  await until(() => withdrawn.v4 !== undefined && withdrawn.v6 !== undefined, 12_000, 5);
  // Both ends detect: the node's speaker too, before the cable comes back.
  await sleep(3 * interval + 300);
  stop();
  const cutAtMs =
    linkEvents()
      .slice(seen)
      .find((e) => isLinkDown(e.text, victim.bridgePort))?.atMs ?? commandAt;
  ip('-n', t.bridgeNamespace, 'link', 'set', victim.bridgePort, 'up');
  const healAtMs = Date.now();
  return {
    cutAtMs,
    healAtMs,
    ipv4Ms: withdrawn.v4 === undefined ? null : withdrawn.v4 - cutAtMs,
    ipv6Ms: withdrawn.v6 === undefined ? null : withdrawn.v6 - cutAtMs,
  };
}

/** Where the IPv4 withdrawal's time went: the victim's last packet, the router's BFD, bgpd, zebra. */
function breakdown(
  t: LabTopology,
  trial: { victim: string; cutAtMs: number; healAtMs: number },
  frr: readonly FrrEvent[],
  datagrams: readonly Datagram[],
): {
  lastPacketMs: number | null;
  routerBfdDownMs: number | null;
  bgpDownMs: number | null;
  zebraMs: number | null;
} {
  const victim = t.nodes.find((n) => n.name === trial.victim);
  const inCut = (at: number) => at >= trial.cutAtMs && at <= trial.healAtMs;
  const rel = (at: number | undefined) => (at === undefined ? null : at - trial.cutAtMs);
  const last = datagrams.filter((d) => d.from === victim?.ipv4 && d.atMs < trial.cutAtMs).at(-1);
  const bfd = frr.find((e) => e.kind === 'bfdDown' && e.subject === victim?.ipv4 && inCut(e.atMs));
  const bgp = frr.find((e) => e.kind === 'bgpDown' && e.subject === victim?.ipv4 && inCut(e.atMs));
  const zebra = frr.find(
    (e) =>
      e.kind === 'zebraRoute' && e.subject === LAB_BGP.vipv4 && inCut(e.atMs) && e.atMs >= (bgp?.atMs ?? 0),
  );
  return {
    lastPacketMs: rel(last?.atMs),
    routerBfdDownMs: rel(bfd?.atMs),
    bgpDownMs: rel(bgp?.atMs),
    zebraMs: rel(zebra?.atMs),
  };
}

interface Stats {
  n: number;
  min: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function stats(values: readonly (number | null)[]): Stats {
  const sorted = values.flatMap((v) => (v === null ? [] : [Math.round(v * 10) / 10])).sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

function summarise(
  t: LabTopology,
  options: BgpBenchOptions,
  trials: readonly Trial[],
  frr: readonly FrrEvent[],
  datagrams: readonly Datagram[],
  fromMs: number,
  toMs: number,
  target: number,
  load: readonly number[][],
) {
  const interval = options.bfdIntervalMs;
  const victimAt = (address: string, at: number) =>
    trials.some((r) => {
      const v = t.nodes.find((n) => n.name === r.victim);
      return (v?.ipv4 === address || v?.ipv6 === address) && at >= r.cutAtMs && at <= r.healAtMs;
    });
  const during = (at: number) => at >= fromMs && at <= toMs;
  const routerFalse = frr.filter(
    (e) => e.kind === 'bfdDown' && during(e.atMs) && !victimAt(e.subject, e.atMs),
  );
  const bgpFalse = frr.filter((e) => e.kind === 'bgpDown' && during(e.atMs) && !victimAt(e.subject, e.atMs));
  const speakerFalse = t.nodes.flatMap((n) =>
    readSpeakerEvents(options.id, n.name)
      .filter((e) => e.component === 'bfd' && e.event === 'down' && during(e.atMs))
      .filter(
        (e) => !trials.some((r) => r.victim === n.name && e.atMs >= r.cutAtMs && e.atMs <= r.healAtMs + 50),
      )
      .map((e) => ({
        node: n.name,
        at: new Date(e.atMs).toISOString(),
        peer: e.fields.peer,
        reason: e.fields.reason,
      })),
  );
  return {
    mode: 'bfd',
    bfdIntervalMs: interval,
    detectMultiplier: 3,
    nodes: t.nodes.length,
    trials: trials.length,
    targetP99Ms: target,
    cpus: cpus().length,
    loadAverage: { start: load[0], end: load[1] },
    ipv4: stats(trials.map((r) => r.ipv4Ms)),
    ipv6: stats(trials.map((r) => r.ipv6Ms)),
    breakdownIpv4: {
      cutToRouterBfdDownMs: stats(trials.map((r) => r.routerBfdDownMs)),
      lastPacketToRouterBfdDownMs: stats(
        trials.map((r) =>
          r.routerBfdDownMs === null || r.lastPacketMs === null ? null : r.routerBfdDownMs - r.lastPacketMs,
        ),
      ),
      routerBfdDownToKernelMs: stats(
        trials.map((r) =>
          r.routerBfdDownMs === null || r.ipv4Ms === null ? null : r.ipv4Ms - r.routerBfdDownMs,
        ),
      ),
      bgpDownToZebraMs: stats(
        trials.map((r) => (r.bgpDownMs === null || r.zebraMs === null ? null : r.zebraMs - r.bgpDownMs)),
      ),
    },
    bfdTransmitGapsMs: transmitGaps(t, trials, datagrams, fromMs, toMs, interval),
    falseBfdDowns: {
      total: routerFalse.length + speakerFalse.length,
      router: routerFalse.map((e) => ({
        at: new Date(e.atMs).toISOString(),
        peer: e.subject,
        reason: e.detail,
      })),
      speakers: speakerFalse,
    },
    falseBgpDowns: bgpFalse.map((e) => ({
      at: new Date(e.atMs).toISOString(),
      peer: e.subject,
      reason: e.detail,
    })),
    results: trials.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 10) / 10 : v]),
      ),
    ),
  };
}

/**
 * Gaps between consecutive BFD packets of each direction, seen on the router, while that node
 * was not being cut or recovering: how regularly Herald's speakers (and FRR) really transmit.
 * A gap longer than the detection time is a false down in the making.
 */
function transmitGaps(
  t: LabTopology,
  trials: readonly Trial[],
  datagrams: readonly Datagram[],
  fromMs: number,
  toMs: number,
  interval: number,
) {
  const disturbed = (node: LabHost, at: number) =>
    trials.some(
      (r, i) => r.victim === node.name && at >= r.cutAtMs && at <= (trials[i + 1]?.cutAtMs ?? toMs) - 300,
    );
  const gaps = (direction: 'fromNode' | 'toNode') =>
    t.nodes.flatMap((node) =>
      [node.ipv4, node.ipv6].flatMap((address) => {
        const times = datagrams
          .filter((d) => (direction === 'fromNode' ? d.from === address : d.to === address))
          .map((d) => d.atMs)
          .filter((at) => at >= fromMs && at <= toMs);
        return times.slice(1).flatMap((at, i) => {
          const before = times[i] ?? at;
          return disturbed(node, before) || disturbed(node, at) ? [] : [at - before];
        });
      }),
    );
  const describe = (values: number[]) => ({
    ...stats(values),
    overHalfDetection: values.filter((g) => g > 1.5 * interval).length,
    overDetection: values.filter((g) => g > 3 * interval).length,
  });
  return { heraldToRouter: describe(gaps('fromNode')), routerToHerald: describe(gaps('toNode')) };
}

function report(io: CliIo, s: ReturnType<typeof summarise>): void {
  const line = (name: string, x: Stats) =>
    `${name}: p50 ${x.p50} ms, p95 ${x.p95} ms, p99 ${x.p99} ms, max ${x.max} ms (min ${x.min}, n ${x.n})`;
  io.out(
    `\nBFD ${s.bfdIntervalMs} ms × 3, ${s.trials} cuts (target p99 ≤ ${s.targetP99Ms} ms), load ${fmtLoad(s.loadAverage)}`,
  );
  io.out(line('  withdrawal IPv4 (cut → kernel route)', s.ipv4));
  io.out(line('  withdrawal IPv6', s.ipv6));
  io.out(line('  cut → router BFD down', s.breakdownIpv4.cutToRouterBfdDownMs));
  io.out(line('  last packet → router BFD down', s.breakdownIpv4.lastPacketToRouterBfdDownMs));
  io.out(line('  router BFD down → kernel route', s.breakdownIpv4.routerBfdDownToKernelMs));
  io.out(line('  bgpd down → zebra has the route', s.breakdownIpv4.bgpDownToZebraMs));
  const g = s.bfdTransmitGapsMs;
  io.out(
    line('  Herald → router packet gaps', g.heraldToRouter) +
      `, > 1.5×interval: ${g.heraldToRouter.overHalfDetection}`,
  );
  io.out(
    line('  router → Herald packet gaps', g.routerToHerald) +
      `, > 1.5×interval: ${g.routerToHerald.overHalfDetection}`,
  );
  io.out(
    `  false BFD downs: ${s.falseBfdDowns.total} (router ${s.falseBfdDowns.router.length}, speakers ${s.falseBfdDowns.speakers.length}); false BGP downs: ${s.falseBgpDowns.length}`,
  );
  io.out(
    `  ${s.ipv4.p99 <= s.targetP99Ms ? 'MEETS' : 'MISSES'} the target (p99 ${s.ipv4.p99} ms vs ${s.targetP99Ms} ms)`,
  );
}

const fmt = (ms: number | null) => (ms === null ? 'never' : ms.toFixed(1));
const fmtLoad = (l: { start?: number[]; end?: number[] }) =>
  `${l.start?.map((x) => x.toFixed(1)).join('/') ?? '?'} → ${l.end?.map((x) => x.toFixed(1)).join('/') ?? '?'}`;
