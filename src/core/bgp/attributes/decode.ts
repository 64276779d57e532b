// The path attributes of an UPDATE with RFC 7606 error handling: each problem becomes a BgpError
// with its action; only what makes the rest of the message unreadable resets the session.
import { AttributeFlag, AttributeType } from '../constants.js';
import { BgpError, sessionReset } from '../errors.js';
import { ErrorCode, UpdateSubcode } from '../notification-codes.js';
import { CATEGORY_FLAGS, RULES, isMalformed, type DecodeContext, type DecodedValue } from './rules.js';
import type { AttributeSlot, PathAttributes, UnknownAttribute } from './types.js';

export interface DecodedAttributes {
  readonly attributes: PathAttributes;
  readonly layout: AttributeSlot[];
  /** Errors that did not reset the session (treat-as-withdraw, attribute-discard). */
  readonly issues: BgpError[];
}

const FIELD = 'UPDATE.attributes';
const FLAG_BITS = AttributeFlag.optional | AttributeFlag.transitive | AttributeFlag.partial;

/** Decodes `bytes[start, end)`, the Path Attributes field. */
export function decodeAttributes(
  bytes: Uint8Array,
  start: number,
  end: number,
  ctx: DecodeContext,
): DecodedAttributes | BgpError {
  const attributes: DecodedValue = {};
  const unknown: UnknownAttribute[] = [];
  const layout: AttributeSlot[] = [];
  const issues: BgpError[] = [];
  const seen = new Set<number>();
  let offset = start;
  while (offset < end) {
    const flags = bytes[offset] ?? 0;
    const headerSize = flags & AttributeFlag.extendedLength ? 4 : 3;
    // RFC 7606 §4: a header or value running past the field is treat-as-withdraw; the Total Path
    // Attribute Length still locates the NLRI.
    if (offset + headerSize > end) {
      issues.push(listError(`attribute header at byte ${offset - start} is truncated`));
      break;
    }
    const type = bytes[offset + 1] ?? 0;
    const length =
      headerSize === 4
        ? ((bytes[offset + 2] ?? 0) << 8) | (bytes[offset + 3] ?? 0)
        : (bytes[offset + 2] ?? 0);
    const valueStart = offset + headerSize;
    const valueEnd = valueStart + length;
    if (valueEnd > end) {
      issues.push(listError(`attribute ${type} of length ${length} runs past the attributes`));
      break;
    }
    const attributeStart = offset;
    offset = valueEnd;
    const rule = RULES[type];
    const name = rule?.name ?? `attribute ${type}`;
    const field = `${FIELD}.${name}`;
    if (seen.has(type)) {
      // RFC 7606 §3(g): a repeated MP attribute is fatal; any other repeat is dropped.
      if (type === AttributeType.mpReachNlri || type === AttributeType.mpUnreachNlri) {
        return sessionReset(
          field,
          'appears twice',
          ErrorCode.updateMessage,
          UpdateSubcode.malformedAttributeList,
        );
      }
      issues.push(
        issue(
          'attribute-discard',
          field,
          'appears twice; later copies dropped',
          UpdateSubcode.malformedAttributeList,
          bytes.slice(attributeStart, valueEnd),
        ),
      );
      continue;
    }
    seen.add(type);
    if (!rule) {
      if (!(flags & AttributeFlag.optional)) {
        return sessionReset(
          field,
          'unrecognized well-known attribute',
          ErrorCode.updateMessage,
          UpdateSubcode.unrecognizedWellKnownAttribute,
          bytes.slice(attributeStart, valueEnd),
        );
      }
      unknown.push({ flags, type, value: bytes.slice(valueStart, valueEnd) });
      layout.push({ type, flags });
      continue;
    }
    const expected = CATEGORY_FLAGS[rule.category];
    const partialAllowed = rule.category === 'optional-transitive';
    const actual = flags & FLAG_BITS;
    if (
      (actual & ~AttributeFlag.partial) !== expected ||
      (!partialAllowed && actual & AttributeFlag.partial)
    ) {
      // RFC 7606 §3(c): wrong flags make the attribute malformed; an MP attribute we cannot trust
      // leaves routes we cannot account for, so that resets (§3(j)).
      const detail = `flags 0x${flags.toString(16)} do not match a ${rule.category} attribute`;
      if (rule.onMalformed === 'session-reset') {
        return sessionReset(
          field,
          detail,
          ErrorCode.updateMessage,
          UpdateSubcode.attributeFlagsError,
          bytes.slice(attributeStart, valueEnd),
        );
      }
      issues.push(
        issue(
          'treat-as-withdraw',
          field,
          detail,
          UpdateSubcode.attributeFlagsError,
          bytes.slice(attributeStart, valueEnd),
        ),
      );
      continue;
    }
    const value = rule.decode(bytes, valueStart, valueEnd, ctx);
    if (isMalformed(value)) {
      const action = value.action ?? rule.onMalformed;
      if (action === 'session-reset') {
        return sessionReset(
          field,
          value.malformed,
          ErrorCode.updateMessage,
          value.subcode,
          bytes.slice(attributeStart, valueEnd),
        );
      }
      issues.push(
        issue(action, field, value.malformed, value.subcode, bytes.slice(attributeStart, valueEnd)),
      );
      continue;
    }
    Object.assign(attributes, value);
    layout.push({ type, flags });
  }
  if (unknown.length > 0) attributes.unknown = unknown;
  return { attributes, layout, issues };
}

const issue = (
  action: 'treat-as-withdraw' | 'attribute-discard',
  field: string,
  detail: string,
  subcode: number,
  data: Uint8Array,
): BgpError => new BgpError(action, field, detail, { code: ErrorCode.updateMessage, subcode, data });

const listError = (detail: string): BgpError =>
  issue('treat-as-withdraw', FIELD, detail, UpdateSubcode.malformedAttributeList, new Uint8Array(0));
