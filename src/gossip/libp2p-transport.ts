// MembershipTransport on libp2p: TCP + noise + yamux inside a private network (pre-shared key),
// one long-lived two-way stream per peer for SWIM requests (gossip/channel.ts), and gossipsub to
// disseminate membership updates.
//
// Connecting (TCP, the private-network handshake, noise, yamux, protocol negotiation) is slower
// than a probe timeout on a busy machine, above all with a process that is still starting. So a
// request waits for a channel only until its own deadline, while the connection attempt runs on
// for CONNECT_TIMEOUT_MS and is shared by every request to that peer: the next probe finds it
// ready instead of starting (and abandoning) a handshake of its own.
import { gossipsub, StrictNoSign, type GossipSub } from '@libp2p/gossipsub';
import { createHash, randomBytes } from 'node:crypto';
import { identify } from '@libp2p/identify';
import { noise } from '@libp2p/noise';
import { preSharedKey } from '@libp2p/pnet';
import { peerIdFromString } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import {
  decodeMessage,
  encodeMessage,
  memberUpdate,
  type MemberUpdate,
  type SwimReply,
  type SwimRequest,
} from '../core/membership/wire.js';
import { SwimChannel } from './channel.js';
import { within } from './deadline.js';
import { mergeContact } from '../core/membership/contact.js';
import type { MemberContact, MembershipTransport, TransportHandlers } from '../ports/membership-transport.js';

export const SWIM_PROTOCOL = '/herald/swim/1.0.0';
/** How long a connection or stream attempt may run on after the request that started it gave up. */
export const CONNECT_TIMEOUT_MS = 5000;
export const MEMBERSHIP_TOPIC = 'herald/membership/1';

export interface Libp2pTransportOptions {
  readonly node: string;
  /** `host:port` to listen on. */
  readonly listen: string;
  readonly psk: Uint8Array;
}

/** A dial refused by the remote kernel (every address tried answered with a RST). */
export function isRefused(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (code === 'ECONNREFUSED') return true;
  return Array.isArray(errors) && errors.length > 0 && errors.every((e) => isRefused(e));
}

/** `10.0.0.1:7946` or `[fd00::1]:7946` → a TCP multiaddr. */
export function hostPortToMultiaddr(address: string): Multiaddr {
  const match = /^\[?([^\]]+?)\]?:(\d+)$/.exec(address.trim());
  if (!match) throw new Error(`invalid address "${address}": expected host:port`);
  const [, host = '', port = ''] = match;
  const proto = host.includes(':') ? 'ip6' : /^[\d.]+$/.test(host) ? 'ip4' : 'dns';
  return multiaddr(`/${proto}/${host}/tcp/${port}`);
}

export class Libp2pTransport implements MembershipTransport {
  private node: Libp2p<{ pubsub: GossipSub }> | undefined;
  private handlers: TransportHandlers | undefined;
  private readonly contacts = new Map<string, MemberContact>();
  private readonly nodeByPeer = new Map<string, string>();
  private readonly taught = new Map<string, string>();
  /** Open channels per remote peer id, oldest first: ours and the ones the peer opened. */
  private readonly channels = new Map<string, SwimChannel[]>();
  /** A channel being opened per peer id, shared by every request that needs it meanwhile. */
  private readonly opening = new Map<string, Promise<SwimChannel>>();
  /** A connection being dialed per seed address, and the peer that last answered there. */
  private readonly seedDials = new Map<string, Promise<Connection>>();
  private readonly seedPeers = new Map<string, string>();
  private selfContact: MemberContact;

  constructor(private readonly options: Libp2pTransportOptions) {
    this.selfContact = { node: options.node };
  }

  get self(): MemberContact {
    return this.selfContact;
  }

  /** Open SWIM channels, whoever opened them (diagnostics and tests). */
  get openChannels(): number {
    let n = 0;
    for (const list of this.channels.values()) n += list.filter((c) => !c.closed).length;
    return n;
  }

  async start(handlers: TransportHandlers): Promise<void> {
    this.handlers = handlers;
    const node = await createLibp2p({
      addresses: { listen: [hostPortToMultiaddr(this.options.listen).toString()] },
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionProtector: preSharedKey({ psk: this.options.psk }),
      services: {
        identify: identify(),
        // Peers are authenticated by the private network and noise; per-message signatures
        // would only cost CPU (ed25519 verification was the top item in a profile).
        pubsub: gossipsub({
          emitSelf: false,
          allowPublishToZeroTopicPeers: true,
          floodPublish: true,
          globalSignaturePolicy: StrictNoSign,
          msgIdFn: (message) => createHash('sha256').update(message.data).digest(),
          // gossipsub's peer score penalises many peer ids from one IP (IP colocation), and
          // retains scores for an hour: a speaker restarted 15 times (a new peer id each start)
          // was graylisted by the others, its broadcasts — its leave too — ignored. Speakers of
          // one cluster are admitted by the private network key; an address they share is a
          // restart, not a Sybil attack.
          scoreParams: { IPColocationFactorWeight: 0 },
        }),
      },
    });
    this.node = node;
    await node.handle(
      SWIM_PROTOCOL,
      (stream, connection) => {
        this.adopt(connection.remotePeer, stream);
      },
      { runOnLimitedConnection: false },
    );
    node.services.pubsub.subscribe(MEMBERSHIP_TOPIC);
    node.services.pubsub.addEventListener('message', (event) => {
      if (event.detail.topic !== MEMBERSHIP_TOPIC) return;
      const update = decodeMessage(memberUpdate, event.detail.data);
      if (!(update instanceof Error)) this.handlers?.onUpdate(update);
    });
    node.addEventListener('peer:disconnect', (event) => {
      const name = this.nodeByPeer.get(event.detail.toString());
      if (name !== undefined) this.handlers?.onDisconnected(name);
    });
    this.selfContact = {
      node: this.options.node,
      peerId: node.peerId.toString(),
      addrs: node.getMultiaddrs().map((a) => a.decapsulateCode(421).toString()),
    };
  }

  async stop(): Promise<void> {
    for (const list of [...this.channels.values()]) for (const channel of [...list]) channel.close();
    const node = this.node;
    this.node = undefined;
    await node?.stop();
  }

  remember(contact: MemberContact): void {
    if (contact.node === this.options.node) return;
    const known = this.contacts.get(contact.node);
    const merged = known ? mergeContact(known, contact) : contact;
    this.contacts.set(contact.node, merged);
    if (merged.peerId) this.nodeByPeer.set(merged.peerId, merged.node);
  }

  async request(to: MemberContact, request: SwimRequest, timeoutMs: number): Promise<SwimReply | undefined> {
    const node = this.node;
    const known = this.contacts.get(to.node);
    const contact = known ? mergeContact(known, to) : to;
    if (!node || !contact.peerId) return undefined;
    const deadline = Date.now() + timeoutMs;
    try {
      const peerId = peerIdFromString(contact.peerId);
      await this.teachAddresses(node, contact);
      // A channel closed under a pending request (a stream reset, a duplicate connection from
      // simultaneous dials being pruned) is not the member's silence: try once more in time left.
      for (let attempt = 0; ; attempt++) {
        const channel = await within(this.channelTo(node, peerId), deadline - Date.now());
        if (!channel) return undefined;
        const reply = await channel.request(request, Math.max(1, deadline - Date.now()));
        if (reply || !channel.closed || attempt >= 1 || Date.now() >= deadline) return reply;
      }
    } catch {
      return undefined;
    }
  }

  /** An open channel to the peer (whoever opened it), else the one being opened, else a new one. */
  private channelTo(node: Libp2p, peerId: PeerId): Promise<SwimChannel> {
    const key = peerId.toString();
    const open = this.openChannel(key);
    if (open) return Promise.resolve(open);
    const pending = this.opening.get(key);
    if (pending) return pending;
    const opening = node
      .dialProtocol(peerId, SWIM_PROTOCOL, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) })
      .then((stream) => this.adopt(peerId, stream))
      .finally(() => this.opening.delete(key));
    opening.catch((error: unknown) => {
      const name = this.nodeByPeer.get(key);
      if (name !== undefined && isRefused(error)) this.handlers?.onRefused?.(name);
    });
    this.opening.set(key, opening);
    return opening;
  }

  private openChannel(key: string): SwimChannel | undefined {
    return this.channels.get(key)?.find((c) => !c.closed);
  }

  /** A stream to a peer, opened by either side, becomes a channel both sides send requests on. */
  private adopt(peerId: PeerId, stream: Stream): SwimChannel {
    const key = peerId.toString();
    const channel: SwimChannel = new SwimChannel(
      stream,
      (request) => this.answer(request, key),
      () => {
        const rest = (this.channels.get(key) ?? []).filter((c) => c !== channel);
        if (rest.length > 0) this.channels.set(key, rest);
        else this.channels.delete(key);
      },
    );
    if (!channel.closed) this.channels.set(key, [...(this.channels.get(key) ?? []), channel]);
    return channel;
  }

  /** A request from a peer: answered by the membership actor. */
  private async answer(request: SwimRequest, peerId: string): Promise<SwimReply> {
    this.remember({ node: request.from, peerId });
    const reply = await this.handlers?.onRequest(request, { node: request.from, peerId });
    return reply ?? { type: 'nack', from: this.options.node, seq: 0 };
  }

  /** Puts a member's addresses in the peer store once per change (a store write is not free). */
  private async teachAddresses(node: Libp2p, contact: MemberContact): Promise<void> {
    if (!contact.peerId || !contact.addrs || contact.addrs.length === 0) return;
    const key = contact.addrs.join(',');
    if (this.taught.get(contact.peerId) === key) return;
    await node.peerStore.merge(peerIdFromString(contact.peerId), {
      multiaddrs: contact.addrs.map((a) => multiaddr(a)),
    });
    this.taught.set(contact.peerId, key);
  }

  async requestSeed(
    address: string,
    request: SwimRequest,
    timeoutMs: number,
  ): Promise<SwimReply | undefined> {
    const node = this.node;
    if (!node || this.isOwnAddress(address)) return undefined;
    const deadline = Date.now() + timeoutMs;
    try {
      const known = this.seedPeers.get(address);
      let channel = known === undefined ? undefined : this.openChannel(known);
      if (!channel) {
        const connection = await within(this.dialSeed(node, address), deadline - Date.now());
        if (!connection) return undefined;
        channel = await within(this.channelTo(node, connection.remotePeer), deadline - Date.now());
        if (!channel) return undefined;
        this.seedPeers.set(address, connection.remotePeer.toString());
      }
      const reply = await channel.request(request, Math.max(1, deadline - Date.now()));
      const peerId = this.seedPeers.get(address);
      if (reply && peerId !== undefined) this.remember({ node: reply.from, peerId });
      return reply;
    } catch {
      return undefined;
    }
  }

  /** A connection to a seed address, shared by every request to it while it is being made. */
  private dialSeed(node: Libp2p, address: string): Promise<Connection> {
    const pending = this.seedDials.get(address);
    if (pending) return pending;
    const dialing = node
      .dial(hostPortToMultiaddr(address), { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) })
      .finally(() => this.seedDials.delete(address));
    dialing.catch(() => undefined);
    this.seedDials.set(address, dialing);
    return dialing;
  }

  /** Seed lists usually name every member, this one included: dialing ourselves is wasted work. */
  private isOwnAddress(address: string): boolean {
    try {
      return hostPortToMultiaddr(address).equals(hostPortToMultiaddr(this.options.listen));
    } catch {
      return false;
    }
  }

  async broadcast(update: MemberUpdate): Promise<void> {
    const unique = { ...update, nonce: randomBytes(8).toString('hex') };
    await this.node?.services.pubsub.publish(MEMBERSHIP_TOPIC, encodeMessage(unique)).catch(() => undefined);
  }
}
