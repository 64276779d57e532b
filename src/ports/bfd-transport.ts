// What one BFD session needs from the network (RFC 5881, single hop): a path to its peer that
// sends control packets with TTL / hop limit 255 from a source port in 49152–65535, and delivers
// every datagram from that peer (demultiplexed by the adapter on source address and interface)
// with the TTL it arrived with — the session drops packets below its minimum (GTSM). Implemented
// by an in-memory link in tests; the UDP adapter (port 3784, receive TTL) is not built yet.

export interface BfdDatagram {
  /** The UDP payload, undecoded. */
  readonly payload: Uint8Array;
  /** The received IPv4 TTL or IPv6 hop limit. */
  readonly ttl: number;
}

export interface BfdTransportHandlers {
  received(datagram: BfdDatagram): void;
}

export interface BfdChannel {
  /** Sends one encoded control packet. Ignored after close(). */
  send(payload: Uint8Array): void;
  /** No handler is called after close(). Idempotent. */
  close(): void;
}

export interface BfdTransport {
  /** Opens the session's path to its peer; received datagrams go to `handlers` until close(). */
  open(handlers: BfdTransportHandlers): BfdChannel;
}
