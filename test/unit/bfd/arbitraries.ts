// fast-check generators of valid BFD control packets (what the decoder must accept), shared by
// the property and fuzz tests.
import fc from 'fast-check';
import type { BfdAuthentication } from '../../../src/core/bfd/authentication.js';
import { BFD_STATES, type BfdControlPacket } from '../../../src/core/bfd/packet.js';

const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = (min: number, max: number) =>
  fc.uint8Array({ minLength: min, maxLength: max }).map((b) => Uint8Array.from(b));

export const authenticationArbitrary: fc.Arbitrary<BfdAuthentication> = fc.oneof(
  fc.record({ type: fc.constant('simplePassword' as const), keyId: fc.nat(255), password: bytes(1, 16) }),
  fc
    .record({
      type: fc.constantFrom('keyedMd5', 'meticulousKeyedMd5', 'keyedSha1', 'meticulousKeyedSha1'),
      keyId: fc.nat(255),
      reserved: fc.nat(255),
      sequenceNumber: uint32,
      seed: bytes(20, 20),
    })
    .map(({ seed, ...rest }) => ({ ...rest, digest: seed.slice(0, rest.type.endsWith('Md5') ? 16 : 20) })),
  fc.record({
    type: fc.constant('unknown' as const),
    code: fc.oneof(fc.constant(0), fc.integer({ min: 6, max: 255 })),
    data: bytes(0, 40),
  }),
);

export const packetArbitrary: fc.Arbitrary<BfdControlPacket> = fc
  .record({
    diagnostic: fc.nat(31),
    state: fc.constantFrom(...BFD_STATES),
    poll: fc.boolean(),
    final: fc.boolean(),
    controlPlaneIndependent: fc.boolean(),
    demand: fc.boolean(),
    multipoint: fc.constant(false),
    detectMultiplier: fc.integer({ min: 1, max: 255 }),
    myDiscriminator: fc.integer({ min: 1, max: 0xffffffff }),
    yourDiscriminator: uint32,
    desiredMinTxUs: uint32,
    requiredMinRxUs: uint32,
    requiredMinEchoRxUs: uint32,
    authentication: fc.option(authenticationArbitrary, { nil: undefined }),
  })
  // Spread: fast-check's records have a null prototype, decoded packets a plain one.
  .map((p) => ({
    ...p,
    yourDiscriminator:
      p.yourDiscriminator === 0 && (p.state === 'init' || p.state === 'up') ? 1 : p.yourDiscriminator,
    authentication: p.authentication ? { ...p.authentication } : undefined,
  }));
