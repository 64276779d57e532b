// Runs `bin/herald membership` processes and collects their JSON-line events: the harness of the
// gossip integration tests and of bench/membership.bench.ts. Kills only the processes it started.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'herald');

export interface MemberEvent {
  readonly t: number;
  readonly wall: number;
  readonly node: string;
  readonly event: string;
  readonly from?: string;
  readonly to?: string;
  readonly reason?: string;
  /** For member events: which member changed (the `node` field of the change). */
  readonly member?: string;
}

export interface MemberProcess {
  readonly name: string;
  readonly address: string;
  child: ChildProcess;
  readonly events: MemberEvent[];
}

export interface ClusterOptions {
  readonly keySecret?: string;
  readonly profile?: string;
  /** Wrap each command, e.g. ['ip', 'netns', 'exec', 'ns1'] per member. */
  readonly wrap?: (name: string) => string[];
  /** More `herald membership` arguments per member, e.g. ['--stall', '300/1500'] or ['--no-liveness']. */
  readonly args?: (name: string) => string[];
}

export class MemberCluster {
  readonly members = new Map<string, MemberProcess>();
  private readonly dir = mkdtempSync(join(tmpdir(), 'herald-members-'));
  private readonly keyFile: string;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly options: ClusterOptions = {}) {
    this.keyFile = join(this.dir, 'gossip.key');
    writeFileSync(this.keyFile, options.keySecret ?? 'cluster-secret');
  }

  /**
   * Starts a member; `peers` are addresses to join through. `keySecret`: another secret for this
   * member, or null for none at all (the default, open key).
   */
  start(name: string, address: string, peers: readonly string[], keySecret?: string | null): MemberProcess {
    let keyFile: string | undefined = this.keyFile;
    if (keySecret === null) keyFile = undefined;
    else if (keySecret !== undefined) {
      keyFile = join(this.dir, `${name}.key`);
      writeFileSync(keyFile, keySecret);
    }
    const args = [
      BIN,
      'membership',
      '--node-name',
      name,
      '--gossip-listen',
      address,
      '--gossip-peers',
      peers.join(','),
      ...(keyFile !== undefined ? ['--gossip-key-file', keyFile] : []),
      '--profile',
      this.options.profile ?? 'fast',
      ...(this.options.args?.(name) ?? []),
    ];
    // Same V8 flag as bin/herald's shebang (spawning node directly bypasses the shebang).
    const command = [
      ...(this.options.wrap?.(name) ?? []),
      process.execPath,
      '--max-semi-space-size=2',
      ...args,
    ];
    const child = spawn(command[0] ?? process.execPath, command.slice(1), {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const existing = this.members.get(name);
    const member: MemberProcess = existing ?? { name, address, child, events: [] };
    member.child = child;
    this.members.set(name, member);
    {
      createInterface({ input: child.stdout }).on('line', (line) => {
        try {
          const raw = JSON.parse(line) as Record<string, unknown>;
          const event = { ...raw, node: name } as MemberEvent;
          member.events.push(event);
          for (const w of this.waiters) w();
        } catch {
          // not an event line
        }
      });
    }
    return member;
  }

  /** Resolves when `check` holds, re-checked on every event; rejects after `timeoutMs`. */
  waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = (): void => {
        if (!check()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      this.waiters.add(waiter);
    });
  }

  /** The last state `observer` reported for `member` ('unknown' if none). */
  stateSeenBy(observer: string, member: string): string {
    const events = this.members.get(observer)?.events ?? [];
    for (let i = events.length - 1; i >= 0; i--) {
      const e = events[i];
      if (e?.event === 'member' && e.member === member && e.to) return e.to;
    }
    return 'unknown';
  }

  /** Every running member other than `member` sees it in `state`. */
  allSee(member: string, state: string, among?: readonly string[]): boolean {
    const observers = among ?? [...this.members.keys()].filter((n) => n !== member);
    return observers.every((o) => this.stateSeenBy(o, member) === state);
  }

  signal(name: string, signal: NodeJS.Signals): void {
    this.members.get(name)?.child.kill(signal);
  }

  async exited(name: string): Promise<number | null> {
    const child = this.members.get(name)?.child;
    if (!child) return null;
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Kills every process this cluster started (by PID) and removes its files. */
  async close(): Promise<void> {
    for (const m of this.members.values()) {
      if (m.child.exitCode === null && m.child.signalCode === null) {
        m.child.kill('SIGCONT');
        m.child.kill('SIGKILL');
        await new Promise((r) => m.child.once('exit', r));
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
