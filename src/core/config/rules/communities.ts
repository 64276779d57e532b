// BGP community values: `AA:NN` (two uint16) or `large:X:Y:Z` (three uint32). A value with a
// colon must parse as one of these; a value without is an alias from a Community object.
import type { BgpCommunity } from '../types.js';

const UINT16 = 0xffff;
const UINT32 = 0xffffffff;

export const looksLikeCommunityValue = (text: string): boolean => text.includes(':');

/** The community, or the reason the text is not a valid community value. */
export function parseCommunityValue(text: string): BgpCommunity | string {
  const trimmed = text.trim();
  const parts = trimmed.split(':');
  if (parts[0] === 'large') {
    const nums = parts.slice(1);
    if (nums.length !== 3 || !nums.every((n) => /^\d+$/.test(n))) {
      return `invalid large community "${text}": expected large:X:Y:Z with three 32-bit numbers`;
    }
    const [global, local1, local2] = nums.map(Number) as [number, number, number];
    if ([global, local1, local2].some((n) => n > UINT32)) {
      return `invalid large community "${text}": each part must be at most ${UINT32}`;
    }
    return { kind: 'large', global, local1, local2, text: `large:${global}:${local1}:${local2}` };
  }
  if (parts.length !== 2 || !parts.every((n) => /^\d+$/.test(n))) {
    return `invalid community "${text}": expected AA:NN with two 16-bit numbers, or large:X:Y:Z`;
  }
  const [asn, value] = parts.map(Number) as [number, number];
  if (asn > UINT16 || value > UINT16) {
    return `invalid community "${text}": both parts must be at most ${UINT16}`;
  }
  return { kind: 'standard', asn, value, text: `${asn}:${value}` };
}

export const communityKey = (c: BgpCommunity): string => c.text;
