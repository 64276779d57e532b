// What the liveness actor needs from the network: datagrams to named peers, datagrams from
// anyone, and word when a peer's host refused one (ICMP port unreachable on a connected UDP
// socket: the host is up and nothing listens, so the peer's process is gone). Implemented by
// gossip/liveness-udp.ts and by fakes in tests.

export interface LivenessPeerAddress {
  readonly node: string;
  readonly address: string;
  readonly port: number;
}

export interface LivenessSocketHandlers {
  received(data: Uint8Array): void;
  refused(node: string): void;
}

export interface LivenessSocket {
  start(handlers: LivenessSocketHandlers): Promise<void>;
  /** The peers to send to from now on (sockets of peers no longer listed are closed). */
  peers(list: readonly LivenessPeerAddress[]): void;
  send(node: string, data: Uint8Array): void;
  stop(): void;
}
