// BIRD 2's BFD protocol in one namespace: static neighbours (no other protocol needed), per-
// interface timers and optional authentication. `bird -f` stays in the foreground.
import { writeFileSync } from 'node:fs';
import { netnsExec, type Processes } from './processes.js';

export interface BirdBfdOptions {
  readonly name: string;
  readonly routerId: string;
  readonly interface: string;
  readonly neighbors: readonly string[];
  readonly minRxIntervalMs: number;
  readonly minTxIntervalMs: number;
  readonly multiplier: number;
  /** e.g. `keyed sha1`; with a password. */
  readonly authentication?: { readonly type: string; readonly password: string; readonly keyId: number };
}

export class BirdBfd {
  private readonly socket: string;

  constructor(
    private readonly processes: Processes,
    private readonly namespace: string,
    private readonly dir: string,
    private readonly options: BirdBfdOptions,
  ) {
    this.socket = `${dir}/${options.name}.ctl`;
  }

  start(): void {
    const config = `${this.dir}/${this.options.name}.conf`;
    writeFileSync(config, birdConfig(this.options));
    this.processes.start(this.options.name, this.namespace, ['bird', '-f', '-c', config, '-s', this.socket]);
  }

  /** Neighbour address → state (`Up`, `Down`, `Init`, `AdminDown`). */
  states(): Map<string, string> {
    const out = netnsExec(this.namespace, ['birdc', '-s', this.socket, 'show', 'bfd', 'sessions']);
    const states = new Map<string, string>();
    for (const line of out.split('\n')) {
      const [address, , state] = line.trim().split(/\s+/);
      if (
        address &&
        state &&
        /^[0-9a-f:.]+$/.test(address) &&
        address.includes('.') !== address.includes(':')
      )
        states.set(address, state);
    }
    return states;
  }
}

function birdConfig(o: BirdBfdOptions): string {
  const auth = o.authentication
    ? `    authentication ${o.authentication.type};\n    password "${o.authentication.password}" { id ${o.authentication.keyId}; };\n`
    : '';
  return `router id ${o.routerId};
protocol device { }
protocol bfd {
  interface "${o.interface}" {
    min rx interval ${o.minRxIntervalMs} ms;
    min tx interval ${o.minTxIntervalMs} ms;
    idle tx interval 1000 ms;
    multiplier ${o.multiplier};
${auth}  };
${o.neighbors.map((n) => `  neighbor ${n} dev "${o.interface}";`).join('\n')}
}
`;
}
