// Loads the AF_PACKET addon (native/af_packet, built by `npm run build:native`, part of set-up).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface PacketSocket {
  readonly mac: Buffer;
  readonly ifindex: number;
  /**
   * Socket errors the receive loop cleared and kept polling through (ENETDOWN when the
   * interface went down); frames flow again once it is back up.
   */
  readonly errors: number;
  /** Sends one whole Ethernet frame. Throws on failure. */
  send(frame: Uint8Array): number;
  /** Delivers every frame of the socket's ethertype on its interface; `outgoing` for our own. */
  start(onFrame: (frame: Buffer, outgoing: boolean) => void): void;
  setAllMulticast(on: boolean): void;
  close(): void;
}

interface Addon {
  PacketSocket: new (interfaceName: string, ethertype: number) => PacketSocket;
}

const ADDON_PATH = fileURLToPath(
  new URL('../../native/af_packet/build/Release/af_packet.node', import.meta.url),
);
let addon: Addon | undefined;

/** Opens an AF_PACKET socket bound to one interface for one ethertype (needs CAP_NET_RAW). */
export function openPacketSocket(interfaceName: string, ethertype: number): PacketSocket {
  addon ??= createRequire(import.meta.url)(ADDON_PATH) as Addon;
  return new addon.PacketSocket(interfaceName, ethertype);
}
