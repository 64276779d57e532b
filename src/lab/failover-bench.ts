// herald lab failover-bench: fail the node serving the VIP again and again and measure, from the
// client namespace, the time from the fault to the first HTTP answer from another node. With
// --compare keepalived the same trials run next against keepalived (VRRPv3, 100 ms adverts) in a
// lab built the same way, so both figures come from one run on one machine. Every loop is bounded
// (trials, per-trial timeouts, a probe that exits on its own).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TextIo as CliIo } from '../ports/text-io.js';
import { rankNodes } from '../core/election/rank.js';
import { waitForService } from './commands.js';
import { histogramSvg } from './histogram.js';
import { keepalivedVrrpPid, KEEPALIVED_ADVERT_SECONDS, removeKeepalivedPidFiles } from './keepalived.js';
import { labDown, labUp, startAgent, type LabAgent } from './lab.js';
import { ip, readState, signal, writeState } from './system.js';

export interface BenchOptions {
  readonly nodes: number;
  readonly trials: number;
  readonly mode: 'cut' | 'kill' | 'stop' | 'term';
  readonly id: string;
  readonly out: string;
  /** The lab in Kubernetes mode (control plane, controller, speakers on the API). */
  readonly k8s?: boolean;
  /** Run the same trials against this peer afterwards, in the same run. */
  readonly compare?: 'keepalived';
}

interface TrialResult {
  readonly trial: number;
  readonly victim: string;
  readonly takeover: string;
  readonly ms: number;
}

interface RunSummary {
  readonly agent: string;
  readonly trials: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly macsAnsweringArpAfterwards: string[];
  readonly results: TrialResult[];
}

/** Runs in the client namespace: a GET every 10 ms (each with a 250 ms timeout), one JSON line per answer. */
const PROBE = `
const http = require('http');
const [vip, maxMs] = process.argv.slice(1);
const end = Date.now() + Number(maxMs);
const tick = setInterval(() => {
  if (Date.now() > end) { clearInterval(tick); return; }
  const sent = Date.now();
  const req = http.get({ host: vip, port: 80, path: '/', agent: false, timeout: 250 }, (res) => {
    let body = '';
    res.on('data', (d) => (body += d));
    res.on('end', () => console.log(JSON.stringify({ sent, at: Date.now(), node: body.trim() })));
  });
  req.on('timeout', () => req.destroy());
  req.on('error', () => {});
}, 10);
process.stdin.on('close', () => process.exit(0));
process.stdin.resume();
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;

export async function failoverBench(options: BenchOptions, io: CliIo): Promise<number> {
  if (process.getuid?.() !== 0) {
    io.err('herald lab failover-bench: needs root (network namespaces)');
    return 2;
  }
  const agents: LabAgent[] = ['herald', ...(options.compare ? [options.compare] : [])];
  const runs: RunSummary[] = [];
  for (const agent of agents) {
    try {
      runs.push(await runTrials(options, agent, io));
    } catch (error) {
      io.err(
        `herald lab failover-bench (${agent}): ${error instanceof Error ? error.message : String(error)}`,
      );
      return 1;
    }
  }
  const [herald, ...peers] = runs;
  if (!herald) return 1;
  mkdirSync(options.out, { recursive: true });
  const base = join(options.out, `failover-${options.mode}`);
  const { results, ...heraldFigures } = herald;
  const summary = {
    mode: options.mode,
    nodes: options.nodes,
    kubernetes: options.k8s === true,
    ...heraldFigures,
    results,
    ...(peers.length > 0 ? { peers } : {}),
  };
  writeFileSync(`${base}.json`, JSON.stringify(summary, null, 2));
  for (const run of runs) {
    const file = run.agent === 'herald' ? `${base}.svg` : `${base}-${run.agent}.svg`;
    writeFileSync(
      file,
      histogramSvg(
        run.results.map((r) => r.ms).sort((x, y) => x - y),
        `${describeAgent(run.agent)} layer-2 failover, ${options.mode}, ${options.nodes} nodes, ${run.trials} trials`,
      ),
    );
  }
  for (const run of runs) {
    io.out(
      `failover (${describeAgent(run.agent)}, ${options.mode}, ${options.nodes} nodes, ${run.trials} trials): p50 ${run.p50} ms, p95 ${run.p95} ms, p99 ${run.p99} ms, max ${run.max} ms; MACs answering ARP afterwards: ${run.macsAnsweringArpAfterwards.length}`,
    );
  }
  for (const peer of peers) {
    const verdict = herald.p99 < peer.p99 ? 'Herald is faster' : 'Herald is NOT faster';
    io.out(`p99: Herald ${herald.p99} ms vs ${describeAgent(peer.agent)} ${peer.p99} ms — ${verdict}`);
  }
  io.out(`results: ${base}.json, ${base}.svg`);
  return runs.every((r) => r.macsAnsweringArpAfterwards.length === 1) ? 0 : 1;
}

function describeAgent(agent: string): string {
  return agent === 'keepalived'
    ? `keepalived VRRPv3 advert ${KEEPALIVED_ADVERT_SECONDS * 1000} ms`
    : 'Herald';
}

/** One lab with `agent` on every node, `options.trials` faults, torn down afterwards. */
async function runTrials(options: BenchOptions, agent: LabAgent, io: CliIo): Promise<RunSummary> {
  const t = await labUp(options.nodes, options.id, (m) => io.out(`lab: ${m}`), {
    k8s: agent === 'herald' && options.k8s === true,
    agent,
  });
  const maxMs = options.trials * 30_000 + 60_000;
  const probe = spawn(
    'ip',
    ['netns', 'exec', t.client.namespace, process.execPath, '-e', PROBE, t.vipv4, String(maxMs)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const answers: { at: number; node: string }[] = [];
  createInterface({ input: probe.stdout }).on('line', (line) => {
    try {
      answers.push(JSON.parse(line) as { at: number; node: string });
    } catch {
      // ignore
    }
  });
  const results: TrialResult[] = [];
  try {
    // keepalived holds only the IPv4 VIP (one VRRP instance, as the benchmark's probe uses).
    if (!(await waitForService(options.id, 20_000, agent === 'herald')))
      throw new Error('the lab never served the VIP');
    await settle(
      answers,
      t.nodes.map((n) => n.name),
      t.vipv4,
    );
    await sleep(1000);
    for (let trial = 1; trial <= options.trials; trial++) {
      const victim = answers.at(-1)?.node;
      if (!victim) throw new Error('no answers from the VIP');
      const host = t.nodes.find((n) => n.name === victim);
      const state = readState(options.id);
      if (!host || !state) throw new Error(`unknown answering node "${victim}" or lost lab state`);
      const agentPid = state.speakers[victim] ?? -1;
      // keepalived: faults hit the VRRP process (see keepalived.ts); SIGTERM goes to the parent,
      // which stops it gracefully as a service manager would.
      const pid =
        agent === 'keepalived' && options.mode !== 'term'
          ? (keepalivedVrrpPid(t, host) ?? agentPid)
          : agentPid;
      const faultAt = Date.now();
      if (options.mode === 'cut') ip('-n', t.bridgeNamespace, 'link', 'set', host.bridgePort, 'down');
      else signal(pid, options.mode === 'kill' ? 'SIGKILL' : options.mode === 'stop' ? 'SIGSTOP' : 'SIGTERM');
      const deadline = faultAt + 15_000;
      let takeover: { at: number; node: string } | undefined;
      while (!takeover && Date.now() < deadline) {
        await sleep(10);
        takeover = answers.find((a) => a.at >= faultAt && a.node !== victim);
      }
      if (!takeover) throw new Error(`trial ${trial}: no other node answered within 15 s`);
      results.push({ trial, victim, takeover: takeover.node, ms: takeover.at - faultAt });
      io.out(
        `trial ${trial}/${options.trials} (${agent}): ${victim} ${options.mode} -> ${takeover.node} answered after ${takeover.at - faultAt} ms`,
      );
      // Restore the victim and let the cluster settle (it may take the VIP back: election is revertive).
      if (options.mode === 'cut') ip('-n', t.bridgeNamespace, 'link', 'set', host.bridgePort, 'up');
      else if (options.mode === 'stop') signal(pid, 'SIGCONT');
      else {
        // keepalived's parent would respawn a killed VRRP child: stop both, start afresh.
        if (agent === 'keepalived') {
          signal(keepalivedVrrpPid(t, host) ?? -1, 'SIGKILL');
          signal(agentPid, 'SIGKILL');
          await sleep(100);
          // The parent may have respawned a VRRP child before it died: one left running keeps
          // its pid file and the VIP, and the fresh keepalived refuses to start beside it.
          for (const leftover of keepalivedPidsIn(host.namespace)) signal(leftover, 'SIGKILL');
          await sleep(100);
          removeKeepalivedPidFiles(t, host);
        }
        state.speakers[victim] = startAgent(t, host, state);
        writeState(state);
      }
      await settle(
        answers,
        t.nodes.map((n) => n.name),
        t.vipv4,
      );
    }
    const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
    return {
      agent,
      trials: results.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      macsAnsweringArpAfterwards: arpingMacs(t.client.namespace, t.vipv4),
      results,
    };
  } finally {
    probe.stdin.end();
    probe.kill('SIGKILL');
    labDown(options.id, () => undefined);
  }
}

/**
 * Waits (at most 20 s) until the client has been answered for a full second by the node that
 * wins the election with every member alive — the cluster is whole again before the next fault.
 */
async function settle(
  answers: readonly { at: number; node: string }[],
  nodes: readonly string[],
  vip: string,
): Promise<void> {
  const expected = rankNodes([...nodes], vip)[0];
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    await sleep(250);
    const recent = answers.filter((a) => a.at > Date.now() - 1000);
    if (recent.length > 20 && recent.every((a) => a.node === expected)) return;
  }
  throw new Error(`the cluster did not settle on ${expected ?? '?'} within 20 s`);
}

/** keepalived processes in a lab node's namespace (the lab started them). */
function keepalivedPidsIn(namespace: string): number[] {
  return ip('netns', 'pids', namespace)
    .split('\n')
    .map(Number)
    .filter((pid) => {
      try {
        return pid > 0 && readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'keepalived';
      } catch {
        return false;
      }
    });
}

/** Distinct MACs that answer ARP for the VIP, asked from the client. */
function arpingMacs(namespace: string, vip: string): string[] {
  const run = spawnSync(
    'ip',
    ['netns', 'exec', namespace, 'arping', '-c', '3', '-w', '4', '-I', 'eth0', vip],
    { encoding: 'utf8' },
  );
  return [
    ...new Set([...run.stdout.matchAll(/\[([0-9A-Fa-f:]{17})\]/g)].map((m) => (m[1] ?? '').toLowerCase())),
  ];
}
