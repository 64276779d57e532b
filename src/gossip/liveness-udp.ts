// Liveness datagrams over UDP (node:dgram): one socket receives on the listen address and port;
// one connected socket per peer sends. Connected, because then the kernel hands an ICMP port
// unreachable from the peer's host back to that socket as ECONNREFUSED: the peer's process is gone
// (SIGKILL, crash) while its host is up — a verdict one datagram after the fact. The receiving
// socket comes from the net_extras addon, on a high descriptor: when this process is killed, it
// is released before the AF_PACKET sockets, whose release takes an RCU grace period each, so
// peers are refused ~2 ms after the kill instead of 20-40 ms.
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { openUdpSocket, type UdpSocket } from '../net/udp-socket.js';
import type {
  LivenessPeerAddress,
  LivenessSocket,
  LivenessSocketHandlers,
} from '../ports/liveness-socket.js';

interface Sender {
  readonly key: string;
  readonly socket: Socket;
  connected: boolean;
}

export interface LivenessUdpOptions {
  readonly address: string;
  readonly port: number;
  /** Send or socket errors other than a refusal (counted by the caller). */
  readonly onError?: (error: Error) => void;
}

export class LivenessUdp implements LivenessSocket {
  private receiver: UdpSocket | undefined;
  private handlers: LivenessSocketHandlers | undefined;
  private readonly senders = new Map<string, Sender>();

  constructor(private readonly options: LivenessUdpOptions) {}

  /** Opens the receiving socket; rejects with the system error (EADDRINUSE, ...) if it cannot. */
  start(handlers: LivenessSocketHandlers): Promise<void> {
    this.handlers = handlers;
    let socket: UdpSocket;
    try {
      socket = openUdpSocket({
        family: familyOf(this.options.address) === 'udp6' ? 6 : 4,
        local: this.options.address,
        port: this.options.port,
        reuseAddress: false,
        highFd: true,
      });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    socket.start((data) => handlers.received(data));
    this.receiver = socket;
    return Promise.resolve();
  }

  peers(list: readonly LivenessPeerAddress[]): void {
    const wanted = new Map(list.map((p) => [p.node, p]));
    for (const [node, sender] of this.senders) {
      const peer = wanted.get(node);
      if (!peer || keyOf(peer) !== sender.key) {
        sender.socket.close();
        this.senders.delete(node);
      }
    }
    for (const peer of list) if (!this.senders.has(peer.node)) this.open(peer);
  }

  send(node: string, data: Uint8Array): void {
    const sender = this.senders.get(node);
    if (!sender?.connected) return;
    sender.socket.send(data, (error) => {
      if (error) this.failed(node, error);
    });
  }

  stop(): void {
    for (const sender of this.senders.values()) sender.socket.close();
    this.senders.clear();
    this.receiver?.close();
    this.receiver = undefined;
  }

  private open(peer: LivenessPeerAddress): void {
    const socket = createSocket({ type: familyOf(peer.address) });
    const sender: Sender = { key: keyOf(peer), socket, connected: false };
    this.senders.set(peer.node, sender);
    // A refusal arrives as an error on the socket's receive side (or on the next send).
    socket.on('error', (error) => this.failed(peer.node, error));
    const local =
      familyOf(peer.address) === familyOf(this.options.address) ? this.options.address : undefined;
    socket.bind({ port: 0, ...(local !== undefined ? { address: local } : {}) }, () => {
      socket.connect(peer.port, peer.address, (error?: Error) => {
        if (error) this.failed(peer.node, error);
        else sender.connected = true;
      });
    });
  }

  private failed(node: string, error: Error): void {
    if ((error as NodeJS.ErrnoException).code === 'ECONNREFUSED') this.handlers?.refused(node);
    else this.options.onError?.(error);
  }
}

const familyOf = (address: string): 'udp4' | 'udp6' =>
  isIPv6(address.split('%')[0] ?? '') ? 'udp6' : 'udp4';
const keyOf = (p: LivenessPeerAddress): string => `${p.address}|${p.port}`;
