// OPEN: AS_TRANS for 4-byte AS numbers, capabilities, RFC 9072 extended parameters, and the
// errors RFC 4271 §6.2 names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AS_TRANS,
  OpenSubcode,
  asnOf,
  capabilitiesOf,
  decodeMessage,
  encodeMessage,
  isBgpError,
  openFor,
  type Capability,
  type OpenMessage,
} from '../../../src/core/bgp/index.js';
import { expectError, identifier } from './helpers.js';

const BASE: Capability[] = [
  { kind: 'multiprotocol', afi: 1, safi: 1 },
  { kind: 'multiprotocol', afi: 2, safi: 1 },
  { kind: 'route-refresh' },
];

function decodeOpen(bytes: Uint8Array): OpenMessage {
  const open = decodeMessage(bytes);
  assert.ok(!isBgpError(open) && open.type === 'open', isBgpError(open) ? open.message : 'not an OPEN');
  return open;
}

/** An encoded OPEN with bytes at `offset` (from the start of the message) replaced. */
function patched(open: OpenMessage, offset: number, ...bytes: number[]): Uint8Array {
  const encoded = encodeMessage(open).slice();
  encoded.set(bytes, offset);
  return encoded;
}

const sample = openFor({ asn: 64500, holdTime: 90, identifier: identifier('10.0.0.1'), capabilities: BASE });

describe('OPEN', () => {
  it('a 4-byte AS number goes as AS_TRANS in My AS and in full in the 4-octet AS capability', () => {
    const open = decodeOpen(
      encodeMessage(openFor({ asn: 4200000001, holdTime: 9, identifier: 1, capabilities: BASE })),
    );
    assert.equal(open.myAs, AS_TRANS);
    assert.equal(asnOf(open), 4200000001);
    assert.deepEqual(capabilitiesOf(open), [...BASE, { kind: 'four-octet-as', asn: 4200000001 }]);
  });

  it('a 2-byte AS number goes in My AS too', () => {
    const open = decodeOpen(encodeMessage(sample));
    assert.equal(open.myAs, 64500);
    assert.equal(open.holdTime, 90);
    assert.equal(open.identifier, identifier('10.0.0.1'));
  });

  it('graceful restart and unknown capabilities survive a round trip', () => {
    const capabilities: Capability[] = [
      {
        kind: 'graceful-restart',
        flags: 0xc,
        restartTime: 4095,
        families: [{ afi: 2, safi: 1, flags: 0x80 }],
      },
      { kind: 'unknown', code: 73, value: Uint8Array.of(4, 104, 111, 115, 116, 0) },
    ];
    const open: OpenMessage = { ...sample, capabilityGroups: [capabilities, [{ kind: 'route-refresh' }]] };
    const decoded = decodeOpen(encodeMessage(open));
    assert.deepEqual(decoded.capabilityGroups, open.capabilityGroups);
  });

  it('uses the RFC 9072 extended parameter length when the capabilities exceed 255 bytes', () => {
    const many: Capability[] = Array.from({ length: 40 }, (_, i) => ({
      kind: 'unknown',
      code: 200,
      value: Uint8Array.of(i, 1, 2, 3, 4, 5),
    }));
    const open: OpenMessage = { ...sample, capabilityGroups: [many] };
    const bytes = encodeMessage(open);
    assert.deepEqual([bytes[28], bytes[29]], [255, 255]);
    const decoded = decodeOpen(bytes);
    assert.equal(decoded.extendedParameters, true);
    assert.deepEqual(decoded.capabilityGroups, [many]);
    assert.deepEqual(Buffer.from(encodeMessage(decoded)), Buffer.from(bytes));
  });

  it('refuses to encode a capability longer than its length byte allows', () => {
    const open: OpenMessage = {
      ...sample,
      capabilityGroups: [[{ kind: 'unknown', code: 9, value: new Uint8Array(256) }]],
    };
    assert.throws(() => encodeMessage(open), RangeError);
  });

  it('keeps the extended format when asked to even for short parameters', () => {
    const bytes = encodeMessage({ ...sample, extendedParameters: true });
    const decoded = decodeOpen(bytes);
    assert.equal(decoded.extendedParameters, true);
    assert.deepEqual(decoded.capabilityGroups, sample.capabilityGroups);
  });
});

describe('OPEN errors', () => {
  const cases: [string, Uint8Array, string, number, number[]?][] = [
    ['version 3', patched(sample, 19, 3), 'OPEN.version', OpenSubcode.unsupportedVersionNumber, [0, 4]],
    ['My AS 0 (RFC 7607)', patched(sample, 20, 0, 0), 'OPEN.myAs', OpenSubcode.badPeerAs],
    ['hold time 1', patched(sample, 22, 0, 1), 'OPEN.holdTime', OpenSubcode.unacceptableHoldTime],
    ['hold time 2', patched(sample, 22, 0, 2), 'OPEN.holdTime', OpenSubcode.unacceptableHoldTime],
    [
      'BGP identifier 0.0.0.0',
      patched(sample, 24, 0, 0, 0, 0),
      'OPEN.identifier',
      OpenSubcode.badBgpIdentifier,
    ],
    [
      'an optional parameter that is not Capabilities',
      patched(sample, 29, 1),
      'OPEN.parameters[0]',
      OpenSubcode.unsupportedOptionalParameter,
    ],
    [
      'a parameter longer than the parameters',
      patched(sample, 30, 200),
      'OPEN.parameters[0]',
      OpenSubcode.unspecific,
    ],
    [
      'a multiprotocol capability of 3 bytes',
      patched(sample, 32, 3),
      'OPEN.parameters[0].capabilities',
      OpenSubcode.unspecific,
    ],
    [
      'a parameters length beyond the message',
      patched(sample, 28, 250),
      'OPEN.optionalParametersLength',
      OpenSubcode.unspecific,
    ],
  ];
  for (const [name, bytes, field, subcode, data] of cases) {
    it(`${name} → OPEN Message Error / ${subcode} on ${field}`, () => {
      const error = expectError(decodeMessage(bytes));
      assert.equal(error.action, 'session-reset');
      assert.equal(error.field, field);
      assert.deepEqual([error.notification.code, error.notification.subcode], [2, subcode]);
      if (data) assert.deepEqual([...error.notification.data], data);
    });
  }

  it('hold times 0 and 3 are acceptable', () => {
    for (const holdTime of [0, 3])
      assert.equal(decodeOpen(encodeMessage({ ...sample, holdTime })).holdTime, holdTime);
  });

  it('a 4-octet AS capability with AS 0 is Bad Peer AS', () => {
    const open = openFor({ asn: 0, holdTime: 90, identifier: 1, capabilities: [] });
    const error = expectError(decodeMessage(encodeMessage({ ...open, myAs: 65000 })));
    assert.deepEqual(
      [error.field, error.notification.subcode],
      ['OPEN.capabilities.fourOctetAs', OpenSubcode.badPeerAs],
    );
  });
});
