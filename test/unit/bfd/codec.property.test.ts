// Property: any valid control packet survives encode → decode unchanged, and decoding what we
// encoded never needs more bytes than the Length field says.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeControlPacket, encodeControlPacket } from '../../../src/core/bfd/codec.js';
import { BfdDecodeError } from '../../../src/core/bfd/errors.js';
import { packetArbitrary } from './arbitraries.js';

describe('BFD codec: properties', () => {
  it('encode → decode is the identity on valid packets', () => {
    fc.assert(
      fc.property(packetArbitrary, (packet) => {
        const bytes = encodeControlPacket(packet);
        assert.equal(bytes[3], bytes.length, 'Length is the whole packet');
        const decoded = decodeControlPacket(bytes, {
          authenticationInUse: packet.authentication !== undefined,
        });
        assert.deepEqual(decoded, packet);
      }),
      { numRuns: 20_000 },
    );
  });

  it('a packet cut anywhere before its end is rejected for its length, never misread', () => {
    fc.assert(
      fc.property(packetArbitrary, fc.nat(), (packet, cut) => {
        const bytes = encodeControlPacket(packet);
        const short = bytes.subarray(0, cut % bytes.length);
        const decoded = decodeControlPacket(short, {
          authenticationInUse: packet.authentication !== undefined,
        });
        assert.ok(decoded instanceof BfdDecodeError);
        assert.ok(['truncated', 'lengthExceedsPayload'].includes(decoded.reason), decoded.reason);
      }),
      { numRuns: 10_000 },
    );
  });
});
