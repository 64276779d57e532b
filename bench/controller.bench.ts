// `herald controller` at N LoadBalancer Services on a real kube-apiserver (etcd on /dev/shm), next
// to the apiserver's own ceiling for plain status updates, in one run on one apiserver:
//  1. live: the controller (under its ServiceAccount token, deploy/'s RBAC; a /16 pool) runs while
//     a bare client creates N Services as fast as the apiserver takes them; a watch the bench opens
//     sees each one's status get its address: latency per Service (create response → status seen),
//     total time (first create → last status), statuses/s and that as % of the ceiling; RSS of the
//     controller at N Services; CPU of the apiserver, etcd, the controller and the bench;
//     correctness: N distinct addresses from the pool, all annotated, an IPAllocated Event each.
//  2. ceiling: the bare client (KubeRest, admin token: exempt from API Priority and Fairness)
//     PATCHes the status of the same N Services (one ingress address, a new one each pass) at each
//     concurrency of the sweep; the best rate is the ceiling. Then, at that concurrency: a pass under
//     the controller's ServiceAccount token (RBAC, API Priority and Fairness), a pass writing the
//     same addresses again (a no-op: what a redundant write costs), a pass clearing the addresses.
//  3. backlog: per --write-concurrency of the sweep, a fresh controller finds the N Services
//     without addresses (its restart pass) and writes them all: statuses/s from the first status
//     seen to the last, as % of the ceiling — the controller's write path against the bare client's
//     on the same objects, with creation out of the way. Statuses are cleared between runs.
// Creation is not part of the ceiling because kube-apiserver's Service create slows as Services
// accumulate (ClusterIP allocation; see bench/controller.md); the live run's create rate is reported.
// Environment: HERALD_BENCH_SERVICES (default 10000), HERALD_BENCH_CEILING_CONCURRENCY (16,32,64),
// HERALD_BENCH_WRITE_CONCURRENCY (16,32,64: the backlog sweep), HERALD_BENCH_LIVE_CONCURRENCY (32:
// the controller's in the live run), HERALD_BENCH_CREATE_CONCURRENCY (32), HERALD_BENCH_CONTROLLER
// (`source`, the default: src/ as it is now, transpiled to a temporary directory first, so no
// loader sits in the process — tsx alone adds ~80 MiB of RSS; `tsx`: through the tsx loader;
// `dist`: bin/herald, as built), HERALD_BENCH_CPU_PROF (a directory: every controller runs with
// --cpu-prof there).
// Results: tables on stdout, bench/results/controller-<date>.json and the controllers' logs there.
// Loopback only.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import type { ClientRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { loadKubeConfig } from '../src/k8s/client.js';
import { KubeRest } from '../src/k8s/rest.js';
import { startControlPlane, type ControlPlane } from '../test/support/k8s/control-plane.js';
import { HERALD, NAMESPACE, apply, installDeploy, serviceAccountToken } from '../test/support/k8s/cluster.js';
import { freePorts } from '../test/integration/ports.js';

const ROOT = join(import.meta.dirname, '..');
const RESULTS = join(ROOT, 'bench/results');
const STAMP = new Date().toISOString().replace(/:/g, '-').slice(0, 19);
const N = positiveInt('HERALD_BENCH_SERVICES', 10_000);
const CEILING_CONCURRENCY = intList('HERALD_BENCH_CEILING_CONCURRENCY', [16, 32, 64]);
const WRITE_CONCURRENCY = intList('HERALD_BENCH_WRITE_CONCURRENCY', [16, 32, 64]);
const LIVE_CONCURRENCY = positiveInt('HERALD_BENCH_LIVE_CONCURRENCY', 32);
const CREATE_CONCURRENCY = positiveInt('HERALD_BENCH_CREATE_CONCURRENCY', 32);
const CONTROLLER_FROM = ((): 'source' | 'tsx' | 'dist' => {
  const from = process.env.HERALD_BENCH_CONTROLLER ?? 'source';
  if (from !== 'source' && from !== 'tsx' && from !== 'dist')
    throw new Error('HERALD_BENCH_CONTROLLER: source, tsx or dist');
  return from;
})();
const CPU_PROF_DIR = process.env.HERALD_BENCH_CPU_PROF;
const BENCH_NAMESPACE = 'bench';
const POOL = { name: 'bench-pool', cidr: '10.128.0.0/16', prefix: '10.128.' };
const ANNOTATION = 'metallb.io/ip-allocated-from-pool';
/** A wait that has not ended in this long fails the run (and the bench goes on). */
const TIMEOUT_MS = Math.max(120_000, N * 40);

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

function intList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const values = raw.split(',').map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${name}: a list of integers`);
  return values;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const now = (): number => performance.now();
/** performance.now() of a wall-clock time (ms since the epoch). */
const fromEpoch = (ms: number): number => ms - performance.timeOrigin;

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

const round = (n: number, digits = 1): number => Number(n.toFixed(digits));

function log(line: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

/** Runs `work(i)` for i in [0, count) with at most `concurrency` at once. */
async function parallel(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

const serviceName = (i: number): string => `svc-${String(i).padStart(5, '0')}`;
const serviceIndex = (name: string): number => Number(/^svc-(\d+)$/.exec(name)?.[1] ?? -1);
const servicePath = (i: number): string => `/api/v1/namespaces/${BENCH_NAMESPACE}/services/${serviceName(i)}`;

/** A LoadBalancer Service with no node ports (10,000 would not fit in 30000-32767). */
const serviceBody = (i: number): unknown => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: serviceName(i), namespace: BENCH_NAMESPACE },
  spec: {
    type: 'LoadBalancer',
    allocateLoadBalancerNodePorts: false,
    selector: { app: 'bench' },
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  },
});

/** The bare client's address for Service i in pass p: outside the pool, a new value each pass. */
const ceilingAddress = (pass: number, i: number): string => `172.${16 + pass}.${i >> 8}.${i & 255}`;

// ---- processes: CPU and memory from /proc

const CLOCK_TICKS = 100; // USER_HZ

function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime + stime
  } catch {
    return Number.NaN;
  }
}

function memoryMiB(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
    return { rss: round(kib('VmRSS') / 1024), peak: round(kib('VmHWM') / 1024) };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

const benchCpuSeconds = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** The control plane's etcd and kube-apiserver, from the PIDs it records. */
function controlPlanePids(cp: ControlPlane): Record<string, number> {
  const pids = readFileSync(join(cp.dir, 'pids'), 'utf8')
    .split('\n')
    .map(Number)
    .filter((n) => n > 0);
  const runs = (pid: number, what: string): boolean => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(what);
    } catch {
      return false;
    }
  };
  return {
    apiserver: [...pids].reverse().find((p) => runs(p, 'kube-apiserver')) ?? 0,
    etcd: pids.find((p) => runs(p, 'etcd')) ?? 0,
  };
}

type Cpu = Record<string, { seconds: number; cores: number }>;

/** CPU seconds of each process (and of the bench) from now until `stop()`, and in cores. */
function cpuWindow(pids: Record<string, number>): { stop(): Cpu } {
  const started = now();
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
  const benchBefore = benchCpuSeconds();
  return {
    stop() {
      const wall = (now() - started) / 1000;
      const used: Record<string, number> = { bench: benchCpuSeconds() - benchBefore };
      for (const [k, pid] of Object.entries(pids)) used[k] = cpuSeconds(pid) - (before[k] ?? NaN);
      return Object.fromEntries(
        Object.entries(used).map(([k, s]) => [k, { seconds: round(s, 2), cores: round(s / wall, 2) }]),
      );
    },
  };
}

// ---- the bare client

/** A keep-alive client as the admin (system:masters: exempt from API Priority and Fairness), or with a token. */
function adminRest(cp: ControlPlane, sockets: number, token?: string): KubeRest {
  const config = token === undefined ? cp.kubeconfig() : cp.kubeconfig(token, 'bench-token');
  return new KubeRest(loadKubeConfig(config), { maxSockets: sockets, defaultTimeoutMs: 60_000 });
}

async function warm(rest: KubeRest, connections: number): Promise<void> {
  await parallel(connections, connections, () => rest.request({ method: 'GET', path: '/version' }));
}

interface Timed {
  readonly concurrency: number;
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** N requests at `concurrency` on a fresh keep-alive client (its connections opened first). */
async function timedPass(
  cp: ControlPlane,
  concurrency: number,
  send: (rest: KubeRest, i: number) => Promise<unknown>,
  token?: string,
): Promise<Timed> {
  const rest = adminRest(cp, concurrency, token);
  try {
    await warm(rest, concurrency);
    const latencies: number[] = [];
    const started = now();
    await parallel(N, concurrency, async (i) => {
      const t = now();
      await send(rest, i);
      latencies.push(now() - t);
    });
    const seconds = (now() - started) / 1000;
    return {
      concurrency,
      requests: N,
      seconds: round(seconds, 2),
      perSecond: round(N / seconds, 0),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
    };
  } finally {
    rest.close();
  }
}

const patchStatus = (rest: KubeRest, i: number, ips: readonly string[]): Promise<unknown> =>
  rest.request({
    method: 'PATCH',
    path: `${servicePath(i)}/status`,
    body: { status: { loadBalancer: { ingress: ips.map((ip) => ({ ip })) } } },
  });

// ---- a watch on the bench's Services

interface WatchedService {
  metadata?: { name?: string; annotations?: Record<string, string> };
  status?: { loadBalancer?: { ingress?: { ip?: string }[] } };
}

/**
 * When each Service was first seen (since the last reset) with an address of the pool in its
 * status, with the pool annotation, and with no address at all.
 */
class ServiceWatch {
  readonly statusAt = new Float64Array(N);
  readonly annotatedAt = new Float64Array(N);
  readonly emptyAt = new Float64Array(N);
  statuses = 0;
  annotations = 0;
  empties = 0;
  private failed: Error | undefined;
  private request: ClientRequest | undefined;
  private readonly waiters = new Set<() => void>();

  /** Times the apiserver ended the watch and it was opened again from the last resourceVersion. */
  reopened = 0;
  private resourceVersion = '';
  private closed = false;

  async open(cp: ControlPlane): Promise<void> {
    const rest = adminRest(cp, 1);
    const list = await rest
      .request<{ metadata: { resourceVersion: string } }>({
        method: 'GET',
        path: `/api/v1/namespaces/${BENCH_NAMESPACE}/services?limit=1`,
      })
      .finally(() => rest.close());
    this.resourceVersion = list.metadata.resourceVersion;
    await this.connect(cp);
  }

  /** One watch request from the last resourceVersion seen; opened again when the apiserver ends it. */
  private connect(cp: ControlPlane): Promise<void> {
    const url = new URL(
      `${cp.url}/api/v1/namespaces/${BENCH_NAMESPACE}/services?watch=1&allowWatchBookmarks=true` +
        `&timeoutSeconds=3600&resourceVersion=${this.resourceVersion}`,
    );
    const req = httpsRequest(url, {
      ca: cp.caPem,
      headers: { authorization: `Bearer ${cp.adminToken}`, accept: 'application/json' },
    });
    this.request = req;
    const fail = (e: Error): void => {
      this.failed ??= e;
      this.wake();
    };
    return new Promise<void>((resolve, reject) => {
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch: HTTP ${res.statusCode}`));
          return;
        }
        let buffered = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffered += chunk;
          let start = 0;
          let newline = buffered.indexOf('\n');
          while (newline >= 0) {
            const line = buffered.slice(start, newline);
            start = newline + 1;
            newline = buffered.indexOf('\n', start);
            if (line.length === 0) continue;
            const event = JSON.parse(line) as {
              type: string;
              object: WatchedService & { metadata?: { resourceVersion?: string } };
            };
            if (event.type === 'ERROR') fail(new Error(`watch error: ${line.slice(0, 300)}`));
            else this.resourceVersion = event.object.metadata?.resourceVersion ?? this.resourceVersion;
            if (event.type === 'ADDED' || event.type === 'MODIFIED') this.seen(event.object);
          }
          buffered = buffered.slice(start);
          this.wake();
        });
        res.on('end', () => {
          if (this.closed || this.failed) return;
          this.reopened += 1;
          log(`the apiserver ended the bench's watch; watching again from ${this.resourceVersion}`);
          this.connect(cp).catch(fail);
        });
        resolve();
      });
      req.on('error', (e) => {
        if (this.closed) return;
        fail(e);
        reject(e);
      });
      req.end();
    });
  }

  reset(): void {
    this.statusAt.fill(0);
    this.annotatedAt.fill(0);
    this.emptyAt.fill(0);
    this.statuses = this.annotations = this.empties = 0;
  }

  /** Resolves when `check` holds (tried after every batch of events); rejects at the deadline or when the watch fails. */
  until(check: () => boolean, what: () => string, timeoutMs = TIMEOUT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what()}`));
      }, timeoutMs);
      const waiter = (): void => {
        if (this.failed) reject(new Error(`${this.failed.message}, waiting for ${what()}`));
        else if (check()) resolve();
        else return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
      waiter();
    });
  }

  close(): void {
    this.closed = true;
    this.request?.destroy();
  }

  private seen(object: WatchedService): void {
    const i = serviceIndex(object.metadata?.name ?? '');
    if (i < 0 || i >= N) return;
    const t = now();
    const ingress = object.status?.loadBalancer?.ingress ?? [];
    if (this.statusAt[i] === 0 && ingress.some((x) => x.ip?.startsWith(POOL.prefix))) {
      this.statusAt[i] = t;
      this.statuses += 1;
    }
    if (this.emptyAt[i] === 0 && ingress.length === 0) {
      this.emptyAt[i] = t;
      this.empties += 1;
    }
    if (this.annotatedAt[i] === 0 && object.metadata?.annotations?.[ANNOTATION] !== undefined) {
      this.annotatedAt[i] = t;
      this.annotations += 1;
    }
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

// ---- the controller

/**
 * src/ as it is now, transpiled file by file (no type check) to a temporary directory that sees
 * the project's node_modules: the controller then runs without a loader, like bin/herald.
 */
function transpileSource(): string {
  const out = mkdtempSync(join(tmpdir(), 'herald-bench-'));
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
    );
  for (const file of walk(join(ROOT, 'src'))) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        verbatimModuleSyntax: true,
      },
    });
    const dest = join(out, relative(ROOT, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, outputText);
  }
  writeFileSync(join(out, 'package.json'), '{ "type": "module" }\n');
  symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'));
  return out;
}

let transpiled: string | undefined;

/** node's arguments that run `herald <args>` from CONTROLLER_FROM. */
function heraldCommand(args: readonly string[]): string[] {
  // The V8 flag of bin/herald.
  const node = [
    '--max-semi-space-size=2',
    ...(CPU_PROF_DIR ? ['--cpu-prof', '--cpu-prof-dir', CPU_PROF_DIR] : []),
  ];
  if (CONTROLLER_FROM === 'dist') return [...node, HERALD, ...args];
  const fromDir = (base: string, ext: string): [string, string] => [
    pathToFileURL(join(base, `src/polyfill.${ext}`)).href,
    pathToFileURL(join(base, `src/cli/main.${ext}`)).href,
  ];
  let polyfill: string;
  let main: string;
  const loader: string[] = [];
  if (CONTROLLER_FROM === 'tsx') {
    [polyfill, main] = fromDir(ROOT, 'ts');
    loader.push('--import', 'tsx');
  } else {
    transpiled ??= transpileSource();
    [polyfill, main] = fromDir(transpiled, 'js');
  }
  return [
    ...node,
    ...loader,
    '--import',
    polyfill,
    '--input-type=module',
    '-e',
    `const { main } = await import(${JSON.stringify(main)}); process.exitCode = await main(process.argv.slice(1));`,
    ...args,
  ];
}

interface ControllerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly metricsPort: number;
  readonly logFile: string;
  /** performance.now() of the first log line with one of these `event`s. */
  logged(...events: string[]): number | undefined;
  stop(): Promise<void>;
}

async function startController(
  cp: ControlPlane,
  name: string,
  writeConcurrency: number,
): Promise<ControllerProcess> {
  const [metricsPort = 0] = await freePorts(1);
  const token = serviceAccountToken(cp, 'controller');
  const args = [
    'controller',
    '--kubeconfig',
    cp.kubeconfig(token, 'controller-bench'),
    '--identity',
    name,
    '--metrics-listen',
    `127.0.0.1:${metricsPort}`,
    '--log-format',
    'json',
    '--log-level',
    'info',
    '--write-concurrency',
    String(writeConcurrency),
  ];
  const command = heraldCommand(args);
  const logFile = join(cp.dir, `${name}.log`);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, command, { cwd: ROOT, stdio: ['ignore', out, out] });
  closeSync(out);
  if (child.pid === undefined) throw new Error('could not start the controller');
  const controller: ControllerProcess = {
    child,
    pid: child.pid,
    metricsPort,
    logFile,
    logged: (...events) => {
      for (const line of readFileSync(logFile, 'utf8').split('\n')) {
        if (!events.some((event) => line.includes(`"event":"${event}"`))) continue;
        const time = (JSON.parse(line) as { time?: string }).time;
        if (time !== undefined) return fromEpoch(Date.parse(time));
      }
      return undefined;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(15_000).then(() => child.kill('SIGKILL'))]);
        await exited;
      }
      mkdirSync(RESULTS, { recursive: true });
      copyFileSync(logFile, join(RESULTS, `controller-${STAMP}-${name}.log`));
    },
  };
  return controller;
}

async function waitReady(controller: ControllerProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (controller.child.exitCode !== null)
      throw new Error(`the controller exited; see ${controller.logFile}`);
    try {
      if ((await fetch(`http://127.0.0.1:${controller.metricsPort}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`the controller was not ready in 60 s; see ${controller.logFile}`);
    await sleep(50);
  }
}

/** herald_controller_writes_total by label set. */
async function writesTotal(controller: ControllerProcess): Promise<Record<string, number>> {
  const name = 'herald_controller_writes_total';
  try {
    const text = await (await fetch(`http://127.0.0.1:${controller.metricsPort}/metrics`)).text();
    const out: Record<string, number> = {};
    for (const line of text.split('\n')) {
      if (!line.startsWith(name)) continue;
      const space = line.lastIndexOf(' ');
      out[line.slice(name.length, space)] = Number(line.slice(space + 1));
    }
    return out;
  } catch {
    return {};
  }
}

// ---- 1. live: creates while the controller runs

interface Live {
  readonly writeConcurrency: number;
  readonly createConcurrency: number;
  readonly ok: boolean;
  readonly error?: string;
  readonly createSeconds: number;
  readonly createsPerSecond: number;
  /** Creates per second in each tenth of the run: the apiserver's create slows as Services accumulate. */
  readonly createsPerSecondByTenth: number[];
  readonly createLatencyMs: { p50: number; p99: number };
  readonly statusLatencyMs: { p50: number; p90: number; p99: number; max: number };
  readonly annotationLatencyMs: { p50: number; p99: number };
  /** First create sent → last status seen. */
  readonly totalSeconds: number;
  readonly statusesPerSecond: number;
  readonly annotationsDoneSeconds: number;
  readonly eventsDoneSeconds: number;
  readonly controllerMiB: { rss: number; peak: number };
  readonly cpu: Cpu;
  readonly checks: Record<string, boolean | number>;
  readonly writes: Record<string, number>;
}

async function eventCount(rest: KubeRest): Promise<number> {
  // remainingItemCount is given for a list without a selector only.
  const list = await rest.request<{ items: unknown[]; metadata: { remainingItemCount?: number } }>({
    method: 'GET',
    path: `/api/v1/namespaces/${BENCH_NAMESPACE}/events?limit=1`,
  });
  return list.items.length + (list.metadata.remainingItemCount ?? 0);
}

async function live(cp: ControlPlane, pids: Record<string, number>, watch: ServiceWatch): Promise<Live> {
  const controller = await startController(cp, `live-w${LIVE_CONCURRENCY}`, LIVE_CONCURRENCY);
  const rest = adminRest(cp, CREATE_CONCURRENCY);
  try {
    await waitReady(controller);
    await warm(rest, CREATE_CONCURRENCY);
    const createdAt = new Float64Array(N);
    const createLatencies: number[] = [];
    const window = cpuWindow({ ...pids, controller: controller.pid });
    const started = now();
    await parallel(N, CREATE_CONCURRENCY, async (i) => {
      const t = now();
      await rest.request({
        method: 'POST',
        path: `/api/v1/namespaces/${BENCH_NAMESPACE}/services`,
        body: serviceBody(i),
      });
      createdAt[i] = now();
      createLatencies.push(createdAt[i] - t);
    });
    const created = now();
    log(
      `live: created ${N} Services in ${((created - started) / 1000).toFixed(1)} s, ${watch.statuses} have an address`,
    );
    let error: string | undefined;
    await watch
      .until(
        () => watch.statuses >= N,
        () => `${N} statuses (${watch.statuses} seen)`,
      )
      .catch((e: unknown) => (error = (e as Error).message));
    const memory = memoryMiB(controller.pid);
    const cpu = window.stop();
    log(`live: ${watch.statuses} statuses in ${((now() - started) / 1000).toFixed(1)} s`);
    if (error === undefined) {
      await watch
        .until(
          () => watch.annotations >= N,
          () => `${N} annotations (${watch.annotations} seen)`,
        )
        .catch((e: unknown) => (error = (e as Error).message));
    }
    const annotationsDone = now();
    let events = 0;
    const deadline = Date.now() + TIMEOUT_MS;
    while (error === undefined && (events = await eventCount(rest)) < N) {
      if (Date.now() > deadline) error = `only ${events} Events`;
      await sleep(200);
    }
    const eventsDone = now();
    const writes = await writesTotal(controller);
    const checks = await correctness(rest);
    if (!Object.values(checks).every((v) => v === true || v === N))
      error ??= `incorrect: ${JSON.stringify(checks)}`;

    const statusLatencies: number[] = [];
    const annotationLatencies: number[] = [];
    let lastStatus = 0;
    for (let i = 0; i < N; i++) {
      const c = createdAt[i] ?? 0;
      const s = watch.statusAt[i] ?? 0;
      const a = watch.annotatedAt[i] ?? 0;
      if (s > 0) statusLatencies.push(s - c);
      if (a > 0) annotationLatencies.push(a - c);
      lastStatus = Math.max(lastStatus, s);
    }
    const ends = [...createdAt].sort((a, b) => a - b);
    const tenths = Array.from({ length: 10 }, (_, k) => {
      const from = ends[Math.floor((k * N) / 10)] ?? started;
      const to = ends[Math.floor(((k + 1) * N) / 10) - 1] ?? created;
      return round((N / 10 / Math.max(1, to - (k === 0 ? started : from))) * 1000, 0);
    });
    const totalSeconds = (lastStatus - started) / 1000;
    return {
      writeConcurrency: LIVE_CONCURRENCY,
      createConcurrency: CREATE_CONCURRENCY,
      ok: error === undefined,
      ...(error !== undefined ? { error } : {}),
      createSeconds: round((created - started) / 1000, 2),
      createsPerSecond: round(N / ((created - started) / 1000), 0),
      createsPerSecondByTenth: tenths,
      createLatencyMs: {
        p50: round(percentile(createLatencies, 50), 0),
        p99: round(percentile(createLatencies, 99), 0),
      },
      statusLatencyMs: {
        p50: round(percentile(statusLatencies, 50), 0),
        p90: round(percentile(statusLatencies, 90), 0),
        p99: round(percentile(statusLatencies, 99), 0),
        max: round(Math.max(...statusLatencies), 0),
      },
      annotationLatencyMs: {
        p50: round(percentile(annotationLatencies, 50), 0),
        p99: round(percentile(annotationLatencies, 99), 0),
      },
      totalSeconds: round(totalSeconds, 2),
      statusesPerSecond: round(statusLatencies.length / totalSeconds, 0),
      annotationsDoneSeconds: round((annotationsDone - started) / 1000, 2),
      eventsDoneSeconds: round((eventsDone - started) / 1000, 2),
      controllerMiB: memory,
      cpu,
      checks,
      writes,
    };
  } finally {
    rest.close();
    await controller.stop();
  }
}

/** From fresh lists, not the watch: N Services, one distinct pool address each, annotated, an IPAllocated Event each. */
async function correctness(rest: KubeRest): Promise<Record<string, boolean | number>> {
  const services = await rest.request<{ items: WatchedService[] }>({
    method: 'GET',
    path: `/api/v1/namespaces/${BENCH_NAMESPACE}/services`,
  });
  const addresses = services.items.map((s) => (s.status?.loadBalancer?.ingress ?? []).map((x) => x.ip ?? ''));
  const flat = addresses.flat();
  const events = await rest.request<{ items: { reason?: string; involvedObject?: { name?: string } }[] }>({
    method: 'GET',
    path: `/api/v1/namespaces/${BENCH_NAMESPACE}/events`,
  });
  // Pool status is written last (debounced, lowest priority): a few seconds to catch up.
  let assigned: number;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const pool = await rest.request<{ status?: { assignedIPv4?: number } }>({
      method: 'GET',
      path: `/apis/metallb.io/v1beta1/namespaces/${NAMESPACE}/ipaddresspools/${POOL.name}`,
    });
    assigned = pool.status?.assignedIPv4 ?? -1;
    if (assigned === N || Date.now() > deadline) break;
    await sleep(250);
  }
  return {
    services: services.items.length,
    oneAddressEach: addresses.every((a) => a.length === 1),
    distinctAddresses: new Set(flat).size,
    allFromPool: flat.every((ip) => ip.startsWith(POOL.prefix)),
    allAnnotated: services.items.every((s) => s.metadata?.annotations?.[ANNOTATION] === POOL.name),
    servicesWithIPAllocatedEvent: new Set(
      events.items.filter((e) => e.reason === 'IPAllocated').map((e) => e.involvedObject?.name),
    ).size,
    poolStatusAssignedIPv4: assigned,
  };
}

// ---- 2. ceiling: the bare client's status updates

interface Ceiling {
  readonly passes: Timed[];
  readonly best: Timed;
  /** The same client at the best concurrency under the controller's ServiceAccount token (RBAC, APF). */
  readonly serviceAccount: Timed;
  /** The same addresses written again (admin, best concurrency): what a redundant write costs. */
  readonly noop: Timed;
  readonly clear: Timed;
  readonly cpu: Cpu;
}

async function ceiling(
  cp: ControlPlane,
  pids: Record<string, number>,
  watch: ServiceWatch,
): Promise<Ceiling> {
  const passes: Timed[] = [];
  const window = cpuWindow(pids);
  for (const [pass, c] of CEILING_CONCURRENCY.entries()) {
    passes.push(await timedPass(cp, c, (rest, i) => patchStatus(rest, i, [ceilingAddress(pass, i)])));
    log(`ceiling: ${N} status updates at concurrency ${c}: ${passes.at(-1)?.perSecond} /s`);
  }
  const cpu = window.stop();
  const best = passes.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  const pass = CEILING_CONCURRENCY.length;
  const serviceAccount = await timedPass(
    cp,
    best.concurrency,
    (rest, i) => patchStatus(rest, i, [ceilingAddress(pass, i)]),
    serviceAccountToken(cp, 'controller'),
  );
  log(
    `ceiling: ${N} status updates at concurrency ${best.concurrency} as the controller's ServiceAccount: ${serviceAccount.perSecond} /s`,
  );
  const noop = await timedPass(cp, best.concurrency, (rest, i) =>
    patchStatus(rest, i, [ceilingAddress(pass, i)]),
  );
  log(`ceiling: ${N} no-op status updates at concurrency ${best.concurrency}: ${noop.perSecond} /s`);
  return { passes, best, serviceAccount, noop, clear: await clearStatuses(cp, best.concurrency, watch), cpu };
}

/**
 * Every Service's status emptied, and seen so by the watch, which then starts afresh (its events
 * are in order: anything written before the clearing has been seen by then).
 */
async function clearStatuses(cp: ControlPlane, concurrency: number, watch: ServiceWatch): Promise<Timed> {
  watch.reset();
  const pass = await timedPass(cp, concurrency, (rest, i) => patchStatus(rest, i, []));
  await watch.until(
    () => watch.empties >= N,
    () => `${N} cleared statuses (${watch.empties} seen)`,
  );
  watch.reset();
  log(`cleared ${N} statuses at concurrency ${concurrency}: ${pass.perSecond} /s`);
  return pass;
}

// ---- 3. backlog: a fresh controller writes N statuses

interface Backlog {
  readonly writeConcurrency: number;
  readonly ok: boolean;
  readonly error?: string;
  /** The controller's "informers synced" log line → its "restart pass" line (config load, full pass, queueing). */
  readonly syncedToRestartPassMs: number;
  /** The "informers synced" log line → the first status seen (the above and the first write). */
  readonly syncedToFirstStatusMs: number;
  /** First status seen → last. */
  readonly drainSeconds: number;
  readonly statusesPerSecond: number;
  readonly percentOfCeiling: number;
  /** The bare client's clearing pass just before this run (same objects, same moment): a paired ceiling. */
  readonly pairedCeilingPerSecond: number;
  readonly percentOfPaired: number;
  readonly controllerMiB: { rss: number; peak: number };
  readonly cpu: Cpu;
  readonly writes: Record<string, number>;
}

async function backlog(
  cp: ControlPlane,
  pids: Record<string, number>,
  watch: ServiceWatch,
  writeConcurrency: number,
  ceilingPerSecond: number,
  paired: Timed,
): Promise<Backlog> {
  const controller = await startController(cp, `backlog-w${writeConcurrency}`, writeConcurrency);
  try {
    await watch.until(
      () => watch.statuses > 0,
      () => 'the first status',
      60_000,
    );
    const window = cpuWindow({ ...pids, controller: controller.pid });
    let error: string | undefined;
    await watch
      .until(
        () => watch.statuses >= N,
        () => `${N} statuses (${watch.statuses} seen)`,
      )
      .catch((e: unknown) => (error = (e as Error).message));
    const cpu = window.stop();
    const memory = memoryMiB(controller.pid);
    const writes = await writesTotal(controller);
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    for (const t of watch.statusAt) {
      if (t === 0) continue;
      first = Math.min(first, t);
      last = Math.max(last, t);
    }
    const drainSeconds = (last - first) / 1000;
    const perSecond = (watch.statuses - 1) / drainSeconds;
    // The event names of the tree at the time of writing, and an earlier one.
    const synced = controller.logged('allSynced', 'informersSynced');
    const pass = controller.logged('restartPass');
    return {
      writeConcurrency,
      ok: error === undefined,
      ...(error !== undefined ? { error } : {}),
      syncedToRestartPassMs: synced !== undefined && pass !== undefined ? round(pass - synced, 0) : NaN,
      syncedToFirstStatusMs: synced !== undefined ? round(first - synced, 0) : NaN,
      drainSeconds: round(drainSeconds, 2),
      statusesPerSecond: round(perSecond, 0),
      percentOfCeiling: round((100 * perSecond) / ceilingPerSecond, 1),
      pairedCeilingPerSecond: paired.perSecond,
      percentOfPaired: round((100 * perSecond) / paired.perSecond, 1),
      controllerMiB: memory,
      cpu,
      writes,
    };
  } finally {
    await controller.stop();
  }
}

// ---- the run

function table(rows: (string | number)[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, c) => String(cell).padEnd(widths[c] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const cores = (cpu: Cpu): string =>
  ['apiserver', 'etcd', 'controller', 'bench'].map((k) => cpu[k]?.cores.toFixed(2) ?? '-').join('/');

const POOL_YAML = `
apiVersion: metallb.io/v1beta1
kind: IPAddressPool
metadata: { name: ${POOL.name}, namespace: ${NAMESPACE} }
spec: { addresses: [${POOL.cidr}] }
`;

let plane: ControlPlane | undefined;
const stopPlane = async (): Promise<void> => {
  const p = plane;
  plane = undefined;
  if (!p) return;
  try {
    mkdirSync(RESULTS, { recursive: true });
    copyFileSync(join(p.dir, 'apiserver.log'), join(RESULTS, `controller-${STAMP}-apiserver.log`));
  } catch {
    // no log to keep
  }
  await p.stop();
};
process.once(
  'SIGINT',
  () =>
    void stopPlane().finally(() => {
      if (transpiled !== undefined) rmSync(transpiled, { recursive: true, force: true });
      process.exit(130);
    }),
);

let exitCode = 0;
try {
  const benchStarted = now();
  const loadBefore = loadavg();
  const git = (args: string[]): string => {
    try {
      return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return '';
    }
  };
  const tree = {
    commit: git(['rev-parse', 'HEAD']),
    changedInSrc: git(['status', '--porcelain', 'src']).split('\n').filter(Boolean),
  };
  log(`starting a control plane; ${N} Services; the controller from ${CONTROLLER_FROM}`);
  const cp = await startControlPlane();
  plane = cp;
  installDeploy(cp);
  apply(cp, POOL_YAML);
  cp.kubectl(['create', 'namespace', BENCH_NAMESPACE]);
  const pids = controlPlanePids(cp);
  const versionClient = adminRest(cp, 1);
  const version = await versionClient
    .request<{ gitVersion: string }>({ method: 'GET', path: '/version' })
    .finally(() => versionClient.close());
  const watch = new ServiceWatch();
  await watch.open(cp);

  const liveRun = await live(cp, pids, watch);
  if (!liveRun.ok) log(`live: ${liveRun.error}`);
  const top = await ceiling(cp, pids, watch);
  const backlogRuns: Backlog[] = [];
  for (const [k, c] of WRITE_CONCURRENCY.entries()) {
    const paired = k > 0 ? await clearStatuses(cp, top.best.concurrency, watch) : top.clear;
    const run = await backlog(cp, pids, watch, c, top.best.perSecond, paired);
    backlogRuns.push(run);
    log(`backlog ${c}: ${run.statusesPerSecond} statuses/s${run.ok ? '' : `; ${run.error}`}`);
  }
  const best = backlogRuns.filter((r) => r.ok).sort((a, b) => b.statusesPerSecond - a.statusesPerSecond)[0];
  watch.close();
  const livePercent = round((100 * liveRun.statusesPerSecond) / top.best.perSecond, 1);
  const benchSeconds = (now() - benchStarted) / 1000;

  console.log(
    `\n${N} LoadBalancer Services; kube-apiserver ${version.gitVersion}, etcd on /dev/shm; ` +
      `${availableParallelism()} cores; loopback; the controller from ${CONTROLLER_FROM}`,
  );
  console.log(
    `\nCeiling: the bare client's status updates (admin token; CPU cores apiserver/etcd/-/bench ${cores(top.cpu)})\n` +
      table([
        ['concurrency', 'updates', 'seconds', 'per second', 'p50 ms', 'p99 ms'],
        ...top.passes.map((t) => [t.concurrency, t.requests, t.seconds, t.perSecond, t.p50Ms, t.p99Ms]),
        [
          `${top.serviceAccount.concurrency} (SA token)`,
          top.serviceAccount.requests,
          top.serviceAccount.seconds,
          top.serviceAccount.perSecond,
          top.serviceAccount.p50Ms,
          top.serviceAccount.p99Ms,
        ],
        [
          `${top.noop.concurrency} (no-op)`,
          top.noop.requests,
          top.noop.seconds,
          top.noop.perSecond,
          top.noop.p50Ms,
          top.noop.p99Ms,
        ],
        [
          `${top.clear.concurrency} (clear)`,
          top.clear.requests,
          top.clear.seconds,
          top.clear.perSecond,
          top.clear.p50Ms,
          top.clear.p99Ms,
        ],
      ]),
  );
  const l = liveRun;
  console.log(
    `\nLive: N creates (concurrency ${l.createConcurrency}) while herald controller --write-concurrency ${l.writeConcurrency} runs\n` +
      table([
        ['figure', 'value'],
        [
          'creates',
          `${l.createSeconds} s, ${l.createsPerSecond} /s (by tenth: ${l.createsPerSecondByTenth.join(' ')}); p50 ${l.createLatencyMs.p50} ms, p99 ${l.createLatencyMs.p99} ms`,
        ],
        [
          'create → status seen',
          `p50 ${l.statusLatencyMs.p50} ms, p90 ${l.statusLatencyMs.p90} ms, p99 ${l.statusLatencyMs.p99} ms, max ${l.statusLatencyMs.max} ms`,
        ],
        [
          'create → annotation seen',
          `p50 ${l.annotationLatencyMs.p50} ms, p99 ${l.annotationLatencyMs.p99} ms`,
        ],
        [
          'first create → last status',
          `${l.totalSeconds} s: ${l.statusesPerSecond} statuses/s = ${livePercent} % of the ceiling`,
        ],
        [
          'all annotations / Events',
          `${l.annotationsDoneSeconds} s / ${l.eventsDoneSeconds} s after the first create`,
        ],
        [
          'controller writes',
          Object.entries(l.writes)
            .map(([k, v]) => `${/kind="(\w+)"/.exec(k)?.[1] ?? k} ${v}`)
            .join(', '),
        ],
        ['controller RSS at N', `${l.controllerMiB.rss} MiB (peak ${l.controllerMiB.peak} MiB)`],
        ['CPU cores apiserver/etcd/controller/bench', cores(l.cpu)],
        ['correct', l.ok ? `yes ${JSON.stringify(l.checks)}` : `NO: ${l.error}`],
      ]),
  );
  console.log(
    `\nBacklog: a fresh controller writes the N statuses (its restart pass); ceiling ${top.best.perSecond} /s\n` +
      table([
        [
          'write conc.',
          'synced → pass ms',
          'synced → 1st ms',
          'drain s',
          'statuses/s',
          '% ceiling',
          'paired /s',
          '% paired',
          'RSS MiB',
          'CPU api/etcd/ctrl/bench',
          'ok',
        ],
        ...backlogRuns.map((r) => [
          r.writeConcurrency,
          r.syncedToRestartPassMs,
          r.syncedToFirstStatusMs,
          r.drainSeconds,
          r.statusesPerSecond,
          r.percentOfCeiling,
          r.pairedCeilingPerSecond,
          r.percentOfPaired,
          r.controllerMiB.rss,
          cores(r.cpu),
          r.ok ? 'yes' : `NO: ${r.error}`,
        ]),
      ]),
  );
  if (best)
    console.log(
      `\nbest --write-concurrency: ${best.writeConcurrency} (${best.percentOfCeiling} % of the ceiling)`,
    );
  console.log(`bench took ${benchSeconds.toFixed(0)} s`);

  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `controller-${STAMP}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        services: N,
        kubernetes: version.gitVersion,
        cores: availableParallelism(),
        loadAverage: { before: loadBefore, after: loadavg() },
        controllerFrom: CONTROLLER_FROM,
        tree,
        benchSeconds: round(benchSeconds, 0),
        ceiling: top,
        live: { ...liveRun, percentOfCeiling: livePercent },
        backlog: backlogRuns,
        benchWatchReopened: watch.reopened,
        bestWriteConcurrency: best?.writeConcurrency,
      },
      null,
      2,
    ) + '\n',
  );
  console.log(`results: ${file}`);
  if (!liveRun.ok || backlogRuns.some((r) => !r.ok)) exitCode = 1;
} catch (e) {
  log(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  exitCode = 1;
} finally {
  await stopPlane();
  if (transpiled !== undefined) rmSync(transpiled, { recursive: true, force: true });
}
process.exit(exitCode);
