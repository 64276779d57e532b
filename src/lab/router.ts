// The lab router's routing daemons: FRR (zebra, bgpd, bfdd) or BIRD 2, in the router namespace
// with private paths (no systemd; lab-notes.md), in the foreground so the PIDs are ours. Queries
// go through vtysh / birdc on the private sockets.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { frrRouterConfig, type LabBgpOptions } from './bgp-topology.js';
import { netnsExec, startInNamespace } from './system.js';
import type { LabTopology } from './topology.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function routerDir(stateDir: string): string {
  return join(stateDir, 'router');
}

/** Starts FRR in the router namespace; resolves once the configuration is loaded. Returns PIDs. */
export async function startFrrRouter(
  t: LabTopology,
  stateDir: string,
  options: LabBgpOptions,
): Promise<number[]> {
  const dir = routerDir(stateDir);
  mkdirSync(dir, { recursive: true });
  // The daemons drop to the frr user, which writes its pid files and sockets here.
  chmodSync(dir, 0o777);
  writeFileSync(join(dir, 'empty.conf'), '');
  writeFileSync(join(dir, 'frr.conf'), frrRouterConfig(t, options));
  const common = [
    '-P',
    '0',
    '--vty_socket',
    dir,
    '-z',
    join(dir, 'zserv.api'),
    '-f',
    join(dir, 'empty.conf'),
  ];
  const log = join(stateDir, 'logs', 'router-frr.log');
  const pids = [
    startInNamespace(
      t.router.namespace,
      ['/usr/lib/frr/zebra', ...common, '-i', join(dir, 'zebra.pid')],
      log,
    ),
  ];
  await waitFor(() => vtyshWorks(t, dir, 'zebra'), 5000, 'zebra');
  pids.push(
    startInNamespace(
      t.router.namespace,
      ['/usr/lib/frr/bfdd', ...common, '-i', join(dir, 'bfdd.pid'), '--bfdctl', join(dir, 'bfdd.sock')],
      log,
    ),
    startInNamespace(t.router.namespace, ['/usr/lib/frr/bgpd', ...common, '-i', join(dir, 'bgpd.pid')], log),
  );
  await waitFor(() => vtyshWorks(t, dir, 'bgpd') && vtyshWorks(t, dir, 'bfdd'), 5000, 'bgpd and bfdd');
  netnsExec(t.router.namespace, ['vtysh', '--vty_socket', dir, '-f', join(dir, 'frr.conf')]);
  return pids;
}

function vtyshWorks(t: LabTopology, dir: string, daemon: string): boolean {
  try {
    netnsExec(t.router.namespace, ['vtysh', '--vty_socket', dir, '-d', daemon, '-c', 'show version']);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`lab router: ${what} did not start within ${ms} ms`);
    await sleep(100);
  }
}

/** Runs vtysh commands on the lab router; stdout. */
export function vtysh(t: LabTopology, stateDir: string, ...commands: string[]): string {
  return netnsExec(t.router.namespace, [
    'vtysh',
    '--vty_socket',
    routerDir(stateDir),
    ...commands.flatMap((c) => ['-c', c]),
  ]);
}
