// MP_REACH_NLRI and MP_UNREACH_NLRI (RFC 4760) for unicast IPv4 and IPv6: AFI, SAFI, next hop
// (RFC 2545: 16 bytes global or 32 with a link-local; RFC 8950: IPv6 next hop for IPv4), NLRI.
import type { IpFamily } from '../../net/ip.js';
import { ipFromBytes, ipToBytes, ipv4Mapped, type ByteWriter } from '../bytes.js';
import { Afi, Safi } from '../constants.js';
import { decodePrefixes, writePrefix } from '../nlri.js';
import type { MpReach, MpUnreach } from './types.js';

/** A family this codec does not handle: the attribute is dropped, not an error. */
export interface UnsupportedFamily {
  readonly unsupported: string;
}

/** A syntax error: RFC 7606 §7.11 and §5.3 require a session reset. */
export interface MpSyntaxError {
  readonly syntax: string;
}

const familyOf = (afi: number, safi: number): IpFamily | undefined =>
  safi !== Safi.unicast ? undefined : afi === Afi.ipv4 ? 4 : afi === Afi.ipv6 ? 6 : undefined;

export const afiOf = (family: IpFamily): number => (family === 4 ? Afi.ipv4 : Afi.ipv6);

const u16 = (bytes: Uint8Array, at: number): number => ((bytes[at] ?? 0) << 8) | (bytes[at + 1] ?? 0);

export function decodeMpReach(
  bytes: Uint8Array,
  start: number,
  end: number,
): MpReach | UnsupportedFamily | MpSyntaxError {
  if (end - start < 5) return { syntax: `${end - start} bytes, too short for AFI, SAFI and next hop length` };
  const afi = u16(bytes, start);
  const safi = bytes[start + 2] ?? 0;
  const family = familyOf(afi, safi);
  if (family === undefined) return { unsupported: `AFI ${afi} SAFI ${safi}` };
  const nextHopLength = bytes[start + 3] ?? 0;
  const allowed = family === 4 ? [4, 16, 32] : [16, 32];
  if (!allowed.includes(nextHopLength)) {
    return { syntax: `next hop length ${nextHopLength} for AFI ${afi} (expected ${allowed.join(', ')})` };
  }
  const nextHopAt = start + 4;
  // One reserved byte (formerly the SNPA count) follows the next hop.
  const nlriAt = nextHopAt + nextHopLength + 1;
  if (nlriAt > end) return { syntax: `next hop of ${nextHopLength} bytes runs past the attribute` };
  const nextHop = ipFromBytes(bytes, nextHopAt, nextHopLength === 4 ? 4 : 6, nextHopLength === 4 ? 4 : 16);
  const nlri = decodePrefixes(bytes, nlriAt, end, family);
  if (typeof nlri === 'string') return { syntax: `NLRI: ${nlri}` };
  return {
    family,
    nextHop,
    ...(nextHopLength === 32 ? { linkLocalNextHop: ipFromBytes(bytes, nextHopAt + 16, 6, 16) } : {}),
    nlri,
  };
}

export function decodeMpUnreach(
  bytes: Uint8Array,
  start: number,
  end: number,
): MpUnreach | UnsupportedFamily | MpSyntaxError {
  if (end - start < 3) return { syntax: `${end - start} bytes, too short for AFI and SAFI` };
  const afi = u16(bytes, start);
  const safi = bytes[start + 2] ?? 0;
  const family = familyOf(afi, safi);
  if (family === undefined) return { unsupported: `AFI ${afi} SAFI ${safi}` };
  const withdrawn = decodePrefixes(bytes, start + 3, end, family);
  if (typeof withdrawn === 'string') return { syntax: `withdrawn routes: ${withdrawn}` };
  return { family, withdrawn };
}

export function writeMpReach(writer: ByteWriter, reach: MpReach): void {
  writer.u16(afiOf(reach.family)).u8(Safi.unicast);
  // IPv6 routes cannot have a 4-byte next hop: it goes as the IPv4-mapped IPv6 address.
  const nextHop = reach.family === 6 ? ipv4Mapped(reach.nextHop) : reach.nextHop;
  const linkLocal = nextHop.family === 6 ? reach.linkLocalNextHop : undefined;
  writer.u8(nextHop.family === 4 ? 4 : linkLocal ? 32 : 16);
  writer.bytes(ipToBytes(nextHop));
  if (linkLocal) writer.bytes(ipToBytes(linkLocal));
  writer.u8(0);
  for (const prefix of reach.nlri) writePrefix(writer, prefix);
}

export function writeMpUnreach(writer: ByteWriter, unreach: MpUnreach): void {
  writer.u16(afiOf(unreach.family)).u8(Safi.unicast);
  for (const prefix of unreach.withdrawn) writePrefix(writer, prefix);
}

/** Bytes an MP_REACH_NLRI value takes before its NLRI. */
export const mpReachOverhead = (reach: Pick<MpReach, 'family' | 'nextHop' | 'linkLocalNextHop'>): number => {
  const nextHop = reach.family === 6 ? ipv4Mapped(reach.nextHop) : reach.nextHop;
  const length = nextHop.family === 4 ? 4 : reach.linkLocalNextHop ? 32 : 16;
  return 5 + length;
};
