// What the membership engine needs from the network: request/response to one member, a
// broadcast to all, a way to contact a seed address, and events. Implemented by
// gossip/libp2p-transport.ts and by an in-memory fake in tests.
import type { MemberUpdate, SwimReply, SwimRequest } from '../core/membership/wire.js';

/** How to reach a member: its node name plus whatever the transport learned about it. */
export interface MemberContact {
  readonly node: string;
  readonly peerId?: string | undefined;
  readonly addrs?: readonly string[] | undefined;
}

export interface TransportHandlers {
  /** A request from another member; the reply goes back on the same exchange. */
  onRequest(request: SwimRequest, contact: MemberContact): Promise<SwimReply>;
  /** An update disseminated by some member. */
  onUpdate(update: MemberUpdate): void;
  /** The transport lost its connection to a member (a hint to probe it now, not a verdict). */
  onDisconnected(node: string): void;
  /**
   * The member's host refused a connection (TCP RST to our SYN): it is up, and nothing listens
   * on the member's port, so the member's process is gone. A verdict, unlike a timeout.
   */
  onRefused?(node: string): void;
}

export interface MembershipTransport {
  /** This speaker's contact details, as the others should learn them. */
  readonly self: MemberContact;
  start(handlers: TransportHandlers): Promise<void>;
  stop(): Promise<void>;
  /** Sends a request; undefined when no valid reply came within the timeout. */
  request(to: MemberContact, request: SwimRequest, timeoutMs: number): Promise<SwimReply | undefined>;
  /** Sends a request to a seed address (`host:port`) whose node is not known yet. */
  requestSeed(address: string, request: SwimRequest, timeoutMs: number): Promise<SwimReply | undefined>;
  broadcast(update: MemberUpdate): Promise<void>;
  /** Records how to reach a member (learned from updates or push-pull). */
  remember(contact: MemberContact): void;
}
