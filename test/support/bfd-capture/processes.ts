// The processes one capture run starts (daemons, tcpdump), recorded by PID and stopped by PID:
// nothing else on the machine is touched.
import { netnsExec, processAlive, signal, startInNamespace } from '../../../src/lab/system.js';

export class Processes {
  private readonly started: { name: string; pid: number }[] = [];

  constructor(private readonly logDir: string) {}

  /** Starts `command` in the foreground inside `namespace`; its output goes to `<name>.log`. */
  start(name: string, namespace: string, command: string[]): number {
    const pid = startInNamespace(namespace, command, `${this.logDir}/${name}.log`);
    this.started.push({ name, pid });
    return pid;
  }

  pid(name: string): number {
    const entry = this.started.find((p) => p.name === name);
    if (!entry) throw new Error(`no process ${name}`);
    return entry.pid;
  }

  /** SIGTERM, then SIGKILL for what is still alive after `graceMs`; newest first. */
  async stop(name: string, graceMs = 2000): Promise<void> {
    const index = this.started.findIndex((p) => p.name === name);
    const entry = this.started[index];
    if (!entry) return;
    this.started.splice(index, 1);
    signal(entry.pid, 'SIGCONT');
    signal(entry.pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (processAlive(entry.pid) && Date.now() < deadline) await sleep(50);
    signal(entry.pid, 'SIGKILL');
  }

  async stopAll(): Promise<void> {
    for (const { name } of [...this.started].reverse()) await this.stop(name);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it returns true; throws with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 15_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    let ok: boolean;
    try {
      ok = check();
    } catch {
      ok = false;
    }
    if (ok) return Date.now() - started;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

export { netnsExec };
