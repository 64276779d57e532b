// BFD control packet codec: the field layout of RFC 5880 §4.1 and the reception checks of §6.8.6,
// each a typed error naming the field at fault.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeControlPacket, encodeControlPacket } from '../../../src/core/bfd/codec.js';
import { BfdDiagnostic, diagnosticName } from '../../../src/core/bfd/diagnostic.js';
import { BfdDecodeError, type BfdDecodeReason } from '../../../src/core/bfd/errors.js';
import type { BfdControlPacket } from '../../../src/core/bfd/packet.js';

const UP: BfdControlPacket = {
  diagnostic: 0,
  state: 'up',
  poll: false,
  final: false,
  controlPlaneIndependent: false,
  demand: false,
  multipoint: false,
  detectMultiplier: 3,
  myDiscriminator: 0x01020304,
  yourDiscriminator: 0xa0b0c0d0,
  desiredMinTxUs: 300_000,
  requiredMinRxUs: 250_000,
  requiredMinEchoRxUs: 50_000,
  authentication: undefined,
};

/** The same packet written out by hand, field by field. */
const UP_BYTES = Buffer.from(
  [
    '20', // version 1, diag 0
    'c0', // state up (3 << 6), no flags
    '03', // detect mult
    '18', // length 24
    '01020304',
    'a0b0c0d0',
    '000493e0', // 300000
    '0003d090', // 250000
    '0000c350', // 50000
  ].join(''),
  'hex',
);

const withBytes = (edit: (b: Buffer) => void): Buffer => {
  const copy = Buffer.from(UP_BYTES);
  edit(copy);
  return copy;
};

function expectError(
  payload: Uint8Array,
  reason: BfdDecodeReason,
  field: string,
  authenticationInUse = false,
) {
  const result = decodeControlPacket(payload, { authenticationInUse });
  assert.ok(result instanceof BfdDecodeError, `expected ${reason}, got a packet`);
  assert.equal(result.reason, reason);
  assert.equal(result.field, field);
}

describe('BFD codec: layout', () => {
  it('encodes every field where RFC 5880 §4.1 puts it', () => {
    assert.deepEqual(Buffer.from(encodeControlPacket(UP)), UP_BYTES);
  });

  it('decodes the hand-written packet back to the same value', () => {
    assert.deepEqual(decodeControlPacket(UP_BYTES), UP);
  });

  it('places each flag bit and the diagnostic in the first two bytes', () => {
    const flags = [
      ['poll', 0x20],
      ['final', 0x10],
      ['controlPlaneIndependent', 0x08],
      ['demand', 0x02],
    ] as const;
    for (const [flag, bit] of flags) {
      const bytes = encodeControlPacket({ ...UP, [flag]: true });
      assert.equal(bytes[1], 0xc0 | bit, flag);
      const decoded = decodeControlPacket(bytes);
      assert.ok(!(decoded instanceof BfdDecodeError));
      assert.equal(decoded[flag], true, flag);
    }
    const diag = encodeControlPacket({ ...UP, diagnostic: BfdDiagnostic.administrativelyDown });
    assert.equal(diag[0], 0x27);
  });

  it('codes the states AdminDown, Down, Init, Up as 0..3', () => {
    for (const [state, code] of [
      ['adminDown', 0],
      ['down', 1],
      ['init', 2],
      ['up', 3],
    ] as const) {
      assert.equal(encodeControlPacket({ ...UP, state })[1]! >> 6, code);
    }
  });

  it('ignores UDP payload bytes past the Length field', () => {
    const padded = Buffer.concat([UP_BYTES, Buffer.from('deadbeef', 'hex')]);
    assert.deepEqual(decodeControlPacket(padded), UP);
  });

  it('names the diagnostic codes, reserved ones included', () => {
    assert.equal(diagnosticName(0), 'noDiagnostic');
    assert.equal(diagnosticName(1), 'controlDetectionTimeExpired');
    assert.equal(diagnosticName(3), 'neighborSignaledSessionDown');
    assert.equal(diagnosticName(7), 'administrativelyDown');
    assert.equal(diagnosticName(8), 'reverseConcatenatedPathDown');
    assert.equal(diagnosticName(9), 'reserved(9)');
    assert.equal(diagnosticName(31), 'reserved(31)');
  });
});

describe('BFD codec: reception checks (RFC 5880 §6.8.6)', () => {
  it('rejects an empty payload and one without a Length field', () => {
    expectError(new Uint8Array(0), 'truncated', 'version');
    expectError(UP_BYTES.subarray(0, 3), 'truncated', 'length');
  });

  it('rejects versions other than 1', () => {
    for (const version of [0, 2, 7]) {
      expectError(
        withBytes((b) => (b[0] = (version << 5) | (b[0]! & 0x1f))),
        'unsupportedVersion',
        'version',
      );
    }
  });

  it('rejects a Length below 24, or below 26 with the A bit', () => {
    expectError(
      withBytes((b) => (b[3] = 23)),
      'lengthTooShort',
      'length',
    );
    const withA = withBytes((b) => {
      b[1] = b[1]! | 0x04;
      b[3] = 25;
    });
    expectError(withA, 'lengthTooShort', 'length', true);
  });

  it('rejects a Length longer than the payload', () => {
    expectError(UP_BYTES.subarray(0, 23), 'lengthExceedsPayload', 'length');
    expectError(
      withBytes((b) => (b[3] = 25)),
      'lengthExceedsPayload',
      'length',
    );
  });

  it('rejects a zero Detect Mult', () => {
    expectError(
      withBytes((b) => (b[2] = 0)),
      'zeroDetectMultiplier',
      'detectMultiplier',
    );
  });

  it('rejects the Multipoint bit', () => {
    expectError(
      withBytes((b) => (b[1] = b[1]! | 0x01)),
      'multipointSet',
      'multipoint',
    );
  });

  it('rejects a zero My Discriminator', () => {
    expectError(
      withBytes((b) => b.writeUInt32BE(0, 4)),
      'zeroMyDiscriminator',
      'myDiscriminator',
    );
  });

  it('rejects a zero Your Discriminator unless the sender is Down or AdminDown', () => {
    for (const code of [2, 3]) {
      expectError(
        withBytes((b) => {
          b[1] = code << 6;
          b.writeUInt32BE(0, 8);
        }),
        'zeroYourDiscriminator',
        'yourDiscriminator',
      );
    }
    for (const [code, state] of [
      [0, 'adminDown'],
      [1, 'down'],
    ] as const) {
      const decoded = decodeControlPacket(
        withBytes((b) => {
          b[1] = code << 6;
          b.writeUInt32BE(0, 8);
        }),
      );
      assert.ok(!(decoded instanceof BfdDecodeError));
      assert.equal(decoded.state, state);
      assert.equal(decoded.yourDiscriminator, 0);
    }
  });

  it('rejects the A bit when the session does not authenticate, and its absence when it does', () => {
    const simple = Buffer.concat([
      withBytes((b) => {
        b[1] = b[1]! | 0x04;
        b[3] = 24 + 9;
      }),
      Buffer.from([1, 9, 3, ...Buffer.from('herald')]),
    ]);
    expectError(simple, 'authenticationMismatch', 'authenticationPresent', false);
    expectError(UP_BYTES, 'authenticationMismatch', 'authenticationPresent', true);
    const decoded = decodeControlPacket(simple, { authenticationInUse: true });
    assert.ok(!(decoded instanceof BfdDecodeError));
    assert.deepEqual(decoded.authentication, {
      type: 'simplePassword',
      keyId: 3,
      password: Uint8Array.from(Buffer.from('herald')),
    });
  });

  it('checks in the order of §6.8.6: the version before the length before the rest', () => {
    const broken = withBytes((b) => {
      b[0] = 0x40; // version 2
      b[2] = 0; // and detect mult 0
      b[3] = 10; // and too short
    });
    expectError(broken, 'unsupportedVersion', 'version');
    broken[0] = 0x20;
    expectError(broken, 'lengthTooShort', 'length');
  });
});

describe('BFD codec: authentication section', () => {
  const authenticated = (section: number[]): Buffer =>
    Buffer.concat([
      withBytes((b) => {
        b[1] = b[1]! | 0x04;
        b[3] = 24 + section.length;
      }),
      Buffer.from(section),
    ]);

  it('reads keyed SHA1 and meticulous keyed MD5 sections by their fixed lengths', () => {
    const sha1 = [4, 28, 9, 0, 0, 0, 1, 2, ...new Array<number>(20).fill(0xab)];
    const decoded = decodeControlPacket(authenticated(sha1), { authenticationInUse: true });
    assert.ok(!(decoded instanceof BfdDecodeError));
    assert.deepEqual(decoded.authentication, {
      type: 'keyedSha1',
      keyId: 9,
      reserved: 0,
      sequenceNumber: 0x0102,
      digest: new Uint8Array(20).fill(0xab),
    });
    assert.deepEqual(Buffer.from(encodeControlPacket(decoded)), authenticated(sha1));
    const md5 = [3, 24, 1, 0, 0xff, 0xff, 0xff, 0xff, ...new Array<number>(16).fill(7)];
    const m = decodeControlPacket(authenticated(md5), { authenticationInUse: true });
    assert.ok(!(m instanceof BfdDecodeError));
    assert.equal(m.authentication?.type, 'meticulousKeyedMd5');
  });

  it('rejects an Auth Len that does not fit the type or the packet', () => {
    const wrong = [
      [2, 20, 1, 0, 0, 0, 0, 1, ...new Array<number>(12).fill(0)], // keyed MD5 must be 24
      [4, 24, 1, 0, 0, 0, 0, 1, ...new Array<number>(16).fill(0)], // keyed SHA1 must be 28
      [1, 3, 1], // simple password needs at least one byte
      [1, 30, 1, ...new Array<number>(27).fill(0x61)], // and at most 16
      [1, 40, 1, 0x61], // longer than the packet
      [1, 1], // shorter than its own header
    ];
    for (const section of wrong) {
      expectError(authenticated(section), 'malformedAuthentication', 'authentication.length', true);
    }
  });

  it('skips a reserved authentication type by its length, keeping its bytes', () => {
    const decoded = decodeControlPacket(authenticated([9, 6, 1, 2, 3, 4]), { authenticationInUse: true });
    assert.ok(!(decoded instanceof BfdDecodeError));
    assert.deepEqual(decoded.authentication, {
      type: 'unknown',
      code: 9,
      data: Uint8Array.from([1, 2, 3, 4]),
    });
    assert.deepEqual(Buffer.from(encodeControlPacket(decoded)), authenticated([9, 6, 1, 2, 3, 4]));
  });
});
