// The lab router as BIRD 2: one `bird -f` in the router namespace (foreground, so the PID is
// ours), its configuration and control socket in the lab's router directory; birdc queries it.
// Also what the rest of the lab needs to read BIRD's answers: routes and BFD sessions.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { birdRouterConfig, type LabBgpOptions } from './bgp-topology.js';
import { routerDir } from './router.js';
import { netnsExec, startInNamespace } from './system.js';
import type { LabTopology } from './topology.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const birdConfigFile = (stateDir: string) => join(routerDir(stateDir), 'bird.conf');
const birdSocket = (stateDir: string) => join(routerDir(stateDir), 'bird.ctl');

/** Whether the lab in `stateDir` runs BIRD (its configuration is there) rather than FRR. */
export function labRunsBird(stateDir: string): boolean {
  return existsSync(birdConfigFile(stateDir));
}

/** Starts BIRD in the router namespace; resolves once it answers on its socket. Returns its PID. */
export async function startBirdRouter(
  t: LabTopology,
  stateDir: string,
  options: LabBgpOptions,
): Promise<number[]> {
  mkdirSync(routerDir(stateDir), { recursive: true });
  const config = birdConfigFile(stateDir);
  writeFileSync(config, birdRouterConfig(t, options));
  const pid = startInNamespace(
    t.router.namespace,
    ['bird', '-f', '-c', config, '-s', birdSocket(stateDir)],
    join(stateDir, 'logs', 'router-bird.log'),
  );
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      birdc(t, stateDir, 'show', 'status');
      return [pid];
    } catch {
      if (Date.now() > deadline) throw new Error('lab router: bird did not start within 5000 ms');
      await sleep(100);
    }
  }
}

/** Runs one birdc command (its words as arguments) on the lab router; stdout. */
export function birdc(t: LabTopology, stateDir: string, ...args: string[]): string {
  return netnsExec(t.router.namespace, ['birdc', '-s', birdSocket(stateDir), ...args]);
}

/** One route of `birdc show route … all`. */
export interface BirdRoute {
  readonly prefix: string;
  /** The BGP protocol (session) it came from, e.g. `node1_v4`. */
  readonly protocol: string;
  /** BIRD's best route for the prefix (marked `*`). */
  readonly primary: boolean;
  /** Gateways from the `via` lines (one per path of a multipath route). */
  readonly via: readonly string[];
  /** `BGP.origin` → `IGP`, `BGP.as_path` → `64512`, `BGP.community` → `(64512,100)`, … */
  readonly attributes: Readonly<Record<string, string>>;
}

/**
 * Parses `birdc show route … all`: a route starts with `PREFIX  unicast [PROTO …]` (a following
 * route for the same prefix leaves PREFIX out), then `via` lines and `Name: value` attributes.
 */
export function parseBirdRoutes(text: string): BirdRoute[] {
  const routes: {
    prefix: string;
    protocol: string;
    primary: boolean;
    via: string[];
    attributes: Record<string, string>;
  }[] = [];
  let prefix = '';
  for (const line of text.split('\n')) {
    const head = /^(\S+)?\s+\w+ \[(\S+) [^\]]*\]( \*)?/.exec(line);
    if (head && !line.startsWith('\t') && (head[1] === undefined || /[./:]/.test(head[1]))) {
      prefix = head[1] ?? prefix;
      routes.push({
        prefix,
        protocol: head[2] ?? '',
        primary: head[3] !== undefined,
        via: [],
        attributes: {},
      });
      continue;
    }
    const route = routes.at(-1);
    if (!route) continue;
    const via = /^\s+via (\S+)/.exec(line);
    if (via?.[1]) route.via.push(via[1]);
    const attribute = /^\s+([\w.]+): (.*)$/.exec(line);
    if (attribute?.[1] && attribute[2] !== undefined) route.attributes[attribute[1]] = attribute[2].trim();
  }
  return routes;
}

/** The routes BIRD holds for exactly `vip`/32 (or /128), from every session. */
export function birdRoutes(t: LabTopology, stateDir: string, vip: string): BirdRoute[] {
  const prefix = `${vip}/${vip.includes(':') ? 128 : 32}`;
  return parseBirdRoutes(birdc(t, stateDir, 'show', 'route', 'for', prefix, 'all')).filter(
    (r) => r.prefix === prefix,
  );
}

/** BFD session state by neighbour address (`Up`, `Down`, `Init`, `AdminDown`). */
export function birdBfdSessions(t: LabTopology, stateDir: string): Map<string, string> {
  const sessions = new Map<string, string>();
  for (const line of birdc(t, stateDir, 'show', 'bfd', 'sessions').split('\n')) {
    const [address, , state] = line.trim().split(/\s+/);
    if (address && state && /^[0-9a-f]+[.:][0-9a-f.:]*$/i.test(address)) sessions.set(address, state);
  }
  return sessions;
}
