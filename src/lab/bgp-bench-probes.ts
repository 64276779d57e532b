// The BGP benchmarks' instruments: long-running `ip monitor` and tcpdump children that timestamp
// what the kernel sees (cheaper and more precise than polling vtysh, ~100 ms a call), FRR's debug
// log with microsecond timestamps, and a few vtysh JSON queries. Every child is ours, stopped by
// its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  KernelRouteView,
  parseFrrLogLine,
  parseMonitorLine,
  parseSpeakerLogLine,
  parseTcpdumpLine,
  type Datagram,
  type FrrEvent,
  type MonitorLine,
  type SpeakerEvent,
} from './bgp-bench-lines.js';
import { routerDir, vtysh } from './router.js';
import { ip, netnsExec, signal, stateDir } from './system.js';
import type { LabTopology } from './topology.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LineWatcher {
  readonly lines: string[];
  readonly stop: () => void;
}

/** Runs `command` and keeps every stdout line; `onLine` sees each as it arrives. */
export function watchLines(command: readonly string[], onLine?: (line: string) => void): LineWatcher {
  const child: ChildProcess = spawn(command[0] ?? 'false', command.slice(1), {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const lines: string[] = [];
  if (child.stdout)
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      onLine?.(line);
    });
  return { lines, stop: () => signal(child.pid ?? -1, 'SIGTERM') };
}

export interface RouteMonitor {
  readonly view: KernelRouteView;
  /** Every timestamped route or nexthop line since the start. */
  readonly events: MonitorLine[];
  /** Called after each line is applied to the view. */
  readonly onChange: (listener: (line: MonitorLine) => void) => () => void;
  readonly stop: () => void;
}

/** The router namespace's kernel routes, live: `ip -ts -o monitor route nexthop` over a dump. */
export async function monitorRouterRoutes(t: LabTopology): Promise<RouteMonitor> {
  const view = new KernelRouteView();
  const events: MonitorLine[] = [];
  const listeners = new Set<(line: MonitorLine) => void>();
  const watcher = watchLines(
    ['ip', '-n', t.router.namespace, '-ts', '-o', 'monitor', 'route', 'nexthop'],
    (raw) => {
      const line = parseMonitorLine(raw);
      if (!line) return;
      view.apply(line.text);
      events.push(line);
      for (const listener of listeners) listener(line);
    },
  );
  // Let the monitor subscribe before the dump, so no change falls between the two.
  await sleep(100);
  for (const args of [
    ['nexthop', 'show'],
    ['route', 'show'],
    ['-6', 'route', 'show'],
  ]) {
    for (const line of ip('-n', t.router.namespace, '-o', ...args).split('\n')) if (line) view.apply(line);
  }
  return {
    view,
    events,
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: watcher.stop,
  };
}

/** Link changes on the lab bridge, timestamped by the kernel monitor (when a cable really went). */
export function monitorBridgeLinks(t: LabTopology): { events: () => MonitorLine[]; stop: () => void } {
  const watcher = watchLines(['ip', '-n', t.bridgeNamespace, '-ts', '-o', 'monitor', 'link']);
  return {
    events: () => watcher.lines.flatMap((l) => parseMonitorLine(l) ?? []),
    stop: watcher.stop,
  };
}

/** Every BFD control packet on the router's LAN interface, with the kernel's receive time. */
export function captureBfd(t: LabTopology): { datagrams: () => Datagram[]; stop: () => void } {
  const watcher = watchLines([
    'ip',
    'netns',
    'exec',
    t.router.namespace,
    'tcpdump',
    '-i',
    'eth0',
    '-n',
    '-tt',
    '-l',
    '-U',
    'udp port 3784',
  ]);
  return { datagrams: () => watcher.lines.flatMap((l) => parseTcpdumpLine(l) ?? []), stop: watcher.stop };
}

/** The router's FRR logs BFD, BGP adjacency and zebra RIB events to a file, to the microsecond. */
export function enableFrrDebugLog(t: LabTopology, id: string, rib: boolean): string {
  const file = join(routerDir(stateDir(id)), 'bench.log');
  const commands = [
    'configure terminal',
    `log file ${file} debugging`,
    'log timestamp precision 6',
    'debug bfd peer',
    'debug bgp neighbor-events',
    ...(rib ? ['debug zebra rib'] : []),
  ];
  netnsExec(t.router.namespace, [
    'vtysh',
    '--vty_socket',
    routerDir(stateDir(id)),
    ...commands.flatMap((c) => ['-c', c]),
  ]);
  return file;
}

export function readFrrEvents(file: string): FrrEvent[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .flatMap((l) => parseFrrLogLine(l) ?? []);
  } catch {
    return [];
  }
}

export function readSpeakerEvents(id: string, node: string): SpeakerEvent[] {
  try {
    return readFileSync(join(stateDir(id), 'logs', `${node}.log`), 'utf8')
      .split('\n')
      .flatMap((l) => parseSpeakerLogLine(l) ?? []);
  } catch {
    return [];
  }
}

/** vtysh on the lab router, parsed as JSON; undefined if FRR did not answer with JSON. */
export function routerJson(t: LabTopology, id: string, command: string): unknown {
  try {
    return JSON.parse(vtysh(t, stateDir(id), command)) as unknown;
  } catch {
    return undefined;
  }
}

export interface BfdPeer {
  peer: string;
  status: string;
  'remote-transmit-interval'?: number;
  'remote-receive-interval'?: number;
}

export interface BgpSummaryPeer {
  state?: string;
  pfxRcd?: number;
  peerUptimeMsec?: number;
}

/** Waits for `check` (polled every `everyMs`) at most `ms`; whether it came true. */
export async function until(check: () => boolean, ms: number, everyMs = 100): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}
