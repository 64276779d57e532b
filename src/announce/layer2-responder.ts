// Answers ARP and NDP for the addresses this node announces, on the allowed interfaces, and
// sends unsolicited announcements on takeover: at once, then every 1.1 s until 5 s after the
// last trigger (behaviour.md §3; paced by unsolicited-rounds.ts when thousands start at once).
// Implements the Layer2Announcer port by converging: each apply() is the whole desired set, and
// only the services that changed are looked at (the port's `changed` hint, or identity). Sockets
// open and close as interfaces gain or lose work, and stay open, idle, on the interfaces where
// this node stands by to take an address over: opening an AF_PACKET socket takes 8-20 ms here
// and closing one 16-32 ms (the kernel waits for an RCU grace period), which a takeover would
// otherwise spend before its first gratuitous ARP.
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
import { UnsolicitedRounds } from './unsolicited-rounds.js';

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
  /** The sockets were re-opened: every owned address gets a fresh announcement once they are. */
  reannounceAll?: boolean;
  /** Owned addresses on this interface: IPv4 as numbers, IPv6 as hex of the 16 bytes. */
  readonly v4: Map<number, string>;
  readonly v6: Map<string, { text: string; bytes: Uint8Array }>;
  /** Per owned address (`v4:…`, `v6:…`): how many applied announcements hold it (IPs can be shared). */
  readonly holders: Map<string, number>;
}

/** An address as the sockets' tables key it, with the key of its announcement schedule. */
type OwnedAddress =
  | { readonly family: 4; readonly key: string; readonly text: string; readonly value: number }
  | {
      readonly family: 6;
      readonly key: string;
      readonly text: string;
      readonly hex: string;
      readonly bytes: Uint8Array;
    };

/** What one applied announcement put in the tables: its addresses on these interfaces. */
interface Applied {
  readonly announcement: Layer2Announcement;
  readonly interfaces: readonly string[];
  readonly addresses: readonly OwnedAddress[];
}

function parseAddress(text: string): OwnedAddress | null {
  const ip = parseIp(text);
  if (ip?.family === 4) return { family: 4, key: `v4:${ip.value}`, text, value: Number(ip.value) };
  if (ip?.family === 6) {
    const bytes = Buffer.from(ip.value.toString(16).padStart(32, '0'), 'hex');
    const hex = bytes.toString('hex');
    return { family: 6, key: `v6:${hex}`, text, hex, bytes };
  }
  return null;
}

/** What decides which interfaces an announcement resolves to (a change re-resolves them all). */
const interfacesSignature = (all: readonly InterfaceInfo[]): string => announceInterfaces(all, []).join('\n');

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
   * Per service, what its announcement put in the tables. An apply only looks at the services
   * that changed (the `changed` hint, or an identity check: an unchanged announcement is the same
   * object): the leadership actor applies after each slice of a big election, and walking,
   * parsing and re-tabling 10,000 announcements each time was most of those turns.
   */
  private readonly applied = new Map<string, Applied>();
  /** The usable interfaces the applied announcements were resolved against. */
  private signature: string | undefined;
  private readonly rounds: UnsolicitedRounds;

  constructor(private readonly deps: ResponderDeps) {
    this.rounds = new UnsolicitedRounds(deps.clock, (id) => this.sendUnsolicited(id));
  }

  apply(
    desired: ReadonlyMap<string, Layer2Announcement>,
    standby: readonly Layer2Standby[] = [],
    changed?: ReadonlySet<string>,
  ): void {
    this.desired = desired;
    this.standby = standby;
    this.rounds.beginTurn();
    const all = this.deps.interfaces();
    const signature = interfacesSignature(all);
    const reresolve = signature !== this.signature;
    this.signature = signature;
    const keys: Iterable<string> =
      changed && !reresolve ? changed : new Set([...desired.keys(), ...this.applied.keys()]);
    const resolved = new Map<string, string[]>();
    const resolve = (allowed: readonly string[]): string[] => {
      const key = allowed.join('\n');
      let names = resolved.get(key);
      if (!names) resolved.set(key, (names = announceInterfaces(all, allowed)));
      return names;
    };
    // New holders first, then released ones: an address that moves between services (or stays
    // in a replaced announcement) is never dropped and re-announced on the way.
    const gained = new Map<string, Map<string, OwnedAddress>>();
    const released: Applied[] = [];
    for (const service of keys) {
      const next = desired.get(service);
      const before = this.applied.get(service);
      if (before?.announcement === next && !reresolve) continue;
      if (before) released.push(before);
      if (!next) {
        this.applied.delete(service);
        continue;
      }
      const entry: Applied = {
        announcement: next,
        interfaces: resolve(next.interfaces),
        addresses:
          before?.announcement === next
            ? before.addresses
            : next.ips.map(parseAddress).filter((ip): ip is OwnedAddress => ip !== null),
      };
      this.applied.set(service, entry);
      for (const name of entry.interfaces)
        for (const address of entry.addresses) this.hold(name, address, gained);
    }
    for (const before of released)
      for (const name of before.interfaces)
        for (const address of before.addresses) this.release(name, address, gained);

    const ready = new Map<string, { v4: boolean; v6: boolean }>();
    for (const wanted of standby) {
      for (const name of resolve(wanted.interfaces)) {
        const entry = ready.get(name) ?? { v4: false, v6: false };
        entry.v4 ||= wanted.v4;
        entry.v6 ||= wanted.v6;
        ready.set(name, entry);
      }
    }
    for (const name of ready.keys()) if (!this.byInterface.has(name)) this.stateFor(name);
    for (const [name, state] of this.byInterface)
      this.converge(name, state, ready.get(name), gained.get(name));
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
      state.arp?.close();
      state.ipv6?.close();
      delete state.arp;
      delete state.ipv6;
      state.failed = false;
      bump(this.counters.restarts, name);
      // Converging re-opens the sockets and announces everything owned here afresh.
      this.stopRounds(name, state);
      state.reannounceAll = true;
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
    this.rounds.beginTurn();
    for (const [name, state] of this.byInterface) {
      for (const [ip, text] of state.v4)
        if (!only || only.has(text)) this.rounds.trigger(`${name}|v4:${ip}`, true);
      for (const [hex, owned] of state.v6)
        if (!only || only.has(owned.text)) this.rounds.trigger(`${name}|v6:${hex}`, true);
    }
  }

  /** Interfaces whose sockets could not be opened and wait for a retry (readiness). */
  failingInterfaces(): string[] {
    return [...this.retry.keys()];
  }

  /** Closes every socket and stops every announcement. */
  stop(): void {
    this.rounds.clear();
    for (const [name, state] of this.byInterface) this.closeInterface(name, state);
    this.applied.clear();
    this.signature = undefined;
  }

  private stateFor(name: string): InterfaceState {
    let state = this.byInterface.get(name);
    if (!state) {
      state = { v4: new Map(), v6: new Map(), holders: new Map() };
      this.byInterface.set(name, state);
    }
    return state;
  }

  /** One more announcement holds `address` on `name`; a first holder makes it owned (and new). */
  private hold(name: string, address: OwnedAddress, gained: Map<string, Map<string, OwnedAddress>>): void {
    const state = this.stateFor(name);
    const holders = state.holders.get(address.key) ?? 0;
    state.holders.set(address.key, holders + 1);
    if (holders > 0) return;
    if (address.family === 4) state.v4.set(address.value, address.text);
    else state.v6.set(address.hex, { text: address.text, bytes: address.bytes });
    const onInterface = gained.get(name) ?? new Map<string, OwnedAddress>();
    onInterface.set(address.key, address);
    gained.set(name, onInterface);
  }

  /** One announcement less holds `address` on `name`; the last one leaving stops answering for it. */
  private release(name: string, address: OwnedAddress, gained: Map<string, Map<string, OwnedAddress>>): void {
    const state = this.byInterface.get(name);
    const holders = state?.holders.get(address.key);
    if (!state || holders === undefined) return;
    if (holders > 1) {
      state.holders.set(address.key, holders - 1);
      return;
    }
    state.holders.delete(address.key);
    if (address.family === 4) state.v4.delete(address.value);
    else state.v6.delete(address.hex);
    gained.get(name)?.delete(address.key);
    this.rounds.stop(`${name}|${address.key}`);
  }

  private converge(
    name: string,
    state: InterfaceState,
    ready: { v4: boolean; v6: boolean } | undefined,
    gained: ReadonlyMap<string, OwnedAddress> | undefined,
  ): void {
    const needArp = state.v4.size > 0 || ready?.v4 === true;
    const needIpv6 = state.v6.size > 0 || ready?.v6 === true;
    if (!needArp && !needIpv6) {
      this.retire(name, state);
      return;
    }
    if (state.retiring !== undefined) {
      this.deps.clock.clearTimeout(state.retiring);
      delete state.retiring;
    }
    const backoff = this.retry.get(name);
    if (backoff && backoff.at > this.deps.clock.now()) return; // opening failed recently: wait
    try {
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
    if (state.reannounceAll) {
      delete state.reannounceAll;
      for (const key of state.holders.keys()) this.rounds.trigger(`${name}|${key}`);
    } else if (gained) for (const key of gained.keys()) this.rounds.trigger(`${name}|${key}`);
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

  /** One round for `interface|v4:…` or `interface|v6:…`, while the address is owned there. */
  private sendUnsolicited(id: string): void {
    const split = id.lastIndexOf('|');
    const name = id.slice(0, split);
    const key = id.slice(split + 1);
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

  private stopRounds(name: string, state: InterfaceState): void {
    for (const key of state.holders.keys()) this.rounds.stop(`${name}|${key}`);
  }

  /** No work left on the interface (it answers for nothing now): its sockets close SOCKET_LINGER_MS later. */
  private retire(name: string, state: InterfaceState): void {
    state.retiring ??= this.deps.clock.setTimeout(() => {
      if (this.byInterface.get(name) === state) this.closeInterface(name, state);
    }, SOCKET_LINGER_MS);
  }

  private closeInterface(name: string, state: InterfaceState): void {
    if (state.retiring !== undefined) this.deps.clock.clearTimeout(state.retiring);
    this.stopRounds(name, state);
    state.arp?.close();
    state.ipv6?.close();
    this.byInterface.delete(name);
  }
}
