// An in-memory network for membership tests: every node's transport, with latency, cables that
// can be cut, and processes that can be killed, all on one injected clock.
import type { MemberUpdate, SwimReply, SwimRequest } from '../../src/core/membership/wire.js';
import type { Clock } from '../../src/ports/clock.js';
import type {
  MemberContact,
  MembershipTransport,
  TransportHandlers,
} from '../../src/ports/membership-transport.js';

export class MemoryNetwork {
  readonly transports = new Map<string, MemoryTransport>();
  private readonly cut = new Set<string>();
  /** Links that drop everything between two nodes, in both directions. */
  private readonly blocked = new Set<string>();
  /** Frozen nodes receive nothing and answer nothing, but keep their connections (SIGSTOP). */
  private readonly frozen = new Set<string>();

  constructor(
    readonly clock: Clock,
    readonly latencyMs = 1,
  ) {}

  transport(node: string): MemoryTransport {
    const t = new MemoryTransport(this, node);
    this.transports.set(node, t);
    return t;
  }

  /** Pulls a node's cable: nothing in or out, no connection-close events anywhere. */
  cutCable(node: string): void {
    this.cut.add(node);
  }

  healCable(node: string): void {
    this.cut.delete(node);
  }

  blockLink(a: string, b: string): void {
    this.blocked.add([a, b].sort().join('|'));
  }

  freeze(node: string): void {
    this.frozen.add(node);
  }

  thaw(node: string): void {
    this.frozen.delete(node);
  }

  /** SIGKILL: the process is gone; the kernel closes its TCP connections, so peers notice. */
  kill(node: string): void {
    const t = this.transports.get(node);
    if (!t) return;
    t.handlers = undefined;
    for (const other of this.transports.values()) if (other !== t) other.handlers?.onDisconnected(node);
  }

  reachable(from: string, to: string): boolean {
    const target = this.transports.get(to);
    return (
      !this.cut.has(from) &&
      !this.cut.has(to) &&
      !this.frozen.has(to) &&
      !this.blocked.has([from, to].sort().join('|')) &&
      target?.handlers !== undefined
    );
  }

  /** The cables and links between two hosts carry packets (whatever their processes do). */
  linked(from: string, to: string): boolean {
    return !this.cut.has(from) && !this.cut.has(to) && !this.blocked.has([from, to].sort().join('|'));
  }

  /** The target's host is up but its process is gone (killed or stopped). */
  refuses(from: string, to: string): boolean {
    const target = this.transports.get(to);
    return !this.cut.has(from) && !this.cut.has(to) && target !== undefined && target.handlers === undefined;
  }

  deliverLater<T>(fn: () => T): Promise<T> {
    return new Promise((resolve) => this.clock.setTimeout(() => resolve(fn()), this.latencyMs));
  }
}

export class MemoryTransport implements MembershipTransport {
  handlers: TransportHandlers | undefined;
  readonly self: MemberContact;
  readonly remembered = new Map<string, MemberContact>();

  constructor(
    private readonly network: MemoryNetwork,
    readonly node: string,
  ) {
    this.self = { node, peerId: `peer-${node}`, addrs: [`mem://${node}`] };
  }

  start(handlers: TransportHandlers): Promise<void> {
    this.handlers = handlers;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.network.kill(this.node);
    return Promise.resolve();
  }

  remember(contact: MemberContact): void {
    this.remembered.set(contact.node, contact);
  }

  request(to: MemberContact, request: SwimRequest, timeoutMs: number): Promise<SwimReply | undefined> {
    return this.send(to.node, request, timeoutMs);
  }

  requestSeed(address: string, request: SwimRequest, timeoutMs: number): Promise<SwimReply | undefined> {
    // As the libp2p transport does: a seed list naming this member costs no request to itself.
    if (address === this.node) return Promise.resolve(undefined);
    return this.send(address, request, timeoutMs);
  }

  broadcast(update: MemberUpdate): Promise<void> {
    for (const [name, other] of this.network.transports) {
      if (name === this.node) continue;
      void this.network.deliverLater(() => {
        if (this.network.reachable(this.node, name)) other.handlers?.onUpdate(structuredClone(update));
      });
    }
    return Promise.resolve();
  }

  private send(to: string, request: SwimRequest, timeoutMs: number): Promise<SwimReply | undefined> {
    const { clock } = this.network;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (reply: SwimReply | undefined): void => {
        if (settled) return;
        settled = true;
        resolve(reply);
      };
      clock.setTimeout(() => finish(undefined), timeoutMs);
      void this.network.deliverLater(async () => {
        if (!this.handlers) return;
        if (this.network.refuses(this.node, to)) {
          // connection refused: the process is gone, the kernel says so at once
          this.handlers.onRefused?.(to);
          finish(undefined);
          return;
        }
        if (!this.network.reachable(this.node, to)) return;
        const target = this.network.transports.get(to);
        const reply = await target?.handlers?.onRequest(structuredClone(request), this.self);
        if (reply === undefined) return;
        await this.network.deliverLater(() => {
          if (this.network.reachable(to, this.node)) finish(structuredClone(reply));
        });
      });
    });
  }
}
