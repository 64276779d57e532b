// herald lab bgp-bench --mode routes: how long until the lab router holds N prefixes from each
// speaker. Herald's 3 speakers get N Services at once (config written → the router's RIB has
// all N from every node), then each session is reset (Established → all N again). FRR's own
// bgpd in a 4th host advertises the same N prefixes for comparison, measured the same two ways
// (config loaded with vtysh -f → RIB; Established → RIB). The RIB is read with vtysh (about
// 100 ms a query, the resolution of these figures); session Up times come from FRR's log.
// --backend frr carries the speakers' routes through the FRR daemons they supervise (rendered
// frr.conf, frr-reload.py); --backend both runs a native lab, then an FRR one, side by side.
import { execFile } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TextIo as CliIo } from '../ports/text-io.js';
import { benchBackends, type BgpBenchOptions } from './bgp-bench.js';
import {
  enableFrrDebugLog,
  readFrrEvents,
  readSpeakerEvents,
  sleep,
  type BgpSummaryPeer,
} from './bgp-bench-probes.js';
import { networksConfig, routerPeersWith, startFrrSpeaker } from './bgp-frr-speaker.js';
import { bulkAddress, LAB_BGP, labBgpConfigYaml } from './bgp-topology.js';
import { labDown, labUp } from './lab.js';
import { routerDir } from './router.js';
import { stateDir } from './system.js';
import type { LabTopology } from './topology.js';

const run = promisify(execFile);

/** The RIB as the router reports it, polled back to back (never blocking the event loop). */
async function summary(t: LabTopology, id: string): Promise<Record<string, BgpSummaryPeer>> {
  try {
    const { stdout } = await run(
      'ip',
      [
        'netns',
        'exec',
        t.router.namespace,
        'vtysh',
        '--vty_socket',
        routerDir(stateDir(id)),
        '-c',
        'show bgp ipv4 unicast summary json',
      ],
      { maxBuffer: 16 << 20 },
    );
    return (JSON.parse(stdout) as { peers?: Record<string, BgpSummaryPeer> }).peers ?? {};
  } catch {
    return {};
  }
}

async function routerVtysh(t: LabTopology, id: string, commands: readonly string[]): Promise<void> {
  await run('ip', [
    'netns',
    'exec',
    t.router.namespace,
    'vtysh',
    '--vty_socket',
    routerDir(stateDir(id)),
    ...commands.flatMap((c) => ['-c', c]),
  ]);
}

interface Complete {
  /** ms from the phase's start to the end of the first query that showed all prefixes. */
  ms: number | null;
  /** ms to the end of the query before it: the true moment lies between the two. */
  lowerMs: number | null;
}

/**
 * Polls until every peer in `peers` has `want` prefixes; per peer, when that was first seen.
 * `onPoll` sees every answer (to count resets, say).
 */
async function untilComplete(
  t: LabTopology,
  id: string,
  peers: readonly string[],
  want: number,
  fromMs: number,
  timeoutMs: number,
  onPoll?: (answer: Record<string, BgpSummaryPeer>) => void,
  establishedSinceMs?: number,
): Promise<{ perPeer: Record<string, Complete>; polls: number; meanPollMs: number }> {
  const perPeer: Record<string, Complete> = Object.fromEntries(
    peers.map((p) => [p, { ms: null, lowerMs: null }]),
  );
  let previous = fromMs;
  let polls = 0;
  while (Date.now() - fromMs < timeoutMs) {
    const answer = await summary(t, id);
    const now = Date.now();
    polls += 1;
    onPoll?.(answer);
    for (const peer of peers) {
      const entry = perPeer[peer];
      const p = answer[peer];
      // After a reset, only the new session counts (not an answer from before the clear took).
      const fresh =
        establishedSinceMs === undefined || (p?.peerUptimeMsec ?? Infinity) <= now - establishedSinceMs;
      if (entry && entry.ms === null && p?.state === 'Established' && (p.pfxRcd ?? 0) >= want && fresh)
        perPeer[peer] = { ms: now - fromMs, lowerMs: previous - fromMs };
    }
    previous = now;
    if (Object.values(perPeer).every((c) => c.ms !== null)) break;
  }
  return { perPeer, polls, meanPollMs: polls === 0 ? 0 : Math.round((Date.now() - fromMs) / polls) };
}

export async function routesBench(options: BgpBenchOptions, io: CliIo): Promise<number> {
  const runs: { backend: string; code: number; result?: RoutesResult }[] = [];
  for (const backend of benchBackends(options.backend))
    runs.push({ backend, ...(await routesRun(options, backend, io)) });
  if (runs.length > 1) {
    io.out(`\nside by side, ${options.vips} prefixes per speaker:`);
    const range = (values: readonly (Complete | undefined)[]) => {
      const ms = values.flatMap((c) => (c?.ms == null ? [] : [c.ms]));
      return ms.length === 0 ? 'never' : `${Math.min(...ms)}–${Math.max(...ms)} ms`;
    };
    for (const r of runs) {
      const h = r.result?.herald;
      io.out(
        `  ${r.backend.padEnd(6)} ${
          h
            ? `config written → RIB ${range(Object.values(h.configToRib))}; Established → RIB ${range(Object.values(h.establishedToRib))}; router BFD downs ${h.routerEventsSinceConfig.bfdDown}, BGP downs ${h.routerEventsSinceConfig.bgpDown}${h.frrApplied ? `; frr-reload.py applied after ${JSON.stringify(h.frrApplied)} ms` : ''}`
            : 'failed'
        }`,
      );
    }
  }
  return Math.max(...runs.map((r) => r.code));
}

type RoutesResult = Awaited<ReturnType<typeof routesRun>>['result'] & object;

async function routesRun(options: BgpBenchOptions, backend: 'native' | 'frr', io: CliIo) {
  const vips = options.vips;
  const prefixes = [LAB_BGP.vipv4, ...Array.from({ length: vips - 1 }, (_, i) => bulkAddress(i))];
  const load = [loadavg()];
  io.out(`bgp-bench routes: ${vips} prefixes per speaker, ${backend} backend, target ≤ 2000 ms`);
  const t = await labUp(3, options.id, (m) => io.out(`lab: ${m}`), {
    bgp: {
      router: 'frr',
      bfdIntervalMs: 300,
      services: 1,
      backend,
    },
    k8s: options.k8s === true,
  });
  const dir = stateDir(options.id);
  try {
    const nodes = t.nodes.map((n) => n.ipv4);
    const up = await untilComplete(t, options.id, nodes, 1, Date.now(), 30_000);
    if (Object.values(up.perPeer).some((c) => c.ms === null))
      throw new Error('the nodes never established BGP with the router');
    const logFile = enableFrrDebugLog(t, options.id, false);

    // FRR as the speaker: first, while Herald's speakers advertise one prefix each.
    io.out('FRR speaker: starting bgpd in a 4th host');
    const frr = await startFrrSpeaker(t, options.id);
    const frrPeer = frr.host.ipv4;
    await routerVtysh(t, options.id, routerPeersWith(frr.host));
    const established = await untilComplete(t, options.id, [frrPeer], 0, Date.now(), 30_000);
    if (established.perPeer[frrPeer]?.ms === null) throw new Error('the FRR speaker never established');
    writeFileSync(join(frr.dir, 'networks.conf'), networksConfig(prefixes));
    const frrConfigAt = Date.now();
    const [cmd = 'ip', ...args] = frr.vtyshArgs(['-f', join(frr.dir, 'networks.conf')]);
    const loading = run(cmd, args, { maxBuffer: 16 << 20 }).then(() => Date.now() - frrConfigAt);
    const frrConfig = await untilComplete(t, options.id, [frrPeer], vips, frrConfigAt, 120_000);
    const frrVtyshMs = await loading;
    io.out(
      `FRR: config loaded (vtysh -f ${vips} network lines, ${frrVtyshMs} ms) → RIB: ${show(frrConfig.perPeer[frrPeer])}`,
    );
    const frrReset = await resetAndMeasure(t, options.id, logFile, frrPeer, vips);
    io.out(`FRR: Established → RIB: ${show(frrReset)}`);
    await routerVtysh(t, options.id, [
      'configure terminal',
      `router bgp ${LAB_BGP.routerAsn}`,
      `neighbor ${frrPeer} shutdown`,
    ]);
    await sleep(2000);

    // Herald: all N Services at once in the speakers' watched config directory.
    const yaml = labBgpConfigYaml(t, { router: 'frr', bfdIntervalMs: 300, services: vips, backend });
    writeFileSync(join(dir, 'bgp.yaml.next'), yaml);
    const heraldConfigAt = Date.now();
    renameSync(join(dir, 'bgp.yaml.next'), join(dir, 'config', 'bgp.yaml'));
    io.out(
      `Herald: wrote ${vips} Services (${(yaml.length / 1e6).toFixed(1)} MB of YAML); waiting for the router`,
    );
    let incompletePolls = 0;
    const heraldConfig = await untilComplete(
      t,
      options.id,
      nodes,
      vips,
      heraldConfigAt,
      240_000,
      (answer) => {
        if (nodes.some((n) => (answer[n]?.pfxRcd ?? 0) < vips)) incompletePolls += 1;
      },
    );
    const configLoaded = Object.fromEntries(
      t.nodes.map((n) => {
        const e = readSpeakerEvents(options.id, n.name).find(
          (x) => x.component === 'config' && x.event === 'loaded' && x.atMs >= heraldConfigAt,
        );
        return [n.name, e ? e.atMs - heraldConfigAt : null];
      }),
    );
    io.out(`Herald: config written → each speaker logged it loaded (ms): ${JSON.stringify(configLoaded)}`);
    // With the FRR backend: when FRR accepted the rendered file (frr-reload.py done), and its time.
    const frrApplied =
      backend === 'frr'
        ? Object.fromEntries(
            t.nodes.map((n) => {
              const e = readSpeakerEvents(options.id, n.name).find(
                (x) => x.component === 'frr' && x.event === 'configApplied' && x.atMs >= heraldConfigAt,
              );
              return [n.name, e ? { afterMs: e.atMs - heraldConfigAt, reloadMs: e.fields.reloadMs } : null];
            }),
          )
        : undefined;
    if (frrApplied) io.out(`Herald (FRR backend): frr-reload.py applied: ${JSON.stringify(frrApplied)}`);
    for (const n of nodes)
      io.out(`Herald: config written → RIB holds all ${vips} from ${n}: ${show(heraldConfig.perPeer[n])}`);
    // Then: does it stay? 30 s of polls, counting those where a node lacks prefixes.
    const steady = await observe(t, options.id, 30_000, (answer) =>
      nodes.every((n) => {
        const p = answer[n];
        return p?.state === 'Established' && (p.pfxRcd ?? 0) >= vips;
      }),
    );
    const unstable = steady.failed;
    io.out(`Herald: afterwards, ${unstable} of ${steady.polls} polls in 30 s saw a node without all ${vips}`);
    const heraldReset: Record<string, Complete & { establishedAt: string | null }> = {};
    for (const n of nodes) {
      heraldReset[n] = await resetAndMeasure(t, options.id, logFile, n, vips);
      io.out(`Herald: Established → RIB holds all ${vips} from ${n}: ${show(heraldReset[n])}`);
    }
    const frrEvents = readFrrEvents(logFile).filter((e) => e.atMs >= heraldConfigAt);
    load.push(loadavg());
    const result = {
      mode: 'routes',
      backend,
      prefixesPerSpeaker: vips,
      targetMs: 2000,
      cpus: cpus().length,
      loadAverage: { start: load[0], end: load[1] },
      pollMs: { frr: frrConfig.meanPollMs, herald: heraldConfig.meanPollMs },
      frr: {
        configToRib: frrConfig.perPeer[frrPeer],
        vtyshLoadMs: frrVtyshMs,
        establishedToRib: frrReset,
      },
      herald: {
        configToRib: heraldConfig.perPeer,
        configToLoadedMs: configLoaded,
        frrApplied,
        incompletePollsBeforeDone: incompletePolls,
        unstablePollsIn30sAfter: { unstable, of: steady.polls },
        routerEventsSinceConfig: {
          bfdDown: frrEvents.filter((e) => e.kind === 'bfdDown').length,
          bgpDown: frrEvents.filter((e) => e.kind === 'bgpDown').length,
        },
        establishedToRib: heraldReset,
      },
    };
    mkdirSync(options.out, { recursive: true });
    const file = join(options.out, `bgp-routes${backend === 'frr' ? '-frr' : ''}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2));
    io.out(`results: ${file}`);
    const worst = Math.max(
      ...Object.values(heraldReset).map((c) => c.ms ?? Number.POSITIVE_INFINITY),
      ...Object.values(heraldConfig.perPeer).map((c) => c.ms ?? Number.POSITIVE_INFINITY),
    );
    return { code: worst <= 2000 ? 0 : 1, result };
  } catch (error) {
    io.err(`herald lab bgp-bench: ${error instanceof Error ? error.message : String(error)}`);
    return { code: 1, result: undefined };
  } finally {
    labDown(options.id, () => undefined);
  }
}

/** Polls for `ms`; how many polls there were and how many `ok` rejected. */
async function observe(
  t: LabTopology,
  id: string,
  ms: number,
  ok: (answer: Record<string, BgpSummaryPeer>) => boolean,
): Promise<{ polls: number; failed: number }> {
  const until = Date.now() + ms;
  let polls = 0;
  let failed = 0;
  while (Date.now() < until) {
    polls += 1;
    if (!ok(await summary(t, id))) failed += 1;
  }
  return { polls, failed };
}

/**
 * Resets the router's session with `peer` (clear bgp) and measures from the moment FRR logs it
 * Up again (microseconds) to the first query showing all `want` prefixes.
 */
async function resetAndMeasure(
  t: LabTopology,
  id: string,
  logFile: string,
  peer: string,
  want: number,
): Promise<Complete & { establishedAt: string | null }> {
  const clearedAt = Date.now();
  await routerVtysh(t, id, [`clear bgp ${peer}`]);
  const done = await untilComplete(t, id, [peer], want, clearedAt, 120_000, undefined, clearedAt);
  const up = readFrrEvents(logFile).find(
    (e) => e.kind === 'bgpUp' && e.subject === peer && e.atMs >= clearedAt,
  );
  const c = done.perPeer[peer];
  if (!up || !c || c.ms === null || c.lowerMs === null)
    return { ms: null, lowerMs: null, establishedAt: null };
  const upMs = up.atMs - clearedAt;
  return {
    ms: Math.round(c.ms - upMs),
    lowerMs: Math.max(0, Math.round(c.lowerMs - upMs)),
    establishedAt: new Date(up.atMs).toISOString(),
  };
}

const show = (c: Complete | undefined) =>
  c === undefined || c.ms === null ? 'never' : `${c.ms} ms (between ${c.lowerMs} and ${c.ms})`;
