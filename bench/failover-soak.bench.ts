// Layer-2 failover soak in the lab (3 nodes, network namespaces): false suspicions and false
// failovers while nothing fails, per setting — calm, CPU burners, 1 % and 5 % random loss between
// the speakers (nftables numgen drops: this kernel has no netem) — and what each timing profile
// costs (speaker CPU, bytes on the wire) with and without liveness. With BENCH_KEEPALIVED=1 the
// loss settings run against keepalived (VRRPv3, 100 ms adverts) too: its false master changes.
// Run as root: node --import tsx bench/failover-soak.bench.ts. Environment: SOAK_MS (per
// setting, default 180000), COST_MS (default 60000), SETTINGS (default calm,cpu,loss1,loss5),
// COSTS (default fast,fast-noliveness,lan,lan-noliveness; empty: none), BENCH_KEEPALIVED.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { nftTable } from '../src/lab/chaos/faults.js';
import { waitForService } from '../src/lab/commands.js';
import { labDown, labUp, type LabAgent } from '../src/lab/lab.js';
import { readState, stateDir } from '../src/lab/system.js';
import type { LabTopology } from '../src/lab/topology.js';

const SOAK_MS = Number(process.env.SOAK_MS ?? 180_000);
const COST_MS = Number(process.env.COST_MS ?? 60_000);
const SETTINGS = (process.env.SETTINGS ?? 'calm,cpu,loss1,loss5').split(',').filter(Boolean);
const COSTS = (process.env.COSTS ?? 'fast,fast-noliveness,lan,lan-noliveness').split(',').filter(Boolean);
const ID = `soak${process.pid % 10000}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const load = () => loadavg()[0]?.toFixed(1) ?? '?';

interface Window {
  readonly from: number;
  readonly to: number;
}

async function up(agent: LabAgent, speakerArgs: string): Promise<LabTopology> {
  process.env.HERALD_LAB_SPEAKER_ARGS = speakerArgs;
  const t = await labUp(3, ID, () => undefined, { agent });
  if (!(await waitForService(ID, 30_000, agent === 'herald')))
    throw new Error('the lab never served the VIP');
  await sleep(5000); // past the first-contact grace and the first push-pulls
  return t;
}

/** Drops `percent` % of the packets each node receives from the other nodes. */
function addLoss(t: LabTopology, percent: number): void {
  for (const n of t.nodes) {
    const others = t.nodes.filter((o) => o !== n).map((o) => o.ipv4);
    const rules = `    ip saddr { ${others.join(', ')} } numgen random mod 100 < ${percent} drop`;
    execFileSync('ip', ['netns', 'exec', n.namespace, 'nft', '-f', '-'], {
      input: nftTable('herald_soak', rules),
    });
  }
}

/** CPU time of a process (user + system) in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ = 100
}

function txBytes(t: LabTopology, node: string): number {
  const ns = t.nodes.find((n) => n.name === node)?.namespace ?? '';
  return Number(
    execFileSync('ip', ['netns', 'exec', ns, 'cat', '/sys/class/net/eth0/statistics/tx_bytes'], {
      encoding: 'utf8',
    }),
  );
}

interface LogLine {
  readonly time?: string;
  readonly component?: string;
  readonly event?: string;
  readonly to?: string;
  readonly peer?: string;
  readonly type?: string;
}

/** Membership events of every speaker within the window. */
function herald(t: LabTopology, w: Window) {
  let suspicions = 0;
  let deaths = 0;
  let livenessLost = 0;
  let leaderChanges = 0;
  const detail: string[] = [];
  for (const n of t.nodes) {
    const lines = readFileSync(join(stateDir(ID), 'logs', `${n.name}.log`), 'utf8').split('\n');
    for (const raw of lines) {
      if (!raw.startsWith('{')) continue;
      const line = JSON.parse(raw) as LogLine;
      const at = Date.parse(line.time ?? '');
      if (!(at >= w.from && at <= w.to)) continue;
      if (line.component === 'membership' && line.event === 'member' && line.peer !== n.name) {
        if (line.to === 'suspect') suspicions++;
        if (line.to === 'dead') deaths++;
        if (line.to === 'suspect' || line.to === 'dead') detail.push(`${n.name}: ${raw}`);
      }
      if (line.event === 'liveness' && line.type === 'lost') {
        livenessLost++;
        detail.push(`${n.name}: ${raw}`);
      }
      if (line.component === 'leadership' && line.event === 'transition' && line.to === 'leader')
        leaderChanges++;
    }
  }
  return { suspicions, deaths, livenessLost, leaderChanges, detail };
}

/** keepalived: VRRP instances entered MASTER so far (the count grows with every false failover). */
function keepalived(t: LabTopology): number {
  let masters = 0;
  for (const n of t.nodes) {
    const file = join(stateDir(ID), 'logs', `${n.name}-keepalived.log`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    masters += text.split('\n').filter((l) => /Entering MASTER STATE/.test(l)).length;
  }
  return masters;
}

async function soak(setting: string, agent: LabAgent): Promise<void> {
  const t = await up(agent, '');
  const before = agent === 'keepalived' ? keepalived(t) : 0;
  const burners: ReturnType<typeof spawn>[] = [];
  if (setting === 'cpu')
    for (let i = 0; i < 2 * cpus().length; i++)
      burners.push(
        spawn(process.execPath, ['-e', `const e = Date.now() + ${SOAK_MS}; while (Date.now() < e) {}`], {
          stdio: 'ignore',
        }),
      );
  const loss = /^loss(\d+)$/.exec(setting);
  if (loss) addLoss(t, Number(loss[1]));
  const loadBefore = load();
  const w = { from: Date.now(), to: Date.now() + SOAK_MS };
  await sleep(SOAK_MS);
  const loadAfter = load();
  for (const b of burners) b.kill('SIGKILL');
  const minutes = SOAK_MS / 60_000;
  if (agent === 'herald') {
    const h = herald(t, w);
    console.log(
      `soak ${setting} (Herald, ${minutes} min, load ${loadBefore}→${loadAfter}): suspicions ${h.suspicions}, deaths ${h.deaths}, liveness lost ${h.livenessLost}, leader changes ${h.leaderChanges}`,
    );
    for (const line of h.detail.slice(0, 12)) console.log(`  ${line}`);
  } else {
    const k = keepalived(t) - before;
    console.log(
      `soak ${setting} (keepalived, ${minutes} min, load ${loadBefore}→${loadAfter}): MASTER transitions ${k}`,
    );
  }
  labDown(ID, () => undefined);
}

async function cost(name: string): Promise<void> {
  const [profile = 'fast', liveness] = name.split('-');
  const t = await up('herald', `--profile ${profile}${liveness === 'noliveness' ? ' --no-liveness' : ''}`);
  const pids = readState(ID)?.speakers ?? {};
  const cpu0 = Object.fromEntries(Object.entries(pids).map(([n, pid]) => [n, cpuMs(pid)]));
  const tx0 = Object.fromEntries(t.nodes.map((n) => [n.name, txBytes(t, n.name)]));
  const loadBefore = load();
  await sleep(COST_MS);
  const s = COST_MS / 1000;
  const cpu = t.nodes.map((n) => (cpuMs(pids[n.name] ?? 0) - (cpu0[n.name] ?? 0)) / s);
  const tx = t.nodes.map((n) => (txBytes(t, n.name) - (tx0[n.name] ?? 0)) / s / 1024);
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `cost ${name} (${s} s, load ${loadBefore}→${load()}): speaker CPU ${avg(cpu).toFixed(1)} ms/s (${cpu.map((c) => c.toFixed(1)).join(', ')}), eth0 tx ${avg(tx).toFixed(2)} KiB/s per node`,
  );
  labDown(ID, () => undefined);
}

try {
  for (const name of COSTS) await cost(name);
  for (const setting of SETTINGS) {
    await soak(setting, 'herald');
    if (process.env.BENCH_KEEPALIVED && setting.startsWith('loss')) await soak(setting, 'keepalived');
  }
} finally {
  labDown(ID, () => undefined);
}
