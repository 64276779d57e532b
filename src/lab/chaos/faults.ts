// Injecting and reverting chaos faults in a lab: signals to the speakers the lab started (by
// PID), bridge ports, nftables tables in node namespaces (partitions, one-way and random loss;
// this kernel has no netem), cgroup v1 CPU quotas, churn files in the config directory, the
// router's daemons. Every change is recorded so `cleanup()` undoes whatever is left, even after
// a failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { speakerModeOf, startSpeaker } from '../lab.js';
import { ip, processAlive, readState, signal, stateDir, writeState, type LabState } from '../system.js';
import type { LabHost, LabTopology } from '../topology.js';
import type { ChurnSlot, Fault } from './schedule.js';

const CGROUP_CPU = '/sys/fs/cgroup/cpu';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface FaultHooks {
  /** The node's speaker is about to go away on purpose (not a crash). */
  expectDown(node: string): void;
  /** The node's speaker runs again, as `pid`. */
  started(node: string, pid: number): void;
  /** A Service was added to or removed from the config directory. */
  churned(service: string, op: 'add' | 'remove'): void;
  /** Restart the router's daemons (BGP mode). */
  restartRouter?: (downMs: number) => Promise<void>;
}

/** The nft table of one fault in one namespace. */
const tableName = (fault: number) => `herald_chaos_${fault}`;

export class FaultInjector {
  /** namespace → nft tables to delete. */
  private readonly tables = new Map<string, Set<string>>();
  private readonly cgroups = new Map<string, { pid: number; home: string }>();
  private readonly cut = new Set<string>();
  private readonly stopped = new Set<number>();
  private readonly churnFiles = new Set<string>();

  constructor(
    private readonly t: LabTopology,
    private readonly hooks: FaultHooks,
  ) {}

  /** Runs one fault to its end (inject, hold for its duration, revert). */
  async run(fault: Fault): Promise<void> {
    switch (fault.kind) {
      case 'kill':
      case 'term': {
        const pid = this.pid(fault.node);
        this.hooks.expectDown(fault.node);
        signal(pid, fault.kind === 'kill' ? 'SIGKILL' : 'SIGTERM');
        await sleep(fault.durationMs);
        await this.waitExit(pid, 5000);
        this.restart(fault.node);
        return;
      }
      case 'stop': {
        const pid = this.pid(fault.node);
        signal(pid, 'SIGSTOP');
        this.stopped.add(pid);
        await sleep(fault.durationMs);
        signal(pid, 'SIGCONT');
        this.stopped.delete(pid);
        return;
      }
      case 'cut': {
        const host = this.host(fault.node);
        this.cut.add(host.bridgePort);
        ip('-n', this.t.bridgeNamespace, 'link', 'set', host.bridgePort, 'down');
        await sleep(fault.durationMs);
        ip('-n', this.t.bridgeNamespace, 'link', 'set', host.bridgePort, 'up');
        this.cut.delete(host.bridgePort);
        return;
      }
      case 'storm':
        for (let i = 0; i < fault.restarts; i++) {
          const pid = this.pid(fault.node);
          this.hooks.expectDown(fault.node);
          signal(pid, 'SIGKILL');
          await this.waitExit(pid, 2000);
          this.restart(fault.node);
          await sleep(fault.gapMs);
        }
        return;
      case 'partition':
        return this.withRules(
          fault.id,
          [
            ...fault.sides[0].map((n) => ({ node: n, rules: dropFrom(this.hosts(fault.sides[1])) })),
            ...fault.sides[1].map((n) => ({ node: n, rules: dropFrom(this.hosts(fault.sides[0])) })),
          ],
          fault.durationMs,
        );
      case 'oneWay':
        return this.withRules(
          fault.id,
          [{ node: fault.to, rules: dropFrom(this.hosts(fault.from)) }],
          fault.durationMs,
        );
      case 'loss':
        return this.withRules(
          fault.id,
          [{ node: fault.node, rules: randomLoss(fault.percent) }],
          fault.durationMs,
        );
      case 'cpu': {
        const group = join(CGROUP_CPU, `herald-chaos-${this.t.id}-${fault.id}`);
        const pid = this.pid(fault.node);
        this.cgroups.set(group, { pid, home: cpuCgroupOf(pid) });
        mkdirSync(group, { recursive: true });
        writeFileSync(join(group, 'cpu.cfs_period_us'), '100000');
        writeFileSync(join(group, 'cpu.cfs_quota_us'), String(fault.quotaPercent * 1000));
        // The speaker's liveness thread runs SCHED_RR: a v1 cgroup refuses (EINVAL) a realtime
        // task unless it has a realtime budget, so it gets the same share of the RT period.
        writeFileSync(join(group, 'cpu.rt_runtime_us'), String(rtRuntimeUs(fault.quotaPercent)));
        writeFileSync(join(group, 'cgroup.procs'), String(pid));
        await sleep(fault.durationMs);
        this.releaseCgroup(group);
        return;
      }
      case 'churn': {
        const file = churnFile(this.t, fault.service);
        if (fault.op === 'add') {
          writeFileSync(file, churnServiceYaml({ service: fault.service, ip: fault.ip }));
          this.churnFiles.add(file);
        } else {
          unlinkSync(file);
          this.churnFiles.delete(file);
        }
        this.hooks.churned(fault.service, fault.op);
        return;
      }
      case 'routerRestart':
        await this.hooks.restartRouter?.(fault.durationMs);
        return;
    }
  }

  /** Undoes every change still in place: rules, quotas, cut cables, stopped processes, churn files. */
  cleanup(): void {
    for (const [namespace, tables] of this.tables)
      for (const table of tables) tryRun(() => nft(namespace, ['delete', 'table', 'inet', table]));
    this.tables.clear();
    for (const group of [...this.cgroups.keys()]) tryRun(() => this.releaseCgroup(group));
    for (const port of this.cut) tryRun(() => ip('-n', this.t.bridgeNamespace, 'link', 'set', port, 'up'));
    this.cut.clear();
    for (const pid of this.stopped) signal(pid, 'SIGCONT');
    this.stopped.clear();
    for (const file of this.churnFiles) tryRun(() => unlinkSync(file));
    this.churnFiles.clear();
    // Quota groups of an earlier, interrupted run of this lab.
    tryRun(() => {
      for (const name of execFileSync('ls', [CGROUP_CPU], { encoding: 'utf8' }).split('\n'))
        if (name.startsWith(`herald-chaos-${this.t.id}-`)) tryRun(() => rmdirSync(join(CGROUP_CPU, name)));
    });
  }

  private async withRules(
    fault: number,
    targets: { node: string; rules: string }[],
    durationMs: number,
  ): Promise<void> {
    const table = tableName(fault);
    for (const { node, rules } of targets) {
      const namespace = this.host(node).namespace;
      const set = this.tables.get(namespace) ?? new Set<string>();
      this.tables.set(namespace, set);
      set.add(table);
      nft(namespace, ['-f', '-'], nftTable(table, rules));
    }
    await sleep(durationMs);
    for (const { node } of targets) {
      const namespace = this.host(node).namespace;
      tryRun(() => nft(namespace, ['delete', 'table', 'inet', table]));
      this.tables.get(namespace)?.delete(table);
    }
  }

  private releaseCgroup(group: string): void {
    const entry = this.cgroups.get(group);
    this.cgroups.delete(group);
    if (entry && processAlive(entry.pid))
      tryRun(() => writeFileSync(join(entry.home, 'cgroup.procs'), String(entry.pid)));
    // Processes killed meanwhile leave it empty; a restarted speaker never joined it.
    if (existsSync(group)) tryRun(() => rmdirSync(group));
  }

  private restart(node: string): void {
    const state = this.state();
    const pid = startSpeaker(this.t, this.host(node), speakerModeOf(state));
    state.speakers[node] = pid;
    writeState(state);
    this.hooks.started(node, pid);
  }

  private async waitExit(pid: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (processAlive(pid) && Date.now() < deadline) await sleep(20);
    if (processAlive(pid)) signal(pid, 'SIGKILL');
    while (processAlive(pid) && Date.now() < deadline + 2000) await sleep(20);
  }

  private state(): LabState {
    const state = readState(this.t.id);
    if (!state) throw new Error(`lab ${this.t.id}: state lost`);
    return state;
  }

  private pid(node: string): number {
    const pid = this.state().speakers[node];
    if (pid === undefined) throw new Error(`no speaker recorded for ${node}`);
    return pid;
  }

  private host(node: string): LabHost {
    const host = this.t.nodes.find((n) => n.name === node);
    if (!host) throw new Error(`no node ${node}`);
    return host;
  }

  private hosts(nodes: readonly string[]): LabHost[] {
    return nodes.map((n) => this.host(n));
  }
}

/** nftables: drop everything arriving from these hosts (IPv4 and IPv6). */
export function dropFrom(hosts: readonly LabHost[]): string {
  return [
    `    ip saddr { ${hosts.map((h) => h.ipv4).join(', ')} } drop`,
    `    ip6 saddr { ${hosts.map((h) => h.ipv6).join(', ')} } drop`,
  ].join('\n');
}

/** nftables: drop `percent`% of packets at random (numgen; the kernel has no netem). */
export function randomLoss(percent: number): string {
  return `    numgen random mod 100 < ${percent} drop`;
}

/** One table with input and output chains holding `rules` (input only for `saddr` rules). */
export function nftTable(table: string, rules: string): string {
  const output = rules.includes('saddr')
    ? ''
    : `  chain out {\n    type filter hook output priority -10; policy accept;\n${rules}\n  }\n`;
  return `table inet ${table} {\n  chain in {\n    type filter hook input priority -10; policy accept;\n${rules}\n  }\n${output}}\n`;
}

function nft(namespace: string, args: string[], input?: string): void {
  execFileSync('ip', ['netns', 'exec', namespace, 'nft', ...args], {
    stdio: ['pipe', 'ignore', 'pipe'],
    ...(input !== undefined ? { input } : {}),
  });
}

function cpuCgroupOf(pid: number): string {
  const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8')
    .split('\n')
    .find((l) => /^\d+:[^:]*\bcpu\b[^:]*:/.test(l));
  const path = line?.split(':')[2] ?? '/';
  return join(CGROUP_CPU, path);
}

function tryRun(action: () => void): void {
  try {
    action();
  } catch {
    // best effort: cleanup continues with the next item
  }
}

export const churnFile = (t: LabTopology, service: string): string =>
  join(stateDir(t.id), 'config', `churn-${service}.yaml`);

/** A churn Service: requests its address, so it is the same on every speaker. */
export function churnServiceYaml(slot: ChurnSlot): string {
  return `# Written by herald lab chaos (configuration churn).
apiVersion: v1
kind: Service
metadata:
  name: ${slot.service}
  namespace: default
  annotations:
    metallb.io/loadBalancerIPs: ${slot.ip}
spec:
  type: LoadBalancer
  ports: [{ port: 80, protocol: TCP }]
`;
}

/** The realtime budget per 1 s period (the v1 default) for a CPU share in percent. */
export function rtRuntimeUs(quotaPercent: number): number {
  return Math.max(1000, Math.round(quotaPercent * 10_000));
}
