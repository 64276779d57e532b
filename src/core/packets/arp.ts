// ARP over Ethernet for IPv4 (RFC 826): decoding requests, encoding replies and the
// gratuitous request+reply pair announced on takeover (behaviour.md §3).
import { BROADCAST_MAC, type Mac, ZERO_MAC } from './mac.js';
import { PacketDecodeError } from './errors.js';

export const ETHERTYPE_ARP = 0x0806;
const ETH_HEADER = 14;
const ARP_LENGTH = 28;
export const ARP_REQUEST = 1;
export const ARP_REPLY = 2;

export interface ArpPacket {
  readonly ethernetSource: Mac;
  readonly ethernetDestination: Mac;
  readonly operation: number;
  readonly senderMac: Mac;
  /** IPv4 addresses as 32-bit unsigned integers. */
  readonly senderIp: number;
  readonly targetMac: Mac;
  readonly targetIp: number;
}

export function decodeArp(frame: Uint8Array): ArpPacket | PacketDecodeError {
  if (frame.length < ETH_HEADER + ARP_LENGTH)
    return new PacketDecodeError('truncated', `${frame.length} bytes`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  if (view.getUint16(12) !== ETHERTYPE_ARP)
    return new PacketDecodeError('notEthernetArp', `ethertype 0x${view.getUint16(12).toString(16)}`);
  const hardware = view.getUint16(14);
  const protocol = view.getUint16(16);
  if (hardware !== 1 || protocol !== 0x0800 || frame[18] !== 6 || frame[19] !== 4) {
    return new PacketDecodeError(
      'unsupportedArpHardware',
      `htype ${hardware} ptype 0x${protocol.toString(16)}`,
    );
  }
  return {
    ethernetDestination: frame.slice(0, 6),
    ethernetSource: frame.slice(6, 12),
    operation: view.getUint16(20),
    senderMac: frame.slice(22, 28),
    senderIp: view.getUint32(28),
    targetMac: frame.slice(32, 38),
    targetIp: view.getUint32(38),
  };
}

export function encodeArp(packet: ArpPacket): Uint8Array {
  const frame = new Uint8Array(ETH_HEADER + ARP_LENGTH);
  const view = new DataView(frame.buffer);
  frame.set(packet.ethernetDestination, 0);
  frame.set(packet.ethernetSource, 6);
  view.setUint16(12, ETHERTYPE_ARP);
  view.setUint16(14, 1);
  view.setUint16(16, 0x0800);
  frame[18] = 6;
  frame[19] = 4;
  view.setUint16(20, packet.operation);
  frame.set(packet.senderMac, 22);
  view.setUint32(28, packet.senderIp);
  frame.set(packet.targetMac, 32);
  view.setUint32(38, packet.targetIp);
  return frame;
}

/** The reply to `request` saying that `ownMac` has the requested address. */
export function arpReplyTo(request: ArpPacket, ownMac: Mac): Uint8Array {
  return encodeArp({
    ethernetDestination: request.senderMac,
    ethernetSource: ownMac,
    operation: ARP_REPLY,
    senderMac: ownMac,
    senderIp: request.targetIp,
    targetMac: request.senderMac,
    targetIp: request.senderIp,
  });
}

/** Gratuitous ARP on takeover: a broadcast request and a broadcast reply, sender = target = the address. */
export function gratuitousArp(ip: number, ownMac: Mac): [Uint8Array, Uint8Array] {
  const base = {
    ethernetDestination: BROADCAST_MAC,
    ethernetSource: ownMac,
    senderMac: ownMac,
    senderIp: ip,
    targetIp: ip,
  };
  return [
    encodeArp({ ...base, operation: ARP_REQUEST, targetMac: BROADCAST_MAC }),
    encodeArp({ ...base, operation: ARP_REPLY, targetMac: ZERO_MAC }),
  ];
}
