// MembershipTransport on libp2p: TCP + noise + yamux inside a private network (pre-shared key),
// one short stream per SWIM request, and gossipsub to disseminate membership updates.
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
import { mergeContact } from '../core/membership/contact.js';
import type { MemberContact, MembershipTransport, TransportHandlers } from '../ports/membership-transport.js';

export const SWIM_PROTOCOL = '/herald/swim/1.0.0';
export const MEMBERSHIP_TOPIC = 'herald/membership/1';

export interface Libp2pTransportOptions {
  readonly node: string;
  /** `host:port` to listen on. */
  readonly listen: string;
  readonly psk: Uint8Array;
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
  private readonly channels = new Map<string, SwimChannel>();
  private selfContact: MemberContact;

  constructor(private readonly options: Libp2pTransportOptions) {
    this.selfContact = { node: options.node };
  }

  get self(): MemberContact {
    return this.selfContact;
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
        }),
      },
    });
    this.node = node;
    await node.handle(SWIM_PROTOCOL, (stream, connection) => this.serve(stream, connection), {
      runOnLimitedConnection: false,
    });
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
    for (const channel of [...this.channels.values()]) channel.close();
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
      const channel = await this.channelTo(peerId, () =>
        node.dialProtocol(peerId, SWIM_PROTOCOL, { signal: AbortSignal.timeout(timeoutMs) }),
      );
      return await channel.request(request, Math.max(1, deadline - Date.now()));
    } catch {
      return undefined;
    }
  }

  /** The open channel to a peer, or a new one over the stream `open` makes. */
  private async channelTo(peerId: PeerId, open: () => Promise<Stream>): Promise<SwimChannel> {
    const key = peerId.toString();
    const existing = this.channels.get(key);
    if (existing && !existing.closed) return existing;
    const stream = await open();
    const channel = new SwimChannel(stream, undefined, () => {
      if (this.channels.get(key) === channel) this.channels.delete(key);
    });
    this.channels.set(key, channel);
    return channel;
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
    if (!node) return undefined;
    const deadline = Date.now() + timeoutMs;
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      const connection = await node.dial(hostPortToMultiaddr(address), { signal });
      const channel = await this.channelTo(connection.remotePeer, () =>
        connection.newStream(SWIM_PROTOCOL, { signal }),
      );
      const reply = await channel.request(request, Math.max(1, deadline - Date.now()));
      if (reply) this.remember({ node: reply.from, peerId: connection.remotePeer.toString() });
      return reply;
    } catch {
      return undefined;
    }
  }

  async broadcast(update: MemberUpdate): Promise<void> {
    const unique = { ...update, nonce: randomBytes(8).toString('hex') };
    await this.node?.services.pubsub.publish(MEMBERSHIP_TOPIC, encodeMessage(unique)).catch(() => undefined);
  }

  /** An inbound channel: every request on it is answered by the membership actor. */
  private serve(stream: Stream, connection: Connection): void {
    const peerId = connection.remotePeer.toString();
    new SwimChannel(
      stream,
      async (request) => {
        this.remember({ node: request.from, peerId });
        const reply = await this.handlers?.onRequest(request, { node: request.from, peerId });
        return reply ?? { type: 'nack', from: this.options.node, seq: 0 };
      },
      () => undefined,
    );
  }
}
