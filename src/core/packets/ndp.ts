// IPv6 neighbour discovery (RFC 4861) in Ethernet frames: decoding neighbour solicitations,
// encoding solicited and unsolicited neighbour advertisements (with the Override flag).
import { ipv6MulticastMac, type Mac } from './mac.js';
import { PacketDecodeError } from './errors.js';

export const ETHERTYPE_IPV6 = 0x86dd;
const ETH = 14;
const IPV6 = 40;
const NEXT_HEADER_ICMPV6 = 58;
export const ND_NEIGHBOR_SOLICITATION = 135;
export const ND_NEIGHBOR_ADVERTISEMENT = 136;
const OPTION_SOURCE_LL = 1;
const OPTION_TARGET_LL = 2;

export const ALL_NODES = Uint8Array.from([0xff, 0x02, ...new Array<number>(13).fill(0), 0x01]);
const UNSPECIFIED = new Uint8Array(16);

export interface NeighborMessage {
  readonly ethernetSource: Mac;
  readonly ethernetDestination: Mac;
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  readonly type: typeof ND_NEIGHBOR_SOLICITATION | typeof ND_NEIGHBOR_ADVERTISEMENT;
  readonly target: Uint8Array;
  /** Advertisements: router, solicited, override. */
  readonly flags: { readonly router: boolean; readonly solicited: boolean; readonly override: boolean };
  readonly sourceLinkLayer: Mac | undefined;
  readonly targetLinkLayer: Mac | undefined;
}

/** RFC 4443 checksum over the IPv6 pseudo-header and the ICMPv6 message. */
export function icmpv6Checksum(source: Uint8Array, destination: Uint8Array, message: Uint8Array): number {
  let sum = 0;
  const add16 = (bytes: Uint8Array): void => {
    for (let i = 0; i < bytes.length; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  };
  add16(source);
  add16(destination);
  sum += message.length >>> 16;
  sum += message.length & 0xffff;
  sum += NEXT_HEADER_ICMPV6;
  add16(message);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export function decodeNeighborMessage(frame: Uint8Array): NeighborMessage | PacketDecodeError {
  if (frame.length < ETH + IPV6 + 24) return new PacketDecodeError('truncated', `${frame.length} bytes`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (
    view.getUint16(12) !== ETHERTYPE_IPV6 ||
    frame[ETH] === undefined ||
    frame[ETH] >> 4 !== 6 ||
    frame[ETH + 6] !== NEXT_HEADER_ICMPV6
  ) {
    return new PacketDecodeError('notIpv6Icmpv6', 'not an ICMPv6 packet without extension headers');
  }
  // RFC 4861 §7.1.1: neighbour discovery messages must arrive with hop limit 255 (not routed).
  if (frame[ETH + 7] !== 255) return new PacketDecodeError('badHopLimit', `hop limit ${frame[ETH + 7] ?? 0}`);
  const payloadLength = view.getUint16(ETH + 4);
  if (frame.length < ETH + IPV6 + payloadLength)
    return new PacketDecodeError('truncated', 'payload shorter than its length');
  const source = frame.slice(ETH + 8, ETH + 24);
  const destination = frame.slice(ETH + 24, ETH + 40);
  const icmp = frame.slice(ETH + IPV6, ETH + IPV6 + payloadLength);
  const type = icmp[0];
  if (type !== ND_NEIGHBOR_SOLICITATION && type !== ND_NEIGHBOR_ADVERTISEMENT) {
    return new PacketDecodeError('notNeighborDiscovery', `ICMPv6 type ${type ?? -1}`);
  }
  if (icmp[1] !== 0) return new PacketDecodeError('badNdpCode', `code ${icmp[1] ?? -1}`);
  if (icmpv6Checksum(source, destination, icmp) !== 0)
    return new PacketDecodeError('badChecksum', 'ICMPv6 checksum mismatch');
  let sourceLinkLayer: Mac | undefined;
  let targetLinkLayer: Mac | undefined;
  for (let offset = 24; offset < icmp.length;) {
    const optionType = icmp[offset];
    const length = (icmp[offset + 1] ?? 0) * 8;
    if (length === 0 || offset + length > icmp.length)
      return new PacketDecodeError('malformedOption', `option at ${offset}`);
    if (optionType === OPTION_SOURCE_LL && length >= 8) sourceLinkLayer = icmp.slice(offset + 2, offset + 8);
    if (optionType === OPTION_TARGET_LL && length >= 8) targetLinkLayer = icmp.slice(offset + 2, offset + 8);
    offset += length;
  }
  const flagsByte = icmp[4] ?? 0;
  return {
    ethernetDestination: frame.slice(0, 6),
    ethernetSource: frame.slice(6, 12),
    source,
    destination,
    type,
    target: icmp.slice(8, 24),
    flags: {
      router: (flagsByte & 0x80) !== 0,
      solicited: (flagsByte & 0x40) !== 0,
      override: (flagsByte & 0x20) !== 0,
    },
    sourceLinkLayer,
    targetLinkLayer,
  };
}

export interface AdvertisementSpec {
  readonly ethernetSource: Mac;
  readonly ethernetDestination: Mac;
  readonly source: Uint8Array;
  readonly destination: Uint8Array;
  readonly target: Uint8Array;
  readonly solicited: boolean;
  readonly override: boolean;
}

export function encodeAdvertisement(spec: AdvertisementSpec): Uint8Array {
  const icmp = new Uint8Array(32);
  icmp[0] = ND_NEIGHBOR_ADVERTISEMENT;
  icmp[4] = (spec.solicited ? 0x40 : 0) | (spec.override ? 0x20 : 0);
  icmp.set(spec.target, 8);
  icmp[24] = OPTION_TARGET_LL;
  icmp[25] = 1;
  icmp.set(spec.ethernetSource, 26);
  new DataView(icmp.buffer).setUint16(2, icmpv6Checksum(spec.source, spec.destination, icmp));
  const frame = new Uint8Array(ETH + IPV6 + icmp.length);
  const view = new DataView(frame.buffer);
  frame.set(spec.ethernetDestination, 0);
  frame.set(spec.ethernetSource, 6);
  view.setUint16(12, ETHERTYPE_IPV6);
  frame[ETH] = 0x60;
  view.setUint16(ETH + 4, icmp.length);
  frame[ETH + 6] = NEXT_HEADER_ICMPV6;
  frame[ETH + 7] = 255;
  frame.set(spec.source, ETH + 8);
  frame.set(spec.destination, ETH + 24);
  frame.set(icmp, ETH + IPV6);
  return frame;
}

/**
 * The answer to a solicitation for an address we own: to the soliciting node (or, for DAD from
 * the unspecified address, to all nodes and not solicited), from the target address itself.
 */
export function advertisementFor(solicitation: NeighborMessage, ownMac: Mac): Uint8Array {
  const fromDad = solicitation.source.every((b, i) => b === UNSPECIFIED[i]);
  return encodeAdvertisement({
    ethernetSource: ownMac,
    ethernetDestination: fromDad
      ? ipv6MulticastMac(ALL_NODES)
      : (solicitation.sourceLinkLayer ?? solicitation.ethernetSource),
    source: solicitation.target,
    destination: fromDad ? ALL_NODES : solicitation.source,
    target: solicitation.target,
    solicited: !fromDad,
    override: true,
  });
}

/** Unsolicited advertisement on takeover: to all nodes, Override set, so caches update at once. */
export function unsolicitedAdvertisement(address: Uint8Array, ownMac: Mac): Uint8Array {
  return encodeAdvertisement({
    ethernetSource: ownMac,
    ethernetDestination: ipv6MulticastMac(ALL_NODES),
    source: address,
    destination: ALL_NODES,
    target: address,
    solicited: false,
    override: true,
  });
}
