// Decoding and encoding of BFD control packets (RFC 5880 §4.1). The decoder applies the
// reception checks of §6.8.6 that need nothing but the packet (version, length, detect
// multiplier, multipoint, discriminators, the A bit against whether the session authenticates);
// the checks that need the session (TTL, which session, state) belong to the session machine.
import { decodeAuthentication, encodeAuthentication } from './authentication.js';
import { BfdDecodeError } from './errors.js';
import { BFD_HEADER_LENGTH, BFD_STATES, BFD_VERSION, type BfdControlPacket, stateCode } from './packet.js';

export interface BfdDecodeOptions {
  /** bfd.AuthType ≠ 0 for the receiving session: packets must then carry the A bit, else not. */
  readonly authenticationInUse?: boolean;
}

const FLAG = { poll: 0x20, final: 0x10, cpi: 0x08, auth: 0x04, demand: 0x02, multipoint: 0x01 } as const;
const MIN_LENGTH_WITH_AUTH = BFD_HEADER_LENGTH + 2;

/** `payload` is the UDP payload; bytes past the packet's Length field are ignored. */
export function decodeControlPacket(
  payload: Uint8Array,
  options: BfdDecodeOptions = {},
): BfdControlPacket | BfdDecodeError {
  const first = payload[0];
  if (first === undefined) return new BfdDecodeError('truncated', 'version', 'empty payload');
  const version = first >>> 5;
  if (version !== BFD_VERSION)
    return new BfdDecodeError('unsupportedVersion', 'version', `version ${version}`);
  const flags = payload[1];
  const length = payload[3];
  if (flags === undefined || length === undefined) {
    return new BfdDecodeError('truncated', 'length', `${payload.length} bytes, the Length field is missing`);
  }
  const authenticated = (flags & FLAG.auth) !== 0;
  const minimum = authenticated ? MIN_LENGTH_WITH_AUTH : BFD_HEADER_LENGTH;
  if (length < minimum) {
    return new BfdDecodeError('lengthTooShort', 'length', `Length ${length} < ${minimum}`);
  }
  if (length > payload.length) {
    return new BfdDecodeError('lengthExceedsPayload', 'length', `Length ${length} > ${payload.length} bytes`);
  }
  const view = new DataView(payload.buffer, payload.byteOffset, length);
  const detectMultiplier = view.getUint8(2);
  if (detectMultiplier === 0) return new BfdDecodeError('zeroDetectMultiplier', 'detectMultiplier', 'zero');
  if ((flags & FLAG.multipoint) !== 0) return new BfdDecodeError('multipointSet', 'multipoint', 'M bit set');
  const myDiscriminator = view.getUint32(4);
  if (myDiscriminator === 0) return new BfdDecodeError('zeroMyDiscriminator', 'myDiscriminator', 'zero');
  const state = BFD_STATES[flags >>> 6] ?? 'adminDown';
  const yourDiscriminator = view.getUint32(8);
  if (yourDiscriminator === 0 && state !== 'down' && state !== 'adminDown') {
    return new BfdDecodeError('zeroYourDiscriminator', 'yourDiscriminator', `zero in state ${state}`);
  }
  if (authenticated !== (options.authenticationInUse ?? false)) {
    return new BfdDecodeError(
      'authenticationMismatch',
      'authenticationPresent',
      authenticated
        ? 'A bit set, the session does not authenticate'
        : 'A bit clear, the session authenticates',
    );
  }
  const authentication = authenticated
    ? decodeAuthentication(payload.subarray(BFD_HEADER_LENGTH, length))
    : undefined;
  if (authentication instanceof BfdDecodeError) return authentication;
  return {
    diagnostic: first & 0x1f,
    state,
    poll: (flags & FLAG.poll) !== 0,
    final: (flags & FLAG.final) !== 0,
    controlPlaneIndependent: (flags & FLAG.cpi) !== 0,
    demand: (flags & FLAG.demand) !== 0,
    multipoint: false,
    detectMultiplier,
    myDiscriminator,
    yourDiscriminator,
    desiredMinTxUs: view.getUint32(12),
    requiredMinRxUs: view.getUint32(16),
    requiredMinEchoRxUs: view.getUint32(20),
    authentication,
  };
}

/** Fields wider than their wire width are truncated to it (the encoder never throws either). */
export function encodeControlPacket(packet: BfdControlPacket): Uint8Array {
  const auth = packet.authentication ? encodeAuthentication(packet.authentication) : new Uint8Array(0);
  const out = new Uint8Array(BFD_HEADER_LENGTH + auth.length);
  const view = new DataView(out.buffer);
  out[0] = (BFD_VERSION << 5) | (packet.diagnostic & 0x1f);
  out[1] =
    (stateCode(packet.state) << 6) |
    (packet.poll ? FLAG.poll : 0) |
    (packet.final ? FLAG.final : 0) |
    (packet.controlPlaneIndependent ? FLAG.cpi : 0) |
    (packet.authentication ? FLAG.auth : 0) |
    (packet.demand ? FLAG.demand : 0) |
    (packet.multipoint ? FLAG.multipoint : 0);
  out[2] = packet.detectMultiplier & 0xff;
  out[3] = out.length;
  view.setUint32(4, packet.myDiscriminator >>> 0);
  view.setUint32(8, packet.yourDiscriminator >>> 0);
  view.setUint32(12, packet.desiredMinTxUs >>> 0);
  view.setUint32(16, packet.requiredMinRxUs >>> 0);
  view.setUint32(20, packet.requiredMinEchoRxUs >>> 0);
  out.set(auth, BFD_HEADER_LENGTH);
  return out;
}
