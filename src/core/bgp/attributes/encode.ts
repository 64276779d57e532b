// Writing path attributes. Canonical order is MP_REACH/MP_UNREACH first (RFC 7606 §5.1, so a
// receiver can always find the NLRI), then ascending type code; the Extended Length bit only
// when a value exceeds 255 bytes. A decoded UPDATE's layout (order and flags as received)
// overrides both, so what was received re-encodes byte for byte.
import { ipToBytes, ByteWriter } from '../bytes.js';
import { AS_TRANS, AttributeFlag, AttributeType } from '../constants.js';
import { writeAsPath } from './as-path.js';
import { writeMpReach, writeMpUnreach } from './mp-nlri.js';
import { CATEGORY_FLAGS, RULES } from './rules.js';
import type { Aggregator, AttributeSlot, Origin, PathAttributes } from './types.js';

export interface EncodeOptions {
  /** 4-byte AS numbers in AS_PATH and AGGREGATOR (the peers agreed on RFC 6793). Default true. */
  readonly fourOctetAs?: boolean;
}

interface Pending {
  readonly type: number;
  readonly flags: number;
  readonly value: Uint8Array;
}

const write = (fill: (w: ByteWriter) => void): Uint8Array => {
  const writer = new ByteWriter(64);
  fill(writer);
  return writer.finish();
};

const aggregatorValue = (a: Aggregator, asSize: 2 | 4): Uint8Array =>
  write((w) => {
    if (asSize === 4) w.u32(a.asn);
    else w.u16(a.asn > 0xffff ? AS_TRANS : a.asn);
    w.bytes(ipToBytes(a.address));
  });

/** The value bytes of every attribute present, keyed by type code. */
function values(a: PathAttributes, asSize: 2 | 4): Map<number, Uint8Array> {
  const out = new Map<number, Uint8Array>();
  const { mpReach, mpUnreach, asPath, med, localPref, communities, originatorId, clusterList } = a;
  const { extendedCommunities, as4Path, largeCommunities } = a;
  if (mpReach)
    out.set(
      AttributeType.mpReachNlri,
      write((w) => writeMpReach(w, mpReach)),
    );
  if (mpUnreach)
    out.set(
      AttributeType.mpUnreachNlri,
      write((w) => writeMpUnreach(w, mpUnreach)),
    );
  if (a.origin) out.set(AttributeType.origin, Uint8Array.of(ORIGIN_CODES[a.origin]));
  if (asPath)
    out.set(
      AttributeType.asPath,
      write((w) => writeAsPath(w, asPath, asSize)),
    );
  if (a.nextHop) out.set(AttributeType.nextHop, ipToBytes(a.nextHop));
  if (med !== undefined)
    out.set(
      AttributeType.multiExitDisc,
      write((w) => w.u32(med)),
    );
  if (localPref !== undefined)
    out.set(
      AttributeType.localPref,
      write((w) => w.u32(localPref)),
    );
  if (a.atomicAggregate) out.set(AttributeType.atomicAggregate, new Uint8Array(0));
  if (a.aggregator) out.set(AttributeType.aggregator, aggregatorValue(a.aggregator, asSize));
  if (communities) {
    out.set(
      AttributeType.communities,
      write((w) => communities.forEach((c) => w.u16(c.asn).u16(c.value))),
    );
  }
  if (originatorId !== undefined)
    out.set(
      AttributeType.originatorId,
      write((w) => w.u32(originatorId)),
    );
  if (clusterList)
    out.set(
      AttributeType.clusterList,
      write((w) => clusterList.forEach((id) => w.u32(id))),
    );
  if (extendedCommunities) {
    out.set(
      AttributeType.extendedCommunities,
      write((w) => extendedCommunities.forEach((c) => w.u32(Number(c >> 32n)).u32(Number(c & 0xffffffffn)))),
    );
  }
  if (as4Path)
    out.set(
      AttributeType.as4Path,
      write((w) => writeAsPath(w, as4Path, 4)),
    );
  if (a.as4Aggregator) out.set(AttributeType.as4Aggregator, aggregatorValue(a.as4Aggregator, 4));
  if (largeCommunities) {
    out.set(
      AttributeType.largeCommunities,
      write((w) => largeCommunities.forEach((c) => w.u32(c.global).u32(c.local1).u32(c.local2))),
    );
  }
  return out;
}

const ORIGIN_CODES: Readonly<Record<Origin, number>> = { igp: 0, egp: 1, incomplete: 2 };

const canonicalRank = (type: number): number =>
  type === AttributeType.mpReachNlri ? -2 : type === AttributeType.mpUnreachNlri ? -1 : type;

/** The attributes in wire order with their flags. */
function pending(
  attributes: PathAttributes,
  options: EncodeOptions,
  layout?: readonly AttributeSlot[],
): Pending[] {
  const asSize = options.fourOctetAs === false ? 2 : 4;
  const known = values(attributes, asSize);
  const items: Pending[] = [];
  for (const [type, value] of known) {
    const rule = RULES[type];
    items.push({ type, flags: rule ? CATEGORY_FLAGS[rule.category] : AttributeFlag.optional, value });
  }
  for (const u of attributes.unknown ?? []) items.push({ type: u.type, flags: u.flags, value: u.value });
  const position = new Map<number, number>();
  const layoutFlags = new Map<number, number>();
  layout?.forEach((slot, i) => {
    position.set(slot.type, i);
    layoutFlags.set(slot.type, slot.flags);
  });
  const rank = (p: Pending): number => position.get(p.type) ?? layout?.length ?? 0;
  items.sort((x, y) => rank(x) - rank(y) || canonicalRank(x.type) - canonicalRank(y.type));
  return items.map((p) => {
    const fromLayout = RULES[p.type] ? layoutFlags.get(p.type) : undefined;
    const flags = fromLayout ?? p.flags;
    return { ...p, flags: p.value.length > 255 ? flags | AttributeFlag.extendedLength : flags };
  });
}

/** Writes the Path Attributes field (without its length). */
export function writeAttributes(
  writer: ByteWriter,
  attributes: PathAttributes,
  options: EncodeOptions = {},
  layout?: readonly AttributeSlot[],
): void {
  for (const item of pending(attributes, options, layout)) {
    writer.u8(item.flags).u8(item.type);
    if (item.flags & AttributeFlag.extendedLength) writer.u16(item.value.length);
    else writer.u8(item.value.length);
    writer.bytes(item.value);
  }
}
