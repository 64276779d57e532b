// A real Kubernetes control plane for tests: etcd (Debian's etcd-server, data on /dev/shm) and a
// kube-apiserver built from the Go module proxy by scripts/build-k8s.sh (cached by version outside
// the repository). RBAC is enforced; users authenticate with static tokens (the admin) or with
// ServiceAccount tokens from the TokenRequest API (the components under test).
//
// Every run gets a directory `/dev/shm/herald-k8s-<pid>-<n>` holding its state and the PIDs it
// started; directories of runs whose process is gone are cleaned first (their processes are
// killed by the PIDs recorded there, and only if they still run from that directory).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import {
  apiserverArgs,
  etcdArgs,
  kubernetesBinaries,
  writeControlPlaneFiles,
  writeKubeconfig,
} from '../../../src/lab/k8s/control-plane.js';
import { processAlive } from '../../../src/lab/system.js';
import { freePorts } from '../../integration/ports.js';

const ROOT = existsSync('/dev/shm') ? '/dev/shm' : '/tmp';
const PREFIX = 'herald-k8s-';
let runs = 0;

export interface ControlPlane {
  readonly dir: string;
  /** https://127.0.0.1:PORT */
  readonly url: string;
  readonly caFile: string;
  readonly caPem: string;
  readonly adminToken: string;
  readonly kubectlPath: string;
  /** A kubeconfig file for a bearer token (the admin's by default). */
  kubeconfig(token?: string, name?: string): string;
  /** kubectl as the admin (or with a token), returning stdout; throws with stderr on failure. */
  kubectl(args: readonly string[], options?: { token?: string; input?: string }): string;
  /** SIGKILL the apiserver (its SIGTERM waits for watches to end), etcd keeps the data. */
  killApiserver(): Promise<void>;
  startApiserver(): Promise<void>;
  stop(): Promise<void>;
}

export { kubernetesBinaries };

/** Removes directories (and kills the processes) of earlier runs whose owner is gone. */
export function removeStaleControlPlanes(): void {
  for (const name of readdirSync(ROOT)) {
    if (!name.startsWith(PREFIX)) continue;
    const owner = Number(/^(\d+)-/.exec(name.slice(PREFIX.length))?.[1]);
    if (Number.isFinite(owner) && owner !== process.pid && processAlive(owner)) continue;
    if (owner === process.pid) continue;
    const dir = join(ROOT, name);
    killRecorded(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

function killRecorded(dir: string): void {
  const pidFile = join(dir, 'pids');
  if (!existsSync(pidFile)) return;
  for (const pid of readFileSync(pidFile, 'utf8')
    .split('\n')
    .map(Number)
    .filter((n) => n > 0)) {
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    // Only a process that still runs from this directory is ours (PIDs are reused).
    if (cmdline.includes(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function httpsStatus(url: string, ca: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, { ca, headers: { authorization: `Bearer ${token}` }, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function startLogged(command: string, args: string[], logFile: string): ChildProcess {
  const out = openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', out, out] });
  closeSync(out);
  return child;
}

async function waitExit(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => child.once('exit', () => resolve()));
}

export async function startControlPlane(options: { bin?: string } = {}): Promise<ControlPlane> {
  removeStaleControlPlanes();
  const bin = options.bin ?? kubernetesBinaries();
  const dir = join(ROOT, `${PREFIX}${process.pid}-${++runs}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const pids: number[] = [];
  const record = (child: ChildProcess): void => {
    if (child.pid !== undefined) pids.push(child.pid);
    writeFileSync(join(dir, 'pids'), pids.join('\n'));
  };

  const { adminToken, caFile } = writeControlPlaneFiles(dir);

  const [etcdClient = 0, etcdPeer = 0, apiPort = 0] = await freePorts(3);
  const etcd = startLogged(
    'etcd',
    etcdArgs({ dir, clientPort: etcdClient, peerPort: etcdPeer }),
    join(dir, 'etcd.log'),
  );
  record(etcd);

  const url = `https://127.0.0.1:${apiPort}`;
  let apiserver: ChildProcess | undefined;
  let caPem = '';

  const startApiserver = async (): Promise<void> => {
    apiserver = startLogged(
      join(bin, 'kube-apiserver'),
      apiserverArgs({
        dir,
        etcdClientPort: etcdClient,
        bindAddress: '127.0.0.1',
        advertiseAddress: '127.0.0.1',
        port: apiPort,
      }),
      join(dir, 'apiserver.log'),
    );
    record(apiserver);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (apiserver.exitCode !== null) {
        throw new Error(`kube-apiserver exited (${apiserver.exitCode}); see ${join(dir, 'apiserver.log')}`);
      }
      if (existsSync(caFile)) {
        caPem = readFileSync(caFile, 'utf8');
        if ((await httpsStatus(`${url}/readyz`, caPem, adminToken)) === 200) return;
      }
      if (Date.now() > deadline)
        throw new Error(`kube-apiserver not ready in 60 s; see ${join(dir, 'apiserver.log')}`);
      await sleep(100);
    }
  };

  const killApiserver = async (): Promise<void> => {
    const child = apiserver;
    child?.kill('SIGKILL');
    await waitExit(child);
  };

  const kubeconfig = (token = adminToken, name = 'admin'): string =>
    writeKubeconfig(join(dir, `kubeconfig-${name}`), { server: url, caFile, token, user: name });

  const kubectlPath = join(bin, 'kubectl');
  const kubectl = (args: readonly string[], opts: { token?: string; input?: string } = {}): string => {
    const config =
      opts.token !== undefined ? kubeconfig(opts.token, `token-${opts.token.slice(-8)}`) : kubeconfig();
    try {
      return execFileSync(kubectlPath, ['--kubeconfig', config, ...args], {
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
        ...(opts.input !== undefined ? { input: opts.input } : {}),
      });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`kubectl ${args.join(' ')}: ${err.stderr ?? err.message}`, { cause: e });
    }
  };

  const stop = async (): Promise<void> => {
    await killApiserver();
    etcd.kill('SIGKILL');
    await waitExit(etcd);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    await startApiserver();
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
  return {
    dir,
    url,
    caFile,
    get caPem() {
      return caPem;
    },
    adminToken,
    kubectlPath,
    kubeconfig,
    kubectl,
    killApiserver,
    startApiserver,
    stop,
  };
}
