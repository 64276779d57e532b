// Answers ARP and NDP for the addresses this node announces, on the allowed interfaces, and
// sends unsolicited announcements on takeover: at once, then every 1.1 s until 5 s after the
// last trigger (behaviour.md §3). Implements the Layer2Announcer port by converging: each
// apply() is the whole desired set; sockets open and close as interfaces gain or lose work, and
// stay open, idle, on the interfaces where this node stands by to take an address over: opening
// an AF_PACKET socket takes 8-20 ms here and closing one 16-32 ms (the kernel waits for an RCU
// grace period), which a takeover would otherwise spend before its first gratuitous ARP.
import { decodeArp, arpReplyTo, gratuitousArp, ARP_REQUEST, ETHERTYPE_ARP } from '../core/packets/arp.js';
import { isDecodeError, type DropReason } from '../core/packets/errors.js';
import {
  advertisementFor,
  decodeNeighborMessage,
  ETHERTYPE_IPV6,
  ND_NEIGHBOR_SOLICITATION,
  unsolicitedAdvertisement,
} from '../core/packets/ndp.js';
import { announceInterfaces, type InterfaceInfo } from '../core/net/interfaces.js';
import { parseIp } from '../core/net/ip.js';
import type { Layer2Announcement, Layer2Announcer, Layer2Standby } from '../ports/announcer.js';
import type { Clock } from '../ports/clock.js';
import type { PacketSocket } from './packet-socket.js';

const REPEAT_MS = 1100;
const REPEAT_FOR_MS = 5000;
/**
 * How long an interface's sockets outlive its last address: withdrawing stops answering at once,
 * but closing a socket blocks for an RCU grace period (16-32 ms here) — not in the turn that
 * hands an address over (a SIGTERM's leave broadcast, a takeover), and not at all if the work
 * comes back meanwhile.
 */
export const SOCKET_LINGER_MS = 1000;

export interface ResponderCounters {
  requestsReceived: Map<string, number>;
  responsesSent: Map<string, number>;
  gratuitousSent: Map<string, number>;
  dropped: Map<DropReason | 'notOwned' | 'outgoing', number>;
  /** Sockets re-opened after a failure or a re-created interface, per interface. */
  restarts: Map<string, number>;
}

export interface ResponderDeps {
  readonly clock: Clock;
  readonly interfaces: () => readonly InterfaceInfo[];
  readonly open: (interfaceName: string, ethertype: number) => PacketSocket;
  readonly onError?: (interfaceName: string, error: unknown) => void;
}

interface InterfaceState {
  arp?: PacketSocket;
  ipv6?: PacketSocket;
  /** A send failed: the sockets are re-opened at the next refresh(). */
  failed?: boolean;
  /** Nothing to do here any more: the sockets close when this timer fires. */
  retiring?: unknown;
  /** Owned addresses on this interface: IPv4 as numbers, IPv6 as hex of the 16 bytes. */
  v4: Map<number, string>;
  v6: Map<string, { text: string; bytes: Uint8Array }>;
}

/** What one interface should do: answer for these addresses, and keep sockets ready per family. */
interface WantedInterface {
  v4: Map<number, string>;
  v6: Map<string, { text: string; bytes: Uint8Array }>;
  readyV4: boolean;
  readyV6: boolean;
}

/** An address as the sockets' tables key it: IPv4 as a number, IPv6 as hex of the 16 bytes. */
type ParsedAddress =
  | { readonly family: 4; readonly key: number }
  | { readonly family: 6; readonly key: string; readonly bytes: Uint8Array };

function parseAddress(text: string): ParsedAddress | null {
  const ip = parseIp(text);
  if (ip?.family === 4) return { family: 4, key: Number(ip.value) };
  if (ip?.family === 6) {
    const bytes = Buffer.from(ip.value.toString(16).padStart(32, '0'), 'hex');
    return { family: 6, key: bytes.toString('hex'), bytes };
  }
  return null;
}

const bump = <K>(map: Map<K, number>, key: K): void => {
  map.set(key, (map.get(key) ?? 0) + 1);
};

export class Layer2Responder implements Layer2Announcer {
  readonly counters: ResponderCounters = {
    requestsReceived: new Map(),
    responsesSent: new Map(),
    gratuitousSent: new Map(),
    dropped: new Map(),
    restarts: new Map(),
  };
  private desired: ReadonlyMap<string, Layer2Announcement> = new Map();
  private standby: readonly Layer2Standby[] = [];
  /** Interfaces whose sockets failed to open: retry no earlier than `at` (exponential backoff). */
  private readonly retry = new Map<string, { failures: number; at: number }>();
  private readonly byInterface = new Map<string, InterfaceState>();
  /**
   * The parsed form of every address of the last apply: the leadership actor applies a growing
   * desired set after each slice of a big election, and parsing 10,000 addresses each time was
   * most of the cost.
   */
  private parsed = new Map<string, ParsedAddress | null>();
  /** Announcement repeats per `interface|ip`: when to stop. */
  private readonly repeats = new Map<string, { until: number; timer: unknown }>();

  constructor(private readonly deps: ResponderDeps) {}

  apply(desired: ReadonlyMap<string, Layer2Announcement>, standby: readonly Layer2Standby[] = []): void {
    this.desired = desired;
    this.standby = standby;
    const all = this.deps.interfaces();
    const wanted = new Map<string, WantedInterface>();
    const entryFor = (name: string): WantedInterface => {
      const entry = wanted.get(name) ?? { v4: new Map(), v6: new Map(), readyV4: false, readyV6: false };
      wanted.set(name, entry);
      return entry;
    };
    for (const ready of standby) {
      for (const name of announceInterfaces(all, ready.interfaces)) {
        const entry = entryFor(name);
        entry.readyV4 ||= ready.v4;
        entry.readyV6 ||= ready.v6;
      }
    }
    const parsed = new Map<string, ParsedAddress | null>();
    for (const announcement of desired.values()) {
      for (const name of announceInterfaces(all, announcement.interfaces)) {
        const entry = entryFor(name);
        for (const text of announcement.ips) {
          let ip = parsed.get(text) ?? this.parsed.get(text);
          if (ip === undefined) ip = parseAddress(text);
          parsed.set(text, ip);
          if (ip?.family === 4) entry.v4.set(ip.key, text);
          else if (ip?.family === 6) entry.v6.set(ip.key, { text, bytes: ip.bytes });
        }
      }
    }
    this.parsed = parsed;
    for (const [name, state] of this.byInterface) {
      if (!wanted.has(name)) this.retire(name, state);
    }
    for (const [name, next] of wanted) this.converge(name, next);
  }

  /**
   * Supervision, called after each interface rescan: sockets whose interface vanished or was
   * re-created (new ifindex), or that failed, are closed and opened again (with backoff when
   * opening fails), and the addresses on them are announced again.
   */
  refresh(): void {
    const all = new Map(this.deps.interfaces().map((i) => [i.name, i]));
    const now = this.deps.clock.now();
    for (const [name, state] of this.byInterface) {
      const info = all.get(name);
      const stale = (socket: PacketSocket | undefined): boolean =>
        socket !== undefined &&
        (info === undefined || (info.index !== undefined && info.index !== socket.ifindex));
      const broken = stale(state.arp) || stale(state.ipv6) || state.failed === true;
      const retryDue = (this.retry.get(name)?.at ?? Infinity) <= now;
      if (!broken && !retryDue) continue;
      if (state.retiring !== undefined) this.deps.clock.clearTimeout(state.retiring);
      state.arp?.close();
      state.ipv6?.close();
      delete state.arp;
      delete state.ipv6;
      state.failed = false;
      bump(this.counters.restarts, name);
      // Forget what this interface owned, so converging re-opens its sockets and re-announces.
      for (const ip of state.v4.keys()) this.stopRepeat(name, `v4:${ip}`);
      for (const key of state.v6.keys()) this.stopRepeat(name, `v6:${key}`);
      this.byInterface.delete(name);
    }
    this.apply(this.desired, this.standby);
  }

  /**
   * Announces owned addresses again (a round now, repeats for 5 s): all of them, or those in
   * `only`. Used when a member dies or comes back: clients may hold a neighbour entry for the
   * address pointing at that member (it announced during a partition, or on a partial view at
   * start, or the client last asked while it answered), and no takeover of ours would correct
   * them. Addresses not owned are never announced.
   */
  reannounce(only?: ReadonlySet<string>): void {
    for (const [name, state] of this.byInterface) {
      for (const [ip, text] of state.v4) if (!only || only.has(text)) this.announce(name, `v4:${ip}`, true);
      for (const [key, owned] of state.v6)
        if (!only || only.has(owned.text)) this.announce(name, `v6:${key}`, true);
    }
  }

  /** Interfaces whose sockets could not be opened and wait for a retry (readiness). */
  failingInterfaces(): string[] {
    return [...this.retry.keys()];
  }

  /** Closes every socket and stops every repeat. */
  stop(): void {
    for (const [name, state] of this.byInterface) this.closeInterface(name, state);
  }

  private converge(name: string, { v4, v6, readyV4, readyV6 }: WantedInterface): void {
    const state: InterfaceState = this.byInterface.get(name) ?? { v4: new Map(), v6: new Map() };
    this.byInterface.set(name, state);
    if (state.retiring !== undefined) {
      this.deps.clock.clearTimeout(state.retiring);
      delete state.retiring;
    }
    const newV4 = [...v4.keys()].filter((ip) => !state.v4.has(ip));
    const newV6 = [...v6.keys()].filter((key) => !state.v6.has(key));
    for (const ip of state.v4.keys()) if (!v4.has(ip)) this.stopRepeat(name, `v4:${ip}`);
    for (const key of state.v6.keys()) if (!v6.has(key)) this.stopRepeat(name, `v6:${key}`);
    state.v4 = v4;
    state.v6 = v6;
    const backoff = this.retry.get(name);
    if (backoff && backoff.at > this.deps.clock.now()) return; // opening failed recently: wait
    try {
      const needArp = v4.size > 0 || readyV4;
      const needIpv6 = v6.size > 0 || readyV6;
      if (needArp && !state.arp)
        state.arp = this.openSocket(name, ETHERTYPE_ARP, (frame) => this.onArp(name, frame));
      if (!needArp && state.arp) {
        state.arp.close();
        delete state.arp;
      }
      if (needIpv6 && !state.ipv6) {
        state.ipv6 = this.openSocket(name, ETHERTYPE_IPV6, (frame) => this.onIpv6(name, frame));
        // Solicitations go to solicited-node multicast groups the kernel has not joined for us.
        state.ipv6.setAllMulticast(true);
      }
      if (!needIpv6 && state.ipv6) {
        state.ipv6.close();
        delete state.ipv6;
      }
      this.retry.delete(name);
    } catch (error) {
      this.deps.onError?.(name, error);
      const failures = (this.retry.get(name)?.failures ?? 0) + 1;
      this.retry.set(name, { failures, at: this.deps.clock.now() + Math.min(30_000, 500 * 2 ** failures) });
    }
    for (const ip of newV4) this.announce(name, `v4:${ip}`);
    for (const key of newV6) this.announce(name, `v6:${key}`);
  }

  private openSocket(name: string, ethertype: number, onFrame: (frame: Buffer) => void): PacketSocket {
    const socket = this.deps.open(name, ethertype);
    socket.start((frame, outgoing) => {
      if (outgoing) bump(this.counters.dropped, 'outgoing');
      else onFrame(frame);
    });
    return socket;
  }

  private onArp(name: string, frame: Buffer): void {
    const state = this.byInterface.get(name);
    const packet = decodeArp(frame);
    if (isDecodeError(packet)) {
      bump(this.counters.dropped, packet.reason);
      return;
    }
    if (packet.operation !== ARP_REQUEST) return;
    const text = state?.v4.get(packet.targetIp);
    if (!state?.arp || text === undefined) {
      bump(this.counters.dropped, 'notOwned');
      return;
    }
    bump(this.counters.requestsReceived, text);
    this.send(name, state.arp, arpReplyTo(packet, state.arp.mac), this.counters.responsesSent, text);
  }

  private onIpv6(name: string, frame: Buffer): void {
    const state = this.byInterface.get(name);
    const message = decodeNeighborMessage(frame);
    if (isDecodeError(message)) {
      // Most IPv6 traffic is not neighbour discovery; only count what claims to be.
      if (message.reason !== 'notIpv6Icmpv6' && message.reason !== 'notNeighborDiscovery')
        bump(this.counters.dropped, message.reason);
      return;
    }
    if (message.type !== ND_NEIGHBOR_SOLICITATION) return;
    const owned = state?.v6.get(Buffer.from(message.target).toString('hex'));
    if (!state?.ipv6 || !owned) {
      bump(this.counters.dropped, 'notOwned');
      return;
    }
    bump(this.counters.requestsReceived, owned.text);
    this.send(
      name,
      state.ipv6,
      advertisementFor(message, state.ipv6.mac),
      this.counters.responsesSent,
      owned.text,
    );
  }

  /** Unsolicited announcement now, then every 1.1 s until 5 s after this (last) trigger. */
  private announce(name: string, key: string, now = false): void {
    const id = `${name}|${key}`;
    const existing = this.repeats.get(id);
    const until = this.deps.clock.now() + REPEAT_FOR_MS;
    if (existing) {
      existing.until = until;
      // A re-announcement answers news (a member died or came back): a round at once, too.
      if (now) this.sendUnsolicited(name, key);
      return;
    }
    const round = (): void => {
      const entry = this.repeats.get(id);
      if (!entry) return;
      this.sendUnsolicited(name, key);
      if (this.deps.clock.now() + REPEAT_MS > entry.until) {
        this.repeats.delete(id);
        return;
      }
      entry.timer = this.deps.clock.setTimeout(round, REPEAT_MS);
    };
    this.repeats.set(id, { until, timer: undefined });
    round();
  }

  private sendUnsolicited(name: string, key: string): void {
    const state = this.byInterface.get(name);
    if (!state) return;
    if (key.startsWith('v4:') && state.arp) {
      const ip = Number(key.slice(3));
      // Only while owned: a node that stopped announcing never sends a gratuitous packet.
      const text = state.v4.get(ip);
      if (text === undefined) return;
      for (const frame of gratuitousArp(ip, state.arp.mac))
        this.send(name, state.arp, frame, this.counters.gratuitousSent, text);
    } else if (key.startsWith('v6:') && state.ipv6) {
      const owned = state.v6.get(key.slice(3));
      if (owned)
        this.send(
          name,
          state.ipv6,
          unsolicitedAdvertisement(owned.bytes, state.ipv6.mac),
          this.counters.gratuitousSent,
          owned.text,
        );
    }
  }

  private send(
    name: string,
    socket: PacketSocket,
    frame: Uint8Array,
    counter: Map<string, number>,
    ip: string,
  ): void {
    try {
      socket.send(frame);
      bump(counter, ip);
    } catch (error) {
      this.deps.onError?.(name, error);
      const state = this.byInterface.get(name);
      if (state) state.failed = true;
    }
  }

  private stopRepeat(name: string, key: string): void {
    const id = `${name}|${key}`;
    const entry = this.repeats.get(id);
    if (entry?.timer !== undefined) this.deps.clock.clearTimeout(entry.timer);
    this.repeats.delete(id);
  }

  /** Stops answering and announcing on the interface now; its sockets close SOCKET_LINGER_MS later. */
  private retire(name: string, state: InterfaceState): void {
    for (const ip of state.v4.keys()) this.stopRepeat(name, `v4:${ip}`);
    for (const key of state.v6.keys()) this.stopRepeat(name, `v6:${key}`);
    state.v4 = new Map();
    state.v6 = new Map();
    state.retiring ??= this.deps.clock.setTimeout(() => {
      if (this.byInterface.get(name) === state) this.closeInterface(name, state);
    }, SOCKET_LINGER_MS);
  }

  private closeInterface(name: string, state: InterfaceState): void {
    if (state.retiring !== undefined) this.deps.clock.clearTimeout(state.retiring);
    for (const ip of state.v4.keys()) this.stopRepeat(name, `v4:${ip}`);
    for (const key of state.v6.keys()) this.stopRepeat(name, `v6:${key}`);
    state.arp?.close();
    state.ipv6?.close();
    this.byInterface.delete(name);
  }
}
