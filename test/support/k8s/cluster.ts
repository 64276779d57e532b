// Test helpers on a running control plane: Herald's deploy/ installed, ServiceAccount tokens from
// the TokenRequest API, `herald controller` processes under those tokens, and polling reads.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { webhookUrlPatches } from '../../../src/lab/k8s/control-plane.js';
import type { ControlPlane } from './control-plane.js';

const ROOT = join(import.meta.dirname, '../../..');
export const HERALD = join(ROOT, 'bin/herald');
export const NAMESPACE = 'metallb-system';

/** CRDs, then the namespace, ServiceAccounts and RBAC (and the workloads, which nothing runs here). */
export function installDeploy(cp: ControlPlane): void {
  cp.kubectl(['apply', '--server-side', '-f', join(ROOT, 'deploy/crds/')]);
  cp.kubectl(['wait', '--for=condition=Established', '--timeout=30s', 'crd', '--all']);
  cp.kubectl(['apply', '--server-side', '-f', join(ROOT, 'deploy/daemonset.yaml')]);
}

/**
 * deploy/webhooks.yaml, and the BGPPeer CRD's conversion webhook, pointed at
 * https://127.0.0.1:PORT with the same paths (tests have no Service networking).
 */
export function installWebhooksAt(cp: ControlPlane, port: number): void {
  cp.kubectl(['apply', '--server-side', '-f', join(ROOT, 'deploy/webhooks.yaml')]);
  const config = getJson<{ webhooks: { clientConfig: { service: { path: string } } }[] }>(cp, [
    'validatingwebhookconfiguration',
    'metallb-webhook-configuration',
  ]);
  const patches = webhookUrlPatches(
    config.webhooks.map((w) => w.clientConfig.service.path),
    `https://127.0.0.1:${port}`,
  );
  cp.kubectl([
    'patch',
    'validatingwebhookconfiguration',
    'metallb-webhook-configuration',
    '--type=json',
    '-p',
    JSON.stringify(patches.webhooks),
  ]);
  cp.kubectl([
    'patch',
    'crd',
    'bgppeers.metallb.io',
    '--type=json',
    '-p',
    JSON.stringify(patches.conversion),
  ]);
}

/** A token of the ServiceAccount (TokenRequest), valid for an hour. */
export const serviceAccountToken = (cp: ControlPlane, name: string, namespace = NAMESPACE): string =>
  cp.kubectl(['create', 'token', name, '-n', namespace, '--duration=1h']).trim();

export const apply = (cp: ControlPlane, yaml: string): string =>
  cp.kubectl(['apply', '-f', '-'], { input: yaml });

// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it reads
export function getJson<T = Record<string, unknown>>(cp: ControlPlane, args: readonly string[]): T {
  return JSON.parse(cp.kubectl(['get', ...args, '-o', 'json'])) as T;
}

export interface ServiceView {
  metadata: { name: string; namespace: string; uid: string; annotations?: Record<string, string> };
  status?: { loadBalancer?: { ingress?: { ip: string }[] } };
}

export const ingressOf = (s: ServiceView): string[] =>
  (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip);

export function service(cp: ControlPlane, namespace: string, name: string): ServiceView {
  return getJson<ServiceView>(cp, ['service', '-n', namespace, name]);
}

export interface EventView {
  type: string;
  reason: string;
  message: string;
  count?: number;
  involvedObject: { kind: string; name: string; namespace: string };
}

export function eventsFor(cp: ControlPlane, namespace: string, kind: string, name: string): EventView[] {
  const list = getJson<{ items: EventView[] }>(cp, ['events', '-n', namespace]);
  return list.items.filter((e) => e.involvedObject.kind === kind && e.involvedObject.name === name);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value other than undefined (or throws the last error at the deadline). */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
      );
    }
    await sleep(100);
  }
}

export interface HeraldProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly logFile: string;
  log(): string;
  /** JSON log lines. */
  lines(): Record<string, unknown>[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `bin/herald <args>` in the background, output to a file in the control plane's directory. */
export function startHerald(cp: ControlPlane, name: string, args: readonly string[]): HeraldProcess {
  const logFile = join(cp.dir, `${name}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(HERALD, [...args], {
    stdio: ['ignore', out, out],
    env: { ...process.env, HERALD_LOG_LEVEL: 'debug' },
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start herald ${args.join(' ')}`);
  const pid = child.pid;
  const log = (): string => readFileSync(logFile, 'utf8');
  return {
    child,
    pid,
    logFile,
    log,
    lines: () =>
      log()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill(signal);
      await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
      await exited;
    },
  };
}

/** `herald controller` under the controller ServiceAccount's own token (deploy/'s RBAC). */
export function startController(
  cp: ControlPlane,
  name: string,
  extraArgs: readonly string[] = [],
  token = serviceAccountToken(cp, 'controller'),
): HeraldProcess {
  return startHerald(cp, name, [
    'controller',
    '--kubeconfig',
    cp.kubeconfig(token, `controller-${name}`),
    '--identity',
    name,
    '--log-format',
    'json',
    ...extraArgs,
  ]);
}
