// NLRI prefixes (RFC 4271 §4.3): a length in bits, then just enough bytes to hold it. The same
// encoding is used by the Withdrawn Routes and NLRI fields and inside MP_REACH/MP_UNREACH.
import { familyBits, prefixMask, type IpFamily, type Prefix } from '../net/ip.js';
import { ipFromBytes, type ByteWriter } from './bytes.js';

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

const scratch = new Uint8Array(16);
const scratchView = new DataView(scratch.buffer);

export function writePrefix(writer: ByteWriter, prefix: Prefix): void {
  const count = (prefix.length + 7) >> 3;
  writer.u8(prefix.length);
  if (prefix.family === 4) {
    const value = Number(prefix.base & 0xffffffffn);
    for (let i = 0; i < count; i++) writer.u8(value >>> (24 - 8 * i));
    return;
  }
  scratchView.setBigUint64(0, (prefix.base >> 64n) & 0xffffffffffffffffn);
  scratchView.setBigUint64(8, prefix.base & 0xffffffffffffffffn);
  writer.bytes(scratch.subarray(0, count));
}
