// Reads the BFD captures: classic pcap files (tcpdump -w) of Ethernet frames carrying IPv4 or
// IPv6 + UDP. Returns each datagram's UDP payload with what the session needs besides it: the
// addresses, the ports and the TTL / hop limit (single-hop BFD checks it is 255).
import { readFileSync } from 'node:fs';
import { formatIp } from '../../../src/core/net/ip.js';

export interface CapturedDatagram {
  /** Capture time in microseconds since the epoch. */
  readonly timeUs: number;
  readonly family: 4 | 6;
  readonly source: string;
  readonly destination: string;
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly ttl: number;
  readonly payload: Uint8Array;
}

const LINKTYPE_ETHERNET = 1;

export function readPcap(file: string): CapturedDatagram[] {
  const bytes = readFileSync(file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, true);
  const little = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!little && view.getUint32(0, false) !== 0xa1b2c3d4 && view.getUint32(0, false) !== 0xa1b23c4d)
    throw new Error(`${file}: not a pcap file`);
  const nanoseconds = view.getUint32(0, little) === 0xa1b23c4d;
  if (view.getUint32(20, little) !== LINKTYPE_ETHERNET) throw new Error(`${file}: not Ethernet`);
  const out: CapturedDatagram[] = [];
  for (let offset = 24; offset + 16 <= bytes.length;) {
    const seconds = view.getUint32(offset, little);
    const fraction = view.getUint32(offset + 4, little);
    const captured = view.getUint32(offset + 8, little);
    const frame = bytes.subarray(offset + 16, offset + 16 + captured);
    offset += 16 + captured;
    const datagram = udpOf(frame);
    if (datagram)
      out.push({
        timeUs: seconds * 1e6 + (nanoseconds ? Math.floor(fraction / 1000) : fraction),
        ...datagram,
      });
  }
  return out;
}

function udpOf(frame: Uint8Array): Omit<CapturedDatagram, 'timeUs'> | undefined {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const etherType = view.getUint16(12);
  let udp: number;
  let family: 4 | 6;
  let ttl: number;
  let source: string;
  let destination: string;
  if (etherType === 0x0800) {
    const headerLength = (view.getUint8(14) & 0x0f) * 4;
    if (view.getUint8(14 + 9) !== 17) return undefined;
    family = 4;
    ttl = view.getUint8(14 + 8);
    source = addressText(4, frame.subarray(26, 30));
    destination = addressText(4, frame.subarray(30, 34));
    udp = 14 + headerLength;
  } else if (etherType === 0x86dd) {
    if (view.getUint8(14 + 6) !== 17) return undefined;
    family = 6;
    ttl = view.getUint8(14 + 7);
    source = addressText(6, frame.subarray(22, 38));
    destination = addressText(6, frame.subarray(38, 54));
    udp = 54;
  } else return undefined;
  const length = view.getUint16(udp + 4);
  return {
    family,
    source,
    destination,
    sourcePort: view.getUint16(udp),
    destinationPort: view.getUint16(udp + 2),
    ttl,
    payload: frame.slice(udp + 8, udp + length),
  };
}

function addressText(family: 4 | 6, bytes: Uint8Array): string {
  return formatIp({ family, value: BigInt(`0x${Buffer.from(bytes).toString('hex')}`) });
}
