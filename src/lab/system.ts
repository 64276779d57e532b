// The lab's only contact with the system: `ip` commands, processes inside namespaces, and its
// state directory. Every process the lab starts is recorded by PID and stopped by PID.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabKubeState } from './k8s/lab-cluster.js';

export function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function netnsExec(namespace: string, command: string[], options: { input?: string } = {}): string {
  return execFileSync('ip', ['netns', 'exec', namespace, ...command], {
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
}

export function listNamespaces(): string[] {
  return ip('netns', 'list')
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter(Boolean);
}

/** Running: it exists and is not a zombie (a killed child may wait a while to be reaped). */
export const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." — state Z is a zombie.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
};

export function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** Starts a long-running process inside a namespace, detached, output to `logFile`. */
export function startInNamespace(
  namespace: string,
  command: string[],
  logFile: string,
  cwd?: string,
): number {
  const out = openSync(logFile, 'a');
  const child = spawn('ip', ['netns', 'exec', namespace, ...command], {
    detached: true,
    stdio: ['ignore', out, out],
    ...(cwd ? { cwd } : {}),
  });
  closeSync(out);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${command.join(' ')} in ${namespace}`);
  return child.pid;
}

export interface LabState {
  readonly id: string;
  readonly nodes: number;
  speakers: Record<string, number>;
  http: Record<string, number>;
  /** The router's routing daemons, with --bgp. */
  router?: number[];
  /** The control plane and controller, with --k8s. */
  k8s?: LabKubeState;
  /** keepalived instead of speakers (failover-bench --compare keepalived); `speakers` holds its PIDs. */
  agent?: 'keepalived';
}

export function stateDir(id: string): string {
  const base = existsSync('/run') ? '/run/herald-lab' : '/tmp/herald-lab';
  return join(base, id);
}

/** The unix socket of a lab speaker's HTTP listener (metrics, /debug/*), reachable from the host. */
export function speakerSocket(id: string, node: string): string {
  return join(stateDir(id), `${node}.sock`);
}

export function readState(id: string): LabState | undefined {
  const file = join(stateDir(id), 'state.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LabState;
  } catch {
    return undefined;
  }
}

export function writeState(state: LabState): void {
  mkdirSync(stateDir(state.id), { recursive: true });
  writeFileSync(join(stateDir(state.id), 'state.json'), JSON.stringify(state, null, 2));
}

export function removeStateDir(id: string): void {
  rmSync(stateDir(id), { recursive: true, force: true });
}
