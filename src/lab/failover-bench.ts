// herald lab failover-bench: fail the node serving the VIP again and again and measure, from the
// client namespace, the time from the fault to the first HTTP answer from another node. Every
// loop is bounded (trials, per-trial timeouts, a probe that exits on its own).
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { CliIo } from '../cli/output.js';
import { rankNodes } from '../core/election/rank.js';
import { waitForService } from './commands.js';
import { histogramSvg } from './histogram.js';
import { labDown, labUp, speakerModeOf, startSpeaker } from './lab.js';
import { ip, readState, signal, writeState } from './system.js';

export interface BenchOptions {
  readonly nodes: number;
  readonly trials: number;
  readonly mode: 'cut' | 'kill' | 'stop' | 'term';
  readonly id: string;
  readonly out: string;
  /** The lab in Kubernetes mode (control plane, controller, speakers on the API). */
  readonly k8s?: boolean;
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
  const t = await labUp(options.nodes, options.id, (m) => io.out(`lab: ${m}`), { k8s: options.k8s === true });
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
  const results: { trial: number; victim: string; takeover: string; ms: number }[] = [];
  try {
    if (!(await waitForService(options.id, 20_000))) throw new Error('the lab never served the VIP');
    await sleep(2000);
    for (let trial = 1; trial <= options.trials; trial++) {
      const victim = answers.at(-1)?.node;
      if (!victim) throw new Error('no answers from the VIP');
      const host = t.nodes.find((n) => n.name === victim);
      const state = readState(options.id);
      if (!host || !state) throw new Error(`unknown answering node "${victim}" or lost lab state`);
      const pid = state.speakers[victim] ?? -1;
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
        `trial ${trial}/${options.trials}: ${victim} ${options.mode} -> ${takeover.node} answered after ${takeover.at - faultAt} ms`,
      );
      // Restore the victim and let the cluster settle (it may take the VIP back: election is revertive).
      if (options.mode === 'cut') ip('-n', t.bridgeNamespace, 'link', 'set', host.bridgePort, 'up');
      else if (options.mode === 'stop') signal(pid, 'SIGCONT');
      else {
        state.speakers[victim] = startSpeaker(t, host, speakerModeOf(state));
        writeState(state);
      }
      await settle(
        answers,
        t.nodes.map((n) => n.name),
        t.vipv4,
      );
    }
    const macs = arpingMacs(t.client.namespace, t.vipv4);
    const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
    const summary = {
      mode: options.mode,
      nodes: options.nodes,
      trials: results.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted.at(-1) ?? Number.NaN,
      macsAnsweringArpAfterwards: macs,
      results,
    };
    mkdirSync(options.out, { recursive: true });
    const base = join(options.out, `failover-${options.mode}`);
    writeFileSync(`${base}.json`, JSON.stringify(summary, null, 2));
    writeFileSync(
      `${base}.svg`,
      histogramSvg(
        sorted,
        `Herald layer-2 failover, ${options.mode}, ${options.nodes} nodes, ${results.length} trials`,
      ),
    );
    io.out(
      `failover (${options.mode}, ${options.nodes} nodes, ${results.length} trials): p50 ${summary.p50} ms, p95 ${summary.p95} ms, p99 ${summary.p99} ms, max ${summary.max} ms`,
    );
    io.out(`MACs answering ARP for ${t.vipv4} afterwards: ${macs.length} (${macs.join(', ')})`);
    io.out(`results: ${base}.json, ${base}.svg`);
    return macs.length === 1 ? 0 : 1;
  } catch (error) {
    io.err(`herald lab failover-bench: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
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
