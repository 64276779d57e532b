// herald lab: a whole cluster on one machine. A bridge, N node namespaces each with an HTTP
// server on the service addresses and a standalone speaker, a client and a router — every
// address inside namespaces the lab made. `down` removes everything, leftovers included.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LAB_BGP, labBgpConfigYaml, type LabBgpOptions } from './bgp-topology.js';
import { startFrrRouter } from './router.js';
import { startBirdRouter } from './router-bird.js';
import { labApply, labKubeconfig, startLabKubernetes } from './k8s/lab-cluster.js';
import { startKeepalived } from './keepalived.js';
import {
  LAB_POOL_LOCAL,
  LAB_PREFIX,
  labConfigYaml,
  labTopology,
  type LabHost,
  type LabTopology,
} from './topology.js';
import {
  ip,
  listNamespaces,
  netnsExec,
  processAlive,
  readState,
  removeStateDir,
  signal,
  startInNamespace,
  speakerSocket,
  stateDir,
  writeState,
  type LabState,
} from './system.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HERALD = join(ROOT, 'bin', 'herald');

/** A tiny HTTP server answering with its node's name, on every address (VIPs on lo included). */
const HTTP_SERVER = `require('http').createServer((q, s) => s.end(process.argv[1] + '\\n')).listen(80, '::')`;

/** The port of every lab speaker's HTTP listener on its lab address (MetalLB's 7472). */
export const LAB_METRICS_PORT = 7472;

export type Progress = (message: string) => void;

export interface LabOptions {
  /** The router runs FRR or BIRD (started before the speakers dial it). */
  readonly bgp?: LabBgpOptions;
  /** A control plane in the lab, the controller, and speakers in Kubernetes mode. */
  readonly k8s?: boolean;
  /** What runs on each node: Herald's speaker, or keepalived (the benchmark's reference peer). */
  readonly agent?: LabAgent;
}

export type LabAgent = 'herald' | 'keepalived';

/** Where a lab's speakers read configuration: files (standalone) or the lab's apiserver. */
export type SpeakerMode = 'standalone' | 'k8s';

export const speakerModeOf = (state: LabState | undefined): SpeakerMode =>
  state?.k8s ? 'k8s' : 'standalone';

/** Builds the lab: a bridge, the hosts, the router (with bgp), the control plane (with k8s), speakers. */
export async function labUp(
  nodes: number,
  id: string,
  progress: Progress,
  options: LabOptions = {},
): Promise<LabTopology> {
  const { bgp, k8s } = options;
  const agent = options.agent ?? 'herald';
  labDown(id, () => undefined);
  const t = labTopology(nodes, id);
  const dir = stateDir(id);
  mkdirSync(join(dir, 'config'), { recursive: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  writeFileSync(join(dir, 'config', 'lab.yaml'), labConfigYaml(t));
  if (bgp) writeFileSync(join(dir, 'config', 'bgp.yaml'), labBgpConfigYaml(t, bgp));

  progress(`creating the bridge namespace ${t.bridgeNamespace}`);
  ip('netns', 'add', t.bridgeNamespace);
  ip('-n', t.bridgeNamespace, 'link', 'add', 'br0', 'type', 'bridge');
  ip('-n', t.bridgeNamespace, 'link', 'set', 'br0', 'up');
  for (const h of [t.router, t.client, ...(k8s ? [t.controlPlane] : []), ...t.nodes]) {
    progress(`connecting ${h.name} (${h.ipv4}, ${h.mac})`);
    attach(t, h);
  }
  const state: LabState = { id, nodes, speakers: {}, http: {}, ...(agent === 'herald' ? {} : { agent }) };
  if (k8s) {
    // Recorded at once: a failure further on still leaves `lab down` the PIDs to stop.
    state.k8s = await startLabKubernetes(t, progress);
    writeState(state);
  }
  if (bgp) {
    progress(`starting ${bgp.router} in ${t.router.namespace}`);
    const start = bgp.router === 'bird' ? startBirdRouter : startFrrRouter;
    state.router = await start(t, dir, bgp);
  }
  for (const n of t.nodes) {
    // The service addresses are local on lo; arp_ignore/arp_announce keep the kernel from
    // answering ARP for them (kube-proxy's strictARP), so only the elected speaker does. With
    // k8s the controller may assign any address of the pool: the whole pool is local, as
    // kube-proxy would make every assigned address.
    if (k8s) {
      ip('-n', n.namespace, 'route', 'add', 'local', LAB_POOL_LOCAL.ipv4, 'dev', 'lo', 'table', 'local');
      ip(
        '-n',
        n.namespace,
        '-6',
        'route',
        'add',
        'local',
        LAB_POOL_LOCAL.ipv6,
        'dev',
        'lo',
        'table',
        'local',
      );
    } else {
      ip('-n', n.namespace, 'addr', 'add', `${t.vipv4}/32`, 'dev', 'lo');
      ip('-n', n.namespace, 'addr', 'add', `${t.vipv6}/128`, 'dev', 'lo');
    }
    if (bgp) {
      ip('-n', n.namespace, 'addr', 'add', `${LAB_BGP.vipv4}/32`, 'dev', 'lo');
      ip('-n', n.namespace, 'addr', 'add', `${LAB_BGP.vipv6}/128`, 'dev', 'lo');
    }
    netnsExec(n.namespace, [
      'sysctl',
      '-q',
      '-w',
      'net.ipv4.conf.all.arp_ignore=1',
      'net.ipv4.conf.all.arp_announce=2',
    ]);
    state.http[n.name] = startInNamespace(
      n.namespace,
      [process.execPath, '-e', HTTP_SERVER, n.name],
      join(dir, 'logs', `${n.name}-http.log`),
    );
    state.speakers[n.name] = startAgent(t, n, state);
    progress(
      agent === 'keepalived'
        ? `started ${n.name}: HTTP server and keepalived (VRRPv3)`
        : `started ${n.name}: HTTP server and speaker${k8s ? ' (Kubernetes mode, its own token)' : ''}`,
    );
  }
  writeState(state);
  if (k8s && state.k8s) {
    progress('Kubernetes: the lab configuration and Service, through the API');
    // Configuration first, Services after: a Service seen before its pool would get a passing
    // AllocationFailed Event (MetalLB's controller does the same) that only confuses the tour.
    const documents = [labConfigYaml(t), ...(bgp ? [labBgpConfigYaml(t, bgp)] : [])]
      .join('\n---\n')
      .split(/^---$/m);
    const isService = (doc: string) => /^kind: Service$/m.test(doc);
    await labApply(t, state.k8s.bin, documents.filter((d) => !isService(d)).join('\n---\n'));
    await labApply(t, state.k8s.bin, documents.filter(isService).join('\n---\n'));
  }
  return t;
}

/** Starts the node's agent as the lab was built: a speaker (standalone or Kubernetes) or keepalived. */
export function startAgent(t: LabTopology, n: LabHost, state: LabState): number {
  return state.agent === 'keepalived' ? startKeepalived(t, n) : startSpeaker(t, n, speakerModeOf(state));
}

/** The arguments that tell a speaker where its configuration comes from. */
function sourceArgs(t: LabTopology, n: LabHost, mode: SpeakerMode): string[] {
  if (mode === 'k8s') return ['--kubeconfig', labKubeconfig(t.id, `speaker-${n.name}`)];
  const peers = t.nodes.map((h) => `${h.ipv4}:${t.gossipPort}`).join(',');
  return ['--standalone', '--config', join(stateDir(t.id), 'config'), '--gossip-peers', peers];
}

export function startSpeaker(t: LabTopology, n: LabHost, mode: SpeakerMode): number {
  const dir = stateDir(t.id);
  return startInNamespace(
    n.namespace,
    [
      process.execPath,
      '--max-semi-space-size=2',
      HERALD,
      'speaker',
      ...sourceArgs(t, n, mode),
      '--node-name',
      n.name,
      '--gossip-listen',
      `${n.ipv4}:${t.gossipPort}`,
      // Prometheus from inside the lab (the client can scrape it), and a unix socket the host can
      // reach without entering the namespace: `herald status`, `herald lab visualize`.
      '--metrics-listen',
      `${n.ipv4}:${LAB_METRICS_PORT}`,
      '--metrics-listen',
      `unix:${speakerSocket(t.id, n.name)}`,
      '--log-level',
      'debug',
      '--log-format',
      'json',
      // Used when the configuration's MetalLB object says bgpBackend: frr (`lab up --backend frr`).
      '--frr-run-dir',
      join(dir, 'frr', n.name),
      // Benchmarks compare speaker settings (bench/failover-soak.bench.ts: `--profile lan`, `--no-liveness`).
      ...(process.env.HERALD_LAB_SPEAKER_ARGS ?? '').split(' ').filter(Boolean),
    ],
    join(dir, 'logs', `${n.name}.log`),
    ROOT,
  );
}

/** A new host namespace plugged into the lab bridge with its addresses (IPv4 and IPv6). */
export function attach(t: LabTopology, h: LabHost): void {
  ip('netns', 'add', h.namespace);
  ip('-n', h.namespace, 'link', 'set', 'lo', 'up');
  const temp = `hl${process.pid % 100000}${h.name}`.slice(0, 15);
  ip(
    'link',
    'add',
    temp,
    'netns',
    h.namespace,
    'type',
    'veth',
    'peer',
    'name',
    h.bridgePort,
    'netns',
    t.bridgeNamespace,
  );
  ip('-n', h.namespace, 'link', 'set', temp, 'name', 'eth0');
  ip('-n', h.namespace, 'link', 'set', 'eth0', 'address', h.mac);
  netnsExec(h.namespace, ['sysctl', '-q', '-w', 'net.ipv6.conf.eth0.keep_addr_on_down=1']);
  ip('-n', h.namespace, 'addr', 'add', `${h.ipv4}/24`, 'dev', 'eth0');
  ip('-n', h.namespace, 'addr', 'add', `${h.ipv6}/64`, 'dev', 'eth0', 'nodad');
  ip('-n', h.namespace, 'link', 'set', 'eth0', 'up');
  ip('-n', t.bridgeNamespace, 'link', 'set', h.bridgePort, 'master', 'br0');
  ip('-n', t.bridgeNamespace, 'link', 'set', h.bridgePort, 'up');
}

/** Removes the lab `id` (or every lab when id is undefined), killing the processes in it by PID. */
export function labDown(id: string | undefined, progress: Progress): number {
  const prefix = id === undefined ? LAB_PREFIX : `${LAB_PREFIX}${id}-`;
  const mine = listNamespaces().filter((n) => n.startsWith(prefix));
  for (const ns of mine) {
    for (const pid of ip('netns', 'pids', ns).split('\n').filter(Boolean)) signal(Number(pid), 'SIGKILL');
  }
  if (id !== undefined) {
    const state = readState(id);
    const k8s = state?.k8s ? [state.k8s.controller, state.k8s.apiserver, state.k8s.etcd] : [];
    for (const pid of [...Object.values(state?.speakers ?? {}), ...Object.values(state?.http ?? {}), ...k8s])
      signal(pid, 'SIGKILL');
  }
  for (const ns of mine) {
    try {
      ip('netns', 'delete', ns);
      progress(`removed ${ns}`);
    } catch {
      // already gone
    }
  }
  if (id !== undefined) removeStateDir(id);
  return mine.length;
}

export function labNodeStatus(
  t: LabTopology,
  state: LabState | undefined,
): { node: string; speaker: boolean; cable: boolean }[] {
  return t.nodes.map((n) => ({
    node: n.name,
    speaker: processAlive(state?.speakers[n.name] ?? -1),
    cable: /state UP|,UP/.test(ip('-n', t.bridgeNamespace, 'link', 'show', n.bridgePort)),
  }));
}

/** Which node the client's neighbour table says has the VIP (after asking for it). */
export function clientSeesAnnouncer(t: LabTopology): string | undefined {
  try {
    netnsExec(t.client.namespace, ['ping', '-c', '1', '-W', '1', t.vipv4]);
  } catch {
    // ICMP to the VIP may go unanswered; only the neighbour entry matters
  }
  const mac = /lladdr (\S+)/.exec(ip('-n', t.client.namespace, 'neigh', 'show', t.vipv4))?.[1];
  return t.nodes.find((n) => n.mac === mac)?.name;
}
