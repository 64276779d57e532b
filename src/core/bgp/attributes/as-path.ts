// AS_PATH and AS4_PATH (RFC 4271 §4.3, RFC 6793): segments of type, count, then AS numbers of 2
// or 4 bytes. 2-byte form is used only with peers that did not agree on 4-octet AS numbers.
import { AS_TRANS } from '../constants.js';
import type { ByteWriter } from '../bytes.js';
import type { AsPathSegment, AsPathSegmentType } from './types.js';

const SEGMENT_TYPES: readonly (AsPathSegmentType | undefined)[] = [
  undefined,
  'set',
  'sequence',
  'confed-sequence',
  'confed-set',
];
const SEGMENT_CODES: Readonly<Record<AsPathSegmentType, number>> = {
  set: 1,
  sequence: 2,
  'confed-sequence': 3,
  'confed-set': 4,
};
const MAX_SEGMENT_ASNS = 255;

/** The segments in `bytes[start, end)`, or what is malformed (RFC 7606 §7.2). */
export function decodeAsPath(
  bytes: Uint8Array,
  start: number,
  end: number,
  asSize: 2 | 4,
): AsPathSegment[] | string {
  const segments: AsPathSegment[] = [];
  let offset = start;
  while (offset < end) {
    const index = segments.length;
    if (offset + 2 > end) return `segment ${index}: header truncated`;
    const type = SEGMENT_TYPES[bytes[offset] ?? 0];
    if (!type) return `segment ${index}: unknown segment type ${bytes[offset] ?? 0}`;
    const count = bytes[offset + 1] ?? 0;
    if (count === 0) return `segment ${index}: no AS numbers`;
    offset += 2;
    if (offset + count * asSize > end) return `segment ${index}: ${count} AS numbers run past the attribute`;
    const asns: number[] = new Array<number>(count);
    for (let i = 0; i < count; i++, offset += asSize) {
      const high = ((bytes[offset] ?? 0) << 8) | (bytes[offset + 1] ?? 0);
      asns[i] =
        asSize === 2 ? high : high * 65536 + (((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0));
    }
    segments.push({ type, asns });
  }
  return segments;
}

/** Writes the segments; in 2-byte form an AS above 65535 becomes AS_TRANS. Long segments are split. */
export function writeAsPath(writer: ByteWriter, segments: readonly AsPathSegment[], asSize: 2 | 4): void {
  for (const segment of segments) {
    for (let from = 0; from < segment.asns.length; from += MAX_SEGMENT_ASNS) {
      const chunk = segment.asns.slice(from, from + MAX_SEGMENT_ASNS);
      writer.u8(SEGMENT_CODES[segment.type]).u8(chunk.length);
      for (const asn of chunk) {
        if (asSize === 4) writer.u32(asn);
        else writer.u16(asn > 0xffff ? AS_TRANS : asn);
      }
    }
  }
}

export const asPathNeedsAs4 = (segments: readonly AsPathSegment[]): boolean =>
  segments.some((s) => s.asns.some((asn) => asn > 0xffff));

/** Number of ASes the path counts for route selection (a set counts as one; confederation segments none). */
export function asPathLength(segments: readonly AsPathSegment[]): number {
  let length = 0;
  for (const s of segments) {
    if (s.type === 'sequence') length += s.asns.length;
    else if (s.type === 'set') length += 1;
  }
  return length;
}

/**
 * RFC 6793 §4.2.3: a 2-octet AS_PATH and an AS4_PATH combine into the real path. When AS4_PATH
 * counts more ASes than AS_PATH it is ignored; otherwise AS_PATH's leading extra ASes are kept and
 * AS4_PATH supplies the rest.
 */
export function mergeAs4Path(
  asPath: readonly AsPathSegment[],
  as4Path: readonly AsPathSegment[] | undefined,
): readonly AsPathSegment[] {
  if (!as4Path) return asPath;
  const as4 = as4Path.filter((s) => s.type === 'sequence' || s.type === 'set');
  let keep = asPathLength(asPath) - asPathLength(as4);
  if (keep < 0) return asPath;
  const merged: AsPathSegment[] = [];
  for (const segment of asPath) {
    if (keep <= 0) break;
    if (segment.type === 'sequence') {
      const taken = segment.asns.slice(0, keep);
      merged.push({ type: 'sequence', asns: taken });
      keep -= taken.length;
    } else {
      merged.push(segment);
      if (segment.type === 'set') keep -= 1;
    }
  }
  // Join the two halves where a sequence meets a sequence.
  const last = merged.at(-1);
  const first = as4[0];
  if (last?.type === 'sequence' && first?.type === 'sequence') {
    return [
      ...merged.slice(0, -1),
      { type: 'sequence', asns: [...last.asns, ...first.asns] },
      ...as4.slice(1),
    ];
  }
  return [...merged, ...as4];
}
