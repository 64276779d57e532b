// What one BGP session needs from the network: one TCP connection to its peer at a time,
// carrying whole messages of type M. M is a type parameter so the session actor can run on
// decoded plain objects today and on the wire codec's messages later. Implemented by a TCP
// adapter (src/bgp/, planned: port 179, source address, TCP MD5 password, passive listen) and by
// an in-memory pair in tests.

/** How a connection ended: `failed` = it never came up (refused, unreachable, timed out);
 * `closed` = it was up and ended (FIN, RST, a socket error). */
export type BgpConnectionEnd = 'failed' | 'closed';

export interface BgpConnectionHandlers<M> {
  /** The TCP connection is up: we dialed the peer, or (passive) the peer dialed us. */
  connected(): void;
  /** One whole message from the peer; messages arrive in order. */
  message(message: M): void;
  /** Called at most once, and nothing is called after it. */
  closed(end: BgpConnectionEnd, error?: string): void;
}

export interface BgpConnection<M> {
  /** Queues a message; messages go out in order. Ignored once the connection has ended. */
  send(message: M): void;
  /** Ends the connection after what was already sent is written (a NOTIFICATION followed by
   * close() reaches the peer). No handler is called after close(). Idempotent. */
  close(): void;
}

export interface BgpTransport<M> {
  /**
   * Starts one connection to the peer: dials it, or for a passive session waits for the peer to
   * dial us. Returns at once; `connected` or `closed('failed')` follows, unless close() is called
   * first. The session holds at most one connection at a time.
   */
  connect(handlers: BgpConnectionHandlers<M>): BgpConnection<M>;
}

/** A session's transport that also tells our address on its current connection (the next hop of
 * the routes we announce), once it is up. */
export interface BgpSessionTransport<M> extends BgpTransport<M> {
  localAddress(): string | undefined;
}
