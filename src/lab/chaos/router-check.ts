// BGP mode: what the lab router holds for a prefix (FRR's RIB, next hops) against what `herald
// plan` says the surviving members advertise, and restarting the router's daemons.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabBgpOptions } from '../bgp-topology.js';
import { startFrrRouter, vtysh } from '../router.js';
import { readState, signal, processAlive, stateDir, writeState } from '../system.js';
import type { LabTopology } from '../topology.js';

const HERALD = fileURLToPath(new URL('../../../bin/herald', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface PlanJson {
  services: {
    bgp?: { nodes?: Record<string, { peers?: Record<string, { routes?: { prefix: string }[] }> }> };
  }[];
}

/** Next hops (node addresses) `herald plan` gives `prefix` with these members alive. */
export function expectedNextHops(t: LabTopology, members: readonly string[], prefix: string): string[] {
  const out = execFileSync(
    process.execPath,
    [HERALD, 'plan', '--output', 'json', '--members', members.join(','), join(stateDir(t.id), 'config')],
    { encoding: 'utf8' },
  );
  const plan = JSON.parse(out) as PlanJson;
  const nodes = new Set<string>();
  for (const service of plan.services)
    for (const [node, entry] of Object.entries(service.bgp?.nodes ?? {}))
      if (Object.values(entry.peers ?? {}).some((p) => (p.routes ?? []).some((r) => r.prefix === prefix)))
        nodes.add(node);
  return t.nodes.filter((n) => nodes.has(n.name)).map((n) => n.ipv4);
}

/** Next hops of the router's BGP paths to `prefix` (FRR). */
export function routerNextHops(t: LabTopology, prefix: string): string[] {
  try {
    const json = JSON.parse(vtysh(t, stateDir(t.id), `show bgp ipv4 unicast ${prefix} json`)) as {
      paths?: { nexthops?: { ip?: string }[] }[];
    };
    return (json.paths ?? []).flatMap((p) => (p.nexthops ?? []).map((h) => h.ip ?? '')).filter(Boolean);
  } catch {
    return [];
  }
}

/** Stops the router's daemons (by the PIDs the lab recorded), waits, starts them again. */
export async function restartRouter(t: LabTopology, options: LabBgpOptions, downMs: number): Promise<void> {
  const state = readState(t.id);
  const pids = state?.router ?? [];
  for (const pid of pids) signal(pid, 'SIGKILL');
  const deadline = Date.now() + 5000;
  while (pids.some(processAlive) && Date.now() < deadline) await sleep(20);
  await sleep(downMs);
  const fresh = await startFrrRouter(t, stateDir(t.id), options);
  const now = readState(t.id);
  if (now) {
    now.router = fresh;
    writeState(now);
  }
}
