// Single-hop BFD over UDP (RFC 5881) for one local address: control packets arrive on port 3784
// with the TTL / hop limit they carried (dgram cannot report it: the net_extras addon does),
// leave from one source port in 49152–65535 with TTL 255, and are handed to the session of the
// peer that sent them. Packets below the minimum TTL are dropped here and counted (GTSM; RFC 5881
// §5 wants exactly 255 for unauthenticated single hop). See docs/design/0006-native-net.md.
import { BFD_CONTROL_PORT, BFD_SINGLE_HOP_TTL } from '../core/bfd/packet.js';
import { formatIp, parseIp } from '../core/net/ip.js';
import type { BfdChannel, BfdTransport, BfdTransportHandlers } from '../ports/bfd-transport.js';
import { openUdpSocket, type UdpOptions, type UdpSocket } from '../net/udp-socket.js';

/** RFC 5881 §4: the source port range of control packets. */
export const BFD_SOURCE_PORT_FIRST = 49152;
export const BFD_SOURCE_PORT_LAST = 65535;
/** CS6 (network control), as FRR marks BFD. */
const NETWORK_CONTROL_TOS = 0xc0;
const SOURCE_PORT_TRIES = 64;

export interface BfdUdpOptions {
  /** The sessions' source address; an IPv6 link-local one carries its zone (`fe80::1%eth0`). */
  readonly localAddress: string;
  readonly bindDevice?: string;
  /** Default 255 (single hop). */
  readonly minimumTtl?: number;
  /** Default 3784; tests use another. */
  readonly receivePort?: number;
  /** Default: the first free port from a random start in 49152–65535. */
  readonly sourcePort?: number;
  /** Uniform in [0, 1): where the search for a free source port starts. */
  readonly random?: () => number;
}

export interface BfdUdpCounters {
  received: number;
  /** Arrived below the minimum TTL (the session machine's reason: ttlBelowMinimum). */
  droppedTtl: number;
  /** From an address no open session peers with. */
  droppedUnknownPeer: number;
  sent: number;
  /** Refused by the kernel (no route, buffer full) or sent before start(): BFD misses that packet. */
  sendErrors: number;
}

export class BfdUdpTransport {
  readonly counters: BfdUdpCounters = {
    received: 0,
    droppedTtl: 0,
    droppedUnknownPeer: 0,
    sent: 0,
    sendErrors: 0,
  };
  private receiver: UdpSocket | undefined;
  private sender: UdpSocket | undefined;
  private readonly peers = new Map<string, Set<BfdTransportHandlers>>();

  constructor(private readonly options: BfdUdpOptions) {}

  /** Opens both sockets; throws a system error (EADDRINUSE, EADDRNOTAVAIL, ...) if it cannot. */
  start(): void {
    if (this.receiver) return;
    const local = parseIp(withoutZone(this.options.localAddress));
    if (!local) throw new Error(`localAddress: '${this.options.localAddress}' is not an IP address`);
    const base: Omit<UdpOptions, 'port'> = {
      family: local.family,
      local: this.options.localAddress,
      tos: NETWORK_CONTROL_TOS,
      ...(this.options.bindDevice !== undefined ? { bindDevice: this.options.bindDevice } : {}),
    };
    const receiver = openUdpSocket({ ...base, port: this.options.receivePort ?? BFD_CONTROL_PORT });
    try {
      this.sender = this.openSender(base);
    } catch (error) {
      receiver.close();
      throw error;
    }
    receiver.start((data, from, _port, ttl) => this.deliver(data, from, ttl));
    this.receiver = receiver;
  }

  stop(): void {
    this.receiver?.close();
    this.sender?.close();
    this.receiver = this.sender = undefined;
  }

  /** The source port in use (the same for every session, RFC 5881 §4), once started. */
  get sourcePort(): number | undefined {
    return this.sender?.localPort;
  }

  /** The BfdTransport of one peer's session: datagrams from `address` go to its handlers. */
  peer(address: string): BfdTransport {
    const key = canonical(address);
    return {
      open: (handlers): BfdChannel => {
        const set = this.peers.get(key) ?? new Set();
        set.add(handlers);
        this.peers.set(key, set);
        let open = true;
        return {
          send: (payload) => {
            if (open) this.send(payload, address);
          },
          close: () => {
            open = false;
            set.delete(handlers);
            if (set.size === 0 && this.peers.get(key) === set) this.peers.delete(key);
          },
        };
      },
    };
  }

  private send(payload: Uint8Array, address: string): void {
    try {
      if (!this.sender) throw new Error('not started');
      this.sender.send(payload, address, BFD_CONTROL_PORT);
      this.counters.sent++;
    } catch {
      this.counters.sendErrors++;
    }
  }

  private deliver(data: Buffer, from: string, ttl: number): void {
    this.counters.received++;
    if (ttl < (this.options.minimumTtl ?? BFD_SINGLE_HOP_TTL)) {
      this.counters.droppedTtl++;
      return;
    }
    // The kernel names a link-local sender with its zone (fe80::2%eth0); a session may not.
    const handlers =
      this.peers.get(from) ?? this.peers.get(canonical(from)) ?? this.peers.get(canonical(withoutZone(from)));
    if (!handlers) {
      this.counters.droppedUnknownPeer++;
      return;
    }
    for (const h of handlers) h.received({ payload: data, ttl });
  }

  /** RFC 5881 §4: one source port in 49152–65535 per transport; not shared with another socket. */
  private openSender(base: Omit<UdpOptions, 'port'>): UdpSocket {
    const open = (port: number) =>
      openUdpSocket({ ...base, port, ttl: BFD_SINGLE_HOP_TTL, reuseAddress: false });
    if (this.options.sourcePort !== undefined) return open(this.options.sourcePort);
    const span = BFD_SOURCE_PORT_LAST - BFD_SOURCE_PORT_FIRST + 1;
    const start = Math.floor((this.options.random ?? Math.random)() * span);
    let lastError: unknown;
    for (let i = 0; i < SOURCE_PORT_TRIES; i++) {
      try {
        return open(BFD_SOURCE_PORT_FIRST + ((start + i) % span));
      } catch (error) {
        if ((error as { code?: string }).code !== 'EADDRINUSE') throw error;
        lastError = error;
      }
    }
    throw lastError;
  }
}

const withoutZone = (address: string): string => address.split('%')[0] ?? address;

/** One spelling per address (the kernel writes `fd00::2`, a config may say `FD00:0::2`). */
function canonical(address: string): string {
  const [bare = address, zone] = address.split('%');
  const ip = parseIp(bare);
  const text = ip ? formatIp(ip) : bare;
  return zone === undefined ? text : `${text}%${zone}`;
}
