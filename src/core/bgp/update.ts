// UPDATE (RFC 4271 §4.3): withdrawn IPv4 routes, path attributes, IPv4 NLRI; IPv6 (and any
// multiprotocol) routes travel in MP_REACH/MP_UNREACH attributes (RFC 4760). Errors follow
// RFC 7606: the decoded UPDATE carries its non-fatal `issues`; a fatal one is returned instead.
import type { Prefix } from '../net/ip.js';
import { decodeAttributes } from './attributes/decode.js';
import { writeAttributes, type EncodeOptions } from './attributes/encode.js';
import type { AttributeSlot, PathAttributes } from './attributes/types.js';
import { AttributeType, HEADER_LENGTH, MessageType } from './constants.js';
import { BgpError, sessionReset, strongestAction, type ErrorAction } from './errors.js';
import { finishMessage, startMessage } from './framing.js';
import { ErrorCode, UpdateSubcode } from './notification-codes.js';
import { decodePrefixes, writePrefix } from './nlri.js';

export interface UpdateMessage {
  readonly type: 'update';
  /** IPv4 routes withdrawn in the Withdrawn Routes field (IPv6 ones are in attributes.mpUnreach). */
  readonly withdrawn: readonly Prefix[];
  readonly attributes: PathAttributes;
  /** IPv4 routes announced in the NLRI field (IPv6 ones are in attributes.mpReach). */
  readonly nlri: readonly Prefix[];
  /** Set by the decoder: attribute order and flags as received (see attributes/encode.ts). */
  readonly layout?: readonly AttributeSlot[];
  /** Set by the decoder: RFC 7606 errors that did not reset the session. */
  readonly issues?: readonly BgpError[];
}

export interface UpdateDecodeOptions {
  /** Whether both sides sent the 4-octet AS capability (AS_PATH with 4-byte ASNs). Default true. */
  readonly fourOctetAs?: boolean;
  /** The kind of session, for the rules that depend on it (LOCAL_PREF, confederation segments). */
  readonly peer?: 'internal' | 'external';
}

const FIELD = 'UPDATE';
const u16 = (b: Uint8Array, at: number): number => ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);

/** Decodes an UPDATE (header included; its length, at least 23, already checked). */
export function decodeUpdate(
  message: Uint8Array,
  options: UpdateDecodeOptions = {},
): UpdateMessage | BgpError {
  const end = message.length;
  const withdrawnLength = u16(message, HEADER_LENGTH);
  const withdrawnStart = HEADER_LENGTH + 2;
  const attributesLengthAt = withdrawnStart + withdrawnLength;
  if (attributesLengthAt + 2 > end) {
    return malformedList(
      'withdrawnRoutesLength',
      `${withdrawnLength} bytes of withdrawn routes overrun the message`,
    );
  }
  const attributesLength = u16(message, attributesLengthAt);
  const attributesStart = attributesLengthAt + 2;
  const nlriStart = attributesStart + attributesLength;
  if (nlriStart > end) {
    return malformedList(
      'totalPathAttributeLength',
      `${attributesLength} bytes of attributes overrun the message`,
    );
  }
  // RFC 7606 §5.3: routes whose boundaries cannot be found cannot be withdrawn; reset.
  const withdrawn = decodePrefixes(message, withdrawnStart, attributesLengthAt, 4);
  if (typeof withdrawn === 'string') return invalidNetwork('withdrawnRoutes', withdrawn);
  const nlri = decodePrefixes(message, nlriStart, end, 4);
  if (typeof nlri === 'string') return invalidNetwork('nlri', nlri);
  const decoded = decodeAttributes(message, attributesStart, nlriStart, {
    fourOctetAs: options.fourOctetAs ?? true,
    peer: options.peer,
  });
  if (decoded instanceof BgpError) return decoded;
  const { attributes, layout, issues } = decoded;
  if (nlri.length > 0 || (attributes.mpReach?.nlri.length ?? 0) > 0) {
    // RFC 7606 §3(d): routes without a well-known mandatory attribute are withdrawn.
    const missing: [string, number][] = [];
    if (!attributes.origin) missing.push(['ORIGIN', AttributeType.origin]);
    if (!attributes.asPath) missing.push(['AS_PATH', AttributeType.asPath]);
    if (nlri.length > 0 && !attributes.nextHop) missing.push(['NEXT_HOP', AttributeType.nextHop]);
    for (const [name, type] of missing) {
      if (issues.some((i) => i.field === `${FIELD}.attributes.${name}`)) continue;
      issues.push(
        new BgpError('treat-as-withdraw', `${FIELD}.attributes.${name}`, 'missing', {
          code: ErrorCode.updateMessage,
          subcode: UpdateSubcode.missingWellKnownAttribute,
          data: Uint8Array.of(type),
        }),
      );
    }
  }
  return {
    type: 'update',
    withdrawn,
    attributes,
    nlri,
    layout,
    ...(issues.length > 0 ? { issues } : {}),
  };
}

const malformedList = (field: string, detail: string): BgpError =>
  sessionReset(`${FIELD}.${field}`, detail, ErrorCode.updateMessage, UpdateSubcode.malformedAttributeList);
const invalidNetwork = (field: string, detail: string): BgpError =>
  sessionReset(`${FIELD}.${field}`, detail, ErrorCode.updateMessage, UpdateSubcode.invalidNetworkField);

export function encodeUpdate(update: Omit<UpdateMessage, 'type'>, options: EncodeOptions = {}): Uint8Array {
  const writer = startMessage(MessageType.update, 256);
  const withdrawnAt = writer.reserve16();
  for (const prefix of update.withdrawn) writePrefix(writer, prefix);
  writer.patch16(withdrawnAt, writer.length - withdrawnAt - 2);
  const attributesAt = writer.reserve16();
  writeAttributes(writer, update.attributes, options, update.layout);
  writer.patch16(attributesAt, writer.length - attributesAt - 2);
  for (const prefix of update.nlri) writePrefix(writer, prefix);
  return finishMessage(writer);
}

/** What the receiver must do with the UPDATE: 'accept' it, or the strongest RFC 7606 action. */
export const updateAction = (update: UpdateMessage): ErrorAction | 'accept' =>
  strongestAction(update.issues ?? []) ?? 'accept';

/**
 * The routes an UPDATE announces and withdraws, IPv4 and IPv6 together. Under treat-as-withdraw
 * every announced route counts as withdrawn (RFC 7606 §2).
 */
export function routeChanges(update: UpdateMessage): { announced: Prefix[]; withdrawn: Prefix[] } {
  const announced = [...update.nlri, ...(update.attributes.mpReach?.nlri ?? [])];
  const withdrawn = [...update.withdrawn, ...(update.attributes.mpUnreach?.withdrawn ?? [])];
  if (updateAction(update) === 'treat-as-withdraw')
    return { announced: [], withdrawn: [...withdrawn, ...announced] };
  return { announced, withdrawn };
}

/** RFC 4724 §2: an UPDATE with nothing in it (IPv4), or only an empty MP_UNREACH (other families). */
export function endOfRibFamily(update: UpdateMessage): 4 | 6 | undefined {
  const a = update.attributes;
  if (update.withdrawn.length > 0 || update.nlri.length > 0) return undefined;
  const keys = Object.keys(a).filter((k) => a[k as keyof typeof a] !== undefined);
  if (keys.length === 0) return 4;
  if (keys.length === 1 && a.mpUnreach && a.mpUnreach.withdrawn.length === 0) return a.mpUnreach.family;
  return undefined;
}

export const endOfRib = (family: 4 | 6): UpdateMessage => ({
  type: 'update',
  withdrawn: [],
  nlri: [],
  attributes: family === 4 ? {} : { mpUnreach: { family, withdrawn: [] } },
});
