// Dials a BGP peer with what Node's `net` cannot set before the SYN: a TCP MD5 signature key
// (RFC 2385, BGPPeer `password`), the TTL FRR would use, a GTSM minimum (RFC 5082), the source
// address and the interface. The connect runs in the net_extras addon on the event loop; the
// connected fd becomes an ordinary net.Socket. See docs/design/0006-native-net.md.
import { createRequire } from 'node:module';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseIp, type IpFamily } from '../core/net/ip.js';

export const BGP_PORT = 179;
/** CS6 (network control): how FRR marks BGP and BFD packets (measured, IPv4 and IPv6). */
export const NETWORK_CONTROL_TOS = 0xc0;
/** RFC 2385 keys live in the kernel's struct tcp_md5sig: at most 80 bytes. */
export const MAX_MD5_KEY_BYTES = 80;
const MAX_TTL = 255;

/**
 * The TTL FRR 8.4 sends BGP with (measured with tcpdump, docs/design/0006-native-net.md):
 * iBGP 255; eBGP 1 — the peer must be directly connected — or 255 with `ebgpMultiHop`.
 * (GTSM, FRR's `ttl-security hops N`, sends 255 and sets the minimum to 256 − N; MetalLB's
 * BGPPeer has no such field.)
 */
export function bgpTtl(peer: { readonly ibgp: boolean; readonly ebgpMultiHop: boolean }): number {
  return peer.ibgp || peer.ebgpMultiHop ? MAX_TTL : 1;
}

export interface BgpConnectOptions {
  /** The peer; an IPv6 link-local address carries its zone (`fe80::1%eth0`). */
  readonly peerAddress: string;
  readonly peerPort?: number;
  readonly sourceAddress?: string;
  readonly sourcePort?: number;
  /** TCP MD5 key (BGPPeer `password`); its UTF-8 bytes, at most 80. Empty = none. */
  readonly password?: string;
  /** From bgpTtl(). */
  readonly ttl: number;
  /** GTSM: the kernel drops segments arriving with a lower TTL / hop limit. */
  readonly minTtl?: number;
  readonly bindDevice?: string;
  /** Gives up (ETIMEDOUT) when the connection is not up by then. */
  readonly timeoutMs: number;
  /** Abandons the attempt (ABORT_ERR); the half-open socket is closed. */
  readonly signal?: AbortSignal;
}

/** Why a connect failed: `code` is the errno name (ECONNREFUSED, EHOSTUNREACH, ...), ETIMEDOUT
 * for our timeout, ABORT_ERR when aborted, EINVAL for options that cannot work. */
export class BgpConnectError extends Error {
  override readonly name = 'BgpConnectError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface TcpConnectOptions {
  family: IpFamily;
  remote: string;
  port: number;
  local?: string;
  localPort?: number;
  md5Key?: string;
  ttl?: number;
  minTtl?: number;
  tos?: number;
  bindDevice?: string;
}

interface Addon {
  tcpConnect(
    options: TcpConnectOptions,
    callback: (error: (Error & { code?: string }) | null, fd?: number) => void,
  ): { cancel(): void };
}

const ADDON_PATH = fileURLToPath(
  new URL('../../native/net_extras/build/Release/net_extras.node', import.meta.url),
);
let addon: Addon | undefined;
const loadAddon = (): Addon => (addon ??= createRequire(import.meta.url)(ADDON_PATH) as Addon);

/** Connects to the peer; resolves with the connected socket (no-delay: BGP writes whole messages). */
export function connectBgp(options: BgpConnectOptions): Promise<net.Socket> {
  const checked = nativeOptions(options);
  if (typeof checked === 'string') return Promise.reject(new BgpConnectError('EINVAL', checked));
  if (options.signal?.aborted) return Promise.reject(aborted());
  return new Promise((resolve, reject) => {
    let pending: { cancel(): void } | undefined;
    const finish = () => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    };
    const giveUp = (error: BgpConnectError) => {
      finish();
      pending?.cancel();
      reject(error);
    };
    const onAbort = () => giveUp(aborted());
    const timer = setTimeout(
      () =>
        giveUp(
          new BgpConnectError(
            'ETIMEDOUT',
            `connect ${target(options)}: no answer in ${options.timeoutMs} ms`,
          ),
        ),
      options.timeoutMs,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      pending = loadAddon().tcpConnect(checked, (error, fd) => {
        finish();
        if (error || fd === undefined) {
          reject(new BgpConnectError(error?.code ?? 'EIO', error?.message ?? 'connect failed'));
          return;
        }
        const socket = new net.Socket({ fd, readable: true, writable: true });
        socket.setNoDelay(true);
        resolve(socket);
      });
    } catch (error) {
      const failure = error as Error & { code?: string };
      giveUp(new BgpConnectError(failure.code ?? 'EINVAL', failure.message));
    }
  });
}

/** The addon's options, or a message naming the field that cannot work. */
function nativeOptions(options: BgpConnectOptions): TcpConnectOptions | string {
  const peer = parseIp(withoutZone(options.peerAddress));
  if (!peer) return `peerAddress: '${options.peerAddress}' is not an IP address`;
  const source =
    options.sourceAddress === undefined ? undefined : parseIp(withoutZone(options.sourceAddress));
  if (options.sourceAddress !== undefined && source?.family !== peer.family) {
    return `sourceAddress: '${options.sourceAddress}' is not an IPv${peer.family} address like the peer's`;
  }
  const password = options.password ?? '';
  const keyBytes = Buffer.byteLength(password, 'utf8');
  if (keyBytes > MAX_MD5_KEY_BYTES) {
    return `password: ${keyBytes} bytes; a TCP MD5 key has at most ${MAX_MD5_KEY_BYTES}`;
  }
  return {
    family: peer.family,
    remote: options.peerAddress,
    port: options.peerPort ?? BGP_PORT,
    ttl: options.ttl,
    tos: NETWORK_CONTROL_TOS,
    ...(options.sourceAddress !== undefined ? { local: options.sourceAddress } : {}),
    ...(options.sourcePort !== undefined ? { localPort: options.sourcePort } : {}),
    ...(password !== '' ? { md5Key: password } : {}),
    ...(options.minTtl !== undefined ? { minTtl: options.minTtl } : {}),
    ...(options.bindDevice !== undefined ? { bindDevice: options.bindDevice } : {}),
  };
}

const withoutZone = (address: string): string => address.split('%')[0] ?? address;
const target = (o: BgpConnectOptions): string =>
  `${o.peerAddress.includes(':') ? `[${o.peerAddress}]` : o.peerAddress}:${o.peerPort ?? BGP_PORT}`;
const aborted = (): BgpConnectError => new BgpConnectError('ABORT_ERR', 'connect aborted');
