// FRR on this node as child processes: zebra, then bgpd, bfdd and staticd from /usr/lib/frr, each
// with its pid file, vty socket and zserv socket under one run directory (no systemd, nothing
// under /etc/frr), in the namespace the speaker runs in. Configuration goes in through FRR's own
// frr-reload.py (frr-pythontools), which diffs the new file against the running configuration
// and applies only the difference — sessions stay up; queries through vtysh. Freshly started
// daemons first get the whole file through `vtysh [-d daemon] -f` after a dry run: into all of
// them, frr-reload.py would spend seconds diffing 10,000 lines against an empty configuration;
// into one restarted alone, it would send nothing shared (route-maps, prefix-lists), since the
// other daemons still show those lines, and bgpd would run without its filters.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrrProcesses } from '../ports/frr.js';

export const FRR_DAEMONS = ['zebra', 'bgpd', 'bfdd', 'staticd'] as const;
export const FRR_RELOAD = '/usr/lib/frr/frr-reload.py';

export interface FrrProcessOptions {
  /** Pid files, sockets, logs and the applied frr.conf live here. */
  readonly runDir: string;
  readonly binDir?: string;
  readonly daemons?: readonly string[];
  /** How long a daemon may take to answer on its vty after start. */
  readonly startTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A command's stdout, or an error carrying what it printed (FRR's message). The command runs in a
 * process group of its own, killed whole at the timeout: frr-reload.py's vtysh child must not go
 * on applying lines after the reload was given up (and the last good text is being restored).
 */
export function runCommand(file: string, args: readonly string[], timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      if (code === 0 && !timedOut) {
        resolve(stdout);
        return;
      }
      const said = `${stdout}\n${Buffer.concat(err).toString('utf8')}`.trim();
      const what = file.split('/').at(-1) ?? file;
      if (timedOut)
        reject(new Error(`${what} did not finish within ${timeoutMs / 1000} s${said ? `: ${said}` : ''}`));
      else reject(new Error(said || `${what} exited with ${signal ?? `code ${code ?? '?'}`}`));
    });
  });
}

/**
 * How long a reload of `text` may take: frr-reload.py hands the added lines to one vtysh, but
 * FRR 8.4 takes every prefix-list line in every daemon, and a thousand Services (some 3,000
 * lines) took 40–60 s on a loaded 2-core machine. 30 s plus 50 ms a line.
 */
export const reloadTimeoutMs = (text: string): number => 30_000 + 50 * text.split('\n').length;

const run = runCommand;

export class FrrDaemonProcesses implements FrrProcesses {
  private readonly children = new Map<string, ChildProcess>();
  private stopping: Promise<void> = Promise.resolve();
  private readonly binDir: string;
  private readonly daemons: readonly string[];
  /** Daemons started since the last load: they run nothing yet. */
  private fresh = new Set<string>();

  constructor(private readonly options: FrrProcessOptions) {
    this.binDir = options.binDir ?? '/usr/lib/frr';
    this.daemons = options.daemons ?? FRR_DAEMONS;
  }

  async start(exited: (daemon: string, detail: string) => void, only?: readonly string[]): Promise<void> {
    await this.stopping;
    const dir = this.options.runDir;
    const daemons = only ? this.daemons.filter((d) => only.includes(d)) : this.daemons;
    mkdirSync(dir, { recursive: true });
    // The daemons drop to the frr user, which writes its pid files and sockets here.
    chmodSync(dir, 0o777);
    writeFileSync(join(dir, 'empty.conf'), '');
    // vtysh (and so frr-reload.py) reads it; without it every error starts with a complaint.
    writeFileSync(join(dir, 'vtysh.conf'), '');
    this.killLeftovers(daemons);
    this.onExit = exited;
    for (const daemon of daemons) this.fresh.add(daemon);
    for (const daemon of daemons) {
      const args = [
        '-P',
        '0',
        '--vty_socket',
        dir,
        '-z',
        join(dir, 'zserv.api'),
        '-i',
        join(dir, `${daemon}.pid`),
        '-f',
        join(dir, 'empty.conf'),
        '--log',
        `file:${join(dir, `${daemon}.log`)}`,
        ...(daemon === 'bfdd' ? ['--bfdctl', join(dir, 'bfdd.sock')] : []),
      ];
      const child = spawn(join(this.binDir, daemon), args, { stdio: 'ignore' });
      this.children.set(daemon, child);
      child.on('error', (error) => this.exit(daemon, child, `could not start: ${error.message}`));
      child.on('exit', (code, sig) =>
        this.exit(daemon, child, sig ? `killed by ${sig}` : `exited with code ${code ?? '?'}`),
      );
      // zebra first: the others connect to it at start.
      await this.untilAnswers(daemon);
    }
  }

  stop(only?: readonly string[]): void {
    const names = [...this.children.keys()].filter((d) => !only || only.includes(d));
    const children = names.flatMap((d) => {
      const child = this.children.get(d);
      this.children.delete(d);
      return child ? [child] : [];
    });
    this.stopping = Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) {
              resolve();
              return;
            }
            const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
            child.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            child.kill('SIGTERM');
          }),
      ),
    ).then(() => undefined);
  }

  /** Resolves once every daemon this adapter started has exited. */
  stopped(): Promise<void> {
    return this.stopping;
  }

  async reload(text: string): Promise<void> {
    const dir = this.options.runDir;
    const file = join(dir, 'frr.conf.new');
    writeFileSync(file, text, { mode: 0o600 });
    try {
      const all = this.daemons.every((d) => this.fresh.has(d));
      if (this.fresh.size > 0) await this.load(file, text, all ? [] : [...this.fresh]);
      // Into daemons that all started empty the whole file was everything; else the others get the diff.
      if (!all)
        await run(
          FRR_RELOAD,
          [
            '--reload',
            '--stdout',
            '--log-level',
            'error',
            '--vty_socket',
            dir,
            '--rundir',
            dir,
            '--confdir',
            dir,
            '--bindir',
            '/usr/bin',
            file,
          ],
          reloadTimeoutMs(text),
        );
    } catch (error) {
      const message = frrMessage(error instanceof Error ? error.message : String(error));
      if (!(await this.onlyGracefulRestartRefused(message))) {
        writeFileSync(join(dir, 'frr.conf.rejected'), text, { mode: 0o600 });
        throw new Error(message, { cause: error });
      }
    }
    writeFileSync(join(dir, 'frr.conf'), text, { mode: 0o600 });
  }

  /**
   * FRR 8.4 takes `neighbor X graceful-restart` on a configured neighbour ("Graceful restart
   * configuration changed"), yet vtysh reports the line failed ("not valid at this moment": it is
   * tried a second time, and the mode is set already). Such a refusal is no refusal when every
   * failed line is one of those and bgpd runs it.
   */
  private async onlyGracefulRestartRefused(message: string): Promise<boolean> {
    const failed = message.split('\n').map((l) => /^line \d+: .* line:\s+(.*)$/.exec(l)?.[1]?.trim());
    if (
      failed.length === 0 ||
      failed.some((l) => l === undefined || !/^neighbor \S+ graceful-restart$/.test(l))
    )
      return false;
    const running = (await this.show('show running-config bgpd').catch(() => ''))
      .split('\n')
      .map((l) => l.trim());
    return failed.every((l) => l !== undefined && running.includes(l));
  }

  /**
   * The whole file into empty daemons (`only`: these; none = all at once), checked first (`-C`) as
   * frr-reload.py checks it. `vtysh -d bgpd -f` hands bgpd the lines it takes and drops the rest.
   */
  private async load(file: string, text: string, only: readonly string[]): Promise<void> {
    const dir = this.options.runDir;
    await run('vtysh', ['--vty_socket', dir, '-C', '-f', file], reloadTimeoutMs(text));
    // From here some of it may be loaded: whatever follows (the last good text again) is a diff.
    this.fresh.clear();
    if (only.length === 0) await run('vtysh', ['--vty_socket', dir, '-f', file], reloadTimeoutMs(text));
    for (const daemon of only)
      await run('vtysh', ['--vty_socket', dir, '-d', daemon, '-f', file], reloadTimeoutMs(text));
  }

  show(command: string): Promise<string> {
    return run('vtysh', ['--vty_socket', this.options.runDir, '-c', command], 10_000);
  }

  private onExit: (daemon: string, detail: string) => void = () => undefined;

  private exit(daemon: string, child: ChildProcess, detail: string): void {
    if (this.children.get(daemon) !== child) return; // stopped on purpose
    this.children.delete(daemon);
    this.onExit(daemon, detail);
  }

  private async untilAnswers(daemon: string): Promise<void> {
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 10_000);
    for (;;) {
      if (!this.children.has(daemon)) throw new Error(`${daemon} exited while starting`);
      try {
        await run('vtysh', ['--vty_socket', this.options.runDir, '-d', daemon, '-c', 'show version'], 2000);
        return;
      } catch (error) {
        if (Date.now() > deadline)
          throw new Error(
            `${daemon} did not answer on its vty: ${error instanceof Error ? error.message : ''}`,
            { cause: error },
          );
      }
      await sleep(50);
    }
  }

  /** Daemons an earlier run of this speaker left behind (it was killed): by their pid files. */
  private killLeftovers(daemons: readonly string[]): void {
    for (const daemon of daemons) {
      const file = join(this.options.runDir, `${daemon}.pid`);
      if (!existsSync(file)) continue;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (!Number.isInteger(pid) || pid <= 0) continue;
      try {
        if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === daemon) process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
  }
}

/** What frr-reload.py / vtysh said, without its noise: the lines that name the problem. */
export function frrMessage(output: string): string {
  const lines = output
    // eslint-disable-next-line no-control-regex -- frr-reload.py colours its log lines
    .replace(/\x1b\[[0-9;]*m/g, '')
    // it quotes vtysh's output as a Python bytes literal
    .replace(/\\n/g, '\n')
    .split('\n')
    .map((l) => l.trim().replace(/^b["']|["']$/g, ''))
    .filter((l) => l !== '' && !l.includes('vtysh.conf'));
  const located = lines.filter((l) => /^line \d+:/.test(l));
  if (located.length > 0) return located.slice(0, 20).join('\n');
  const useful = lines.filter((l) => /error|unknown|invalid|failed|%|line \d+/i.test(l));
  return (useful.length > 0 ? useful : lines).slice(0, 20).join('\n');
}
