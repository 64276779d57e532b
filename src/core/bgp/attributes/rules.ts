// What each known path attribute must look like and what RFC 7606 §7 prescribes when it does
// not: its flag category, the action for a malformed value, and a decoder for its value.
import type { ErrorAction } from '../errors.js';
import { ipFromBytes } from '../bytes.js';
import { AttributeType } from '../constants.js';
import { UpdateSubcode } from '../notification-codes.js';
import { decodeAsPath } from './as-path.js';
import { decodeMpReach, decodeMpUnreach } from './mp-nlri.js';
import type { Aggregator, AsPathSegment, Origin, PathAttributes } from './types.js';

export type Category = 'well-known' | 'optional-transitive' | 'optional-non-transitive';

export interface DecodeContext {
  readonly fourOctetAs: boolean;
  readonly peer: 'internal' | 'external' | undefined;
}

/** Why a value is not acceptable: the RFC 4271 subcode, and an action if not the rule's default. */
export interface Malformed {
  readonly malformed: string;
  readonly subcode: number;
  readonly action?: ErrorAction;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type DecodedValue = Partial<Mutable<PathAttributes>>;

export interface AttributeRule {
  readonly name: string;
  readonly category: Category;
  readonly onMalformed: ErrorAction;
  readonly decode: (
    bytes: Uint8Array,
    start: number,
    end: number,
    ctx: DecodeContext,
  ) => DecodedValue | Malformed;
}

const lengthError = (name: string, length: number, expected: string): Malformed => ({
  malformed: `${name} length ${length}, expected ${expected}`,
  subcode: UpdateSubcode.attributeLengthError,
});
const optionalError = (detail: string): Malformed => ({
  malformed: detail,
  subcode: UpdateSubcode.optionalAttributeError,
});

const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
const u32 = (b: Uint8Array, at: number): number => u16(b, at) * 65536 + u16(b, at + 2);

const ORIGINS: readonly Origin[] = ['igp', 'egp', 'incomplete'];

/** A list of fixed-size items, the whole attribute a non-empty multiple of `size` (RFC 7606 §7.8, RFC 8092 §6). */
function list<T>(
  name: string,
  size: number,
  read: (b: Uint8Array, at: number) => T,
): (b: Uint8Array, start: number, end: number) => T[] | Malformed {
  return (b, start, end) => {
    const length = end - start;
    if (length === 0 || length % size !== 0)
      return optionalError(`${name} length ${length}, not a multiple of ${size}`);
    const out: T[] = [];
    for (let at = start; at < end; at += size) out.push(read(b, at));
    return out;
  };
}

const isMalformed = (v: unknown): v is Malformed => typeof v === 'object' && v !== null && 'malformed' in v;

const communities = list('COMMUNITIES', 4, (b, at) => ({ asn: u16(b, at), value: u16(b, at + 2) }));
const largeCommunities = list('LARGE_COMMUNITIES', 12, (b, at) => ({
  global: u32(b, at),
  local1: u32(b, at + 4),
  local2: u32(b, at + 8),
}));
const extendedCommunities = list(
  'EXTENDED_COMMUNITIES',
  8,
  (b, at) => (BigInt(u32(b, at)) << 32n) | BigInt(u32(b, at + 4)),
);
const clusterList = list('CLUSTER_LIST', 4, u32);

function aggregator(
  name: string,
  asSize: 2 | 4,
  b: Uint8Array,
  start: number,
  end: number,
): Aggregator | Malformed {
  const expected = asSize + 4;
  if (end - start !== expected) return lengthError(name, end - start, String(expected));
  const asn = asSize === 2 ? u16(b, start) : u32(b, start);
  return { asn, address: ipFromBytes(b, start + asSize, 4, 4) };
}

function asPath(
  b: Uint8Array,
  start: number,
  end: number,
  asSize: 2 | 4,
  name: string,
): AsPathSegment[] | Malformed {
  const segments = decodeAsPath(b, start, end, asSize);
  if (typeof segments === 'string')
    return { malformed: `${name}: ${segments}`, subcode: UpdateSubcode.malformedAsPath };
  // RFC 7607: AS 0 never appears in a path.
  if (segments.some((s) => s.asns.includes(0)))
    return { malformed: `${name} contains AS 0`, subcode: UpdateSubcode.malformedAsPath };
  return segments;
}

export const RULES: Readonly<Record<number, AttributeRule>> = {
  [AttributeType.origin]: {
    name: 'ORIGIN',
    category: 'well-known',
    onMalformed: 'treat-as-withdraw',
    decode: (b, start, end) => {
      if (end - start !== 1) return lengthError('ORIGIN', end - start, '1');
      const origin = ORIGINS[b[start] ?? 255];
      if (!origin)
        return { malformed: `ORIGIN value ${b[start] ?? 0}`, subcode: UpdateSubcode.invalidOriginAttribute };
      return { origin };
    },
  },
  [AttributeType.asPath]: {
    name: 'AS_PATH',
    category: 'well-known',
    onMalformed: 'treat-as-withdraw',
    decode: (b, start, end, ctx) => {
      const segments = asPath(b, start, end, ctx.fourOctetAs ? 4 : 2, 'AS_PATH');
      if (isMalformed(segments)) return segments;
      // RFC 7606 §7.2: confederation segments from an external peer are malformed.
      if (ctx.peer === 'external' && segments.some((s) => s.type.startsWith('confed'))) {
        return {
          malformed: 'AS_PATH has confederation segments from an external peer',
          subcode: UpdateSubcode.malformedAsPath,
        };
      }
      return { asPath: segments };
    },
  },
  [AttributeType.nextHop]: {
    name: 'NEXT_HOP',
    category: 'well-known',
    onMalformed: 'treat-as-withdraw',
    decode: (b, start, end) => {
      if (end - start !== 4) return lengthError('NEXT_HOP', end - start, '4');
      const first = b[start] ?? 0;
      // RFC 4271 §6.3: an address that cannot be a next hop makes the routes unusable.
      if (u32(b, start) === 0 || first === 127 || first >= 224) {
        return {
          malformed: `NEXT_HOP ${[0, 1, 2, 3].map((i) => b[start + i] ?? 0).join('.')} is not a unicast address`,
          subcode: UpdateSubcode.invalidNextHopAttribute,
        };
      }
      return { nextHop: ipFromBytes(b, start, 4, 4) };
    },
  },
  [AttributeType.multiExitDisc]: {
    name: 'MULTI_EXIT_DISC',
    category: 'optional-non-transitive',
    onMalformed: 'treat-as-withdraw',
    decode: (b, start, end) =>
      end - start !== 4 ? lengthError('MULTI_EXIT_DISC', end - start, '4') : { med: u32(b, start) },
  },
  [AttributeType.localPref]: {
    name: 'LOCAL_PREF',
    category: 'well-known',
    onMalformed: 'treat-as-withdraw',
    decode: (b, start, end, ctx) => {
      if (ctx.peer === 'external') {
        return {
          malformed: 'LOCAL_PREF from an external peer',
          subcode: UpdateSubcode.unspecific,
          action: 'attribute-discard',
        };
      }
      return end - start !== 4 ? lengthError('LOCAL_PREF', end - start, '4') : { localPref: u32(b, start) };
    },
  },
  [AttributeType.atomicAggregate]: {
    name: 'ATOMIC_AGGREGATE',
    category: 'well-known',
    onMalformed: 'attribute-discard',
    decode: (_b, start, end) =>
      end !== start ? lengthError('ATOMIC_AGGREGATE', end - start, '0') : { atomicAggregate: true },
  },
  [AttributeType.aggregator]: {
    name: 'AGGREGATOR',
    category: 'optional-transitive',
    onMalformed: 'attribute-discard',
    decode: (b, start, end, ctx) => {
      const value = aggregator('AGGREGATOR', ctx.fourOctetAs ? 4 : 2, b, start, end);
      return isMalformed(value) ? value : { aggregator: value };
    },
  },
  [AttributeType.communities]: {
    name: 'COMMUNITIES',
    category: 'optional-transitive',
    onMalformed: 'treat-as-withdraw',
    decode: (b, start, end) => {
      const value = communities(b, start, end);
      return isMalformed(value) ? value : { communities: value };
    },
  },
  [AttributeType.originatorId]: {
    name: 'ORIGINATOR_ID',
    category: 'optional-non-transitive',
    onMalformed: 'treat-as-withdraw',
    decode: (b, start, end) =>
      end - start !== 4 ? lengthError('ORIGINATOR_ID', end - start, '4') : { originatorId: u32(b, start) },
  },
  [AttributeType.clusterList]: {
    name: 'CLUSTER_LIST',
    category: 'optional-non-transitive',
    onMalformed: 'treat-as-withdraw',
    decode: (b, start, end) => {
      const value = clusterList(b, start, end);
      return isMalformed(value) ? value : { clusterList: value };
    },
  },
  [AttributeType.mpReachNlri]: {
    name: 'MP_REACH_NLRI',
    category: 'optional-non-transitive',
    onMalformed: 'session-reset',
    decode: (b, start, end) => {
      const value = decodeMpReach(b, start, end);
      if ('syntax' in value) return optionalError(`MP_REACH_NLRI ${value.syntax}`);
      if ('unsupported' in value)
        return {
          malformed: `MP_REACH_NLRI for ${value.unsupported} is not supported`,
          subcode: UpdateSubcode.optionalAttributeError,
          action: 'attribute-discard',
        };
      return { mpReach: value };
    },
  },
  [AttributeType.mpUnreachNlri]: {
    name: 'MP_UNREACH_NLRI',
    category: 'optional-non-transitive',
    onMalformed: 'session-reset',
    decode: (b, start, end) => {
      const value = decodeMpUnreach(b, start, end);
      if ('syntax' in value) return optionalError(`MP_UNREACH_NLRI ${value.syntax}`);
      if ('unsupported' in value)
        return {
          malformed: `MP_UNREACH_NLRI for ${value.unsupported} is not supported`,
          subcode: UpdateSubcode.optionalAttributeError,
          action: 'attribute-discard',
        };
      return { mpUnreach: value };
    },
  },
  [AttributeType.extendedCommunities]: {
    name: 'EXTENDED_COMMUNITIES',
    category: 'optional-transitive',
    onMalformed: 'treat-as-withdraw',
    decode: (b, start, end) => {
      const value = extendedCommunities(b, start, end);
      return isMalformed(value) ? value : { extendedCommunities: value };
    },
  },
  [AttributeType.as4Path]: {
    name: 'AS4_PATH',
    category: 'optional-transitive',
    // RFC 6793 §6: a malformed AS4_PATH is discarded, the UPDATE kept.
    onMalformed: 'attribute-discard',
    decode: (b, start, end, ctx) => {
      if (ctx.fourOctetAs)
        return {
          malformed: 'AS4_PATH from a 4-octet AS speaker',
          subcode: UpdateSubcode.optionalAttributeError,
        };
      const segments = asPath(b, start, end, 4, 'AS4_PATH');
      return isMalformed(segments) ? segments : { as4Path: segments };
    },
  },
  [AttributeType.as4Aggregator]: {
    name: 'AS4_AGGREGATOR',
    category: 'optional-transitive',
    onMalformed: 'attribute-discard',
    decode: (b, start, end, ctx) => {
      if (ctx.fourOctetAs)
        return {
          malformed: 'AS4_AGGREGATOR from a 4-octet AS speaker',
          subcode: UpdateSubcode.optionalAttributeError,
        };
      const value = aggregator('AS4_AGGREGATOR', 4, b, start, end);
      return isMalformed(value) ? value : { as4Aggregator: value };
    },
  },
  [AttributeType.largeCommunities]: {
    name: 'LARGE_COMMUNITIES',
    category: 'optional-transitive',
    onMalformed: 'treat-as-withdraw',
    decode: (b, start, end) => {
      const value = largeCommunities(b, start, end);
      return isMalformed(value) ? value : { largeCommunities: value };
    },
  },
};

export { isMalformed };

/** The Optional/Transitive flag bits each category requires (Partial only allowed when optional transitive). */
export const CATEGORY_FLAGS: Readonly<Record<Category, number>> = {
  'well-known': 0x40,
  'optional-transitive': 0xc0,
  'optional-non-transitive': 0x80,
};

export const attributeName = (type: number): string => RULES[type]?.name ?? `attribute ${type}`;
