// The BGP session's TCP transport: dials the peer with connectBgp (MD5, TTL, source address),
// splits the byte stream into whole messages (core/bgp's framer) and writes messages in order.
// One connection at a time, as the BgpTransport port requires; a broken stream is answered
// with a Message Header Error NOTIFICATION and closed.
import type net from 'node:net';
import { BgpFramer, encodeNotification } from '../core/bgp/index.js';
import type { BgpConnectionHandlers, BgpSessionTransport } from '../ports/bgp-transport.js';
import { bgpTtl, connectBgp } from './tcp-connect.js';

export interface TcpTransportOptions {
  readonly peerAddress: string;
  readonly peerPort: number;
  readonly sourceAddress?: string | undefined;
  readonly password?: string | undefined;
  readonly ibgp: boolean;
  readonly ebgpMultiHop: boolean;
  /** How long one dial may take before it counts as failed. */
  readonly connectTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 3000;

export class TcpBgpTransport implements BgpSessionTransport<Uint8Array> {
  private local: string | undefined;

  constructor(private readonly options: TcpTransportOptions) {}

  localAddress(): string | undefined {
    return this.local;
  }

  connect(handlers: BgpConnectionHandlers<Uint8Array>) {
    const { options } = this;
    const abort = new AbortController();
    let socket: net.Socket | undefined;
    let ended = false;
    const pending: Uint8Array[] = [];
    const end = (how: 'failed' | 'closed', error?: string) => {
      if (ended) return;
      ended = true;
      this.local = undefined;
      handlers.closed(how, error);
    };
    connectBgp({
      peerAddress: options.peerAddress,
      peerPort: options.peerPort,
      ...(options.sourceAddress ? { sourceAddress: options.sourceAddress } : {}),
      ...(options.password ? { password: options.password } : {}),
      ttl: bgpTtl(options),
      timeoutMs: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      signal: abort.signal,
    }).then(
      (connected) => {
        if (ended) {
          connected.destroy();
          return;
        }
        socket = connected;
        this.local = connected.localAddress;
        const framer = new BgpFramer();
        connected.on('data', (chunk: Buffer) => {
          const { messages, error } = framer.push(chunk);
          for (const message of messages) {
            if (ended) return;
            handlers.message(message);
          }
          // A broken header (RFC 4271 §6.1): the stream cannot be resynchronised. Tell the peer
          // with the NOTIFICATION the framer chose, and end the connection.
          if (error && !ended) {
            connected.end(encodeNotification(error.notification));
            end('closed', `message header error: ${error.message}`);
          }
        });
        connected.on('error', (error) => end('closed', error.message));
        connected.on('close', () => end('closed', 'EOF'));
        handlers.connected();
        for (const message of pending.splice(0)) connected.write(message);
      },
      (error: unknown) => end('failed', error instanceof Error ? error.message : String(error)),
    );
    return {
      send: (message: Uint8Array) => {
        if (ended) return;
        if (socket) socket.write(message);
        else pending.push(message);
      },
      close: () => {
        if (ended) return;
        ended = true;
        this.local = undefined;
        abort.abort();
        // end() flushes what was written (a NOTIFICATION) before the FIN.
        socket?.end();
      },
    };
  }
}
