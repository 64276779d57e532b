// The net_extras addon's UDP socket (native/net_extras, built by `npm run build:native`): what
// node:dgram cannot do — report the TTL / hop limit each datagram arrived with, send with a
// chosen TTL and TOS (BFD, RFC 5881), and sit on a high descriptor (liveness: see highFd).
// Datagrams arrive through a libuv poll handle on the loop of the thread that opened it.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { IpFamily } from '../core/net/ip.js';

export interface UdpSocket {
  readonly localPort: number | undefined;
  /** `ttl` is -1 when the kernel gave none. */
  start(onMessage: (data: Buffer, address: string, port: number, ttl: number) => void): void;
  /** Bytes sent; throws a system error (EAGAIN, ENETUNREACH, ...). */
  send(data: Uint8Array, address: string, port: number): number;
  close(): void;
}

export interface UdpOptions {
  family: IpFamily;
  local: string;
  port: number;
  ttl?: number;
  tos?: number;
  bindDevice?: string;
  /** SO_REUSEADDR; default true. */
  reuseAddress?: boolean;
  /**
   * Put the socket on a descriptor above the ones the process normally uses (1000 where the
   * limit allows). A SIGKILLed process releases its sockets last-opened-first, and each AF_PACKET
   * socket's release waits for an RCU grace period (10-30 ms here): a socket whose closing others
   * watch for is released before them when its descriptor is the highest.
   */
  highFd?: boolean;
}

interface Addon {
  udpSocket(options: UdpOptions): UdpSocket;
}

const ADDON_PATH = fileURLToPath(
  new URL('../../native/net_extras/build/Release/net_extras.node', import.meta.url),
);
let addon: Addon | undefined;

/** Opens and binds a UDP socket; throws a system error (EADDRINUSE, EADDRNOTAVAIL, ...). */
export function openUdpSocket(options: UdpOptions): UdpSocket {
  addon ??= createRequire(import.meta.url)(ADDON_PATH) as Addon;
  return addon.udpSocket(options);
}
