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
  const log = join(stateDir, 'logs', 'router-frr.log');
  const pids = await startFrrDaemons(t.router.namespace, dir, log, ['bfdd', 'bgpd']);
  writeFileSync(join(dir, 'frr.conf'), frrRouterConfig(t, options));
  netnsExec(t.router.namespace, ['vtysh', '--vty_socket', dir, '-f', join(dir, 'frr.conf')]);
  return pids;
}

export type FrrDaemon = 'bgpd' | 'bfdd';

/**
 * Starts zebra, then `daemons`, in `namespace` with private paths under `dir` (no systemd), in the
 * foreground so the PIDs are ours; resolves once vtysh reaches each of them. Used by the lab router
 * and the benchmark's reference FRR speaker.
 */
export async function startFrrDaemons(
  namespace: string,
  dir: string,
  log: string,
  daemons: readonly FrrDaemon[],
): Promise<number[]> {
  mkdirSync(dir, { recursive: true });
  // The daemons drop to the frr user, which writes its pid files and sockets here.
  chmodSync(dir, 0o777);
  writeFileSync(join(dir, 'empty.conf'), '');
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
  const extra: Record<FrrDaemon, string[]> = { bgpd: [], bfdd: ['--bfdctl', join(dir, 'bfdd.sock')] };
  const start = (daemon: string, args: readonly string[] = []) =>
    startInNamespace(
      namespace,
      [`/usr/lib/frr/${daemon}`, ...common, '-i', join(dir, `${daemon}.pid`), ...args],
      log,
    );
  const works = (daemon: string) => {
    try {
      netnsExec(namespace, ['vtysh', '--vty_socket', dir, '-d', daemon, '-c', 'show version']);
      return true;
    } catch {
      return false;
    }
  };
  const pids = [start('zebra')];
  await waitFor(() => works('zebra'), 5000, `${namespace}: zebra`);
  pids.push(...daemons.map((d) => start(d, extra[d])));
  await waitFor(() => daemons.every(works), 5000, `${namespace}: ${daemons.join(' and ')}`);
  return pids;
}

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not start within ${ms} ms`);
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
