// The optional authentication section (RFC 5880 §4.2–4.4). Herald does not authenticate
// sessions yet; the codec still reads every known type exactly (so captures from FRR/BIRD with
// authentication decode and re-encode byte for byte) and carries unknown types as opaque bytes,
// skipped by their length.
import { BfdDecodeError } from './errors.js';

export const AUTH_TYPES = [
  'reserved',
  'simplePassword',
  'keyedMd5',
  'meticulousKeyedMd5',
  'keyedSha1',
  'meticulousKeyedSha1',
] as const;

export type BfdAuthentication =
  | { readonly type: 'simplePassword'; readonly keyId: number; readonly password: Uint8Array }
  | {
      readonly type: 'keyedMd5' | 'meticulousKeyedMd5' | 'keyedSha1' | 'meticulousKeyedSha1';
      readonly keyId: number;
      /** Must be sent as zero and ignored on receipt; kept so re-encoding gives the same bytes. */
      readonly reserved: number;
      readonly sequenceNumber: number;
      /** 16 bytes (MD5) or 20 bytes (SHA1). */
      readonly digest: Uint8Array;
    }
  | { readonly type: 'unknown'; readonly code: number; readonly data: Uint8Array };

const DIGEST_LENGTH = {
  keyedMd5: 16,
  meticulousKeyedMd5: 16,
  keyedSha1: 20,
  meticulousKeyedSha1: 20,
} as const;
/** Auth Type + Auth Len + Key ID + Reserved + Sequence Number. */
const DIGEST_PREFIX = 8;
const MAX_PASSWORD = 16;

/** Decodes the section starting at `section[0]`; `section` ends where the packet's Length ends.
 * Byte fields are copied into plain Uint8Arrays (not views of, or Buffers like, the input). */
export function decodeAuthentication(section: Uint8Array): BfdAuthentication | BfdDecodeError {
  const code = section[0] ?? 0;
  const length = section[1] ?? 0;
  if (length < 2 || length > section.length) {
    return new BfdDecodeError(
      'malformedAuthentication',
      'authentication.length',
      `Auth Len ${length} with ${section.length} bytes left in the packet`,
    );
  }
  const body = section.subarray(0, length);
  const type = AUTH_TYPES[code];
  if (type === 'simplePassword') {
    if (length < 4 || length > 3 + MAX_PASSWORD) return badLength(type, length, '4..19');
    return { type, keyId: body[2] ?? 0, password: Uint8Array.from(body.subarray(3)) };
  }
  if (type === undefined || type === 'reserved')
    return { type: 'unknown', code, data: Uint8Array.from(body.subarray(2)) };
  const expected = DIGEST_PREFIX + DIGEST_LENGTH[type];
  if (length !== expected) return badLength(type, length, String(expected));
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  return {
    type,
    keyId: body[2] ?? 0,
    reserved: body[3] ?? 0,
    sequenceNumber: view.getUint32(4),
    digest: Uint8Array.from(body.subarray(DIGEST_PREFIX)),
  };
}

/** The section's bytes, Auth Type and Auth Len included. */
export function encodeAuthentication(auth: BfdAuthentication): Uint8Array {
  switch (auth.type) {
    case 'simplePassword': {
      const password = auth.password.subarray(0, MAX_PASSWORD);
      return Uint8Array.from([1, 3 + password.length, auth.keyId & 0xff, ...password]);
    }
    case 'unknown': {
      const data = auth.data.subarray(0, 253);
      return Uint8Array.from([auth.code & 0xff, 2 + data.length, ...data]);
    }
    case 'keyedMd5':
    case 'meticulousKeyedMd5':
    case 'keyedSha1':
    case 'meticulousKeyedSha1': {
      const digestLength = DIGEST_LENGTH[auth.type];
      const out = new Uint8Array(DIGEST_PREFIX + digestLength);
      out[0] = AUTH_TYPES.indexOf(auth.type);
      out[1] = out.length;
      out[2] = auth.keyId & 0xff;
      out[3] = auth.reserved & 0xff;
      new DataView(out.buffer).setUint32(4, auth.sequenceNumber >>> 0);
      out.set(auth.digest.subarray(0, digestLength), DIGEST_PREFIX);
      return out;
    }
  }
}

function badLength(type: string, length: number, expected: string): BfdDecodeError {
  return new BfdDecodeError(
    'malformedAuthentication',
    'authentication.length',
    `Auth Len ${length} for ${type}, expected ${expected}`,
  );
}
