// Why a received BFD control packet is discarded (RFC 5880 §6.8.6), naming the field at fault.
// Decoding never throws: every input becomes a packet or one of these.

export type BfdDecodeReason =
  | 'truncated'
  | 'unsupportedVersion'
  | 'lengthTooShort'
  | 'lengthExceedsPayload'
  | 'zeroDetectMultiplier'
  | 'multipointSet'
  | 'zeroMyDiscriminator'
  | 'zeroYourDiscriminator'
  | 'authenticationMismatch'
  | 'malformedAuthentication';

export class BfdDecodeError {
  readonly name = 'BfdDecodeError';
  constructor(
    readonly reason: BfdDecodeReason,
    /** The packet field, as named in RFC 5880 §4.1 (camelCase), e.g. `detectMultiplier`. */
    readonly field: string,
    readonly detail: string,
  ) {}
}

export const isBfdDecodeError = (value: unknown): value is BfdDecodeError => value instanceof BfdDecodeError;
