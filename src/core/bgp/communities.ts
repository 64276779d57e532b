// Community values as text, in the forms MetalLB's configuration uses: `AA:NN` for RFC 1997
// communities and `large:X:Y:Z` for RFC 8092 large communities. Parsing is the configuration's own
// (core/config/rules/communities.ts), so the speaker sends exactly what validation accepted.
import { parseCommunityValue } from '../config/rules/communities.js';
import type { LargeCommunity, StandardCommunity } from './attributes/types.js';

export type Community =
  ({ readonly kind: 'standard' } & StandardCommunity) | ({ readonly kind: 'large' } & LargeCommunity);

/** The community, or why the text is not one. */
export function parseCommunity(text: string): Community | string {
  const parsed = parseCommunityValue(text);
  if (typeof parsed === 'string') return parsed;
  return parsed.kind === 'standard'
    ? { kind: 'standard', asn: parsed.asn, value: parsed.value }
    : { kind: 'large', global: parsed.global, local1: parsed.local1, local2: parsed.local2 };
}

export const formatStandardCommunity = (c: StandardCommunity): string => `${c.asn}:${c.value}`;

export const formatLargeCommunity = (c: LargeCommunity): string =>
  `large:${c.global}:${c.local1}:${c.local2}`;

export const formatCommunity = (c: Community): string =>
  c.kind === 'standard' ? formatStandardCommunity(c) : formatLargeCommunity(c);

/** Splits a list of communities into the two attributes they travel in. */
export function splitCommunities(list: readonly Community[]): {
  communities: StandardCommunity[];
  largeCommunities: LargeCommunity[];
} {
  const communities: StandardCommunity[] = [];
  const largeCommunities: LargeCommunity[] = [];
  for (const c of list) {
    if (c.kind === 'standard') communities.push({ asn: c.asn, value: c.value });
    else largeCommunities.push({ global: c.global, local1: c.local1, local2: c.local2 });
  }
  return { communities, largeCommunities };
}

/** Well-known communities (RFC 1997, RFC 3765, RFC 7999, RFC 8326). */
export const WellKnownCommunity = {
  gracefulShutdown: { asn: 0xffff, value: 0 },
  blackhole: { asn: 0xffff, value: 666 },
  noExport: { asn: 0xffff, value: 0xff01 },
  noAdvertise: { asn: 0xffff, value: 0xff02 },
  noExportSubconfed: { asn: 0xffff, value: 0xff03 },
  noPeer: { asn: 0xffff, value: 0xff04 },
} as const satisfies Record<string, StandardCommunity>;
