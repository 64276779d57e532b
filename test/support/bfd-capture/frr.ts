// FRR's bfdd (with the zebra it needs for interfaces) in one namespace, with private paths
// (lab-notes.md: FRR inside a namespace without systemd). Daemons run in the foreground so the
// PID we record is the daemon's.
import { chmodSync, writeFileSync } from 'node:fs';
import { netnsExec, type Processes, sleep } from './processes.js';

export interface FrrBfdPeer {
  readonly address: string;
  readonly interface: string;
  readonly receiveIntervalMs: number;
  readonly transmitIntervalMs: number;
  readonly detectMultiplier: number;
}

export class FrrBfd {
  constructor(
    private readonly processes: Processes,
    private readonly namespace: string,
    private readonly dir: string,
  ) {}

  async start(peers: readonly FrrBfdPeer[]): Promise<void> {
    // The daemons drop to the frr user, which must write its pid files and sockets here.
    chmodSync(this.dir, 0o777);
    const empty = `${this.dir}/empty.conf`;
    writeFileSync(empty, '');
    const common = ['-F', 'datacenter', '-P', '0', '--vty_socket', this.dir, '-z', `${this.dir}/zserv.api`];
    this.processes.start('zebra', this.namespace, [
      '/usr/lib/frr/zebra',
      ...common,
      '-i',
      `${this.dir}/zebra.pid`,
      '-f',
      empty,
    ]);
    await sleep(500);
    this.processes.start('bfdd', this.namespace, [
      '/usr/lib/frr/bfdd',
      ...common,
      '-i',
      `${this.dir}/bfdd.pid`,
      '-f',
      empty,
      '--bfdctl',
      `${this.dir}/bfdd.sock`,
    ]);
    await sleep(500);
    const config = ['bfd', ...peers.flatMap(peerLines), 'exit', ''].join('\n');
    writeFileSync(`${this.dir}/frr.conf`, config);
    this.vtysh(['-f', `${this.dir}/frr.conf`]);
  }

  /** Runs configuration lines under `bfd / peer <address> interface <if>`. */
  configurePeer(peer: FrrBfdPeer, lines: readonly string[]): void {
    this.vtysh([
      '-c',
      'configure terminal',
      '-c',
      'bfd',
      '-c',
      `peer ${peer.address} interface ${peer.interface}`,
      ...lines.flatMap((l) => ['-c', l]),
    ]);
  }

  /** Peer address → status (`up`, `down`, `init`, `shutdown`). */
  statuses(): Map<string, string> {
    const peers = JSON.parse(this.vtysh(['-c', 'show bfd peers json'])) as { peer: string; status: string }[];
    return new Map(peers.map((p) => [p.peer, p.status]));
  }

  private vtysh(args: string[]): string {
    return netnsExec(this.namespace, ['vtysh', '--vty_socket', this.dir, ...args]);
  }
}

function peerLines(peer: FrrBfdPeer): string[] {
  return [
    ` peer ${peer.address} interface ${peer.interface}`,
    `  receive-interval ${peer.receiveIntervalMs}`,
    `  transmit-interval ${peer.transmitIntervalMs}`,
    `  detect-multiplier ${peer.detectMultiplier}`,
    ' exit',
  ];
}
