// NLRI prefixes (RFC 4271 §4.3): a length in bits, then just enough bytes to hold it. The same
// encoding is used by the Withdrawn Routes and NLRI fields and inside MP_REACH/MP_UNREACH.
import { familyBits, prefixMask, type IpFamily, type Prefix } from '../net/ip.js';
import { ipFromBytes, ipToBytes, type ByteWriter } from './bytes.js';

// Masks per prefix length, computed once: decoding is on the hot path of every UPDATE.
const MASKS: Readonly<Record<IpFamily, readonly bigint[]>> = {
  4: Array.from({ length: 33 }, (_, length) => prefixMask(4, length)),
  6: Array.from({ length: 129 }, (_, length) => prefixMask(6, length)),
};

export const prefixWireLength = (prefix: Prefix): number => 1 + ((prefix.length + 7) >> 3);

/**
 * The prefixes in `bytes[start, end)`, or why they cannot be read (RFC 7606 §5.3: a length
 * beyond the family's bits, or a prefix running past the end of the field). Host bits beyond the
 * prefix length are ignored, as RFC 4271 allows.
 */
export function decodePrefixes(
  bytes: Uint8Array,
  start: number,
  end: number,
  family: IpFamily,
): Prefix[] | string {
  const maxBits = familyBits(family);
  const prefixes: Prefix[] = [];
  let offset = start;
  while (offset < end) {
    const length = bytes[offset] ?? 0;
    if (length > maxBits) return `prefix ${prefixes.length} has length ${length} (at most ${maxBits})`;
    const count = (length + 7) >> 3;
    if (offset + 1 + count > end) return `prefix ${prefixes.length} (/${length}) runs past the field`;
    const ip = ipFromBytes(bytes, offset + 1, family, count);
    prefixes.push({ family, base: ip.value & (MASKS[family][length] ?? 0n), length });
    offset += 1 + count;
  }
  return prefixes;
}

export function writePrefix(writer: ByteWriter, prefix: Prefix): void {
  writer.u8(prefix.length);
  writer.bytes(ipToBytes({ family: prefix.family, value: prefix.base }, (prefix.length + 7) >> 3));
}
