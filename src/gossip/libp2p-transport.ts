// MembershipTransport on libp2p: TCP + noise + yamux inside a private network (pre-shared key),
// one short stream per SWIM request, and gossipsub to disseminate membership updates.
import { gossipsub, type GossipSub } from '@libp2p/gossipsub';
import { identify } from '@libp2p/identify';
import { noise } from '@libp2p/noise';
import { preSharedKey } from '@libp2p/pnet';
import { peerIdFromString } from '@libp2p/peer-id';
import { tcp } from '@libp2p/tcp';
import { yamux } from '@libp2p/yamux';
import type { Connection, Libp2p, Stream } from '@libp2p/interface';
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import {
  decodeMessage,
  encodeMessage,
  memberUpdate,
  swimReply,
  swimRequest,
  type MemberUpdate,
  type SwimReply,
  type SwimRequest,
} from '../core/membership/wire.js';
import { mergeContact } from '../core/membership/contact.js';
import type { MemberContact, MembershipTransport, TransportHandlers } from '../ports/membership-transport.js';

export const SWIM_PROTOCOL = '/herald/swim/1.0.0';
export const MEMBERSHIP_TOPIC = 'herald/membership/1';
const MAX_MESSAGE_BYTES = 1 << 20;

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

async function readAll(stream: Stream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray();
    size += bytes.length;
    if (size > MAX_MESSAGE_BYTES) throw new Error('membership message too large');
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
}

export class Libp2pTransport implements MembershipTransport {
  private node: Libp2p<{ pubsub: GossipSub }> | undefined;
  private handlers: TransportHandlers | undefined;
  private readonly contacts = new Map<string, MemberContact>();
  private readonly nodeByPeer = new Map<string, string>();
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
        pubsub: gossipsub({ emitSelf: false, allowPublishToZeroTopicPeers: true, floodPublish: true }),
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
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const peerId = peerIdFromString(contact.peerId);
      if (contact.addrs && contact.addrs.length > 0) {
        await node.peerStore.merge(peerId, { multiaddrs: contact.addrs.map((a) => multiaddr(a)) });
      }
      const stream = await node.dialProtocol(peerId, SWIM_PROTOCOL, { signal });
      return await this.exchange(stream, request, signal);
    } catch {
      return undefined;
    }
  }

  async requestSeed(
    address: string,
    request: SwimRequest,
    timeoutMs: number,
  ): Promise<SwimReply | undefined> {
    const node = this.node;
    if (!node) return undefined;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const connection = await node.dial(hostPortToMultiaddr(address), { signal });
      const stream = await connection.newStream(SWIM_PROTOCOL, { signal });
      const reply = await this.exchange(stream, request, signal);
      if (reply) this.remember({ node: reply.from, peerId: connection.remotePeer.toString() });
      return reply;
    } catch {
      return undefined;
    }
  }

  async broadcast(update: MemberUpdate): Promise<void> {
    await this.node?.services.pubsub.publish(MEMBERSHIP_TOPIC, encodeMessage(update)).catch(() => undefined);
  }

  private async exchange(
    stream: Stream,
    request: SwimRequest,
    signal: AbortSignal,
  ): Promise<SwimReply | undefined> {
    const onAbort = (): void => stream.abort(new Error('membership request timed out'));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      stream.send(encodeMessage(request));
      await stream.close({ signal });
      const reply = decodeMessage(swimReply, await readAll(stream));
      return reply instanceof Error ? undefined : reply;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  private async serve(stream: Stream, connection: Connection): Promise<void> {
    try {
      const request = decodeMessage(swimRequest, await readAll(stream));
      if (request instanceof Error || !this.handlers) {
        stream.abort(new Error('bad membership request'));
        return;
      }
      const peerId = connection.remotePeer.toString();
      this.remember({ node: request.from, peerId });
      const reply = await this.handlers.onRequest(request, { node: request.from, peerId });
      stream.send(encodeMessage(reply));
      await stream.close();
    } catch (e) {
      stream.abort(e instanceof Error ? e : new Error(String(e)));
    }
  }
}
