// OPEN (RFC 4271 §4.2) with Capabilities optional parameters (RFC 5492), the 4-octet AS number
// convention (RFC 6793: My AS is AS_TRANS when the real number needs 32 bits) and the extended
// optional-parameters length of RFC 9072.
import { decodeCapabilities, writeCapability, type Capability } from './capabilities.js';
import {
  AS_TRANS,
  BGP_VERSION,
  HEADER_LENGTH,
  MessageType,
  OPTIONAL_PARAMETER_CAPABILITIES,
  OPTIONAL_PARAMETERS_EXTENDED,
} from './constants.js';
import { BgpError, sessionReset } from './errors.js';
import { finishMessage, startMessage } from './framing.js';
import { ErrorCode, OpenSubcode } from './notification-codes.js';

export interface OpenMessage {
  readonly type: 'open';
  readonly version: number;
  /** The 2-octet My AS field: AS_TRANS (23456) when the speaker's ASN is above 65535. */
  readonly myAs: number;
  /** Seconds; 0 (no keepalives) or at least 3. */
  readonly holdTime: number;
  /** BGP Identifier as an unsigned 32-bit number (compared as such in collision resolution). */
  readonly identifier: number;
  /** Capabilities as grouped on the wire: one array per Capabilities optional parameter. */
  readonly capabilityGroups: readonly (readonly Capability[])[];
  /** Whether the RFC 9072 extended parameter format was (or must be) used. */
  readonly extendedParameters?: boolean;
}

const FIELD = 'OPEN';
const malformed = (field: string, detail: string): BgpError =>
  sessionReset(`${FIELD}.${field}`, detail, ErrorCode.openMessage, OpenSubcode.unspecific);

/** Decodes an OPEN message (header included; its length already checked). */
export function decodeOpen(message: Uint8Array): OpenMessage | BgpError {
  const at = HEADER_LENGTH;
  const version = message[at] ?? 0;
  if (version !== BGP_VERSION) {
    return sessionReset(
      `${FIELD}.version`,
      `version ${version}; only 4 is supported`,
      ErrorCode.openMessage,
      OpenSubcode.unsupportedVersionNumber,
      Uint8Array.of(0, BGP_VERSION),
    );
  }
  const myAs = ((message[at + 1] ?? 0) << 8) | (message[at + 2] ?? 0);
  const holdTime = ((message[at + 3] ?? 0) << 8) | (message[at + 4] ?? 0);
  const identifier =
    (message[at + 5] ?? 0) * 0x1000000 +
    ((message[at + 6] ?? 0) << 16) +
    ((message[at + 7] ?? 0) << 8) +
    (message[at + 8] ?? 0);
  if (myAs === 0) {
    // RFC 7607: AS 0 is never a peer's AS.
    return sessionReset(`${FIELD}.myAs`, 'AS 0', ErrorCode.openMessage, OpenSubcode.badPeerAs);
  }
  if (holdTime === 1 || holdTime === 2) {
    return sessionReset(
      `${FIELD}.holdTime`,
      `hold time ${holdTime}s; must be 0 or at least 3`,
      ErrorCode.openMessage,
      OpenSubcode.unacceptableHoldTime,
    );
  }
  if (identifier === 0) {
    return sessionReset(
      `${FIELD}.identifier`,
      'BGP identifier 0.0.0.0 (RFC 6286)',
      ErrorCode.openMessage,
      OpenSubcode.badBgpIdentifier,
    );
  }
  const parameters = decodeParameters(message, at + 9);
  if (parameters instanceof BgpError) return parameters;
  const fourOctet = parameters.groups.flat().find((c) => c.kind === 'four-octet-as');
  if (fourOctet?.asn === 0) {
    return sessionReset(
      `${FIELD}.capabilities.fourOctetAs`,
      'AS 0',
      ErrorCode.openMessage,
      OpenSubcode.badPeerAs,
    );
  }
  return {
    type: 'open',
    version,
    myAs,
    holdTime,
    identifier,
    capabilityGroups: parameters.groups,
    ...(parameters.extended ? { extendedParameters: true } : {}),
  };
}

function decodeParameters(
  message: Uint8Array,
  lengthAt: number,
): { groups: Capability[][]; extended: boolean } | BgpError {
  let length = message[lengthAt] ?? 0;
  let offset = lengthAt + 1;
  // RFC 9072: a length of 255 with a first parameter type of 255 announces 2-byte lengths.
  const extended = length === 255 && message[offset] === OPTIONAL_PARAMETERS_EXTENDED;
  if (extended) {
    if (offset + 3 > message.length)
      return malformed('optionalParametersLength', 'extended length truncated');
    length = ((message[offset + 1] ?? 0) << 8) | (message[offset + 2] ?? 0);
    offset += 3;
  }
  if (offset + length !== message.length) {
    return malformed(
      'optionalParametersLength',
      `${length} bytes of parameters but ${message.length - offset} in the message`,
    );
  }
  const headerSize = extended ? 3 : 2;
  const groups: Capability[][] = [];
  let index = 0;
  for (const end = offset + length; offset < end; index++) {
    if (offset + headerSize > end) return malformed(`parameters[${index}]`, 'parameter header truncated');
    const type = message[offset] ?? 0;
    const size = extended
      ? ((message[offset + 1] ?? 0) << 8) | (message[offset + 2] ?? 0)
      : (message[offset + 1] ?? 0);
    const valueStart = offset + headerSize;
    if (valueStart + size > end)
      return malformed(`parameters[${index}]`, `length ${size} runs past the parameters`);
    if (type !== OPTIONAL_PARAMETER_CAPABILITIES) {
      return sessionReset(
        `${FIELD}.parameters[${index}]`,
        `unsupported optional parameter type ${type}`,
        ErrorCode.openMessage,
        OpenSubcode.unsupportedOptionalParameter,
      );
    }
    const capabilities = decodeCapabilities(message, valueStart, valueStart + size);
    if (typeof capabilities === 'string') return malformed(`parameters[${index}].capabilities`, capabilities);
    groups.push(capabilities);
    offset = valueStart + size;
  }
  return { groups, extended };
}

export function encodeOpen(open: OpenMessage): Uint8Array {
  const writer = startMessage(MessageType.open, 128);
  writer.u8(open.version).u16(open.myAs).u16(open.holdTime).u32(open.identifier);
  const lengthAt = writer.length;
  writer.u8(0);
  // Parameters are written with 1-byte lengths first; if any does not fit, rewrite extended.
  const start = writer.length;
  const extended = open.extendedParameters === true || !fitsShortFormat(open);
  if (extended) writer.u8(OPTIONAL_PARAMETERS_EXTENDED).u16(0);
  for (const group of open.capabilityGroups) {
    writer.u8(OPTIONAL_PARAMETER_CAPABILITIES);
    const sizeAt = writer.length;
    if (extended) writer.u16(0);
    else writer.u8(0);
    const valueStart = writer.length;
    for (const capability of group) writeCapability(writer, capability);
    const size = writer.length - valueStart;
    if (extended) writer.patch16(sizeAt, size);
    else writer.patch8(sizeAt, size);
  }
  if (extended) {
    writer.patch8(lengthAt, 255);
    writer.patch16(start + 1, writer.length - start - 3);
  } else {
    writer.patch8(lengthAt, writer.length - start);
  }
  return finishMessage(writer);
}

const capabilitySize = (c: Capability): number => {
  switch (c.kind) {
    case 'multiprotocol':
    case 'four-octet-as':
      return 6;
    case 'route-refresh':
      return 2;
    case 'graceful-restart':
      return 4 + 4 * c.families.length;
    case 'unknown':
      return 2 + c.value.length;
  }
};

function fitsShortFormat(open: OpenMessage): boolean {
  let total = 0;
  for (const group of open.capabilityGroups) {
    const size = group.reduce((sum, c) => sum + capabilitySize(c), 0);
    if (size > 255) return false;
    total += 2 + size;
  }
  return total <= 255;
}

/** Every capability of an OPEN, whatever parameter it came in. */
export const capabilitiesOf = (open: OpenMessage): Capability[] => open.capabilityGroups.flat();

/** The peer's real AS number: the 4-octet AS capability's if present, else My AS. */
export function asnOf(open: OpenMessage): number {
  const fourOctet = capabilitiesOf(open).find((c) => c.kind === 'four-octet-as');
  return fourOctet?.kind === 'four-octet-as' ? fourOctet.asn : open.myAs;
}

export interface OpenSpec {
  readonly asn: number;
  readonly holdTime: number;
  readonly identifier: number;
  /** Other capabilities; the 4-octet AS capability is added with `asn`. */
  readonly capabilities: readonly Capability[];
}

/** An OPEN for our side: My AS is AS_TRANS above 65535, and the 4-octet AS capability carries the ASN. */
export function openFor(spec: OpenSpec): OpenMessage {
  const capabilities = [
    ...spec.capabilities.filter((c) => c.kind !== 'four-octet-as'),
    { kind: 'four-octet-as', asn: spec.asn } as const,
  ];
  return {
    type: 'open',
    version: BGP_VERSION,
    myAs: spec.asn > 0xffff ? AS_TRANS : spec.asn,
    holdTime: spec.holdTime,
    identifier: spec.identifier,
    capabilityGroups: [capabilities],
  };
}
