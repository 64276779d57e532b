// The lab subcommands' bodies (kept apart from CLI parsing).
import { spawnSync } from 'node:child_process';
import type { TextIo as CliIo } from '../ports/text-io.js';
import { clientSeesAnnouncer, labDown, labNodeStatus, labUp, startAgent } from './lab.js';
import { LAB_BGP, type LabBgpOptions } from './bgp-topology.js';
import { vtysh } from './router.js';
import { birdc, birdRoutes, labRunsBird } from './router-bird.js';
import { ip, processAlive, readState, signal, speakerSocket, stateDir, writeState } from './system.js';
import { labKubeconfig, runLabKubectl } from './k8s/lab-cluster.js';
import { startLabProxy } from './visualize.js';
import { labTopology } from './topology.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function curlCommand(id: string, vip: string): string {
  return `sudo ip netns exec hlab-${id}-client curl http://${vip}/`;
}

/**
 * Waits until the client gets HTTP answers on both VIPs (IPv4 and IPv6; IPv4 only when `ipv6` is
 * false) from the same node three times in a row — the speakers have found each other and the election has settled. Returns
 * that node.
 */
export async function waitForService(
  id: string,
  timeoutMs: number,
  ipv6 = true,
): Promise<string | undefined> {
  const t = labTopology(readState(id)?.nodes ?? 1, id);
  const ask = (url: string): string => {
    const run = spawnSync('ip', ['netns', 'exec', t.client.namespace, 'curl', '-s', '-g', '-m', '1', url], {
      encoding: 'utf8',
    });
    return run.status === 0 ? run.stdout.trim() : '';
  };
  const deadline = Date.now() + timeoutMs;
  let streak = 0;
  let last = '';
  while (Date.now() < deadline) {
    const v4 = ask(`http://${t.vipv4}/`);
    const v6 = ipv6 ? ask(`http://[${t.vipv6}]/`) : v4;
    streak = v4 !== '' && v4 === v6 && v4 === last ? streak + 1 : v4 !== '' && v4 === v6 ? 1 : 0;
    last = v4;
    if (streak >= 3) return v4;
    await sleep(300);
  }
  return undefined;
}

export async function up(
  nodes: number,
  id: string,
  io: CliIo,
  bgp: LabBgpOptions | undefined,
  k8s: boolean,
): Promise<number> {
  if (process.getuid?.() !== 0) {
    io.err('herald lab: needs root (network namespaces)');
    return 2;
  }
  const started = Date.now();
  const t = await labUp(nodes, id, (m) => io.out(`lab: ${m}`), { ...(bgp ? { bgp } : {}), k8s });
  io.out('lab: waiting for the speakers to elect an announcer ...');
  const answer = await waitForService(id, 20_000);
  if (!answer) {
    io.err(`herald lab: no HTTP answer from ${t.vipv4} within 20 s; see logs in /run/herald-lab/${id}/logs`);
    return 1;
  }
  io.out(`lab: up in ${((Date.now() - started) / 1000).toFixed(1)} s; ${answer} answers for ${t.vipv4}`);
  io.out(
    `\n  ${curlCommand(id, t.vipv4)}\n  sudo ip netns exec hlab-${id}-client curl -g 'http://[${t.vipv6}]/'\n`,
  );
  io.out(`Watch it think:  herald status --speaker unix:${speakerSocket(id, answer)}`);
  io.out(`                 herald lab visualize   (live statecharts of every node in a browser)`);
  if (bgp) {
    const routes = await waitForRouterPaths(id, LAB_BGP.vipv4, nodes, 20_000);
    io.out(
      `BGP:             the router has ${routes} path(s) to ${LAB_BGP.vipv4}/32 (${nodes} expected); ` +
        `herald lab router '${bgp.router === 'bird' ? `show route for ${LAB_BGP.vipv4}/32 all` : `show bgp ipv4 unicast ${LAB_BGP.vipv4}/32`}'`,
    );
  }
  if (k8s) printKubernetesTour(id, answer, io);
  else io.out(`Try: herald lab cut ${answer}   then the curl again;   herald lab down  when done.`);
  return 0;
}

function printKubernetesTour(id: string, answer: string, io: CliIo): void {
  const lab = (command: string) => `bin/herald lab ${command}${id === 'default' ? '' : ` --id ${id}`}`;
  const rows: [string, string][] = [
    [lab('kubectl get services -A'), 'EXTERNAL-IP, set by herald controller'],
    [lab('kubectl get servicel2statuses -n metallb-system'), 'which node announces each Service'],
    [lab('kubectl apply -f examples/lab/hello.yaml'), 'a second Service ...'],
    [lab('kubectl get service hello -w'), '... gets the next address (10.77.0.201)'],
    [curlCommand(id, '10.77.0.201'), 'served by a node'],
    [lab(`cut ${answer}`), 'pull the announcing cable; curl again; the statuses follow'],
    [lab('kubectl describe service web'), 'Events: IPAllocated, nodeAssigned'],
  ];
  const width = Math.max(...rows.map(([c]) => c.length));
  io.out('\nKubernetes: the controller assigned the addresses; the speakers read everything from the API.');
  for (const [command, what] of rows) io.out(`  ${command.padEnd(width)}  # ${what}`);
  io.out(`Kubeconfig (from the lab's namespaces): ${labKubeconfig(id)}`);
  io.out(`When done: ${lab('down')}`);
}

/** `herald lab kubectl ARGS`: the cached kubectl as the admin, in the control-plane namespace. */
export function kubectl(id: string, args: readonly string[], io: CliIo): number {
  const state = readState(id);
  if (!state?.k8s) {
    io.err(`herald lab: lab ${id} has no control plane (herald lab up --k8s)`);
    return 1;
  }
  return runLabKubectl(labTopology(state.nodes, id), state.k8s.bin, args);
}

/** Paths the lab router's BGP table holds for `vip`/32 (or /128), whether FRR or BIRD. */
export function routerPaths(id: string, vip: string): number {
  const t = labTopology(readState(id)?.nodes ?? 1, id);
  if (labRunsBird(stateDir(id))) {
    try {
      return birdRoutes(t, stateDir(id), vip).length;
    } catch {
      return 0;
    }
  }
  const family = vip.includes(':') ? 'ipv6' : 'ipv4';
  const length = vip.includes(':') ? 128 : 32;
  try {
    const json = JSON.parse(vtysh(t, stateDir(id), `show bgp ${family} unicast ${vip}/${length} json`)) as {
      paths?: unknown[];
    };
    return json.paths?.length ?? 0;
  } catch {
    return 0;
  }
}

/** Waits until the router has `want` paths to `vip`; returns how many it has at the end. */
export async function waitForRouterPaths(
  id: string,
  vip: string,
  want: number,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let paths = routerPaths(id, vip);
  while (paths < want && Date.now() < deadline) {
    await sleep(200);
    paths = routerPaths(id, vip);
  }
  return paths;
}

/** `herald lab router CMD...`: vtysh commands (one per argument), or one birdc command (its words). */
export function router(id: string, commands: readonly string[], io: CliIo): number {
  const state = readState(id);
  if (!state?.router) {
    io.err(`herald lab: lab ${id} has no BGP router (herald lab up --bgp frr|bird)`);
    return 1;
  }
  const t = labTopology(state.nodes, id);
  io.out(
    labRunsBird(stateDir(id)) ? birdc(t, stateDir(id), ...commands) : vtysh(t, stateDir(id), ...commands),
  );
  return 0;
}

export function down(id: string | undefined, io: CliIo): number {
  const removed = labDown(id, (m) => io.out(`lab: ${m}`));
  io.out(`lab: ${removed} namespace(s) removed`);
  return 0;
}

export function status(id: string, io: CliIo): number {
  const state = readState(id);
  if (!state) {
    io.out(`lab ${id}: not running`);
    return 1;
  }
  const t = labTopology(state.nodes, id);
  const announcer = clientSeesAnnouncer(t);
  io.out(
    `lab ${id}: ${state.nodes} node(s), VIP ${t.vipv4} / ${t.vipv6}; the client sees ${announcer ?? 'nobody'} announcing`,
  );
  for (const s of labNodeStatus(t, state)) {
    io.out(
      `  ${s.node.padEnd(8)} speaker ${s.speaker ? 'running' : 'stopped'}  cable ${s.cable ? 'up' : 'CUT'}${s.node === announcer ? '  <- announcing' : ''}`,
    );
  }
  if (state.k8s) {
    const up = (pid: number) => (processAlive(pid) ? 'running' : 'STOPPED');
    io.out(
      `  control plane (${t.controlPlane.namespace}): etcd ${up(state.k8s.etcd)}, kube-apiserver ${up(state.k8s.apiserver)}, controller ${up(state.k8s.controller)}; bin/herald lab kubectl${id === 'default' ? '' : ` --id ${id}`} ...`,
    );
  }
  io.out(`speakers' debug sockets: herald status --speaker unix:${speakerSocket(id, 'NODE')}`);
  return 0;
}

export async function visualize(id: string, port: number, io: CliIo): Promise<number> {
  const state = readState(id);
  if (!state) {
    io.err(`herald lab: lab ${id} is not running (herald lab up)`);
    return 1;
  }
  const nodes = labTopology(state.nodes, id).nodes.map((n) => n.name);
  const server = await startLabProxy(id, nodes, port);
  io.out(`lab: visualizer for ${nodes.join(', ')} at http://127.0.0.1:${port}/ (Ctrl-C to stop)`);
  for (const n of nodes) io.out(`  http://127.0.0.1:${port}/${n}/debug/statecharts`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  server.close();
  server.closeAllConnections();
  return 0;
}

export function fault(kind: 'kill' | 'cut' | 'heal', node: string, id: string, io: CliIo): number {
  const state = readState(id);
  const t = labTopology(state?.nodes ?? 1, id);
  const host = t.nodes.find((n) => n.name === node);
  if (!state || !host) {
    io.err(`herald lab: no node "${node}" in lab ${id}`);
    return 2;
  }
  if (kind === 'kill') signal(state.speakers[node] ?? -1, 'SIGKILL');
  if (kind === 'cut') ip('-n', t.bridgeNamespace, 'link', 'set', host.bridgePort, 'down');
  if (kind === 'heal') {
    ip('-n', t.bridgeNamespace, 'link', 'set', host.bridgePort, 'up');
    const running = labNodeStatus(t, state).find((s) => s.node === node)?.speaker;
    if (!running) {
      state.speakers[node] = startAgent(t, host, state);
      writeState(state);
    }
  }
  io.out(`lab: ${kind} ${node} done`);
  return 0;
}
