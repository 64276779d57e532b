// A simulated network and clock for running the real membership code with many members in one
// process (bench/membership-scale.bench.ts): latency with jitter, random loss per message, cut
// cables, partitions, killed processes; counts every message and its bytes per sender. Messages
// are serialized to JSON (as the libp2p transport does) and parsed again on arrival.
import type { MemberUpdate, SwimReply, SwimRequest } from '../src/core/membership/wire.js';
import type { Clock } from '../src/ports/clock.js';
import type {
  MemberContact,
  MembershipTransport,
  TransportHandlers,
} from '../src/ports/membership-transport.js';

interface Timer {
  readonly at: number;
  readonly seq: number;
  fn: (() => void) | undefined;
}

/** A simulated clock with a binary heap of timers (xstate's SimulatedClock sorts all of them per step). */
export class SimClock implements Clock {
  private time = 0;
  private seq = 0;
  private readonly heap: Timer[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown {
    const timer: Timer = { at: this.time + Math.max(0, timeout), seq: this.seq++, fn: () => fn() };
    this.push(timer);
    return timer;
  }

  clearTimeout(id: unknown): void {
    if (id && typeof id === 'object') (id as Timer).fn = undefined;
  }

  /** Runs every timer due up to `until`, letting promise chains settle after each instant. */
  async runUntil(until: number): Promise<void> {
    for (;;) {
      const next = this.heap[0];
      if (!next || next.at > until) break;
      this.time = Math.max(this.time, next.at);
      for (let head = this.heap[0]; head && head.at <= this.time; head = this.heap[0]) this.pop().fn?.();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.time = Math.max(this.time, until);
  }

  async run(ms: number): Promise<void> {
    await this.runUntil(this.time + ms);
  }

  /** Runs until `check` holds (checked after every instant) or `ms` pass; the time it took, or undefined. */
  async runUntilTrue(check: () => boolean, ms: number, stepMs = 5): Promise<number | undefined> {
    const start = this.time;
    while (this.time - start <= ms) {
      if (check()) return this.time - start;
      await this.runUntil(this.time + stepMs);
    }
    return undefined;
  }

  private less(i: number, j: number): boolean {
    const a = this.heap[i] as Timer;
    const b = this.heap[j] as Timer;
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    const t = h[i] as Timer;
    h[i] = h[j] as Timer;
    h[j] = t;
  }

  private push(timer: Timer): void {
    this.heap.push(timer);
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private pop(): Timer {
    const h = this.heap;
    const top = h[0] as Timer;
    const last = h.pop() as Timer;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(l, m)) m = l;
        if (r < h.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

export interface LinkModel {
  /** One-way latency: base plus a uniform jitter. */
  latencyMs: number;
  jitterMs: number;
  /** Probability that any one packet is lost. */
  loss: number;
  /**
   * What a loss does. `drop`: the message is gone (UDP, as memberlist's probes and gossip).
   * `tcp`: the message arrives one retransmission timeout later, doubled per further loss
   * (Herald's transport: every message rides a TCP connection; Linux's minimum RTO is 200 ms).
   */
  lossModel: 'drop' | 'tcp';
}

/** Linux's minimum TCP retransmission timeout. */
export const TCP_MIN_RTO_MS = 200;

export interface Traffic {
  messages: number;
  bytes: number;
}

export class SimNetwork {
  readonly transports = new Map<string, SimTransport>();
  /** Messages and bytes sent, per sender. */
  readonly sent = new Map<string, Traffic>();
  /** Broadcasts started, per update kind (each costs one message per other member). */
  readonly broadcasts = new Map<string, number>();
  private readonly cut = new Set<string>();
  private readonly frozen = new Set<string>();
  /**
   * Busy processes (event loop stalled) until the given time: requests and updates that arrive
   * wait in the socket. Replies do not: a busy prober's own timers are stalled too, and its
   * request timeout gives the loop one turn to read a waiting reply first (gossip/channel.ts).
   */
  private readonly stalledUntil = new Map<string, number>();
  /** Partition group per node; nodes in different groups cannot talk. Empty: no partition. */
  private group = new Map<string, number>();
  /** Pairs that have exchanged a request (an open connection, whose close the peer notices). */
  private readonly connected = new Map<string, Set<string>>();

  constructor(
    readonly clock: SimClock,
    readonly link: LinkModel,
    private readonly random: () => number,
  ) {}

  transport(node: string): SimTransport {
    const t = new SimTransport(this, node);
    this.transports.set(node, t);
    return t;
  }

  cutCable(node: string): void {
    this.cut.add(node);
  }
  healCable(node: string): void {
    this.cut.delete(node);
  }
  freeze(node: string): void {
    this.frozen.add(node);
  }
  thaw(node: string): void {
    this.frozen.delete(node);
  }
  /** The process is busy for `ms` (GC, CPU starvation): it reads its socket only afterwards. */
  stall(node: string, ms: number): void {
    this.stalledUntil.set(node, Math.max(this.stalledUntil.get(node) ?? 0, this.clock.now() + ms));
  }
  partition(groups: readonly (readonly string[])[]): void {
    this.group = new Map(groups.flatMap((g, i) => g.map((n) => [n, i] as const)));
  }
  heal(): void {
    this.group = new Map();
  }

  /** SIGKILL: the process is gone; peers with a connection to it are told (the kernel's RST). */
  kill(node: string): void {
    const t = this.transports.get(node);
    if (!t) return;
    t.handlers = undefined;
    for (const peer of this.connected.get(node) ?? []) {
      const other = this.transports.get(peer);
      if (other && this.linkUp(node, peer)) other.handlers?.onDisconnected(node);
    }
  }

  resetTraffic(): void {
    this.sent.clear();
    this.broadcasts.clear();
  }

  count(from: string, bytes: number): void {
    const t = this.sent.get(from);
    if (t) {
      t.messages += 1;
      t.bytes += bytes;
    } else this.sent.set(from, { messages: 1, bytes });
  }

  connect(a: string, b: string): void {
    for (const [x, y] of [
      [a, b],
      [b, a],
    ] as const) {
      const set = this.connected.get(x);
      if (set) set.add(y);
      else this.connected.set(x, new Set([y]));
    }
  }

  /** The wire between two hosts works (no cut cable, same side of any partition). */
  linkUp(from: string, to: string): boolean {
    if (this.cut.has(from) || this.cut.has(to)) return false;
    return this.group.size === 0 || this.group.get(from) === this.group.get(to);
  }

  reachable(from: string, to: string): boolean {
    return this.linkUp(from, to) && !this.frozen.has(to) && this.transports.get(to)?.handlers !== undefined;
  }

  refuses(from: string, to: string): boolean {
    return this.linkUp(from, to) && this.transports.get(to)?.handlers === undefined;
  }

  /** Runs `fn` after one message's latency, unless the message is lost; later if `to` is busy. */
  deliver(fn: () => void, to?: string): void {
    let delay = this.link.latencyMs + this.random() * this.link.jitterMs;
    if (this.link.loss > 0) {
      if (this.link.lossModel === 'drop') {
        if (this.random() < this.link.loss) return;
      } else {
        for (let rto = TCP_MIN_RTO_MS; this.random() < this.link.loss; rto *= 2) delay += rto;
      }
    }
    const arrive = (): void => {
      const busy = to === undefined ? 0 : (this.stalledUntil.get(to) ?? 0) - this.clock.now();
      if (busy > 0) this.clock.setTimeout(arrive, busy);
      else fn();
    };
    this.clock.setTimeout(arrive, delay);
  }
}

export class SimTransport implements MembershipTransport {
  handlers: TransportHandlers | undefined;
  readonly self: MemberContact;

  constructor(
    private readonly network: SimNetwork,
    readonly node: string,
  ) {
    this.self = { node, peerId: `peer-${node}`, addrs: [`/sim/${node}`] };
  }

  start(handlers: TransportHandlers): Promise<void> {
    this.handlers = handlers;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.network.kill(this.node);
    return Promise.resolve();
  }

  remember(): void {}

  request(to: MemberContact, request: SwimRequest, timeoutMs: number): Promise<SwimReply | undefined> {
    return this.send(to.node, request, timeoutMs);
  }

  requestSeed(address: string, request: SwimRequest, timeoutMs: number): Promise<SwimReply | undefined> {
    if (address === this.node) return Promise.resolve(undefined);
    return this.send(address, request, timeoutMs);
  }

  broadcast(update: MemberUpdate): Promise<void> {
    if (!this.handlers) return Promise.resolve();
    const text = JSON.stringify(update);
    const net = this.network;
    net.broadcasts.set(update.kind, (net.broadcasts.get(update.kind) ?? 0) + 1);
    for (const [name, other] of net.transports) {
      if (name === this.node) continue;
      net.count(this.node, text.length);
      net.deliver(() => {
        if (net.reachable(this.node, name)) other.handlers?.onUpdate(JSON.parse(text) as MemberUpdate);
      }, name);
    }
    return Promise.resolve();
  }

  private send(to: string, request: SwimRequest, timeoutMs: number): Promise<SwimReply | undefined> {
    const net = this.network;
    const from = this.node;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (reply: SwimReply | undefined): void => {
        if (settled) return;
        settled = true;
        net.clock.clearTimeout(timer);
        resolve(reply);
      };
      const timer = net.clock.setTimeout(() => finish(undefined), timeoutMs);
      if (!this.handlers) return;
      if (net.refuses(from, to)) {
        // connection refused: the process is gone, the kernel says so within a round trip
        net.clock.setTimeout(() => {
          this.handlers?.onRefused?.(to);
          finish(undefined);
        }, 2 * net.link.latencyMs);
        return;
      }
      const text = JSON.stringify(request);
      net.count(from, text.length);
      net.deliver(() => {
        if (!net.reachable(from, to)) return;
        net.connect(from, to);
        const target = net.transports.get(to);
        void target?.handlers?.onRequest(JSON.parse(text) as SwimRequest, this.self).then((reply) => {
          const back = JSON.stringify(reply);
          net.count(to, back.length);
          net.deliver(() => {
            if (net.reachable(to, from)) finish(JSON.parse(back) as SwimReply);
          });
        });
      }, to);
    });
  }
}
